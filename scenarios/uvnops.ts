'use kernel';
/**
 * What the vnode pager's callers do (spec/uvm_vnode.md §7.1 items 13-16), as workload threads:
 * mmap/munmap/fork on a uvn, msync, truncate, uncache, sync, forced unmount and vnode recycling,
 * faults and user stores. Entry points the 2022 kernel runs under KERNEL_LOCK take it here
 * (§7.1 item 4: attach, detach, terminate through vgone, uncache, setsize, sync); faults, msync
 * and the page daemon run without it. Each op is one workload step a thread (or fc) can take.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import { rw_exit_write } from '../impl/sim/locks.ts';
import { rw_enter, KERNEL_LOCK, KERNEL_UNLOCK, PGO_ALLPAGES, PGO_CLEANIT, PGO_SYNCIO, PGO_FREE, PGO_DEACTIVATE, PROT_READ, PROT_WRITE, type UvmObject } from '../impl/env/uvm.ts';
import { vn_lock, VOP_UNLOCK, vrele, vget, vclean, vnode_free_wait, LK_EXCLUSIVE, LK_RETRY, type OVnode } from '../impl/env/ovnode.ts';
import { uvm_fault, uvm_fault_unwire, user_write, uvmpd_pageout, FAULT_READ, FAULT_WIRE } from '../impl/env/uvm_pager.ts';
import { uvn_attach, uvn_detach, uvn_reference, uvn_flush, uvm_vnp_terminate, uvm_vnp_uncache, uvm_vnp_setsize, uvm_vnp_sync } from '../impl/kernel/uvm_vnode.ts';
import type { UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';

export const MSYNC_SYNC = PGO_CLEANIT | PGO_SYNCIO;
/**
 * A flush with PGO_CLEANIT alone (uvm_map_clean without PGO_SYNCIO). msync(2) cannot produce it —
 * sys_msync forces PGO_SYNCIO — but it is how uvm_vnp_sync flushes (:1504), and spec §6's M24
 * workload needs a second flusher without PGO_SYNCIO in the same uvn.
 */
export const MSYNC_ASYNC = PGO_CLEANIT;
export const MSYNC_INVALIDATE = PGO_CLEANIT | PGO_SYNCIO | PGO_FREE;
export const MSYNC_DEACTIVATE = PGO_CLEANIT | PGO_SYNCIO | PGO_DEACTIVATE;

/** mmap(2): uvn_attach under KERNEL_LOCK; returns the object or null. */
export function* op_attach(vp: OVnode, writable: number): Kernel<UvmObject | null> {
  let uobj: UvmObject | null;
  yield* KERNEL_LOCK();
  uobj = yield* uvn_attach(vp, writable ? PROT_READ | PROT_WRITE : PROT_READ);
  yield* KERNEL_UNLOCK();
  return uobj;
}

/** munmap(2): uvn_detach under KERNEL_LOCK. */
export function* op_detach(uobj: UvmObject): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* uvn_detach(uobj);
  yield* KERNEL_UNLOCK();
}

/** fork(2) duplicating a mapping: uvn_reference (no KERNEL_LOCK needed). */
export function* op_reference(uobj: UvmObject): Kernel<void> {
  yield* uvn_reference(uobj);
}

/** msync(2) / uvm_map_clean: uvn_flush over the whole object with the write lock. */
export function* op_msync(uobj: UvmObject, flags: number): Kernel<boolean> {
  let ok: boolean;
  yield* rw_enter(uobj.vmobjlock);
  ok = yield* uvn_flush(uobj, 0, 0, flags | PGO_ALLPAGES);
  yield* rw_exit_write(uobj.vmobjlock);
  return ok;
}

/** write(2)/unlink: uvm_vnp_uncache with the vnode locked, under KERNEL_LOCK. */
export function* op_uncache(vp: OVnode): Kernel<boolean> {
  let r: boolean;
  yield* KERNEL_LOCK();
  yield* vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
  r = yield* uvm_vnp_uncache(vp);
  yield* VOP_UNLOCK(vp);
  yield* KERNEL_UNLOCK();
  return r;
}

