'use kernel';
/**
 * tsleep / tsleep_interlock / wakeup with DragonFly semantics (kern_synch.c):
 * - tsleep_interlock(ident) puts the thread on ident's sleep queue without sleeping
 *   (TDF_TSLEEPQ); doing it again for the same ident while still queued changes nothing.
 * - wakeup(ident) removes every thread queued on ident (broadcast), whether it is already
 *   asleep or only interlocked; so a wakeup between tsleep_interlock and tsleep is not lost:
 *   tsleep(..., PINTERLOCKED) then returns at once.
 * - a sleep with a timeout may also end by timing out (a scheduler choice) unless the scenario
 *   disables timeouts (options.timeouts === false), which turns a lost wakeup into a deadlock.
 * The step granularity is SPEC's: tsleep_interlock, wakeup and "tsleep returns" are steps;
 * going to sleep is not (a sleeping thread is simply not enabled).
 */
import { prim, type Kernel } from './prim.ts';
import type { Sim, Thread } from './kernel.ts';
import { EWOULDBLOCK } from './errno.ts';
import { sleepQueueOf } from './world.ts';

export const PINTERLOCKED = 0x00000400;
export const PCATCH = 0x00000100;

/** Timed sleeps may time out unless the scenario turned timeouts off (lost wakeups then hang). */
export const timeoutsOn = (sim: Sim): boolean => sim.options.timeouts !== false;

/** tsleep_interlock(ident, flags): enqueue on ident's sleep queue (kern_synch.c). */
export const tsleep_interlock = prim({
  name: 'tsleep_interlock',
  kind: 'sleep',
  touches: ([ident]: [object, number]) => [sleepQueueOf(ident)],
  exec: ([ident]: [object, number], t: Thread) => {
    t.interlock = ident;
  },
});

/** The return of a tsleep: enabled once a wakeup dequeued the thread, or on timeout. */
export const tsleep_wait = prim({
  name: 'tsleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([ident]: [object, number, string, number]) => [sleepQueueOf(ident)],
  enabled: ([ident, , , timo]: [object, number, string, number], t: Thread, sim: Sim) =>
    t.interlock !== ident || (timo > 0 && timeoutsOn(sim)),
  exec: ([ident]: [object, number, string, number], t: Thread) => {
    if (t.interlock !== ident) return 0;
    t.interlock = null; // timed out: off the queue
    return EWOULDBLOCK;
  },
  variantNames: [''],
});

/** wakeup(ident): every thread queued on ident leaves the queue. */
export const wakeup = prim({
  name: 'wakeup',
  kind: 'wakeup',
  touches: ([ident]: [object]) => [sleepQueueOf(ident)],
  exec: ([ident]: [object], _t: Thread, sim: Sim) => {
    for (const u of sim.threads) if (u.interlock === ident) u.interlock = null;
  },
});

/**
 * wakeup_one(ident): one thread queued on ident leaves the queue. Which one is a scheduler
 * choice (a variant per queued thread): the kernel takes the queue's head, and leaving the
 * order open over-approximates it without depending on thread numbering (so --symmetry stays
 * sound).
 */
export const wakeup_one = prim({
  name: 'wakeup_one',
  kind: 'wakeup',
  touches: ([ident]: [object]) => [sleepQueueOf(ident)],
  variants: ([ident]: [object], _t: Thread, sim: Sim) => {
    let n = 0;
    for (const u of sim.threads) if (u.interlock === ident) n++;
    return Math.max(1, n);
  },
  exec: ([ident]: [object], _t: Thread, sim: Sim, variant: number) => {
    let k = 0;
    for (const u of sim.threads) {
      if (u.interlock !== ident) continue;
      if (k++ === variant) {
        u.interlock = null;
        return;
      }
    }
  },
});

/**
 * tsleep(ident, flags, wmesg, timo): without PINTERLOCKED the thread first enqueues itself
 * (a wakeup before that is missed, as in the kernel); then it sleeps until woken or timed out.
 */
export function* tsleep(ident: object, flags: number, wmesg: string, timo: number): Kernel<number> {
  if ((flags & PINTERLOCKED) === 0) yield* tsleep_interlock(ident, flags);
  return yield* tsleep_wait(ident, flags, wmesg, timo);
}
