'use kernel';
/**
 * ENVIRONMENT (not seed code): struct bio, struct buf and struct bio_track as far as the
 * modelled functions use them (DragonFly sys/bio.h, sys/buf.h), bio_track_ref [ext], and the
 * buffer-lock macros of sys/buf2.h over the simulator's lockmgr.
 *
 * Ghost fields (prefix g_) are the checker's bookkeeping, not kernel state: they make
 * invariants such as "the count equals the tracked I/Os in flight" checkable.
 */
import type { Kernel } from '../sim/prim.ts';
import { atomic_add_int } from '../sim/atomics.ts';
import { lockmgr, lk_kernproc, lockinuse, newLock, LK_EXCLUSIVE, LK_RELEASE, type Lock } from '../sim/locks.ts';
import { lifecycle } from '../sim/report.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { BUF_CMD_DONE } from '../kernel/sys.ts';

export interface BioTrack {
  /** bit 31 = waiters (0x80000000), bits 0-30 = in-flight tracked bios (vfs_bio.c:540-541). */
  bk_active: number;
  /** ghost: references taken (bio_track_ref) and not yet released (bio_track_rel's CAS). */
  g_inflight: number;
}

export interface Bio {
  bio_flags: number;
  bio_buf: Buf;
  bio_done: KernelFunction | null;
  bio_track: BioTrack | null;
  bio_prev: Bio | null;
  /** ghost: biodone_sync published BIO_DONE and _biowait has not consumed it yet. */
  g_done_published: boolean;
}

export interface Buf {
  b_flags: number;
  b_cmd: number;
  b_error: number;
  b_lock: Lock;
  b_bio1: Bio;
  /** ghost: bpdone has run to its end for the current I/O. */
  g_bpdone: boolean;
}

export function newBioTrack(): BioTrack {
  return { bk_active: 0, g_inflight: 0 };
}

/** A buffer and its b_bio1 (registered by the caller). */
export function newBuf(): Buf {
  const bp = {
    b_flags: 0,
    b_cmd: BUF_CMD_DONE,
    b_error: 0,
    b_lock: newLock(),
    b_bio1: null as unknown as Bio,
    g_bpdone: false,
  };
  bp.b_bio1 = { bio_flags: 0, bio_buf: bp, bio_done: null, bio_track: null, bio_prev: null, g_done_published: false };
  return bp;
}

/**
 * bio_track_ref [ext] (vfs_bio.c:3316, vfs_bio.c:3387): an atomic increment of bk_active.
 */
export function* bio_track_ref(track: BioTrack): Kernel<void> {
  yield* atomic_add_int(track, 'bk_active', 1);
  lifecycle(track, 'TRACK_REF');
  track.g_inflight += 1;
}

/** Ghost + lifecycle report of a successful release (bio_track_rel's CAS, vfs_bio.c:533/547). */
export function trackReleased(track: BioTrack, event: 'TRACK_REL' | 'TRACK_REL_SHORTCUT'): void {
  lifecycle(track, event);
  track.g_inflight -= 1;
}

/** BUF_LOCK(bp, flags) (sys/buf2.h). */
export function* BUF_LOCK(bp: Buf, flags: number): Kernel<number> {
  return yield* lockmgr(bp.b_lock, flags | LK_EXCLUSIVE, 0);
}

/** BUF_UNLOCK(bp) (sys/buf2.h). */
export function* BUF_UNLOCK(bp: Buf): Kernel<void> {
  yield* lockmgr(bp.b_lock, LK_RELEASE, 0);
}

/** BUF_KERNPROC(bp): hand the lock to I/O completion (sys/buf2.h). */
export function* BUF_KERNPROC(bp: Buf): Kernel<void> {
  yield* lk_kernproc(bp.b_lock);
}

/** BUF_LOCKINUSE(bp): held by anybody (a plain read, used by assertions). */
export function BUF_LOCKINUSE(bp: Buf): boolean {
  return lockinuse(bp.b_lock);
}
