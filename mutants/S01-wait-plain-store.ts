'use kernel';
/** S01: bio_track_wait publishes the wait bit with a plain store instead of cmpset (vfs_bio.c:589). */
import type { MutantMeta } from './types.ts';
import { load, store, tsleep, tsleep_interlock, lifecycle, PINTERLOCKED, type Kernel } from '../impl/api.ts';
import type { BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'S01',
  title: 'wait sets the wait bit with a plain store instead of cmpset',
  description: 'bio_track_wait writes active|WAIT without checking that bk_active is still `active`; a release in between is undone and the count no longer matches the I/Os in flight.',
  cite: ['vfs_bio.c:585-589'],
  expect: 'killed',
  killedBy: ['TRK-02'],
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
      yield* tsleep_interlock(track, slp_flags); // vfs_bio.c:588
      yield* store(track, 'bk_active', desired); // vfs_bio.c:589; MUTANT: was atomic_cmpset_int(&track->bk_active, active, desired)
      lifecycle(track, 'TRACK_SET_WAIT');
      error = yield* tsleep(track, slp_flags | PINTERLOCKED, 'trwait', slp_timo); // vfs_bio.c:590-591
      if (error) break;
    }
    return error;
  },
};
