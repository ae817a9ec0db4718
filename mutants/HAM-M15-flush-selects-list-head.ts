'use kernel';
/** HAM-MUT-15: hammer_flush_inode selects TAILQ_FIRST(&hmp->flush_group_list) instead of the fill group (hammer_inode.c:1746). */
import type { MutantMeta } from './types.ts';
import { flg_next, hammer_flusher_async, hammer_flusher_kmalloc_group } from '../impl/env/hammer_flusher.ts';
import { mountOf } from '../impl/env/hammer_object.ts';
import { hammer_rel_inode, seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_SIGNAL, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_INODE_CONN_DOWN, HAMMER_INODE_MODMASK, HAMMER_INODE_REFLUSH, HAMMER_INODE_RESIGNAL, type HammerFlushGroup, type HammerInode, type HammerMount, hg } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-15",
  "title": "hammer_flush_inode selects the head of flush_group_list instead of the fill group",
  "description": "W12: completion re-flushes F (REFLUSH from the flush request made while F was queued) while G1 is running; the mutant picks G1, the head of the list, instead of the fill group the flusher advanced past it: the KKASSERT at hammer_inode.c:1747 (flg->running == 0) / HFLG-02 / HFLG-03 / :2215 / HREC-14.",
  "cite": [
    "hammer_inode.c:1746"
  ],
  "expect": "killed",
  "killedBy": [
    "hammer_inode.c:1747",
    "HFLG-02",
    "HFLG-03",
    "hammer_inode.c:2215",
    "HREC-14"
  ],
  "scenario": "hammer-w12-reflush-during-run",
  "params": {}
};

export default {
  *hammer_flush_inode(ip: HammerInode, flags: number): Kernel<void> {
    let hmp: HammerMount;
    let flg: HammerFlushGroup | null;
    let good: number;

    note('hino_flush_enter', { ip, refs: ip.lock.refs, state: ip.flush_state });
    hmp = mountOf(ip); // hammer_inode.c:1745
    for (;;) { // hammer_inode.c:1746
      flg = hmp.flush_group_list.length > 0 ? hmp.flush_group_list[0] : null; // MUTANT: was `flg = hmp->fill_flush_group` (hammer_inode.c:1746); now TAILQ_FIRST(&hmp->flush_group_list)
      if (flg === null) break;
      KKASSERT(flg.running === 0, 'hammer_inode.c:1747', 'flg->running == 0');
      if (flg.total_count + flg.refs <= hmp.undo_rec_limit && flg.total_count <= hg().hammer_autoflush) { // hammer_inode.c:1748-1749
        note('hflg_select', { flg, total: flg.total_count, refs: flg.refs });
        break; // hammer_inode.c:1750
      }
      hmp.fill_flush_group = flg_next(hmp, flg); // hammer_inode.c:1752
      yield* hammer_flusher_async(hmp, flg); // hammer_inode.c:1753
    }
    if (flg === null) { // hammer_inode.c:1755
      flg = yield* hammer_flusher_kmalloc_group(hmp); // hammer_inode.c:1756
      lifecycle(flg, 'GROUP_ALLOC');
      flg.seq = hmp.flusher_next++; // hammer_inode.c:1757
      if (hmp.next_flush_group === null) // hammer_inode.c:1758
        hmp.next_flush_group = flg; // hammer_inode.c:1759
      if (hmp.fill_flush_group === null) // hammer_inode.c:1760
        hmp.fill_flush_group = flg; // hammer_inode.c:1761
      flg.flush_tree = []; // hammer_inode.c:1762
      hmp.flush_group_list.push(flg); // hammer_inode.c:1763
    }

    if ((ip.flags & HAMMER_INODE_MODMASK) === 0) { // hammer_inode.c:1774
      if (ip.flush_state === HAMMER_FST_SETUP && ip.target_list.length === 0) { // hammer_inode.c:1775-1776
        ip.flush_state = HAMMER_FST_IDLE; // hammer_inode.c:1777
        ip.g_holders += 1; // ghost: the state reference is now in hand, returned at :1778
        lifecycle(ip, 'FLUSH_INODE_CLEAN');
        yield* hammer_rel_inode(ip, 0, 1); // hammer_inode.c:1778
      }
      if (ip.flush_state === HAMMER_FST_IDLE) // hammer_inode.c:1780
        return; // hammer_inode.c:1781
    }

    switch (ip.flush_state) { // hammer_inode.c:1787
      case HAMMER_FST_IDLE: // hammer_inode.c:1788
        yield* seedFunctions.hammer_flush_inode_core(ip, flg, flags); // hammer_inode.c:1794
        break;
      case HAMMER_FST_SETUP: // hammer_inode.c:1796
        good = yield* seedFunctions.hammer_setup_parent_inodes(ip, 0, flg); // hammer_inode.c:1805

        if (good >= 0) { // hammer_inode.c:1807
          yield* seedFunctions.hammer_flush_inode_core(ip, flg, flags); // hammer_inode.c:1813
        } else {
          ip.flags |= HAMMER_INODE_CONN_DOWN | HAMMER_INODE_REFLUSH; // hammer_inode.c:1822-1823
          note('hino_conn_down', { ip, targets: ip.target_list.length });
          if (flags & HAMMER_FLUSH_SIGNAL) { // hammer_inode.c:1824
            ip.flags |= HAMMER_INODE_RESIGNAL; // hammer_inode.c:1825
            lifecycle(ip, 'SETUP_CONN_DOWN_SIGNAL');
            yield* hammer_flusher_async(hmp, flg); // hammer_inode.c:1826
          } else {
            lifecycle(ip, 'SETUP_CONN_DOWN');
          }
        }
        break;
      case HAMMER_FST_FLUSH: // hammer_inode.c:1830
        if ((ip.flags & HAMMER_INODE_REFLUSH) === 0) // hammer_inode.c:1838
          ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:1839
        if (flags & HAMMER_FLUSH_SIGNAL) { // hammer_inode.c:1840
          ip.flags |= HAMMER_INODE_RESIGNAL; // hammer_inode.c:1841
          lifecycle(ip, 'RESIGNAL');
          yield* hammer_flusher_async(hmp, flg); // hammer_inode.c:1842
        } else {
          lifecycle(ip, 'REFLUSH');
        }
        break;
    }
  },
};
