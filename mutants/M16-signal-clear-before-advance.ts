'use kernel';
/** M16: bd_signal reads and clears the current ticket's slot before advancing bd_wake_index (vfs_bio.c:506-509 reordered). */
import type { MutantMeta } from './types.ts';
import { type Kernel, MAXBSIZE, atomic_fetchadd_int, atomic_readandclear_int, wakeup } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M16",
  "title": "bd_signal clears the slot before advancing the index",
  "description": "bd_signal reads bd_wake_index, read-and-clears that slot (waking its waiters), and only then advances the index. A bd_wait that read the same index registers on the slot after it was cleared, re-reads bd_wake_index before it advances (i - j >= 0) and sleeps; the ticket it waits for has been issued with nobody woken, and later signals clear other slots — with timeouts off, a deadlock in bd_wait.",
  "cite": [
    "vfs_bio.c:506-509"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-05"
  ],
  "scenario": "mut-bdwait-ticket",
  "params": {}
};

export default {
  *bd_signal(totalspace: number): Kernel<void> {
    const g = vb();
    let i: number;

    if (totalspace > 0) {
      if (totalspace > MAXBSIZE * g.bd_wake_size) totalspace = MAXBSIZE * g.bd_wake_size; // vfs_bio.c:503-504
      while (totalspace > 0) {
        i = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 0); // MUTANT: was atomic_fetchadd_int(&bd_wake_index, 1) (vfs_bio.c:506)
        i &= g.bd_wake_size - 1; // vfs_bio.c:507
        if (yield* atomic_readandclear_int(g.bd_wake_ary[i], 'v')) yield* wakeup(g.bd_wake_ary[i]); // vfs_bio.c:508-509
        yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 1); // MUTANT: the index now advances after the slot was cleared
        totalspace -= MAXBSIZE; // vfs_bio.c:510
      }
    }
  },
};
