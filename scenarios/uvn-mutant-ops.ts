'use kernel';
/**
 * Workload threads of the vnode-pager mutant scenarios (scenarios/uvn-mutant-scenarios.ts; the
 * workloads of spec/uvm_vnode.md §6). They compose the ops of scenarios/uvnops.ts; phases are
 * ordered with scenario-structure waits (`wait_uvn_flags`, `thread_join`) so that the unmodified
 * seed never meets a known hazard of its own (F1, F3, F13, F16) in them.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { UvmObject } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { uvm_vnp_setsize } from '../impl/kernel/uvm_vnode.ts';
import type { UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import { op_attach, op_detach, op_sync, op_store, op_msync, op_uncache, op_close, op_recycle, op_truncate, op_forced_unmount, thread_join } from './uvnops.ts';

/**
 * Scenario structure (not kernel code): wait until some bit of `mask` is set in the uvn's u_flags
 * or the thread `name` has finished. E.g. an mmap that starts only once the last munmap has set
 * DYING meets the kill at attach's BLOCKED test (:148) — never between :148 and :164 (hazard F1).
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

/** mmap read-only and munmap, once the uvn has one of `mask` set (or `other` finished). */
export function* proc_attach_when(vp: OVnode, mask: number, other: string): Kernel<void> {
  let uobj: UvmObject | null;
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, other);
  uobj = yield* op_attach(vp, 0);
  if (uobj !== null) yield* op_detach(uobj);
}

/** sync(2), once the uvn has one of `mask` set (or `other` finished). */
export function* proc_sync_when(vp: OVnode, mask: number, other: string): Kernel<void> {
  yield* wait_uvn_flags(vp.v_uvm as UvmVnode, mask, other);
  yield* op_sync();
}

/** mmap read-only and munmap (may fail: the scenario injects VOP_GETATTR errors). */
export function* proc_attach_unmap(vp: OVnode): Kernel<void> {
  let uobj: UvmObject | null;
  uobj = yield* op_attach(vp, 0);
  if (uobj !== null) yield* op_detach(uobj);
}

/**
 * truncate(2) to 0 while process `other` may be faulting; once it is done, uncache (unlink) and
 * munmap the last mapping (the kill).
 */
export function* proc_truncate_uncache_unmap(vp: OVnode, uobj: UvmObject, other: string): Kernel<void> {
  yield* op_truncate(vp, 0);
  yield* thread_join(other);
  yield* op_uncache(vp);
  yield* op_detach(uobj);
}

/**
 * A persisting uvn: sync(2) (op 0) or uncache (op 1) — each revives it with a temporary
 * reference — then close the file (its last use) and let the recycler terminate the vnode.
 */
export function* proc_revive_close_recycle(vp: OVnode, op: number): Kernel<void> {
  if (op === 0) yield* op_sync();
  else yield* op_uncache(vp);
  yield* op_close(vp);
  yield* op_recycle(vp);
}

/** A store through the writable mapping, then msync with `flags`. */
export function* proc_store_msync(uobj: UvmObject, off: number, flags: number): Kernel<void> {
  yield* op_store(uobj, off);
  yield* op_msync(uobj, flags);
}

/** sync(2), a store through the writable mapping, sync(2) again. */
export function* proc_sync_store_sync(uobj: UvmObject, off: number): Kernel<void> {
  yield* op_sync();
  yield* op_store(uobj, off);
  yield* op_sync();
}

/** umount -f (terminate case [2]) of a mapped vnode, then munmap. */
export function* proc_vgone_unmap(vp: OVnode, uobj: UvmObject): Kernel<void> {
  yield* op_forced_unmount(vp);
  yield* op_detach(uobj);
}

/**
 * The filesystem's VOP_INACTIVE of an unlinked file (options.inactiveHook): truncate it to 0,
 * which re-enters the pager through uvm_vnp_setsize (the vnode is locked by vrele; KERNEL_LOCK
 * is held by the caller of vrele).
 */
export function* inactive_truncate(vp: OVnode): Kernel<void> {
  vp.v_size = 0;
  yield* uvm_vnp_setsize(vp, 0);
}
