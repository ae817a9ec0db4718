'use kernel';
/**
 * ENVIRONMENT (not seed code): what vfs_sync.c calls but does not define, for a mount with a
 * syncer (spec/vfs_bio_sync.md §5 [ext] rows, §8):
 * - the vnode reference and lock protocol (vget, vput, vrele, vx_lock/vx_unlock, vx_get/vx_put,
 *   vhold/vdrop) and the reclaim path (vrele's last reference → VOP_INACTIVE, vgone_vxlocked →
 *   VOP_RECLAIM), after DragonFly's vfs_subr.c/vfs_lock.c, reduced to a reference count, the
 *   vnode lock and a "reclaimed" mark (a reclaimed vnode fails vget with ENOENT);
 * - the vnode and VFS operation dispatch: VOP_FSYNC of the syncer vnode is sync_fsync; of a
 *   buffer-cache vnode (VOPS_REG) it writes the dirty buffers with bawrite (MNT_WAIT: bwrite), as
 *   vfsync does; of a HAMMER-style vnode (VOPS_INODE) it calls the HAMMER hook
 *   (impl/env/syncer_vops.ts). VFS_SYNC is HAMMER's shape: a vsyncscan(VMSC_GETVP [| VMSC_NOWAIT])
 *   whose callback fsyncs each vnode;
 * - vfs_busy (fails once the unmount has started), vfs_msync and bio_ops_sync (nothing to do:
 *   no mmap'd dirty pages and no softupdates in these scenarios), getspecialvnode (hands out a
 *   vnode preallocated by the scenario), kthread_create (spawns a daemon thread), hashinit /
 *   hashdestroy (the 32 lists are preallocated with the ctx; hashdestroy panics if one is not
 *   empty, as kern_subr.c does), kmalloc/kfree of the ctx (kfree sets the ghost g_freed),
 *   lwkt_trytoken, and time_uptime with the hardclock that advances it.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { withSim } from '../sim/kernel.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { load, atomic_add_int, atomic_fetchadd_int } from '../sim/atomics.ts';
import { lockmgr, newToken, LK_EXCLUSIVE, LK_NOWAIT, LK_RELEASE } from '../sim/locks.ts';
import type { LwktToken } from '../sim/thread.ts';
import { KASSERT } from '../sim/panic.ts';
import { note, curthread } from '../sim/report.ts';
import { EBUSY, EWOULDBLOCK } from '../sim/errno.ts';
import { timeoutsOn } from '../sim/sleep.ts';
import { sleepQueueOf } from '../sim/world.ts';
import { primOf } from '../sim/prim.ts';

import type { World } from '../sim/world.ts';
import { lwkt_gettoken, lwkt_reltoken } from '../sim/locks.ts';
import { registerVnode, newVnode, type Vnode } from './vnode.ts';
import { newDevice } from '../sim/device.ts';
import { FINDBLK_NBLOCK, B_DELWRI } from '../kernel/sys.ts';
import { findblk, bremfree, bawrite, bwrite } from '../kernel/vfs_bio.ts';
import { BUF_UNLOCK, type Buf } from './bio.ts';
import {
  HZ,
  MNTK_THR_SYNC,
  MNTK_UNMOUNT,
  MNT_NOWAIT,
  MNT_WAIT,
  SYNCER_MAXDELAY,
  VMSC_GETVP,
  VMSC_NOWAIT,
  VNON,
  VONWORKLST,
  VOPS_HAMMER,
  VOPS_INODE,
  VOPS_REG,
  VOPS_SYNC,
  VRECLAIMED,
  vs,
  type Chan,
  type Mount,
  type SyncerCtx,
  type VfsSync,
} from '../kernel/vfs_sync_state.ts';
import { sync_fsync, sync_inactive, sync_reclaim, vsyncscan, vn_syncer_remove, sysctl_kern_syncdelay } from '../kernel/vfs_sync.ts';
import { hammer_vop_fsync_hook } from './syncer_vops.ts';
import { hammer_vop_fsync, hammer_vfs_sync } from './hammer_vfs.ts';
import { hammer_vop_inactive, hammer_vop_reclaim } from '../kernel/hammer_inode.ts';

export const VT_VFS = 17;
export const ENOENT = 2;

// ------------------------------------------------------------------ set-up

export interface SyncerConfig {
  /** The value written to kern.syncdelay (clamped by sysctl_kern_syncdelay). */
  syncdelay?: number;
  filedelay?: number;
  dirdelay?: number;
  metadelay?: number;
  retrydelay?: number;
  /** Seconds the hardclock may advance time_uptime during the run. */
  seconds?: number;
}

