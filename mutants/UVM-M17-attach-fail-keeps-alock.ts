'use kernel';
/** UVM-M17: uvn_attach failure leaves ALOCK set (uvm_vnode.c:221 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { load, store } from '../impl/sim/atomics.ts';
import { wakeup, tsleep } from '../impl/sim/sleep.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import { lifecycle, note, curthread } from '../impl/sim/report.ts';
import { rw_enter, kernel_lock_held, PROT_WRITE, type UvmObject } from '../impl/env/uvm.ts';
import { vref, VOP_GETATTR, VBLK, type OVnode } from '../impl/env/ovnode.ts';
import { wlist_insert_head, refs_raised } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_VALID, UVM_VNODE_CANPERSIST, UVM_VNODE_ALOCK, UVM_VNODE_WANTED, UVM_VNODE_WRITEABLE, UVM_VNODE_BLOCKED, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M17",
  "title": "a failed attach leaves the uvn ALOCKed",
  "description": "The first mapping's VOP_GETATTR fails; without the flag clear at :221 the uvn stays ALOCK with no attach owner (UVN-03), and the second mapping, woken at :219-220, finds it still BLOCKED and sleeps again forever (UVN-32 liveness, deadlock).",
  "cite": [
    "uvm_vnode.c:221"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-03",
    "UVN-32",
    "CONF:uvn",
    "SIM-01"
  ],
  "scenario": "uvn-mut-attach-fail",
  "params": {},
  "cpus": 2
};

export default {
  *uvn_attach(vp: OVnode, accessprot: number): Kernel<UvmObject | null> {
    const uvn = vp.v_uvm as UvmVnode;
    let oldflags: number;
    let result: number;
    let used_vnode_size = 0;
    let flags: number;
    let r: [number, number];

    /* first get a lock on the uvn. */
    for (;;) {
      flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:148
      if ((flags & UVM_VNODE_BLOCKED) === 0) break;
      flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:149 (|=: an unlocked read-modify-write)
      yield* store(uvn, 'u_flags', flags | UVM_VNODE_WANTED); // uvm_vnode.c:149
      note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:149', kl: kernel_lock_held(curthread()) });
      lifecycle(uvn, 'UVN_ATTACH_WAIT');
      yield* tsleep(uvn, 0, 'uvn_attach', 0); // uvm_vnode.c:150
    }

    /*
     * a block device must be a disk (:153-156). The model has regular files only, so this test
     * (which in the C returns NULL only for a non-disk driver) is never true.
     */
    if (vp.v_type === VBLK) return null;

    yield* rw_enter(uvn.u_obj.vmobjlock); // uvm_vnode.c:164
    if (uvn.u_flags & UVM_VNODE_VALID) {
      /* regain vref if we were persisting (:167-170) */
      if (uvn.u_obj.uo_refs === 0) {
        vref(vp);
        uvn.g_vref++;
      }
      uvn.u_obj.uo_refs++; // :171 bump uvn ref
      refs_raised(uvn, 'uvm_vnode.c:171', false);
      lifecycle(uvn, 'UVN_ATTACH_VALID');
      yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:172

      /* check for new writeable uvn (:174-180), without the object lock */
      flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:176
      if ((accessprot & PROT_WRITE) !== 0 && (flags & UVM_VNODE_WRITEABLE) === 0) {
        /*
         * :177 LIST_INSERT_HEAD (KERNEL_LOCK-protected) and :179's unlocked |=: the insert is
         * folded into :179's store step so that the list and WRITEABLE change together.
         */
        flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:179
        yield* store(uvn, 'u_flags', flags | UVM_VNODE_WRITEABLE); // uvm_vnode.c:179 we are now on wlist
        wlist_insert_head(uvn); // :177
        note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:179', kl: kernel_lock_held(curthread()) });
        lifecycle(uvn, 'UVN_WLIST_INSERT');
      }
      return uvn.u_obj; // :182
    }
    yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:184

    /*
     * VOP_GETATTR may block on I/O, so unlock the object; ALOCK keeps anyone else from attaching
     * meanwhile (:186-193).
     */
    yield* store(uvn, 'u_flags', UVM_VNODE_ALOCK); // uvm_vnode.c:194
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:194', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_ATTACH');

    r = yield* VOP_GETATTR(vp); // uvm_vnode.c:213
    result = r[0];
    if (result === 0) used_vnode_size = r[1]; // :214-215

    if (result !== 0) {
      if (uvn.u_flags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:219-220
      // MUTANT: deleted uvn->u_flags = 0; (uvm_vnode.c:221), and with it its notes
      return null; // :222
    }

    /* now set up the uvn (:234-240), as the ALOCK owner, without the object lock */
    KASSERT(uvn.u_obj.uo_refs === 0, 'uvm_vnode.c:235', 'uvn->u_obj.uo_refs == 0');
    uvn.u_obj.uo_refs++; // :236
    refs_raised(uvn, 'uvm_vnode.c:236', true);
    oldflags = uvn.u_flags; // :237
    uvn.u_flags = UVM_VNODE_VALID | UVM_VNODE_CANPERSIST; // :238
    uvn.u_nio = 0; // :239
    uvn.u_size = used_vnode_size; // :240
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:236-240', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_ATTACH_DONE');

    /* if write access, we need to add it to the wlist (:242-246) */
    if (accessprot & PROT_WRITE) {
      wlist_insert_head(uvn); // :244
      uvn.u_flags |= UVM_VNODE_WRITEABLE; // :245 we are on wlist
      lifecycle(uvn, 'UVN_WLIST_INSERT');
    }

    /* the vnode reference lives as long as there is a mapping (:248-253) */
    vref(vp); // :253
    uvn.g_vref++;
    if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:254-255

    return uvn.u_obj; // :257
  },
};
