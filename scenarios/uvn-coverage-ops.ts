'use kernel';
/**
 * Workload threads of the vnode-pager coverage scenarios (scenarios/uvn-coverage-scenarios.ts):
 * the ops of scenarios/uvnops.ts put in the orders that reach every transition of the `uvn` and
 * `uvmPage` machines while staying clear of the seed's hazards (spec/uvm_vnode.md Appendix A).
 * Phases are ordered by scenario-structure waits (thread_join, wait_uvn_flags), which are not
 * kernel code: they stand for "this process runs later", never for a lock.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { UvmObject } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import type { UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import { uvm_fault, uvm_fault_unwire, pmap_user_store, FAULT_WIRE } from '../impl/env/uvm_pager.ts';
import {
  op_attach,
  op_detach,
  op_reference,
  op_msync,
  op_uncache,
  op_truncate,
  op_close,
  op_sync,
  op_recycle,
  op_read_fault,
  op_store,
  op_pagedaemon,
  thread_join,
} from './uvnops.ts';

/**
 * Scenario structure: wait until one of the uvn's `mask` bits is set, or the thread `name` has
 * finished (so the wait never outlives the phase it waits for). With mask VNISLOCKED it starts a
 * process once a terminate is past uvm_vnode.c:470 — a fault or mmap that started earlier is
 * hazard F3 (its uvn_io may sleep on VXLOCK with a busy page) or F1.
 */
export const wait_uvn_flags = prim({
  name: 'wait',
  kind: 'sleep',
  sleeps: true,
  touches: ([uvn]: [UvmVnode, number, string]) => [uvn],
  enabled: ([uvn, mask, name]: [UvmVnode, number, string], _t: Thread, sim: Sim) =>
    (uvn.u_flags & mask) !== 0 || sim.threads.every((u) => u.name !== name || u.done),
  exec: () => undefined,
});

// ---------------------------------------------------------------- set-up (boot)

/** Boot: mmap (writable or not) and store to the pages whose bit is set in `storeMask`; the mapping stays. */
export function* cov_boot_map(vp: OVnode, writable: number, storeMask: number, npages: number): Kernel<void> {
  let uobj: UvmObject | null;
  let i: number;
  uobj = yield* op_attach(vp, writable);
  if (uobj === null) return;
  for (i = 0; i < npages; i++) {
    if ((storeMask >> i) & 1) yield* op_store(uobj, i * 2);
  }
}

/** Boot: a read fault of the page at `off` through the existing mapping. */
export function* cov_boot_fault(uobj: UvmObject, off: number): Kernel<void> {
  yield* op_read_fault(uobj, off);
}

// ---------------------------------------------------------------- processes

/** A thread of the mapping's process: once `mask` is set in u_flags (or `after` is done), a read fault of `off`. */
export function* cov_fault_after(vp: OVnode, mask: number, after: string, off: number): Kernel<void> {
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, after);
  yield* op_read_fault((vp.v_uvm as UvmVnode).u_obj, off);
}

/** A thread of the mapping's process: once `mask` is set (or `after` is done), msync(2) with `flags`. */
export function* cov_msync_after(vp: OVnode, mask: number, after: string, flags: number): Kernel<void> {
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, after);
  yield* op_msync((vp.v_uvm as UvmVnode).u_obj, flags);
}

/** The mapping's process forks once `mask` is set (or `after` is done); the child exits (munmap). */
export function* cov_fork_after(vp: OVnode, mask: number, after: string): Kernel<void> {
  const uobj = (vp.v_uvm as UvmVnode).u_obj;
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, after);
  yield* op_reference(uobj);
  yield* op_detach(uobj);
}

/**
 * A process that has the file open (its own vnode use): once `mask` is set (or `after` is done)
 * it mmaps the file, optionally stores to page 0 and uncaches it (write(2)/ftruncate's
 * vn_writechk), and munmaps.
 */
