'use kernel';
/**
 * HAMMER hazard probes, second set (docs/hazards.md, "HAMMER (hammer_inode.c)"): copies of the
 * seed's hammer_update_inode, hammer_modify_inode, hammer_setup_parent_inodes_helper, hammer_flush_inode_core,
 * hammer_setup_child_callback and hammer_flush_inode_done, unchanged in logic, each with probe
 * panics marked `// PROBE <id>` that fire when a behaviour of Appendix A happens. The hazard
 * scenario arms one probe (sim.options.hamProbe), so the probe panic is the only difference from
 * the seed; an unarmed probe is inert:
 * - 'HA-6': the directory exception of hammer_setup_child_callback (hammer_inode.c:2396-2410) is
 *   used — a FLUSH record of ANOTHER group counted because its owner is a directory;
 * - 'HA-10': hammer_flush_inode_core falls back to SETUP (:2143-2172) after
 *   hammer_redo_fifo_start_flush (:2082) without the matching hammer_redo_fifo_end_flush;
 * - 'HA-13': hammer_flush_inode_done releases RSV_INODES (:2672-2676) on an inode that its own
 *   re-flush (:2652-2660) put back into FLUSH;
 * - 'HA-15': hammer_setup_parent_inodes_helper places a frontend-deleted (DELETED_FE) record into a
 *   flush group (:2025-2045);
 * - 'HA-17': hammer_update_inode reaches the COMMITTED marking of its transient INODE record
 *   (:1330-1336) after the record's sync failed;
 * - 'HA-19': hammer_setup_child_callback is stuck on a record and sets REFLUSH on one inode only
 *   (:2318-2323, and the over-full path :2359-2360), where its header says both (:2237-2238).
 * - 'HA-18': hammer_modify_inode (copied too) is called with DELETED, the bit of its read-only
 *   assertion list (:1652-1656) that is not a MODMASK bit.
 * Probe panics carry the seed lines as their id; they never change the model's behaviour.
 */
import { match } from 'ts-pattern';
import type { Kernel } from '../../impl/sim/prim.ts';
import { KKASSERT, panic } from '../../impl/sim/panic.ts';
import { lifecycle, note } from '../../impl/sim/report.ts';
import { wakeup } from '../../impl/sim/sleep.ts';
import { currentSim } from '../../impl/sim/kernel.ts';
import {
  HAMMER_FLUSH_RECURSION,
  HAMMER_FLUSH_SIGNAL,
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_NAMES,
  HAMMER_FST_SETUP,
  HAMMER_INODE_ATIME,
  HAMMER_INODE_BUFS,
  HAMMER_INODE_CONN_DOWN,
  HAMMER_INODE_DDIRTY,
  HAMMER_INODE_DELETED,
  HAMMER_INODE_DELONDISK,
  HAMMER_INODE_FLUSHW,
  HAMMER_INODE_MODMASK,
  HAMMER_INODE_MODMASK_NOXDIRTY,
  HAMMER_INODE_MTIME,
  HAMMER_INODE_ONDISK,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RESIGNAL,
  HAMMER_INODE_RSV_INODES,
  HAMMER_INODE_SDIRTY,
  HAMMER_INODE_SLAVEFLUSH,
  HAMMER_INODE_TRUNCATED,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_INODE_XDIRTY,
  HAMMER_MAX_KEY,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_OBJTYPE_DIRECTORY,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_TRANSF_NEWINODE,
  hg,
  type HammerFlushGroup,
  type HammerInode,
  type HammerMount,
  type HammerRecord,
  type HammerTransaction,
} from '../../impl/kernel/hammer_inode_state.ts';
import {
  hammer_btree_lookup_inode,
  hammer_ip_delete_inode_record,
  hammer_ip_sync_inode_record,
  hammer_lock_ex,
  hammer_ref,
  hammer_unlock,
  mountOf,
  rec_scan_next,
} from '../../impl/env/hammer_object.ts';
import { flg_next, hammer_flusher_async } from '../../impl/env/hammer_flusher.ts';
import { seedFunctions, sync_flags_and, sync_flags_or } from '../../impl/kernel/hammer_inode.ts';

function armed(id: string): boolean {
  return currentSim().options.hamProbe === id;
}