/** truncate(2): uvm_vnp_setsize with the vnode locked, under KERNEL_LOCK (the filesystem updates its size too). */
export function* op_truncate(vp: OVnode, newsize: number): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
  vp.v_size = newsize;
  yield* uvm_vnp_setsize(vp, newsize);
  yield* VOP_UNLOCK(vp);
  yield* KERNEL_UNLOCK();
}

/** sync(2): uvm_vnp_sync over every mount, under KERNEL_LOCK. */
export function* op_sync(): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* uvm_vnp_sync(null);
  yield* KERNEL_UNLOCK();
}

/** close(2) of the open file that holds a vnode reference. */
export function* op_close(vp: OVnode): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* vrele(vp);
  yield* KERNEL_UNLOCK();
}

/** umount -f: vgone of a vnode that may be in use (uvm_vnp_terminate case [2]). */
export function* op_forced_unmount(vp: OVnode): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* vclean(vp, uvm_vnp_terminate);
  yield* KERNEL_UNLOCK();
}

/** getnewvnode recycling a free vnode (uvm_vnp_terminate case [1]): waits until the vnode is unused. */
export function* op_recycle(vp: OVnode): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* vnode_free_wait(vp);
  yield* vclean(vp, uvm_vnp_terminate);
  yield* KERNEL_UNLOCK();
}

/** A read fault of the page at `off` (the caller holds a mapping). */
export function* op_read_fault(uobj: UvmObject, off: number): Kernel<number> {
  return yield* uvm_fault(uobj, off, FAULT_READ);
}

/** A user store to `off` (faulting it in writable if needed). */
export function* op_store(uobj: UvmObject, off: number): Kernel<boolean> {
  return yield* user_write(uobj, off, 2);
}

/** mlock(2) / munlock(2) of the page at `off`. */
export function* op_wire_cycle(uobj: UvmObject, off: number): Kernel<void> {
  if ((yield* uvm_fault(uobj, off, FAULT_WIRE)) === 0) yield* uvm_fault_unwire(uobj, off);
}

/** The page daemon paging out `off`, `rounds` times. */
export function* op_pagedaemon(uobj: UvmObject, off: number, rounds: number): Kernel<void> {
  yield* uvmpd_pageout(uobj, off, rounds);
}

// ---------------------------------------------------------------- compound workloads

/** A process: mmap writable, store to `off`, munmap; with `reattach`, mmap read-only again and munmap. */
export function* proc_map_store_unmap(vp: OVnode, off: number, reattach: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 1);
  if (uobj === null) return;
  yield* op_store(uobj, off);
  yield* op_detach(uobj);
  if (!reattach) return;
  uobj = yield* op_attach(vp, 0);
  if (uobj !== null) yield* op_detach(uobj);
}

/**
 * wait(2) for another workload thread to finish (scenario structure, not kernel code): lets a
 * scenario order its phases — e.g. kill a uvn only after every concurrent mapper is gone, since an
 * mmap racing a kill is hazard F1, not something a default scenario may contain.
 */
export const thread_join = prim({
  name: 'wait',
  kind: 'sleep',
  sleeps: true,
  touches: () => [],
  enabled: ([name]: [string], _t: Thread, sim: Sim) => sim.threads.every((u) => u.name !== name || u.done),
  exec: () => undefined,
});

/**
 * Scenario structure: wait until the uvn is in RELKILL (a detach sleeps for its last pages) or the
 * thread `name` has finished. It lets uvn-terminate start its forced unmount at the point of §3.3
 * Sequence B; one that starts during the detach's kill flush is hazard F16.
 */
