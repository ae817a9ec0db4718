'use kernel';
/** HAM-MUT-08: hammer_sync_inode's nlinks pass increments for an ADD record outside the group (hammer_inode.c:2945). */
import type { MutantMeta } from './types.ts';
import { hammer_critical_error } from '../impl/env/hammer_flusher.ts';
import { hammer_done_cursor, hammer_init_cursor, hammer_ip_delete_clean, hammer_ip_delete_range, hammer_rel_mem_record, mountOf, rec_scan_next, target_unlink } from '../impl/env/hammer_object.ts';
import { hammer_inode_dirty, seedFunctions, sync_flags_and, sync_flags_or } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FST_FLUSH, HAMMER_INODE_ATIME, HAMMER_INODE_BUFS, HAMMER_INODE_DDIRTY, HAMMER_INODE_DELETED, HAMMER_INODE_DELETING, HAMMER_INODE_MODMASK, HAMMER_INODE_MTIME, HAMMER_INODE_ONDISK, HAMMER_INODE_SDIRTY, HAMMER_INODE_TRUNCATED, HAMMER_INODE_WOULDBLOCK, HAMMER_INODE_XDIRTY, HAMMER_MAX_KEY, HAMMER_MEM_RECORD_ADD, HAMMER_MEM_RECORD_DEL, HAMMER_RECF_DELETED_BE, HAMMER_RECF_DELETED_FE, type HammerInode, type HammerRecord, type HammerTransaction } from '../impl/kernel/hammer_inode_state.ts';
import { EWOULDBLOCK } from '../impl/sim/errno.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-08",
  "title": "the nlinks pass adds ADD records outside the group instead of subtracting them",
  "description": "W5: T is flushed in G2 with the ADD record R1 (D1/a) outside the group; the backend's link count becomes ino_nlinks + 1 instead of - 1: HINO-15 (synced nlinks 4 where 2 is due), HMED-02 (on-media nlinks vs committed entries), and T never settles (HINO-30).",
  "cite": [
    "hammer_inode.c:2945"
  ],
  "expect": "killed",
  "killedBy": [
    "HINO-15",
    "HMED-02",
    "HINO-30"
  ],
  "scenario": "hammer-w5-link2",
  "params": {}
};

