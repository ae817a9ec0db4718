'use kernel';
/** M22: getblk without the identity recheck after locking (vfs_bio.c:2784-2792). */
import { allocbuf, bqdrop, brelse, bremfree, bwrite, findblk, getnewbuf } from '../impl/kernel/vfs_bio.ts';
import { bgetvp, VBLK, VCHR, type Vnode } from '../impl/env/vnode.ts';
import { B_AGE, B_CACHE, B_DELWRI, B_INVAL, B_KVABIO, B_NOCACHE, B_RELBUF, B_VMIO, BUF_CMD_DONE, DEV_BSIZE, ENOLCK, FINDBLK_REF, FINDBLK_TEST, GETBLK_NOWAIT, GETBLK_PCATCH, GETBLK_SZMATCH, KASSERT, type Kernel, KKASSERT, LK_EXCLUSIVE, LK_NOWAIT, LK_SLEEPFAIL, MAXBSIZE, NOOFFSET, note, PAGE_MASK, panic, PCATCH } from '../impl/api.ts';
import { type Buf, BUF_LOCK, BUF_TIMELOCK, BUF_UNLOCK } from '../impl/env/bio.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M22",
  title: "getblk drops the identity recheck",
  description: "A getblk hit that slept for the lock (or whose ref did not stop a disassociation) may get a buffer that was invalidated and unhashed meanwhile (b_vp == NULL) or recycled for another block; without the recheck getblk goes on with it as (vp, loffset) (BUF-16). The model catches it first at KKASSERT(bp->b_flags & B_VMIO) (vfs_bio.c:2810): the invalidated buffer lost B_VMIO in vfs_vmio_release.",
  cite: [
    "vfs_bio.c:2784-2792"
  ],
  expect: "killed",
  killedBy: [
    "BUF-16",
    "vfs_bio.c:2810",
    "BUF-25"
  ],
  scenario: "buf-reuse",
  params: {
    lookups: 1,
    pressure: 0
  }
};