export const wait_relkill = prim({
  name: 'wait',
  kind: 'sleep',
  sleeps: true,
  touches: ([uvn]: [UvmVnode, string]) => [uvn],
  enabled: ([uvn, name]: [UvmVnode, string], _t: Thread, sim: Sim) => (uvn.u_flags & 0x010) !== 0 || sim.threads.every((u) => u.name !== name || u.done),
  exec: () => undefined,
});

/** umount -f once the last munmap sleeps in RELKILL (or has finished). */
export function* op_forced_unmount_after(vp: OVnode, detacher: string): Kernel<void> {
  yield* wait_relkill(vp.v_uvm as UvmVnode, detacher);
  yield* op_forced_unmount(vp);
}

/**
 * Process A of uvn-lifecycle: mmap writable, store, munmap (concurrently with B); then, once B has
 * exited: mmap again (reviving the persisting uvn), uncache it while mapped (CANPERSIST cleared,
 * L06), munmap (the kill: the dirty page is written back), mmap the file afresh and munmap
 * (persist), and uncache the persisting uvn (revived just to be killed, L12).
 */
export function* proc_lifecycle(vp: OVnode, off: number, other: string, reattach: number, uncache: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 1);
  if (uobj === null) return;
  yield* op_store(uobj, off);
  yield* op_detach(uobj);
  yield* thread_join(other);
  if (reattach) {
    uobj = yield* op_attach(vp, 0);
    if (uobj === null) return;
    if (uncache) yield* op_uncache(vp);
    yield* op_detach(uobj);
    uobj = yield* op_attach(vp, 0);
    if (uobj === null) return;
    yield* op_detach(uobj);
  }
  if (uncache) yield* op_uncache(vp);
}

/** A process: open the file (vget), mmap it read-only, munmap, close. */
export function* proc_open_map_unmap(vp: OVnode, off: number): Kernel<void> {
  let uobj: UvmObject | null;
  void off;
  yield* KERNEL_LOCK();
  if ((yield* vget(vp)) !== 0) {
    yield* KERNEL_UNLOCK();
    return;
  }
  uobj = yield* uvn_attach(vp, PROT_READ);
  if (uobj !== null) yield* uvn_detach(uobj);
  yield* vrele(vp);
  yield* KERNEL_UNLOCK();
}

/** A process: mmap read-only, read-fault `off`, fork (a second reference), munmap twice. */
export function* proc_map_read_fork(vp: OVnode, off: number, fork: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 0);
  if (uobj === null) return;
  yield* op_read_fault(uobj, off);
  if (fork) {
    yield* op_reference(uobj);
    yield* op_detach(uobj);
  }
  yield* op_detach(uobj);
}

/** A process holding a mapping set up at boot (`uobj`): optional store, optional msync, then munmap. */
export function* proc_use_unmap(uobj: UvmObject, off: number, store: number, msyncFlags: number): Kernel<void> {
  if (store) yield* op_store(uobj, off);
  if (msyncFlags) yield* op_msync(uobj, msyncFlags);
  yield* op_detach(uobj);
}

/** The uvm_vnode of a vnode (scenario set-up). */
export function uvnOfVnode(vp: OVnode): UvmVnode {
  return vp.v_uvm as UvmVnode;
}

/** Boot: mmap writable, store to each of `npages` pages, leaving the mapping (returns nothing; the object is vp's). */
export function* boot_map_and_dirty(vp: OVnode, npages: number, unmap: number): Kernel<void> {
  let uobj: UvmObject | null;
  let i: number;
  uobj = yield* op_attach(vp, 1);
  if (uobj === null) return;
  for (i = 0; i < npages; i++) yield* op_store(uobj, i * 2);
  if (unmap) yield* op_detach(uobj);
}

/** Boot: mmap, store, munmap (the uvn persists with a dirty page), optionally uncache it while mapped first. */
export function* boot_persist_dirty(vp: OVnode, npages: number): Kernel<void> {
  yield* boot_map_and_dirty(vp, npages, 1);
}
