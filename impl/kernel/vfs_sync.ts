'use kernel';
/**
 * vfs_sync.c — DragonFly BSD's per-mount syncer (seed 004, xref revision 8e11cefe), in the seed's
 * order, with the seed's names and control flow. The seed's comments are summarised, with their
 * lines cited, not copied. Analysis: spec/vfs_bio_sync.md §5.
 *
 * Implemented: sysctl_kern_syncdelay (as the parameter check a scenario's `syncdelay` goes
 * through), vn_syncer_count, vn_syncer_add, vn_syncer_remove, vclrisdirty, vclrobjdirty,
 * vsetisdirty, vsetobjdirty, vn_syncer_thr_create, vn_syncer_thr_stop, syncer_thread,
 * vn_syncer_one, speedup_syncer, trigger_syncer, vfs_allocate_syncvnode, sync_close, sync_fsync,
 * sync_inactive, sync_reclaim, vsyncscan.
 *
 * Left out (spec §8): sync_print (printing), kproc_suspend_loop (power management, vfs_sync.c:375),
 * the stat_rush_requests statistic nobody reads (vfs_sync.c:100, vfs_sync.c:559), thread naming.
 * Environment the seed calls (vget/vput/vrele, VOP_FSYNC, VFS_SYNC, vfs_busy, vfs_msync,
 * getspecialvnode, vgone_vxlocked, kthread_create, hashinit/hashdestroy, kmalloc/kfree,
 * lwkt_trytoken, bio_ops_sync, time_uptime) is in impl/env/syncer.ts, marked as such.
 *
 * Step granularity (docs/design.md): token operations (a recursive sc_token acquisition is not
 * a step: it cannot block, env sc_gettoken), vsetflags/vclrflags (atomic bit
 * operations on v_flag), sleeps, wakeups and the unlocked reads the protocol depends on
 * (vclr*'s and vset*'s pre-tests, time_uptime, rushjob, syncer_trigger after the token is
 * released, vn_syncer_one's delayno, trigger_syncer's and speedup_syncer's mnt_syncer_ctx) are
 * steps; wheel links, counters and the other fields read or written under sc_token are local
 * code folded into the step before. The wheel's `slp` pointers are kept as slot indices (an
 * array may not live in a local across a step).
 *
 * Ghost bookkeeping (not kernel state): vp.g_dirtying brackets the window between making a vnode
 * dirty and the locked worklist check that follows (SYNC-04); ctx.g_freed marks kfree (SYNC-12);
 * ctx.g_quiet (kept by the clock) counts quiet seconds (SYNC-21); notes tell the transition invariants
 * where a vnode was queued (SYNC-05/07/08/16/17) and where a ctx was dereferenced (SYNC-12).
 */
import type { Kernel } from '../sim/prim.ts';
import { load, store, atomic_add_int, atomic_set_int, atomic_clear_int } from '../sim/atomics.ts';
import { tsleep, tsleep_interlock, wakeup, PINTERLOCKED } from '../sim/sleep.ts';
import { lwkt_reltoken, LK_EXCLUSIVE, LK_NOWAIT } from '../sim/locks.ts';
import { KKASSERT } from '../sim/panic.ts';
import { lifecycle, note } from '../sim/report.ts';
import type { Vnode } from '../env/vnode.ts';
import {
  HZ,
  LIST_FIRST,
  LIST_INSERT_HEAD,
  LIST_NEXT,
  LIST_REMOVE,
  MNTK_THR_SYNC,
  MNT_ASYNC,
  MNT_LAZY,
  MNT_NOWAIT,
  MNT_RDONLY,
  SC_FLAG_DONE,
  SC_FLAG_EXIT,
  SYNCER_MAXDELAY,
  VISDIRTY,
  VMSC_GETVP,
  VMSC_GETVX,
  VMSC_NOWAIT,
  VNON,
  VOBJDIRTY,
  VONWORKLST,
  vs,
  type Mount,
  type SyncerCtx,
} from './vfs_sync_state.ts';
import {
  VOP_FSYNC,
  VFS_SYNC,
  bio_ops_sync,
  getspecialvnode,
  hashdestroy,
  hashinit,
  kfree,
  kmalloc_syncer_ctx,
  kthread_create,
  lwkt_token_init,
  lwkt_trytoken,
  vdrop,
  vfs_busy,
  vfs_msync,
  vfs_unbusy,
  vget,
  vgone_vxlocked,
  vhold,
  vput,
  vx_get,
  vx_put,
  vx_unlock,
  VT_VFS,
  ctx_use,
  sc_modify,
  tsleep_hz,
  sc_gettoken,
} from '../env/syncer.ts';