export default {
  *hammer_sync_inode(trans: HammerTransaction, ip: HammerInode): Kernel<number> {
    let depend: HammerRecord;
    let record: HammerRecord;
    let rec: HammerRecord | null;
    let error: number;
    let tmp_error: number;
    let nlinks: number;
    let nlinksIn: number;
    let adds: number;
    let dels: number;
    let feAdds: number;
    let leftInGroup: number;
    let i: number;
    let last: number;
    let r: number;
    let trunc_off: number;
    let aligned_trunc_off: number;

    if ((ip.sync_flags & HAMMER_INODE_MODMASK) === 0) // hammer_inode.c:2893
      return 0; // hammer_inode.c:2894

    done: {
      error = yield* hammer_init_cursor(trans, ip); // hammer_inode.c:2896
      if (error) // hammer_inode.c:2897
        break done; // hammer_inode.c:2898

      nlinks = ip.ino_nlinks; // hammer_inode.c:2911
      nlinksIn = nlinks;
      adds = 0;
      dels = 0;
      feAdds = 0;
      i = 0; // hammer_inode.c:2912 next = TAILQ_FIRST(&ip->target_list)
      while (i < ip.target_list.length) { // hammer_inode.c:2913
        depend = ip.target_list[i];
        if (depend.flush_state === HAMMER_FST_FLUSH && depend.flush_group === ip.flush_group) { // hammer_inode.c:2915-2916
          if (depend.flags & HAMMER_RECF_DELETED_FE) { // hammer_inode.c:2928
            ++nlinks; // hammer_inode.c:2929
            if (depend.type === HAMMER_MEM_RECORD_ADD) feAdds++;
          } else {
            target_unlink(depend); // hammer_inode.c:2931-2933
            continue; // (next was taken before the removal, :2914)
          }
        } else if ((depend.flags & HAMMER_RECF_DELETED_FE) === 0) { // hammer_inode.c:2935
          KKASSERT((depend.flags & HAMMER_RECF_DELETED_BE) === 0, 'hammer_inode.c:2942', '(depend->flags & HAMMER_RECF_DELETED_BE) == 0');
          switch (depend.type) { // hammer_inode.c:2943
            case HAMMER_MEM_RECORD_ADD: // hammer_inode.c:2944
              ++nlinks; // MUTANT: was `--nlinks;` (hammer_inode.c:2945)
              adds++;
              break;
            case HAMMER_MEM_RECORD_DEL: // hammer_inode.c:2947
              ++nlinks; // hammer_inode.c:2948
              dels++;
              break;
            default:
              break;
          }
        }
        i++; // hammer_inode.c:2914 next = TAILQ_NEXT(depend, target_entry)
      }

      if (ip.sync_ino_nlinks !== nlinks) { // hammer_inode.c:2959
        KKASSERT(nlinks >= 0, 'hammer_inode.c:2960', '(int64_t)nlinks >= 0');
        ip.sync_ino_nlinks = nlinks; // hammer_inode.c:2961
        sync_flags_or(ip, HAMMER_INODE_DDIRTY); // hammer_inode.c:2962
      }
      leftInGroup = 0;
      for (const x of ip.target_list) {
        if (x.flush_state === HAMMER_FST_FLUSH && x.flush_group === ip.flush_group && (x.flags & HAMMER_RECF_DELETED_FE) === 0) leftInGroup++;
      }
      note('hino_nlinks_pass', { ip, nlinksIn, adds, dels, feAdds, result: nlinks, leftInGroup });

      defer_buffer_flush: {
        if (ip.sync_flags & HAMMER_INODE_TRUNCATED) { // hammer_inode.c:2973
          trunc_off = ip.sync_trunc_off; // hammer_inode.c:2982
          aligned_trunc_off = trunc_off; // hammer_inode.c:2983-2984: block alignment abstracted (one data version per file)

          error = yield* hammer_ip_delete_range(trans, ip, aligned_trunc_off, HAMMER_MAX_KEY, 2); // hammer_inode.c:2996-2998
          if (error === EWOULDBLOCK) { // hammer_inode.c:2999
            ip.flags |= HAMMER_INODE_WOULDBLOCK; // hammer_inode.c:3000
            lifecycle(ip, 'SYNC_INODE_WOULDBLOCK');
            error = 0; // hammer_inode.c:3001
            break defer_buffer_flush; // hammer_inode.c:3002
          }

          if (error) // hammer_inode.c:3005
            break done; // hammer_inode.c:3006

          // hammer_generate_redo(..., HAMMER_REDO_TERM_TRUNC, ...) (hammer_inode.c:3016-3021): REDO not modelled.

          sync_flags_and(ip, ~HAMMER_INODE_TRUNCATED); // hammer_inode.c:3036
        } else {
          error = 0; // hammer_inode.c:3039
        }

        if (error === 0) { // hammer_inode.c:3046
          // hammer_inode.c:3047-3048: RB_SCAN(&ip->rec_tree, hammer_sync_record_callback): the sum of
          // the callbacks' results; a negative one stops the scan and is the result.
          tmp_error = 0;
          last = -1;
          for (;;) {
            rec = rec_scan_next(ip, last);
            if (rec === null) break;
            last = rec.g_key;
            r = yield* seedFunctions.hammer_sync_record_callback(rec, trans); // hammer_inode.c:3047
            if (r < 0) {
              tmp_error = r;
              break;
            }
            tmp_error += r;
          }
          if (tmp_error < 0) // hammer_inode.c:3049
            tmp_error = -error; // hammer_inode.c:3050 (sic: -error, which is 0 here)
          if (tmp_error) // hammer_inode.c:3051
            error = tmp_error; // hammer_inode.c:3052
        }
        // hammer_cache_node(&ip->cache[1], cursor.node) (hammer_inode.c:3054): node caches not modelled.

        if (error === 0) { // hammer_inode.c:3060
          // hammer_inode.c:3061-3069: re-seek through the node cache — abstracted.
          error = 0; // hammer_inode.c:3070
        }

        if (
          error === 0 && // hammer_inode.c:3081
          ip.sync_ino_nlinks === 0 &&
          ip.rec_tree.length === 0 && // hammer_inode.c:3082
          ip.sync_flags & HAMMER_INODE_DELETING && // hammer_inode.c:3083
          (ip.flags & HAMMER_INODE_DELETED) === 0 // hammer_inode.c:3084
        ) {
          error = yield* hammer_ip_delete_clean(trans, ip); // hammer_inode.c:3087
          if (error === 0) { // hammer_inode.c:3088
            ip.flags |= HAMMER_INODE_DELETED; // hammer_inode.c:3089
            sync_flags_and(ip, ~HAMMER_INODE_DELETING); // hammer_inode.c:3090
            sync_flags_and(ip, ~HAMMER_INODE_TRUNCATED); // hammer_inode.c:3091
            KKASSERT(ip.rec_tree.length === 0, 'hammer_inode.c:3092', 'RB_EMPTY(&ip->rec_tree)');
            // hammer_inode.c:3099-3116: delete_tid / delete_ts and the volume's inode count — abstracted.
          }
        }

        if (error) // hammer_inode.c:3120
          break done; // hammer_inode.c:3121
        sync_flags_and(ip, ~HAMMER_INODE_BUFS); // hammer_inode.c:3122
      }
      // defer_buffer_flush: (hammer_inode.c:3124)

      switch (ip.flags & (HAMMER_INODE_DELETED | HAMMER_INODE_ONDISK)) { // hammer_inode.c:3133
        case HAMMER_INODE_DELETED | HAMMER_INODE_ONDISK: // hammer_inode.c:3134
          sync_flags_and(ip, ~(
            HAMMER_INODE_DDIRTY |
            HAMMER_INODE_XDIRTY |
            HAMMER_INODE_SDIRTY |
            HAMMER_INODE_ATIME |
            HAMMER_INODE_MTIME |
            HAMMER_INODE_DELETING
          )); // hammer_inode.c:3141-3144
          break;
        case HAMMER_INODE_DELETED: // hammer_inode.c:3146
          sync_flags_and(ip, ~(
            HAMMER_INODE_DDIRTY |
            HAMMER_INODE_XDIRTY |
            HAMMER_INODE_SDIRTY |
            HAMMER_INODE_ATIME |
            HAMMER_INODE_MTIME |
            HAMMER_INODE_DELETING
          )); // hammer_inode.c:3153-3156
          while (ip.rec_tree.length > 0) { // hammer_inode.c:3157
            record = ip.rec_tree[0]; // hammer_inode.c:3158 RB_ROOT
            ++record.lock_refs; // hammer_inode.c:3159 hammer_ref(&record->lock)
            KKASSERT(record.lock_refs === 1, 'hammer_inode.c:3160', 'hammer_oneref(&record->lock)');
            record.flags |= HAMMER_RECF_DELETED_BE; // hammer_inode.c:3161
            ++record.ip!.rec_generation; // hammer_inode.c:3162
            yield* hammer_rel_mem_record(record); // hammer_inode.c:3163
          }
          break;
        case HAMMER_INODE_ONDISK: // hammer_inode.c:3166
          break; // hammer_inode.c:3170
        default:
          // hammer_inode.c:3179-3182: create_tid / create_ts — abstracted.
          sync_flags_or(ip, HAMMER_INODE_DDIRTY); // hammer_inode.c:3183
          break;
      }

      if (ip.flags & HAMMER_INODE_DELETED) { // hammer_inode.c:3197
        error = yield* seedFunctions.hammer_update_inode(trans, ip); // hammer_inode.c:3198
      } else if (
        !(ip.sync_flags & (HAMMER_INODE_DDIRTY | HAMMER_INODE_SDIRTY)) && // hammer_inode.c:3200
        ip.sync_flags & (HAMMER_INODE_ATIME | HAMMER_INODE_MTIME) // hammer_inode.c:3201
      ) {
        error = yield* seedFunctions.hammer_update_itimes(trans, ip); // hammer_inode.c:3202
      } else if (ip.sync_flags & (HAMMER_INODE_DDIRTY | HAMMER_INODE_SDIRTY | HAMMER_INODE_ATIME | HAMMER_INODE_MTIME)) { // hammer_inode.c:3204-3205
        error = yield* seedFunctions.hammer_update_inode(trans, ip); // hammer_inode.c:3206
      }
    }
    // done: (hammer_inode.c:3208)
    if (ip.flags & HAMMER_INODE_MODMASK) // hammer_inode.c:3209
      yield* hammer_inode_dirty(ip); // hammer_inode.c:3210
    if (error) { // hammer_inode.c:3211
      yield* hammer_critical_error(mountOf(ip), ip, error, 'while syncing inode'); // hammer_inode.c:3212-3213
    }
    yield* hammer_done_cursor(trans, ip); // hammer_inode.c:3215
    return error; // hammer_inode.c:3216
  },
};
