'use kernel';
/** HAM-MUT-22: the backend syncs a record without setting INTERLOCK_BE (hammer_inode.c:2722 deleted). */
import type { MutantMeta } from './types.ts';
import { hammer_flusher_finalize, hammer_flusher_meta_limit, vm_page_count_severe } from '../impl/env/hammer_flusher.ts';
import { hammer_flush_record_done, hammer_ip_sync_record_cursor } from '../impl/env/hammer_object.ts';
import { HAMMER_FST_FLUSH, HAMMER_INODE_DELETING, HAMMER_MEM_RECORD_DATA, HAMMER_MEM_RECORD_DEL, HAMMER_RECF_COMMITTED, HAMMER_RECF_CONVERT_DELETE, HAMMER_RECF_DELETED_BE, HAMMER_RECF_DELETED_FE, HAMMER_RECF_INTERLOCK_BE, HAMMER_RECF_REDO, type HammerRecord, type HammerTransaction } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT, panic } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { P, match } from 'ts-pattern';

export const meta: MutantMeta = {
  "id": "HAM-MUT-22",
  "title": "record sync without the backend interlock",
  "description": "W2: D's sync writes the ADD record R without setting INTERLOCK_BE; record completion (hammer_flush_record_done [ext] hammer_object.c) asserts KKASSERT(record->flags & HAMMER_RECF_INTERLOCK_BE) — the check HREC-07 names ('[ext] record completion asserts INTERLOCK_BE'). The HREC-08 form (a frontend unlink landing DELETED_FE mid-sync) needs an unlink racing the sync; with one (tried: create, flush D, queue the group, unlink F) the completion assertion is still the first violation.",
  "cite": [
    "hammer_inode.c:2722"
  ],
  "expect": "killed",
  "killedBy": [
    "[ext] hammer_object.c",
    "HREC-07",
    "HREC-08"
  ],
  "scenario": "hammer-w2-create",
  "params": {}
};

const REC_TYPE_NAMES = ['GENERAL', 'INODE', 'ADD', 'DEL', 'DATA'] as const;

type SyncArm = 'DISPOSED' | 'DELETING_DISPOSE' | 'PANIC_ADD' | 'PANIC_INODE' | 'FE_CONVERT' | 'FE_DISPOSE' | 'SYNC';

type RecTypeName = (typeof REC_TYPE_NAMES)[number];

function sync_record_arm(disposed: boolean, deleting: boolean, type: RecTypeName, fe: boolean): SyncArm {
  return match({ disposed, deleting, type, fe })
    .returnType<SyncArm>()
    .with({ disposed: true }, () => 'DISPOSED') // :2727-2730
    .with({ deleting: true, type: P.union('DATA', 'GENERAL') }, () => 'DELETING_DISPOSE') // :2743-2759
    .with({ deleting: true, type: 'ADD' }, () => 'PANIC_ADD') // :2760-2763
    .with({ deleting: true, type: 'INODE' }, () => 'PANIC_INODE') // :2764-2767
    // DEL during deletion falls through (:2768-2772); so does every record of a live owner.
    .with({ fe: true, type: 'ADD' }, () => 'FE_CONVERT') // :2794-2799
    .with({ fe: true, type: P.union('GENERAL', 'INODE', 'DEL', 'DATA') }, () => 'FE_DISPOSE') // :2800-2810
    .with({ fe: false }, () => 'SYNC') // :2813-2853
    .exhaustive();
}

