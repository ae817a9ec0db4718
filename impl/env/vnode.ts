'use kernel';
/**
 * ENVIRONMENT (not seed code): the vnode as vfs_bio.c needs it, and the vnode routines the
 * seed calls but does not define (spec/vfs_bio_sync.md §0 [ext] rows):
 * - the read and write bio_tracks (v_track_read / v_track_write, vfs_bio.c:3381-3384);
 * - the buffer hash and the clean/dirty buffer trees, under v_token: bgetvp, brelvp and
 *   reassignbuf (vfs_bio.c:2962, 1521, 1866, 2070, 2093, 1180, 1228);
 * - the VM object (v_object) and the disk behind it, with versioned contents (durability);
 * - vop_strategy to the device, VOP_BMAP, and the driver's completion interrupt.
 * A real filesystem pushes b_bio2 and calls vn_strategy again on the device vnode
 * (vfs_bio.c:3331-3334); the model collapses that layer, so the device completes b_bio1 and
 * biodone runs on it directly. The trees are arrays kept sorted by b_loffset (an RB tree's
 * order), so equal sets are equal states. The syncer wiring of reassignbuf and brelvp
 * (vfs_subr.c [ext]): vn_syncer_add(vp, filedelay/dirdelay) when a vnode gets a dirty buffer
 * and is not VONWORKLST, vn_syncer_remove(vp, 0) when its dirty tree empties and it has no
 * VISDIRTY/VOBJDIRTY (spec/vfs_bio_sync.md §0, §5.1). It applies to vnodes on a mount with a
 * syncer context (impl/env/syncer.ts); the buffer-cache scenarios' vnodes belong to no modelled
 * mount (v_mount null), so for them the wiring is inert.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import { dev_start, type Device } from '../sim/device.ts';
import { lwkt_gettoken, lwkt_reltoken, newToken } from '../sim/locks.ts';
import type { LwktToken } from '../sim/thread.ts';
import type { World } from '../sim/world.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { newBioTrack, type Bio, type BioTrack, type Buf } from './bio.ts';
import { newVmObject, vm_page_resident, type VmObject } from './vm.ts';
import { B_DELWRI, B_ERROR, B_HASHED, B_VNCLEAN, B_VNDIRTY, BUF_CMD_READ, BUF_CMD_WRITE } from '../kernel/sys.ts';
import { biodone } from '../kernel/vfs_bio.ts';
import { lifecycle } from '../sim/report.ts';
import { newLock, type Lock } from '../sim/locks.ts';
import type { Mount } from '../kernel/vfs_sync_state.ts';
import { syncer_reassign_hook, syncer_brelvp_hook } from './syncer_wiring.ts';

export const VREG = 1;
export const VBLK = 2;
export const VCHR = 3;
export const EEXIST = 17;

/**
 * The disk behind a vnode, one entry per page-sized block: `d_data[b]` is the version of block
 * b on the media; `g_latest[b]` is the newest version any thread has written (ghost).
 */
export interface Disk {
  d_data: number[];
  g_latest: number[];
}

export interface Vnode {
  v_type: number;
  v_token: LwktToken;
  v_object: VmObject | null;
  v_track_read: BioTrack;
  v_track_write: BioTrack;
  v_dev: Device;
  v_disk: Disk;
  /** The filesystem's block size (mnt_stat.f_iosize, vfs_bio.c:2932-2937). */
  v_iosize: number;
  /** Hashed buffers (v_rbhash_tree) and the clean / dirty trees, sorted by b_loffset. */
  v_rbhash_tree: Buf[];
  v_rbclean_tree: Buf[];
  v_rbdirty_tree: Buf[];
  /** v_flag: the syncer's bits VONWORKLST, VISDIRTY, VOBJDIRTY (vfs_sync_state.ts), set/cleared atomically. */
  v_flag: number;
  /** v_mount: null for a vnode of no modelled mount (the syncer wiring is then inert). */
  v_mount: Mount | null;
  /** The vnode lock (vget/vput, vx_lock) and reference count (impl/env/syncer.ts). */
  v_lock: Lock;
  v_refcnt: number;
  /** v_ops: which operation vector VOP_FSYNC/VOP_INACTIVE dispatch to (VOPS_*). */
  v_ops: number;
  /** v_data: the filesystem's inode (the HAMMER-style stand-in of impl/env/syncer_vops.ts), or null. */
  v_data: object | null;
  /** ghost: the vnode was reclaimed (vgone); SYNC-18. */
  g_reclaimed: boolean;
  /** ghost: removed from the worklist by force (forced unmount) or by sync_reclaim (SYNC-04 no longer applies). */
  g_gone: boolean;
  /** ghost: threads between making the vnode dirty and the locked worklist check that follows (SYNC-04). */
  g_dirtying: number;
}

