'use kernel';
/** HAM-MUT-23: hammer_wait_inode's "group not closed" test is false (hammer_inode.c:2473). */
import type { MutantMeta } from './types.ts';
import { hammer_flusher_async } from '../impl/env/hammer_flusher.ts';
import { mountOf } from '../impl/env/hammer_object.ts';
import { HAMMER_FST_FLUSH, HAMMER_FST_SETUP, HAMMER_INODE_FLUSHW, HAMMER_INODE_RESIGNAL, HAMMER_MOUNT_CRITICAL_ERROR, type HammerInode } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { tsleep } from '../impl/sim/sleep.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-23",
  "title": "hammer_wait_inode never closes an open group",
  "description": "W11 mode 1: fsync of an IDLE dirty F with a large auto-flush and no syncer: the SIGNAL flush puts F in the open fill group and the wait, which no longer closes it, sleeps forever: HINO-27 (a waiter never woken; a deadlock attributed to hammer_wait_inode) / HFLG-12.",
  "cite": [
    "hammer_inode.c:2473"
  ],
  "expect": "killed",
  "killedBy": [
    "HINO-27",
    "HFLG-12"
  ],
  "scenario": "hammer-w11-modify-while-flush",
  "params": {
    "mode": 1
  }
};

export default {
  *hammer_wait_inode(ip: HammerInode): Kernel<void> {
    while (
      ip.flush_state === HAMMER_FST_FLUSH || // hammer_inode.c:2455
      (ip.flush_state === HAMMER_FST_SETUP && ip.flags & HAMMER_INODE_RESIGNAL) // hammer_inode.c:2456-2457
    ) {
      if (mountOf(ip).flags & HAMMER_MOUNT_CRITICAL_ERROR) // hammer_inode.c:2461
        break; // hammer_inode.c:2462

      if (ip.flush_state === HAMMER_FST_FLUSH) { // hammer_inode.c:2471
        KKASSERT(ip.flush_group !== null, 'hammer_inode.c:2472', 'ip->flush_group');
        if (false as boolean) { // MUTANT: was `if (ip->flush_group->closed == 0)` (hammer_inode.c:2473)
          yield* hammer_flusher_async(mountOf(ip), ip.flush_group!); // hammer_inode.c:2479-2480
          continue; // hammer_inode.c:2481
        }
      }

      ip.flags |= HAMMER_INODE_FLUSHW; // hammer_inode.c:2490
      yield* tsleep(ip, 0, 'hmrwin', 0); // hammer_inode.c:2491 (&ip->flags)
    }
    // hammer_inode.c:2494-2501: the SETUP re-signal is #if 0.
  },
};
