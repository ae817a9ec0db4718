'use kernel';
/** M36: bdirty calls reassignbuf before setting B_DELWRI (vfs_bio.c:1179-1180). */
import type { MutantMeta } from './types.ts';
import { B_DELWRI, B_HEAVY, B_NOCACHE, B_RELBUF, BQUEUE_NONE, KASSERT, lifecycle, lwkt_gettoken, lwkt_reltoken, type Kernel } from '../impl/api.ts';
import type { Buf } from '../impl/env/bio.ts';
import { reassignbuf } from '../impl/env/vnode.ts';
import { bd_heatup } from '../impl/kernel/vfs_bio.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  id: 'M36',
  title: 'bdirty reassigns the buffer before marking it B_DELWRI',
  description:
    'reassignbuf sees a clean buffer, so the vnode gets neither the buffer on its dirty tree nor a place on the syncer worklist; B_DELWRI is set just after. The vnode now holds a delayed write the syncer will never visit: SYNC-04 (a B_DELWRI buffer of a vnode that is off the worklist, with nobody about to add it).',
  cite: ['vfs_bio.c:1179-1180'],
  expect: 'killed',
  killedBy: ['SYNC-04'],
  scenario: 'mixed',
  params: { bufwrites: 1, inode: 0 },
};

export default {
  *bdirty(bp: Buf): Kernel<void> {
    const g = vb();
    KASSERT(bp.b_qindex === BQUEUE_NONE, 'vfs_bio.c:1166-1167', `bdirty: buffer still on queue ${bp.b_qindex}`);
    if (bp.b_flags & B_NOCACHE) bp.b_flags &= ~B_NOCACHE; // vfs_bio.c:1168-1171
    bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1175

    if ((bp.b_flags & B_DELWRI) === 0) {
      yield* lwkt_gettoken(bp.b_vp!.v_token); // vfs_bio.c:1178
      yield* reassignbuf(bp); // vfs_bio.c:1180 — MUTANT: before vfs_bio.c:1179
      bp.b_flags |= B_DELWRI; // vfs_bio.c:1179
      lifecycle(bp, 'BDIRTY');
      bp.g_modified = false;
      g.g_acct_window += 1;
      yield* lwkt_reltoken(bp.b_vp!.v_token); // vfs_bio.c:1181

      g.dirtybufcount += 1;
      g.dirtykvaspace += bp.b_kvasize;
      g.dirtybufspace += bp.b_bufsize;
      if (bp.b_flags & B_HEAVY) {
        g.dirtybufcounthw += 1;
        g.dirtybufspacehw += bp.b_bufsize;
      }
      g.g_acct_window -= 1;
      yield* bd_heatup(); // vfs_bio.c:1190
    }
  },
};
