'use kernel';
/**
 * Locks: spinlocks, LWKT tokens, lockmgr locks (the buffer lock) and OpenBSD rwlocks.
 * Each acquire/release is one step. A thread waiting for a spinlock is not enabled (it spins);
 * lockmgr and rwlock waits and token contention are sleeps, during which the waiter's LWKT
 * tokens are released (DragonFly: tokens are held only while the holder runs).
 */
import { prim, type Kernel } from './prim.ts';
import type { Sim, Thread } from './kernel.ts';
import type { LwktToken } from './thread.ts';
import { KernelPanic } from './panic.ts';
import { EBUSY, ENOLCK, EWOULDBLOCK } from './errno.ts';
import { timeoutsOn, tsleep_interlock, tsleep_wait } from './sleep.ts';

// ---------------------------------------------------------------- spinlocks

export interface Spinlock {
  s_owner: Thread | null;
}
export const newSpinlock = (): Spinlock => ({ s_owner: null });

export const spin_lock = prim({
  name: 'spin_lock',
  kind: 'lock',
  touches: ([s]: [Spinlock]) => [s],
  enabled: ([s]: [Spinlock]) => s.s_owner === null,
  exec: ([s]: [Spinlock], t: Thread) => {
    s.s_owner = t;
  },
});

export const spin_unlock = prim({
  name: 'spin_unlock',
  kind: 'unlock',
  touches: ([s]: [Spinlock]) => [s],
  exec: ([s]: [Spinlock], t: Thread) => {
    if (s.s_owner !== t) throw new KernelPanic('spinlock.h', 'spin_unlock: not the owner');
    s.s_owner = null;
  },
});

// ---------------------------------------------------------------- LWKT tokens

export const newToken = (desc: string): LwktToken => ({ t_desc: desc });

function acquirable(sim: Sim, t: Thread, tok: LwktToken, exclusive: boolean): boolean {
  if (!sim.tokenAvailable(tok, t, exclusive)) return false;
  for (const h of t.tokens) if (!sim.tokenAvailable(h.tok, t, h.exclusive)) return false;
  return true;
}

function hold(t: Thread, tok: LwktToken, exclusive: boolean): void {
  const h = t.tokens.find((x) => x.tok === tok);
  if (h) {
    h.count++;
    if (exclusive) h.exclusive = true;
  } else {
    t.tokens.push({ tok, exclusive, count: 1 });
  }
}

/** lwkt_gettoken(tok): exclusive, recursive; contention is a sleep. */
export const lwkt_gettoken = prim({
  name: 'lwkt_gettoken',
  kind: 'lock',
  sleeps: true,
  touches: ([tok]: [LwktToken]) => [tok],
  enabled: ([tok]: [LwktToken], t: Thread, sim: Sim) => acquirable(sim, t, tok, true),
  exec: ([tok]: [LwktToken], t: Thread) => hold(t, tok, true),
});

/** lwkt_gettoken_shared(tok). */
export const lwkt_gettoken_shared = prim({
  name: 'lwkt_gettoken_shared',
  kind: 'lock',
  sleeps: true,
  touches: ([tok]: [LwktToken]) => [tok],
  enabled: ([tok]: [LwktToken], t: Thread, sim: Sim) => acquirable(sim, t, tok, false),
  exec: ([tok]: [LwktToken], t: Thread) => hold(t, tok, false),
});

/** lwkt_reltoken(tok). */
export const lwkt_reltoken = prim({
  name: 'lwkt_reltoken',
  kind: 'unlock',
  touches: ([tok]: [LwktToken]) => [tok],
  exec: ([tok]: [LwktToken], t: Thread) => {
    const i = t.tokens.findIndex((x) => x.tok === tok);
    if (i < 0) throw new KernelPanic('lwkt_token.c', 'lwkt_reltoken: token not held');
    if (--t.tokens[i].count === 0) t.tokens.splice(i, 1);
  },
});

// ---------------------------------------------------------------- lockmgr (the buffer lock)

/** lk_owner: the owning thread, LK_KERNPROC after a hand-off to I/O completion, or null. */
export const LK_KERNPROC = 'KERNPROC';
export interface Lock {
  lk_owner: Thread | typeof LK_KERNPROC | null;
}
export const newLock = (): Lock => ({ lk_owner: null });

export const LK_EXCLUSIVE = 0x00000002;
export const LK_RELEASE = 0x00000006;
export const LK_TYPE_MASK = 0x0000000f;
export const LK_NOWAIT = 0x00000010;
export const LK_SLEEPFAIL = 0x00000020;
export const LK_TIMELOCK = 0x00000400;

/** One attempt: take the lock if free. Locking against oneself is a panic (no LK_CANRECURSE). */
export const lk_trylock = prim({
  name: 'lockmgr_try',
  kind: 'lock',
  touches: ([lk]: [Lock]) => [lk],
  exec: ([lk]: [Lock], t: Thread) => {
    if (lk.lk_owner === t) throw new KernelPanic('kern_lock.c', 'lockmgr: locking against myself');
    if (lk.lk_owner !== null) return false;
    lk.lk_owner = t;
    return true;
  },
});

