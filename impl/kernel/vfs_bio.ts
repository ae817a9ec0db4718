'use kernel';
/**
 * vfs_bio.c — DragonFly BSD's buffer cache (seed 001, xref revision b866b1da).
 *
 * Implemented so far, in the seed's order (the foundation slice: BIO tracking and the
 * synchronous completion handshake):
 *   bio_track_rel      vfs_bio.c:515-556
 *   bio_track_wait     vfs_bio.c:558-597
 *   _biowait, biowait  vfs_bio.c:3234-3296
 *   vn_strategy        vfs_bio.c:3320-3390 (all of it but the swapcache intercept and KVABIO sync)
 *   bpdone             vfs_bio.c:3485-3714 (entry, b_cmd, the non-READ/WRITE exit; see its comment)
 *   biodone            vfs_bio.c:3716-3760 (all of it but runningbufwakeup)
 *   biodone_sync       vfs_bio.c:3762-3789
 * Left for the buffer-cache model: every other function of the file.
 * Not modelled (spec/vfs_bio_sync.md §8): the swapcache intercept (vn_cache_strategy),
 * KVABIO synchronisation, dsched, kprintf diagnostics.
 */
import type { Kernel } from '../sim/prim.ts';
import { load, atomic_cmpset_int, store } from '../sim/atomics.ts';
import { tsleep, tsleep_interlock, wakeup, PINTERLOCKED } from '../sim/sleep.ts';
import { KASSERT, KKASSERT, panic, unmodelled } from '../sim/panic.ts';
import { lifecycle } from '../sim/report.ts';
import {
  BIO_DONE,
  BIO_SYNC,
  BIO_WANT,
  B_EINTR,
  B_ERROR,
  B_IOISSUED,
  B_NOCACHE,
  BUF_CMD_DONE,
  BUF_CMD_FREEBLKS,
  BUF_CMD_READ,
  BUF_CMD_WRITE,
  EINTR,
  EIO,
} from './sys.ts';
import { bio_track_ref, trackReleased, BUF_LOCKINUSE, type Bio, type BioTrack, type Buf } from '../env/bio.ts';
import { vop_strategy, type Vnode } from '../env/vnode.ts';

/*
 * BIO tracking support routines (vfs_bio.c:515-556).
 *
 * Release a ref on a bio_track. The wait flag is dropped atomically with the last reference,
 * so bk_active never ends up as exactly 0x80000000 (vfs_bio.c:518-520); bit 30 detects a
 * negative count because bit 31 means "waiters" (vfs_bio.c:540-541).
 */
export function* bio_track_rel(track: BioTrack): Kernel<void> {
  let active: number;
  let desired: number;

  // Shortcut
  active = yield* load(track, 'bk_active'); // vfs_bio.c:532
  if (active === 1 && (yield* atomic_cmpset_int(track, 'bk_active', 1, 0))) { // vfs_bio.c:533
    trackReleased(track, 'TRACK_REL_SHORTCUT');
    return;
  }

  // Full-on: the wait flag is only released on the 1->0 transition (vfs_bio.c:536-542).
  for (;;) {
    desired = (active & 0x7fffffff) - 1; // vfs_bio.c:544
    if (desired) desired |= active & 0x80000000; // vfs_bio.c:545-546
    if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:547
      trackReleased(track, 'TRACK_REL');
      if (desired & 0x40000000) panic('vfs_bio.c:549', 'bio_track_rel: bad count'); // vfs_bio.c:548-549
      if (active & 0x80000000) yield* wakeup(track); // vfs_bio.c:550-551
      break;
    }
    active = yield* load(track, 'bk_active'); // vfs_bio.c:554
  }
}

/*
 * Wait for the tracking count to reach 0 (vfs_bio.c:558-597).
 *
 * The wait flag may only be set, atomically, while the count is nonzero; and the thread is
 * interlocked on the sleep queue before it publishes the flag, so a release between the CAS and
 * the tsleep still wakes it. Skipping the CAS when the flag is already set is not allowed: a
 * release could clear the word before this thread is interlocked (vfs_bio.c:581-582).
 */
export function* bio_track_wait(track: BioTrack, slp_flags: number, slp_timo: number): Kernel<number> {
  let active: number;
  let desired: number;
  let error: number;

  // Shortcut
  if ((yield* load(track, 'bk_active')) === 0) return 0; // vfs_bio.c:574-575

  error = 0;
  while ((active = yield* load(track, 'bk_active')) !== 0) { // vfs_bio.c:585
    // cpu_ccfence() (vfs_bio.c:586) only stops the C compiler re-reading bk_active; the model
    // reads it once per step anyway.
    desired = active | 0x80000000; // vfs_bio.c:587
    yield* tsleep_interlock(track, slp_flags); // vfs_bio.c:588
    if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:589
      lifecycle(track, 'TRACK_SET_WAIT');
      error = yield* tsleep(track, slp_flags | PINTERLOCKED, 'trwait', slp_timo); // vfs_bio.c:590-591
      if (error) break; // vfs_bio.c:592-593
    }
  }
  return error;
}

