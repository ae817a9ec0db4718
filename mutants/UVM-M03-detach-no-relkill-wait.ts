'use kernel';
/** UVM-M03: uvn_detach does not wait for outstanding I/O (uvm_vnode.c:358-362 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { wakeup } from '../impl/sim/sleep.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { rw_enter, uvnOf, PGO_CLEANIT, PGO_DEACTIVATE, PGO_FREE, PGO_ALLPAGES, type UvmObject } from '../impl/env/uvm.ts';
import { vrele, VTEXT, type OVnode } from '../impl/env/ovnode.ts';
import { wlist_remove, uvn_flush } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_CANPERSIST, UVM_VNODE_DYING, UVM_VNODE_RELKILL, UVM_VNODE_WANTED, UVM_VNODE_WRITEABLE, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M03",
  "title": "detach kills the uvn without waiting for its pages in I/O",
  "description": "With the asynchronous-pageout extension the kill flush of the last munmap hands the dirty page to aiodone (PEND, PG_RELEASED) and returns with the page still resident; without the RELKILL wait uvn_detach goes on to kill the uvn at once, and KASSERT(RBT_EMPTY(memt)) at :376 fires (UVN-12, UVN-35). In the synchronous pager the flush frees every page before it returns (except under hazard F16), so there the mutant is equivalent, as §6 says (uvn-mut-kill with async=0, actor 0 or 1, explores completely without a violation): it is run in async-ext mode.",
  "cite": [
    "uvm_vnode.c:358-362"
  ],
  "expect": "killed",
  "killedBy": [
    "uvm_vnode.c:376",
    "UVN-12",
    "UVN-35",
    "UVN-14",
    "UVN-13"
  ],
  "scenario": "uvn-mut-kill",
  "params": {
    "actor": 0,
    "async": 1,
    "kva": 0
  },
  "cpus": 2
};

export default {
  *uvn_detach(uobj: UvmObject): Kernel<void> {
    let uvn: UvmVnode;
    let vp: OVnode;
    let oldflags: number;

    yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:307
    uobj.uo_refs--; // :308 drop ref
    note('uvn_refs_dropped', { uobj, refs: uobj.uo_refs });
    if (uobj.uo_refs) {
      lifecycle(uobj.uo_uvn, 'UVN_DETACH');
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:310
      return; // :311
    }

    /* get other pointers (:314-316) */
    uvn = uvnOf<UvmVnode>(uobj);
    vp = uvn.u_vnode;

    /* no mappings left: clear VTEXT (:318-322) */
    vp.v_flag &= ~VTEXT;

    /* the last reference is gone: can the uvn stick around? (:324-332) */
    if (uvn.u_flags & UVM_VNODE_CANPERSIST) {
      lifecycle(uvn, 'UVN_DETACH_PERSIST');
      /* won't block */
      yield* uvn_flush(uobj, 0, 0, PGO_DEACTIVATE | PGO_ALLPAGES); // uvm_vnode.c:330
    } else {
      /* its a goner! (:334-335) */
      uvn.u_flags |= UVM_VNODE_DYING;
      lifecycle(uvn, 'UVN_DETACH_DYING');

      /* nobody can gain a reference until DYING clears, even while the flush unlocks (:337-345) */
      yield* uvn_flush(uobj, 0, 0, PGO_CLEANIT | PGO_FREE | PGO_ALLPAGES); // uvm_vnode.c:346

      /*
       * every page is freed or busy in async I/O; RELKILL tells a terminate to leave the uvn
       * alone, and we kill it when it is empty (:348-356)
       */
      uvn.u_flags |= UVM_VNODE_RELKILL; // :356
      note('uvn_detach_flushed', { uvn, npages: uobj.uo_npages });
      /* wait on any outstanding io (:357-362) */
      // MUTANT: deleted the wait (uvm_vnode.c:358-362): while (uobj->uo_npages && uvn->u_flags & UVM_VNODE_RELKILL) { IOSYNC; rwsleep(&uvn->u_nio) }

      if ((uvn.u_flags & UVM_VNODE_RELKILL) === 0) {
        note('uvn_relkill_cancelled', { uvn });
        yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:365
        return; // :366
      }

      /* kill object now; no references, so not on the sync queue (:369-372) */
      if (uvn.u_flags & UVM_VNODE_WRITEABLE) {
        wlist_remove(uvn); // :374
      }
      KASSERT(uobj.uo_npages === 0, 'uvm_vnode.c:376', 'RBT_EMPTY(uvm_objtree, &uobj->memt)');
      oldflags = uvn.u_flags; // :377
      uvn.u_flags = 0; // :378
      uvn.g_vnodeDead = false;
      lifecycle(uvn, 'UVN_DETACH_KILL');

      /* wake up any sleepers (:380-382) */
      if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:381-382
    }
    /* out: */
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:384

    /* drop our reference to the vnode (:386-387) */
    note('uvn_vrele', { uvn: uobj.uo_uvn, vp });
    (uobj.uo_uvn as UvmVnode).g_vref--;
    yield* vrele(vp); // uvm_vnode.c:387
  },
};
