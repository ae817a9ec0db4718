'use kernel';
/**
 * ENVIRONMENT (not seed code) — the HAMMER hooks of the syncer, and a small STAND-IN filesystem
 * the syncer's own scenarios use behind them.
 *
 * A real HAMMER vnode (v_ops VOPS_HAMMER, set up by
 * impl/env/hammer_vfs.ts) takes the real path through both hooks (hammer_inode_dirty,
 * hammer_vop_fsync) — and VOP_FSYNC / VOP_INACTIVE / VOP_RECLAIM dispatch it directly in
 * impl/env/syncer.ts — while the syncer scenarios' VOPS_INODE vnodes keep the STAND-IN below:
 * switching them to real HAMMER inodes would need a whole HAMMER mount (flusher daemon, pools)
 * under every syncer scenario, changing what they explore and their state counts.
 *
 * The two hooks are what HAMMER's code calls:
 * - `hammer_inode_dirty_hook(vp)`: hammer_modify_inode → hammer_inode_dirty marks the vnode's
 *   inode dirty for the syncer: vsetisdirty(vp) (and vsetobjdirty for a dirty VM object);
 * - `hammer_vop_fsync_hook(vp, waitfor)`: VOP_FSYNC of a HAMMER vnode (hammer_vop_fsync) writes
 *   the file's dirty buffers (vfsync), flushes the inode and, once it is clean, vclrisdirty(vp) /
 *   vclrobjdirty(vp).
 *
 * The STAND-IN inode (vp->v_data) is two versioned items — the inode and its VM object — each
 * with a latest version (bumped by a write) and the version on the media, and a "modified" flag
 * the filesystem keeps. Its fsync copies latest to the media in one step (a synchronous flush)
 * and then clears the syncer flags under v_token (vn_syncer_remove's precondition,
 * vfs_sync.c:230). Writers and fsync both hold the vnode lock, as VOP_WRITE and VOP_FSYNC do, so
 * the stand-in needs none of HAMMER's flush-group machinery. It is honest about what the syncer
 * needs from a filesystem (VISDIRTY/VOBJDIRTY set while something is unwritten, cleared once it is
 * written) and about nothing else.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import { lwkt_gettoken, lwkt_reltoken, LK_EXCLUSIVE } from '../sim/locks.ts';
import type { Vnode } from './vnode.ts';
import type { World } from '../sim/world.ts';
import { vsetisdirty, vsetobjdirty, vclrisdirty, vclrobjdirty } from '../kernel/vfs_sync.ts';
import { VISDIRTY, VOBJDIRTY } from '../kernel/vfs_sync_state.ts';
import { vget, vput, vfsync } from './syncer.ts';
import { VOPS_HAMMER } from '../kernel/vfs_sync_state.ts';
import type { HammerInode } from '../kernel/hammer_inode_state.ts';
import { hammer_inode_dirty } from '../kernel/hammer_inode.ts';
import { hammer_vop_fsync } from './hammer_vfs.ts';

/** The stand-in inode (vp->v_data). */
export interface StandinInode {
  /** The filesystem's own "inode modified" / "object modified" flags. */
  i_modified: number;
  o_modified: number;
  /** ghost versions: latest written, and on the media. */
  g_latest: number;
  g_disk: number;
  g_olatest: number;
  g_odisk: number;
}

export function newStandinInode(): StandinInode {
  return { i_modified: 0, o_modified: 0, g_latest: 0, g_disk: 0, g_olatest: 0, g_odisk: 0 };
}

/** Registers a stand-in inode as `${name}.inode` and hangs it on the vnode (for mountVnode). */
export function withStandinInode(name: string) {
  return (w: World, vp: Vnode): void => {
    vp.v_data = w.add(`${name}.inode`, newStandinInode());
  };
}

/** The stand-in's synchronous media write: copies the latest versions of the modified items. */
const standin_flush = prim({
  name: 'standin_inode_flush',
  kind: 'device',
  touches: ([ip]: [StandinInode]) => [ip],
  exec: ([ip]: [StandinInode]) => {
    if (ip.i_modified) ip.g_disk = ip.g_latest;
    if (ip.o_modified) ip.g_odisk = ip.g_olatest;
  },
});

/**
 * HOOK: hammer_inode_dirty → the syncer (issue 5 replaces the body). The vnode is locked. A dirty
 * VM object (`obj`) is reported first, as a write's pages are dirtied before the inode's size and
 * times are updated.
 */
export function* hammer_inode_dirty_hook(vp: Vnode, obj: number): Kernel<void> {
  if (vp.v_ops === VOPS_HAMMER) {
    // The real path: hammer_inode_dirty (hammer_inode.c:261-271).
    if (obj) yield* vsetobjdirty(vp);
    if (vp.v_data !== null) yield* hammer_inode_dirty(vp.v_data as HammerInode);
    return;
  }
  if (obj) yield* vsetobjdirty(vp);
  yield* vsetisdirty(vp);
}

/**
 * HOOK: VOP_FSYNC of a HAMMER vnode (issue 5 replaces the body with hammer_vop_fsync). STAND-IN:
 * flush what is modified, then clear the syncer flags. The vnode is locked (vget).
 */
export function* hammer_vop_fsync_hook(vp: Vnode, waitfor: number): Kernel<number> {
  if (vp.v_ops === VOPS_HAMMER) return yield* hammer_vop_fsync(vp, waitfor);
  const ip = vp.v_data as StandinInode | null;
  // hammer_vop_fsync writes the file's dirty buffers first (vfsync), then flushes the inode.
  yield* vfsync(vp, waitfor);
  if (ip === null) return 0;
  if (ip.i_modified || ip.o_modified) {
    yield* standin_flush(ip);
    ip.i_modified = 0;
    ip.o_modified = 0;
  }
  // The inode and its object are clean now: tell the syncer (vnode locked, v_token held).
  yield* lwkt_gettoken(vp.v_token);
  if (vp.v_flag & VISDIRTY) yield* vclrisdirty(vp);
  if (vp.v_flag & VOBJDIRTY) yield* vclrobjdirty(vp);
  yield* lwkt_reltoken(vp.v_token);
  return 0;
}

/**
 * A write through the stand-in filesystem (VOP_WRITE of the inode's data): lock the vnode, bump
 * the inode's (and, with `obj`, the VM object's) latest version, mark it modified, tell the syncer
 * (the hook), unlock. A reclaimed vnode (forced unmount) is dead: the write fails (deadfs).
 */
export function* standin_write(vp: Vnode, obj: number): Kernel<number> {
  const error = yield* vget(vp, LK_EXCLUSIVE);
  if (error) return error;
  const ip = vp.v_data as StandinInode;
  ip.g_latest += 1;
  ip.i_modified = 1;
  if (obj) {
    ip.g_olatest += 1;
    ip.o_modified = 1;
  }
  yield* hammer_inode_dirty_hook(vp, obj);
  yield* vput(vp);
  return 0;
}
