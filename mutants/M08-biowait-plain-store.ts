'use kernel';
/** M08: _biowait sets BIO_WANT with a plain store instead of cmpset (vfs_bio.c:3266). */
import type { MutantMeta } from './types.ts';
import { load, store, tsleep, tsleep_interlock, lifecycle, KKASSERT, PINTERLOCKED, BIO_DONE, BIO_SYNC, BIO_WANT, B_EINTR, B_ERROR, BUF_CMD_DONE, BUF_CMD_READ, EINTR, EIO, type Kernel } from '../impl/api.ts';
import type { Bio } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M08',
  title: '_biowait sets BIO_WANT with a plain store',
  description: 'If the completion publishes BIO_DONE between the waiter\'s read and its store, the store overwrites BIO_DONE with flags|BIO_WANT: the completion is lost and the waiter sleeps forever.',
  cite: ['vfs_bio.c:3264-3266'],
  expect: 'killed',
  killedBy: ['IO-13', 'WAKE-06'],
  scenario: 'biowait',
  params: { ios: 1, write: 1, errors: 0 },
};

export default {
  *_biowait(bio: Bio, wmesg: string | null, to: number): Kernel<number> {
    const bp = bio.bio_buf;
    let flags: number;
    let nflags: number;
    let error: number;
    KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3259', 'bio == &bp->b_bio1');
    for (;;) {
      flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3261
      if (flags & BIO_DONE) break;
      nflags = flags | BIO_WANT;
      yield* tsleep_interlock(bio, 0); // vfs_bio.c:3265
      yield* store(bio, 'bio_flags', nflags); // vfs_bio.c:3266; MUTANT: was atomic_cmpset_int(&bio->bio_flags, flags, nflags)
      lifecycle(bio, 'SET_WANT');
      if (wmesg) error = yield* tsleep(bio, PINTERLOCKED, wmesg, to); // vfs_bio.c:3267-3268
      else if (bp.b_cmd === BUF_CMD_READ) error = yield* tsleep(bio, PINTERLOCKED, 'biord', to); // vfs_bio.c:3269-3270
      else error = yield* tsleep(bio, PINTERLOCKED, 'biowr', to); // vfs_bio.c:3271-3272
      if (error) return error;
    }
    KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:3283', 'bp->b_cmd == BUF_CMD_DONE');
    flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3284
    yield* store(bio, 'bio_flags', flags & ~(BIO_DONE | BIO_SYNC)); // vfs_bio.c:3284
    lifecycle(bio, 'BIOWAIT_FINISH');
    bio.g_done_published = false;
    if (bp.b_flags & B_EINTR) return EINTR;
    if (bp.b_flags & B_ERROR) return bp.b_error ? bp.b_error : EIO;
    return 0;
  },
};
