'use kernel';
/** M33: vfs_vmio_release skips the unwire (vfs_bio.c:1795-1798). */
import { bufspacewakeup } from '../impl/kernel/vfs_bio.ts';
import type { Buf } from '../impl/env/bio.ts';
import { B_DIRECT, B_NOTMETA, B_TTC, B_VMIO, curthread, type Kernel, KKASSERT, note } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { PG_NOTMETA, vm_page_busy_wait, vm_page_flag_set, vm_page_try_to_cache, vm_page_try_to_free, vm_page_wakeup, vm_paging_min, type VmPage } from '../impl/env/vm.ts';
import { brelvp } from '../impl/env/vnode.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M33",
  title: "vfs_vmio_release leaks a wiring per page",
  description: "The pages leave the buffer but keep its wiring: the page can never be freed or cached (VM-01b, exact wiring count; VM-12 in the catalog).",
  cite: [
    "vfs_bio.c:1783-1798"
  ],
  expect: "killed",
  killedBy: [
    "VM-01b"
  ],
  scenario: "mb-inval",
  params: {}
};

export default {
  *vfs_vmio_release(bp: Buf): Kernel<void> {
    const g = vb();
    let i: number;
    let m: VmPage;

    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      m = bp.b_xio.xio_pages[i]!;
      bp.b_xio.xio_pages[i] = null; // vfs_bio.c:1769

      // We need to own the page in order to safely unwire it (vfs_bio.c:1771-1774).
      yield* vm_page_busy_wait(m, false, 'vmiopg');

      if (bp.b_flags & B_NOTMETA) vm_page_flag_set(m, PG_NOTMETA); // vfs_bio.c:1780-1781

      // Unwire to the inactive or active queue by the buffer's act_count (vfs_bio.c:1783-1798);
      // the model keeps no act_count and unwires to the inactive queue.
      // MUTANT: was vm_page_unwire(m, 0); (vfs_bio.c:1795-1798)

      // At wire_count 0 we may free or cache it; the vm_page_try_*() check PG_NEED_COMMIT (vfs_bio.c:1800-1843).
      if (m.wire_count === 0) {
        if (bp.b_flags & B_DIRECT) {
          yield* vm_page_wakeup(m); // vfs_bio.c:1813
          yield* vm_page_try_to_free(m); // vfs_bio.c:1814
        } else if (bp.b_flags & (B_NOTMETA | B_TTC) || (yield* vm_paging_min())) {
          vm_page_try_to_cache(m, curthread()); // vfs_bio.c:1829-1830 (consumes the busy)
        } else {
          yield* vm_page_wakeup(m); // vfs_bio.c:1837-1838
        }
      } else {
        yield* vm_page_wakeup(m); // vfs_bio.c:1841
      }
    }

    // pmap_qremove_noinval / b_cpumask (vfs_bio.c:1845-1856) are not modelled.
    if (bp.b_bufsize) { // vfs_bio.c:1857-1861
      g.bufspace -= bp.b_bufsize; // atomic_add_long (folded)
      bp.b_bufsize = 0;
      yield* bufspacewakeup();
    }
    bp.b_xio.xio_npages = 0; // vfs_bio.c:1862
    bp.b_xio.xio_pages.length = 0;
    bp.b_flags &= ~(B_VMIO | B_TTC); // vfs_bio.c:1863
    KKASSERT(!bp.b_dep, 'vfs_bio.c:1864', 'LIST_FIRST(&bp->b_dep) == NULL');
    note('vmio_release_done', { bp });
    if (bp.b_vp) yield* brelvp(bp); // vfs_bio.c:1865-1866
  },
};
