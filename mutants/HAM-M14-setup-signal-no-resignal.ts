'use kernel';
/** HAM-MUT-14: a SIGNAL flush of a SETUP inode without connectivity does not set RESIGNAL (hammer_inode.c:1825 deleted), the group is still queued. */
import type { MutantMeta } from './types.ts';
import { flg_next, hammer_flusher_async, hammer_flusher_kmalloc_group } from '../impl/env/hammer_flusher.ts';
import { mountOf } from '../impl/env/hammer_object.ts';
import { hammer_rel_inode, seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_SIGNAL, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_INODE_CONN_DOWN, HAMMER_INODE_MODMASK, HAMMER_INODE_REFLUSH, HAMMER_INODE_RESIGNAL, type HammerFlushGroup, type HammerInode, type HammerMount, hg } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-14",
  "title": "SETUP without connectivity drops the fsync signal",
  "description": "W3: fsync(F) on the SETUP F without connectivity (its parent D is FLUSH in G1) sets CONN_DOWN|REFLUSH and queues the group, but not RESIGNAL, so hammer_wait_inode (:2455-2457) returns at once while F's creation is still only in memory: HINO-26 (fsync returns with F's DDIRTY still pending). With conformance the hammerInode machine catches the flush step itself (CONF:hammerInode: SETUP_CONN_DOWN_SIGNAL leads to resignal, the object has none) — an earlier catch of the same bug.",
  "cite": [
    "hammer_inode.c:1825"
  ],
  "expect": "killed",
  "killedBy": [
    "CONF:hammerInode",
    "HINO-26"
  ],
  "scenario": "hammer-w3-create-split",
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
      flg = hmp.fill_flush_group;
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
            // MUTANT: `ip->flags |= HAMMER_INODE_RESIGNAL;` (hammer_inode.c:1825) is deleted.
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