/*
 * _biowait (vfs_bio.c:3234-3290): wait for I/O completion on b_bio1.
 *
 * The waiter publishes BIO_WANT with a CAS against the flags it read, after interlocking, so a
 * completion between its read and its CAS makes the CAS fail (it re-reads and sees BIO_DONE),
 * and a completion after the CAS sees BIO_WANT and wakes it. On return bpdone() has run and
 * the buffer is still locked (vfs_bio.c:3241-3242). BIO_DONE is cleared here, non-atomically,
 * which is safe because the completer's CAS was its last access (vfs_bio.c:3284).
 */
export function* _biowait(bio: Bio, wmesg: string | null, to: number): Kernel<number> {
  const bp = bio.bio_buf;
  let flags: number;
  let nflags: number;
  let error: number;

  KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3259', 'bio == &bp->b_bio1');
  for (;;) {
    flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3261
    if (flags & BIO_DONE) break; // vfs_bio.c:3262-3263
    nflags = flags | BIO_WANT; // vfs_bio.c:3264
    yield* tsleep_interlock(bio, 0); // vfs_bio.c:3265
    if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3266
      lifecycle(bio, 'SET_WANT');
      if (wmesg) error = yield* tsleep(bio, PINTERLOCKED, wmesg, to); // vfs_bio.c:3267-3268
      else if (bp.b_cmd === BUF_CMD_READ) error = yield* tsleep(bio, PINTERLOCKED, 'biord', to); // vfs_bio.c:3269-3270
      else error = yield* tsleep(bio, PINTERLOCKED, 'biowr', to); // vfs_bio.c:3271-3272
      if (error) return error; // vfs_bio.c:3273-3276 (the kprintf is not modelled)
    }
  }

  // Finish up.
  KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:3283', 'bp->b_cmd == BUF_CMD_DONE');
  // vfs_bio.c:3284: `bio->bio_flags &= ~(BIO_DONE | BIO_SYNC)` is a plain read-modify-write.
  flags = yield* load(bio, 'bio_flags');
  yield* store(bio, 'bio_flags', flags & ~(BIO_DONE | BIO_SYNC)); // vfs_bio.c:3284
  lifecycle(bio, 'BIOWAIT_FINISH');
  bio.g_done_published = false;
  if (bp.b_flags & B_EINTR) return EINTR; // vfs_bio.c:3285-3286
  if (bp.b_flags & B_ERROR) return bp.b_error ? bp.b_error : EIO; // vfs_bio.c:3287-3288
  return 0;
}

/* biowait (vfs_bio.c:3292-3296): _biowait without a timeout. */
export function* biowait(bio: Bio, wmesg: string | null): Kernel<number> {
  return yield* _biowait(bio, wmesg, 0); // vfs_bio.c:3295
}

/*
 * vn_strategy (vfs_bio.c:3320-3390): issue the I/O through the vnode, tracking it on the
 * vnode's read or write bio_track so bio_track_wait can wait for it.
 */
export function* vn_strategy(vp: Vnode, bio: Bio): Kernel<void> {
  let track: BioTrack;
  const bp = bio.bio_buf;

  KKASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3353', 'bp->b_cmd != BUF_CMD_DONE');

  // Set when an I/O is issued on the bp; cleared by consumers (HAMMER) (vfs_bio.c:3355-3360).
  bp.b_flags |= B_IOISSUED;
  bp.g_bpdone = false;

  // vfs_bio.c:3362-3376: the swapcache intercept and KVABIO synchronisation are not modelled.

  if (bp.b_cmd === BUF_CMD_READ) track = vp.v_track_read; // vfs_bio.c:3381-3384
  else track = vp.v_track_write;
  KKASSERT((bio.bio_flags & BIO_DONE) === 0, 'vfs_bio.c:3385', '(bio->bio_flags & BIO_DONE) == 0');
  bio.bio_track = track; // vfs_bio.c:3386
  yield* bio_track_ref(track); // vfs_bio.c:3387
  // dsched_buf_enter (vfs_bio.c:3388) is not modelled.
  yield* vop_strategy(vp, bio); // vfs_bio.c:3389
}

