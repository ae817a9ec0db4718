'use kernel';
/** S02: biodone_sync sets BIO_DONE without waking a BIO_WANT waiter (vfs_bio.c:3784-3785). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, lifecycle, KKASSERT, BIO_DONE, BIO_WANT, type Kernel } from '../impl/api.ts';
import type { Bio } from '../impl/env/bio.ts';
import { bpdone } from '../impl/kernel/vfs_bio.ts';

export const meta: MutantMeta = {
  id: 'S02',
  title: 'biodone_sync sets BIO_DONE without waking a BIO_WANT waiter',
  description: 'The completion publishes BIO_DONE but drops the wakeup(bio); a waiter that already published BIO_WANT and went to sleep is never woken.',
  cite: ['vfs_bio.c:3783-3786'],
  expect: 'killed',
  killedBy: ['WAKE-06'],
  scenario: 'biowait',
  params: { ios: 1, write: 1, errors: 0 },
};

export default {
  *biodone_sync(bio: Bio): Kernel<void> {
    const bp = bio.bio_buf;
    let flags: number;
    let nflags: number;
    KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3776', 'bio == &bp->b_bio1');
    yield* bpdone(bp, 0); // vfs_bio.c:3777
    for (;;) {
      flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3780
      nflags = (flags | BIO_DONE) & ~BIO_WANT;
      if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3783
        lifecycle(bio, 'BIODONE_SYNC');
        bio.g_done_published = true;
        // MUTANT: `if (flags & BIO_WANT) wakeup(bio);` removed
        break;
      }
    }
  },
};
