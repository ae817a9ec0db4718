'use kernel';
/**
 * ENVIRONMENT (not seed code): OpenBSD vnodes as the vnode pager needs them (spec/uvm_vnode.md
 * §7.1 item 6, [ext-vfs]): the use count with vref/vrele (and VOP_INACTIVE at the last vrele),
 * the exclusive vnode lock through vn_lock (LK_RECURSEFAIL, LK_NOWAIT → EBUSY, and VXLOCK: a
 * vnode being cleaned makes vn_lock sleep until vclean ends, even with LK_NOWAIT), VOP_UNLOCK,
 * VOP_GETATTR, VOP_READ/VOP_WRITE as device I/O on a versioned backing store with error
 * injection, and vclean/vgone for both of uvm_vnp_terminate's callers: the recycler
 * (getnewvnode on a free vnode, case [1]) and a forced unmount (vgone of a vnode in use, [2]).
 *
 * Simplifications: vn_lock's v_lockcount hand-shake with vclean is left out (vclean takes the
 * lock when it is free); VXWANT/wakeup are replaced by waits enabled when VXLOCK clears; deadfs
 * is "every VOP_READ/VOP_WRITE/VOP_GETATTR fails with EIO"; vinvalbuf, VOP_CLOSE and the name
 * cache are not modelled (OpenBSD's buffer cache is not part of this model).
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { KernelPanic } from '../sim/panic.ts';
import { EBUSY, EIO } from '../sim/errno.ts';
import { kernelOptions, curthread, note } from '../sim/report.ts';
import { kernel_lock_held, PAGE_SIZE, type UvmPage } from './uvm.ts';

export const VNON = 0;
export const VREG = 1;
export const VBLK = 3;

/** v_flag / v_lflag bits (sys/vnode.h). */
export const VTEXT = 0x0002;
export const VXLOCK = 0x0100;
export const VLOCKSWORK = 0x4000;

/** vn_lock flags (sys/lock.h, sys/vnode.h). */
export const LK_EXCLUSIVE = 0x0001;
export const LK_NOWAIT = 0x0040;
export const LK_RECURSEFAIL = 0x00010000;
export const LK_RETRY = 0x2000;

export const ENOENT = 2;
export const EDEADLK = 11;

/** vclean flags. */
export const DOCLOSE = 0x0008;

/** The backing store of a vnode: one data version per page-sized block, and the latest ever written (ghost). */
export interface VnodeDisk {
  d_data: number[];
  g_latest: number[];
  /** Ghost: the newest version of each block whose write failed (EIO reported to the pager; UDUR-01, F11). */
  g_failed: number[];
}

/** struct vnode, as far as uvm_vnode.c and its callers need it. */
export interface OVnode {
  v_type: number;
  v_flag: number;
  v_usecount: number;
  /** The vnode lock's exclusive holder. */
  v_lockholder: Thread | null;
  v_mount: object | null;
  /** The uvm_vnode (vp->v_uvm). */
  v_uvm: object;
  /** The file's size (what VOP_GETATTR reports). */
  v_size: number;
  v_disk: VnodeDisk;
  /** Ghost: vclean ran (v_op = dead_vops): every VOP now fails. */
  g_dead: boolean;
  /** Ghost: the filesystem's VOP_INACTIVE truncates the file (an unlinked file), re-entering uvm_vnp_setsize. */
  g_inactiveTruncates: boolean;
}

export function newOVnode(uvn: object, size: number, nblocks: number): OVnode {
  const d: number[] = [];
  for (let i = 0; i < nblocks; i++) d.push(0);
  return {
    v_type: VREG,
    v_flag: VLOCKSWORK,
    v_usecount: 0,
    v_lockholder: null,
    v_mount: null,
    v_uvm: uvn,
    v_size: size,
    v_disk: { d_data: d, g_latest: d.slice(), g_failed: d.map(() => -1) },
    g_dead: false,
    g_inactiveTruncates: false,
  };
}

// ---------------------------------------------------------------- references

/**
 * vref(vp) [ext-vfs]: KERNEL_ASSERT_LOCKED, and DIAGNOSTIC kernels panic "vref used where vget
 * required" on an unused vnode (ENV-01; uvm_vnp_sync's :1490 can do that, F8). Plain code under KL.
 */
export function vref(vp: OVnode): void {
  const t = curthread();
  note('vref', { vp, usecount: vp.v_usecount, kl: kernel_lock_held(t) });
  if (vp.v_usecount === 0) throw new KernelPanic('ENV-01', 'panic: vref used where vget required (vfs_subr.c vref, DIAGNOSTIC)');
  vp.v_usecount += 1;
}

/**
 * vrele(vp) [ext-vfs]: drop a use; the last one runs VOP_INACTIVE with the vnode locked (which
 * may truncate an unlinked file, re-entering uvm_vnp_setsize: the M14 hazard), and puts the vnode
 * on the free list, where the recycler may find it.
 */
