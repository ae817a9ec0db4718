'use kernel';
/**
 * Workload operations for the buffer-cache scenarios: what a filesystem's VOP_READ/VOP_WRITE,
 * a user with an mmap'd page, and boot-time set-up do with vfs_bio.c's API. Not seed code.
 *
 * Data versions (the durability model, SPEC "No lost writes"): a write stores a new version of
 * every block it covers into the buffer's pages; g_latest[b] is the newest version of block b.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Thread } from '../impl/sim/kernel.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { type Buf } from '../impl/env/bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { PQ_FREE, type VmPage } from '../impl/env/vm.ts';
import { B_CACHE, B_INVAL, B_LOCKED, B_RELBUF, B_NOCACHE, VM_PAGE_BITS_ALL } from '../impl/kernel/sys.ts';
import { bawrite, bdwrite, bqrelse, bread, breadn, brelse, bremfree, regetblk, buwrite, bwrite, findblk, getblk, vfs_bio_clrbuf, waitrunningbufspace, bd_wait } from '../impl/kernel/vfs_bio.ts';
import { lifecycle as report } from '../impl/sim/report.ts';

export const WRITE_BDWRITE = 0;
export const WRITE_BAWRITE = 1;
export const WRITE_BWRITE = 2;
/** buwrite: tmpfs's fake write (pages carry the dirtiness). */
export const WRITE_BUWRITE = 3;

/** Store new data into every page of a locked buffer (the copyin of VOP_WRITE). */
export function buf_store(bp: Buf): void {
  const vp = bp.b_vp!;
  for (let i = 0; i < bp.b_xio.xio_npages; i++) {
    const m = bp.b_xio.xio_pages[i]!;
    const v = vp.v_disk.g_latest[m.pindex] + 1;
    vp.v_disk.g_latest[m.pindex] = v;
    m.g_data = v;
  }
  bp.g_modified = true;
}

/**
 * write_block: VOP_WRITE of one whole block — getblk, zero-fill if not cached (a full-block
 * write needs no read), store, then bdwrite / bawrite / bwrite.
 */
export function* write_block(vp: Vnode, loffset: number, size: number, how: number): Kernel<number> {
  return yield* write_block_dep(vp, loffset, size, how, 0, 0);
}

/**
 * write_block with getblk flags (GETBLK_BHEAVY) and, with `dep`, a filesystem dependency
 * attached to the buffer (softupdates/HAMMER: b_dep becomes non-empty) before it is written.
 */
export function* write_block_dep(vp: Vnode, loffset: number, size: number, how: number, blkflags: number, dep: number): Kernel<number> {
  // A sleep timeout on the wait for a buffer: an untimed one can hang on the seed's lost wakeup
  // A-1 (docs/hazards.md); getblk then returns NULL and the caller retries (vfs_bio.c:2943-2945).
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, blkflags, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  if (dep) bp.b_dep = true;
  if (how === WRITE_BUWRITE) {
    yield* buwrite(bp);
    return 0;
  }
  if (how === WRITE_BDWRITE) {
    yield* bdwrite(bp);
    return 0;
  }
  if (how === WRITE_BAWRITE) {
    yield* bawrite(bp);
    return 0;
  }
  return yield* bwrite(bp);
}

/** read_block: VOP_READ of one block — bread, copy out, release (bqrelse, or brelse on error). */
export function* read_block(vp: Vnode, loffset: number, size: number, invalidate: number): Kernel<number> {
  const r = yield* bread(vp, loffset, size);
  const bp = r[1];
  if (r[0] !== 0 || invalidate) {
    bp.b_flags |= B_INVAL;
    yield* brelse(bp);
  } else {
    yield* bqrelse(bp);
  }
  return r[0];
}

/** read_ahead: breadn of one block with one read-ahead block, then release. */
export function* read_ahead(vp: Vnode, loffset: number, size: number, raoffset: number, rasize: number): Kernel<number> {
  const r = yield* breadn(vp, loffset, size, [raoffset], [rasize], 1);
  const bp = r[1];
  if (r[0] !== 0) bp.b_flags |= B_INVAL;
  yield* brelse(bp);
  return r[0];
}

/**
 * getblk then brelse (a lookup that does nothing with the buffer). With `slptimeo` > 0 getblk may
 * return NULL after a timed-out wait for a buffer (vfs_bio.c:2943-2945); the caller retries.
 */
export function* touch_block(vp: Vnode, loffset: number, size: number, slptimeo: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, slptimeo);
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL; // nothing initialised it (vfs_bio.c:2689-2694)
  yield* brelse(bp);
}

/** Release a block's buffer with B_RELBUF so its pages stay resident but unwired (boot set-up). */
export function* evict_block(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp = (yield* getblk(vp, loffset, size, 0, 0))!;
  bp.b_flags |= B_RELBUF;
  yield* brelse(bp);
}

/** Destroy a block's buffer and its pages' validity (B_NOCACHE). */
export function* nocache_block(vp: Vnode, loffset: number, size: number): Kernel<void> {
  const bp = (yield* getblk(vp, loffset, size, 0, 0))!;
  bp.b_flags |= B_NOCACHE | B_INVAL;
  yield* brelse(bp);
}