export default {
  *getblk(vp: Vnode, loffset: number, size: number, blkflags: number, slptimeo: number): Kernel<Buf | null> {
    let bp: Buf | null;
    const slpflags = blkflags & GETBLK_PCATCH ? PCATCH : 0;
    let error: number;
    let lkflags: number;

    if (size > MAXBSIZE) panic('vfs_bio.c:2737', `getblk: size(${size}) > MAXBSIZE(${MAXBSIZE})`);
    if (vp.v_object === null) panic('vfs_bio.c:2739', 'getblk: vnode has no object!');

    loop: for (;;) {
      if ((bp = yield* findblk(vp, loffset, FINDBLK_REF | FINDBLK_TEST)) !== null) {
        // Found: lock it while holding the ref, which prevents reuse but not disassociation
        // (vfs_bio.c:2747-2775).
        if (yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) {
          if (blkflags & GETBLK_NOWAIT) {
            yield* bqdrop(bp);
            return null;
          }
          lkflags = LK_EXCLUSIVE | LK_SLEEPFAIL;
          // LK_PCATCH with GETBLK_PCATCH (vfs_bio.c:2765-2766): signals are not modelled.
          error = yield* BUF_TIMELOCK(bp, lkflags, 'getblk', slptimeo);
          if (error) {
            yield* bqdrop(bp);
            if (error === ENOLCK) continue loop;
            return null;
          }
          // buffer may have changed on us
        }
        yield* bqdrop(bp); // vfs_bio.c:2776

        // Make sure we did not race a recycling; unhashed buffers have b_vp == NULL (vfs_bio.c:2778-2792).
        // MUTANT: was if (bp->b_vp != vp || bp->b_loffset != loffset) { BUF_UNLOCK(bp); goto loop; } (vfs_bio.c:2784-2792)

        // SZMATCH: the caller does not want a write on a size mismatch (vfs_bio.c:2794-2802).
        if (blkflags & GETBLK_SZMATCH && size !== bp.b_bcount) {
          yield* BUF_UNLOCK(bp);
          return null;
        }

        KKASSERT((bp.b_flags & B_VMIO) !== 0, 'vfs_bio.c:2810', 'bp->b_flags & B_VMIO');
        KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:2811', 'bp->b_cmd == BUF_CMD_DONE');
        bp.b_flags &= ~B_AGE; // vfs_bio.c:2812
        bp.b_flags |= B_KVABIO; // vfs_bio.c:2813

        // B_INVAL buffers must not have a cached translation (vfs_bio.c:2815-2825).
        if (bp.b_flags & B_INVAL && bp.b_bio2_offset !== NOOFFSET) {
          note('getblk_warning', { bp, what: 'invalid buffer did not have cleared bio_offset cache' });
          bp.b_bio2_offset = NOOFFSET; // clearbiocache
        }

        // Locked: B_CACHE is cleared if invalid; after bremfree disposals must use b[q]relse (vfs_bio.c:2827-2835).
        if (bp.b_flags & B_INVAL) bp.b_flags &= ~B_CACHE;
        yield* bremfree(bp);

        // Size changes of dirty or dependent buffers are written first (vfs_bio.c:2837-2864).
        if (size !== bp.b_bcount) {
          if (bp.b_flags & B_DELWRI) {
            bp.b_flags |= B_RELBUF;
            yield* bwrite(bp);
          } else if (bp.b_dep) {
            bp.b_flags |= B_RELBUF;
            yield* bwrite(bp);
          } else {
            bp.b_flags |= B_RELBUF;
            yield* brelse(bp);
          }
          continue loop;
        }
        KKASSERT(size <= bp.b_kvasize, 'vfs_bio.c:2865', 'size <= bp->b_kvasize');
        KASSERT(bp.b_loffset !== NOOFFSET, 'vfs_bio.c:2866-2867', 'getblk: no buffer offset');

        // A B_DELWRI buffer without B_CACHE must be committed first (vfs_bio.c:2869-2908).
        if ((bp.b_flags & (B_CACHE | B_DELWRI)) === B_DELWRI) {
          note('getblk_warning', { bp, what: 'DELWRI set and CACHE clear' });
          bp.b_flags |= B_NOCACHE;
          yield* bwrite(bp);
          continue loop;
        }
      } else {
        // Not in core: create a new buffer (vfs_bio.c:2909-2978).
        let bsize: number;
        let maxsize: number;

        if (vp.v_type === VBLK || vp.v_type === VCHR) bsize = DEV_BSIZE; // vfs_bio.c:2932-2937
        else bsize = vp.v_iosize;

        maxsize = size + (loffset & PAGE_MASK); // vfs_bio.c:2939-2940
        maxsize = Math.max(maxsize, bsize);

        bp = yield* getnewbuf(blkflags, slptimeo, size, maxsize); // vfs_bio.c:2942
        if (bp === null) {
          if (slpflags || slptimeo) return null;
          continue loop;
        }

        // Insert into the hash so findblk can find it; a collision means we lost the race
        // (vfs_bio.c:2949-2966).
        bp.b_loffset = loffset;
        bp.b_bio2_offset = NOOFFSET;

        if (yield* bgetvp(vp, bp, size)) {
          bp.b_flags |= B_INVAL;
          yield* brelse(bp);
          continue loop;
        }

        // All vnode-based buffers are backed by a VM object (vfs_bio.c:2968-2977).
        KKASSERT(vp.v_object !== null, 'vfs_bio.c:2973', 'vp->v_object != NULL');
        bp.b_flags |= B_VMIO | B_KVABIO;
        KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:2975', 'bp->b_cmd == BUF_CMD_DONE');

        yield* allocbuf(bp, size);
      }
      // bkvasync_all unless GETBLK_KVABIO (vfs_bio.c:2980-2986): KVA, not modelled.
      note('getblk_return', { bp, vp, loffset, size });
      return bp;
    }
  },
};
