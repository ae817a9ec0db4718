'use kernel';
/** M30: vfs_busy_pages without the bogus-page substitution (vfs_bio.c:3952-3967). */
import { vfs_clean_one_page } from '../impl/kernel/vfs_bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { Buf } from '../impl/env/bio.ts';
import { B_CACHE, B_CLUSTER, B_HASBOGUS, B_VMIO, BUF_CMD_DONE, BUF_CMD_WRITE, KASSERT, type Kernel, KKASSERT, lifecycle, NOOFFSET, note, VM_PAGE_BITS_ALL } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { vm_object_pip_add, vm_page_busy_try, vm_page_io_start, vm_page_protect, vm_page_sleep_busy, vm_page_wakeup, VM_PROT_NONE, VM_PROT_READ, type VmObject } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M30",
  title: "a read overwrites fully valid pages",
  description: "Fully valid pages of a READ take the protect-NONE path instead of being replaced by bogus_page, so the device transfer overwrites them: a user store made through a mapping into the resident page before the read is destroyed (DUR-01).",
  cite: [
    "vfs_bio.c:3952-3967"
  ],
  expect: "killed",
  killedBy: [
    "DUR-01",
    "DATA-02"
  ],
  scenario: "mb-bogus",
  params: {
    mapper: 1
  }
};

export default {
  *vfs_busy_pages(vp: Vnode, bp: Buf): Kernel<void> {
    const g = vb();
    let i: number;
    let bogus: number;

    // The I/O command must be set; a read requires !B_CACHE (vfs_bio.c:3864-3870).
    KKASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3869', 'bp->b_cmd != BUF_CMD_DONE');
    KKASSERT(bp.b_cmd === BUF_CMD_WRITE || (bp.b_flags & B_CACHE) === 0, 'vfs_bio.c:3870', 'bp->b_cmd == BUF_CMD_WRITE || (bp->b_flags & B_CACHE) == 0');

    if (bp.b_flags & B_VMIO) {
      let obj: VmObject;

      obj = vp.v_object!;
      KASSERT(bp.b_loffset !== NOOFFSET, 'vfs_bio.c:3876-3877', 'vfs_busy_pages: no buffer offset');

      // Busy all the pages at once to avoid deadlocks (vfs_bio.c:3879-3893).
      retry: for (;;) {
        for (i = 0; i < bp.b_xio.xio_npages; i++) {
          const m = bp.b_xio.xio_pages[i]!;

          if (yield* vm_page_busy_try(m, false)) {
            yield* vm_page_sleep_busy(m, false, 'vbpage');
            while (--i >= 0) yield* vm_page_wakeup(bp.b_xio.xio_pages[i]!);
            continue retry;
          }
        }
        break;
      }

      // Soft-busy now: the next loop may block (vfs_bio.c:3895-3906).
      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        const m = bp.b_xio.xio_pages[i]!;

        if ((bp.b_flags & B_CLUSTER) === 0) {
          vm_object_pip_add(obj, 1);
          vm_page_io_start(m);
        }
      }

      // Protections and bogus-page mapping (vfs_bio.c:3908-3989).
      bogus = 0;
      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        const m = bp.b_xio.xio_pages[i]!;

        if (bp.b_cmd === BUF_CMD_WRITE) {
          // Zero-fill invalid parts, fold in VM dirtiness, mark valid+clean (vfs_bio.c:3929-3951).
          vm_page_protect(m, VM_PROT_READ);
          yield* vfs_clean_one_page(bp, i, m);
          // swap_pager_unswapped(m): no swapcache in the model.
        } else if (false && m.valid === VM_PAGE_BITS_ALL) { // MUTANT: was m->valid == VM_PAGE_BITS_ALL
          // Fully valid (maybe dirty through a mapping): do not read over it (vfs_bio.c:3952-3967).
          bp.b_xio.xio_pages[i] = g.bogus_page;
          bp.b_flags |= B_HASBOGUS;
          m.g_bogus += 1;
          lifecycle(m, 'BOGUS_SUBST');
          bogus++;
        } else if (m.valid & m.dirty) {
          // Cannot happen when !B_CACHE (vfs_bio.c:3968-3980): a kprintf.
          note('vfs_busy_pages_warning', { bp, i });
          vm_page_protect(m, VM_PROT_NONE);
        } else {
          // Not valid: part of the read (vfs_bio.c:3981-3987).
          vm_page_protect(m, VM_PROT_NONE);
        }
        yield* vm_page_wakeup(m); // vfs_bio.c:3988
      }
      // if (bogus) pmap_qenter_noinval/bkvareset (vfs_bio.c:3990-3995): not modelled.
      void bogus;
    }
    // Process I/O accounting (vfs_bio.c:3998-4007): statistics, not modelled.
  },
};
