'use kernel';
/** HAM-MUT-09: hammer_rel_inode tests MODMASK_NOXDIRTY instead of MODMASK at the last reference (hammer_inode.c:1485). */
import type { MutantMeta } from './types.ts';
import { hammer_isactive, hammer_oneref, hammer_rel } from '../impl/env/hammer_object.ts';
import { hammer_flush_inode, hammer_inode_unloadable_check, seedFunctions } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_INODE_MODMASK_NOXDIRTY, type HammerInode } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { lifecycle, note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-09",
  "title": "the last release ignores XDIRTY and unloads a dirty inode",
  "description": "W9: releasing the last holder reference of X, dirty only by XDIRTY (one GENERAL record), skips the flush (MODMASK_NOXDIRTY is clear) and unloads X with its record pending: the unload's KKASSERT at hammer_inode.c:1525 (clean at unload, HINO-08) fires; :1527 (rec_tree empty) would be next, and the record would be lost (HINO-18).",
  "cite": [
    "hammer_inode.c:1485"
  ],
  "expect": "killed",
  "killedBy": [
    "hammer_inode.c:1525",
    "hammer_inode.c:1527",
    "HINO-08",
    "HINO-18"
  ],
  "scenario": "hammer-w9-xdirty-only",
  "params": {}
};

export default {
  *hammer_rel_inode(ip: HammerInode, flush: number, g_holder?: number): Kernel<void> {
    for (;;) { // hammer_inode.c:1477
      if (hammer_oneref(ip.lock)) { // hammer_inode.c:1478
        note('hino_rel_one', { ip, vp: ip.vp, state: ip.flush_state });
        KKASSERT(ip.vp === null, 'hammer_inode.c:1483', 'ip->vp == NULL');
        yield* hammer_inode_unloadable_check(ip, 0); // hammer_inode.c:1484
        if (ip.flags & HAMMER_INODE_MODMASK_NOXDIRTY) { // MUTANT: was HAMMER_INODE_MODMASK (hammer_inode.c:1485)
          yield* hammer_flush_inode(ip, 0); // hammer_inode.c:1486
        } else if (hammer_oneref(ip.lock)) { // hammer_inode.c:1487
          if (g_holder) ip.g_holders -= 1;
          yield* seedFunctions.hammer_unload_inode(ip); // hammer_inode.c:1488
          break; // hammer_inode.c:1489
        }
      } else {
        if (flush) // hammer_inode.c:1492
          yield* hammer_flush_inode(ip, 0); // hammer_inode.c:1493

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