/** vsetflags(vp, flags) [ext]: atomic_set_int(&vp->v_flag, flags) (sys/vnode.h). */
function* vsetflags(vp: Vnode, flags: number): Kernel<void> {
  yield* atomic_set_int(vp, 'v_flag', flags);
}

/** vclrflags(vp, flags) [ext]: atomic_clear_int(&vp->v_flag, flags) (sys/vnode.h). */
function* vclrflags(vp: Vnode, flags: number): Kernel<void> {
  yield* atomic_clear_int(vp, 'v_flag', flags);
}

/*
 * sysctl_kern_syncdelay (vfs_sync.c:125-141): a write of kern.syncdelay is clamped to
 * [1, SYNCER_MAXDELAY]; 32 is allowed. The model applies it to a scenario's `syncdelay`
 * parameter (the value an administrator wrote); filedelay, dirdelay, metadelay and retrydelay are
 * plain SYSCTL_INTs with no validation (vfs_sync.c:87-98).
 */
export function sysctl_kern_syncdelay(v: number): number {
  if (v < 1) v = 1; // vfs_sync.c:134-135
  if (v > SYNCER_MAXDELAY) v = SYNCER_MAXDELAY; // vfs_sync.c:136-137
  return v; // vfs_sync.c:138
}

/*
 * vn_syncer_count (vfs_sync.c:169-183): the number of vnodes on the mount's wheel, the syncer
 * vnode included; 0 without a ctx. An unlocked read.
 */
export function* vn_syncer_count(mp: Mount): Kernel<number> {
  let ctx: SyncerCtx | null;

  ctx = yield* load(mp, 'mnt_syncer_ctx'); // vfs_sync.c:179
  if (ctx) {
    const n = yield* load(ctx, 'syncer_count'); // vfs_sync.c:181
    ctx_use(ctx, 'vfs_sync.c:181');
    return n;
  }
  return 0; // vfs_sync.c:182
}

/*
 * vn_syncer_add (vfs_sync.c:185-221): move (or insert) vp to the slot `delay` seconds ahead of
 * delayno — clamped to SYNCER_MAXDELAY - 2, so never the slot being drained — or, for delay <= 0,
 * to the absolute slot -delay (vfs_sync.c:208-214). Under sc_token, which also protects
 * v_synclist and VONWORKLST; it must not block when the caller holds the token (token recursion,
 * vfs_sync.c:188-193).
 */
export function* vn_syncer_add(vp: Vnode, delay: number): Kernel<void> {
  let ctx: SyncerCtx;
  let slot: number;
  const asked = delay;

  ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:201
  yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:202
  ctx_use(ctx, 'vfs_sync.c:202');

  sc_modify(ctx, 'vfs_sync.c:204-218');
  if (vp.v_flag & VONWORKLST) { // vfs_sync.c:204
    LIST_REMOVE(ctx, vp); // vfs_sync.c:205
    --ctx.syncer_count; // vfs_sync.c:206
  }
  if (delay <= 0) { // vfs_sync.c:208
    slot = -delay & ctx.syncer_mask; // vfs_sync.c:209
  } else {
    if (delay > SYNCER_MAXDELAY - 2) delay = SYNCER_MAXDELAY - 2; // vfs_sync.c:211-212
    slot = (ctx.syncer_delayno + delay) & ctx.syncer_mask; // vfs_sync.c:213
  }

  LIST_INSERT_HEAD(ctx.syncer_workitem_pending[slot], vp); // vfs_sync.c:216
  yield* vsetflags(vp, VONWORKLST); // vfs_sync.c:217
  lifecycle(vp, 'VN_SYNCER_ADD');
  ++ctx.syncer_count; // vfs_sync.c:218
  note('vn_syncer_add', { ctx, vp, delay: asked, slot, delayno: ctx.syncer_delayno });

  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:220
}

/*
 * vn_syncer_remove (vfs_sync.c:223-252): take vp off the wheel if it is clean — no VISDIRTY, no
 * VOBJDIRTY, an empty dirty-buffer tree — rechecked under sc_token since taking the token may
 * block (vfs_sync.c:224-226); with `force` (forced unmount only) whatever its state. The caller
 * holds vp->v_token (vfs_sync.c:230), which protects the dirty tree.
 */
export function* vn_syncer_remove(vp: Vnode, force: number): Kernel<void> {
  let ctx: SyncerCtx;

  ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:237
  yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:238
  ctx_use(ctx, 'vfs_sync.c:238');

  if ((vp.v_flag & (VISDIRTY | VONWORKLST | VOBJDIRTY)) === VONWORKLST && vp.v_rbdirty_tree.length === 0) { // vfs_sync.c:240-241
    yield* vclrflags(vp, VONWORKLST); // vfs_sync.c:242
    lifecycle(vp, 'VN_SYNCER_REMOVE');
    sc_modify(ctx, 'vfs_sync.c:242-244');
    LIST_REMOVE(ctx, vp); // vfs_sync.c:243
    --ctx.syncer_count; // vfs_sync.c:244
  } else if (force && vp.v_flag & VONWORKLST) { // vfs_sync.c:245
    yield* vclrflags(vp, VONWORKLST); // vfs_sync.c:246
    lifecycle(vp, 'VN_SYNCER_REMOVE_FORCE');
    vp.g_gone = true;
    sc_modify(ctx, 'vfs_sync.c:246-248');
    LIST_REMOVE(ctx, vp); // vfs_sync.c:247
    --ctx.syncer_count; // vfs_sync.c:248
  }

  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:251
}