/** Creates and registers vfs_sync.c's statics (vfs_sync.c:84-99, vfs_sync.c:614) and the clock. */
export function setupVfsSync(sim: Sim, cfg: SyncerConfig): VfsSync {
  const dummy: Chan = sim.world.add('syncer.&dummy', { c: 0 });
  const g: VfsSync = {
    syncdelay: sysctl_kern_syncdelay(cfg.syncdelay ?? 30),
    filedelay: cfg.filedelay ?? 30,
    dirdelay: cfg.dirdelay ?? 29,
    metadelay: cfg.metadelay ?? 28,
    retrydelay: cfg.retrydelay ?? 1,
    rushjob: 0,
    start: 0,
    incr: 0,
    next: 0,
    syncalloc: 0,
    time_uptime: 0,
    dummy,
    g_spare: [],
  };
  sim.world.add('vfs_sync', g);
  sim.globals.vfs_sync = g;
  return g;
}

/** A mount with room for a syncer context (allocated by vn_syncer_thr_create at boot). */
export function newMount(sim: Sim, name: string, vfsSync: number): Mount {
  const w = sim.world;
  const lists: Vnode[][] = [];
  for (let s = 0; s < SYNCER_MAXDELAY; s++) lists.push([]);
  const ctx: SyncerCtx = {
    sc_mp: null,
    sc_token: w.add(`${name}.ctx.sc_token`, newToken('syncer')),
    sc_thread: null,
    sc_flags: 0,
    syncer_workitem_pending: lists,
    syncer_mask: 0,
    syncer_delayno: 0,
    syncer_forced: 0,
    syncer_rushjob: 0,
    syncer_trigger: 0,
    syncer_count: 0,
    sc_flags_chan: w.add(`${name}.ctx.&sc_flags`, { c: 0 }),
    g_freed: false,
    g_quiet: 0,
  };
  const mp: Mount = {
    mnt_syncer_ctx: null,
    mnt_syncer: null,
    mnt_flag: 0,
    mnt_kern_flag: MNTK_THR_SYNC,
    mnt_nvnodelist: [],
    mnt_vfs_sync: vfsSync,
    g_ctx: ctx,
  };
  w.add(`${name}.ctx`, ctx);
  w.add(name, mp);
  // The vnode getspecialvnode will hand out for this mount's syncer vnode.
  const sv = newVnode(w.add(`${name}.syncvp.disk`, newDevice()), 0, 1);
  sv.v_type = VNON;
  registerVnode(w, `${name}.syncvp`, sv);
  vs_of(sim).g_spare.push(sv);
  return mp;
}

const vs_of = (sim: Sim): VfsSync => sim.globals.vfs_sync as VfsSync;

/**
 * A vnode of `mp` (type VREG unless `type` says otherwise), holding one reference (an open
 * file), registered as `name`. `ops` picks its VOP_FSYNC (VOPS_REG / VOPS_INODE).
 */
export function mountVnode(sim: Sim, mp: Mount, name: string, npages: number, ops: number, register?: (w: World, vp: Vnode) => void): Vnode {
  const dev = sim.world.add(`${name}.disk`, newDevice());
  const vp = newVnode(dev, npages, 1);
  vp.v_mount = mp;
  vp.v_ops = ops;
  vp.v_refcnt = 1;
  register?.(sim.world, vp);
  registerVnode(sim.world, name, vp);
  mp.mnt_nvnodelist.push(vp);
  return vp;
}

/**
 * Runs `fn(...args)` on a set-up thread to completion, stepping only that thread (and any
 * interrupt it causes), never a daemon it starts: boot-time state made by the seed's own code.
 */
export function syncerBoot(sim: Sim, fn: KernelFunction, args: unknown[]): void {
  const t = sim.spawn('mount', 0, fn, args);
  for (let n = 0; n < 10_000 && !t.done; n++) {
    const c = sim.choices().find((x) => {
      const u = sim.threads[x >> 4];
      return !u.daemon;
    });
    if (c === undefined) throw new Error('syncerBoot: set-up blocked');
    sim.step(c);
  }
  if (!t.done) throw new Error('syncerBoot: set-up did not complete');
  sim.options.booted = true;
  void withSim;
}

