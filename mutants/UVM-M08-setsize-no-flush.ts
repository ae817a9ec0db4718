'use kernel';
/** UVM-M08: uvm_vnp_setsize does not flush truncated pages (uvm_vnode.c:1433-1436 deleted, :1437 kept). */
import type { Kernel } from '../impl/sim/prim.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import { note, curthread } from '../impl/sim/report.ts';
import { rw_enter, kernel_lock_held } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { UVM_VNODE_VALID, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M08",
  "title": "setsize lowers u_size without freeing the pages past it",
  "description": "A truncation to 0 leaves the resident page 0 in the uvn past the new end (UVN-27); the kill after unlink then flushes [0, round_page(u_size)) = nothing and finds the page at KASSERT(RBT_EMPTY(memt)) (:376).",
  "cite": [
    "uvm_vnode.c:1433-1436"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-27",
    "uvm_vnode.c:876",
    "uvm_vnode.c:376",
    "UVN-18",
    "SIM-01"
  ],
  "scenario": "uvn-mut-truncate",
  "params": {},
  "cpus": 2
};

export default {
  *uvm_vnp_setsize(vp: OVnode, newsize: number): Kernel<void> {
    const uvn = vp.v_uvm as UvmVnode;
    const uobj = uvn.u_obj;

    KASSERT(kernel_lock_held(curthread()), 'uvm_vnode.c:1421', 'KERNEL_ASSERT_LOCKED()');

    yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1423

    /* lock uvn and check for valid object, and if valid: do it! (:1425-1438) */
    if (uvn.u_flags & UVM_VNODE_VALID) {
      /* if we shrink we had better toss some pages (:1428-1436) */
      // MUTANT: deleted if (uvn->u_size > newsize) uvn_flush(&uvn->u_obj, newsize, uvn->u_size, PGO_FREE); (uvm_vnode.c:1433-1436)
      uvn.u_size = newsize; // :1437
      note('uvn_setsize', { uvn, newsize });
    }
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1439
  },
};
