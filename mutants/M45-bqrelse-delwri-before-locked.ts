'use kernel';
/** M45: bqrelse tests B_DELWRI before B_LOCKED (vfs_bio.c:1664-1678). */
import { brelse, bufcountwakeup, bufspacewakeup, type BqrelseRow } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_UNLOCK } from '../impl/env/bio.ts';
import { B_CLUSTER, B_DELWRI, B_HEAVY, B_INVAL, B_LOCKED, B_NOCACHE, B_PAGING, B_RELBUF, BQUEUE_CLEAN, BQUEUE_DIRTY, BQUEUE_DIRTY_HW, BQUEUE_LOCKED, BQUEUE_NONE, KASSERT, type Kernel, lifecycle, panic, spin_lock, spin_unlock } from '../impl/api.ts';
import { type BufPcpu, TAILQ_INSERT_TAIL, vb } from '../impl/kernel/vfs_bio_state.ts';
import { vm_paging_min } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M45",
  title: "bqrelse sends pinned dirty buffers to the dirty queue",
  description: "A B_LOCKED (pinned, e.g. by HAMMER) buffer that is also B_DELWRI goes to BQUEUE_DIRTY, where the buffer daemon will flush it behind the filesystem's back (BUF-22: a pinned buffer is released to BQUEUE_LOCKED). The model catches it first by conformance (CONF:buf: the buf machine has no BQRELSE_DIRTY from a pinned state); BUF-22b is the invariant form.",
  cite: [
    "vfs_bio.c:1664-1678"
  ],
  expect: "killed",
  killedBy: [
    "CONF:buf",
    "BUF-22b"
  ],
  scenario: "mb-pinned",
  params: {},
  cpus: 1
};

/** bqrelse's queue choice with B_DELWRI tested before B_LOCKED (the mutation of vfs_bio.c:1664-1678). */
function bqrelse_queue_row_delwri_first(flags: number): BqrelseRow {
  if (flags & B_DELWRI) return flags & B_HEAVY ? 'Q2_DIRTY_HW' : 'Q2_DIRTY';
  if (flags & B_LOCKED) return 'Q1_LOCKED';
  return 'Q34_CLEAN_OR_BRELSE';
}

export default {
  *bqrelse(bp: Buf): Kernel<void> {
    let pcpu: BufPcpu;

    KASSERT(!(bp.b_flags & (B_CLUSTER | B_PAGING)), 'vfs_bio.c:1653-1654', 'bqrelse: inappropriate B_PAGING or B_CLUSTER bp');

    if (bp.b_qindex !== BQUEUE_NONE) panic('vfs_bio.c:1657', 'bqrelse: free buffer onto another queue???');

    // buf_act_advance(bp) (vfs_bio.c:1659): LRU heuristic, not modelled.

    pcpu = vb().bufpcpu[bp.b_qcpu];
    yield* spin_lock(pcpu.spin); // vfs_bio.c:1662

    switch (bqrelse_queue_row_delwri_first(bp.b_flags)) { // MUTANT: was bqrelse_queue_row (B_LOCKED first)
      case 'Q1_LOCKED':
        bp.b_qindex = BQUEUE_LOCKED; // vfs_bio.c:1664-1673
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BQRELSE_LOCKED');
        break;
      case 'Q2_DIRTY':
      case 'Q2_DIRTY_HW':
        bp.b_qindex = bp.b_flags & B_HEAVY ? BQUEUE_DIRTY_HW : BQUEUE_DIRTY; // vfs_bio.c:1674-1678
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, bp.b_qindex === BQUEUE_DIRTY_HW ? 'BQRELSE_DIRTY_HW' : 'BQRELSE_DIRTY');
        break;
      case 'Q34_CLEAN_OR_BRELSE':
        if (yield* vm_paging_min()) {
          // Too low on memory: free the buffer's wired pages *now* (vfs_bio.c:1679-1687).
          yield* spin_unlock(pcpu.spin);
          yield* brelse(bp);
          return;
        }
        bp.b_qindex = BQUEUE_CLEAN; // vfs_bio.c:1688-1691
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BQRELSE_CLEAN');
        break;
    }
    yield* spin_unlock(pcpu.spin); // vfs_bio.c:1693

    // Queued but still locked (vfs_bio.c:1695-1702).
    if ((bp.b_flags & B_LOCKED) === 0 && (bp.b_flags & B_INVAL || (bp.b_flags & B_DELWRI) === 0)) yield* bufcountwakeup();

    // Something we can maybe free or reuse (vfs_bio.c:1704-1708).
    if (bp.b_bufsize && !(bp.b_flags & B_DELWRI)) yield* bufspacewakeup();

    // Clear bits only used while locked, then unlock (vfs_bio.c:1710-1716).
    bp.b_flags &= ~(B_NOCACHE | B_RELBUF);
    yield* BUF_UNLOCK(bp);
  },
};