/**
 * A user store through a mapping of a resident, valid page: the pmap marks it modified (the
 * model folds that into m->dirty). Not possible while the page is busy or soft-busied for I/O:
 * pages are write-protected then, and the fault waits.
 */
export const mmap_store = prim({
  name: 'mmap_store',
  kind: 'write',
  touches: ([m]: [VmPage, Vnode]) => [m],
  enabled: ([m]: [VmPage, Vnode]) => m.queue !== PQ_FREE && m.busy === null && m.busy_count === 0,
  exec: ([m, vp]: [VmPage, Vnode], _t: Thread) => {
    if (m.valid !== VM_PAGE_BITS_ALL) return false; // a fault would page it in first: not modelled
    const v = vp.v_disk.g_latest[m.pindex] + 1;
    vp.v_disk.g_latest[m.pindex] = v;
    m.g_data = v;
    m.dirty = VM_PAGE_BITS_ALL;
    lifecycle(m, 'USER_STORE');
    return true;
  },
});

/** A thread that stores into a mapped page once. */
export function* mapper(vp: Vnode, pindex: number): Kernel<void> {
  yield* mmap_store(vp.v_object!.pages[pindex], vp);
}

/** `n` asynchronous writes of blocks 0..n-1. */
export function* async_writes(vp: Vnode, n: number): Kernel<void> {
  for (let i = 0; i < n; i++) yield* write_block(vp, i, 1, WRITE_BAWRITE);
}

/** A writer that then waits for running I/O to drain, as a write-heavy VFS does (vfs_bio.c:310-334). */
export function* throttled_writes(vp: Vnode, n: number): Kernel<void> {
  yield* async_writes(vp, n);
  yield* waitrunningbufspace();
  note('waitrunningbufspace_return', {});
}

/** A thread that waits in bd_wait for one buffer's worth of flushing (vfs_bio.c:437-488). */
export function* bdwait_only(_vp: Vnode, _loffset: number, _size: number): Kernel<void> {
  yield* bd_wait(1);
  note('bd_wait_return', {});
}

/** touch_block `n` times. */
export function* touch_blocks(vp: Vnode, loffset: number, size: number, slptimeo: number, n: number): Kernel<void> {
  for (let i = 0; i < n; i++) yield* touch_block(vp, loffset, size, slptimeo);
}

/** Write then evict a block at boot: its pages stay resident, valid and clean, unwired. */
export function* cache_then_evict(vp: Vnode, loffset: number, size: number): Kernel<void> {
  yield* write_block(vp, loffset, size, WRITE_BWRITE);
  yield* evict_block(vp, loffset, size);
}

/**
 * Invalidate a block (vinvalbuf / truncation): getblk, B_INVAL, brelse. A delayed-write buffer
 * is destroyed through brelse's B2 block (vfs_bio.c:1297-1323).
 */
export function* invalidate_block(vp: Vnode, loffset: number, size: number): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, loffset, size, 0, 1);
  // The data is discarded on purpose: the block's latest version becomes what the disk holds.
  for (let i = 0; i < bp.b_xio.xio_npages; i++) {
    const m = bp.b_xio.xio_pages[i]!;
    vp.v_disk.g_latest[m.pindex] = vp.v_disk.d_data[m.pindex];
  }
  bp.g_modified = false;
  bp.b_flags |= B_INVAL;
  yield* brelse(bp);
}

/**
 * The filesystem reclaims a buffer its buf_deallocate pinned (B_LOCKED, on BQUEUE_LOCKED):
 * findblk locks it, bremfree takes it off the LOCKED queue (regetblk's steps, vfs_bio.c:3003-3005),
 * the dependency is resolved and B_LOCKED cleared, and the buffer is released. A buffer that is
 * not pinned is just released.
 */
export function* unpin_block(vp: Vnode, loffset: number): Kernel<void> {
  const bp = yield* findblk(vp, loffset, 0);
  if (bp === null) return;
  yield* bremfree(bp);
  if (bp.b_flags & B_LOCKED) {
    // Not ready yet: release it still pinned (brelse puts it back on BQUEUE_LOCKED), then
    // reacquire it with regetblk, resolve the dependency and unpin it.
    yield* brelse(bp);
    yield* regetblk(bp);
    bp.b_dep = false;
    bp.b_flags &= ~B_LOCKED;
    report(bp, 'CLEAR_LOCKED');
  }
  yield* bqrelse(bp);
}

/**
 * tmpfs-style: buwrite a buffer carrying a dependency (a clean buffer whose pages are
 * need-commit), then need another block: getnewbuf may recycle that buffer, and its
 * buf_deallocate may pin it (B_LOCKED → BQUEUE_LOCKED, restart reason 3) instead of resolving the
 * dependency; the filesystem then reclaims the pinned buffer.
 */
export function* pin_cycle(vp: Vnode, loffset: number, size: number): Kernel<void> {
  yield* write_block_dep(vp, loffset, size, WRITE_BUWRITE, 0, 1);
  yield* touch_block(vp, loffset + 1, size, 1);
}

/** The filesystem thread that reclaims a pinned buffer (a HAMMER flusher, say). */
export function* reclaimer(vp: Vnode, loffset: number): Kernel<void> {
  yield* unpin_block(vp, loffset);
}
