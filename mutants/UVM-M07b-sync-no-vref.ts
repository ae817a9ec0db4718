'use kernel';
/** UVM-M07b: uvm_vnp_sync revives a persisting uvn without a vnode reference (uvm_vnode.c:1489-1490 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { load, store } from '../impl/sim/atomics.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { lifecycle, note, curthread } from '../impl/sim/report.ts';
import { rw_enter, kernel_lock_held, PGO_CLEANIT, PGO_ALLPAGES, PGO_DOACTCLUST } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { wlist_remove, refs_raised, uvn_detach, uvn_flush } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_WRITEABLE, UVM_VNODE_BLOCKED, uvnGlobals, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M07b",
  "title": "sync revives a persisting uvn without its vnode reference",
  "description": "sync(2) takes a temporary reference on a persisting uvn (refs 0→1) without vref: the uvn has references but holds no vnode reference (UVN-22); the uvn_detach at :1520 then drops a vnode reference it never took (:387), taking the opener's, and the opener's close underflows the use count (vrele panic, ENV-06).",
  "cite": [
    "uvm_vnode.c:1489-1490"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-22",
    "ENV-06"
  ],
  "scenario": "uvn-mut-persist",
  "params": {
    "op": 0
  },
  "cpus": 1
};

export default {
  *uvm_vnp_sync(mp: object | null): Kernel<void> {
    const g = uvnGlobals();
    let uvn: UvmVnode;
    let vp: OVnode;
    let i: number;
    let refs: number;
    let next: UvmVnode | null;

    /* step 1: we are the only ones using uvn_sync_q (:1458-1462) */
    yield* rw_enter(g.uvn_sync_lock); // uvm_vnode.c:1462 rw_enter_write

    /* step 2: queue the uvns of interest from the write list, with a reference each (:1464-1494) */
    g.uvn_sync_q = []; // :1468
    /*
     * LIST_FOREACH(uvn, &uvn_wlist, u_wlist) on the live list: the next element is read from the
     * list after the body (le_next); a uvn unlinked meanwhile (only possible without KERNEL_LOCK)
     * still leads to the element that followed it when the body began.
     */
    next = g.uvn_wlist.length > 0 ? g.uvn_wlist[0] : null;
    while (next !== null) {
      uvn = next;
      i = g.uvn_wlist.indexOf(uvn);
      next = i >= 0 && i + 1 < g.uvn_wlist.length ? g.uvn_wlist[i + 1] : null;
      vp = uvn.u_vnode; // :1470
      if (mp && vp.v_mount !== mp) continue; // :1471-1472

      /* a blocked uvn is dying and being flushed out: skip it (:1474-1483) */
      if ((uvn.u_flags & UVM_VNODE_BLOCKED) !== 0) continue;

      /*
       * gain reference; a persisting uvn needs its vnode reference back (:1485-1491). No object
       * lock: the read of uo_refs and the increment are separate steps, so a writer that holds
       * the object lock but not KERNEL_LOCK (uvn_reference from fork) can interleave (F7).
       */
      refs = yield* load(uvn.u_obj, 'uo_refs'); // uvm_vnode.c:1489
      // MUTANT: deleted if (uvn->u_obj.uo_refs == 0) vref(vp); (uvm_vnode.c:1489-1490)
      yield* store(uvn.u_obj, 'uo_refs', refs + 1); // uvm_vnode.c:1491
      refs_raised(uvn, 'uvm_vnode.c:1491', true);
      note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:1491', kl: kernel_lock_held(curthread()) });
      lifecycle(uvn, 'UVN_SYNC_REF');

      g.uvn_sync_q.unshift(uvn); // :1493 SIMPLEQ_INSERT_HEAD
      i = g.uvn_wlist.indexOf(uvn);
      if (i >= 0) next = i + 1 < g.uvn_wlist.length ? g.uvn_wlist[i + 1] : null;
    }

    /* step 3: clean each queued uvn (:1496-1521) */
    for (i = 0; i < g.uvn_sync_q.length; i++) {
      uvn = g.uvn_sync_q[i]; // SIMPLEQ_FOREACH(uvn, &uvn_sync_q, u_syncq)
      yield* rw_enter(uvn.u_obj.vmobjlock); // uvm_vnode.c:1498
      /* DEBUG printf for a dying uvn on the sync list (:1499-1503): terminate case [2] can do that */
      yield* uvn_flush(uvn.u_obj, 0, 0, PGO_CLEANIT | PGO_ALLPAGES | PGO_DOACTCLUST); // uvm_vnode.c:1504

      /* the only reference and just cleaned: no longer WRITEABLE (:1506-1516) */
      if (uvn.u_obj.uo_refs === 1 && uvn.u_flags & UVM_VNODE_WRITEABLE) {
        wlist_remove(uvn); // :1514
        uvn.u_flags &= ~UVM_VNODE_WRITEABLE; // :1515
        lifecycle(uvn, 'UVN_SYNC_WLIST_REMOVE');
      }
      yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:1517

      /* now drop our reference to the uvn (:1519-1520) */
      note('uvn_sync_unqueue', { uvn });
      yield* uvn_detach(uvn.u_obj); // uvm_vnode.c:1520
    }

    yield* rw_exit_write(g.uvn_sync_lock); // uvm_vnode.c:1523
  },
};
