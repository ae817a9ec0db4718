/**
 * The file-static state of vfs_sync.c (vfs_sync.c:82-121, vfs_sync.c:313, vfs_sync.c:614) and the
 * structures it works on — struct mount's syncer fields and struct syncer_ctx — as registered
 * objects, plus the LIST operations on the wheel (sys/queue.h).
 *
 * Kernel code reaches the statics through vs() ("vfs_sync.c's statics"), because several
 * simulators can exist in one process. The sysctl-writable delays (syncdelay, filedelay,
 * dirdelay, metadelay, retrydelay) are scenario parameters; syncdelay goes through the seed's
 * sysctl clamp (sysctl_kern_syncdelay, vfs_sync.c:125-141), the others are unvalidated as in the
 * seed (vfs_sync.c:87-98).
 *
 * Ghost fields (prefix g_) are the checker's bookkeeping, not kernel state.
 */
import { kglobal } from '../sim/report.ts';
import { KernelPanic } from '../sim/panic.ts';
import type { Thread } from '../sim/kernel.ts';
import type { LwktToken } from '../sim/thread.ts';
import type { Vnode } from '../env/vnode.ts';

/** SYNCER_MAXDELAY (vfs_sync.c:82). */
export const SYNCER_MAXDELAY = 32;
/** SC_FLAG_EXIT / SC_FLAG_DONE (vfs_sync.c:106-107). */
export const SC_FLAG_EXIT = 0x1;
export const SC_FLAG_DONE = 0x2;

/** v_flag bits (sys/vnode.h) the syncer uses; values are the model's. */
export const VONWORKLST = 0x00200000;
export const VOBJDIRTY = 0x00040000;
export const VISDIRTY = 0x04000000;

/** Vnode types (sys/vnode.h): VNON is the syncer vnode's (vfs_sync.c:623). */
export const VNON = 0;
export const VDIR = 4;

/** VFS_SYNC / VOP_FSYNC waitfor flags (sys/mount.h). */
export const MNT_WAIT = 1;
export const MNT_NOWAIT = 2;
export const MNT_LAZY = 4;
/** mnt_flag bits (sys/mount.h). */
export const MNT_RDONLY = 0x00000001;
export const MNT_ASYNC = 0x00000040;
/** mnt_kern_flag bits (sys/mount.h). */
export const MNTK_UNMOUNT = 0x01000000;
export const MNTK_THR_SYNC = 0x00000100;
/** vsyncscan flags (sys/mount.h). */
export const VMSC_GETVP = 0x01;
export const VMSC_GETVX = 0x02;
export const VMSC_NOWAIT = 0x10;

/** The vnode operation vectors the model dispatches on (vp->v_ops). */
export const VOPS_DEFAULT = 0; // a vnode of no modelled filesystem (the buffer-cache scenarios)
export const VOPS_SYNC = 1; // sync_vnode_vops (vfs_sync.c:589-596)
export const VOPS_REG = 2; // a buffer-cache filesystem: VOP_FSYNC = vfsync of the dirty buffers
export const VOPS_INODE = 3; // a HAMMER-style filesystem: VOP_FSYNC flushes the inode (stand-in)
export const VOPS_HAMMER = 4; // HAMMER (hammer_inode.c, impl/env/hammer_vfs.ts): hammer_vop_fsync/inactive/reclaim

/** v_flag VRECLAIMED (sys/vnode.h): set when reclamation of a HAMMER vnode starts (hammer_inode.c:268). */
export const VRECLAIMED = 0x00000008;

/** A wait channel that is only an address (&ctx->sc_flags, &dummy). */
export interface Chan {
  c: number;
}

/**
 * struct syncer_ctx (vfs_sync.c:109-121). The wheel (syncer_workitem_pending, from
 * hashinit(SYNCER_MAXDELAY) = 32 lists, mask 31) is an array of vnode lists, head first.
 */
