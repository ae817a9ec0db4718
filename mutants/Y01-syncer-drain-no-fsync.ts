'use kernel';
/** Y01: syncer_thread drains its slot without VOP_FSYNC (vfs_sync.c:417, vfs_sync.c:423 deleted). */
import type { MutantMeta } from './types.ts';
import { load, tsleep, tsleep_interlock, wakeup, PINTERLOCKED, lwkt_reltoken, LK_EXCLUSIVE, LK_NOWAIT, note, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { HZ, LIST_FIRST, MNT_LAZY, SC_FLAG_DONE, SC_FLAG_EXIT, VONWORKLST, vs, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { VOP_FSYNC, bio_ops_sync, ctx_use, sc_gettoken, sc_modify, tsleep_hz, vget, vput } from '../impl/env/syncer.ts';
import { vn_syncer_add } from '../impl/kernel/vfs_sync.ts';

export const meta: MutantMeta = {
  id: 'Y01',
  title: 'the syncer drains its slots without fsyncing what it finds',
  description:
    'The end-to-end liveness check, shown to fire: the syncer still moves every vnode of the slot it drains (and locks it) but never calls VOP_FSYNC on it — so neither the buffer-cache vnode\'s delayed write nor the syncer vnode\'s VFS_SYNC happens. After a full turn of the wheel with no writer left, the block is still dirty: SYNC-21 (not in spec §7; an extra mutant for the cross-subsystem property).',
  cite: ['vfs_sync.c:415-427'],
  expect: 'killed',
  killedBy: ['SYNC-21'],
  scenario: 'mixed',
  params: {},
};


export default {
  *syncer_thread(ctx: SyncerCtx): Kernel<void> {
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
            // MUTANT: VOP_FSYNC(vp, MNT_NOWAIT, 0) (vfs_sync.c:417) is gone.
            yield* vput(vp); // vfs_sync.c:418 // vnodes_synced++ (vfs_sync.c:419)
          }
        } else {
          if ((yield* vget(vp, LK_EXCLUSIVE | LK_NOWAIT)) === 0) { // vfs_sync.c:422
            // MUTANT: VOP_FSYNC(vp, MNT_LAZY, 0) (vfs_sync.c:423) is gone.
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
  },
};