/*
 * vclrisdirty (vfs_sync.c:254-263): the inode is clean; leave the worklist if nothing else keeps
 * the vnode there. The VONWORKLST pre-test is unlocked: it can skip a removal when racing a
 * vsetisdirty that is re-adding, which leaves a clean vnode listed (spec §5.3; harmless).
 * "vnode must be locked" (vfs_sync.c:255).
 */
export function* vclrisdirty(vp: Vnode): Kernel<void> {
  yield* vclrflags(vp, VISDIRTY); // vfs_sync.c:260
  lifecycle(vp, 'CLR_ISDIRTY');
  if ((yield* load(vp, 'v_flag')) & VONWORKLST) // vfs_sync.c:261
    yield* vn_syncer_remove(vp, 0); // vfs_sync.c:262
}

/* vclrobjdirty (vfs_sync.c:265-271): the same for the VM object's dirtiness. */
export function* vclrobjdirty(vp: Vnode): Kernel<void> {
  yield* vclrflags(vp, VOBJDIRTY); // vfs_sync.c:268
  lifecycle(vp, 'CLR_OBJDIRTY');
  if ((yield* load(vp, 'v_flag')) & VONWORKLST) // vfs_sync.c:269
    yield* vn_syncer_remove(vp, 0); // vfs_sync.c:270
}

/*
 * vsetisdirty (vfs_sync.c:273-289): mark the inode dirty and make sure the vnode is on the
 * worklist. The flag is set first, then the membership is checked under sc_token: against a
 * concurrent vn_syncer_remove this keeps "dirty ⇒ listed" (SYNC-04, spec §5.3). "vnode must be
 * stable" (vfs_sync.c:274).
 */
export function* vsetisdirty(vp: Vnode): Kernel<void> {
  let ctx: SyncerCtx;

  if (((yield* load(vp, 'v_flag')) & VISDIRTY) === 0) { // vfs_sync.c:281
    ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:282
    yield* vsetflags(vp, VISDIRTY); // vfs_sync.c:283
    lifecycle(vp, 'SET_ISDIRTY');
    vp.g_dirtying += 1;
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:284
    ctx_use(ctx, 'vfs_sync.c:284');
    if ((vp.v_flag & VONWORKLST) === 0) // vfs_sync.c:285
      yield* vn_syncer_add(vp, vs().syncdelay); // vfs_sync.c:286
    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:287
    vp.g_dirtying -= 1;
    lifecycle(vp, 'DIRTY_WINDOW_CLOSE');
  }
}

/* vsetobjdirty (vfs_sync.c:291-304): the same for VOBJDIRTY. */
export function* vsetobjdirty(vp: Vnode): Kernel<void> {
  let ctx: SyncerCtx;

  if (((yield* load(vp, 'v_flag')) & VOBJDIRTY) === 0) { // vfs_sync.c:296
    ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:297
    yield* vsetflags(vp, VOBJDIRTY); // vfs_sync.c:298
    lifecycle(vp, 'SET_OBJDIRTY');
    vp.g_dirtying += 1;
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:299
    ctx_use(ctx, 'vfs_sync.c:299');
    if ((vp.v_flag & VONWORKLST) === 0) // vfs_sync.c:300
      yield* vn_syncer_add(vp, vs().syncdelay); // vfs_sync.c:301
    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:302
    vp.g_dirtying -= 1;
    lifecycle(vp, 'DIRTY_WINDOW_CLOSE');
  }
}

/*
 * vn_syncer_thr_create (vfs_sync.c:306-325): allocate a zeroed ctx, its 32-slot wheel and its
 * token, publish it in the mount, then start the syncer thread. The ctx is published before the
 * thread exists, so vnodes may be queued before the syncer runs; syncer_rushjob starts at 0 even
 * if the global rushjob is positive (spec §5.2).
 */