/*
 * bpdone (vfs_bio.c:3485-3714): finish I/O on a buffer after all BIOs have been processed.
 *
 * Slice: the entry assertions, the b_cmd hand-over and the non-READ/WRITE exit are the seed's.
 * The write re-dirty/undirty, buf_complete and VMIO page completion (vfs_bio.c:3541-3701)
 * belong to the buffer-cache model: the slice's struct buf has no b_vp, no B_VMIO pages and no
 * b_dep, and for such a buffer those lines do nothing (bdirty/bundirty run only `if (bp->b_vp)`).
 * `b_cmd = BUF_CMD_DONE` is a plain write that _biowait reads without a lock (vfs_bio.c:3269,
 * 3283); the model folds it into the step that precedes it, which is sound here because the
 * waiter's reads of b_cmd only follow its own read of BIO_DONE, published after bpdone.
 */
export function* bpdone(bp: Buf, elseit: number): Kernel<void> {
  let cmd: number;

  KASSERT(BUF_LOCKINUSE(bp), 'vfs_bio.c:3519', 'bpdone: bp not busy');
  KASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3520-3521', 'bpdone: bp already done!');

  // No more BIOs are left: clean up the buffer (vfs_bio.c:3523-3528).
  cmd = bp.b_cmd;
  bp.b_cmd = BUF_CMD_DONE;
  lifecycle(bp.b_bio1, 'BPDONE');

  // Only reads and writes are processed past this point (vfs_bio.c:3530-3539).
  if (cmd !== BUF_CMD_READ && cmd !== BUF_CMD_WRITE) {
    if (cmd === BUF_CMD_FREEBLKS) bp.b_flags |= B_NOCACHE;
    if (elseit) unmodelled('bpdone (vfs_bio.c:3536-3537)', 'brelse after bpdone belongs to the buffer-cache model');
    bp.g_bpdone = true;
    return;
  }
  bp.g_bpdone = true;
  // vfs_bio.c:3708-3713: with elseit the buffer is brelse'd/bqrelse'd; the slice only issues
  // synchronous I/O, whose completion (biodone_sync) calls bpdone(bp, 0).
  if (elseit) unmodelled('bpdone (vfs_bio.c:3708-3713)', 'brelse/bqrelse after bpdone belongs to the buffer-cache model');
}

/*
 * biodone (vfs_bio.c:3716-3760): run up the chain of BIOs. Tracks are released *before* the
 * done function or bpdone runs, so bio_track_wait may return before the completion has been
 * processed (spec/vfs_bio_sync.md §3.1, "Ordering fact").
 */
export function* biodone(bio: Bio | null): Kernel<void> {
  const bp = bio!.bio_buf;

  // runningbufwakeup(bp) (vfs_bio.c:3724) belongs to the running-space accounting (buffer cache).

  // Run up the chain of BIO's. Leave b_cmd intact for the duration (vfs_bio.c:3726-3729).
  while (bio) {
    let done_func: ((b: Bio) => Kernel<void>) | null;
    let track: BioTrack | null;

    // BIO tracking. Most but not all BIOs are tracked (vfs_bio.c:3733-3739).
    if ((track = bio.bio_track) !== null) {
      yield* bio_track_rel(track); // vfs_bio.c:3737
      bio.bio_track = null; // vfs_bio.c:3738
    }

    // A bio_done function terminates the loop; it owns the buffer from here (vfs_bio.c:3741-3752).
    if ((done_func = bio.bio_done as unknown as ((b: Bio) => Kernel<void>) | null) !== null) {
      bio.bio_done = null;
      yield* done_func(bio); // vfs_bio.c:3750
      return;
    }
    bio = bio.bio_prev;
  }

  // If we've run out of bio's do normal [a]synchronous completion (vfs_bio.c:3756-3759).
  yield* bpdone(bp, 1);
}

/*
 * biodone_sync (vfs_bio.c:3762-3789): terminate a synchronous BIO. bpdone(bp, 0) runs first,
 * leaving the buffer completed but locked, and only then is BIO_DONE published, so a waiter
 * that sees BIO_DONE sees a completed buffer (vfs_bio.c:3283).
 */
export function* biodone_sync(bio: Bio): Kernel<void> {
  const bp = bio.bio_buf;
  let flags: number;
  let nflags: number;

  KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3776', 'bio == &bp->b_bio1');
  yield* bpdone(bp, 0); // vfs_bio.c:3777

  for (;;) {
    flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3780
    nflags = (flags | BIO_DONE) & ~BIO_WANT; // vfs_bio.c:3781

    if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3783
      lifecycle(bio, 'BIODONE_SYNC');
      bio.g_done_published = true;
      if (flags & BIO_WANT) yield* wakeup(bio); // vfs_bio.c:3784-3785
      break;
    }
  }
}

/** The seed functions this module implements, by name (what a patch module may replace). */
export const seedFunctions = {
  bio_track_rel,
  bio_track_wait,
  _biowait,
  biowait,
  vn_strategy,
  bpdone,
  biodone,
  biodone_sync,
};
