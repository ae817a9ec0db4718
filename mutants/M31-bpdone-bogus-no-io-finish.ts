'use kernel';
/** M31: bpdone skips io_finish and pip_wakeup for restored bogus slots (vfs_bio.c:3687-3689). */
import { bdirty, bqrelse, brelse, bundirty, vfs_clean_one_page } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_LOCKINUSE } from '../impl/env/bio.ts';
import { B_CACHE, B_ERROR, B_HASBOGUS, B_INVAL, B_NOCACHE, B_RELBUF, B_VMIO, BUF_CMD_DONE, BUF_CMD_FREEBLKS, BUF_CMD_READ, BUF_CMD_WRITE, KASSERT, type Kernel, lifecycle, NOOFFSET, note, PAGE_MASK, PAGE_SIZE, panic } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { buf_complete } from '../impl/env/softdep.ts';
import { vm_object_drop, vm_object_hold, vm_object_pip_wakeup, vm_page_busy_wait, vm_page_io_finish, vm_page_lookup, vm_page_wakeup, type VmObject, type VmPage } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M31",
  title: "bpdone leaks the soft-busy of bogus-substituted pages",
  description: "vfs_busy_pages soft-busied every page before substituting bogus_page, so the restored original must be io_finish'ed too; skipping it leaves the page soft-busied (and the object's pip raised) for ever: VM-05b.",
  cite: [
    "vfs_bio.c:3687-3689"
  ],
  expect: "killed",
  killedBy: [
    "VM-05b"
  ],
  scenario: "mb-bogus",
  params: {
    mapper: 0
  }
};

function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

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
      if ((bp.b_flags & (B_ERROR | B_INVAL)) === B_ERROR) {
        bp.b_flags &= ~B_NOCACHE;
        if (bp.b_vp) yield* bdirty(bp);
      } else {
        if (bp.b_vp) yield* bundirty(bp);
      }
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
        if (!isbogus) vm_page_io_finish(m); // MUTANT: was unconditional (vfs_bio.c:3687)
        yield* vm_page_wakeup(m); // vfs_bio.c:3688
        if (!isbogus) vm_object_pip_wakeup(obj); // MUTANT: was unconditional (vfs_bio.c:3689)
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