// ------------------------------------------------------------------ ghosts

/** ghost: the caller modifies token-protected ctx state here (SYNC-03 checks it holds sc_token). */
export function sc_modify(ctx: SyncerCtx, cite: string): void {
  note('sc_modify', { ctx, cite });
}

/** ghost: ctx is dereferenced here (SYNC-12 checks it has not been freed). */
export function ctx_use(ctx: SyncerCtx, cite: string): void {
  note('ctx_use', { ctx, cite });
}

// ------------------------------------------------------------------ kernel services

/** kmalloc(sizeof(struct syncer_ctx), M_TEMP, M_WAITOK | M_ZERO): the mount's preallocated ctx, zeroed. */
export function kmalloc_syncer_ctx(mp: Mount): SyncerCtx {
  const ctx = mp.g_ctx;
  ctx.sc_mp = null;
  ctx.sc_thread = null;
  ctx.sc_flags = 0;
  ctx.syncer_mask = 0;
  ctx.syncer_delayno = 0;
  ctx.syncer_forced = 0;
  ctx.syncer_rushjob = 0;
  ctx.syncer_trigger = 0;
  ctx.syncer_count = 0;
  ctx.g_freed = false;
  return ctx;
}

/** kfree(ctx, M_TEMP): ghost g_freed (SYNC-12). */
export function kfree(ctx: SyncerCtx): void {
  ctx.g_freed = true;
}

/** hashinit(SYNCER_MAXDELAY, M_DEVBUF, &mask) (kern_subr.c): 32 empty lists, mask 31. */
export function hashinit(ctx: SyncerCtx, elements: number): number {
  let hashsize = 1;
  while (hashsize * 2 <= elements) hashsize *= 2;
  KASSERT(ctx.syncer_workitem_pending.length === hashsize, 'vfs_sync.c:318-319', 'hashinit: preallocated wheel size');
  return hashsize - 1;
}

/** hashdestroy (kern_subr.c): every list must be empty ("hashdestroy: hash not empty"). */
export function hashdestroy(ctx: SyncerCtx): void {
  for (const l of ctx.syncer_workitem_pending) {
    KASSERT(l.length === 0, 'vfs_sync.c:352', 'hashdestroy: hash not empty (a vnode is still on the wheel)');
  }
}

/**
 * lwkt_gettoken(&ctx->sc_token) as LWKT behaves for a token the caller already holds: recursion
 * is an increment that cannot block, so — unlike a contended acquisition, during which LWKT
 * releases every token the thread holds — it is not a point where other threads may take them.
 * vn_syncer_add relies on it (vfs_sync.c:192-193). A first acquisition is a try step, and the
 * blocking lwkt_gettoken step only when the token is held elsewhere.
 */
export function* sc_gettoken(tok: LwktToken): Kernel<void> {
  const h = curthread().tokens.find((x) => x.tok === tok);
  if (h) {
    h.count++;
    return;
  }
  // An uncontended acquisition does not block either, so the caller keeps its other tokens (a
  // HAMMER frontend's fs_token across vsetisdirty): try first, sleep only when contended.
  if (yield* lwkt_trytoken(tok)) return;
  yield* lwkt_gettoken(tok);
}

/** lwkt_token_init: the token object exists already. */
export function lwkt_token_init(_tok: LwktToken, _desc: string): void {}

/** lwkt_trytoken(tok): take the token if it is available now, else return 0 (never blocks). */
export const lwkt_trytoken = prim({
  name: 'lwkt_trytoken',
  kind: 'lock',
  touches: ([tok]: [LwktToken]) => [tok],
  exec: ([tok]: [LwktToken], t: Thread, sim: Sim) => {
    if (!sim.tokenAvailable(tok, t, true)) return 0;
    const h = t.tokens.find((x) => x.tok === tok);
    if (h) {
      h.count++;
      h.exclusive = true;
    } else t.tokens.push({ tok, exclusive: true, count: 1 });
    return 1;
  },
});

/** kthread_create(func, arg, &td, name): a new kernel daemon thread (never finishes). */
export const kthread_create = prim({
  name: 'kthread_create',
  kind: 'spawn',
  touches: () => [],
  exec: ([fn, ctx, name]: [KernelFunction, SyncerCtx, string], _t: Thread, sim: Sim) => {
    ctx.sc_thread = sim.spawn(name, 0, fn, [ctx], { daemon: true });
  },
});

