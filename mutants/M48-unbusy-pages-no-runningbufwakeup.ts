'use kernel';
/** M48: vfs_unbusy_pages without runningbufwakeup (vfs_bio.c:3803). */

import type { Buf } from '../impl/env/bio.ts';
import { B_HASBOGUS, B_VMIO, type Kernel, lifecycle, PAGE_SIZE, panic } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';
import { vm_object_drop, vm_object_hold, vm_object_pip_wakeup, vm_page_busy_wait, vm_page_io_finish, vm_page_lookup, vm_page_wakeup, type VmObject, type VmPage } from '../impl/env/vm.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M48",
  title: "vfs_unbusy_pages keeps the running space",
  description: "A write whose strategy is aborted through vfs_unbusy_pages never returns its running space: b_runningbufspace stays charged after the I/O is gone (ACC-07) and runningbufspace leaks, so waitrunningbufspace and the buffer daemon eventually block for ever (WAKE-13).",
  cite: [
    "vfs_bio.c:3803"
  ],
  expect: "killed",
  killedBy: [
    "ACC-07",
    "ACC-06"
  ],
  scenario: "mb-abort",
  params: {},
  cpus: 1
};

function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

function bogus_restored(m: VmPage): void {
  m.g_bogus -= 1;
  lifecycle(m, 'BOGUS_RESTORE');
}

export default {
  *vfs_unbusy_pages(bp: Buf): Kernel<void> {
    const g = vb();
    let i: number;

    // MUTANT: was runningbufwakeup(bp); (vfs_bio.c:3803)

    if (bp.b_flags & B_VMIO) {
      const vp = bp.b_vp!;
      let obj: VmObject;

      obj = vp.v_object!;
      yield* vm_object_hold(obj); // vfs_bio.c:3810

      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        let m = bp.b_xio.xio_pages[i]!;

        // The originals are still wired (vfs_bio.c:3815-3827).
        if (m === g.bogus_page) {
          const orig = vm_page_lookup(obj, OFF_TO_IDX(bp.b_loffset) + i);
          if (!orig) panic('vfs_bio.c:3824', 'vfs_unbusy_pages: page missing');
          m = orig!;
          bp.b_xio.xio_pages[i] = m;
          bogus_restored(m);
        }
        yield* vm_page_busy_wait(m, false, 'bpdpgw'); // vfs_bio.c:3828
        vm_page_io_finish(m); // vfs_bio.c:3829
        yield* vm_page_wakeup(m); // vfs_bio.c:3830
        vm_object_pip_wakeup(obj); // vfs_bio.c:3831
      }
      if (bp.b_flags & B_HASBOGUS) bp.b_flags &= ~B_HASBOGUS; // vfs_bio.c:3833-3839
      yield* vm_object_drop(obj); // vfs_bio.c:3840
    }
  },
};