export function newVnode(dev: Device, npages = 0, iosize = 1): Vnode {
  const data: number[] = [];
  const latest: number[] = [];
  for (let i = 0; i < npages; i++) {
    data.push(0);
    latest.push(0);
  }
  return {
    v_type: VREG,
    v_token: newToken('vnode'),
    v_object: npages > 0 ? newVmObject(npages) : null,
    v_track_read: newBioTrack(),
    v_track_write: newBioTrack(),
    v_dev: dev,
    v_disk: { d_data: data, g_latest: latest },
    v_iosize: iosize,
    v_rbhash_tree: [],
    v_rbclean_tree: [],
    v_rbdirty_tree: [],
    v_flag: 0,
    v_mount: null,
    v_lock: newLock(),
    v_refcnt: 0,
    v_ops: 0,
    v_data: null,
    g_reclaimed: false,
    g_gone: false,
    g_dirtying: 0,
  };
}

/** Registers a vnode and its parts (tracks, token, object and its pages, disk) under `name`. */
export function registerVnode(world: World, name: string, vp: Vnode): Vnode {
  world.add(`${name}.v_track_read`, vp.v_track_read);
  world.add(`${name}.v_track_write`, vp.v_track_write);
  world.add(`${name}.v_token`, vp.v_token);
  world.add(`${name}.v_disk`, vp.v_disk);
  world.add(`${name}.v_lock`, vp.v_lock);
  const obj = vp.v_object;
  if (obj) {
    world.add(`${name}.v_object.token`, obj.token);
    obj.pages.forEach((m, i) => world.add(`${name}.page${i}`, m));
    world.add(`${name}.v_object`, obj);
  }
  world.add(name, vp);
  return vp;
}

function insertSorted(tree: Buf[], bp: Buf): void {
  let i = 0;
  while (i < tree.length && tree[i].b_loffset < bp.b_loffset) i++;
  tree.splice(i, 0, bp);
}

function removeFrom(tree: Buf[], bp: Buf): void {
  const i = tree.indexOf(bp);
  if (i >= 0) tree.splice(i, 1);
}

/** buf_rb_hash_RB_LOOKUP(&vp->v_rbhash_tree, loffset) (vfs_bio.c:2571). */
export function buf_rb_hash_lookup(vp: Vnode, loffset: number): Buf | null {
  for (const bp of vp.v_rbhash_tree) if (bp.b_loffset === loffset) return bp;
  return null;
}

/**
 * bgetvp(vp, bp, testsize) [ext] (vfs_bio.c:2962): under v_token, hash bp at b_loffset; on a
 * collision return EEXIST (vfs_bio.c:2953-2954). On success bp gets b_vp, B_HASHED and
 * B_VNCLEAN and joins the clean tree.
 */
export function* bgetvp(vp: Vnode, bp: Buf, _testsize: number): Kernel<number> {
  yield* lwkt_gettoken(vp.v_token);
  if (buf_rb_hash_lookup(vp, bp.b_loffset) !== null) {
    yield* lwkt_reltoken(vp.v_token);
    return EEXIST;
  }
  bp.b_vp = vp;
  bp.b_flags |= B_HASHED | B_VNCLEAN;
  insertSorted(vp.v_rbhash_tree, bp);
  insertSorted(vp.v_rbclean_tree, bp);
  lifecycle(bp, 'BGETVP');
  yield* lwkt_reltoken(vp.v_token);
  return 0;
}

/**
 * brelvp(bp) [ext]: under v_token, take bp off its tree and the hash, clear B_VNDIRTY /
 * B_VNCLEAN / B_HASHED and b_vp. Unhashing under the token is what makes findblk's ref-under-token safe
 * (vfs_bio.c:2122-2126, §3.9).
 */
