'use kernel';
/**
 * Hazard F15 patch (docs/hazards.md, "The vnode pager"): the seed's uvn_get, unchanged in logic,
 * except that in the PGO_LOCKED branch the busy test (uvm_vnode.c:955-962) and the busying
 * atomic_setbits_int (:968) are separate steps, as in the C: the test is a load of pg_flags and
 * the set an atomic OR. The model otherwise folds both into the step that took the object lock,
 * which serialises them even for callers that hold the lock only for reading — the configuration
 * the KASSERT at :927-928 permits and F15 is about. Only the step granularity changes.
 */
import type { Kernel } from '../../impl/sim/prim.ts';
import { prim } from '../../impl/sim/prim.ts';
import { load } from '../../impl/sim/atomics.ts';
import { wakeup } from '../../impl/sim/sleep.ts';
import { rw_exit_write } from '../../impl/sim/locks.ts';
import { KASSERT } from '../../impl/sim/panic.ts';
import { lifecycle, note, curthread } from '../../impl/sim/report.ts';
import {
  rw_enter,
  uvm_lock_pageq,
  uvm_unlock_pageq,
  uvm_pagelookup,
  uvm_pagealloc,
  uvm_wait,
  uvm_pagewait,
  uvm_pagefree,
  atomic_setbits_int,
  atomic_clearbits_int,
  pmap_clear_modify,
  UVM_PAGE_OWN,
  PAGE_SIZE,
  PG_BUSY,
  PG_WANTED,
  PG_FAKE,
  OWNER_CLIENT,
  OWNER_NONE,
  PGO_ALLPAGES,
  PGO_LOCKED,
  PGO_NOWAIT,
  PGO_SYNCIO,
  VM_PAGER_OK,
  VM_PAGER_UNLOCK,
  UIO_READ,
  type UvmObject,
  type UvmPage,
} from '../../impl/env/uvm.ts';
import { uvn_io, PGO_DONTCARE, type PageSlot } from '../../impl/kernel/uvm_vnode.ts';
import { uvnOf } from '../../impl/env/uvm.ts';
import type { UvmVnode } from '../../impl/kernel/uvm_vnode_state.ts';

/** Ghost: was the page already busy when this thread's atomic set ran (UPG-05's wasBusy)? */
const busyAtSet = new WeakMap<object, boolean>();
function wasBusyAtSet(pg: UvmPage): boolean {
  return busyAtSet.get(pg) === true;
}

/** atomic_setbits_int(&pg->pg_flags, PG_BUSY) as one step (remembering whether PG_BUSY was already set). */
const busy_page = prim({
  name: 'atomic_setbits_int',
  kind: 'atomic',
  touches: ([pg]: [UvmPage]) => [pg],
  exec: ([pg]: [UvmPage]) => {
    busyAtSet.set(pg, (pg.pg_flags & PG_BUSY) !== 0);
    pg.pg_flags |= PG_BUSY;
  },
});