/** RB_INSERT(hammer_fls_rb_tree, &flg->flush_tree, ip) (as impl/kernel/hammer_inode.ts). */
function fls_insert(flg: HammerFlushGroup, ip: HammerInode): void {
  const l = flg.flush_tree;
  let i = 0;
  while (i < l.length && l[i].obj_id < ip.obj_id) i++;
  l.splice(i, 0, ip);
  ip.rb_flsnode = flg;
}

/** RB_REMOVE(hammer_fls_rb_tree, &flg->flush_tree, ip) (as impl/kernel/hammer_inode.ts). */
function fls_remove(flg: HammerFlushGroup, ip: HammerInode, cite: string): void {
  const i = flg.flush_tree.indexOf(ip);
  KKASSERT(i >= 0, cite, 'ip in flg->flush_tree');
  flg.flush_tree.splice(i, 1);
  ip.rb_flsnode = null;
}

/** The branch hammer_setup_child_callback's switch takes (as impl/kernel/hammer_inode.ts). */
type ChildArm = 'IDLE' | 'SETUP_TARGET_FLUSHING' | 'SETUP_OVERFULL' | 'SETUP_ADD' | 'SETUP_OTHER' | 'FLUSH';
function setup_child_arm(state: (typeof HAMMER_FST_NAMES)[number], targetFlushing: boolean, overfull: boolean, add: boolean): ChildArm {
  return match({ state, targetFlushing, overfull, add })
    .returnType<ChildArm>()
    .with({ state: 'IDLE' }, () => 'IDLE') // :2284-2294
    .with({ state: 'SETUP', targetFlushing: true }, () => 'SETUP_TARGET_FLUSHING') // :2318-2324
    .with({ state: 'SETUP', targetFlushing: false, overfull: true }, () => 'SETUP_OVERFULL') // :2348-2361
    .with({ state: 'SETUP', targetFlushing: false, overfull: false, add: true }, () => 'SETUP_ADD') // :2362-2375
    .with({ state: 'SETUP', targetFlushing: false, overfull: false, add: false }, () => 'SETUP_OTHER') // :2376-2393
    .with({ state: 'FLUSH' }, () => 'FLUSH') // :2395-2412
    .exhaustive();
}