/** ghost: every non-daemon thread (workload, I/O completion) has finished. */
function quiet(sim: Sim): boolean {
  for (const u of sim.threads) if (!u.done && !u.daemon) return false;
  return true;
}

/**
 * Simulated time (kern_clock.c [ext]): time_uptime is advanced by the hardclock thread, one
 * second per step, as a scheduler choice. While the workload runs the clock may tick `seconds`
 * times, at any point. Once the workload is quiescent (every non-daemon thread — the workload and
 * any I/O completion — finished) and the scenario asks for it (options.quietTurns, for SYNC-21),
 * it goes on ticking one second at a time whenever the syncer waits for the next second, until
 * SYNCER_MAXDELAY + 1 quiet seconds have passed — the syncer has then completed a full wheel turn
 * of quiet iterations. This is the fast-forward that makes "after a full turn with no writers"
 * explorable without letting the clock run away. Whether the step is enabled depends on every
 * thread, so it declares every registered object as its footprint: the partial-order reductions
 * then treat it as dependent on every other step.
 */
export const hardclock_tick = prim({
  name: 'hardclock',
  kind: 'write',
  touches: ([, , ctx]: [VfsSync, number, SyncerCtx], _t: Thread, sim: Sim) => [...sim.world.objects, sleepQueueOf(ctx)],
  enabled: ([g, seconds, ctx]: [VfsSync, number, SyncerCtx], _t: Thread, sim: Sim) => {
    if (g.time_uptime < seconds) return true;
    if (sim.options.quietTurns !== true || ctx.g_freed || ctx.sc_thread === null || ctx.g_quiet > SYNCER_MAXDELAY || !quiet(sim)) return false;
    // Only to end the sleep the syncer is in: one tick per quiet iteration.
    const st = ctx.sc_thread;
    return !st.done && st.prim === primOf(tsleep_hz) && st.interlock === ctx && st.args![4] === g.time_uptime;
  },
  exec: ([g, , ctx]: [VfsSync, number, SyncerCtx], _t: Thread, sim: Sim) => {
    g.time_uptime += 1;
    if (sim.options.quietTurns === true && quiet(sim) && ctx.g_quiet <= SYNCER_MAXDELAY) ctx.g_quiet += 1;
  },
});

/** The hardclock thread (a daemon). */
export function* hardclock(g: VfsSync, seconds: number, ctx: SyncerCtx): Kernel<void> {
  for (;;) yield* hardclock_tick(g, seconds, ctx);
}

/**
 * tsleep(ident, PINTERLOCKED, wmesg, hz) where the hz timeout is the clock: the sleep returns when
 * a wakeup dequeued the thread, or — the timeout — once time_uptime has moved past `since` (the
 * second the sleeper last saw), unless the scenario turned timeouts off. The syncer's
 * once-a-second sleep (vfs_sync.c:482) uses it, so that "one slot per second" follows the clock.
 */
export const tsleep_hz = prim({
  name: 'tsleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([ident]: [object, number, string, number, number], _t: Thread, sim: Sim) => [sleepQueueOf(ident), sim.globals.vfs_sync as VfsSync],
  enabled: ([ident, , , , since]: [object, number, string, number, number], t: Thread, sim: Sim) =>
    t.interlock !== ident || (timeoutsOn(sim) && (sim.globals.vfs_sync as VfsSync).time_uptime !== since),
  exec: ([ident]: [object, number, string, number, number], t: Thread) => {
    if (t.interlock !== ident) return 0;
    t.interlock = null; // timed out: off the queue
    return EWOULDBLOCK;
  },
});

/** bio_ops_sync(mp): the softupdates hook; no dependencies in these scenarios. */
export function* bio_ops_sync(_mp: Mount): Kernel<void> {}

/** vfs_busy(mp, LK_NOWAIT) (vfs_mount.c [ext]): fails once an unmount has started. */
export function* vfs_busy(mp: Mount, _flags: number): Kernel<number> {
  if ((yield* load(mp, 'mnt_kern_flag')) & MNTK_UNMOUNT) return ENOENT;
  return 0;
}

export function* vfs_unbusy(_mp: Mount): Kernel<void> {}

/** vfs_msync(mp, flags): flush mmap'd dirty pages; none in these scenarios (VOBJDIRTY is the stand-in's). */
export function* vfs_msync(_mp: Mount, _flags: number): Kernel<void> {}

// ------------------------------------------------------------------ vnodes

