'use kernel';
/** M47: bqdrop decrements b_refs non-atomically (vfs_bio.c:1744). */

import type { Buf } from '../impl/env/bio.ts';
import { type Kernel, KKASSERT, lifecycle, load, store } from '../impl/api.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M47",
  title: "bqdrop drops the ref with a read and a write",
  description: "Two getblk hits on one block raise and drop b_refs concurrently; a plain read-then-write decrement loses a concurrent findblk increment or decrement: either b_refs reaches 0 while a ref is still held, so the holder's own bqdrop trips KKASSERT(bp->b_refs > 0) (vfs_bio.c:1743), or a ref is never dropped and the buffer can never be reused (BUF-18b). The model catches the drift first by conformance (CONF:buf): the buf machine counts b_refs through the BQHOLD/BQDROP events, and after a lost update the object's b_refs no longer matches the count the events imply.",
  cite: [
    "vfs_bio.c:1744"
  ],
  expect: "killed",
  killedBy: [
    "CONF:buf",
    "vfs_bio.c:1743",
    "BUF-18b",
    "BUF-18"
  ],
  scenario: "mb-refs",
  params: {}
};

export default {
  *bqdrop(bp: Buf): Kernel<void> {
    KKASSERT(bp.b_refs > 0, 'vfs_bio.c:1743', 'bp->b_refs > 0');
    const refs = yield* load(bp, 'b_refs'); // MUTANT: was atomic_add_int(&bp->b_refs, -1) (vfs_bio.c:1744)
    yield* store(bp, 'b_refs', refs - 1);
    lifecycle(bp, 'BQDROP');
  },
};
