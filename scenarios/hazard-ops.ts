'use kernel';
/**
 * Workload operations of the hazard reproductions (docs/hazards.md): what a filesystem does with
 * vfs_bio.c's API in the closed workloads that expose a hazard of the unmodified seed. Not seed
 * code.
 */
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { bio_track_ref, BUF_KERNPROC, BUF_LOCK, BUF_UNLOCK, type Bio, type Buf } from '../impl/env/bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { dev_start } from '../impl/sim/device.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { load, store } from '../impl/sim/atomics.ts';
import { PINTERLOCKED, tsleep, tsleep_interlock, wakeup } from '../impl/sim/sleep.ts';
import { BQUEUE_LOCKED, B_CACHE, B_CLUSTER, B_DELWRI, B_DIRECT, B_EINTR, B_ERROR, B_INVAL, B_IOISSUED, B_LOCKED, B_NOTMETA, BUF_CMD_READ, VM_PAGE_BITS_ALL } from '../impl/kernel/sys.ts';
import { LK_EXCLUSIVE } from '../impl/api.ts';
import { KASSERT } from '../impl/sim/panic.ts';
import {
  bawrite, bdwrite, biodone, bpdone, bqrelse, brelse, bwrite, findblk, getblk, nestiobuf_add, nestiobuf_init, nestiobuf_start, vfs_bio_clrbuf, vfs_busy_pages, waitrunningbufspace,
} from '../impl/kernel/vfs_bio.ts';
import { buf_store } from './bufops.ts';

/**
 * getblk with an untimed wait for a buffer (slptimeo 0, as most callers pass: bread, breadn,
 * cluster_read) then brelse.
 */
export function* touch_untimed(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp: Buf = (yield* getblk(vp, loffset, size, 0, 0))!;
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL; // nothing initialised it (vfs_bio.c:2689-2694)
  yield* brelse(bp);
  note('touch_return', { loffset });
}

/** One asynchronous write of a whole block (untimed getblk), then waitrunningbufspace (vfs_bio.c:310-334). */
export function* bawrite_then_wait(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp: Buf = (yield* getblk(vp, loffset, size, 0, 0))!;
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* bawrite(bp);
  yield* waitrunningbufspace();
  note('waitrunningbufspace_return', {});
}

/** bdwrite a whole block, then look it up again and bqrelse it (the dirty buffer is requeued twice). */
export function* bdwrite_block(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp: Buf = (yield* getblk(vp, loffset, size, 0, 0))!;
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* bdwrite(bp);
}

/** getblk hit then bqrelse (a VOP_READ of a cached block). */
export function* touch_bqrelse(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp: Buf = (yield* getblk(vp, loffset, size, 0, 0))!;
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL;
  if (bp.b_flags & B_INVAL) yield* brelse(bp);
  else yield* bqrelse(bp);
}

export { bawrite };

/**
 * A-4 probe: a VOP_READ with IO_DIRECT — getblk hit, B_DIRECT (a caller's hint: free the pages
 * on release), brelse. brelse clears B_DIRECT with NOCACHE and RELBUF at vfs_bio.c:1631, after it
 * has queued the buffer (vfs_bio.c:1603). Once brelse has returned and nobody has relocked the
 * buffer, B_DIRECT must be clear: the workload asserts it (the statement of BUF-29 for the one
 * flag this workload can observe).
 */
export function* direct_read(vp: Vnode, loffset: number, size: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL;
  bp.b_flags |= B_DIRECT;
  yield* brelse(bp);
  KASSERT(
    bp.b_lock.lk_owner !== null || (bp.b_flags & B_DIRECT) === 0,
    'vfs_bio.c:1631',
    'A-4: B_DIRECT survived brelse on an unlocked queued buffer (the clear at vfs_bio.c:1631 was lost to an unlocked b_flags RMW)',
  );
}

/**
 * A-6 probe: HAMMER-style pinned dirty buffer — getblk, store, B_LOCKED (the filesystem pins it:
 * not set in vfs_bio.c, vfs_bio.c:1305-1306), bdwrite. bdwrite ends in bqrelse, whose comment
 * (vfs_bio.c:1666-1670) says a dirty locked buffer goes to the dirty queue first. The workload
 * asserts what the comment says.
 */
