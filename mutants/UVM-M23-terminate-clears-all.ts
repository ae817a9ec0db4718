'use kernel';
/** UVM-M23: uvm_vnp_terminate clears the whole flag word of a uvn that still has references (uvm_vnode.c:510-511). */
import type { Kernel } from '../impl/sim/prim.ts';
import { wakeup } from '../impl/sim/sleep.ts';
import { rw_exit_write, rwsleep } from '../impl/sim/locks.ts';
import { panic } from '../impl/sim/panic.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { rw_enter, uvm_objpages, PG_BUSY, PGO_CLEANIT, PGO_FREE, PGO_ALLPAGES, type UvmPage } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { wlist_remove, uvn_flush } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_VALID, UVM_VNODE_DYING, UVM_VNODE_RELKILL, UVM_VNODE_WANTED, UVM_VNODE_VNISLOCKED, UVM_VNODE_IOSYNC, UVM_VNODE_IOSYNCWANTED, UVM_VNODE_WRITEABLE, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M23",
  "title": "terminate kills a uvn that still has mappings",
  "description": "A forced unmount of a vnode mapped writable: terminate case [2] sets the flag word to 0 instead of clearing DYING|VNISLOCKED|WANTED|CANPERSIST, so a uvn with refs = 1 is no longer VALID (UVN-04) and has lost WRITEABLE while it is still on uvn_wlist (UVN-10, UVN-11). The model catches it first by conformance (CONF:uvn), in terminate's step (object lock held): its UVN_TERMINATE_LIVE leads the machine to the dead-vnode state with the uvn VALID, the object is FREE with refs = 1; UVN-04, UVN-10 and UVN-11 are [Q] checks.",
  "cite": [
    "uvm_vnode.c:510-511"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-04",
    "UVN-10",
    "UVN-11",
    "CONF:uvn"
  ],
  "scenario": "uvn-mut-vgone-mapped",
  "params": {},
  "cpus": 1
};

export default {
  *uvm_vnp_terminate(vp: OVnode): Kernel<void> {
    const uvn = vp.v_uvm as UvmVnode;
    const uobj = uvn.u_obj;
    let oldflags: number;
    let pg: UvmPage;

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
    while (uvn.u_obj.uo_npages) {
      /* DEBUG (:479-486): every page left must be busy in I/O */
      for (pg of uvm_objpages(uobj)) {
        if ((pg.pg_flags & PG_BUSY) === 0) panic('uvm_vnode.c:483', 'uvm_vnp_terminate: detected unbusy pg');
      }
      if (uvn.u_nio === 0) panic('uvm_vnode.c:486', 'uvm_vnp_terminate: no I/O to wait for?');
      uvn.u_flags |= UVM_VNODE_IOSYNC; // :493
      lifecycle(uvn, 'UVN_IOSYNC_WAIT');
      yield* rwsleep(uvn.g_nioChan, uobj.vmobjlock, 0, 'uvn_term', 0); // uvm_vnode.c:494-495
    }

    /* free the uvn if nothing references it, else let it live on a dead vnode (:498-524) */
    oldflags = uvn.u_flags; // :504
    if (uvn.u_obj.uo_refs) {
      /* live on in dead-vnode state until the references go (:506-511) */
      uvn.u_flags = 0; // :510-511 MUTANT: was &= ~(UVM_VNODE_DYING|UVM_VNODE_VNISLOCKED|UVM_VNODE_WANTED|UVM_VNODE_CANPERSIST)
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
