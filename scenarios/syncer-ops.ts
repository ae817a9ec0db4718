'use kernel';
/**
 * Workload operations for the syncer scenarios: what mount(2), a filesystem's write and fsync,
 * sync(2), a filesystem asking for a sync, and unmount(2) do with vfs_sync.c's API. Not seed code.
 */
import type { Kernel } from '../impl/sim/prim.ts';
import { store, load } from '../impl/sim/atomics.ts';
import { LK_EXCLUSIVE } from '../impl/sim/locks.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { MNTK_UNMOUNT, MNT_WAIT, VMSC_GETVP, VNON, type Mount } from '../impl/kernel/vfs_sync_state.ts';
import {
  vn_syncer_thr_create,
  vfs_allocate_syncvnode,
  vn_syncer_thr_stop,
  vsyncscan,
  trigger_syncer,
  speedup_syncer,
  vn_syncer_count,
  vn_syncer_one,
} from '../impl/kernel/vfs_sync.ts';
import { VOP_FSYNC, vget, vput, vrele, vx_lock, vx_unlock, vgone_vxlocked, vn_lock, vn_unlock } from '../impl/env/syncer.ts';
import { lwkt_gettoken, lwkt_reltoken } from '../impl/sim/locks.ts';
import { vsetisdirty, vsetobjdirty, vclrobjdirty, vclrisdirty } from '../impl/kernel/vfs_sync.ts';
import { standin_write } from '../impl/env/syncer_vops.ts';
import { write_block, WRITE_BDWRITE } from './bufops.ts';

/** mount(2) of a filesystem with a dedicated syncer (MNTK_THR_SYNC): the syncer thread, then the syncer vnode. */
export function* mount_syncer(mp: Mount): Kernel<void> {
  yield* vn_syncer_thr_create(mp);
  yield* vfs_allocate_syncvnode(mp);
}

/**
 * `n` writes through the HAMMER-style filesystem: the inode, and its VM object on every write
 * (`obj` 1) or on the second write only (`obj` 2).
 */
export function* inode_writer(vp: Vnode, n: number, obj: number): Kernel<void> {
  for (let i = 0; i < n; i++) if ((yield* standin_write(vp, obj === 1 || (obj === 2 && i === 1) ? 1 : 0)) !== 0) return;
}

/** fsync(2): lock the vnode and VOP_FSYNC(MNT_WAIT). */
export function* fsyncer(vp: Vnode): Kernel<void> {
  if ((yield* vget(vp, LK_EXCLUSIVE)) !== 0) return;
  yield* VOP_FSYNC(vp, MNT_WAIT, 0);
  yield* vput(vp);
}

/** sync(2)'s VFS_SYNC(MNT_WAIT) in HAMMER's shape: a forced (non-NOWAIT) vsyncscan that fsyncs every vnode. */
export function* sync_scanner(mp: Mount): Kernel<void> {
  yield* vsyncscan(mp, VMSC_GETVP, sync_scan_cb, null);
}

export function* sync_scan_cb(_mp: Mount, vp: Vnode, _data: unknown): Kernel<number> {
  if (vp.v_type === VNON) return 0;
  return yield* VOP_FSYNC(vp, MNT_WAIT, 0);
}

/** A vhold-mode vsyncscan (flags 0: forced, no vget) whose callback looks at each vnode under its lock. */
export function* peek_scanner(mp: Mount): Kernel<void> {
  yield* vsyncscan(mp, 0, peek_cb, null);
}

export function* peek_cb(_mp: Mount, vp: Vnode, _data: unknown): Kernel<number> {
  if (vp.v_type === VNON) return 0;
  yield* vn_lock(vp, LK_EXCLUSIVE);
  yield* vn_unlock(vp);
  return 0;
}

