'use kernel';
/**
 * Workload operations of the vnode-pager hazard reproductions (F1–F16 of spec/uvm_vnode.md
 * Appendix A; docs/hazards.md): what processes, daemons and filesystems do with uvm_vnode.c in the
 * closed workloads that expose (or refute) a hazard of the unmodified seed. Not seed code.
 *
 * Literal mode (options.literalMode, F2): the spec's "no KERNEL_LOCK outside uvn_io" configuration
 * (§1.11, Appendix A F2/F7). The `l*` ops below take KERNEL_LOCK around attach/detach/sync only when
 * the scenario is not in literal mode; uvn_io still takes it itself (uvm_vnode.c:1233).
 *
 * Probes: a few ops end with a KASSERT of what a comment or a caller assumes (the style of the
 * buffer-cache hazards ): it cites the line whose assumption fails.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import { kernelOptions, lifecycle, curthread } from '../impl/sim/report.ts';
import { load } from '../impl/sim/atomics.ts';
import { rw_enter_read, rw_exit_read, rw_exit_write } from '../impl/sim/locks.ts';
import { wakeup } from '../impl/sim/sleep.ts';
import {
  KERNEL_LOCK,
  KERNEL_UNLOCK,
  rw_enter,
  rw_enter_write_try,
  uvm_pagelookup,
  uvm_pageactivate,
  atomic_clearbits_int,
  UVM_PAGE_OWN,
  PAGE_SIZE,
  PG_BUSY,
  PG_CLEAN,
  PG_WANTED,
  PGO_LOCKED,
  PROT_READ,
  PROT_WRITE,
  MAPPING_READ,
  OWNER_NONE,
  VM_PAGER_OK,
  VM_PAGER_AGAIN,
  UIO_READ,
  type UvmObject,
  type UvmPage,
} from '../impl/env/uvm.ts';
import { vn_lock, VOP_UNLOCK, VOP_RDWR, LK_EXCLUSIVE, LK_RETRY, type OVnode } from '../impl/env/ovnode.ts';
import { uvm_fault, FAULT_READ } from '../impl/env/uvm_pager.ts';
import { uvn_attach, uvn_detach, uvn_reference, uvn_get, uvm_vnp_sync, type PageSlot } from '../impl/kernel/uvm_vnode.ts';
import type { UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import { op_attach, op_store, op_msync, op_truncate, op_read_fault, thread_join, MSYNC_SYNC } from './uvnops.ts';

// ---------------------------------------------------------------- literal mode (F2, F7)

function literal(): boolean {
  return kernelOptions().literalMode === true;
}

/** KERNEL_LOCK, unless the scenario runs in literal mode. */
export function* kl_lock(): Kernel<void> {
  if (!literal()) yield* KERNEL_LOCK();
}
export function* kl_unlock(): Kernel<void> {
  if (!literal()) yield* KERNEL_UNLOCK();
}

/** mmap(2) (uvn_attach), under KERNEL_LOCK unless literal. */
export function* lop_attach(vp: OVnode, writable: number): Kernel<UvmObject | null> {
  let uobj: UvmObject | null;
  yield* kl_lock();
  uobj = yield* uvn_attach(vp, writable ? PROT_READ | PROT_WRITE : PROT_READ);
  yield* kl_unlock();
  return uobj;
}

/** munmap(2) (uvn_detach), under KERNEL_LOCK unless literal. */
export function* lop_detach(uobj: UvmObject): Kernel<void> {
  yield* kl_lock();
  yield* uvn_detach(uobj);
  yield* kl_unlock();
}

/** sync(2) (uvm_vnp_sync), under KERNEL_LOCK unless literal. */
export function* lop_sync(): Kernel<void> {
  yield* kl_lock();
  yield* uvm_vnp_sync(null);
  yield* kl_unlock();
}

/** A process: mmap the file, munmap it (F2b: two of them attach a fresh uvn at once). */
export function* lproc_map_unmap(vp: OVnode, writable: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* lop_attach(vp, writable);
  if (uobj !== null) yield* lop_detach(uobj);
}

/** F2 (KERNEL_LOCK configuration): once the uvn has `bits` set (or `after` finished), mmap the file and munmap it. */
export function* lproc_map_unmap_after_flags(vp: OVnode, bits: number, after: string): Kernel<void> {
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, bits, after);
  yield* lproc_map_unmap(vp, 0);
}

/** A process holding a mapping (set up at boot): fork (uvn_reference, no KERNEL_LOCK), then both munmap (F7). */
export function* proc_fork_unmap(uobj: UvmObject): Kernel<void> {
  yield* uvn_reference(uobj);
  yield* lop_detach(uobj);
  yield* lop_detach(uobj);
}

