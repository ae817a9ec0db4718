'use kernel';
/** M10: bpdone treats a failed write like a successful one and always calls bundirty (vfs_bio.c:3557). */
import type { MutantMeta } from './types.ts';
import { BUF_CMD_DONE, BUF_CMD_FREEBLKS, BUF_CMD_READ, BUF_CMD_WRITE, B_CACHE, B_ERROR, B_HASBOGUS, B_INVAL, B_NOCACHE, B_RELBUF, B_VMIO, KASSERT, type Kernel, NOOFFSET, PAGE_MASK, PAGE_SIZE, lifecycle, note, panic } from '../impl/api.ts';
import { BUF_LOCKINUSE, type Buf } from '../impl/env/bio.ts';
import { buf_complete } from '../impl/env/softdep.ts';
import { type VmObject, type VmPage, vm_object_drop, vm_object_hold, vm_object_pip_wakeup, vm_page_busy_wait, vm_page_io_finish, vm_page_lookup, vm_page_wakeup } from '../impl/env/vm.ts';
import { bqrelse, brelse, bundirty, vfs_clean_one_page } from '../impl/kernel/vfs_bio.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M10",
  "title": "bpdone undirties a buffer whose write failed",
  "description": "A write that fails with EIO is not re-dirtied: bpdone calls bundirty as for a success, so the buffer is clean while the only copy of the data is in its (clean) pages. IO-06 (a failed write of a non-INVAL buffer leaves it B_DELWRI) fails in the step where bpdone settles the write; DUR-01 (no lost write) fails in the same state and is checked after it.",
  "cite": [
    "vfs_bio.c:3541-3565"
  ],
  "expect": "killed",
  "killedBy": [
    "IO-06"
  ],
  "scenario": "biowait",
  "params": {
    "ios": 1,
    "write": 1,
    "errors": 1
  }
};

/** OFF_TO_IDX (as in impl/kernel/vfs_bio.ts). */
function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

/** ghost + lifecycle: a bogus_page slot got its original page back (as in impl/kernel/vfs_bio.ts). */
function bogus_restored(m: VmPage): void {
  m.g_bogus -= 1;
  lifecycle(m, 'BOGUS_RESTORE');
}

export default {
  *bpdone(bp: Buf, elseit: number): Kernel<void> {
    const g = vb();
    let cmd: number;

    KASSERT(BUF_LOCKINUSE(bp), 'vfs_bio.c:3519', 'bpdone: bp not busy');
    KASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3520-3521', 'bpdone: bp already done!');

    // No more BIOs are left: clean up the buffer (vfs_bio.c:3523-3528).
    cmd = bp.b_cmd;
    bp.b_cmd = BUF_CMD_DONE;
    lifecycle(bp, 'BPDONE');
    lifecycle(bp.b_bio1, 'BPDONE');

    // Only reads and writes are processed past this point (vfs_bio.c:3530-3539).
    if (cmd !== BUF_CMD_READ && cmd !== BUF_CMD_WRITE) {
      if (cmd === BUF_CMD_FREEBLKS) bp.b_flags |= B_NOCACHE;
      bp.g_bpdone = true;
      bp.g_io = 0;
      if (elseit) yield* brelse(bp);
      return;
    }

    // A failed write is re-dirtied unless B_INVAL; a successful one is undirtied. Before
    // buf_complete, which may re-dirty (vfs_bio.c:3541-3565).
    if (cmd === BUF_CMD_WRITE) {
      // MUTANT: was `if ((bp->b_flags & (B_ERROR | B_INVAL)) == B_ERROR) { ...; bdirty(bp); } else` (vfs_bio.c:3557-3561)
      if (bp.b_vp) yield* bundirty(bp); // vfs_bio.c:3563
    }
    note('bpdone_write_settled', { bp, cmd });
    bp.g_io = 0;

    // softupdates may re-dirty the buffer (vfs_bio.c:3567-3572).
    if (bp.b_dep) yield* buf_complete(bp);

    if (bp.b_flags & B_VMIO) {
      let i: number;
      let foff: number;
      let m: VmPage;
      let obj: VmObject;
      let iosize: number;
      const vp = bp.b_vp!;

      obj = vp.v_object!;
      // VFS_BIO_DEBUG checks (vfs_bio.c:3584-3589, 3595-3602): debug builds only; not modelled.
      foff = bp.b_loffset;
      KASSERT(foff !== NOOFFSET, 'vfs_bio.c:3592', 'bpdone: no buffer offset');
      KASSERT(obj !== null, 'vfs_bio.c:3593', 'bpdone: missing VM object');

      // B_CACHE after a normal read without error; writes set it in b*write() (vfs_bio.c:3604-3613).
      iosize = bp.b_bcount - bp.b_resid;
      if (cmd === BUF_CMD_READ && (bp.b_flags & (B_INVAL | B_NOCACHE | B_ERROR)) === 0) bp.b_flags |= B_CACHE;

      yield* vm_object_hold(obj); // vfs_bio.c:3615
      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        let resid: number;
        let isbogus: number;

        resid = ((foff + PAGE_SIZE) & ~PAGE_MASK) - foff; // vfs_bio.c:3620-3622
        if (resid > iosize) resid = iosize;

        // Restore bogus pages; the originals are still wired (vfs_bio.c:3624-3641).
        m = bp.b_xio.xio_pages[i]!;
        if (m === g.bogus_page) {
          if ((bp.b_flags & B_HASBOGUS) === 0) panic('vfs_bio.c:3633', 'bpdone: bp corrupt bogus');
          const orig = vm_page_lookup(obj, OFF_TO_IDX(foff));
          if (orig === null) panic('vfs_bio.c:3636', 'bpdone: page disappeared');
          m = orig!;
          bp.b_xio.xio_pages[i] = m;
          bogus_restored(m);
          isbogus = 1;
        } else {
          isbogus = 0;
        }

        // Writes already have valid+clean pages (bdwrite); only reads are cleaned here (vfs_bio.c:3650-3657).
        yield* vm_page_busy_wait(m, false, 'bpdpgw');
        if (cmd === BUF_CMD_READ && isbogus === 0 && resid > 0) yield* vfs_clean_one_page(bp, i, m);

        // The most common error with new filesystems: page soft-busy not set (vfs_bio.c:3659-3686).
        if (m.busy_count === 0) panic('vfs_bio.c:3685', 'bpdone: page busy < 0');
        vm_page_io_finish(m); // vfs_bio.c:3687
        yield* vm_page_wakeup(m); // vfs_bio.c:3688
        vm_object_pip_wakeup(obj); // vfs_bio.c:3689
        foff = (foff + PAGE_SIZE) & ~PAGE_MASK;
        iosize -= resid;
      }
      if (bp.b_flags & B_HASBOGUS) { // vfs_bio.c:3693-3699 (pmap_qenter, bkvareset: not modelled)
        bp.b_flags &= ~B_HASBOGUS;
      }
      yield* vm_object_drop(obj); // vfs_bio.c:3700
    }

    // Release the buffer; no more completions (vfs_bio.c:3703-3713).
    bp.g_bpdone = true;
    if (elseit) {
      if (bp.b_flags & (B_NOCACHE | B_INVAL | B_ERROR | B_RELBUF)) yield* brelse(bp);
      else yield* bqrelse(bp);
    }
  },
};
