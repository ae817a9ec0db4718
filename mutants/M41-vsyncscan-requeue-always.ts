'use kernel';
/** M41: vsyncscan re-queues vp whether or not it is still the head of the slot (vfs_sync.c:827). */
import type { MutantMeta } from './types.ts';
import { lwkt_reltoken, LK_EXCLUSIVE, LK_NOWAIT, KKASSERT, note, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { LIST_FIRST, MNTK_THR_SYNC, VMSC_GETVP, VMSC_GETVX, VMSC_NOWAIT, vs, type Mount, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { ctx_use, sc_gettoken, sc_modify, vdrop, vget, vhold, vput, vx_get, vx_put } from '../impl/env/syncer.ts';
import { vn_syncer_add } from '../impl/kernel/vfs_sync.ts';

export const meta: MutantMeta = {
  "id": "M41",
  "title": "vsyncscan re-queues a vnode that may have been reclaimed",
  "description": "In vhold mode the callback blocks on the vnode lock while another thread reclaims the vnode (vgone: forced worklist removal); the scan then re-queues it without checking it is still the head of the slot: a reclaimed vnode is back on the wheel, which holds no reference (SYNC-18; in the kernel, a use after free).",
  "cite": [
    "vfs_sync.c:822-828"
  ],
  "expect": "killed",
  "killedBy": [
    "SYNC-18"
  ],
  "scenario": "syncer",
  "params": {
    "scan": 2,
    "trigger": 0,
    "reclaim": 1
  }
};

export default {
  *vsyncscan(mp: Mount, vmsc_flags: number, slowfunc: (mp: Mount, vp: Vnode, data: unknown) => Kernel<number>, data: unknown): Kernel<number> {
    let ctx: SyncerCtx;
    let slp: number;
    let vp: Vnode | null;
    let i: number;
    let count: number;
    let lkflags: number;

    if (vmsc_flags & VMSC_NOWAIT) lkflags = LK_NOWAIT; // vfs_sync.c:781-782
    else lkflags = 0; // vfs_sync.c:783-784

    // This API requires a dedicated syncer thread (vfs_sync.c:786-792).
    KKASSERT(mp.mnt_kern_flag & MNTK_THR_SYNC, 'vfs_sync.c:790', 'mp->mnt_kern_flag & MNTK_THR_SYNC');
    note('vsyncscan_enter', { mp });
    ctx = mp.mnt_syncer_ctx!; // vfs_sync.c:791
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:792
    ctx_use(ctx, 'vfs_sync.c:792');

    // Allow races against the syncer thread, but make it non-lazy if we are not (vfs_sync.c:794-801).
    i = ctx.syncer_delayno & ctx.syncer_mask; // vfs_sync.c:799
    if ((vmsc_flags & VMSC_NOWAIT) === 0) ++ctx.syncer_forced; // vfs_sync.c:800-801
    sc_modify(ctx, 'vfs_sync.c:800-801');
    for (count = 0; count <= ctx.syncer_mask; ++count) { // vfs_sync.c:802
      slp = i; // vfs_sync.c:803

      while ((vp = LIST_FIRST(ctx.syncer_workitem_pending[slp])) !== null) { // vfs_sync.c:805
        KKASSERT(vp.v_mount === mp, 'vfs_sync.c:806', 'vp->v_mount == mp');
        if (vmsc_flags & VMSC_GETVP) { // vfs_sync.c:807
          if ((yield* vget(vp, LK_EXCLUSIVE | lkflags)) === 0) { // vfs_sync.c:808
            yield* slowfunc(mp, vp, data); // vfs_sync.c:809
            yield* vput(vp); // vfs_sync.c:810
          }
        } else if (vmsc_flags & VMSC_GETVX) { // vfs_sync.c:812
          yield* vx_get(vp); // vfs_sync.c:813
          yield* slowfunc(mp, vp, data); // vfs_sync.c:814
          yield* vx_put(vp); // vfs_sync.c:815
        } else {
          yield* vhold(vp); // vfs_sync.c:817
          yield* slowfunc(mp, vp, data); // vfs_sync.c:818
          yield* vdrop(vp); // vfs_sync.c:819
        }

        // vp could be invalid; if it is still the head it is clearly valid (vfs_sync.c:822-828).
        { // MUTANT: the `LIST_FIRST(slp) == vp` test of vfs_sync.c:827 is gone.
          const wasHead = LIST_FIRST(ctx.syncer_workitem_pending[slp]) === vp;
          yield* vn_syncer_add(vp, -(i + vs().syncdelay)); // vfs_sync.c:828
          note('vsyncscan_requeue', { ctx, vp, slot: slp, wasHead });
        }
      }
      i = (i + 1) & ctx.syncer_mask; // vfs_sync.c:830
    }

    if ((vmsc_flags & VMSC_NOWAIT) === 0) --ctx.syncer_forced; // vfs_sync.c:833-834
    sc_modify(ctx, 'vfs_sync.c:833-834');
    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:835
    return 0; // vfs_sync.c:836
  },
};
