'use kernel';
/** UVM-M11: uvn_flush's iosync tail does not wake IOSYNCWANTED waiters (uvm_vnode.c:850-851 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { wakeup } from '../impl/sim/sleep.ts';
import { rwsleep } from '../impl/sim/locks.ts';
import { KASSERT, panic } from '../impl/sim/panic.ts';
import { lifecycle, note, curthread } from '../impl/sim/report.ts';
import { rw_enter, uvm_lock_pageq, uvm_unlock_pageq, uvm_pagelookup, uvm_pagewait, uvm_pageclean, uvm_pglistfree, uvm_pagedeactivate, atomic_setbits_int, atomic_clearbits_int, pmap_page_protect, pmap_is_modified, pmap_clear_modify, UVM_PAGE_OWN, uvnOf, trunc_page, round_page, PAGE_SIZE, PG_BUSY, PG_WANTED, PG_CLEAN, PG_CLEANCHK, PG_RELEASED, PQ_ACTIVE, PROT_NONE, PROT_READ, OWNER_PAGEOUT, OWNER_NONE, PGO_CLEANIT, PGO_SYNCIO, PGO_DEACTIVATE, PGO_FREE, PGO_ALLPAGES, PGO_DOACTCLUST, VM_PAGER_OK, VM_PAGER_PEND, VM_PAGER_AGAIN, type UvmObject, type UvmPage } from '../impl/env/uvm.ts';
import { uvm_pager_put } from '../impl/env/uvm_pager.ts';
import { type Disposal, flush_disposal, flush_completion } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_IOSYNC, UVM_VNODE_IOSYNCWANTED, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M11",
  "title": "the iosync tail clears IOSYNCWANTED without waking the waiters",
  "description": "A read fault's uvn_io waits on &u_flags for IOSYNC to clear (IOSYNCWANTED); msync's tail clears both bits (:852) but no longer wakes it, so it sleeps with IOSYNCWANTED clear (UVN-17 (a)) and forever (UVN-17 (b), deadlock).",
  "cite": [
    "uvm_vnode.c:850-851"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-17",
    "SIM-01"
  ],
  "scenario": "uvn-mut-iosync",
  "params": {
    "reader": 1
  },
  "cpus": 2
};

export default {
  *uvn_flush(uobj: UvmObject, start: number, stop: number, flags: number): Kernel<boolean> {
    const uvn = uvnOf<UvmVnode>(uobj);
    const t = curthread();
    let pp: UvmPage | null;
    let ptmp: UvmPage;
    let ppsp: UvmPage[] = [];
    const dead: UvmPage[] = [];
    let npages = 0;
    let result = VM_PAGER_OK;
    let lcv: number;
    let retval: boolean;
    let need_iosync: boolean;
    let g_busy_seen = false; // ghost (UPG-13): the scan met a page busy in someone else's I/O, with C|S
    let needs_clean: boolean;
    let curoff: number;
    let put: [number, UvmPage[], number];
    let disposal: Disposal;
    const entryFlags = flags;

    KASSERT(uobj.vmobjlock.rwl_owner === t, 'uvm_vnode.c:607', 'rw_write_held(uobj->vmobjlock)');

    /* get init vals and determine how we are going to traverse object (:610-619) */
    need_iosync = false;
    retval = true;
    if (flags & PGO_ALLPAGES) {
      start = 0;
      stop = round_page(uvn.u_size);
    } else {
      start = trunc_page(start);
      stop = Math.min(round_page(stop), round_page(uvn.u_size));
    }

    /* PG_CLEANCHK is only a clustering hint; clear it in range (:621-638) */
    if ((flags & PGO_CLEANIT) !== 0) {
      /* :632 KASSERT(uobj->pgops->pgo_mk_pcluster != 0): static configuration (ENV-05), always true here */
      for (curoff = start; curoff < stop; curoff += PAGE_SIZE) {
        pp = uvm_pagelookup(uobj, curoff);
        if (pp !== null) atomic_clearbits_int(pp, PG_CLEANCHK); // :634-636
      }
    }

    yield* uvm_lock_pageq(); // uvm_vnode.c:641
    for (curoff = start; curoff < stop; curoff += PAGE_SIZE) {
      pp = uvm_pagelookup(uobj, curoff); // :644
      if (pp === null) continue;

      /*
       * Step A (:646-677): a page needs cleaning only if we clean, it is not busy, and it is not
       * clean once the pmap's modified bit is folded in. A busy page is someone else's I/O: with
       * PGO_SYNCIO we will wait for it after the scan.
       */
      if ((flags & PGO_CLEANIT) === 0 || (pp.pg_flags & PG_BUSY) !== 0) {
        needs_clean = false;
        if ((pp.pg_flags & PG_BUSY) !== 0 && (flags & (PGO_CLEANIT | PGO_SYNCIO)) === (PGO_CLEANIT | PGO_SYNCIO)) need_iosync = true; // :658-661
        if ((pp.pg_flags & PG_BUSY) !== 0 && (flags & (PGO_CLEANIT | PGO_SYNCIO)) === (PGO_CLEANIT | PGO_SYNCIO)) g_busy_seen = true; // ghost, independent of :658-661
      } else {
        /* freeing: nuke all mappings so we can sync PG_CLEAN bit with no race (:663-670) */
        if ((pp.pg_flags & PG_CLEAN) !== 0 && (flags & PGO_FREE) !== 0 && (pp.pg_flags & PQ_ACTIVE) !== 0) pmap_page_protect(pp, PROT_NONE);
        if ((pp.pg_flags & PG_CLEAN) !== 0 && pmap_is_modified(pp)) {
          atomic_clearbits_int(pp, PG_CLEAN); // :673
          lifecycle(pp, 'FLUSH_DIRTYCHECK');
        }
        atomic_setbits_int(pp, PG_CLEANCHK); // :674
        needs_clean = (pp.pg_flags & PG_CLEAN) === 0; // :676
      }

      /* Step B (:679-703): no cleaning needed — deactivate, or free (waiting for a busy page), and go on */
      if (!needs_clean) {
        disposal = flush_disposal(flags, pp);
        if (disposal === 'DEACTIVATE') {
          pmap_page_protect(pp, PROT_NONE); // :683
          uvm_pagedeactivate(pp); // :684
        } else if (disposal === 'WAIT_BUSY') {
          yield* uvm_unlock_pageq(); // uvm_vnode.c:688
          yield* uvm_pagewait(pp, uobj.vmobjlock, 'uvn_flsh'); // uvm_vnode.c:689-690
          yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:691
          yield* uvm_lock_pageq(); // uvm_vnode.c:692
          curoff -= PAGE_SIZE; // :693 look the same offset up again
          continue;
        } else if (disposal === 'FREE') {
          pmap_page_protect(pp, PROT_NONE); // :696
          uvm_pageclean(pp, t, 'FLUSH_FREE'); // :698 removed page from object
          dead.unshift(pp); // :699 TAILQ_INSERT_HEAD(&dead, pp, pageq)
        }
        continue;
      }

      /*
       * Step C (:705-724): pp is ours to clean: busy it, write-protect it, and (freeing without
       * PGO_SYNCIO) mark it RELEASED so that an async completion would free it; then a clustered
       * pageout through uvm_pager_put.
       */
      atomic_setbits_int(pp, PG_BUSY); // :713
      UVM_PAGE_OWN(pp, OWNER_PAGEOUT, t); // :714
      lifecycle(pp, 'PAGEOUT_START');
      pmap_page_protect(pp, PROT_READ); // :715
      /* if we're async, free the page in aiodoned (:716-718) */
      if ((flags & (PGO_FREE | PGO_SYNCIO)) === PGO_FREE) {
        atomic_setbits_int(pp, PG_RELEASED);
        lifecycle(pp, 'PG_RELEASED');
      }
      for (;;) {
        /* ReTry: (:719-724) */
        put = yield* uvm_pager_put(uobj, pp, flags | PGO_DOACTCLUST, start, stop); // uvm_vnode.c:723-724
        result = put[0];
        ppsp = put[1];
        npages = put[2];

        /* the page may have been freed by an async completion: touch it only when it cannot be (:726-733) */
        yield* uvm_lock_pageq(); // uvm_vnode.c:733

        /*
         * VM_PAGER_AGAIN (:735-759): async I/O could not map the pages (or IOSYNC was set):
         * drop back to synchronous I/O for the rest of this flush, and do not free in aiodone.
         */
        if (result !== VM_PAGER_AGAIN) break;
        if (flags & PGO_SYNCIO) panic('uvm_vnode.c:751', 'uvn_flush: PGO_SYNCIO return \'try again\' error (impossible)'); // :749-752 (DIAGNOSTIC)
        flags |= PGO_SYNCIO; // :753
        if (flags & PGO_FREE) {
          atomic_clearbits_int(pp, PG_RELEASED); // :754-756
          lifecycle(pp, 'PAGEOUT_RETRY');
        }
        /* goto ReTry (:758) */
      }

      /*
       * The pageout is done (:761-774): on error uvm_pager_put has dropped the cluster but pp; a
       * pending async write owns its pages now, so without PGO_DEACTIVATE move on.
       */
      if (result === VM_PAGER_PEND && (flags & PGO_DEACTIVATE) === 0) continue; // :772-773

      /* look at each page of the I/O (:775-836) */
      for (lcv = 0; lcv < npages; lcv++) {
        ptmp = ppsp[lcv];
        /* verify the page didn't get moved (:781-785) */
        if (result === VM_PAGER_PEND && ptmp.uobject !== uobj) continue;

        /* unbusy the page if I/O is done (:787-804): marked clean even after an error (F11) */
        if (result !== VM_PAGER_PEND) {
          if (ptmp.pg_flags & PG_WANTED) yield* wakeup(ptmp); // uvm_vnode.c:794-795
          atomic_clearbits_int(ptmp, PG_WANTED | PG_BUSY); // :797-798
          UVM_PAGE_OWN(ptmp, OWNER_NONE, null); // :799
          atomic_setbits_int(ptmp, PG_CLEAN | PG_CLEANCHK); // :800-801
          if (result !== VM_PAGER_OK) ptmp.g_tainted = true;
          if ((flags & PGO_FREE) === 0) pmap_clear_modify(ptmp); // :802-803
          lifecycle(ptmp, (flags & PGO_FREE) !== 0 && (flags & PGO_DEACTIVATE) === 0 ? 'PAGEOUT_DONE_FREE' : 'PAGEOUT_DONE');
        }

        /* dispose of page (:806-834) */
        switch (flush_completion(flags, result, ptmp)) {
          case 'DEACTIVATE':
            pmap_page_protect(ptmp, PROT_NONE); // :809
            uvm_pagedeactivate(ptmp); // :810
            break;
          case 'FREE':
            /* a failed pageout while freeing: "changes to page may be lost!" (:814-830) */
            if (result !== VM_PAGER_OK) retval = false; // :829
            pmap_page_protect(ptmp, PROT_NONE); // :831
            uvm_pageclean(ptmp, t, null); // :832 (reported with the unbusy: PAGEOUT_DONE_FREE)
            dead.push(ptmp); // :833 TAILQ_INSERT_TAIL(&dead, ptmp, pageq)
            break;
          case 'KEEP':
            break;
        }
      } /* end of "lcv" for loop */
    } /* end of "pp" for loop */

    /* done with pagequeues: unlock (:840-841) */
    yield* uvm_unlock_pageq(); // uvm_vnode.c:841

    /* now wait for all I/O if required (:843-853) */
    if (need_iosync) {
      while (uvn.u_nio !== 0) {
        uvn.u_flags |= UVM_VNODE_IOSYNC; // :846
        lifecycle(uvn, 'UVN_IOSYNC_WAIT');
        yield* rwsleep(uvn.g_nioChan, uobj.vmobjlock, 0, 'uvn_flush', 0); // uvm_vnode.c:847-848
      }
      // MUTANT: deleted if (uvn->u_flags & UVM_VNODE_IOSYNCWANTED) wakeup(&uvn->u_flags); (uvm_vnode.c:850-851)
      if (uvn.u_flags & (UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED)) lifecycle(uvn, 'UVN_IOSYNC_CLEAR');
      uvn.u_flags &= ~(UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED); // :852
    }

    uvm_pglistfree(dead); // :855
    note('uvn_flush_return', { uvn, flags: entryFlags, finalFlags: flags, retval, need_iosync, busySeen: g_busy_seen });

    return retval; // :857
  },
};