export interface SyncerCtx {
  sc_mp: Mount | null;
  sc_token: LwktToken;
  sc_thread: Thread | null;
  sc_flags: number;
  syncer_workitem_pending: Vnode[][];
  syncer_mask: number;
  syncer_delayno: number;
  syncer_forced: number;
  syncer_rushjob: number;
  syncer_trigger: number;
  syncer_count: number;
  /** &ctx->sc_flags as a sleep channel (vfs_sync.c:347, vfs_sync.c:491-493). */
  sc_flags_chan: Chan;
  /** ghost: kfree(ctx) has run (vfs_sync.c:353); SYNC-12. */
  g_freed: boolean;
  /**
   * ghost: seconds the clock ticked while the workload was quiescent (every non-daemon thread —
   * workload and I/O completion — finished); the quiet-phase clock ticks only when the syncer waits for the next second, so
   * after SYNCER_MAXDELAY + 1 of them the syncer has completed a full wheel turn of quiet
   * iterations. SYNC-21 (a full wheel turn with no writers leaves nothing dirty).
   */
  g_quiet: number;
}

/** struct mount, the fields vfs_sync.c uses. */
export interface Mount {
  mnt_syncer_ctx: SyncerCtx | null;
  mnt_syncer: Vnode | null;
  mnt_flag: number;
  mnt_kern_flag: number;
  /** The mount's vnodes (mnt_nvnodelist), for the unmount's vflush. */
  mnt_nvnodelist: Vnode[];
  /**
   * The VFS's sync operation (VFS_SYNC): 0 = none, 1 = a vsyncscan over the wheel (HAMMER-style),
   * 2 = HAMMER's (impl/env/hammer_vfs.ts: the vsyncscan, then hammer_flusher_async(hmp, NULL)).
   */
  mnt_vfs_sync: number;
  /** The struct syncer_ctx kmalloc will return for this mount (preallocated and registered at set-up). */
  g_ctx: SyncerCtx;
}

/** vfs_sync.c's statics (and the kernel globals it reads: time_uptime, hz). */
export interface VfsSync {
  syncdelay: number;
  filedelay: number;
  dirdelay: number;
  metadelay: number;
  retrydelay: number;
  rushjob: number;
  /** vfs_allocate_syncvnode's spreading statics (vfs_sync.c:614). */
  start: number;
  incr: number;
  next: number;
  /** vn_syncer_thr_create's thread counter (vfs_sync.c:313). */
  syncalloc: number;
  /** time_uptime (kern_clock.c [ext]); advanced by the hardclock thread. */
  time_uptime: number;
  /** &dummy of syncer_thread (vfs_sync.c:372): a channel nobody wakes. */
  dummy: Chan;
  /** The preallocated vnodes getspecialvnode hands out (one per mount). */
  g_spare: Vnode[];
}

export const HZ = 100;

/** vfs_sync.c's statics in the running simulator. */
export function vs(): VfsSync {
  return kglobal<VfsSync>('vfs_sync');
}

// ------------------------------------------------------------------ LIST (sys/queue.h)

/** The slot of ctx's wheel vp is linked on, or -1 (what v_synclist's links say). */
export function slotOf(ctx: SyncerCtx, vp: Vnode): number {
  const w = ctx.syncer_workitem_pending;
  for (let s = 0; s < w.length; s++) if (w[s].includes(vp)) return s;
  return -1;
}

export function LIST_FIRST(head: Vnode[]): Vnode | null {
  return head.length > 0 ? head[0] : null;
}

/** LIST_NEXT(vp, v_synclist): follows vp's link on the list it is on. */
export function LIST_NEXT(head: Vnode[], vp: Vnode): Vnode | null {
  const i = head.indexOf(vp);
  if (i < 0) throw new KernelPanic('sys/queue.h', 'LIST_NEXT of a vnode that is not on this list (stale link)');
  return i + 1 < head.length ? head[i + 1] : null;
}

/**
 * LIST_INSERT_HEAD(head, vp, v_synclist). Inserting a vnode that is already linked is what the C
 * would do too (it overwrites the links): the model keeps both entries, and SYNC-01/SYNC-02 report it.
 */
export function LIST_INSERT_HEAD(head: Vnode[], vp: Vnode): void {
  head.unshift(vp);
}

/** LIST_REMOVE(vp, v_synclist): unlinks vp from whatever slot of ctx's wheel it is on. */
export function LIST_REMOVE(ctx: SyncerCtx, vp: Vnode): void {
  const s = slotOf(ctx, vp);
  if (s < 0) throw new KernelPanic('sys/queue.h', 'LIST_REMOVE of a vnode that is on no list (stale link)');
  const head = ctx.syncer_workitem_pending[s];
  head.splice(head.indexOf(vp), 1);
}
