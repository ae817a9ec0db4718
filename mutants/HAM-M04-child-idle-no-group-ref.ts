'use kernel';
/** HAM-MUT-04: the owner scan's IDLE case does not count the record in flg->refs (hammer_inode.c:2291 deleted). */
import type { MutantMeta } from './types.ts';
import { mountOf } from '../impl/env/hammer_object.ts';
import { seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_FLUSH_RECURSION, HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_NAMES, HAMMER_FST_SETUP, HAMMER_INODE_REFLUSH, HAMMER_INODE_RESIGNAL, HAMMER_MEM_RECORD_ADD, HAMMER_OBJTYPE_DIRECTORY, HAMMER_RECF_COMMITTED, HAMMER_RECF_DELETED_BE, HAMMER_RECF_DELETED_FE, type HammerFlushGroup, type HammerInode, type HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';
import { match } from 'ts-pattern';

export const meta: MutantMeta = {
  "id": "HAM-MUT-04",
  "title": "owner scan's IDLE case forgets ++flg->refs",
  "description": "W9 variant flush=1: the explicit hammer_flush_inode(X, 0) runs X's owner scan, which places the IDLE GENERAL record in the group without ++flg->refs: HFLG-01 (refs 0 with one FLUSH record in the group); record completion would then drive refs negative (HFLG-08). With conformance the flushGroup machine catches the same step (CONF:flushGroup: RECORD_JOIN counts the record, refs 1 expected, 0 found).",
  "cite": [
    "hammer_inode.c:2291"
  ],
  "expect": "killed",
  "killedBy": [
    "CONF:flushGroup",
    "HFLG-01",
    "HFLG-08"
  ],
  "scenario": "hammer-w9-xdirty-only",
  "params": {
    "flush": 1
  }
};

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
      // MUTANT: `++flg->refs;` (hammer_inode.c:2291) is deleted.
      ++rec.lock_refs; // hammer_inode.c:2292 hammer_ref(&rec->lock)
      note('hrec_join', { record: rec, flg, running: flg.running });
      lifecycle(rec, 'SETUP_CHILD');
      lifecycle(flg, 'RECORD_JOIN');
      r = 1; // hammer_inode.c:2293
    } else if (arm === 'SETUP_TARGET_FLUSHING') {
      if (rec.type === HAMMER_MEM_RECORD_ADD) { // hammer_inode.c:2319
        ip.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2320
        lifecycle(ip, 'DEFER_REFLUSH');
      } else {
        target_ip!.flags |= HAMMER_INODE_REFLUSH; // hammer_inode.c:2322
        lifecycle(target_ip!, 'DEFER_REFLUSH');
      }
    } else if (arm === 'SETUP_OVERFULL') {
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
      KKASSERT(
        rec.ip!.obj_type === HAMMER_OBJTYPE_DIRECTORY || rec.flush_group === flg,
        'hammer_inode.c:2408-2410',
        'rec->ip->ino_data.obj_type == HAMMER_OBJTYPE_DIRECTORY || rec->flush_group == flg',
      );
      r = 1; // hammer_inode.c:2411
    }
    return r; // hammer_inode.c:2414
  },
};