export default {

  *hammer_modify_inode(trans: HammerTransaction | null, ip: HammerInode, flags: number): Kernel<void> {
    const hmp = mountOf(ip);

    // PROBE HA-18: DELETED, the one bit of the :1652-1656 list outside MODMASK, reaches the list.
    if (armed('HA-18') && flags & HAMMER_INODE_DELETED)
      panic('hammer_inode.c:1655', 'A-18: hammer_modify_inode is called with HAMMER_INODE_DELETED, the bit of its read-only assertion list that is not a MODMASK bit');
    KKASSERT(
      hmp.ronly !== 1 ||
        (flags &
          (HAMMER_INODE_DDIRTY | HAMMER_INODE_XDIRTY | HAMMER_INODE_SDIRTY | HAMMER_INODE_BUFS | HAMMER_INODE_DELETED | HAMMER_INODE_ATIME | HAMMER_INODE_MTIME)) ===
          0,
      'hammer_inode.c:1652-1656',
      'ip->hmp->ronly != 1 || (flags & (DDIRTY|XDIRTY|SDIRTY|BUFS|DELETED|ATIME|MTIME)) == 0',
    );
    if ((ip.flags & HAMMER_INODE_RSV_INODES) === 0) { // hammer_inode.c:1657
      ip.flags |= HAMMER_INODE_RSV_INODES; // hammer_inode.c:1658
      ++hmp.rsv_inodes; // hammer_inode.c:1659
    }

    if (trans !== null && (ip.flags & HAMMER_INODE_MODMASK) === 0 && flags & HAMMER_INODE_MODMASK) { // hammer_inode.c:1667-1669
      trans.flags |= HAMMER_TRANSF_NEWINODE; // hammer_inode.c:1670
    }
    if (flags & HAMMER_INODE_MODMASK) // hammer_inode.c:1672
      yield* seedFunctions.hammer_inode_dirty(ip); // hammer_inode.c:1673
    ip.flags |= flags; // hammer_inode.c:1674
    if (flags & HAMMER_INODE_MODMASK_NOXDIRTY) lifecycle(ip, 'MODIFY_INODE');
    if (flags & HAMMER_INODE_XDIRTY) lifecycle(ip, 'MODIFY_XDIRTY');
  },
  *hammer_update_inode(trans: HammerTransaction, ip: HammerInode): Kernel<number> {
    let error: number;
    let redirty: number;

    // retry: (hammer_inode.c:1225)
    error = 0; // hammer_inode.c:1226

    if ((ip.flags & (HAMMER_INODE_ONDISK | HAMMER_INODE_DELONDISK)) === HAMMER_INODE_ONDISK) { // hammer_inode.c:1235-1236
      error = yield* hammer_btree_lookup_inode(trans, ip); // hammer_inode.c:1251
      if (error === 0) { // hammer_inode.c:1255
        error = yield* hammer_ip_delete_inode_record(trans, ip); // hammer_inode.c:1256
        if (error === 0) { // hammer_inode.c:1259
          ip.flags |= HAMMER_INODE_DELONDISK; // hammer_inode.c:1260
        }
      }
      // hammer_inode.c:1265-1273: EDEADLK re-init and retry — not modelled.
    }

    if (error === 0 && (ip.flags & HAMMER_INODE_DELETED) === 0) { // hammer_inode.c:1284
      // hammer_inode.c:1290-1298: the transient INODE record (FLUSH, INTERLOCK_BE) — see the header.
      if (ip.flags & HAMMER_INODE_WOULDBLOCK && ip.sync_ino_size !== ip.ino_size) { // hammer_inode.c:1306-1307
        redirty = 1; // hammer_inode.c:1308
        ip.sync_ino_size = ip.ino_size; // hammer_inode.c:1309
      } else {
        redirty = 0; // hammer_inode.c:1311
      }

      error = yield* hammer_ip_sync_inode_record(trans, ip); // hammer_inode.c:1315
      // hammer_inode.c:1319-1327: EDEADLK retry — not modelled.

      // hammer_inode.c:1334-1338: the record is COMMITTED, IDLE and destroyed.
      // PROBE HA-17: ... even though its sync just failed.
      if (armed('HA-17') && error !== 0)
        panic('hammer_inode.c:1330-1336', `A-17: hammer_update_inode marks its transient INODE record COMMITTED although hammer_ip_sync_record failed (error ${error}); the error still propagates`);
      ++ip.rec_generation; // hammer_inode.c:1337

      if (error === 0) { // hammer_inode.c:1343
        sync_flags_and(ip, ~(HAMMER_INODE_DDIRTY | HAMMER_INODE_SDIRTY | HAMMER_INODE_ATIME | HAMMER_INODE_MTIME)); // hammer_inode.c:1346-1349
        ip.flags &= ~HAMMER_INODE_DELONDISK; // hammer_inode.c:1350
        if (redirty) // hammer_inode.c:1351
          sync_flags_or(ip, HAMMER_INODE_DDIRTY); // hammer_inode.c:1352

        // hammer_inode.c:1357-1368: the volume's inode count (not modelled); the first write sets ONDISK.
        if ((ip.flags & HAMMER_INODE_ONDISK) === 0) { // hammer_inode.c:1358
          ip.flags |= HAMMER_INODE_ONDISK; // hammer_inode.c:1364
        }
      }
    }

    if (error === 0 && ip.flags & HAMMER_INODE_DELETED) { // hammer_inode.c:1376
      sync_flags_and(ip, ~(HAMMER_INODE_DDIRTY | HAMMER_INODE_SDIRTY | HAMMER_INODE_ATIME | HAMMER_INODE_MTIME)); // hammer_inode.c:1377-1380
    }
    return error; // hammer_inode.c:1382
  },

  *hammer_setup_parent_inodes_helper(record: HammerRecord, depth: number, flg: HammerFlushGroup): Kernel<number> {
    let pip: HammerInode;
    let good: number;

    KKASSERT(record.flush_state !== HAMMER_FST_IDLE, 'hammer_inode.c:1927', 'record->flush_state != HAMMER_FST_IDLE');
    pip = record.ip!; // hammer_inode.c:1928

    if (record.flush_state === HAMMER_FST_FLUSH) { // hammer_inode.c:1938
      if (record.flush_group !== flg) { // hammer_inode.c:1943
        pip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:1944
        lifecycle(pip, 'DEFER_REFLUSH');
        record.target_ip!.flags |= HAMMER_INODE_CONN_DOWN; // hammer_inode.c:1945
        note('hino_conn_down', { ip: record.target_ip, targets: record.target_ip!.target_list.length });
        return -1; // hammer_inode.c:1946
      }

      if (record.type === HAMMER_MEM_RECORD_ADD) // hammer_inode.c:1954
        return 1; // hammer_inode.c:1955
      return 0; // hammer_inode.c:1956
    }

    KKASSERT(record.flush_state === HAMMER_FST_SETUP, 'hammer_inode.c:1968', 'record->flush_state == HAMMER_FST_SETUP');

    good = yield* seedFunctions.hammer_setup_parent_inodes(pip, depth + 1, flg); // hammer_inode.c:1970

    if (good < 0) { // hammer_inode.c:1979
      pip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:1980
      lifecycle(pip, 'DEFER_REFLUSH');
      record.target_ip!.flags |= HAMMER_INODE_CONN_DOWN; // hammer_inode.c:1981
      note('hino_conn_down', { ip: record.target_ip, targets: record.target_ip!.target_list.length });
      return good; // hammer_inode.c:1982
    }

    if (pip.flush_state !== HAMMER_FST_FLUSH) { // hammer_inode.c:1991
      yield* seedFunctions.hammer_flush_inode_core(pip, flg, HAMMER_FLUSH_RECURSION); // hammer_inode.c:1992
      lifecycle(pip, 'SETUP_PARENT');
    }
    KKASSERT(pip.flush_state === HAMMER_FST_FLUSH, 'hammer_inode.c:1993', 'pip->flush_state == HAMMER_FST_FLUSH');

    if (record.flush_state === HAMMER_FST_FLUSH) { // hammer_inode.c:2001
      if (record.type === HAMMER_MEM_RECORD_ADD) // hammer_inode.c:2002
        return 1; // hammer_inode.c:2003
      return 0; // hammer_inode.c:2004
    }

    KKASSERT(record.flush_state === HAMMER_FST_SETUP, 'hammer_inode.c:2007', 'record->flush_state == HAMMER_FST_SETUP');

    // hammer_inode.c:2009-2024: the DEL-record check is #if 0.
    if (pip.flush_group === flg) { // hammer_inode.c:2025
      // PROBE HA-15: the record placed here is frontend-deleted.
      if (armed('HA-15') && record.flags & HAMMER_RECF_DELETED_FE)
        panic('hammer_inode.c:1968-2045', `A-15: hammer_setup_parent_inodes_helper places a DELETED_FE ${record.type === HAMMER_MEM_RECORD_ADD ? 'ADD' : 'DEL'} record into a flush group`);
      record.flush_state = HAMMER_FST_FLUSH; // hammer_inode.c:2031
      record.flush_group = flg; // hammer_inode.c:2032
      ++record.flush_group.refs; // hammer_inode.c:2033
      ++record.lock_refs; // hammer_inode.c:2034 hammer_ref(&record->lock)
      note('hrec_join', { record, flg, running: flg.running });
      lifecycle(record, 'SETUP_PARENT');
      lifecycle(flg, 'RECORD_JOIN');

      if (record.type === HAMMER_MEM_RECORD_ADD) // hammer_inode.c:2043
        return 1; // hammer_inode.c:2044
      return 0; // hammer_inode.c:2045
    } else {
      pip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2053
      lifecycle(pip, 'DEFER_REFLUSH');
      record.target_ip!.flags |= HAMMER_INODE_CONN_DOWN; // hammer_inode.c:2054
      note('hino_conn_down', { ip: record.target_ip, targets: record.target_ip!.target_list.length });
      return -1; // hammer_inode.c:2055
    }
  },

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
        // PROBE HA-10: the fallback leaves hammer_redo_fifo_start_flush (:2082) without its end.
        if (armed('HA-10'))
          panic('hammer_inode.c:2143-2172', 'A-10: hammer_flush_inode_core falls back to SETUP after hammer_redo_fifo_start_flush (:2082) without hammer_redo_fifo_end_flush: the REDO bracket stays open (ip->redo_fifo_next was reset)');
        --hmp.count_iqueued; // hammer_inode.c:2145
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

  *hammer_setup_child_callback(rec: HammerRecord): Kernel<number> {
    let flg: HammerFlushGroup;
    let target_ip: HammerInode | null;
    let ip: HammerInode;
    let r: number;
    let arm: ChildArm;

    if (rec.flags & (HAMMER_RECF_DELETED_FE | HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) { // hammer_inode.c:2264-2265
      if (rec.flush_state === HAMMER_FST_FLUSH) { // hammer_inode.c:2266
        KKASSERT(rec.flush_group === rec.ip!.flush_group, 'hammer_inode.c:2267', 'rec->flush_group == rec->ip->flush_group');
        r = 1; // hammer_inode.c:2268
      } else {
        r = 0; // hammer_inode.c:2270
      }
      return r; // hammer_inode.c:2272
    }

    ip = rec.ip!; // hammer_inode.c:2279
    flg = ip.flush_group!; // hammer_inode.c:2280
    r = 0; // hammer_inode.c:2281

    target_ip = null;
    if (rec.flush_state === HAMMER_FST_SETUP) { // hammer_inode.c:2295
      target_ip = rec.target_ip; // hammer_inode.c:2304
      KKASSERT(target_ip !== null, 'hammer_inode.c:2305', 'target_ip != NULL');
      KKASSERT(target_ip!.flush_state !== HAMMER_FST_IDLE, 'hammer_inode.c:2306', 'target_ip->flush_state != HAMMER_FST_IDLE');
    }
    arm = setup_child_arm( // hammer_inode.c:2283 switch (rec->flush_state)
      HAMMER_FST_NAMES[rec.flush_state],
      target_ip !== null && target_ip.flush_state === HAMMER_FST_FLUSH, // hammer_inode.c:2318
      flg.total_count + flg.refs > mountOf(ip).undo_rec_limit, // hammer_inode.c:2348-2349
      rec.type === HAMMER_MEM_RECORD_ADD, // hammer_inode.c:2362
    );

    if (arm === 'IDLE') {
      KKASSERT(rec.target_ip === null, 'hammer_inode.c:2288', 'rec->target_ip == NULL');
      rec.flush_state = HAMMER_FST_FLUSH; // hammer_inode.c:2289
      rec.flush_group = flg; // hammer_inode.c:2290
      ++flg.refs; // hammer_inode.c:2291
      ++rec.lock_refs; // hammer_inode.c:2292 hammer_ref(&rec->lock)
      note('hrec_join', { record: rec, flg, running: flg.running });
      lifecycle(rec, 'SETUP_CHILD');
      lifecycle(flg, 'RECORD_JOIN');
      r = 1; // hammer_inode.c:2293
    } else if (arm === 'SETUP_TARGET_FLUSHING') {
      // PROBE HA-19: stuck on the record, REFLUSH goes on one inode only (the header says both).
      if (armed('HA-19'))
        panic('hammer_inode.c:2318-2323', `A-19: stuck on a ${rec.type === HAMMER_MEM_RECORD_ADD ? 'ADD' : 'DEL'} record whose target is FLUSH: REFLUSH is set on the ${rec.type === HAMMER_MEM_RECORD_ADD ? 'owner' : 'target'} only, not on both inodes as :2237-2238 say`);
      if (rec.type === HAMMER_MEM_RECORD_ADD) { // hammer_inode.c:2319
        ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2320
        lifecycle(ip, 'DEFER_REFLUSH');
      } else {
        target_ip!.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2322
        lifecycle(target_ip!, 'DEFER_REFLUSH');
      }
    } else if (arm === 'SETUP_OVERFULL') {
      // PROBE HA-19: the over-full path sets REFLUSH on the owner only.
      if (armed('HA-19'))
        panic('hammer_inode.c:2359-2360', 'A-19: the over-full path sets RESIGNAL|REFLUSH on the owner only, not on the target as :2237-2238 say');
      // hammer_inode.c:2337-2347: the RECLAIM / CONN_DOWN filter is #if 0.
      ip.flags |= HAMMER_INODE_RESIGNAL | HAMMER_INODE_REFLUSH; // hammer_inode.c:2359-2360
      lifecycle(ip, 'DEFER_RESIGNAL');
      r = -1; // hammer_inode.c:2361
    } else if (arm === 'SETUP_ADD') {
      rec.flush_state = HAMMER_FST_FLUSH; // hammer_inode.c:2369
      rec.flush_group = flg; // hammer_inode.c:2370
      ++flg.refs; // hammer_inode.c:2371
      ++rec.lock_refs; // hammer_inode.c:2372 hammer_ref(&rec->lock)
      note('hrec_join', { record: rec, flg, running: flg.running });
      lifecycle(rec, 'SETUP_CHILD');
      lifecycle(flg, 'RECORD_JOIN');
      yield* seedFunctions.hammer_flush_inode_core(target_ip!, flg, HAMMER_FLUSH_RECURSION); // hammer_inode.c:2373-2374
      lifecycle(target_ip!, 'SETUP_CHILD');
      r = 1; // hammer_inode.c:2375
    } else if (arm === 'SETUP_OTHER') {
      rec.flush_state = HAMMER_FST_FLUSH; // hammer_inode.c:2386
      rec.flush_group = flg; // hammer_inode.c:2387
      ++flg.refs; // hammer_inode.c:2388
      ++rec.lock_refs; // hammer_inode.c:2389 hammer_ref(&rec->lock)
      note('hrec_join', { record: rec, flg, running: flg.running });
      lifecycle(rec, 'SETUP_CHILD');
      lifecycle(flg, 'RECORD_JOIN');
      yield* seedFunctions.hammer_flush_inode_core(target_ip!, flg, HAMMER_FLUSH_RECURSION); // hammer_inode.c:2390-2391
      lifecycle(target_ip!, 'SETUP_CHILD');
      r = 1; // hammer_inode.c:2392
    } else {
      // PROBE HA-6: the directory exception is used (a FLUSH record of another group is counted).
      if (armed('HA-6') && rec.flush_group !== flg)
        panic('hammer_inode.c:2396-2410', `A-6: the directory exception is taken: a FLUSH record of group seq ${rec.flush_group ? rec.flush_group.seq : -1} is counted for the owner in group seq ${flg.seq}`);
      KKASSERT(
        rec.ip!.obj_type === HAMMER_OBJTYPE_DIRECTORY || rec.flush_group === flg,
        'hammer_inode.c:2408-2410',
        'rec->ip->ino_data.obj_type == HAMMER_OBJTYPE_DIRECTORY || rec->flush_group == flg',
      );
      r = 1; // hammer_inode.c:2411
    }
    return r; // hammer_inode.c:2414
  },

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
      yield* seedFunctions.hammer_inode_dirty(ip); // hammer_inode.c:2588
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
          yield* seedFunctions.hammer_flush_inode(ip, HAMMER_FLUSH_SIGNAL); // hammer_inode.c:2656
        } else {
          yield* seedFunctions.hammer_flush_inode(ip, 0); // hammer_inode.c:2658
        }
      }
    }

    if (ip.target_list.length === 0) // hammer_inode.c:2666
      ip.flags &= ~HAMMER_INODE_CONN_DOWN; // hammer_inode.c:2667

    if ((ip.flags & HAMMER_INODE_MODMASK) === 0 && ip.flags & HAMMER_INODE_RSV_INODES) { // hammer_inode.c:2672-2673
      // PROBE HA-13: the reservation goes while the inode is FLUSH again (the re-flush above).
      if (armed('HA-13') && ip.flush_state === HAMMER_FST_FLUSH)
        panic('hammer_inode.c:2672-2676', `A-13: RSV_INODES is released while the inode is FLUSH again (re-flushed at :2652-2660 into group seq ${ip.flush_group ? ip.flush_group.seq : -1})`);
      ip.flags &= ~HAMMER_INODE_RSV_INODES; // hammer_inode.c:2674
      --hmp.rsv_inodes; // hammer_inode.c:2675
    }

    ip.flags &= ~HAMMER_INODE_SLAVEFLUSH; // hammer_inode.c:2678

    note('hino_done_exit', { ip, wouldblock, reflushSet, consumed, clean, targetEmpty: ip.target_list.length === 0, flags: ip.flags });
    if (dorel) // hammer_inode.c:2680
      yield* seedFunctions.hammer_rel_inode(ip, 0, 1); // hammer_inode.c:2681
  },
};