export function* vn_syncer_thr_create(mp: Mount): Kernel<void> {
  let ctx: SyncerCtx;
  const g = vs();

  ctx = kmalloc_syncer_ctx(mp); // vfs_sync.c:315 (M_WAITOK | M_ZERO)
  ctx.sc_mp = mp; // vfs_sync.c:316
  ctx.sc_flags = 0; // vfs_sync.c:317
  ctx.syncer_mask = hashinit(ctx, SYNCER_MAXDELAY); // vfs_sync.c:318-319
  ctx.syncer_delayno = 0; // vfs_sync.c:320
  lwkt_token_init(ctx.sc_token, 'syncer'); // vfs_sync.c:321
  mp.mnt_syncer_ctx = ctx; // vfs_sync.c:322
  g.syncalloc = (g.syncalloc + 1) & 0x7fffffff;
  yield* kthread_create(syncer_thread, ctx, `syncer${g.syncalloc}`); // vfs_sync.c:323-324
}

/*
 * vn_syncer_thr_stop (vfs_sync.c:327-354): under sc_token, request exit and wake the syncer, then
 * wait for its DONE — the tsleep is not interlocked, but the token is held at the check and
 * released only when this thread blocks (vfs_sync.c:346-347) — unpublish the ctx, and free it
 * only after DONE was seen.
 */
export function* vn_syncer_thr_stop(mp: Mount): Kernel<void> {
  let ctx: SyncerCtx | null;

  ctx = mp.mnt_syncer_ctx; // vfs_sync.c:335
  if (ctx === null) return; // vfs_sync.c:336-337

  yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:339

  // Signal the syncer process to exit (vfs_sync.c:341-343).
  ctx.sc_flags |= SC_FLAG_EXIT; // vfs_sync.c:342
  sc_modify(ctx, 'vfs_sync.c:342');
  yield* wakeup(ctx); // vfs_sync.c:343

  // Wait till the syncer process exits (vfs_sync.c:345-347).
  while ((ctx.sc_flags & SC_FLAG_DONE) === 0) // vfs_sync.c:346
    yield* tsleep(ctx.sc_flags_chan, 0, 'syncexit', HZ); // vfs_sync.c:347

  mp.mnt_syncer_ctx = null; // vfs_sync.c:349
  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:350

  hashdestroy(ctx); // vfs_sync.c:352
  kfree(ctx); // vfs_sync.c:353
}

/*
 * syncer_thread (vfs_sync.c:358-496): once a second, under sc_token, process the trigger (an
 * immediate lazy fsync of the syncer vnode), then drain the slot at delayno — each vnode is first
 * moved retrydelay slots ahead, atomically with reading the head, because the token is dropped
 * whenever vget or VOP_FSYNC blocks and vsyncscan/vn_syncer_one pull from the same lists
 * (vfs_sync.c:380-387) — then advance delayno. Exit on SC_FLAG_EXIT with the token held. Then
 * rush (rushjob) or sleep until the next second, interlocked against time_uptime and
 * syncer_trigger (vfs_sync.c:473-484).
 */
