'use kernel';
/**
 * ENVIRONMENT (not seed code): the worklist side of reassignbuf and brelvp (DragonFly
 * vfs_subr.c [ext]), called by impl/env/vnode.ts for a vnode on a mount (v_mount set), with
 * vp->v_token held:
 * - reassignbuf, buffer now B_DELWRI: if the vnode is not VONWORKLST, vn_syncer_add it with the
 *   delay of its type (dirdelay for a directory, filedelay otherwise; metadelay is for a block
 *   device with a mounted filesystem, not modelled);
 * - reassignbuf, buffer now clean, and brelvp: if the vnode is VONWORKLST without VISDIRTY or
 *   VOBJDIRTY and its dirty tree is empty, vn_syncer_remove(vp, 0) ("only remove from synclist
 *   when no dirty buffers are left AND the VFS has not flagged the vnode's inode as being dirty").
 * They also report the dirty-tree transitions of the syncerVnode machine (BUF_TREE_DIRTY /
 * BUF_TREE_CLEAN).
 */
import type { Kernel } from '../sim/prim.ts';
import { lifecycle } from '../sim/report.ts';
import type { Vnode } from './vnode.ts';
import { VDIR, VISDIRTY, VOBJDIRTY, VONWORKLST, vs } from '../kernel/vfs_sync_state.ts';
import { vn_syncer_add, vn_syncer_remove } from '../kernel/vfs_sync.ts';

/** reassignbuf's worklist update; `dirtyBefore` is the dirty tree's size before the move. */
export function* syncer_reassign_hook(vp: Vnode, delwri: boolean, dirtyBefore: number): Kernel<void> {
  let delay: number;
  if (dirtyBefore === 0 && vp.v_rbdirty_tree.length > 0) lifecycle(vp, 'BUF_TREE_DIRTY');
  if (dirtyBefore > 0 && vp.v_rbdirty_tree.length === 0) lifecycle(vp, 'BUF_TREE_CLEAN');
  if (delwri) {
    // Move to the dirty list, add the vnode to the worklist.
    if ((vp.v_flag & VONWORKLST) === 0) {
      delay = vp.v_type === VDIR ? vs().dirdelay : vs().filedelay;
      vp.g_dirtying += 1;
        yield* vn_syncer_add(vp, delay);
      vp.g_dirtying -= 1;
      lifecycle(vp, 'DIRTY_WINDOW_CLOSE');
    }
  } else if ((vp.v_flag & (VONWORKLST | VISDIRTY | VOBJDIRTY)) === VONWORKLST && vp.v_rbdirty_tree.length === 0) {
    // Remove from the worklist if no dirty blocks remain, and no dirty inode or object.
    yield* vn_syncer_remove(vp, 0);
  }
}

/** brelvp's worklist update; `dirtyBefore` is the dirty tree's size before the buffer left it. */
export function* syncer_brelvp_hook(vp: Vnode, dirtyBefore: number): Kernel<void> {
  if (dirtyBefore > 0 && vp.v_rbdirty_tree.length === 0) lifecycle(vp, 'BUF_TREE_CLEAN');
  if ((vp.v_flag & (VONWORKLST | VISDIRTY | VOBJDIRTY)) === VONWORKLST && vp.v_rbdirty_tree.length === 0) {
    yield* vn_syncer_remove(vp, 0);
  }
}
