'use kernel';
/**
 * Hazards F5 and F6 probe (docs/hazards.md, "The vnode pager"): the seed's uvn_io, unchanged in
 * logic, with assertions on the two unlocked accesses the analysis predicts safe:
 * - F5: the second unlocked VNISLOCKED read (uvm_vnode.c:1245) agrees with the first (:1234);
 * - F6: the transfer length computed from the unlocked u_size read (:1202-1203) is positive.
 * With options.probeWindow (the scenarios' control=1 runs) it also panics as soon as the window
 * is reached — another thread's I/O borrowing terminate's vnode lock (F5), or a size read while a
 * truncation over the page is pending (F6) — to show that the refuting explorations do reach it.
 */
import { load } from '../../impl/sim/atomics.ts';
import { wakeup, tsleep } from '../../impl/sim/sleep.ts';
import { rw_exit_write, rwsleep } from '../../impl/sim/locks.ts';
import { KASSERT, panic } from '../../impl/sim/panic.ts';
import { EBUSY, EIO } from '../../impl/sim/errno.ts';
import { lifecycle, note, curthread, kernelOptions } from '../../impl/sim/report.ts';
import type { Kernel } from '../../impl/sim/prim.ts';
import {
  KERNEL_LOCK,
  KERNEL_UNLOCK,
  rw_enter,
  uvm_pagermapin,
  uvm_pagermapin_nowait,
  uvm_pagermapout,
  UVMPAGER_MAPIN_WAITOK,
  PAGE_SHIFT,
  PGO_NOWAIT,
  PGO_SYNCIO,
  VM_PAGER_OK,
  VM_PAGER_BAD,
  VM_PAGER_PEND,
  VM_PAGER_ERROR,
  VM_PAGER_AGAIN,
  UIO_WRITE,
  type UvmPage,
} from '../../impl/env/uvm.ts';
import { vn_lock, VOP_UNLOCK, VOP_RDWR, LK_EXCLUSIVE, LK_RECURSEFAIL, LK_NOWAIT, type OVnode } from '../../impl/env/ovnode.ts';
import { uvn_io_async } from '../../impl/env/uvm_pager.ts';
import { UVM_VNODE_IOSYNC, UVM_VNODE_IOSYNCWANTED, UVM_VNODE_VNISLOCKED, uvnGlobals, type UvmVnode } from '../../impl/kernel/uvm_vnode_state.ts';

const M_WAITOK = 1;
const M_NOWAIT = 0;

