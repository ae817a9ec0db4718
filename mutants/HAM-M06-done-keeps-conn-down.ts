'use kernel';
/** HAM-MUT-06: hammer_flush_inode_done never clears CONN_DOWN (hammer_inode.c:2667 deleted). */
import type { MutantMeta } from './types.ts';
import { hammer_lock_ex, hammer_unlock, mountOf } from '../impl/env/hammer_object.ts';
import { hammer_flush_inode, hammer_inode_dirty, hammer_rel_inode, sync_flags_and } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_SIGNAL, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_INODE_BUFS, HAMMER_INODE_DDIRTY, HAMMER_INODE_FLUSHW, HAMMER_INODE_MODMASK, HAMMER_INODE_MODMASK_NOXDIRTY, HAMMER_INODE_REFLUSH, HAMMER_INODE_RESIGNAL, HAMMER_INODE_RSV_INODES, HAMMER_INODE_SLAVEFLUSH, HAMMER_INODE_TRUNCATED, HAMMER_INODE_WOULDBLOCK, HAMMER_INODE_XDIRTY, type HammerFlushGroup, type HammerInode, type HammerMount, hg } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { wakeup } from '../impl/sim/sleep.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-06",
  "title": "completion never clears CONN_DOWN (behaviourally equivalent, A-7)",
  "description": "W3: fsync(F) finds D FLUSH in the earlier group G1, so F gets CONN_DOWN (:1822, :2054); F is later flushed in G2 with R, R is pruned from F's target_list (:2931-2933), and completion returns with an empty target_list and CONN_DOWN still set: HINO-24. CONN_DOWN is never read in live code (A-7): with HINO-24 skipped, the scenario explores completely with no violation, with and without conformance — the check that the transition-assertion layer is active.",
  "cite": [
    "hammer_inode.c:2667"
  ],
  "expect": "killed",
  "killedBy": [
    "HINO-24"
  ],
  "scenario": "hammer-w3-create-split",
  "params": {}
};

function fls_remove(flg: HammerFlushGroup, ip: HammerInode, cite: string): void {
  const i = flg.flush_tree.indexOf(ip);
  KKASSERT(i >= 0, cite, 'ip in flg->flush_tree');
  flg.flush_tree.splice(i, 1);
  ip.rb_flsnode = null;
}

