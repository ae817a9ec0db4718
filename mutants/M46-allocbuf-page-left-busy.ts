'use kernel';
/** M46: allocbuf does not unbusy a newly allocated page after wiring it (vfs_bio.c:3148). */
import { bio_page_alloc, bufspacewakeup, vfs_buf_test_cache } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_LOCKINUSE } from '../impl/env/bio.ts';
import { B_CACHE, B_DELWRI, B_HEAVY, B_VMIO, DEV_BSIZE, KASSERT, type Kernel, KKASSERT, PAGE_MASK, PAGE_SIZE, panic, XIO_INTERNAL_PAGES } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { vm_object_drop, vm_object_hold, vm_page_busy_wait, vm_page_lookup_busy_try, vm_page_sleep_busy, vm_page_unwire, vm_page_wakeup, vm_page_wire, type VmObject, type VmPage } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M46",
  title: "allocbuf leaves a new page hard-busied",
  description: "The page bio_page_alloc returned busied stays hard-busied by the getblk caller after allocbuf. The next page-busying step on it sleeps for ever: here bread's vfs_busy_pages waits on the page its own thread holds (VM-06/VM-07 in the catalog); the model reports the deadlock.",
  cite: [
    "vfs_bio.c:3147-3148"
  ],
  expect: "killed",
  killedBy: [
    "SIM-01",
    "VM-20"
  ],
  scenario: "biowait",
  params: {
    ios: 1,
    write: 0,
    errors: 0
  }
};

function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

export default {
  *allocbuf(bp: Buf, size: number): Kernel<void> {
    const g = vb();
    let m: VmPage;
    let newbsize: number;
    let desiredpages: number;
    let i: number;

    if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:3037', 'allocbuf: buffer not busy');
    if (bp.b_kvasize < size) panic('vfs_bio.c:3040', 'allocbuf: buffer too small');
    KKASSERT((bp.b_flags & B_VMIO) !== 0, 'vfs_bio.c:3042', 'bp->b_flags & B_VMIO');

    newbsize = Math.ceil(size / DEV_BSIZE) * DEV_BSIZE; // vfs_bio.c:3044
    desiredpages = Math.trunc(((bp.b_loffset & PAGE_MASK) + newbsize + PAGE_MASK) / PAGE_SIZE); // vfs_bio.c:3045-3046
    KKASSERT(desiredpages <= XIO_INTERNAL_PAGES, 'vfs_bio.c:3047', 'desiredpages <= XIO_INTERNAL_PAGES');

    // Set B_CACHE initially if the buffer is or becomes 0-length (vfs_bio.c:3049-3054).
    if (size === 0 || bp.b_bufsize === 0) bp.b_flags |= B_CACHE;

    if (newbsize < bp.b_bufsize) {
      // Shrink: remove surplus pages; vnode_pager_setsize frees them, not us (vfs_bio.c:3056-3095).
      if (desiredpages < bp.b_xio.xio_npages) {
        for (i = desiredpages; i < bp.b_xio.xio_npages; i++) {
          m = bp.b_xio.xio_pages[i]!;
          KASSERT(m !== g.bogus_page, 'vfs_bio.c:3070-3071', 'allocbuf: bogus page found');
          yield* vm_page_busy_wait(m, true, 'biodep'); // vfs_bio.c:3072
          bp.b_xio.xio_pages[i] = null;
          vm_page_unwire(m, 0); // vfs_bio.c:3074
          yield* vm_page_wakeup(m); // vfs_bio.c:3075
        }
        // pmap_qremove_noinval / cpumask / bkvareset (vfs_bio.c:3077-3094): not modelled.
        bp.b_xio.xio_npages = desiredpages;
        bp.b_xio.xio_pages.length = desiredpages;
      }
    } else if (size > bp.b_bcount) {
      // Grow (vfs_bio.c:3096-3217). Step 1: bring in the pages, allocating them if necessary.
      let obj: VmObject;
      let toff: number;
      let tinc: number;

      obj = bp.b_vp!.v_object!;

      yield* vm_object_hold(obj); // vfs_bio.c:3115
      while (bp.b_xio.xio_npages < desiredpages) {
        let pg: VmPage | null;
        let pi: number;
        let r: [VmPage | null, number];

        pi = OFF_TO_IDX(bp.b_loffset) + bp.b_xio.xio_npages; // vfs_bio.c:3121-3122

        // Blocking on a busy page here could deadlock: wait without holding any (vfs_bio.c:3124-3135).
        r = yield* vm_page_lookup_busy_try(obj, pi, false);
        pg = r[0];
        if (r[1]) {
          yield* vm_page_sleep_busy(pg!, false, 'pgtblk');
          continue;
        }
        if (pg === null) {
          // Must allocate system pages: blocking here could interfere with paging I/O (vfs_bio.c:3136-3154).
          pg = yield* bio_page_alloc(bp, obj, pi, desiredpages - bp.b_xio.xio_npages);
          if (pg) {
            vm_page_wire(pg); // vfs_bio.c:3147
            // MUTANT: was vm_page_wakeup(pg); (vfs_bio.c:3148)
            bp.b_flags &= ~B_CACHE; // vfs_bio.c:3149
            bp.b_xio.xio_pages[bp.b_xio.xio_npages] = pg;
            ++bp.b_xio.xio_npages;
          }
          continue;
        }

        // We found a page and were able to busy it (vfs_bio.c:3156-3164).
        vm_page_wire(pg);
        yield* vm_page_wakeup(pg);
        bp.b_xio.xio_pages[bp.b_xio.xio_npages] = pg;
        ++bp.b_xio.xio_npages;
      }
      yield* vm_object_drop(obj); // vfs_bio.c:3166

      // Step 2: may B_CACHE stay set? Tested over [b_bcount, size) page by page (vfs_bio.c:3168-3204).
      toff = bp.b_bcount;
      tinc = PAGE_SIZE - ((bp.b_loffset + toff) & PAGE_MASK);

      while (bp.b_flags & B_CACHE && toff < size) {
        let pix: number;

        if (tinc > size - toff) tinc = size - toff;
        pix = Math.trunc(((bp.b_loffset & PAGE_MASK) + toff) / PAGE_SIZE);
        yield* vfs_buf_test_cache(bp, bp.b_loffset, toff, tinc, bp.b_xio.xio_pages[pix]!);
        toff += tinc;
        tinc = PAGE_SIZE;
      }
      // Step 3, the KVM pmap (vfs_bio.c:3206-3216): not modelled.
    }
    g.bufspace += newbsize - bp.b_bufsize; // vfs_bio.c:3218 (atomic, folded)

    // adjust space use on already-dirty buffer; dirtykvaspace unchanged (vfs_bio.c:3220-3228)
    if (bp.b_flags & B_DELWRI) {
      g.dirtybufspace += newbsize - bp.b_bufsize;
      if (bp.b_flags & B_HEAVY) g.dirtybufspacehw += newbsize - bp.b_bufsize;
    }
    bp.b_bufsize = newbsize; // actual buffer allocation (vfs_bio.c:3229)
    bp.b_bcount = size; // requested buffer size (vfs_bio.c:3230)
    yield* bufspacewakeup(); // vfs_bio.c:3231
  },
};