export default {
  *uvn_io(uvn: UvmVnode, pps: UvmPage[], npages: number, flags: number, rw: number): Kernel<number> {
    const uobj = uvn.u_obj;
    let vn: OVnode;
    let kva: number;
    let file_offset: number;
    let waitf: number;
    let result: number;
    let got: number;
    let wanted: number;
    let size: number;
    let vflags: number;
    let resid = 0;
    let first = 0;
    let r: [number, number];
    const lkflags = flags & PGO_NOWAIT ? LK_NOWAIT : 0; // :1150

    KASSERT(uobj.vmobjlock.rwl_owner === curthread(), 'uvm_vnode.c:1152', 'rw_write_held(uobj->vmobjlock)');

    /* init values (:1154-1157) */
    waitf = flags & PGO_SYNCIO ? M_WAITOK : M_NOWAIT;
    vn = uvn.u_vnode;
    file_offset = pps[0].offset;

    /* check for sync'ing I/O (:1159-1167) */
    while (uvn.u_flags & UVM_VNODE_IOSYNC) {
      if (waitf === M_NOWAIT) {
        note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
        return VM_PAGER_AGAIN; // :1162
      }
      uvn.u_flags |= UVM_VNODE_IOSYNCWANTED; // :1164
      lifecycle(uvn, 'UVN_IO_WAIT_IOSYNC');
      yield* rwsleep(uvn.g_flagsChan, uobj.vmobjlock, 0, 'uvn_iosync', 0); // uvm_vnode.c:1165-1166
    }

    /* check size (:1169-1172) */
    if (file_offset >= uvn.u_size) {
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_BAD });
      return VM_PAGER_BAD;
    }

    /* first try and map the pages in, without waiting (:1174-1181) */
    kva = yield* uvm_pagermapin_nowait(pps.slice(), npages); // uvm_vnode.c:1178
    if (kva === 0 && waitf === M_NOWAIT) {
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
      return VM_PAGER_AGAIN; // :1180
    }

    /* now bump u_nio up: we have an I/O in progress, and are done with the uvn (:1183-1189) */
    note('uvn_nio_inc', { uvn, flags: uvn.u_flags });
    uvn.u_nio++; // :1188
    lifecycle(uvn, 'UVN_IO_START');
    if (rw === UIO_WRITE && waitf === M_NOWAIT && kernelOptions().asyncPageout) {
      /* spec §4.4: hand the write to an asynchronous completion (aiodone) and return PEND */
      yield* uvn_io_async(uvn, pps.slice(), npages); // (a copy: every kernel frame owns its arrays)
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_PEND });
      return VM_PAGER_PEND;
    }
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1189
    if (kva === 0) kva = yield* uvm_pagermapin(pps.slice(), npages, UVMPAGER_MAPIN_WAITOK); // uvm_vnode.c:1190-1192

    /* our pages are busy, so their offsets are stable without the lock; set up the I/O (:1194-1211) */
    wanted = npages << PAGE_SHIFT; // :1201
    size = yield* load(uvn, 'u_size'); // uvm_vnode.c:1202 (unlocked, F6)
    /* F6 window probe (control runs only): the read came while a shrink of the file is pending */
    if (kernelOptions().probeWindow && vn.v_size < size && file_offset + wanted > vn.v_size) panic('F6-window', 'F6 window reached: uvn_io read u_size while a truncation over its page is pending');
    if (file_offset + wanted > size) wanted = size - file_offset; // :1203 XXX: needed?
    /* F6 probe: the unlocked size read never makes the transfer length zero or negative */
    KASSERT(wanted > 0, 'uvm_vnode.c:1202-1203', 'F6: uvn_io computed a transfer length <= 0 from the unlocked u_size read');
    note('uvn_io_length', { uvn, wanted });

    /* do the I/O, unless this process already holds the vnode lock (:1222-1249) */
    result = 0;
    yield* KERNEL_LOCK(); // uvm_vnode.c:1233
    vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1234
    first = vflags & UVM_VNODE_VNISLOCKED;
    /* F5 window probe (control runs only): another thread's I/O borrows terminate's vnode lock */
    if (kernelOptions().probeWindow && first !== 0 && vn.v_lockholder !== curthread()) panic('F5-window', 'F5 window reached: uvn_io runs with VNISLOCKED set and the vnode lock held by another thread (terminate)');
    if ((vflags & UVM_VNODE_VNISLOCKED) === 0) result = yield* vn_lock(vn, LK_EXCLUSIVE | LK_RECURSEFAIL | lkflags); // uvm_vnode.c:1235
    if (result === 0) {
      /* NOTE: vnode now locked! (:1237-1243) */
      r = yield* VOP_RDWR(vn, rw, pps, file_offset, wanted); // uvm_vnode.c:1238-1243
      result = r[0];
      resid = r[1];
      vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1245
      /* F5 probe: the second unlocked read agrees with the first */
      KASSERT((vflags & UVM_VNODE_VNISLOCKED) === first, 'uvm_vnode.c:1234/1245', 'F5: VNISLOCKED changed between uvm_vnode.c:1234 and :1245');
      if ((vflags & UVM_VNODE_VNISLOCKED) === 0) yield* VOP_UNLOCK(vn); // uvm_vnode.c:1246
    }
    yield* KERNEL_UNLOCK(); // uvm_vnode.c:1249

    /* result is an errno; a transfer of nothing is EIO, a short read is zero-filled (:1255-1270) */
    if (result === 0) {
      got = wanted - resid;
      if (wanted && got === 0) result = EIO; // :1264-1265 XXX: error?
    }

    /* now remove pager mapping (:1272-1273) */
    uvm_pagermapout(kva, npages);

    /* now clean up the object, i.e. drop the I/O count (:1275-1280) */
    yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1276
    uvn.u_nio--; // :1277 I/O DONE!
    lifecycle(uvn, 'UVN_IO_DONE');
    if ((uvn.u_flags & UVM_VNODE_IOSYNC) !== 0 && uvn.u_nio === 0) yield* wakeup(uvn.g_nioChan); // uvm_vnode.c:1278-1279

    if (result === 0) {
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_OK });
      return VM_PAGER_OK; // :1283
    } else if (result === EBUSY) {
      KASSERT(flags & PGO_NOWAIT, 'uvm_vnode.c:1285', 'flags & PGO_NOWAIT');
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
      return VM_PAGER_AGAIN; // :1286
    } else {
      /* while rebooting, park forever holding the object lock (:1288-1293); never set in the model */
      if (uvnGlobals().rebooting) {
        yield* KERNEL_LOCK(); // uvm_vnode.c:1289
        while (uvnGlobals().rebooting) yield* tsleep(uvnGlobals(), 0, 'uvndead', 0); // uvm_vnode.c:1290-1291
        yield* KERNEL_UNLOCK(); // uvm_vnode.c:1292
      }
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_ERROR });
      return VM_PAGER_ERROR; // :1294
    }
  },
};
