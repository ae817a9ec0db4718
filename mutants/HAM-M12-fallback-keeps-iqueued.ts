'use kernel';
/** HAM-MUT-12: the go_count == 0 fallback does not decrement hmp->count_iqueued (hammer_inode.c:2145 deleted). */
import type { MutantMeta } from './types.ts';
import { flg_next, hammer_flusher_async } from '../impl/env/hammer_flusher.ts';
import { hammer_ref, mountOf, rec_scan_next } from '../impl/env/hammer_object.ts';
import { seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_RECURSION, HAMMER_FLUSH_SIGNAL, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_INODE_MODMASK, HAMMER_INODE_MODMASK_NOXDIRTY, HAMMER_INODE_REFLUSH, HAMMER_INODE_RESIGNAL, HAMMER_INODE_TRUNCATED, HAMMER_INODE_WOULDBLOCK, HAMMER_MAX_KEY, type HammerFlushGroup, type HammerInode, type HammerRecord, hg } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-12",
  "title": "the fallback leaves count_iqueued too high",
  "description": "W4: the fallback of D's re-flush (go_count 0, only XDIRTY) takes D out of FLUSH without --hmp->count_iqueued: HINO-23 (count_iqueued 2 with one FLUSH inode).",
  "cite": [
    "hammer_inode.c:2145"
  ],
  "expect": "killed",
  "killedBy": [
    "HINO-23"
  ],
  "scenario": "hammer-w4-fallback",
  "params": {}
};

function fls_insert(flg: HammerFlushGroup, ip: HammerInode): void {
  const l = flg.flush_tree;
  let i = 0;
  while (i < l.length && l[i].obj_id < ip.obj_id) i++;
  l.splice(i, 0, ip);
  ip.rb_flsnode = flg;
}