export function* vrele(vp: OVnode): Kernel<number> {
  if (vp.v_usecount === 0) throw new KernelPanic('ENV-06', 'panic: vrele: bad ref count (vfs_subr.c vrele): a vnode reference dropped twice');
  vp.v_usecount -= 1;
  if (vp.v_usecount > 0) return 0;
  if ((yield* vn_lock(vp, LK_EXCLUSIVE)) !== 0) return 1;
  yield* VOP_INACTIVE(vp);
  return 1;
}

/** The filesystem's VOP_INACTIVE: optionally truncates (unlinked file), then unlocks the vnode. */
function* VOP_INACTIVE(vp: OVnode): Kernel<void> {
  if (vp.g_inactiveTruncates) {
    const hook = kernelOptions().inactiveHook as ((vp: OVnode) => Kernel<void>) | undefined;
    if (hook) yield* hook(vp);
  }
  yield* VOP_UNLOCK(vp);
}

// ---------------------------------------------------------------- the vnode lock

const VN_LOCKED = 0;
const VN_XLOCKED = -1;
const VN_WAIT = -2;

/** One attempt at the vnode lock: 0, EBUSY, EDEADLK, VN_XLOCKED or VN_WAIT. */
export const vn_lock_try = prim({
  name: 'vn_lock',
  kind: 'lock',
  touches: ([vp]: [OVnode, number]) => [vp],
  exec: ([vp, flags]: [OVnode, number], t: Thread): number => {
    if ((vp.v_flag & VXLOCK) !== 0) return VN_XLOCKED;
    if (vp.v_lockholder === t) {
      if ((flags & LK_RECURSEFAIL) !== 0) return EDEADLK;
      throw new KernelPanic('vfs_vnops.c', 'panic: vn_lock: locking against myself');
    }
    if (vp.v_lockholder === null) {
      vp.v_lockholder = t;
      return VN_LOCKED;
    }
    return (flags & LK_NOWAIT) !== 0 ? EBUSY : VN_WAIT;
  },
});

/** Sleep until the vnode lock is free or VXLOCK is set. */
const vn_lock_sleep = prim({
  name: 'vn_lock_sleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([vp]: [OVnode]) => [vp],
  enabled: ([vp]: [OVnode]) => vp.v_lockholder === null || (vp.v_flag & VXLOCK) !== 0,
  exec: () => undefined,
});

/** Sleep until vclean is done with the vnode (VXLOCK clear). */
const vn_xlock_sleep = prim({
  name: 'vn_xlock_sleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([vp]: [OVnode]) => [vp],
  enabled: ([vp]: [OVnode]) => (vp.v_flag & VXLOCK) === 0,
  exec: () => undefined,
});

/**
 * vn_lock(vp, flags) [ext-vfs]: a vnode under VXLOCK makes the caller sleep until vclean ends and
 * then fail with ENOENT — even with LK_NOWAIT (F13) — unless LK_RETRY, which tries again.
 */
export function* vn_lock(vp: OVnode, flags: number): Kernel<number> {
  let error: number;
  for (;;) {
    error = yield* vn_lock_try(vp, flags);
    if (error === VN_WAIT) {
      yield* vn_lock_sleep(vp);
      continue;
    }
    if (error === VN_XLOCKED) {
      yield* vn_xlock_sleep(vp);
      error = ENOENT;
      if ((flags & LK_RETRY) !== 0) continue;
    }
    return error;
  }
}

/** VOP_UNLOCK(vp): only the holder may unlock (ENV-02). */
export const VOP_UNLOCK = prim({
  name: 'VOP_UNLOCK',
  kind: 'unlock',
  touches: ([vp]: [OVnode]) => [vp],
  exec: ([vp]: [OVnode], t: Thread) => {
    if (vp.v_lockholder !== t) throw new KernelPanic('ENV-02', 'VOP_UNLOCK of a vnode this thread does not hold (uvm_vnode.c:1234/1245 read VNISLOCKED differently?)');
    vp.v_lockholder = null;
  },
});

/** VOP_ISLOCKED(vp): held by the calling thread. */
export function VOP_ISLOCKED(vp: OVnode): boolean {
  return vp.v_lockholder === curthread();
}

// ---------------------------------------------------------------- VOPs as device I/O

/**
 * VOP_GETATTR(vp): the size, or an error when the scenario injects attach failures
 * (options.attachErrors); a dead vnode fails. A blocking step (it may do I/O).
 */
export const VOP_GETATTR = prim({
  name: 'VOP_GETATTR',
  kind: 'device',
  sleeps: true,
  touches: ([vp]: [OVnode]) => [vp],
  variants: ([vp]: [OVnode], _t: Thread, sim: Sim) => (sim.options.attachErrors && !vp.g_dead ? 2 : 1),
  variantNames: ['ok', 'EIO'],
  exec: ([vp]: [OVnode], _t: Thread, _s: Sim, variant: number): [number, number] =>
    vp.g_dead || variant === 1 ? [EIO, 0] : [0, vp.v_size],
});

