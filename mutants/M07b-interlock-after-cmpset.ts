'use kernel';
/** M07b: bio_track_wait calls tsleep_interlock after its cmpset (vfs_bio.c:588-589). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, tsleep, tsleep_interlock, lifecycle, PINTERLOCKED, type Kernel } from '../impl/api.ts';
import type { BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M07b',
  title: 'wait calls tsleep_interlock after its cmpset',
  description: 'The final release can see WAIT, clear the word and wake between the CAS and the interlock; the wakeup finds nobody queued and the waiter then sleeps forever.',
  cite: ['vfs_bio.c:588-589'],
  expect: 'killed',
  killedBy: ['TRK-03'],
  scenario: 'bio-track',
  params: { ios: 1, waiters: 1 },
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
      if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:589
        lifecycle(track, 'TRACK_SET_WAIT');
        yield* tsleep_interlock(track, slp_flags); // vfs_bio.c:588; MUTANT: moved after the cmpset
        error = yield* tsleep(track, slp_flags | PINTERLOCKED, 'trwait', slp_timo); // vfs_bio.c:590-591
        if (error) break;
      }
    }
    return error;
  },
};