export function* syncer_thread(ctx: SyncerCtx): Kernel<void> {
  let slp: number; // the slot index of `struct synclist *slp`
  let vp: Vnode | null;
  let starttime: number;
  let sc_flags: number;
  // int vnodes_synced (vfs_sync.c:370): a count nothing reads, not modelled (it would grow forever).
  let delta: number;
  const g = vs();

  for (;;) {
    // kproc_suspend_loop() (vfs_sync.c:375): power management, not modelled.

    starttime = yield* load(g, 'time_uptime'); // vfs_sync.c:377
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:378
    ctx_use(ctx, 'vfs_sync.c:378');

    // Push files whose dirty time has expired (vfs_sync.c:380-388).
    slp = ctx.syncer_delayno; // vfs_sync.c:388

    // A trigger: a full filesystem sync now (vfs_sync.c:390-408).
    if (ctx.syncer_trigger) { // vfs_sync.c:395
      ctx.syncer_trigger = 0; // vfs_sync.c:396
      if (ctx.sc_mp && ctx.sc_mp.mnt_syncer) { // vfs_sync.c:397
        vp = ctx.sc_mp.mnt_syncer; // vfs_sync.c:398
        if (vp.v_flag & VONWORKLST) { // vfs_sync.c:399
          yield* vn_syncer_add(vp, g.retrydelay); // vfs_sync.c:400
          note('syncer_visit', { ctx, vp, slot: -1, who: 'trigger' });
          if ((yield* vget(vp, LK_EXCLUSIVE)) === 0) { // vfs_sync.c:401
            yield* VOP_FSYNC(vp, MNT_LAZY, 0); // vfs_sync.c:402
            yield* vput(vp); // vfs_sync.c:403 // vnodes_synced++ (vfs_sync.c:404)
            note('syncer_trigger_synced', { ctx, vp });
          }
        }
      }
    }

    // FSYNC items in this bucket (vfs_sync.c:410-428).
    while ((vp = LIST_FIRST(ctx.syncer_workitem_pending[slp])) !== null) { // vfs_sync.c:413
      yield* vn_syncer_add(vp, g.retrydelay); // vfs_sync.c:414
      note('syncer_visit', { ctx, vp, slot: slp, who: 'syncer' });
      note('syncer_vget', { ctx, vp, from: slp, who: 'syncer' });
      if (ctx.syncer_forced) { // vfs_sync.c:415
        if ((yield* vget(vp, LK_EXCLUSIVE)) === 0) { // vfs_sync.c:416
          yield* VOP_FSYNC(vp, MNT_NOWAIT, 0); // vfs_sync.c:417
          yield* vput(vp); // vfs_sync.c:418 // vnodes_synced++ (vfs_sync.c:419)
        }
      } else {
        if ((yield* vget(vp, LK_EXCLUSIVE | LK_NOWAIT)) === 0) { // vfs_sync.c:422
          yield* VOP_FSYNC(vp, MNT_LAZY, 0); // vfs_sync.c:423
          yield* vput(vp); // vfs_sync.c:424 // vnodes_synced++ (vfs_sync.c:425)
        }
      }
    }

    // Increment the slot upon completion (vfs_sync.c:430-435).
    const from = ctx.syncer_delayno;
    ctx.syncer_delayno = (ctx.syncer_delayno + 1) & ctx.syncer_mask; // vfs_sync.c:434-435
    sc_modify(ctx, 'vfs_sync.c:434-435');
    note('syncer_advance', { ctx, from });

    sc_flags = ctx.sc_flags; // vfs_sync.c:437

    // Exit on unmount (vfs_sync.c:439-441): with the token held.
    if (sc_flags & SC_FLAG_EXIT) break; // vfs_sync.c:440-441

    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:443

    // Do sync processing for each mount (vfs_sync.c:445-449).
    if (ctx.sc_mp) yield* bio_ops_sync(ctx.sc_mp); // vfs_sync.c:448-449

    // rushjob: process the next N seconds' worth of work ASAP (vfs_sync.c:451-471).
    delta = ((yield* load(g, 'rushjob')) - ctx.syncer_rushjob) | 0; // vfs_sync.c:461
    if (delta >>> 0 > (g.syncdelay / 2) >>> 0) { // vfs_sync.c:462: (u_int)delta > syncdelay / 2
      ctx.syncer_rushjob = (g.rushjob - ((g.syncdelay / 2) | 0)) | 0; // vfs_sync.c:463
      note('syncer_rush', { ctx });
      yield* tsleep(g.dummy, 0, 'rush', 1); // vfs_sync.c:464
      continue; // vfs_sync.c:465
    }
    if (delta) { // vfs_sync.c:467
      ++ctx.syncer_rushjob; // vfs_sync.c:468
      note('syncer_rush', { ctx });
      yield* tsleep(g.dummy, 0, 'rush', 1); // vfs_sync.c:469
      continue; // vfs_sync.c:470
    }

    // Normal operation: once a second, unless triggered (vfs_sync.c:473-484).
    if ((yield* load(g, 'time_uptime')) === starttime && (yield* load(ctx, 'syncer_trigger')) === 0) { // vfs_sync.c:477-478
      yield* tsleep_interlock(ctx, 0); // vfs_sync.c:479
      if ((yield* load(g, 'time_uptime')) === starttime && (yield* load(ctx, 'syncer_trigger')) === 0) { // vfs_sync.c:480-481
        // The hz timeout is the clock: the sleep times out once time_uptime passes starttime (env).
        yield* tsleep_hz(ctx, PINTERLOCKED, 'syncer', HZ, starttime); // vfs_sync.c:482
      }
    }
  }

  // Unmount/exit path; sc_token held (vfs_sync.c:487-495).
  ctx.sc_flags |= SC_FLAG_DONE; // vfs_sync.c:490
  sc_modify(ctx, 'vfs_sync.c:490');
  const sc_flagsp = ctx.sc_flags_chan; // vfs_sync.c:491
  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:492
  yield* wakeup(sc_flagsp); // vfs_sync.c:493
  // kthread_exit() (vfs_sync.c:495)
}


/*
 * vn_syncer_one (vfs_sync.c:498-545): a filesystem asks for one dirty vnode to be fsynced. delayno
 * is read without the token; the token is only tried. Look ahead at most syncdelay slots for a
 * head that is not the syncer vnode (taking the next entry if it is); move it retrydelay ahead,
 * then try to lock and lazily fsync it. Contrary to its comment (vfs_sync.c:534-536) the scan
 * goes on past a slot whose only entry is the syncer vnode.
 */
