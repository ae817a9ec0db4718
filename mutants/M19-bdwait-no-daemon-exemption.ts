'use kernel';
/** M19: bd_wait without the buffer-daemon exemption (vfs_bio.c:454-455 deleted). */
import type { MutantMeta } from './types.ts';
import { type Kernel, MAXBSIZE, PINTERLOCKED, atomic_add_int, atomic_fetchadd_int, tsleep, tsleep_interlock } from '../impl/api.ts';
import { bd_heatup } from '../impl/kernel/vfs_bio.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M19",
  "title": "bd_wait no longer exempts the buffer daemons",
  "description": "A buffer daemon that reaches bd_wait (through a VFS write path called from cluster_awrite) now waits for flushing that only it can do. The scenario's daemon is a stub (it registers as bufdaemon_td and calls bd_wait, since the model's cluster_awrite is bawrite and never reaches bd_wait); WAKE-11 (no daemon in bd_wait) catches it at its first step inside bd_wait, before any self-wait can develop.",
  "cite": [
    "vfs_bio.c:454-455"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-11"
  ],
  "scenario": "mut-daemon-bdwait",
  "params": {}
};

/** hz, as in impl/kernel/vfs_bio.ts: any positive timeout. */
const hz = 100;

export default {
  *bd_wait(totalspace: number): Kernel<void> {
    const g = vb();
    let i: number;
    let j: number;
    let mi: number;
    let count: number;

    // MUTANT: was `if (curthread() == bufdaemonhw_td || curthread() == bufdaemon_td) return;` (vfs_bio.c:454-455)

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
      j = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 0); // vfs_bio.c:482
      if (((i - j) | 0) >= 0) yield* tsleep(g.bd_wake_ary[mi], PINTERLOCKED, 'flstik', hz); // vfs_bio.c:483-484

      totalspace = g.runningbufspace + g.dirtykvaspace - g.hidirtybufspace; // vfs_bio.c:486
    }
  },
};