/** Sleep until the lock is released (or the timeout fires). */
export const lk_wait = prim({
  name: 'lockmgr_sleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([lk]: [Lock, number]) => [lk],
  enabled: ([lk, timo]: [Lock, number], _t: Thread, sim: Sim) => lk.lk_owner === null || (timo > 0 && timeoutsOn(sim)),
  exec: ([lk]: [Lock, number]) => (lk.lk_owner === null ? 0 : EWOULDBLOCK),
});

/** Release: by the owner, or by anyone once handed to LK_KERNPROC (I/O completion). */
export const lk_release = prim({
  name: 'lockmgr_release',
  kind: 'unlock',
  touches: ([lk]: [Lock]) => [lk],
  exec: ([lk]: [Lock], t: Thread) => {
    if (lk.lk_owner !== t && lk.lk_owner !== LK_KERNPROC) {
      throw new KernelPanic('kern_lock.c', 'lockmgr: release of a lock not held by this thread');
    }
    lk.lk_owner = null;
  },
});

/** Hand ownership to LK_KERNPROC so another context (biodone) may release it. */
export const lk_kernproc = prim({
  name: 'lockmgr_kernproc',
  kind: 'lock',
  touches: ([lk]: [Lock]) => [lk],
  exec: ([lk]: [Lock], t: Thread) => {
    if (lk.lk_owner !== t) throw new KernelPanic('kern_lock.c', 'lockmgr_kernproc: not the owner');
    lk.lk_owner = LK_KERNPROC;
  },
});

/**
 * lockmgr(lk, flags, timo): LK_EXCLUSIVE / LK_RELEASE, with LK_NOWAIT (fail with EBUSY),
 * LK_SLEEPFAIL (after having had to sleep, fail with ENOLCK without the lock) and a timeout.
 */
export function* lockmgr(lk: Lock, flags: number, timo: number): Kernel<number> {
  if ((flags & LK_TYPE_MASK) === LK_RELEASE) {
    yield* lk_release(lk);
    return 0;
  }
  for (;;) {
    if (yield* lk_trylock(lk)) return 0;
    if (flags & LK_NOWAIT) return EBUSY;
    const error = yield* lk_wait(lk, timo);
    if (error) return error;
    if (flags & LK_SLEEPFAIL) return ENOLCK;
  }
}

/** Held by anybody (BUF_LOCKINUSE); a plain read used by assertions. */
export function lockinuse(lk: Lock): boolean {
  return lk.lk_owner !== null;
}

// ---------------------------------------------------------------- OpenBSD rwlocks

export interface RwLock {
  rwl_owner: Thread | null;
  rwl_readers: number;
}
export const newRwLock = (): RwLock => ({ rwl_owner: null, rwl_readers: 0 });

export const rw_enter_write = prim({
  name: 'rw_enter_write',
  kind: 'lock',
  sleeps: true,
  touches: ([rw]: [RwLock]) => [rw],
  enabled: ([rw]: [RwLock]) => rw.rwl_owner === null && rw.rwl_readers === 0,
  exec: ([rw]: [RwLock], t: Thread) => {
    rw.rwl_owner = t;
  },
});

export const rw_exit_write = prim({
  name: 'rw_exit_write',
  kind: 'unlock',
  touches: ([rw]: [RwLock]) => [rw],
  exec: ([rw]: [RwLock], t: Thread) => {
    if (rw.rwl_owner !== t) throw new KernelPanic('kern_rwlock.c', 'rw_exit_write: not held');
    rw.rwl_owner = null;
  },
});

export const rw_enter_read = prim({
  name: 'rw_enter_read',
  kind: 'lock',
  sleeps: true,
  touches: ([rw]: [RwLock]) => [rw],
  enabled: ([rw]: [RwLock]) => rw.rwl_owner === null,
  exec: ([rw]: [RwLock]) => {
    rw.rwl_readers++;
  },
});

export const rw_exit_read = prim({
  name: 'rw_exit_read',
  kind: 'unlock',
  touches: ([rw]: [RwLock]) => [rw],
  exec: ([rw]: [RwLock]) => {
    if (rw.rwl_readers <= 0) throw new KernelPanic('kern_rwlock.c', 'rw_exit_read: not held');
    rw.rwl_readers--;
  },
});

/** OpenBSD rwsleep(ident, rwl, prio, wmesg, timo): drop the write lock while asleep, retake it after. */
export function* rwsleep(ident: object, rwl: RwLock, prio: number, wmesg: string, timo: number): Kernel<number> {
  yield* tsleep_interlock(ident, prio);
  yield* rw_exit_write(rwl);
  const error = yield* tsleep_wait(ident, prio, wmesg, timo);
  yield* rw_enter_write(rwl);
  return error;
}