export default {
  *hammer_sync_record_callback(record: HammerRecord, trans: HammerTransaction): Kernel<number> {
    const hmp = trans.hmp; // hammer_inode.c:2693
    let error: number;
    let arm: SyncArm;

    // ++hammer_stats_record_iterations (hammer_inode.c:2699): statistic.
    if (record.flush_state !== HAMMER_FST_FLUSH) // hammer_inode.c:2700
      return 0; // hammer_inode.c:2701
    note('hrec_sync', {
      record,
      ip: record.ip,
      recGroup: record.flush_group,
      ipGroup: record.ip!.flush_group,
      flags: record.flags,
      syncFlags: record.ip!.sync_flags,
    });

    if (record.flush_group !== record.ip!.flush_group) { // hammer_inode.c:2704
      // kprintf "sync_record ... bad flush group"; Debugger if hammer_debug_critical (hammer_inode.c:2705-2707)
      return 0; // hammer_inode.c:2708
    }
    KKASSERT(record.flush_group === record.ip!.flush_group, 'hammer_inode.c:2711', 'record->flush_group == record->ip->flush_group');

    KKASSERT((record.flags & HAMMER_RECF_INTERLOCK_BE) === 0, 'hammer_inode.c:2721', '(record->flags & HAMMER_RECF_INTERLOCK_BE) == 0');
    // MUTANT: `record->flags |= HAMMER_RECF_INTERLOCK_BE;` (hammer_inode.c:2722) is deleted.
    lifecycle(record, 'SYNC_RECORD');

    error = 0;
    arm = sync_record_arm(
      (record.flags & (HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) !== 0, // hammer_inode.c:2727
      (record.ip!.sync_flags & HAMMER_INODE_DELETING) !== 0, // hammer_inode.c:2741
      REC_TYPE_NAMES[record.type], // hammer_inode.c:2742
      (record.flags & HAMMER_RECF_DELETED_FE) !== 0, // hammer_inode.c:2793
    );

    done: {
      if (arm === 'DISPOSED') {
        error = 0; // hammer_inode.c:2728
        break done; // hammer_inode.c:2729
      }
      if (arm === 'DELETING_DISPOSE') {
        record.flags |= HAMMER_RECF_DELETED_BE; // hammer_inode.c:2756
        ++record.ip!.rec_generation; // hammer_inode.c:2757
        lifecycle(record, 'SYNC_RECORD_DISPOSE');
        error = 0; // hammer_inode.c:2758
        break done; // hammer_inode.c:2759
      }
      if (arm === 'PANIC_ADD') {
        panic('hammer_inode.c:2761', 'hammer_sync_record_callback: illegal add during inode deletion record');
      }
      if (arm === 'PANIC_INODE') {
        panic('hammer_inode.c:2765', 'hammer_sync_record_callback: attempt to sync inode record');
      }
      if (arm === 'FE_CONVERT') {
        record.flags |= HAMMER_RECF_CONVERT_DELETE; // hammer_inode.c:2799
      } else if (arm === 'FE_DISPOSE') {
        KKASSERT(record.type !== HAMMER_MEM_RECORD_DEL, 'hammer_inode.c:2805', 'record->type != HAMMER_MEM_RECORD_DEL');
        record.flags |= HAMMER_RECF_DELETED_BE; // hammer_inode.c:2806
        ++record.ip!.rec_generation; // hammer_inode.c:2807
        lifecycle(record, 'SYNC_RECORD_DISPOSE');
        error = 0; // hammer_inode.c:2808
        break done; // hammer_inode.c:2809
      }

      // hammer_inode.c:2817-2820: create_tid / create_ts — TIDs are abstracted.

      if (record.flags & HAMMER_RECF_REDO) { // hammer_inode.c:2834
        KKASSERT(record.type === HAMMER_MEM_RECORD_DATA, 'hammer_inode.c:2835', 'record->type == HAMMER_MEM_RECORD_DATA');
        // hammer_generate_redo(..., HAMMER_REDO_TERM_WRITE, ...) (hammer_inode.c:2836-2841): REDO not modelled.
      }

      error = yield* hammer_ip_sync_record_cursor(trans, record); // hammer_inode.c:2845
      // hammer_inode.c:2846-2852: EDEADLK re-init loop — not modelled.
      record.flags &= ~HAMMER_RECF_CONVERT_DELETE; // hammer_inode.c:2854

      if (error) // hammer_inode.c:2856
        error = -error; // hammer_inode.c:2857
    }
    // done: (hammer_inode.c:2858)
    yield* hammer_flush_record_done(record, error); // hammer_inode.c:2859

    if (hammer_flusher_meta_limit(hmp) || vm_page_count_severe()) { // hammer_inode.c:2871-2872
      // hammer_unlock_cursor / hammer_lock_cursor (hammer_inode.c:2873, :2875): the cursor's B-Tree
      // node locks are abstracted (the model's cursor keeps the inode lock, as upstream's does).
      yield* hammer_flusher_finalize(trans, 0); // hammer_inode.c:2874
    }
    return error; // hammer_inode.c:2877
  },
};