/** A filesystem under pressure: count the worklist, trigger a full sync, ask the syncer to rush. */
export function* trigger_rush(mp: Mount, rush: number): Kernel<void> {
  if ((yield* vn_syncer_count(mp)) > 0) yield* trigger_syncer(mp);
  if (rush) yield* speedup_syncer(mp);
}

/** speedup_syncer alone (a filesystem asking the syncers to rush). */
export function* rush_only(mp: Mount): Kernel<void> {
  yield* speedup_syncer(mp);
}

/** trigger_syncer alone (a filesystem wanting a full sync now). */
export function* trigger_only(mp: Mount): Kernel<void> {
  yield* trigger_syncer(mp);
}

/** The syncer vnode allocated after the syncer thread started (e.g. a read-only to read-write update). */
export function* allocate_syncvnode(mp: Mount): Kernel<void> {
  yield* vfs_allocate_syncvnode(mp);
}

/** A filesystem asks for one dirty vnode to be flushed (vn_syncer_one). */
export function* sync_one(mp: Mount): Kernel<void> {
  yield* vn_syncer_one(mp);
}

/** vgone of one vnode (a forced reclaim, e.g. revoke or a forced vflush). */
export function* reclaimer(vp: Vnode): Kernel<void> {
  yield* vx_lock(vp);
  yield* vgone_vxlocked(vp);
  yield* vx_unlock(vp);
}

/**
 * A forced unmount (dounmount [ext], reduced to what concerns the syncer): MNTK_UNMOUNT, drop the
 * syncer vnode (mnt_syncer = NULL, then its reference: sync_inactive → sync_reclaim once the last
 * reference goes), vflush(FORCECLOSE) every vnode (vgone, the syncer vnode included if it is
 * still referenced), then stop the syncer thread.
 */
export function* unmounter(mp: Mount): Kernel<void> {
  let vp: Vnode | null;
  yield* store(mp, 'mnt_kern_flag', mp.mnt_kern_flag | MNTK_UNMOUNT);
  vp = yield* load(mp, 'mnt_syncer');
  if (vp !== null) {
    yield* store(mp, 'mnt_syncer', null);
    yield* vrele(vp);
    // vflush(FORCECLOSE) meets the syncer vnode too if someone (the syncer, a vsyncscan) still
    // holds a reference: vgone it anyway (a no-op if the last vrele already did).
    yield* reclaimer(vp);
  }
  for (let i = 0; i < mp.mnt_nvnodelist.length; i++) yield* reclaimer(mp.mnt_nvnodelist[i]);
  yield* vn_syncer_thr_stop(mp);
}

/** A HAMMER-style write that changes the inode and then delays a write of the file's block 0. */
export function* inode_and_block_writer(vp: Vnode): Kernel<void> {
  if ((yield* standin_write(vp, 0)) !== 0) return;
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
}

/** Boot: the vnode's VM object is dirty (vsetobjdirty), so the vnode is on the wheel. */
export function* objdirty_boot(vp: Vnode): Kernel<void> {
  yield* vsetobjdirty(vp);
}

/** vsetisdirty on a referenced ("stable") vnode, without its lock. */
export function* set_isdirty_only(vp: Vnode): Kernel<void> {
  yield* vsetisdirty(vp);
}

/** The object is clean: vclrobjdirty with the vnode locked and v_token held. */
export function* clear_objdirty_locked(vp: Vnode): Kernel<void> {
  yield* vn_lock(vp, LK_EXCLUSIVE);
  yield* lwkt_gettoken(vp.v_token);
  yield* vclrobjdirty(vp);
  yield* lwkt_reltoken(vp.v_token);
  yield* vn_unlock(vp);
}

/** bdwrite a block, then (the inode is clean) vclrisdirty with v_token held. */
export function* bdwrite_then_clrisdirty(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  yield* vn_lock(vp, LK_EXCLUSIVE);
  yield* lwkt_gettoken(vp.v_token);
  yield* vclrisdirty(vp);
  yield* lwkt_reltoken(vp.v_token);
  yield* vn_unlock(vp);
}
