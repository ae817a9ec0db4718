'use kernel';
/** UVM-M25: uvn_io counts its I/O in u_nio only after releasing the lock (uvm_vnode.c:1188 and :1189 swapped). */
import type { Kernel } from '../impl/sim/prim.ts';
import { load, store } from '../impl/sim/atomics.ts';
import { wakeup, tsleep } from '../impl/sim/sleep.ts';
import { rw_exit_write, rwsleep } from '../impl/sim/locks.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import { EBUSY, EIO } from '../impl/sim/errno.ts';
import { lifecycle, note, curthread, kernelOptions } from '../impl/sim/report.ts';
import { KERNEL_LOCK, rw_enter, KERNEL_UNLOCK, kernel_lock_held, uvm_pagermapin, uvm_pagermapin_nowait, uvm_pagermapout, UVMPAGER_MAPIN_WAITOK, PAGE_SHIFT, PGO_SYNCIO, PGO_NOWAIT, VM_PAGER_OK, VM_PAGER_BAD, VM_PAGER_PEND, VM_PAGER_ERROR, VM_PAGER_AGAIN, UIO_WRITE, type UvmPage } from '../impl/env/uvm.ts';
import { vn_lock, VOP_UNLOCK, VOP_RDWR, LK_EXCLUSIVE, LK_RECURSEFAIL, LK_NOWAIT, type OVnode } from '../impl/env/ovnode.ts';
import { uvn_io_async } from '../impl/env/uvm_pager.ts';
import { M_WAITOK, M_NOWAIT } from '../impl/kernel/uvm_vnode.ts';
import { UVM_VNODE_VNISLOCKED, UVM_VNODE_IOSYNC, UVM_VNODE_IOSYNCWANTED, uvnGlobals, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  "id": "UVM-M25",
  "title": "I/O admitted but counted only after the lock is released",
  "description": "A read fault's uvn_io drops the object lock (:1189) before it increments u_nio; unlocked, the increment is a load and a store (two steps). In that window msync(MS_SYNC) can find the page busy, see u_nio == 0 and return while the read is in flight (§6: UPG-13 (b)); the increment itself is an unlocked write (UVN-28), which may be made while IOSYNC is set (UVN-21). The async hand-off of the §4.4 extension (between :1188 and :1189 in the model) keeps its place, so this mutant is run in sync mode. UVN-28 fires first, on the shortest path: the increment is an unlocked write of u_nio (and UVN_IO_START is reported without the object lock), two steps after the rw_exit at :1189.",
  "cite": [
    "uvm_vnode.c:1188-1189"
  ],
  "expect": "killed",
  "killedBy": [
    "UVN-21",
    "UVN-13",
    "UPG-13",
    "UVN-28"
  ],
  "scenario": "uvn-mut-read",
  "params": {
    "readers": 1,
    "same": 0,
    "msync": 1,
    "errors": 0
  },
  "cpus": 2
};

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
    let r: [number, number];
    let nio: number;
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
    if (file_offset >= uvn.u_size) { // :1170
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_BAD });
      return VM_PAGER_BAD; // :1171
    }

    /* first try and map the pages in, without waiting (:1174-1181) */
    kva = yield* uvm_pagermapin_nowait(pps.slice(), npages); // uvm_vnode.c:1178
    if (kva === 0 && waitf === M_NOWAIT) {
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
      return VM_PAGER_AGAIN; // :1180
    }

    /* now bump u_nio up: we have an I/O in progress, and are done with the uvn (:1183-1189) */
    if (rw === UIO_WRITE && waitf === M_NOWAIT && kernelOptions().asyncPageout) {
      /* spec §4.4: hand the write to an asynchronous completion (aiodone) and return PEND */
      yield* uvn_io_async(uvn, pps.slice(), npages); // (a copy: every kernel frame owns its arrays)
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_PEND });
      return VM_PAGER_PEND;
    }
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1189
    /* MUTANT: :1188 moved below :1189 — an unlocked read-modify-write */
    nio = yield* load(uvn, 'u_nio'); // uvm_vnode.c:1188
    yield* store(uvn, 'u_nio', nio + 1); // uvm_vnode.c:1188 we have an I/O in progress!
    note('uvn_nio_inc', { uvn, flags: uvn.u_flags });
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:1188', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_IO_START');
    if (kva === 0) kva = yield* uvm_pagermapin(pps.slice(), npages, UVMPAGER_MAPIN_WAITOK); // uvm_vnode.c:1190-1192

    /* our pages are busy, so their offsets are stable without the lock; set up the I/O (:1194-1211) */
    wanted = npages << PAGE_SHIFT; // :1201
    size = yield* load(uvn, 'u_size'); // uvm_vnode.c:1202 (unlocked, F6)
    if (file_offset + wanted > size) wanted = size - file_offset; // :1203 XXX: needed?
    note('uvn_io_length', { uvn, wanted });

    /* do the I/O, unless this process already holds the vnode lock (:1222-1249) */
    result = 0;
    yield* KERNEL_LOCK(); // uvm_vnode.c:1233
    vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1234
    if ((vflags & UVM_VNODE_VNISLOCKED) === 0) result = yield* vn_lock(vn, LK_EXCLUSIVE | LK_RECURSEFAIL | lkflags); // uvm_vnode.c:1235
    if (result === 0) {
      /* NOTE: vnode now locked! (:1237-1243) */
      r = yield* VOP_RDWR(vn, rw, pps, file_offset, wanted); // uvm_vnode.c:1238-1243
      result = r[0];
      resid = r[1];
      vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1245
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
