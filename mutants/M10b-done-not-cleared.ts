'use kernel';
/** M10b: _biowait does not clear BIO_DONE after the wait (vfs_bio.c:3284). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, tsleep, tsleep_interlock, lifecycle, KKASSERT, PINTERLOCKED, BIO_DONE, BIO_WANT, B_EINTR, B_ERROR, BUF_CMD_DONE, BUF_CMD_READ, EINTR, EIO, type Kernel } from '../impl/api.ts';
import type { Bio } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M10b',
  title: '_biowait leaves BIO_DONE set',
  description: 'The next synchronous I/O on the buffer is issued with BIO_DONE still set: vn_strategy\'s KKASSERT((bio_flags & BIO_DONE) == 0) fires (without INVARIANTS the next biowait would return before its I/O completes). With real buffers, IO-17 (BIO_DONE set on an I/O that has not completed) sees it one step earlier: the next write sets b_cmd while BIO_DONE is still up.',
  cite: ['vfs_bio.c:3284', 'vfs_bio.c:3385'],
  expect: 'killed',
  killedBy: ['IO-17', 'vfs_bio.c:3385', 'CONF:bio'],
  scenario: 'biowait',
  params: { ios: 2, write: 1, errors: 0 },
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
      if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3266
        lifecycle(bio, 'SET_WANT');
        if (wmesg) error = yield* tsleep(bio, PINTERLOCKED, wmesg, to); // vfs_bio.c:3267-3268
        else if (bp.b_cmd === BUF_CMD_READ) error = yield* tsleep(bio, PINTERLOCKED, 'biord', to); // vfs_bio.c:3269-3270
        else error = yield* tsleep(bio, PINTERLOCKED, 'biowr', to); // vfs_bio.c:3271-3272
        if (error) return error;
      }
    }
    KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:3283', 'bp->b_cmd == BUF_CMD_DONE');
    // MUTANT: `bio->bio_flags &= ~(BIO_DONE | BIO_SYNC);` removed
    if (bp.b_flags & B_EINTR) return EINTR;
    if (bp.b_flags & B_ERROR) return bp.b_error ? bp.b_error : EIO;
    return 0;
  },
};