export function* pinned_bdwrite(vp: Vnode, loffset: number, size: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  bp.b_flags |= B_LOCKED;
  lifecycle(bp, 'SET_LOCKED');
  yield* bdwrite(bp);
  KASSERT(
    !(bp.b_flags & B_DELWRI) || bp.b_qindex !== BQUEUE_LOCKED,
    'vfs_bio.c:1666-1670',
    'A-6: a dirty B_LOCKED buffer was queued on BQUEUE_LOCKED (vfs_bio.c:1664), not on the dirty queue the comment at vfs_bio.c:1666-1670 promises',
  );
}

/**
 * A-13 probe: delayed-write block 0 at one size, then getblk it at another size: getblk writes
 * the dirty buffer first (bwrite with B_RELBUF, vfs_bio.c:2852-2864) and restarts; a failed write
 * re-dirties the buffer (bpdone, vfs_bio.c:3541-3565), so the restart finds it dirty again.
 */
export function* resize_dirty(vp: Vnode, loffset: number, size: number, newsize: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* bdwrite(bp);
  bp = null;
  while (bp === null) bp = yield* getblk(vp, loffset, newsize, 0, 1);
  bp.b_flags |= B_INVAL;
  yield* brelse(bp);
  note('resize_return', {});
}

function* getblk_retry(vp: Vnode, loffset: number, size: number): Kernel<Buf> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  return bp;
}

/**
 * A-9 probe: a synchronous write of a whole block that may fail (ioErrors). On EIO bpdone
 * re-dirties the buffer (vfs_bio.c:3541-3565) and bwrite's brelse (vfs_bio.c:1000) leaves the
 * DELWRI buffer intact (vfs_bio.c:1291-1296) but still clears its pages' valid bits for B_ERROR
 * (vfs_bio.c:1481-1493). check=1: once bwrite (and so brelse) has returned, assert that a
 * B_DELWRI buffer's pages are valid. check=0: write the block again instead; the retry's
 * vfs_busy_pages re-validates the pages (vfs_bio.c:3950) and DUR-01 must hold throughout.
 */
export function* error_bwrite(vp: Vnode, loffset: number, size: number, check: number): Kernel<void> {
  let bp = yield* getblk_retry(vp, loffset, size);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  const error = yield* bwrite(bp);
  if (check) {
    let valid = true;
    for (let i = 0; i < bp.b_xio.xio_npages; i++) if (bp.b_xio.xio_pages[i]!.valid !== VM_PAGE_BITS_ALL) valid = false;
    KASSERT(
      (bp.b_flags & B_DELWRI) === 0 || valid,
      'vfs_bio.c:1481-1493',
      'A-9: brelse cleared the valid bits of the pages of a re-dirtied (B_DELWRI|B_ERROR) buffer',
    );
    return;
  }
  if (error) {
    bp = yield* getblk_retry(vp, loffset, size);
    if ((yield* bwrite(bp)) === 0) {
      // The retry succeeded: its vfs_busy_pages re-validated the pages (vfs_bio.c:3950).
      for (let i = 0; i < bp.b_xio.xio_npages; i++) {
        KASSERT(bp.b_xio.xio_pages[i]!.valid === VM_PAGE_BITS_ALL, 'vfs_bio.c:3950', 'A-9: a successful rewrite left a page invalid');
      }
    }
  }
  note('error_bwrite_return', {});
}

/**
 * A-12 holder: findblk (no FINDBLK_REF) locks block 0's buffer and leaves it on its queue, as
 * getblk does before its bremfree (vfs_bio.c:2533-2535); the holder opens the gate for the
 * allocator, then, at any later point, records the release and unlocks.
 */
export function* findblk_hold(vp: Vnode, loffset: number, gate: { open: number; released: number }): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* findblk(vp, loffset, 0);
  yield* store(gate, 'open', 1);
  yield* wakeup(gate);
  yield* store(gate, 'released', 1);
  yield* BUF_UNLOCK(bp);
}

/**
 * A-12 allocator: once the holder has the buffer, getblk a block nobody caches (getnewbuf scans
 * this CPU's CLEAN queue) and assert the holder had released its buffer by the time getblk
 * returned; a reusable clean buffer sits on the same queue the whole time.
 */