export default {
  *hammer_flush_inode_done(ip: HammerInode, error: number): Kernel<void> {
    let hmp: HammerMount;
    let dorel: number;
    let flg: HammerFlushGroup;
    let reflushSet: boolean;
    let clean: boolean;
    let consumed: number;
    let wouldblock: boolean;

    note('hino_done_enter', { ip, reflush: (ip.flags & HAMMER_INODE_REFLUSH) !== 0 });
    KKASSERT(ip.flush_state === HAMMER_FST_FLUSH, 'hammer_inode.c:2518', 'ip->flush_state == HAMMER_FST_FLUSH');

    hmp = mountOf(ip); // hammer_inode.c:2520
    reflushSet = (ip.flags & HAMMER_INODE_REFLUSH) !== 0;
    clean = false;
    consumed = 0;
    wouldblock = false;

    if (ip.sync_flags & HAMMER_INODE_MODMASK) { // hammer_inode.c:2527
      ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2528
      reflushSet = true;
    }
    lifecycle(ip, 'DONE_MERGE');

    ip.error = error; // hammer_inode.c:2534
    ip.flags |= ip.sync_flags & ~HAMMER_INODE_TRUNCATED; // hammer_inode.c:2535
    if (ip.sync_flags & HAMMER_INODE_MODMASK_NOXDIRTY & ~HAMMER_INODE_TRUNCATED) lifecycle(ip, 'MODIFY_INODE');
    if (ip.sync_flags & HAMMER_INODE_XDIRTY) lifecycle(ip, 'MODIFY_XDIRTY');
    sync_flags_and(ip, HAMMER_INODE_TRUNCATED); // hammer_inode.c:2536

    if (ip.ino_nlinks !== ip.sync_ino_nlinks) { // hammer_inode.c:2542
      ip.flags |= HAMMER_INODE_DDIRTY; // hammer_inode.c:2543
      lifecycle(ip, 'MODIFY_INODE');
    }

    if (ip.vp !== null && ip.vp.v_rbdirty_tree.length > 0) { // hammer_inode.c:2548
      ip.flags |= HAMMER_INODE_BUFS; // hammer_inode.c:2549
      lifecycle(ip, 'MODIFY_INODE');
    }
    // hammer_redo_fifo_end_flush(ip) (hammer_inode.c:2551): REDO not modelled.

    KKASSERT(
      (ip.rec_tree.length === 0 && (ip.flags & HAMMER_INODE_XDIRTY) === 0) || (ip.rec_tree.length > 0 && (ip.flags & HAMMER_INODE_XDIRTY) !== 0),
      'hammer_inode.c:2557-2560',
      '(RB_EMPTY(&ip->rec_tree) && (ip->flags & XDIRTY) == 0) || (!RB_EMPTY(&ip->rec_tree) && (ip->flags & XDIRTY) != 0)',
    );

    if (ip.flags & HAMMER_INODE_MODMASK) { // hammer_inode.c:2570
      if (ip.vp === null) { // hammer_inode.c:2571
        ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2572
        reflushSet = true;
      }
    } else {
      ip.flags &= ~HAMMER_INODE_REFLUSH; // hammer_inode.c:2574
      clean = true;
    }
    lifecycle(ip, 'DONE_REFLUSH_RULE');

    if (ip.flags & HAMMER_INODE_MODMASK) { // hammer_inode.c:2586
      yield* hammer_lock_ex(ip.lock); // hammer_inode.c:2587
      yield* hammer_inode_dirty(ip); // hammer_inode.c:2588
      yield* hammer_unlock(ip.lock); // hammer_inode.c:2589
    }

    if (ip.flags & HAMMER_INODE_WOULDBLOCK) { // hammer_inode.c:2595
      ip.flags &= ~HAMMER_INODE_WOULDBLOCK; // hammer_inode.c:2605
      dorel = 0; // hammer_inode.c:2606
      wouldblock = true;
      lifecycle(ip, 'FLUSH_INODE_DONE_WOULDBLOCK');
    } else {
      flg = ip.flush_group!;
      note('hino_leave_group', { ip, flg });
      fls_remove(flg, ip, 'hammer_inode.c:2611'); // hammer_inode.c:2611
      ip.flush_group = null; // hammer_inode.c:2612
      lifecycle(flg, 'FLUSH_INODE_DONE');

      // hammer_inode.c:2614-2622: VHELD is #if 0.
      --hmp.count_iqueued; // hammer_inode.c:2623
      --hg().hammer_count_iqueued; // hammer_inode.c:2624

      if (ip.target_list.length === 0 && ip.rec_tree.length === 0) { // hammer_inode.c:2629
        ip.flush_state = HAMMER_FST_IDLE; // hammer_inode.c:2630
        dorel = 1; // hammer_inode.c:2631
        ip.g_holders += 1; // ghost: the state reference is now in hand, returned at :2681
        lifecycle(ip, 'FLUSH_INODE_DONE');
      } else {
        ip.flush_state = HAMMER_FST_SETUP; // hammer_inode.c:2633
        dorel = 0; // hammer_inode.c:2634
        lifecycle(ip, 'FLUSH_INODE_DONE_SETUP');
      }

      if (ip.flags & HAMMER_INODE_FLUSHW) { // hammer_inode.c:2641
        ip.flags &= ~HAMMER_INODE_FLUSHW; // hammer_inode.c:2642
        yield* wakeup(ip); // hammer_inode.c:2643 (&ip->flags)
      }

      if (ip.flags & HAMMER_INODE_REFLUSH) { // hammer_inode.c:2652
        ip.flags &= ~HAMMER_INODE_REFLUSH; // hammer_inode.c:2653
        note('hino_done_reflush', { ip });
        consumed += 1;
        lifecycle(ip, 'CONSUME_REFLUSH');
        if (ip.flags & HAMMER_INODE_RESIGNAL) { // hammer_inode.c:2654
          ip.flags &= ~HAMMER_INODE_RESIGNAL; // hammer_inode.c:2655
          yield* hammer_flush_inode(ip, HAMMER_FLUSH_SIGNAL); // hammer_inode.c:2656
        } else {
          yield* hammer_flush_inode(ip, 0); // hammer_inode.c:2658
        }
      }
    }

    // MUTANT: `if (TAILQ_EMPTY(&ip->target_list)) ip->flags &= ~HAMMER_INODE_CONN_DOWN;` (hammer_inode.c:2666-2667) is deleted.

    if ((ip.flags & HAMMER_INODE_MODMASK) === 0 && ip.flags & HAMMER_INODE_RSV_INODES) { // hammer_inode.c:2672-2673
      ip.flags &= ~HAMMER_INODE_RSV_INODES; // hammer_inode.c:2674
      --hmp.rsv_inodes; // hammer_inode.c:2675
    }

    ip.flags &= ~HAMMER_INODE_SLAVEFLUSH; // hammer_inode.c:2678

    note('hino_done_exit', { ip, wouldblock, reflushSet, consumed, clean, targetEmpty: ip.target_list.length === 0, flags: ip.flags });
    if (dorel) // hammer_inode.c:2680
      yield* hammer_rel_inode(ip, 0, 1); // hammer_inode.c:2681
  },
};
