'use kernel';
/** M32: vfs_busy_pages blocks on each busy page while keeping the earlier ones (vfs_bio.c:3887-3892). */
import { vfs_clean_one_page } from '../impl/kernel/vfs_bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { Buf } from '../impl/env/bio.ts';
import { B_CACHE, B_CLUSTER, B_HASBOGUS, B_VMIO, BUF_CMD_DONE, BUF_CMD_WRITE, KASSERT, type Kernel, KKASSERT, lifecycle, NOOFFSET, note, VM_PAGE_BITS_ALL } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { vm_object_pip_add, vm_page_busy_wait, vm_page_io_start, vm_page_protect, vm_page_wakeup, VM_PROT_NONE, VM_PROT_READ, type VmObject } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M32",
  title: "vfs_busy_pages without the back-off (survives)",
  description: "vfs_busy_pages busies each page with a blocking vm_page_busy_wait and never releases the pages it already holds.",
  cite: [
    "vfs_bio.c:3883-3893"
  ],
  expect: "survives",
  killedBy: [],
  scenario: "mb-pages",
  params: {},
  why: "The seed already sleeps while holding the earlier pages: vfs_bio.c:3887-3891 calls vm_page_sleep_busy(m) BEFORE the while (--i >= 0) vm_page_wakeup() release loop, so the seed also hold-and-waits (spec §4.3 VM-06 is wrong for vfs_busy_pages; it holds for allocbuf). The mutant only differs in taking m after the sleep instead of releasing and retrying. A deadlock needs a VM actor that holds a higher page of the buffer while waiting for a lower one; with such a (descending-order) actor the seed deadlocks too, and with actors that busy pages in ascending pindex order (the VM's convention, the scenario's actor) neither can deadlock. So no workload distinguishes the mutant from the seed by a deadlock; it survives."
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

          yield* vm_page_busy_wait(m, false, 'vbpage'); // MUTANT: was if (vm_page_busy_try(m)) { vm_page_sleep_busy(m); while (--i >= 0) vm_page_wakeup(pages[i]); goto retry; }
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
        } else if (m.valid === VM_PAGE_BITS_ALL) {
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
