'use kernel';
/** M09: biodone_sync calls bpdone(bp, 0) after publishing BIO_DONE instead of before (vfs_bio.c:3777). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, wakeup, lifecycle, KKASSERT, BIO_DONE, BIO_WANT, type Kernel } from '../impl/api.ts';
import type { Bio } from '../impl/env/bio.ts';
import { bpdone } from '../impl/kernel/vfs_bio.ts';

export const meta: MutantMeta = {
  id: 'M09',
  title: 'biodone_sync publishes BIO_DONE before bpdone',
  description: 'A waiter that sees BIO_DONE returns while bpdone has not run: _biowait\'s KKASSERT(b_cmd == BUF_CMD_DONE) fires.',
  cite: ['vfs_bio.c:3777', 'vfs_bio.c:3283'],
  expect: 'killed',
  killedBy: ['CONF:bio', 'IO-17', 'vfs_bio.c:3283', 'IO-02'],
  scenario: 'biowait',
  params: { ios: 1, write: 1, errors: 0 },
};

export default {
  *biodone_sync(bio: Bio): Kernel<void> {
    const bp = bio.bio_buf;
    let flags: number;
    let nflags: number;
    KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3776', 'bio == &bp->b_bio1');
    for (;;) {
      flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3780
      nflags = (flags | BIO_DONE) & ~BIO_WANT;
      if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3783
        lifecycle(bio, 'BIODONE_SYNC');
        bio.g_done_published = true;
        if (flags & BIO_WANT) yield* wakeup(bio); // vfs_bio.c:3784-3785
        break;
      }
    }
    yield* bpdone(bp, 0); // vfs_bio.c:3777; MUTANT: moved after the BIO_DONE cmpset loop
  },
};