export function* brelvp(bp: Buf): Kernel<void> {
  const vp = bp.b_vp!;
  yield* lwkt_gettoken(vp.v_token);
  const dirtyBefore = vp.v_rbdirty_tree.length;
  if (bp.b_flags & B_HASHED) removeFrom(vp.v_rbhash_tree, bp);
  if (bp.b_flags & B_VNDIRTY) removeFrom(vp.v_rbdirty_tree, bp);
  if (bp.b_flags & B_VNCLEAN) removeFrom(vp.v_rbclean_tree, bp);
  bp.b_flags &= ~(B_VNDIRTY | B_VNCLEAN | B_HASHED);
  // Only remove from the worklist when no dirty buffers are left and the VFS has not flagged the
  // inode dirty (vfs_subr.c [ext]); inert without a syncer mount.
  if (vp.v_mount !== null) yield* syncer_brelvp_hook(vp, dirtyBefore);
  bp.b_vp = null;
  lifecycle(bp, 'BRELVP');
  yield* lwkt_reltoken(vp.v_token);
}

/**
 * reassignbuf(bp) [ext]: called with v_token held (vfs_bio.c:1178-1180, 1226-1228). Moves bp to
 * the vnode's dirty tree if B_DELWRI, else to the clean tree.
 */
export function* reassignbuf(bp: Buf): Kernel<void> {
  const vp = bp.b_vp!;
  const dirtyBefore = vp.v_rbdirty_tree.length;
  if (bp.b_flags & B_DELWRI) {
    if ((bp.b_flags & B_VNDIRTY) === 0) {
      if (bp.b_flags & B_VNCLEAN) removeFrom(vp.v_rbclean_tree, bp);
      bp.b_flags = (bp.b_flags & ~B_VNCLEAN) | B_VNDIRTY;
      insertSorted(vp.v_rbdirty_tree, bp);
    }
  } else if ((bp.b_flags & B_VNCLEAN) === 0) {
    if (bp.b_flags & B_VNDIRTY) removeFrom(vp.v_rbdirty_tree, bp);
    bp.b_flags = (bp.b_flags & ~B_VNDIRTY) | B_VNCLEAN;
    insertSorted(vp.v_rbclean_tree, bp);
    }
  // The worklist (vfs_subr.c [ext]): add on a dirty buffer, remove when the dirty tree empties.
  if (vp.v_mount !== null) yield* syncer_reassign_hook(vp, (bp.b_flags & B_DELWRI) !== 0, dirtyBefore);
}

/**
 * VOP_BMAP(vp, loffset, &doffset, ...): the identity translation. The filesystem may block to
 * read its block map (vfs_bio.c:1080-1092), so it is a step whose LWKT tokens are released.
 */
export const VOP_BMAP = prim({
  name: 'VOP_BMAP',
  kind: 'read',
  sleeps: true,
  touches: ([vp]: [Vnode, number]) => [vp],
  exec: ([, loffset]: [Vnode, number]) => loffset,
});

/**
 * Driver interrupt: the transfer happens now (pages are soft-busied and write-protected while
 * the I/O is in flight, so their contents are stable): a WRITE copies each page's version to the
 * media, a READ copies the media into each page except bogus_page slots. On an injected error
 * nothing is transferred and the buffer gets B_ERROR and b_error, as a disk driver sets them.
 * Then biodone(bio).
 */
export function* strategy_done(bio: Bio, error: number): Kernel<void> {
  const bp = bio.bio_buf;
  if (error) {
    bp.b_flags |= B_ERROR;
    bp.b_error = error;
  } else if (bp.b_vp !== null) {
    const disk = bp.b_vp.v_disk;
    for (let i = 0; i < bp.b_xio.xio_npages; i++) {
      const m = bp.b_xio.xio_pages[i];
      if (m === null || m.object === null || !vm_page_resident(m)) continue; // bogus_page
      if (bp.b_cmd === BUF_CMD_WRITE) disk.d_data[m.pindex] = m.g_data;
      else if (bp.b_cmd === BUF_CMD_READ) m.g_data = disk.d_data[m.pindex];
    }
    bp.b_resid = 0;
  }
  yield* biodone(bio);
}

/** vop_strategy(vp->v_ops, vp, bio): queue the I/O on the device (vfs_bio.c:3389). */
export function* vop_strategy(vp: Vnode, bio: Bio): Kernel<void> {
  yield* dev_start(vp.v_dev, bio, strategy_done as unknown as KernelFunction);
}
