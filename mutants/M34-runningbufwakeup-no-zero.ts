'use kernel';
/** M34: runningbufwakeup does not zero b_runningbufspace (vfs_bio.c:264). */
import { bd_signal } from '../impl/kernel/vfs_bio.ts';
import type { Buf } from '../impl/env/bio.ts';
import { atomic_cmpset_int, type Kernel, load, wakeup } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M34",
  title: "runningbufwakeup can subtract twice",
  description: "With a two-layer bio (vfs_bio.c:3478-3483) biodone runs twice for one write, so runningbufwakeup runs twice; without the zeroing the second call subtracts the space again: runningbufspace no longer equals the buffers' charges (ACC-06, the first check to fail) and goes negative (ACC-08). The model collapses b_bio2, so the scenario's upper-layer callback calls biodone on b_bio1 again: the same double call of runningbufwakeup as biodone(bio2) then biodone(bio1) in the seed.",
  cite: [
    "vfs_bio.c:261-264"
  ],
  expect: "killed",
  killedBy: [
    "ACC-08",
    "ACC-06",
    "ACC-13"
  ],
  scenario: "mb-two-layer",
  params: {}
};

export default {
  *runningbufwakeup(bp: Buf): Kernel<void> {
    let totalspace: number;
    let flags: number;
    const g = vb();

    if ((totalspace = bp.b_runningbufspace) !== 0) { // vfs_bio.c:261
      g.runningbufspace -= totalspace; // vfs_bio.c:262 atomic_add_long (folded, §0)
      g.runningbufcount -= 1; // vfs_bio.c:263
      // MUTANT: was bp->b_runningbufspace = 0; (vfs_bio.c:264)

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
      yield* bd_signal(totalspace); // vfs_bio.c:280
    }
  },
};