/** getspecialvnode(VT_VFS, mp, ...): a new vnode of mp, vx-locked, one reference. */
export function* getspecialvnode(_tag: number, mp: Mount): Kernel<[number, Vnode | null]> {
  const vp = vs().g_spare.pop();
  if (vp === undefined) return [12 /* ENOMEM */, null];
  vp.v_mount = mp;
  vp.v_ops = VOPS_SYNC;
  vp.v_refcnt = 1;
  yield* lockmgr(vp.v_lock, LK_EXCLUSIVE, 0);
  return [0, vp];
}

/**
 * vn_lock(vp, flags): the vnode lock. A LK_NOWAIT request on a lock the caller already holds
 * fails with EBUSY (lockmgr without LK_CANRECURSE); vsyncscan reaches it when the syncer, holding
 * its own syncer vnode, syncs the mount (sync_fsync → VFS_SYNC → vsyncscan).
 */
export function* vn_lock(vp: Vnode, flags: number): Kernel<number> {
  if (flags & LK_NOWAIT && vp.v_lock.lk_owner === curthread()) return EBUSY;
  return yield* lockmgr(vp.v_lock, flags, 0);
}

export function* vn_unlock(vp: Vnode): Kernel<void> {
  yield* lockmgr(vp.v_lock, LK_RELEASE, 0);
}

/** vget(vp, flags): take a reference and the lock; a reclaimed vnode fails with ENOENT. */
export function* vget(vp: Vnode, flags: number): Kernel<number> {
  let error: number;
  yield* atomic_add_int(vp, 'v_refcnt', 1);
  error = yield* vn_lock(vp, flags);
  if (error) {
    yield* vrele(vp);
    return error;
  }
  if (vp.g_reclaimed) {
    yield* vn_unlock(vp);
    yield* vrele(vp);
    return ENOENT;
  }
  return 0;
}

export function* vput(vp: Vnode): Kernel<void> {
  yield* vn_unlock(vp);
  yield* vrele(vp);
}

/**
 * vrele(vp): drop a reference; the last one deactivates the vnode under its vx lock
 * (VOP_INACTIVE: for the syncer vnode sync_inactive, which destroys it).
 */
export function* vrele(vp: Vnode): Kernel<void> {
  if ((yield* atomic_fetchadd_int(vp, 'v_refcnt', -1)) === 1) {
    yield* vx_lock(vp);
    if (!vp.g_reclaimed && vp.v_refcnt === 0) yield* VOP_INACTIVE(vp);
    yield* vx_unlock(vp);
  }
}

export function* vx_lock(vp: Vnode): Kernel<void> {
  yield* lockmgr(vp.v_lock, LK_EXCLUSIVE, 0);
}

export function* vx_unlock(vp: Vnode): Kernel<void> {
  yield* lockmgr(vp.v_lock, LK_RELEASE, 0);
}

export function* vx_get(vp: Vnode): Kernel<void> {
  yield* atomic_add_int(vp, 'v_refcnt', 1);
  yield* vx_lock(vp);
}

export function* vx_put(vp: Vnode): Kernel<void> {
  yield* vx_unlock(vp);
  yield* atomic_add_int(vp, 'v_refcnt', -1);
}

/** vhold/vdrop: an auxiliary reference that keeps the structure, not its identity; no effect here. */
export function* vhold(_vp: Vnode): Kernel<void> {}
export function* vdrop(_vp: Vnode): Kernel<void> {}

/**
 * VOP_INACTIVE(vp): the syncer vnode's is sync_inactive; a HAMMER vnode's hammer_vop_inactive
 * (which may vrecycle it); the other vnodes keep their identity.
 */
export function* VOP_INACTIVE(vp: Vnode): Kernel<number> {
  if (vp.v_ops === VOPS_SYNC) return yield* sync_inactive(vp);
  if (vp.v_ops === VOPS_HAMMER) return yield* hammer_vop_inactive(vp);
  return 0;
}

/**
 * vgone_vxlocked(vp): reclaim a vx-locked vnode once: VOP_RECLAIM, then it is dead. The syncer
 * vnode's VOP_RECLAIM is sync_reclaim; for a filesystem vnode the forced vflush's vinvalbuf and
 * the filesystem's reclaim are summarised as a forced worklist removal (vn_syncer_remove(vp, 1),
 * "only during a forced unmount", vfs_sync.c:228) under v_token.
 */
