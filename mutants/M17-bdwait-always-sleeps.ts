'use kernel';
/** M17: bd_wait always sleeps after registering: no re-read of bd_wake_index, no (int)(i - j) >= 0 test (vfs_bio.c:482-483). */
import type { MutantMeta } from './types.ts';
import { type Kernel, MAXBSIZE, PINTERLOCKED, atomic_add_int, atomic_fetchadd_int, curthread, tsleep, tsleep_interlock } from '../impl/api.ts';
import { bd_heatup } from '../impl/kernel/vfs_bio.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M17",
  "title": "bd_wait sleeps even when its ticket has already passed",
  "description": "Without the re-read of bd_wake_index after registering, a waiter whose ticket was issued between its first read (vfs_bio.c:466) and its registration sleeps anyway; the signal for its ticket already cleared the slot, so only a wrap-around of the slot or the hz timeout ends the sleep — with timeouts off, a deadlock in bd_wait.",
  "cite": [
    "vfs_bio.c:482-484"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-05"
  ],
  "scenario": "mut-bdwait-ticket",
  "params": {}
};

/** hz, as in impl/kernel/vfs_bio.ts: any positive timeout. */
const hz = 100;

export default {
  *bd_wait(totalspace: number): Kernel<void> {
    const g = vb();
    let i: number;
    let mi: number;
    let count: number;

    if (curthread() === g.bufdaemonhw_td || curthread() === g.bufdaemon_td) return; // vfs_bio.c:454-455

    while (totalspace > 0) {
      yield* bd_heatup(); // vfs_bio.c:458

      i = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 0); // vfs_bio.c:466
      if (totalspace > g.runningbufspace + g.dirtykvaspace) totalspace = g.runningbufspace + g.dirtykvaspace; // vfs_bio.c:467-468
      count = Math.trunc(totalspace / MAXBSIZE); // vfs_bio.c:469
      if (count >= g.bd_wake_size / 2) count = g.bd_wake_size / 2; // vfs_bio.c:470-471
      i = (i + count) >>> 0; // vfs_bio.c:472
      mi = i & (g.bd_wake_size - 1); // vfs_bio.c:473

      // Not a strict interlock: re-check bd_wake_index after registering (vfs_bio.c:475-479).
      yield* tsleep_interlock(g.bd_wake_ary[mi], 0); // vfs_bio.c:480
      yield* atomic_add_int(g.bd_wake_ary[mi], 'v', 1); // vfs_bio.c:481
      // MUTANT: was `j = atomic_fetchadd_int(&bd_wake_index, 0); if ((int)(i - j) >= 0) tsleep(...)` (vfs_bio.c:482-484)
      yield* tsleep(g.bd_wake_ary[mi], PINTERLOCKED, 'flstik', hz); // vfs_bio.c:484

      totalspace = g.runningbufspace + g.dirtykvaspace - g.hidirtybufspace; // vfs_bio.c:486
    }
  },
};
