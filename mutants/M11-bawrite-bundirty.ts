'use kernel';
/** M11: bawrite calls bundirty before issuing the write again — the line the comment at vfs_bio.c:1024-1032 says was REMOVED. */
import type { MutantMeta } from './types.ts';
import { BUF_CMD_WRITE, B_CACHE, B_EINTR, B_ERROR, B_INVAL, KKASSERT, type Kernel, lifecycle, panic } from '../impl/api.ts';
import { BUF_KERNPROC, BUF_LOCKINUSE, type Buf } from '../impl/env/bio.ts';
import { brelse, bsetrunningbufspace, bundirty, vfs_busy_pages, vn_strategy } from '../impl/kernel/vfs_bio.ts';

export const meta: MutantMeta = {
  "id": "M11",
  "title": "bawrite undirties the buffer before the write is issued",
  "description": "bundirty at issue time clears B_DELWRI (and takes the buffer off the vnode's dirty tree) before the write is in flight, so for a while the data of a delayed write lives only in a locked, clean buffer whose pages bdwrite cleaned: DUR-01 (no lost write) fails at the step where bundirty clears B_DELWRI, before bawrite marks the I/O in flight. In the kernel this is the window in which the vnode can leave the syncer worklist mid-write (IO-07/SYNC-04 of the spec, not in this catalog); a failed write is still re-dirtied by bpdone, so the model shows no later loss.",
  "cite": [
    "vfs_bio.c:1024-1032"
  ],
  "expect": "killed",
  "killedBy": [
    "DUR-01"
  ],
  "scenario": "mut-seq",
  "params": {
    "prog": 4,
    "pressure": 0
  }
};

export default {
  *bawrite(bp: Buf): Kernel<void> {
    if (bp.b_flags & B_INVAL) { // vfs_bio.c:1017-1020
      yield* brelse(bp);
      return;
    }
    if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:1022', 'bawrite: buffer is not busy???');

    yield* bundirty(bp); // vfs_bio.c:1031; MUTANT: was `// bundirty(bp); REMOVED` (vfs_bio.c:1024-1032)
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
    yield* BUF_KERNPROC(bp); // vfs_bio.c:1045
    yield* vn_strategy(bp.b_vp!, bp.b_bio1); // vfs_bio.c:1046
  },
};