/**
 * VOP_READ / VOP_WRITE of `wanted` bytes at `offset` through the pages `pps` (spec §7.1 item 8):
 * one blocking step that moves data versions between the pages and the backing store. It
 * transfers everything or fails with EIO (options.ioErrors; always on a dead vnode); it never
 * returns EBUSY (ENV-04). Short transfers need sub-page I/O sizes, which the model does not have.
 * Returns [error, resid].
 */
export const VOP_RDWR = prim({
  name: 'VOP_RDWR',
  kind: 'device',
  sleeps: true,
  touches: ([vp]: [OVnode, number, UvmPage[], number, number]) => [vp],
  variants: ([vp]: [OVnode, number, UvmPage[], number, number], _t: Thread, sim: Sim) => (sim.options.ioErrors && !vp.g_dead ? 2 : 1),
  variantNames: ['ok', 'EIO'],
  exec: ([vp, rw, pps, offset, wanted]: [OVnode, number, UvmPage[], number, number], _t: Thread, _s: Sim, variant: number): [number, number] => {
    const d = vp.v_disk;
    if (vp.g_dead || variant === 1) {
      /* ghost: a failed write loses these versions with an error the caller sees (UDUR-01) */
      if (rw !== 0) for (const pg of pps) if (pg.offset < offset + wanted) d.g_failed[pg.offset / PAGE_SIZE] = Math.max(d.g_failed[pg.offset / PAGE_SIZE], pg.g_data);
      return [EIO, wanted];
    }
    for (const pg of pps) {
      if (pg.offset >= offset + wanted) continue;
      const b = pg.offset / PAGE_SIZE;
      if (rw === 0) pg.g_data = d.d_data[b];
      else d.d_data[b] = pg.g_data;
    }
    return [0, 0];
  },
});

// ---------------------------------------------------------------- vclean / vgone

/** Sleep until the vnode lock is free, then take it (vclean's VOP_LOCK with LK_DRAIN). */
const vn_lock_drain = prim({
  name: 'VOP_LOCK(LK_DRAIN)',
  kind: 'lock',
  sleeps: true,
  touches: ([vp]: [OVnode]) => [vp],
  enabled: ([vp]: [OVnode]) => vp.v_lockholder === null,
  exec: ([vp]: [OVnode], t: Thread) => {
    vp.v_lockholder = t;
  },
});

/**
 * vclean(vp, flags) [ext-vfs, vfs_subr.c]: reference an active vnode so it cannot be recycled
 * under us, set VXLOCK, take the vnode lock (drain), call uvm_vnp_terminate — the hook this model
 * is about — then VOP_INACTIVE (active) or VOP_UNLOCK, reclaim (the vnode becomes a deadfs vnode)
 * and clear VXLOCK, which wakes vn_lock sleepers.
 */
export function* vclean(vp: OVnode, terminate: (vp: OVnode) => Kernel<void>): Kernel<void> {
  const active = vp.v_usecount;
  if (active !== 0) vp.v_usecount += 1;
  if ((vp.v_flag & VXLOCK) !== 0) throw new KernelPanic('vfs_subr.c', 'panic: vclean: deadlock');
  vp.v_flag |= VXLOCK;
  yield* vn_lock_drain(vp);
  yield* terminate(vp);
  yield* VOP_UNLOCK(vp);
  vp.g_dead = true;
  if (active !== 0) vp.v_usecount -= 1;
  vp.v_flag &= ~VXLOCK;
}

/** Wait until the vnode is on the free list (use count 0) and not yet cleaned: getnewvnode's pick. */
export const vnode_free_wait = prim({
  name: 'getnewvnode',
  kind: 'sleep',
  sleeps: true,
  touches: ([vp]: [OVnode]) => [vp],
  enabled: ([vp]: [OVnode]) => vp.v_usecount === 0 && !vp.g_dead && (vp.v_flag & VXLOCK) === 0,
  exec: () => undefined,
});

/**
 * vget(vp) [ext-vfs] for an open(2) or mmap(2) of a vnode found by name: a vnode being cleaned
 * makes it sleep until vclean ends and fail with ENOENT, as does a dead one; otherwise a new use.
 */
export const vget_try = prim({
  name: 'vget',
  kind: 'lock',
  touches: ([vp]: [OVnode]) => [vp],
  exec: ([vp]: [OVnode]): number => {
    if ((vp.v_flag & VXLOCK) !== 0) return -1;
    if (vp.g_dead) return ENOENT;
    vp.v_usecount += 1;
    return 0;
  },
});

export function* vget(vp: OVnode): Kernel<number> {
  const error = yield* vget_try(vp);
  if (error !== -1) return error;
  yield* vn_xlock_sleep(vp);
  return ENOENT;
}