export default {
  *hammer_flush_inode_core(ip: HammerInode, flg: HammerFlushGroup, flags: number): Kernel<void> {
    const hmp = mountOf(ip); // hammer_inode.c:2065
    let go_count: number;
    let rec: HammerRecord | null;
    let last: number;
    let r: number;
    let flagsBefore: number;
    let syncBefore: number;

    note('hino_core_enter', { ip, flags: ip.flags, flushFlags: flags, state: ip.flush_state });
    KKASSERT(ip.flush_state !== HAMMER_FST_FLUSH, 'hammer_inode.c:2073', 'ip->flush_state != HAMMER_FST_FLUSH');
    if (ip.flush_state === HAMMER_FST_IDLE) // hammer_inode.c:2074
      hammer_ref(ip.lock); // hammer_inode.c:2075
    ip.flush_state = HAMMER_FST_FLUSH; // hammer_inode.c:2076
    ip.flush_group = flg; // hammer_inode.c:2077
    ++hmp.flusher_group_lock; // hammer_inode.c:2078
    ++hmp.count_iqueued; // hammer_inode.c:2079
    ++hg().hammer_count_iqueued; // hammer_inode.c:2080
    ++flg.total_count; // hammer_inode.c:2081
    // hammer_redo_fifo_start_flush(ip) (hammer_inode.c:2082): REDO not modelled.

    // hammer_inode.c:2084-2096: VHELD is #if 0.

    KKASSERT((ip.flags & HAMMER_INODE_WOULDBLOCK) === 0, 'hammer_inode.c:2102', '(ip->flags & HAMMER_INODE_WOULDBLOCK) == 0');
    if (flags & HAMMER_FLUSH_RECURSION) { // hammer_inode.c:2103
      go_count = 1; // hammer_inode.c:2108
    } else {
      // hammer_inode.c:2133-2134: RB_SCAN(&ip->rec_tree, hammer_setup_child_callback) — the sum of
      // the callbacks' results; a negative one stops the scan and is the result.
      go_count = 0;
      last = -1;
      for (;;) {
        rec = rec_scan_next(ip, last);
        if (rec === null) break;
        last = rec.g_key;
        r = yield* seedFunctions.hammer_setup_child_callback(rec); // hammer_inode.c:2133
        if (r < 0) {
          go_count = r;
          break;
        }
        go_count += r;
      }
    }

    if (go_count === 0) { // hammer_inode.c:2143
      if ((ip.flags & HAMMER_INODE_MODMASK_NOXDIRTY) === 0) { // hammer_inode.c:2144
        // MUTANT: `--hmp->count_iqueued;` (hammer_inode.c:2145) is deleted.
        --hg().hammer_count_iqueued; // hammer_inode.c:2146

        --flg.total_count; // hammer_inode.c:2148
        ip.flush_state = HAMMER_FST_SETUP; // hammer_inode.c:2149
        ip.flush_group = null; // hammer_inode.c:2150
        if (flags & HAMMER_FLUSH_SIGNAL) { // hammer_inode.c:2151
          ip.flags |= HAMMER_INODE_REFLUSH | HAMMER_INODE_RESIGNAL; // hammer_inode.c:2152-2153
        } else {
          ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2155
        }
        // hammer_inode.c:2157-2162: VHELD is #if 0.

        ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2168
        lifecycle(ip, flags & HAMMER_FLUSH_SIGNAL ? 'FLUSH_INODE_FALLBACK_SIGNAL' : 'FLUSH_INODE_FALLBACK');
        --hmp.flusher_group_lock; // hammer_inode.c:2169
        // wakeup(&hmp->flusher.group_lock) (hammer_inode.c:2170): the master's "hmrhld" wait is
        // state-enabled (group_lock == 0) in impl/env/hammer_flusher.ts; no channel to wake.
        return; // hammer_inode.c:2171
      }
    }

    flagsBefore = ip.flags;
    syncBefore = ip.sync_flags;
    if (ip.flags & HAMMER_INODE_TRUNCATED) { // hammer_inode.c:2186
      KKASSERT((ip.sync_flags & HAMMER_INODE_TRUNCATED) === 0, 'hammer_inode.c:2187', '(ip->sync_flags & HAMMER_INODE_TRUNCATED) == 0');
      ip.sync_trunc_off = ip.trunc_off; // hammer_inode.c:2188
      ip.trunc_off = HAMMER_MAX_KEY; // hammer_inode.c:2189
      ip.flags &= ~HAMMER_INODE_TRUNCATED; // hammer_inode.c:2190
      ip.sync_flags |= HAMMER_INODE_TRUNCATED; // hammer_inode.c:2191

      if (ip.save_trunc_off > ip.sync_trunc_off) // hammer_inode.c:2199
        ip.save_trunc_off = ip.sync_trunc_off; // hammer_inode.c:2200
    }
    ip.sync_flags |= ip.flags & HAMMER_INODE_MODMASK & ~HAMMER_INODE_TRUNCATED; // hammer_inode.c:2202-2203
    // hammer_inode.c:2204 sync_ino_leaf = ino_leaf: the leaf is abstracted.
    ip.sync_ino_nlinks = ip.ino_nlinks; // hammer_inode.c:2205 sync_ino_data = ino_data
    ip.sync_ino_size = ip.ino_size;
    ip.sync_ino_attr = ip.ino_attr;
    ip.flags &= ~HAMMER_INODE_MODMASK | HAMMER_INODE_TRUNCATED; // hammer_inode.c:2206
    note('hino_snapshot', {
      ip,
      flagsBefore,
      syncBefore,
      truncatedBefore: (flagsBefore & HAMMER_INODE_TRUNCATED) !== 0,
      flagsAfter: ip.flags,
      syncAfter: ip.sync_flags,
      ino_nlinks: ip.ino_nlinks,
      sync_ino_nlinks: ip.sync_ino_nlinks,
    });

    KKASSERT(flg.running === 0, 'hammer_inode.c:2215', 'flg->running == 0');
    fls_insert(flg, ip); // hammer_inode.c:2216
    note('hflg_insert', { ip, flg, running: flg.running });
    lifecycle(flg, 'FLUSH_INODE_CORE');
    if ((flags & HAMMER_FLUSH_RECURSION) === 0) lifecycle(ip, 'FLUSH_INODE_CORE');
    --hmp.flusher_group_lock; // hammer_inode.c:2217
    // wakeup(&hmp->flusher.group_lock) (hammer_inode.c:2218): state-enabled wait, see :2170.

    if (flg.total_count >= hg().hammer_autoflush || flg.total_count >= Math.trunc(hg().hammer_limit_reclaims / 4)) { // hammer_inode.c:2224-2225
      if (hmp.fill_flush_group === flg) // hammer_inode.c:2226
        hmp.fill_flush_group = flg_next(hmp, flg); // hammer_inode.c:2227
      yield* hammer_flusher_async(hmp, flg); // hammer_inode.c:2228
    }
  },
};
