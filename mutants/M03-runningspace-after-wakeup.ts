'use kernel';
/** M03: runningbufwakeup lowers runningbufspace only after its runningbufreq cmpset/wakeup loop (vfs_bio.c:262 moved after vfs_bio.c:269-279). */
import type { MutantMeta } from './types.ts';
import { atomic_add_long, type Kernel, atomic_cmpset_int, load, wakeup } from '../impl/api.ts';
import { type Buf } from '../impl/env/bio.ts';
import { bd_signal } from '../impl/kernel/vfs_bio.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M03",
  "title": "runningbufwakeup wakes the waiters before returning the space",
  "description": "The waiter woken by runningbufwakeup re-reads runningbufspace before it has been lowered, finds it still above the limit, registers again (runningbufreq was just reset, so it sleeps) — and the decrement that follows issues no wakeup: with timeouts off, a deadlock in waitrunningbufspace. The model folds the seed's counter updates into the step before them (spec §0); moved after the wakeup, the decrement is written as the atomic_add_long step it is in C (folding it into the wakeup would hide the very window the mutation opens), and the ghost accounting window marks the split update so ACC-06 is checked only at quiescent points, as for the seed's other split updates.",
  "cite": [
    "vfs_bio.c:261-280"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-03"
  ],
  "scenario": "mut-runningbuf-wait",
  "params": {}
};

export default {
  *runningbufwakeup(bp: Buf): Kernel<void> {
    let totalspace: number;
    let flags: number;
    const g = vb();

    if ((totalspace = bp.b_runningbufspace) !== 0) { // vfs_bio.c:261
      g.g_acct_window += 1; // ghost: runningbufspace is updated in a later step (MUTANT)
      g.runningbufcount -= 1; // vfs_bio.c:263
      bp.b_runningbufspace = 0; // vfs_bio.c:264

      // see waitrunningbufspace() for limit test (vfs_bio.c:266-279).
      for (;;) {
        flags = yield* load(g.runningbufreq, 'v'); // vfs_bio.c:270
        if (flags === 0) break; // vfs_bio.c:272-273
        if (yield* atomic_cmpset_int(g.runningbufreq, 'v', flags, 0)) { // vfs_bio.c:274
          yield* wakeup(g.runningbufreq); // vfs_bio.c:275
          break;
        }
        // retry
      }
      yield* atomic_add_long(g, 'runningbufspace', -totalspace); // vfs_bio.c:262; MUTANT: was before the runningbufreq loop
      g.g_acct_window -= 1;
      yield* bd_signal(totalspace); // vfs_bio.c:280
    }
  },
};