export function* cov_open_map_after(vp: OVnode, mask: number, after: string, writable: number, store: number, uncache: number): Kernel<void> {
  let uobj: UvmObject | null;
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, after);
  uobj = yield* op_attach(vp, writable);
  if (uobj === null) return;
  if (store) yield* op_store(uobj, 0);
  if (uncache) yield* op_uncache(vp);
  yield* op_detach(uobj);
}

/** sync(2) once `mask` is set (or `after` is done). */
export function* cov_sync_after(vp: OVnode, mask: number, after: string): Kernel<void> {
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, after);
  yield* op_sync();
}

/**
 * The mapping's owner: waits for up to three other threads (names; '' = none), then optionally
 * msyncs with `msyncFlags`, forks (a reference the child drops at once) and munmaps.
 */
export function* cov_holder_end(uobj: UvmObject, a: string, b: string, c: string, msyncFlags: number, fork: number): Kernel<void> {
  yield* thread_join(a);
  yield* thread_join(b);
  yield* thread_join(c);
  if (msyncFlags) yield* op_msync(uobj, msyncFlags);
  if (fork) {
    yield* op_reference(uobj);
    yield* op_detach(uobj);
  }
  yield* op_detach(uobj);
}

/** The mapping's owner munmaps once `after` has finished (or at once). */
export function* cov_detach_after(uobj: UvmObject, after: string): Kernel<void> {
  yield* thread_join(after);
  yield* op_detach(uobj);
}

/** The page daemon paging out `off` once. */
export function* cov_pagedaemon(uobj: UvmObject, off: number): Kernel<void> {
  yield* op_pagedaemon(uobj, off, 1);
}

/** truncate(2) to `newsize` bytes. */
export function* cov_truncate(vp: OVnode, newsize: number): Kernel<void> {
  yield* op_truncate(vp, newsize);
}

/** mlock(2) of `off`: a wiring fault. */
export function* cov_wire(uobj: UvmObject, off: number): Kernel<void> {
  yield* uvm_fault(uobj, off, FAULT_WIRE);
}

/**
 * munlock(2) of `off`, twice, once the wiring threads `a` and `b` are done (uvm_fault_unwire does
 * not look at PG_BUSY; the page machine unwires only idle pages, so no fault may hold it busy).
 */
export function* cov_unwire_after(uobj: UvmObject, off: number, a: string, b: string): Kernel<void> {
  yield* thread_join(a);
  yield* thread_join(b);
  yield* uvm_fault_unwire(uobj, off);
  yield* uvm_fault_unwire(uobj, off);
}

/**
 * munlock(2) of `off`, twice, once the thread `after` (a writer of the page) is done, whatever a
 * fault is doing with it (the page machine lets only faults' HELD pages, not pages in a pageout,
 * lose a wiring: the scenario keeps munlock away from the write).
 */
export function* cov_unwire_twice(uobj: UvmObject, off: number, after: string): Kernel<void> {
  yield* thread_join(after);
  yield* uvm_fault_unwire(uobj, off);
  yield* uvm_fault_unwire(uobj, off);
}

/** A user store to `off` through an existing writable mapping only (no fault when there is none). */
export function* cov_store_mapped(uobj: UvmObject, off: number): Kernel<void> {
  yield* pmap_user_store(uobj, off);
}

/** msync(2) with `flags`. */
export function* cov_msync(uobj: UvmObject, flags: number): Kernel<void> {
  yield* op_msync(uobj, flags);
}

/** getnewvnode recycling the vnode once it is unused (uvm_vnp_terminate case [1]). */
export function* cov_recycle(vp: OVnode): Kernel<void> {
  yield* op_recycle(vp);
}

/** The mapping's owner: a store to `off`, munmap, and with `close` close(2) (its vnode use goes, so the recycler may take the vnode). */
export function* cov_store_unmap(vp: OVnode, off: number, close: number): Kernel<void> {
  const uobj = (vp.v_uvm as UvmVnode).u_obj;
  yield* op_store(uobj, off);
  yield* op_detach(uobj);
  if (close) yield* op_close(vp);
}