export function* vn_syncer_one(mp: Mount): Kernel<void> {
  let ctx: SyncerCtx;
  let slp: number;
  let vp: Vnode | null;
  let i: number;
  let n = vs().syncdelay; // vfs_sync.c:510

  ctx = mp.mnt_syncer_ctx!; // vfs_sync.c:512
  i = (yield* load(ctx, 'syncer_delayno')) & ctx.syncer_mask; // vfs_sync.c:513-514
  ctx_use(ctx, 'vfs_sync.c:513');

  if ((yield* lwkt_trytoken(ctx.sc_token)) === 0) return; // vfs_sync.c:516-517

  // Look ahead on our syncer time array (vfs_sync.c:519-531).
  do {
    slp = i; // vfs_sync.c:523
    vp = LIST_FIRST(ctx.syncer_workitem_pending[slp]); // vfs_sync.c:524
    if (vp && vp.v_type === VNON) vp = LIST_NEXT(ctx.syncer_workitem_pending[slp], vp); // vfs_sync.c:525-526
    if (vp) break; // vfs_sync.c:527-528
    i = (i + 1) & ctx.syncer_mask; // vfs_sync.c:529
  } while (--n); // vfs_sync.c:531

  // Process one vnode (vfs_sync.c:533-543).
  if (vp) {
    yield* vn_syncer_add(vp, vs().retrydelay); // vfs_sync.c:538
    note('syncer_visit', { ctx, vp, slot: slp, who: 'one' });
    note('syncer_vget', { ctx, vp, from: slp, who: 'one' });
    if ((yield* vget(vp, LK_EXCLUSIVE | LK_NOWAIT)) === 0) { // vfs_sync.c:539
      yield* VOP_FSYNC(vp, MNT_LAZY, 0); // vfs_sync.c:540
      yield* vput(vp); // vfs_sync.c:541
    }
  }
  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:544
}

/*
 * speedup_syncer (vfs_sync.c:547-562): ask the syncer(s) to rush. No token: the wakeup only uses
 * the ctx's address, so racing with vn_syncer_thr_stop's kfree is harmless here.
 */
export function* speedup_syncer(mp: Mount | null): Kernel<void> {
  yield* atomic_add_int(vs(), 'rushjob', 1); // vfs_sync.c:558
  // ++stat_rush_requests (vfs_sync.c:559): a statistic nobody reads, not modelled.
  if (mp && (yield* load(mp, 'mnt_syncer_ctx'))) // vfs_sync.c:560
    yield* wakeup((yield* load(mp, 'mnt_syncer_ctx'))!); // vfs_sync.c:561
}

/*
 * trigger_syncer (vfs_sync.c:564-578): request a full sync now. No token: the store into
 * ctx->syncer_trigger can race with vn_syncer_thr_stop freeing the ctx.
 */
export function* trigger_syncer(mp: Mount | null): Kernel<void> {
  let ctx: SyncerCtx | null;

  if (mp === null) return;
  ctx = yield* load(mp, 'mnt_syncer_ctx'); // vfs_sync.c:572
  if (ctx !== null) {
    if ((yield* load(ctx, 'syncer_trigger')) === 0) { // vfs_sync.c:573
      ctx_use(ctx, 'vfs_sync.c:573');
      yield* store(ctx, 'syncer_trigger', 1); // vfs_sync.c:574
      ctx_use(ctx, 'vfs_sync.c:574');
      yield* wakeup(ctx); // vfs_sync.c:575
    }
  }
}

/*
 * vfs_allocate_syncvnode (vfs_sync.c:602-656): create the mount's syncer vnode (type VNON) and
 * queue it, spread over the wheel by the unlocked statics start/incr/next (a binary subdivision:
 * 16, 8, 24, 4, ...). A delay of next % syncdelay == 0 means the absolute slot 0. The
 * mount's mnt_syncer inherits the vnode reference.
 */
export function* vfs_allocate_syncvnode(mp: Mount): Kernel<number> {
  let vp: Vnode;
  let error: number;
  const g = vs();

  // Allocate a new vnode (vfs_sync.c:617-622).
  const r = yield* getspecialvnode(VT_VFS, mp); // vfs_sync.c:618
  error = r[0];
  if (error) {
    mp.mnt_syncer = null; // vfs_sync.c:620
    return error; // vfs_sync.c:621
  }
  vp = r[1]!;
  vp.v_type = VNON; // vfs_sync.c:623

  // Scatter the syncer vnodes about the wheel (vfs_sync.c:624-639); the statics are unlocked.
  g.next += g.incr; // vfs_sync.c:630
  if (g.next === 0 || g.next > SYNCER_MAXDELAY) { // vfs_sync.c:631
    g.start = (g.start / 2) | 0; // vfs_sync.c:632
    g.incr = (g.incr / 2) | 0; // vfs_sync.c:633
    if (g.start === 0) { // vfs_sync.c:634
      g.start = SYNCER_MAXDELAY / 2; // vfs_sync.c:635
      g.incr = SYNCER_MAXDELAY; // vfs_sync.c:636
    }
    g.next = g.start; // vfs_sync.c:638
  }

  // Only with a syncer thread (vfs_sync.c:641-647).
  if (mp.mnt_syncer_ctx) { // vfs_sync.c:646
    const next = g.next;
    yield* vn_syncer_add(vp, g.syncdelay > 0 ? next % g.syncdelay : 0); // vfs_sync.c:647
    note('syncvnode_placed', { ctx: mp.mnt_syncer_ctx, vp, next });
  }

  // mnt_syncer inherits the vnode reference (vfs_sync.c:649-653).
  mp.mnt_syncer = vp; // vfs_sync.c:653
  yield* vx_unlock(vp); // vfs_sync.c:654
  return 0; // vfs_sync.c:655
}