export function* vgone_vxlocked(vp: Vnode): Kernel<void> {
  if (vp.g_reclaimed) return;
  if (vp.v_ops === VOPS_SYNC) {
    yield* sync_reclaim(vp);
  } else if (vp.v_ops === VOPS_HAMMER) {
    // A HAMMER vnode: VRECLAIMED from the start (hammer_inode_dirty tests it, hammer_inode.c:268),
    // VOP_RECLAIM = hammer_vop_reclaim (which vclrisdirty's it), then what is left on the wheel goes.
    vp.v_flag |= VRECLAIMED;
    yield* hammer_vop_reclaim(vp);
    yield* lwkt_gettoken(vp.v_token);
    if (vp.v_flag & VONWORKLST) yield* vn_syncer_remove(vp, 1);
    yield* lwkt_reltoken(vp.v_token);
  } else {
    yield* lwkt_gettoken(vp.v_token);
    if (vp.v_flag & VONWORKLST) yield* vn_syncer_remove(vp, 1);
    yield* lwkt_reltoken(vp.v_token);
  }
  vp.g_reclaimed = true;
}

/** VOP_FSYNC(vp, waitfor, flags): dispatch on the vnode's operation vector. */
export function* VOP_FSYNC(vp: Vnode, waitfor: number, _flags: number): Kernel<number> {
  if (vp.v_ops === VOPS_SYNC) return yield* sync_fsync(vp, waitfor);
  if (vp.v_ops === VOPS_REG) return yield* vfsync(vp, waitfor);
  if (vp.v_ops === VOPS_INODE) return yield* hammer_vop_fsync_hook(vp, waitfor);
  if (vp.v_ops === VOPS_HAMMER) return yield* hammer_vop_fsync(vp, waitfor);
  return 0;
}

/**
 * vfsync(vp, waitfor) (vfs_subr.c [ext]): write every dirty buffer of vp. Each is looked up
 * without blocking (a buffer locked by someone else, e.g. being written, is skipped in this pass),
 * taken off its queue and written: bawrite, or bwrite for MNT_WAIT.
 */
export function* vfsync(vp: Vnode, waitfor: number): Kernel<number> {
  let loffset = -1;
  let next: number;
  let bp: Buf | null;
  for (;;) {
    yield* lwkt_gettoken(vp.v_token);
    next = -1;
    for (const x of vp.v_rbdirty_tree) {
      if (x.b_loffset > loffset) {
        next = x.b_loffset;
        break;
      }
    }
    yield* lwkt_reltoken(vp.v_token);
    if (next < 0) break;
    loffset = next;
    bp = yield* findblk(vp, loffset, FINDBLK_NBLOCK);
    if (bp === null) continue;
    if ((bp.b_flags & B_DELWRI) === 0) {
      yield* BUF_UNLOCK(bp);
      continue;
    }
    yield* bremfree(bp);
    if (waitfor & MNT_WAIT) yield* bwrite(bp);
    else yield* bawrite(bp);
  }
  return 0;
}

/**
 * VFS_SYNC(mp, waitfor): HAMMER's shape (hammer_vfs_sync → vsyncscan(mp, VMSC_GETVP, with
 * VMSC_NOWAIT for a non-waiting sync, ...)), with a callback that fsyncs every vnode but the
 * syncer vnode. A mount without one (mnt_vfs_sync 0) has nothing to sync.
 */
export function* VFS_SYNC(mp: Mount, waitfor: number): Kernel<number> {
  if (mp.mnt_vfs_sync === 0) return 0;
  if (mp.mnt_vfs_sync === 2) return yield* hammer_vfs_sync(mp, waitfor);
  return yield* vsyncscan(mp, VMSC_GETVP | (waitfor & MNT_NOWAIT ? VMSC_NOWAIT : 0), vfs_sync_scan2, null);
}

/** The VFS_SYNC callback: fsync the vnode (the syncer vnode has nothing of its own). */
export function* vfs_sync_scan2(_mp: Mount, vp: Vnode, _data: unknown): Kernel<number> {
  if (vp.v_type === VNON) return 0;
  return yield* VOP_FSYNC(vp, MNT_NOWAIT, 0);
}

export { HZ };

/** Spawns a workload thread (not a daemon: the quiet-phase clock waits for it to finish). */
export function spawnWorkload(sim: Sim, name: string, cpu: number, fn: KernelFunction, args: unknown[]): void {
  sim.spawn(name, cpu, fn, args);
}
