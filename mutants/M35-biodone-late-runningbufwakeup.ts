'use kernel';
/** M35: biodone calls runningbufwakeup after the completion instead of first (vfs_bio.c:3724). */
import { bio_track_rel, bpdone, runningbufwakeup } from '../impl/kernel/vfs_bio.ts';
import type { Bio, BioTrack } from '../impl/env/bio.ts';
import type { Kernel } from '../impl/api.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M35",
  title: "biodone returns running space after the completion",
  description: "The running space of a write is returned only after done_func (biodone_sync: bpdone, BIO_DONE) or bpdone(bp, 1) has completed the I/O: in between, a completed buffer still carries b_runningbufspace (ACC-07), and a synchronous writer woken by BIO_DONE may already have issued its next write, whose space is then accounted against the old one.",
  cite: [
    "vfs_bio.c:3724"
  ],
  expect: "killed",
  killedBy: [
    "ACC-07",
    "BUF-34"
  ],
  scenario: "biowait",
  params: {
    ios: 1,
    write: 1,
    errors: 0
  }
};

export default {
  *biodone(bio: Bio | null): Kernel<void> {
    const bp = bio!.bio_buf;

    // MUTANT: runningbufwakeup(bp) (vfs_bio.c:3724) moved after the completion

    // Run up the chain of BIO's. Leave b_cmd intact for the duration (vfs_bio.c:3726-3729).
    while (bio) {
      let done_func: ((b: Bio) => Kernel<void>) | null;
      let track: BioTrack | null;

      // BIO tracking. Most but not all BIOs are tracked (vfs_bio.c:3733-3739).
      if ((track = bio.bio_track) !== null) {
        yield* bio_track_rel(track); // vfs_bio.c:3737
        bio.bio_track = null; // vfs_bio.c:3738
      }

      // A bio_done function terminates the loop; it owns the buffer from here and may
      // deallocate it (vfs_bio.c:3741-3752).
      if ((done_func = bio.bio_done as unknown as ((b: Bio) => Kernel<void>) | null) !== null) {
        bio.bio_done = null;
        yield* done_func(bio); // vfs_bio.c:3750
        yield* runningbufwakeup(bp); // MUTANT: was first in biodone (vfs_bio.c:3724)
        return;
      }
      bio = bio.bio_prev;
    }

    // If we've run out of bio's do normal [a]synchronous completion (vfs_bio.c:3756-3759).
    yield* bpdone(bp, 1);
    yield* runningbufwakeup(bp); // MUTANT: was first in biodone (vfs_bio.c:3724)
  },
};