/* sync_close (vfs_sync.c:658-662). */
export function* sync_close(_vp: Vnode): Kernel<number> {
  return 0; // vfs_sync.c:661
}

/*
 * sync_fsync (vfs_sync.c:664-708): a lazy sync of the filesystem. Only MNT_LAZY does anything:
 * move the syncer vnode to the back of the wheel (syncdelay ahead — which is why the trigger's
 * "next full sync in 1 second" does not hold, A-11), then, unless the mount is busy, msync and
 * VFS_SYNC(MNT_NOWAIT | MNT_LAZY) with MNT_ASYNC cleared around them (a non-atomic mnt_flag update).
 */
export function* sync_fsync(syncvp: Vnode, waitfor: number): Kernel<number> {
  const mp = syncvp.v_mount!; // vfs_sync.c:673
  let asyncflag: number;

  // Only a lazy evaluation does something (vfs_sync.c:676-680).
  if ((waitfor & MNT_LAZY) === 0) return 0; // vfs_sync.c:679-680

  // Move ourselves to the back of the sync list (vfs_sync.c:682-685).
  yield* vn_syncer_add(syncvp, vs().syncdelay); // vfs_sync.c:685

  // Push the dirty vnodes (vfs_sync.c:687-706).
  if ((yield* vfs_busy(mp, LK_NOWAIT)) !== 0) return 0; // vfs_sync.c:694-695
  if (mp.mnt_flag & MNT_RDONLY) { // vfs_sync.c:696
    yield* vfs_msync(mp, MNT_NOWAIT); // vfs_sync.c:697
  } else {
    asyncflag = mp.mnt_flag & MNT_ASYNC; // vfs_sync.c:699
    mp.mnt_flag &= ~MNT_ASYNC; // vfs_sync.c:700 ("ZZZ hack")
    yield* vfs_msync(mp, MNT_NOWAIT); // vfs_sync.c:701
    yield* VFS_SYNC(mp, MNT_NOWAIT | MNT_LAZY); // vfs_sync.c:702
    if (asyncflag) mp.mnt_flag |= MNT_ASYNC; // vfs_sync.c:703-704
  }
  yield* vfs_unbusy(mp); // vfs_sync.c:706
  return 0; // vfs_sync.c:707
}

/* sync_inactive (vfs_sync.c:710-720): the syncer vnode is no longer referenced: destroy it. */
export function* sync_inactive(vp: Vnode): Kernel<number> {
  yield* vgone_vxlocked(vp); // vfs_sync.c:718
  return 0; // vfs_sync.c:719
}

/*
 * sync_reclaim (vfs_sync.c:722-753): the syncer vnode is decommissioned, which happens only once
 * mnt_syncer no longer points at it; unlink it from the wheel under sc_token (the wheel holds no
 * reference). Without a ctx it cannot be on a wheel.
 */
export function* sync_reclaim(vp: Vnode): Kernel<number> {
  let ctx: SyncerCtx | null;

  ctx = vp.v_mount!.mnt_syncer_ctx; // vfs_sync.c:738
  if (ctx) { // vfs_sync.c:739
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:740
    ctx_use(ctx, 'vfs_sync.c:740');
    KKASSERT(vp.v_mount!.mnt_syncer !== vp, 'vfs_sync.c:741', 'vp->v_mount->mnt_syncer != vp');
    if (vp.v_flag & VONWORKLST) { // vfs_sync.c:742
      LIST_REMOVE(ctx, vp); // vfs_sync.c:743
      yield* vclrflags(vp, VONWORKLST); // vfs_sync.c:744
      lifecycle(vp, 'SYNC_RECLAIM_UNLINK');
      vp.g_gone = true;
      sc_modify(ctx, 'vfs_sync.c:743-745');
      --ctx.syncer_count; // vfs_sync.c:745
    }
    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:747
  } else {
    KKASSERT((vp.v_flag & VONWORKLST) === 0, 'vfs_sync.c:749', '(vp->v_flag & VONWORKLST) == 0');
  }
  return 0; // vfs_sync.c:752
}

