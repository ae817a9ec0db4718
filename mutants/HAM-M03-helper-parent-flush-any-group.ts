'use kernel';
/** HAM-MUT-03: hammer_setup_parent_inodes_helper places the record when the parent is FLUSH in any group, not in flg (hammer_inode.c:2025). */
import type { MutantMeta } from './types.ts';
import { seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_RECURSION, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_INODE_CONN_DOWN, HAMMER_INODE_REFLUSH, HAMMER_MEM_RECORD_ADD, type HammerFlushGroup, type HammerInode, type HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-03",
  "title": "parent placement tests FLUSH instead of the same group",
  "description": "W3: fsync(F) resolves F's parent D while D is FLUSH in G1 and the flush is for G2; the mutant places R in G2 anyway (record->flush_group = flg) although its owner D is in G1: HREC-01 at once (later HREC-03, HFLG-01/08, HMED-01). With conformance the hammerRecord machine catches the same step (CONF:hammerRecord: ownerGroup false).",
  "cite": [
    "hammer_inode.c:2025"
  ],
  "expect": "killed",
  "killedBy": [
    "CONF:hammerRecord",
    "HREC-01",
    "HREC-03",
    "HFLG-01",
    "HFLG-08",
    "HMED-01"
  ],
  "scenario": "hammer-w3-create-split",
  "params": {}
};

export default {
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
    if (pip.flush_state === HAMMER_FST_FLUSH) { // MUTANT: was `pip->flush_group == flg` (hammer_inode.c:2025); record->flush_group = flg is kept
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
};
