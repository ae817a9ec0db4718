'use kernel';
/** U01: biodone releases the track twice (vfs_bio.c:3736-3739): the bit-30 underflow panic. */
import type { MutantMeta } from './types.ts';
import { bpdone, bio_track_rel } from '../impl/kernel/vfs_bio.ts';
import type { Kernel } from '../impl/api.ts';
import type { Bio, BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'U01',
  title: 'biodone releases the track twice',
  description: 'A second bio_track_rel on an idle track takes the count from 0 to -1: bio_track_rel\'s bit-30 check panics ("bad count").',
  cite: ['vfs_bio.c:3736-3739', 'vfs_bio.c:548-549'],
  expect: 'killed',
  killedBy: ['vfs_bio.c:549'],
  scenario: 'biowait',
  params: { ios: 1, write: 1, errors: 0 },
};

export default {
  *biodone(bio: Bio | null): Kernel<void> {
    const bp = bio!.bio_buf;
    while (bio) {
      let done_func: ((b: Bio) => Kernel<void>) | null;
      let track: BioTrack | null;
      if ((track = bio.bio_track) !== null) {
        yield* bio_track_rel(track); // vfs_bio.c:3737
        yield* bio_track_rel(track); // vfs_bio.c:3737; MUTANT: released twice
        bio.bio_track = null;
      }
      if ((done_func = bio.bio_done as unknown as ((b: Bio) => Kernel<void>) | null) !== null) {
        bio.bio_done = null;
        yield* done_func(bio); // vfs_bio.c:3750
        return;
      }
      bio = bio.bio_prev;
    }
    yield* bpdone(bp, 1);
  },
};
