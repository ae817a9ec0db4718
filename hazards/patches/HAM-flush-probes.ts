'use kernel';
/**
 * HAMMER hazard probes (docs/hazards.md, "HAMMER (hammer_inode.c)"): copies of the seed's
 * hammer_flush_inode and hammer_rel_inode, unchanged in logic, with probe panics that fire when a
 * benign-but-real behaviour of Appendix A happens. Which probe is armed is chosen by the hazard
 * scenario (sim.options.hamProbe), so one module serves several hazards:
 * - 'HA-4': a flush-group allocation slept in kmalloc (hammer_inode.c:1756) and, meanwhile,
 *   another allocation installed a fill group (:1760-1761 then finds it set): two new groups, and
 *   this caller fills the one that is not the fill group;
 * - 'HA-16': a flush request on a clean IDLE inode returns at :1781 after group selection
 *   allocated a new group (or closed the old fill group) for nothing;
 * - 'HX-3': the :1775-1778 shortcut releases the caller's last reference (refs 1 before
 *   hammer_rel_inode): the inode would be unloaded and freed before :1780 reads it;
 * - 'HA-12': the :1775-1778 shortcut is taken while a waiter sleeps in hammer_wait_inode (FLUSHW
 *   set): nothing wakes it (FLUSHW waiters are woken only at completion, :2641-2644);
 * - 'HA-14': hammer_rel_inode(ip, 1) queues the inode at :1486 and then requests the flush again
 *   at :1493 on the same, now FLUSH, inode (the superfluous REFLUSH).
 * Probe panics carry the seed lines as their id; they never change the model's behaviour.
 */
import type { Kernel } from '../../impl/sim/prim.ts';
import { KKASSERT, panic } from '../../impl/sim/panic.ts';
import { lifecycle, note } from '../../impl/sim/report.ts';
import { currentSim } from '../../impl/sim/kernel.ts';
import {
  HAMMER_FLUSH_SIGNAL,
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_CONN_DOWN,
  HAMMER_INODE_FLUSHW,
  HAMMER_INODE_MODMASK,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RESIGNAL,
  hg,
  type HammerFlushGroup,
  type HammerInode,
  type HammerMount,
} from '../../impl/kernel/hammer_inode_state.ts';
import { hammer_isactive, hammer_oneref, hammer_rel, mountOf } from '../../impl/env/hammer_object.ts';
import { flg_next, hammer_flusher_async, hammer_flusher_kmalloc_group } from '../../impl/env/hammer_flusher.ts';
import { seedFunctions } from '../../impl/kernel/hammer_inode.ts';

function armed(id: string): boolean {
  return currentSim().options.hamProbe === id;
}

export default {
  *hammer_flush_inode(ip: HammerInode, flags: number): Kernel<void> {
    let hmp: HammerMount;
    let flg: HammerFlushGroup | null;
    let good: number;
    let allocated = false; // probe HA-16
    let closed = false; // probe HA-16

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
      closed = true;
      yield* hammer_flusher_async(hmp, flg); // hammer_inode.c:1753
    }
    if (flg === null) { // hammer_inode.c:1755
      flg = yield* hammer_flusher_kmalloc_group(hmp); // hammer_inode.c:1756
      lifecycle(flg, 'GROUP_ALLOC');
      allocated = true;
      // PROBE HA-4: another allocation installed a fill group while this one slept in kmalloc.
      if (armed('HA-4') && hmp.fill_flush_group !== null)
        panic('hammer_inode.c:1756-1761', `A-4: hammer_flush_inode slept in kmalloc (M_WAITOK) and a second new group was allocated meanwhile; this caller fills the new group seq ${hmp.flusher_next}, not the fill group`);
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
        // PROBE HX-3: the state reference is the only one: hammer_rel_inode unloads and frees ip.
        if (armed('HX-3') && ip.lock.refs <= 1)
          panic('hammer_inode.c:1775-1780', 'HX-3: the SETUP→IDLE shortcut releases the last reference; :1780 would read a freed inode');
        // PROBE HA-12: a waiter asleep in hammer_wait_inode (FLUSHW, cleared only at completion) is not woken here.
        if (armed('HA-12') && ip.flags & HAMMER_INODE_FLUSHW)
          panic('hammer_inode.c:1775-1778', 'A-12: the SETUP→IDLE shortcut is taken with FLUSHW set: the fsync waiter asleep at :2491 is not woken (only completion wakes, :2641-2644)');
        ip.flush_state = HAMMER_FST_IDLE; // hammer_inode.c:1777
        ip.g_holders += 1; // ghost: the state reference is now in hand, returned at :1778
        lifecycle(ip, 'FLUSH_INODE_CLEAN');
        yield* seedFunctions.hammer_rel_inode(ip, 0, 1); // hammer_inode.c:1778
      }
      if (ip.flush_state === HAMMER_FST_IDLE) { // hammer_inode.c:1780
        // PROBE HA-16: a no-op flush request allocated or closed a group.
        if (armed('HA-16') && (allocated || closed))
          panic('hammer_inode.c:1746-1781', `A-16: a flush request on a clean IDLE inode ${allocated ? 'allocated a new empty flush group' : 'closed and queued the fill group'} and did nothing else`);
        return; // hammer_inode.c:1781
      }
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

  *hammer_rel_inode(ip: HammerInode, flush: number, g_holder?: number): Kernel<void> {
    let queued = false; // probe HA-14
    for (;;) { // hammer_inode.c:1477
      if (hammer_oneref(ip.lock)) { // hammer_inode.c:1478
        note('hino_rel_one', { ip, vp: ip.vp, state: ip.flush_state });
        KKASSERT(ip.vp === null, 'hammer_inode.c:1483', 'ip->vp == NULL');
        yield* seedFunctions.hammer_inode_unloadable_check(ip, 0); // hammer_inode.c:1484
        if (ip.flags & HAMMER_INODE_MODMASK) { // hammer_inode.c:1485
          yield* seedFunctions.hammer_flush_inode(ip, 0); // hammer_inode.c:1486
          queued = true;
        } else if (hammer_oneref(ip.lock)) { // hammer_inode.c:1487
          if (g_holder) ip.g_holders -= 1;
          yield* seedFunctions.hammer_unload_inode(ip); // hammer_inode.c:1488
          break; // hammer_inode.c:1489
        }
      } else {
        // PROBE HA-14: the flush requested at :1486 is requested again on the queued inode.
        if (armed('HA-14') && flush && queued && ip.flush_state === HAMMER_FST_FLUSH && (ip.flags & HAMMER_INODE_REFLUSH) === 0)
          panic('hammer_inode.c:1486-1493', 'A-14: hammer_rel_inode(ip, 1) queued the inode at :1486 and flushes it again at :1493: REFLUSH is set on an inode just queued');
        if (flush) // hammer_inode.c:1492
          yield* seedFunctions.hammer_flush_inode(ip, 0); // hammer_inode.c:1493

        KKASSERT(hammer_isactive(ip.lock) >= 1, 'hammer_inode.c:1499', 'hammer_isactive(&ip->lock) >= 1');
        if (hammer_isactive(ip.lock) > 1) { // hammer_inode.c:1500
          hammer_rel(ip.lock); // hammer_inode.c:1501
          if (g_holder) ip.g_holders -= 1;
          lifecycle(ip, 'HAMMER_REL');
          break; // hammer_inode.c:1502
        }
      }
    }
  },
};