export function* alloc_after_gate(vp: Vnode, loffset: number, gate: { open: number; released: number }): Kernel<void> {
  for (;;) {
    yield* tsleep_interlock(gate, 0);
    if ((yield* load(gate, 'open')) !== 0) break;
    yield* tsleep(gate, PINTERLOCKED, 'gate', 0);
  }
  const bp = yield* getblk_retry(vp, loffset, 1);
  KASSERT(
    (yield* load(gate, 'released')) === 1,
    'vfs_bio.c:2024-2030',
    'A-12 refuted: getnewbuf reused a free buffer while a locked buffer was still queued ahead of it',
  );
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL;
  yield* brelse(bp);
}

/**
 * A-14 (bqrelse): a VOP_READ with an IO_DIRECT hint released with bqrelse rather than brelse.
 * brelse clears B_DIRECT before unlocking (vfs_bio.c:1631); bqrelse clears only B_NOCACHE and
 * B_RELBUF (vfs_bio.c:1714). The workload asserts brelse's behaviour.
 */
export function* direct_read_bqrelse(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp = yield* getblk_retry(vp, loffset, size);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  bp.b_flags |= B_DIRECT;
  yield* bqrelse(bp);
  KASSERT(
    bp.b_lock.lk_owner !== null || (bp.b_flags & B_DIRECT) === 0,
    'vfs_bio.c:1714',
    'A-14: B_DIRECT survived bqrelse on an unlocked queued buffer (brelse clears it at vfs_bio.c:1631, bqrelse does not)',
  );
}

/** Tracked strategy of the master (as vn_strategy does; vfs_bio.c:3424-3459), no device. */
function* track_master(vp: Vnode, bio: Bio): Kernel<void> {
  const bp = bio.bio_buf;
  bp.b_flags |= B_IOISSUED;
  bp.g_bpdone = false;
  bio.bio_track = vp.v_track_read;
  yield* bio_track_ref(bio.bio_track);
}

/** A sub-I/O's interrupt: fill the master's page on success, then biodone(sub). */
function* nested_sub_done(bio: Bio, error: number): Kernel<void> {
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

/**
 * A-14 (nested I/O): the master's completion as seen by its owner: nestiobuf_start reports a
 * failed master with b_resid = b_bcount (vfs_bio.c:4536-4539), nestiobuf_done with 0
 * (vfs_bio.c:4503). The workload asserts nestiobuf_start's convention, then completes the buffer
 * as biodone would (bpdone(bp, 1)).
 */
function* nested_master_done(bio: Bio): Kernel<void> {
  const bp = bio.bio_buf;
  KASSERT(
    (bp.b_flags & B_ERROR) === 0 || bp.b_resid === bp.b_bcount,
    'vfs_bio.c:4503',
    `A-14: a failed nested I/O completed with b_resid ${bp.b_resid} of ${bp.b_bcount} (nestiobuf_done sets 0, nestiobuf_start b_bcount)`,
  );
  yield* bpdone(bp, 1);
}

/** mb-nested's striping read (scenarios/mutant-ops-b.ts nested_read) with nested_master_done as the master's bio_done. */
export function* nested_read_checked(vp: Vnode, pb0: Buf, pb1: Buf): Kernel<void> {
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
  bp.b_bio1.bio_done = nested_master_done as unknown as typeof bp.b_bio1.bio_done;
  yield* track_master(vp, bp.b_bio1);
  yield* nestiobuf_init(bp.b_bio1);
  for (let i = 0; i < 2; i++) {
    const pb = i === 0 ? pb0 : pb1;
    yield* BUF_LOCK(pb, LK_EXCLUSIVE); // getpbuf
    pb.b_loffset = bp.b_loffset + i;
    yield* nestiobuf_add(bp.b_bio1, pb, i, 1);
    yield* dev_start(vp.v_dev, pb.b_bio1, nested_sub_done as unknown as KernelFunction);
  }
  yield* nestiobuf_start(bp.b_bio1);
}

/**
 * write a block through a buffer marked B_CLUSTER, as cluster code marks the pbufs it builds
 * (the seed expects such buffers never to reach bpdone's page loop).
 */
export function* cluster_write(vp: Vnode, loffset: number, size: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  bp.b_flags |= B_CLUSTER;
  yield* bawrite(bp);
}
