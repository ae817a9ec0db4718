'use kernel';
/**
 * Workload operations the mutant scenarios of scenarios/mutant-scenarios-b.ts need (mutants
 * M20-M35, M45-M49): what a filesystem or driver does with vfs_bio.c's API that the default
 * scenarios do not do. Not seed code.
 */
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle } from '../impl/sim/report.ts';
import { dev_start } from '../impl/sim/device.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { bio_track_ref, BUF_KERNPROC, BUF_LOCK, type Bio, type Buf } from '../impl/env/bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { vm_page_busy_wait, vm_page_wakeup } from '../impl/env/vm.ts';
import { load, B_CACHE, B_EINTR, B_ERROR, B_INVAL, B_IOISSUED, B_LOCKED, B_NOTMETA, BUF_CMD_DONE, BUF_CMD_READ, BUF_CMD_WRITE, LK_EXCLUSIVE } from '../impl/api.ts';
import { bdwrite, biodone, buf_daemon, brelse, bqrelse, bsetrunningbufspace, getblk, nestiobuf_add, nestiobuf_init, nestiobuf_start, vfs_bio_clrbuf, vfs_busy_pages, vfs_unbusy_pages } from '../impl/kernel/vfs_bio.ts';
import { buf_store, invalidate_block, write_block, write_block_dep, WRITE_BDWRITE } from './bufops.ts';

/** getblk with a sleep timeout, retried until it returns a buffer. */
function* getblk_retry(vp: Vnode, loffset: number, size: number): Kernel<Buf> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  return bp;
}

/** A zero-size lookup (getblk(vp, off, 0)) whose buffer is then discarded (B_INVAL, brelse). */
export function* touch_zero(vp: Vnode, loffset: number): Kernel<void> {
  const bp = yield* getblk_retry(vp, loffset, 0);
  // A step boundary after getblk returns (a read of the flags, as a caller does): with size 0
  // nothing in brelse is a step, and BUF-16 must see the buffer getblk returned.
  bp.b_flags = (yield* load(bp, 'b_flags')) | B_INVAL;
  yield* brelse(bp);
}

/** Delayed write of a block, then a truncation that destroys it (brelse of B_INVAL|B_DELWRI, vfs_bio.c:1297-1323). */
export function* write_then_truncate(vp: Vnode, loffset: number): Kernel<void> {
  yield* write_block(vp, loffset, 1, WRITE_BDWRITE);
  yield* invalidate_block(vp, loffset, 1);
}

/** `n` delayed writes of blocks 0..n-1 (for the buffer daemon to flush); with `dep` the last one carries a dependency. */
export function* delayed_writes(vp: Vnode, n: number, dep: number): Kernel<void> {
  for (let i = 0; i < n; i++) yield* write_block_dep(vp, i, 1, WRITE_BDWRITE, 0, i === n - 1 ? dep : 0);
}

/**
 * The buffer daemon's thread, started after the delayed writes are queued (the writes run on it
 * first): so no other thread holds a queued dirty buffer locked while the daemon scans.
 */
export function* writes_then_daemon(vp: Vnode, n: number, dep: number, marker: Buf): Kernel<void> {
  yield* delayed_writes(vp, n, dep);
  yield* buf_daemon(marker);
}

/**
 * A filesystem that pins its own buffer (HAMMER sets B_LOCKED on buffers it must write itself)
 * and then delays a write of it: bdwrite's bqrelse must put it on BQUEUE_LOCKED (vfs_bio.c:1664).
 */