/*
 * vsyncscan (vfs_sync.c:755-837): call slowfunc on every vnode of the wheel, slot by slot from
 * delayno, holding each by vget (GETVP, NOWAIT if asked), vx_get (GETVX) or vhold. Without
 * VMSC_NOWAIT the syncer is made non-lazy meanwhile (syncer_forced). The requeue rule: vp is
 * moved to the absolute slot (i + syncdelay) & mask only if it is still the head of slot i — if
 * not, slowfunc or another thread moved, removed or reclaimed it and vp may be invalid
 * (vfs_sync.c:822-828). At syncdelay = 32 that slot is i itself: the loop never ends.
 */
export function* vsyncscan(mp: Mount, vmsc_flags: number, slowfunc: (mp: Mount, vp: Vnode, data: unknown) => Kernel<number>, data: unknown): Kernel<number> {
  let ctx: SyncerCtx;
  let slp: number;
  let vp: Vnode | null;
  let i: number;
  let count: number;
  let lkflags: number;

  if (vmsc_flags & VMSC_NOWAIT) lkflags = LK_NOWAIT; // vfs_sync.c:781-782
  else lkflags = 0; // vfs_sync.c:783-784

  // This API requires a dedicated syncer thread (vfs_sync.c:786-792).
  KKASSERT(mp.mnt_kern_flag & MNTK_THR_SYNC, 'vfs_sync.c:790', 'mp->mnt_kern_flag & MNTK_THR_SYNC');
  note('vsyncscan_enter', { mp });
  ctx = mp.mnt_syncer_ctx!; // vfs_sync.c:791
  yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:792
  ctx_use(ctx, 'vfs_sync.c:792');

  // Allow races against the syncer thread, but make it non-lazy if we are not (vfs_sync.c:794-801).
  i = ctx.syncer_delayno & ctx.syncer_mask; // vfs_sync.c:799
  if ((vmsc_flags & VMSC_NOWAIT) === 0) ++ctx.syncer_forced; // vfs_sync.c:800-801
  sc_modify(ctx, 'vfs_sync.c:800-801');
  for (count = 0; count <= ctx.syncer_mask; ++count) { // vfs_sync.c:802
    slp = i; // vfs_sync.c:803

    while ((vp = LIST_FIRST(ctx.syncer_workitem_pending[slp])) !== null) { // vfs_sync.c:805
      KKASSERT(vp.v_mount === mp, 'vfs_sync.c:806', 'vp->v_mount == mp');
      if (vmsc_flags & VMSC_GETVP) { // vfs_sync.c:807
        if ((yield* vget(vp, LK_EXCLUSIVE | lkflags)) === 0) { // vfs_sync.c:808
          yield* slowfunc(mp, vp, data); // vfs_sync.c:809
          yield* vput(vp); // vfs_sync.c:810
        }
      } else if (vmsc_flags & VMSC_GETVX) { // vfs_sync.c:812
        yield* vx_get(vp); // vfs_sync.c:813
        yield* slowfunc(mp, vp, data); // vfs_sync.c:814
        yield* vx_put(vp); // vfs_sync.c:815
      } else {
        yield* vhold(vp); // vfs_sync.c:817
        yield* slowfunc(mp, vp, data); // vfs_sync.c:818
        yield* vdrop(vp); // vfs_sync.c:819
      }

      // vp could be invalid; if it is still the head it is clearly valid (vfs_sync.c:822-828).
      if (LIST_FIRST(ctx.syncer_workitem_pending[slp]) === vp) { // vfs_sync.c:827
        yield* vn_syncer_add(vp, -(i + vs().syncdelay)); // vfs_sync.c:828
        note('vsyncscan_requeue', { ctx, vp, slot: slp, wasHead: true });
      }
    }
    i = (i + 1) & ctx.syncer_mask; // vfs_sync.c:830
  }

  if ((vmsc_flags & VMSC_NOWAIT) === 0) --ctx.syncer_forced; // vfs_sync.c:833-834
  sc_modify(ctx, 'vfs_sync.c:833-834');
  yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:835
  return 0; // vfs_sync.c:836
}

/* sync_print (vfs_sync.c:839-853): printing only, not modelled. */

/** The seed functions a patch module may replace, by name. */
export const seedFunctions = {
  vn_syncer_count,
  vn_syncer_add,
  vn_syncer_remove,
  vclrisdirty,
  vclrobjdirty,
  vsetisdirty,
  vsetobjdirty,
  vn_syncer_thr_create,
  vn_syncer_thr_stop,
  syncer_thread,
  vn_syncer_one,
  speedup_syncer,
  trigger_syncer,
  vfs_allocate_syncvnode,
  sync_close,
  sync_fsync,
  sync_inactive,
  sync_reclaim,
  vsyncscan,
};
