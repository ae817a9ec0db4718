'use kernel';
/** M04: waitrunningbufspace without tsleep_interlock: a plain tsleep (vfs_bio.c:329, 332). */
import type { MutantMeta } from './types.ts';
import { type Kernel, atomic_fetchadd_int, load, tsleep } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M04",
  "title": "waitrunningbufspace sleeps without tsleep_interlock",
  "description": "The waiter registers (fetchadd on runningbufreq) and tests the space, then queues itself in tsleep: a runningbufwakeup that resets runningbufreq and wakes the channel in between is lost, and the waiter sleeps with nothing left in flight — with timeouts off, a deadlock in waitrunningbufspace (in the kernel, a stall until the hz timeout). PINTERLOCKED goes with the interlock: a PINTERLOCKED tsleep of a thread that is not queued returns at once, which would turn the wait into a busy loop instead.",
  "cite": [
    "vfs_bio.c:329-332"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-03"
  ],
  "scenario": "mut-runningbuf-wait",
  "params": {}
};

/** hz, as in impl/kernel/vfs_bio.ts: any positive timeout. */
const hz = 100;

export default {
  *waitrunningbufspace(): Kernel<void> {
    const g = vb();
    const limit = Math.trunc((g.hirunningspace * 4) / 6); // vfs_bio.c:325
    let flags: number;

    while ((yield* load(g, 'runningbufspace')) > limit || (yield* load(g.runningbufreq, 'v'))) { // vfs_bio.c:328
      // MUTANT: was `tsleep_interlock(&runningbufreq, 0);` (vfs_bio.c:329)
      flags = yield* atomic_fetchadd_int(g.runningbufreq, 'v', 1); // vfs_bio.c:330
      if (g.runningbufspace > limit || flags) yield* tsleep(g.runningbufreq, 0, 'wdrn1', hz); // vfs_bio.c:331-332; MUTANT: was PINTERLOCKED
    }
  },
};
