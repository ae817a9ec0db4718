'use kernel';
/** M14: bheavy sets B_HEAVY on a delayed-write buffer without updating the hw dirty counters (vfs_bio.c:1204-1207). */
import type { MutantMeta } from './types.ts';
import { B_HEAVY, lifecycle, type Kernel } from '../impl/api.ts';
import type { Buf } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M14',
  title: 'bheavy forgets the hw dirty counters',
  description:
    "bheavy marks a B_DELWRI buffer B_HEAVY but no longer adds it to dirtybufcounthw / dirtybufspacehw, so they no longer count the B_DELWRI|B_HEAVY buffers (ACC-04, in the step of the bheavy call); the bundirty of its later write then drives them negative. Nothing in vfs_bio.c calls bheavy; the workload (scenarios/mutant-ops-a.ts, prog 2) calls it the way a filesystem marks a metadata buffer heavy.",
  cite: ['vfs_bio.c:1194-1209'],
  expect: 'killed',
  killedBy: ['ACC-04'],
  scenario: 'mut-seq',
  params: { prog: 2, pressure: 0 },
};

export default {
  *bheavy(bp: Buf): Kernel<void> {
    if ((bp.b_flags & B_HEAVY) === 0) {
      bp.b_flags |= B_HEAVY; // vfs_bio.c:1203
      lifecycle(bp, 'BHEAVY');
      // MUTANT: was `if (bp->b_flags & B_DELWRI) { atomic_add_long(&dirtybufcounthw, 1); atomic_add_long(&dirtybufspacehw, bp->b_bufsize); }` (vfs_bio.c:1204-1207)
    }
  },
};
