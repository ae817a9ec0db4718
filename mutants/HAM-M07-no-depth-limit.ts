'use kernel';
/** HAM-MUT-07: hammer_setup_parent_inodes' depth-limit condition is false (hammer_inode.c:1873). */
import type { MutantMeta } from './types.ts';
import { seedFunctions } from '../impl/kernel/hammer_inode.ts';
import type { HammerFlushGroup, HammerInode, HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import { KKASSERT } from '../impl/sim/panic.ts';
import type { Kernel } from '../impl/sim/prim.ts';
import { note } from '../impl/sim/report.ts';

export const meta: MutantMeta = {
  "id": "HAM-MUT-07",
  "title": "the upward recursion has no depth limit",
  "description": "W7: fsync of f at the bottom of 20 new nested directories walks f → d20 → ... → d1 and, without the limit, on to the root R at depth 21: HINO-22 (ghost depth > 20). On W8 (the rename loop) the recursion would never end.",
  "cite": [
    "hammer_inode.c:1873"
  ],
  "expect": "killed",
  "killedBy": [
    "HINO-22"
  ],
  "scenario": "hammer-w7-chain21",
  "params": {}
};

export default {
  *hammer_setup_parent_inodes(ip: HammerInode, depth: number, flg: HammerFlushGroup): Kernel<number> {
    let depend: HammerRecord;
    let good: number;
    let r: number;
    let i: number;

    note('hino_setup_depth', { ip, depth });
    if (false as boolean) { // MUTANT: was `if (depth == 20 && TAILQ_FIRST(&ip->target_list))` (hammer_inode.c:1873)
      // krateprintf "depth limit reached" (hammer_inode.c:1874-1878)
      return -2; // hammer_inode.c:1879
    }

    good = 0; // hammer_inode.c:1885
    for (i = 0; i < ip.target_list.length; i++) { // hammer_inode.c:1886 TAILQ_FOREACH
      depend = ip.target_list[i];
      r = yield* seedFunctions.hammer_setup_parent_inodes_helper(depend, depth, flg); // hammer_inode.c:1887
      KKASSERT(depend.target_ip === ip, 'hammer_inode.c:1888', 'depend->target_ip == ip');
      if (r < 0 && good === 0) // hammer_inode.c:1889
        good = -1; // hammer_inode.c:1890
      if (r > 0) // hammer_inode.c:1891
        good = 1; // hammer_inode.c:1892

      if (r === -2) // hammer_inode.c:1898
        break; // hammer_inode.c:1899
    }
    return good; // hammer_inode.c:1901
  },
};