// ---------------------------------------------------------------- scenario structure

/**
 * Scenario structure (not kernel code): wait until the uvn's flags have all of `bits` set, or the
 * thread `name` has finished. Lets a hazard scenario start an operation inside a window.
 */
export const wait_uvn_flags = prim({
  name: 'wait',
  kind: 'sleep',
  sleeps: true,
  touches: ([uvn]: [UvmVnode, number, string]) => [uvn],
  enabled: ([uvn, bits, name]: [UvmVnode, number, string], _t: Thread, sim: Sim) =>
    (uvn.u_flags & bits) === bits || sim.threads.every((u) => u.name !== name || u.done),
  exec: () => undefined,
});

/** Scenario structure: wait until some thread is asleep in uvm_wait (F14). */
export const wait_for_uvm_wait = prim({
  name: 'wait',
  kind: 'sleep',
  sleeps: true,
  touches: () => [],
  enabled: (_a: [], _t: Thread, sim: Sim) => sim.threads.some((u) => !u.done && u.prim !== null && u.prim.name === 'uvm_wait'),
  exec: () => undefined,
});

/** F5: once the uvn's flags have `bits` set (or the thread `name` finished), msync(MS_SYNC) the object. */
export function* msync_after_flags(uobj: UvmObject, bits: number, name: string): Kernel<void> {
  yield* wait_uvn_flags(uobj.uo_uvn as UvmVnode, bits, name);
  yield* op_msync(uobj, MSYNC_SYNC);
}

/**
 * F9 probe: once the munmap `d` and the forced unmount `t` have finished, the mapping is gone
 * and the uvn dead, so the vnode's only use left is the open file's (`opens`): the uvn's vnode
 * reference must have been dropped (uvm_vnode.c:387; the RELKILL-cancel exit :364-367 skips it).
 */
export function* check_vnode_uses(vp: OVnode, opens: number, d: string, t: string): Kernel<void> {
  yield* thread_join(d);
  yield* thread_join(t);
  KASSERT(vp.v_usecount === opens, 'uvm_vnode.c:364-367', 'F9: the vnode keeps a use after the last munmap and the forced unmount: the RELKILL-cancel exit returned without the vrele');
}

// ---------------------------------------------------------------- boot helpers

/** Boot: mmap writable and store to the page at `off` only; the mapping stays (F3: a dirty page at Y, none at X < Y). */
export function* boot_map_store(vp: OVnode, off: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 1);
  if (uobj === null) return;
  yield* op_store(uobj, off);
}

/** Boot: mmap read-only and read-fault the page at `off`; the mapping stays (F10, F15). */
export function* boot_map_read(vp: OVnode, off: number, fault: number): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 0);
  if (uobj === null) return;
  if (fault) yield* op_read_fault(uobj, off);
}

// ---------------------------------------------------------------- probes

/** F3 (gate=1): once terminate has set `bits` (or `after` finished), read-fault `off`. */
export function* fault_after_flags(uobj: UvmObject, off: number, bits: number, after: string): Kernel<number> {
  yield* wait_uvn_flags(uobj.uo_uvn as UvmVnode, bits, after);
  return yield* op_read_fault(uobj, off);
}

/** F4: wait for the forced unmount `after` to finish, then read-fault `off` through the surviving mapping. */
export function* fault_after(uobj: UvmObject, off: number, after: string): Kernel<number> {
  yield* thread_join(after);
  return yield* op_read_fault(uobj, off);
}

/**
 * F10 probe: a read fault whose pager call must not say AGAIN — uvn_get's comment: "because we
 * used syncio the result can not be PEND or AGAIN" (uvm_vnode.c:1088-1091).
 */
export function* fault_no_again(uobj: UvmObject, off: number): Kernel<void> {
  let r: number;
  r = yield* uvm_fault(uobj, off, FAULT_READ);
  KASSERT(r !== VM_PAGER_AGAIN, 'uvm_vnode.c:1088-1091', 'F10: uvn_get returned VM_PAGER_AGAIN (vn_lock LK_NOWAIT gave EBUSY, uvm_vnode.c:1150, :1284-1286)');
}

/**
 * F10: a read(2) of the file: holds the vnode lock across its disk I/O (the filesystem's own
 * buffer-cache read, which sleeps and so gives up KERNEL_LOCK; no uvn page is involved).
 */
export function* vop_locked(vp: OVnode): Kernel<void> {
  yield* KERNEL_LOCK();
  yield* vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
  yield* VOP_RDWR(vp, UIO_READ, [], 0, 0);
  yield* VOP_UNLOCK(vp);
  yield* KERNEL_UNLOCK();
}

