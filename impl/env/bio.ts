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
import { lockmgr, lk_kernproc, lk_release, lockinuse, newLock, LK_EXCLUSIVE, LK_TIMELOCK, type Lock } from '../sim/locks.ts';
import { lifecycle } from '../sim/report.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { BQUEUE_NONE, BUF_CMD_DONE, NOOFFSET } from '../kernel/sys.ts';
import type { World } from '../sim/world.ts';
import type { VmPage } from './vm.ts';
import type { Vnode } from './vnode.ts';

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
  /** nestiobuf: the master bio's count of outstanding sub-bios plus one (vfs_bio.c:4510-4519). */
  bio_driver_info: number;
  /** nestiobuf: a sub-bio's master (bio_caller_info1.ptr, vfs_bio.c:4586). */
  bio_caller_info1: Bio | null;
  /** ghost: biodone_sync published BIO_DONE and _biowait has not consumed it yet. */
  g_done_published: boolean;
}

/** struct xio as a buffer uses it: its page array (bp->b_xio). */
export interface Xio {
  xio_npages: number;
  /** The buffer's pages; a slot may hold bogus_page during a READ (vfs_bio.c:3952-3967). */
  xio_pages: (VmPage | null)[];
}

/**
 * struct buf as vfs_bio.c uses it (spec/vfs_bio_sync.md §1.2). Left out (spec §8): the KVA
 * mapping (b_data, b_kvabase, b_cpumask), b_act_count, the byte-granular dirty range, the
 * dsched and statistics fields. b_dep (the softdep dependency list) is reduced to "has
 * dependencies"; b_bio2 to its cached physical offset.
 */
export interface Buf {
  b_flags: number;
  b_cmd: number;
  b_error: number;
  b_resid: number;
  b_lock: Lock;
  b_bio1: Bio;
  b_xio: Xio;
  b_qindex: number;
  b_qcpu: number;
  b_refs: number;
  b_bufsize: number;
  b_bcount: number;
  b_kvasize: number;
  b_runningbufspace: number;
  b_vp: Vnode | null;
  b_loffset: number;
  /** bp->b_bio2.bio_offset: the cached physical translation (NOOFFSET = none). */
  b_bio2_offset: number;
  /** LIST_FIRST(&bp->b_dep) != NULL. */
  b_dep: boolean;
  /** ghost: bpdone has run to its end for the current I/O. */
  g_bpdone: boolean;
  /** ghost: the command of the I/O issued by vn_strategy whose bpdone has not finished (0 = none). */
  g_io: number;
  /** ghost: the lock owner stored new data into the buffer and has not yet handed it to bdirty or a write. */
  g_modified: boolean;
}

export function newBioTrack(): BioTrack {
  return { bk_active: 0, g_inflight: 0 };
}

/** A buffer with its b_bio1, lock and xio (register them with registerBuf). */
export function newBuf(): Buf {
  const bp: Buf = {
    b_flags: 0,
    b_cmd: BUF_CMD_DONE,
    b_error: 0,
    b_resid: 0,
    b_lock: newLock(),
    b_bio1: null as unknown as Bio,
    b_xio: { xio_npages: 0, xio_pages: [] },
    b_qindex: BQUEUE_NONE,
    b_qcpu: 0,
    b_refs: 0,
    b_bufsize: 0,
    b_bcount: 0,
    b_kvasize: 0,
    b_runningbufspace: 0,
    b_vp: null,
    b_loffset: NOOFFSET,
    b_bio2_offset: NOOFFSET,
    b_dep: false,
    g_bpdone: false,
    g_io: 0,
    g_modified: false,
  };
  bp.b_bio1 = { bio_flags: 0, bio_buf: bp, bio_done: null, bio_track: null, bio_prev: null, bio_driver_info: 0, bio_caller_info1: null, g_done_published: false };
  return bp;
}

/** Registers a buffer and its parts under `name` (name.b_lock, name.b_bio1, name.b_xio). */
export function registerBuf(world: World, name: string, bp: Buf): Buf {
  world.add(name, bp);
  world.add(`${name}.b_lock`, bp.b_lock);
  world.add(`${name}.b_bio1`, bp.b_bio1);
  world.add(`${name}.b_xio`, bp.b_xio);
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

/** BUF_LOCK(bp, flags) (sys/buf2.h): 0, or EBUSY with LK_NOWAIT, or ENOLCK with LK_SLEEPFAIL. */
export function* BUF_LOCK(bp: Buf, flags: number): Kernel<number> {
  const error = yield* lockmgr(bp.b_lock, flags | LK_EXCLUSIVE, 0);
  if (error === 0) lifecycle(bp, 'BUF_LOCK');
  return error;
}

/** BUF_TIMELOCK(bp, flags, wmesg, timo) (sys/buf2.h): BUF_LOCK with a sleep timeout. */
export function* BUF_TIMELOCK(bp: Buf, flags: number, _wmesg: string, timo: number): Kernel<number> {
  const error = yield* lockmgr(bp.b_lock, flags | LK_EXCLUSIVE | LK_TIMELOCK, timo);
  if (error === 0) lifecycle(bp, 'BUF_LOCK');
  return error;
}

/** BUF_UNLOCK(bp) (sys/buf2.h). */
export function* BUF_UNLOCK(bp: Buf): Kernel<void> {
  yield* lk_release(bp.b_lock);
  lifecycle(bp, 'BUF_UNLOCK');
}

/** BUF_KERNPROC(bp): hand the lock to I/O completion (sys/buf2.h). */
export function* BUF_KERNPROC(bp: Buf): Kernel<void> {
  yield* lk_kernproc(bp.b_lock);
  lifecycle(bp, 'BUF_KERNPROC');
}

/** BUF_LOCKINUSE(bp): held by anybody (a plain read, used by assertions). */
export function BUF_LOCKINUSE(bp: Buf): boolean {
  return lockinuse(bp.b_lock);
}
