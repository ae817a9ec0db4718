'use kernel';
/** M21: findblk takes its ref after releasing v_token (vfs_bio.c:2576-2577 swapped). */
import { bqhold } from '../impl/kernel/vfs_bio.ts';
import { buf_rb_hash_lookup, type Vnode } from '../impl/env/vnode.ts';
import { atomic_add_int, B_KVABIO, FINDBLK_KVABIO, FINDBLK_NBLOCK, FINDBLK_REF, FINDBLK_TEST, type Kernel, lifecycle, LK_EXCLUSIVE, LK_NOWAIT, lwkt_gettoken_shared, lwkt_reltoken, note } from '../impl/api.ts';
import { type Buf, BUF_LOCK, BUF_UNLOCK } from '../impl/env/bio.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M21",
  title: "findblk refs the buffer after dropping v_token",
  description: "The ref is no longer taken while the buffer is known hashed as (vp, loffset): getnewbuf can pass all its b_refs tests and unhash the buffer between findblk's lookup and its bqhold, so the ref lands on a buffer that is no longer hashed (BUF-19 in the catalog: a 0->1 ref only on a hashed buffer) and getnewbuf may return it with b_refs != 0 (BUF-15). The model catches it first by conformance (CONF:buf): the buf machine allows BQHOLD only on a hashed buffer or by its lock owner, which is BUF-19.",
  cite: [
    "vfs_bio.c:2576-2577"
  ],
  expect: "killed",
  killedBy: [
    "CONF:buf",
    "BUF-15",
    "BUF-16",
    "BUF-17"
  ],
  scenario: "buf-reuse",
  params: {
    lookups: 1,
    pressure: 0
  }
};

export default {
  *findblk(vp: Vnode, loffset: number, flags: number): Kernel<Buf | null> {
    let bp: Buf | null;
    let lkflags: number;

    lkflags = LK_EXCLUSIVE; // vfs_bio.c:2561-2563
    if (flags & FINDBLK_NBLOCK) lkflags |= LK_NOWAIT;

    for (;;) {
      // Lookup; ref the buf while holding v_token to prevent reuse (vfs_bio.c:2566-2577).
      yield* lwkt_gettoken_shared(vp.v_token);
      bp = buf_rb_hash_lookup(vp, loffset);
      if (bp === null) {
        yield* lwkt_reltoken(vp.v_token);
        return null;
      }
      yield* lwkt_reltoken(vp.v_token); // vfs_bio.c:2577
      yield* bqhold(bp); // MUTANT: was before lwkt_reltoken (vfs_bio.c:2576)

      // If testing only break and return bp, do not lock (vfs_bio.c:2579-2583).
      if (flags & FINDBLK_TEST) break;

      // Lock the buffer; only FINDBLK_NBLOCK can make it fail (vfs_bio.c:2585-2593).
      if (yield* BUF_LOCK(bp, lkflags)) {
        yield* atomic_add_int(bp, 'b_refs', -1); // atomic_subtract_int (vfs_bio.c:2590)
        lifecycle(bp, 'BQDROP');
        return null;
      }

      // Revalidate the locked buf (vfs_bio.c:2595-2611).
      if (bp.b_vp === vp && bp.b_loffset === loffset) {
        if (flags & FINDBLK_KVABIO) bp.b_flags |= B_KVABIO;
        // else bkvasync_all(bp): KVA, not modelled
        break;
      }
      yield* atomic_add_int(bp, 'b_refs', -1); // vfs_bio.c:2610
      lifecycle(bp, 'BQDROP');
      yield* BUF_UNLOCK(bp); // vfs_bio.c:2611
    }

    // Success (vfs_bio.c:2614-2619).
    if ((flags & FINDBLK_REF) === 0) {
      yield* atomic_add_int(bp, 'b_refs', -1); // vfs_bio.c:2618
      lifecycle(bp, 'BQDROP');
    }
    if ((flags & FINDBLK_TEST) === 0) note('findblk_return', { bp, vp, loffset, flags });
    return bp;
  },
};
