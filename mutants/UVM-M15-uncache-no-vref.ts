'use kernel';
/** UVM-M15: uvm_vnp_uncache revives a persisting uvn without a vnode reference (uvm_vnode.c:1365 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { panic } from '../impl/sim/panic.ts';
import { lifecycle } from '../impl/sim/report.ts';
import { rw_enter } from '../impl/env/uvm.ts';
import { vn_lock, VOP_UNLOCK, VOP_ISLOCKED, LK_EXCLUSIVE, LK_RETRY, VLOCKSWORK, type OVnode } from '../impl/env/ovnode.ts';
import { refs_raised, uvn_detach } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_VALID, UVM_VNODE_CANPERSIST, UVM_VNODE_BLOCKED, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M15",
  "title": "uncache revives a persisting uvn without its vnode reference",
  "description": "Uncaching a persisting uvn gives it a reference (refs 0→1) without vref (UVN-22); the uvn_detach that kills it drops a vnode reference it never took (:387), taking the opener's, and the opener's close underflows the use count (vrele panic, ENV-06).",
  "cite": [
    "uvm_vnode.c:1365"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-22",
    "ENV-06"
  ],
  "scenario": "uvn-mut-persist",
  "params": {
    "op": 1
  },
  "cpus": 1
};

export default {
  *uvm_vnp_uncache(vp: OVnode): Kernel<boolean> {
    const uvn = vp.v_uvm as UvmVnode;
    const uobj = uvn.u_obj;

    /* lock uvn part of the vnode and check if we need to do anything (:1342-1349) */
    yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1344
    if ((uvn.u_flags & UVM_VNODE_VALID) === 0 || (uvn.u_flags & UVM_VNODE_BLOCKED) !== 0) {
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1347
      return true; // :1348
    }

    /* a valid, unblocked uvn: clear persist; if active we are done (:1351-1359) */
    uvn.u_flags &= ~UVM_VNODE_CANPERSIST; // :1355
    if (uvn.u_obj.uo_refs) {
      lifecycle(uvn, 'UVN_UNCACHE');
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1357
      return false; // :1358
    }

    /* persisting: gain a reference so that uvn_detach can kill it (:1361-1367) */
    // MUTANT: deleted vref(vp); (uvm_vnode.c:1365)
    uvn.u_obj.uo_refs++; // :1366 value is now 1
    refs_raised(uvn, 'uvm_vnode.c:1366', true);
    lifecycle(uvn, 'UVN_UNCACHE_REVIVE');
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1367

    /* VFSLCKDEBUG: the vnode must be VOP_LOCK'd (:1369-1376) */
    if ((vp.v_flag & VLOCKSWORK) !== 0 && !VOP_ISLOCKED(vp)) panic('uvm_vnode.c:1375', 'uvm_vnp_uncache: vnode not locked!');

    /* drop our reference with the vnode unlocked: it may trigger I/O (:1378-1390) */
    yield* VOP_UNLOCK(vp); // uvm_vnode.c:1388
    yield* uvn_detach(uvn.u_obj); // uvm_vnode.c:1389
    yield* vn_lock(vp, LK_EXCLUSIVE | LK_RETRY); // uvm_vnode.c:1390

    return true; // :1392
  },
};
