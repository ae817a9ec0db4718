/**
 * The simulator API for kernel code and patch modules (import from 'vfsmodel' in a patch).
 * Every call that is a point of interference is a primitive, used as `yield* prim(...)`.
 */
export type { Kernel } from './sim/prim.ts';
export {
  load,
  store,
  atomic_cmpset_int,
  atomic_add_int,
  atomic_subtract_int,
  atomic_fetchadd_int,
  atomic_readandclear_int,
  atomic_swap_int,
  atomic_set_int,
  atomic_clear_int,
  atomic_add_long,
} from './sim/atomics.ts';
export { tsleep, tsleep_interlock, wakeup, wakeup_one, PINTERLOCKED, PCATCH } from './sim/sleep.ts';
export {
  spin_lock,
  spin_unlock,
  lwkt_gettoken,
  lwkt_gettoken_shared,
  lwkt_reltoken,
  lockmgr,
  lockinuse,
  rw_enter_read,
  rw_enter_write,
  rw_exit_read,
  rw_exit_write,
  rwsleep,
  LK_EXCLUSIVE,
  LK_RELEASE,
  LK_NOWAIT,
  LK_SLEEPFAIL,
  LK_KERNPROC,
} from './sim/locks.ts';
export { KASSERT, KKASSERT, panic } from './sim/panic.ts';
export { lifecycle, note, mycpu, curthread } from './sim/report.ts';
export * from './kernel/sys.ts';
