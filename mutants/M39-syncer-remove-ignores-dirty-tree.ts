'use kernel';
/** M39: vn_syncer_remove no longer requires an empty dirty-buffer tree (vfs_sync.c:241). */
import type { MutantMeta } from './types.ts';
import { atomic_clear_int, lifecycle, lwkt_reltoken, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { LIST_REMOVE, VISDIRTY, VOBJDIRTY, VONWORKLST, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { ctx_use, sc_gettoken, sc_modify } from '../impl/env/syncer.ts';

export const meta: MutantMeta = {
  id: 'M39',
  title: 'vn_syncer_remove takes a vnode with dirty buffers off the worklist',
  description:
    'A thread bdwrite()s a block (reassignbuf lists the vnode) and then clears the inode\'s dirtiness (vclrisdirty): with only the flags tested, the vnode leaves the worklist although its delayed write is still on the dirty tree, and the syncer will never write it (SYNC-04). (The syncerVnode machine rejects the removal too: its guard is vn_syncer_remove\'s test, dirty tree included.)',
  cite: ['vfs_sync.c:240-241'],
  expect: 'killed',
  killedBy: ['SYNC-04', 'CONF:syncerVnode'],
  scenario: 'syncer-flags',
  params: { prog: 1 },
};

export default {
  *vn_syncer_remove(vp: Vnode, force: number): Kernel<void> {
    let ctx: SyncerCtx;

    ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:237
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:238
    ctx_use(ctx, 'vfs_sync.c:238');

    if ((vp.v_flag & (VISDIRTY | VONWORKLST | VOBJDIRTY)) === VONWORKLST) { // vfs_sync.c:240 — MUTANT: && RB_EMPTY(&vp->v_rbdirty_tree) (vfs_sync.c:241) dropped
      yield* atomic_clear_int(vp, 'v_flag', VONWORKLST); // vfs_sync.c:242
      lifecycle(vp, 'VN_SYNCER_REMOVE');
      sc_modify(ctx, 'vfs_sync.c:242-244');
      LIST_REMOVE(ctx, vp); // vfs_sync.c:243
      --ctx.syncer_count; // vfs_sync.c:244
    } else if (force && vp.v_flag & VONWORKLST) { // vfs_sync.c:245
      yield* atomic_clear_int(vp, 'v_flag', VONWORKLST); // vfs_sync.c:246
      lifecycle(vp, 'VN_SYNCER_REMOVE_FORCE');
      vp.g_gone = true;
      sc_modify(ctx, 'vfs_sync.c:246-248');
      LIST_REMOVE(ctx, vp); // vfs_sync.c:247
      --ctx.syncer_count; // vfs_sync.c:248
    }

    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:251
  },
};
