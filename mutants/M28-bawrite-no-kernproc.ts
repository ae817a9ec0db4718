'use kernel';
/** M28: bawrite without BUF_KERNPROC (vfs_bio.c:1045). */
import { brelse, bsetrunningbufspace, vfs_busy_pages, vn_strategy } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_LOCKINUSE } from '../impl/env/bio.ts';
import { B_CACHE, B_EINTR, B_ERROR, B_INVAL, BUF_CMD_WRITE, type Kernel, KKASSERT, lifecycle, panic } from '../impl/api.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M28",
  title: "bawrite keeps the issuer as lock owner",
  description: "The asynchronous write is issued while the issuing thread still owns the buffer lock; the completion (bpdone -> bqrelse) later releases a lock it does not own. BUF-14 (an asynchronous I/O in flight is KERNPROC-owned) catches it as soon as vn_strategy issues it. Workload: the buffer daemon's flushbufqueues -> cluster_awrite = bawrite.",
  cite: [
    "vfs_bio.c:1045"
  ],
  expect: "killed",
  killedBy: [
    "BUF-14",
    "BUF-39",
    "kern_lock.c"
  ],
  scenario: "mb-flush",
  params: {
    n: 1,
    deps: 0
  }
};

export default {
  *bawrite(bp: Buf): Kernel<void> {
    if (bp.b_flags & B_INVAL) { // vfs_bio.c:1017-1020
      yield* brelse(bp);
      return;
    }
    if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:1022', 'bawrite: buffer is not busy???');

    // bundirty(bp); REMOVED (vfs_bio.c:1024-1032)
    bp.g_modified = false;
    bp.b_flags &= ~(B_ERROR | B_EINTR); // vfs_bio.c:1033
    bp.b_flags |= B_CACHE; // vfs_bio.c:1034
    bp.b_cmd = BUF_CMD_WRITE; // vfs_bio.c:1035
    lifecycle(bp, 'STRATEGY_WRITE');
    lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
    bp.g_io = BUF_CMD_WRITE;
    bp.b_error = 0; // vfs_bio.c:1036
    KKASSERT(bp.b_bio1.bio_done === null, 'vfs_bio.c:1037', 'bp->b_bio1.bio_done == NULL');
    yield* vfs_busy_pages(bp.b_vp!, bp); // vfs_bio.c:1038

    yield* bsetrunningbufspace(bp, bp.b_bufsize); // vfs_bio.c:1044
    // MUTANT: was BUF_KERNPROC(bp); (vfs_bio.c:1045)
    yield* vn_strategy(bp.b_vp!, bp.b_bio1); // vfs_bio.c:1046
  },
};
