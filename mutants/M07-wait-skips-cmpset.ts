'use kernel';
/** M07: bio_track_wait skips the cmpset when the wait bit is already set (forbidden at vfs_bio.c:581-582). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, tsleep, tsleep_interlock, lifecycle, PINTERLOCKED, type Kernel } from '../impl/api.ts';
import type { BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M07',
  title: 'wait skips the cmpset when WAIT is already set',
  description: 'The optimisation the comment at vfs_bio.c:581-582 forbids: a second waiter that reads a word with WAIT set sleeps without a CAS; the final release may clear the word and wake before it is interlocked, so it sleeps forever.',
  cite: ['vfs_bio.c:581-589'],
  expect: 'killed',
  killedBy: ['TRK-03'],
  scenario: 'bio-track',
  params: { ios: 1, waiters: 2 },
};

export default {
  *bio_track_wait(track: BioTrack, slp_flags: number, slp_timo: number): Kernel<number> {
    let active: number;
    let desired: number;
    let error: number;
    if ((yield* load(track, 'bk_active')) === 0) return 0; // vfs_bio.c:574-575
    error = 0;
    while ((active = yield* load(track, 'bk_active')) !== 0) { // vfs_bio.c:585
      desired = active | 0x80000000;
      if (active & 0x80000000) {
        // MUTANT: "already set, just sleep" — without the interlock-then-CAS handshake
        error = yield* tsleep(track, slp_flags, 'trwait', slp_timo); // vfs_bio.c:590
        if (error) break;
        continue;
      }
      yield* tsleep_interlock(track, slp_flags); // vfs_bio.c:588
      if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:589
        lifecycle(track, 'TRACK_SET_WAIT');
        error = yield* tsleep(track, slp_flags | PINTERLOCKED, 'trwait', slp_timo); // vfs_bio.c:590-591
        if (error) break;
      }
    }
    return error;
  },
};