/** The data version of the page-sized block at `off` is durable: on disk, or in a resident page that is dirty (PG_CLEAN clear or pmap-modified). */
function latest_kept(uobj: UvmObject, off: number): boolean {
  const vp = (uobj.uo_uvn as UvmVnode).u_vnode;
  const b = off / PAGE_SIZE;
  const pg = uvm_pagelookup(uobj, off);
  if (vp.v_disk.d_data[b] === vp.v_disk.g_latest[b]) return true;
  return pg !== null && pg.g_data === vp.v_disk.g_latest[b] && ((pg.pg_flags & PG_CLEAN) === 0 || pg.g_pmapModified);
}

/**
 * F11 probe: msync(MS_SYNC) of a page stored to; when msync reports success (uvn_flush returned
 * TRUE) the stored data must be on disk or still dirty in memory. A failed write without PGO_FREE
 * is marked clean anyway (uvm_vnode.c:800-803) and retval stays TRUE (:812-830).
 */
export function* msync_check(uobj: UvmObject, off: number): Kernel<void> {
  let ok: boolean;
  ok = yield* op_msync(uobj, MSYNC_SYNC);
  KASSERT(!ok || latest_kept(uobj, off), 'uvm_vnode.c:800-803', 'F11: msync returned success but the page\'s data is neither on disk nor dirty: the failed write marked it clean');
}

/**
 * F12 probe: ftruncate(2) to `newsize` inside the page at trunc_page(newsize); the bytes below
 * newsize survive a truncation, so the last stored version of that page must still be on disk or
 * dirty in memory. setsize flushes from trunc_page(newsize) with PGO_FREE only (:617, :1434).
 */
export function* truncate_check(vp: OVnode, newsize: number): Kernel<void> {
  const uobj = (vp.v_uvm as UvmVnode).u_obj;
  yield* op_truncate(vp, newsize);
  KASSERT(latest_kept(uobj, newsize - (newsize % PAGE_SIZE)), 'uvm_vnode.c:1434-1435', 'F12: the partial last page was freed without being written: the stores to the bytes below the new size are lost');
}

/**
 * F14 probe: the page daemon, once a thread sleeps in uvm_wait, tries to lock the object to
 * reclaim its pages (it only try-locks, [ext]); the probe asserts that it could.
 */
export function* pagedaemon_reclaim(uobj: UvmObject): Kernel<void> {
  let got: boolean;
  yield* wait_for_uvm_wait();
  got = yield* rw_enter_write_try(uobj.vmobjlock);
  KASSERT(got, 'uvm_vnode.c:1042', 'F14: a thread sleeps in uvm_wait holding the object lock; the page daemon\'s try-lock fails and it must skip the object');
  yield* rw_exit_write(uobj.vmobjlock);
}

/**
 * F15: a fault whose first, PGO_LOCKED, pager call is made with the object lock held for reading
 * (readlock = 1; the KASSERT at uvm_vnode.c:927-928 permits it), or for writing (readlock = 0, the
 * model's fault client). On success it maps the page read-only, unbusies and activates it.
 */
export function* fault_locked(uobj: UvmObject, off: number, readlock: number): Kernel<number> {
  let r: [number, PageSlot[], number];
  let pg: UvmPage;
  if (readlock) yield* rw_enter_read(uobj.vmobjlock);
  else yield* rw_enter(uobj.vmobjlock);
  r = yield* uvn_get(uobj, off, [null], 1, 0, PROT_READ, 0, PGO_LOCKED);
  if (r[0] === VM_PAGER_OK) {
    pg = r[1][0] as UvmPage;
    /* the fault enters the mapping while it owns the busy page (pmap_enter: its own step) */
    yield* load(pg, 'pg_flags');
    KASSERT(pg.g_owner === curthread(), 'uvm_vnode.c:968', 'F15: the page this fault busied is owned by another thread (two PGO_LOCKED callers busied it)');
    pg.g_mapping = MAPPING_READ;
    if (pg.pg_flags & PG_WANTED) yield* wakeup(pg);
    atomic_clearbits_int(pg, PG_BUSY | PG_WANTED);
    UVM_PAGE_OWN(pg, OWNER_NONE, null);
    uvm_pageactivate(pg);
    lifecycle(pg, 'PG_UNBUSY');
  }
  if (readlock) yield* rw_exit_read(uobj.vmobjlock);
  else yield* rw_exit_write(uobj.vmobjlock);
  return r[0] === VM_PAGER_OK ? VM_PAGER_OK : r[0];
}