export default {
  *uvn_get(uobj: UvmObject, offset: number, pps_in: PageSlot[], npagesp: number, centeridx: number, access_type: number, advice: number, flags: number): Kernel<[number, PageSlot[], number]> {
    const t = curthread();
    const pps: PageSlot[] = pps_in.slice();
    let current_offset: number;
    let ptmp: UvmPage | null;
    let lcv: number;
    let result: number;
    let gotpages: number;
    let done: boolean;
    let pgflags: number;
    void access_type;
    void advice;

    KASSERT(
      ((flags & PGO_LOCKED) !== 0 && (uobj.vmobjlock.rwl_owner === t || uobj.vmobjlock.rwl_readers > 0)) || (flags & PGO_LOCKED) === 0,
      'uvm_vnode.c:927-928',
      '((flags & PGO_LOCKED) != 0 && rw_lock_held(uobj->vmobjlock)) || (flags & PGO_LOCKED) == 0',
    );

    /* step 1: the fault data structures are locked (:930-997) */
    if (flags & PGO_LOCKED) {
      gotpages = 0;
      done = true; /* be optimistic */
      for (lcv = 0, current_offset = offset; lcv < npagesp; lcv++, current_offset += PAGE_SIZE) {
        /* do we care about this page? (:948-950) */
        if (pps[lcv] === PGO_DONTCARE) continue;
        ptmp = uvm_pagelookup(uobj, current_offset); // :953
        /* to be useful it must be a non-busy page (:955-962): the test reads pg_flags (a step) */
        pgflags = ptmp === null ? 0 : yield* load(ptmp, 'pg_flags'); // :955
        if (ptmp === null || (pgflags & PG_BUSY) !== 0) {
          if (lcv === centeridx || (flags & PGO_ALLPAGES) !== 0) done = false; /* need to do a wait or I/O! */
          continue;
        }
        /* useful page: busy it and plug it in our result array (:964-971) */
        yield* busy_page(ptmp); // :968 atomic_setbits_int(&ptmp->pg_flags, PG_BUSY): its own step
        note('uvn_page_busied', { pg: ptmp, wasBusy: wasBusyAtSet(ptmp), writeLocked: uobj.vmobjlock.rwl_owner === t });
        UVM_PAGE_OWN(ptmp, OWNER_CLIENT, t); // :969
        lifecycle(ptmp, 'PG_BUSY');
        pps[lcv] = ptmp;
        gotpages++;
      }
      /* read-ahead is left to the buffer cache (:975-985) */
      if (done) return [VM_PAGER_OK, pps, gotpages]; // :992-994 bingo!
      return [VM_PAGER_UNLOCK, pps, gotpages]; // :996
    }

    /* step 2: get non-resident or busy pages, one at a time (:999-1122) */
    for (lcv = 0, current_offset = offset; lcv < npagesp; lcv++, current_offset += PAGE_SIZE) {
      /* skip pages we already have or need not get (:1010-1014) */
      if (pps[lcv] !== null || (lcv !== centeridx && (flags & PGO_ALLPAGES) === 0)) continue;

      /* find, wait for, or allocate the page (:1016-1071) */
      ptmp = null;
      while (pps[lcv] === null) {
        ptmp = uvm_pagelookup(uobj, current_offset); // :1033
        if (ptmp === null) {
          /* nope? allocate one now (:1035-1053) */
          ptmp = yield* uvm_pagealloc(uobj, current_offset); // uvm_vnode.c:1037-1038
          if (ptmp === null) {
            /* out of RAM: wait, with the object lock held (F14) */
            yield* uvm_wait('uvn_getpage'); // uvm_vnode.c:1042
            continue;
          }
          break; /* got a new page ready for I/O; pps[lcv] is still NULL (:1048-1052) */
        }
        /* page is there, see if we need to wait on it (:1055-1060) */
        if ((ptmp.pg_flags & PG_BUSY) !== 0) {
          yield* uvm_pagewait(ptmp, uobj.vmobjlock, 'uvn_get'); // uvm_vnode.c:1057
          yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1058
          continue;
        }
        /* resident and unbusied since step 1: busy it now (:1062-1070) */
        note('uvn_page_busied', { pg: ptmp, wasBusy: false, writeLocked: true });
        atomic_setbits_int(ptmp, PG_BUSY); // :1068
        UVM_PAGE_OWN(ptmp, OWNER_CLIENT, t); // :1069
        lifecycle(ptmp, 'PG_BUSY');
        pps[lcv] = ptmp;
      }

      /* we own a valid page at this offset: next (:1073-1079) */
      if (pps[lcv] !== null) continue;

      /* a fake/busy/clean page we just allocated: read it (:1081-1086) */
      result = yield* uvn_io(uvnOf<UvmVnode>(uobj), [ptmp as UvmPage], 1, PGO_SYNCIO | PGO_NOWAIT, UIO_READ); // uvm_vnode.c:1085-1086

      /* "because we used syncio the result can not be PEND or AGAIN" (:1088-1091) — but AGAIN it can (F10) */
      if (result !== VM_PAGER_OK) {
        ptmp = ptmp as UvmPage;
        /*
         * The model takes the page-queue lock (:1099) before the unbusy (:1093-1098) so that the
         * unbusy and the free are one step: the object lock is held throughout, so nobody can tell.
         */
        yield* uvm_lock_pageq(); // uvm_vnode.c:1099
        if (ptmp.pg_flags & PG_WANTED) yield* wakeup(ptmp); // uvm_vnode.c:1093-1094
        atomic_clearbits_int(ptmp, PG_WANTED | PG_BUSY); // :1096-1097
        UVM_PAGE_OWN(ptmp, OWNER_NONE, null); // :1098
        uvm_pagefree(ptmp, t, 'GET_READ_FAIL'); // :1100
        yield* uvm_unlock_pageq(); // uvm_vnode.c:1101
        yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1102
        return [result, pps, 0]; // :1103
      }

      /* we got the page: valid data now, and clean; still busy for the caller (:1106-1120) */
      ptmp = ptmp as UvmPage;
      atomic_clearbits_int(ptmp, PG_FAKE); // :1118
      pmap_clear_modify(ptmp); // :1119
      lifecycle(ptmp, 'GET_READ_OK');
      pps[lcv] = ptmp; // :1120
    }

    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1125
    return [VM_PAGER_OK, pps, npagesp]; // :1126
  },
};