export function* pinned_bdwrite(vp: Vnode, loffset: number): Kernel<void> {
  const bp = yield* getblk_retry(vp, loffset, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  bp.b_flags |= B_LOCKED;
  lifecycle(bp, 'SET_LOCKED');
  yield* bdwrite(bp);
}

/** A VM actor that hard-busies pages `first` then `second` of the vnode's object, then releases both. */
export function* page_actor(vp: Vnode, first: number, second: number): Kernel<void> {
  const a = vp.v_object!.pages[first];
  const b = vp.v_object!.pages[second];
  yield* vm_page_busy_wait(a, false, 'actor');
  yield* vm_page_busy_wait(b, false, 'actor');
  yield* vm_page_wakeup(b);
  yield* vm_page_wakeup(a);
}

/** Set a locked buffer up for an asynchronous WRITE as bawrite does (vfs_bio.c:1033-1045), up to the strategy call. */
function* prepare_async_write(vp: Vnode, bp: Buf): Kernel<void> {
  bp.g_modified = false;
  bp.b_flags &= ~(B_ERROR | B_EINTR);
  bp.b_flags |= B_CACHE;
  bp.b_cmd = BUF_CMD_WRITE;
  lifecycle(bp, 'STRATEGY_WRITE');
  lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
  bp.g_io = BUF_CMD_WRITE;
  bp.b_error = 0;
  yield* vfs_busy_pages(vp, bp);
  yield* bsetrunningbufspace(bp, bp.b_bufsize);
}

/**
 * The upper layer's completion of a two-layer bio (the pattern of vn_cache_strategy_callback,
 * vfs_bio.c:3478-3483): biodone of the lower layer ran this callback, which now completes the
 * upper layer with biodone again. The model has one bio per buffer (b_bio2 is collapsed), so the
 * second biodone is on the same bio: runningbufwakeup runs twice for one write, as it does in
 * the seed for biodone(bio2) then biodone(bio1).
 */
export function* upper_layer_done(bio: Bio): Kernel<void> {
  yield* biodone(bio);
}

/** An asynchronous write of a block through a two-layer bio (see upper_layer_done). */
export function* write_two_layer(vp: Vnode, loffset: number): Kernel<void> {
  const bp = yield* getblk_retry(vp, loffset, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* prepare_async_write(vp, bp);
  yield* BUF_KERNPROC(bp);
  bp.b_bio1.bio_done = upper_layer_done as unknown as KernelFunction;
  yield* vn_strategy_tracked(vp, bp.b_bio1, 1);
}

/** vn_strategy's tracking (vfs_bio.c:3355-3387), then the device; `dev` = 0: no device (a driver does it). */
function* vn_strategy_tracked(vp: Vnode, bio: Bio, dev: number): Kernel<void> {
  const bp = bio.bio_buf;
  bp.b_flags |= B_IOISSUED;
  bp.g_bpdone = false;
  bio.bio_track = bp.b_cmd === BUF_CMD_READ ? vp.v_track_read : vp.v_track_write;
  yield* bio_track_ref(bio.bio_track);
  if (dev) yield* dev_start(vp.v_dev, bio, device_done as unknown as KernelFunction);
}

/** The driver interrupt for the workloads above: a WRITE copies the pages to the media, then biodone. */
function* device_done(bio: Bio, error: number): Kernel<void> {
  const bp = bio.bio_buf;
  if (error) {
    bp.b_flags |= B_ERROR;
    bp.b_error = error;
  } else {
    const disk = bp.b_vp!.v_disk;
    for (let i = 0; i < bp.b_xio.xio_npages; i++) {
      const m = bp.b_xio.xio_pages[i]!;
      if (bp.b_cmd === BUF_CMD_WRITE) disk.d_data[m.pindex] = m.g_data;
    }
    bp.b_resid = 0;
  }
  yield* biodone(bio);
}

/**
 * A write whose strategy aborts before the I/O is started (a driver that rejects the request):
 * the pages are unbusied through vfs_unbusy_pages, which also returns the running space
 * (vfs_bio.c:3803); the command is cleared and the filesystem keeps the data as a delayed write.
 */
export function* write_aborted(vp: Vnode, loffset: number): Kernel<void> {
  const bp = yield* getblk_retry(vp, loffset, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* prepare_async_write(vp, bp);
  // The driver refuses the request: the command is cancelled, then the pages are unbusied.
  bp.b_cmd = BUF_CMD_DONE;
  lifecycle(bp, 'BPDONE');
  lifecycle(bp.b_bio1, 'BPDONE');
  yield* vfs_unbusy_pages(bp);
  bp.g_io = 0;
  bp.g_modified = true;
  yield* bdwrite(bp);
}

/**
 * Nested I/O (vfs_bio.c:4440-4588), as a striping driver does it: read a two-page block as two
 * one-page sub-I/Os on pbufs. The master is the block's buffer, prepared like an asynchronous
 * read (breadnx's read-ahead path, vfs_bio.c:930-938) and tracked like vn_strategy; the driver
 * then nestiobuf_init's the master bio, adds one sub-buffer per page (each started on the device
 * right after its nestiobuf_add) and drops the placeholder with nestiobuf_start. The master's
 * biodone (bpdone(bp, 1)) releases it.
 */
export function* nested_read(vp: Vnode, pb0: Buf, pb1: Buf | null): Kernel<void> {
  const bp = yield* getblk_retry(vp, 0, 2);
  if (bp.b_flags & B_CACHE) {
    yield* bqrelse(bp);
    return;
  }
  bp.b_flags &= ~(B_ERROR | B_EINTR | B_INVAL | B_NOTMETA);
  bp.b_cmd = BUF_CMD_READ;
  lifecycle(bp, 'STRATEGY_READ');
  lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
  bp.g_io = BUF_CMD_READ;
  yield* vfs_busy_pages(vp, bp);
  yield* BUF_KERNPROC(bp);
  yield* vn_strategy_tracked(vp, bp.b_bio1, 0);
  yield* nestiobuf_init(bp.b_bio1);
  for (let i = 0; i < 2; i++) {
    const pb = i === 0 ? pb0 : pb1;
    if (pb === null) break;
    yield* BUF_LOCK(pb, LK_EXCLUSIVE); // getpbuf
    pb.b_loffset = bp.b_loffset + i;
    yield* nestiobuf_add(bp.b_bio1, pb, i, 1);
    yield* dev_start(vp.v_dev, pb.b_bio1, sub_done as unknown as KernelFunction);
  }
  yield* nestiobuf_start(bp.b_bio1);
}

/** A sub-I/O's interrupt: the transfer fills the master's page for the sub's range, then biodone(sub). */
function* sub_done(bio: Bio, error: number): Kernel<void> {
  const pb = bio.bio_buf;
  const mbp = bio.bio_caller_info1!.bio_buf;
  if (error) {
    pb.b_flags |= B_ERROR;
    pb.b_error = error;
  } else {
    const m = mbp.b_xio.xio_pages[pb.b_loffset - mbp.b_loffset];
    if (m && m.object !== null) m.g_data = mbp.b_vp!.v_disk.d_data[m.pindex];
    pb.b_resid = 0;
  }
  yield* biodone(bio);
}
