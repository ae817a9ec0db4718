'use kernel';
/** UVM-M04: uvm_vnp_terminate does not wait for pages in I/O (uvm_vnode.c:478-496 deleted). */
import type { Kernel } from '../impl/sim/prim.ts';
import { wakeup } from '../impl/sim/sleep.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { panic } from '../impl/sim/panic.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { rw_enter, PGO_CLEANIT, PGO_FREE, PGO_ALLPAGES } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { wlist_remove, uvn_flush } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_VALID, UVM_VNODE_CANPERSIST, UVM_VNODE_DYING, UVM_VNODE_RELKILL, UVM_VNODE_WANTED, UVM_VNODE_VNISLOCKED, UVM_VNODE_IOSYNCWANTED, UVM_VNODE_WRITEABLE, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M04",
  "title": "terminate frees the uvn without waiting for its pages in I/O",
  "description": "The recycler terminates a persisting uvn whose dirty page its flush has handed to aiodone (async-ext): without the iosync wait terminate frees the uvn (flags 0, :523) while the page is still resident and busy in I/O with u_nio = 1 (UVN-12; UVN-20 at the whole-word clear); aiodone later frees the page of a dead uvn (UPG-06). The model catches it first by conformance (CONF:uvn), in the step that frees the uvn (:523) while terminate still holds the object lock: UVN_TERMINATE_FREE with a resident page and u_nio = 1 is no transition of the uvn machine; UVN-12 and UVN-20 are [Q] checks that would fire once the lock is dropped.",
  "cite": [
    "uvm_vnode.c:478-496"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-12",
    "UVN-20",
    "UPG-06",
    "UVN-14",
    "CONF:uvn"
  ],
  "scenario": "uvn-mut-recycle",
  "params": {},
  "cpus": 2
};

export default {
  *uvm_vnp_terminate(vp: OVnode): Kernel<void> {
    const uvn = vp.v_uvm as UvmVnode;
    const uobj = uvn.u_obj;
    let oldflags: number;

    /* check if it is valid (:424-429) */
    yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:425
    if ((uvn.u_flags & UVM_VNODE_VALID) === 0) {
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:427
      return; // :428
    }

    /* the uvn may be in RELKILL (waiting for async I/O): take it over (:447-456) */
    if (uvn.u_flags & UVM_VNODE_RELKILL) uvn.u_flags &= ~UVM_VNODE_RELKILL; // :455-456 cancel RELKILL

    /* block the uvn and tell uvn_io we hold the vnode lock (:458-470) */
    uvn.u_flags |= UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED; // :470
    note('uvn_terminate_begin', { uvn });
    lifecycle(uvn, 'UVN_TERMINATE');

    yield* uvn_flush(uobj, 0, 0, PGO_CLEANIT | PGO_FREE | PGO_ALLPAGES); // uvm_vnode.c:472

    /* all pages are gone or going: wait for the rest via iosync (:474-496) */
    // MUTANT: deleted the wait (uvm_vnode.c:478-496): while (uvn->u_obj.uo_npages) { DEBUG checks; IOSYNC; rwsleep(&uvn->u_nio) }

    /* free the uvn if nothing references it, else let it live on a dead vnode (:498-524) */
    oldflags = uvn.u_flags; // :504
    if (uvn.u_obj.uo_refs) {
      /* live on in dead-vnode state until the references go (:506-511) */
      uvn.u_flags &= ~(UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED | UVM_VNODE_WANTED | UVM_VNODE_CANPERSIST); // :510-511
      uvn.g_vnodeDead = true;
      lifecycle(uvn, 'UVN_TERMINATE_LIVE');
    } else {
      /* free the uvn now; the vref went when it started persisting (:513-515) */
      if (uvn.u_flags & UVM_VNODE_IOSYNCWANTED) panic('uvm_vnode.c:518', 'uvm_vnp_terminate: io sync wanted bit set'); // :517-518
      if (uvn.u_flags & UVM_VNODE_WRITEABLE) {
        wlist_remove(uvn); // :521
      }
      uvn.u_flags = 0; // :523 uvn is history, clear all bits
      uvn.g_vnodeDead = false;
      lifecycle(uvn, 'UVN_TERMINATE_FREE');
    }
    note('uvn_terminate_end', { uvn });

    if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:526-527

    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:529
  },
};
