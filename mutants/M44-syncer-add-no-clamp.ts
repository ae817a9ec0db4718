'use kernel';
/** M44: vn_syncer_add no longer clamps a positive delay to SYNCER_MAXDELAY - 2 (vfs_sync.c:211-212). */
import type { MutantMeta } from './types.ts';
import { atomic_set_int, lwkt_reltoken, lifecycle, note, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { LIST_INSERT_HEAD, LIST_REMOVE, VONWORKLST, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { ctx_use, sc_gettoken, sc_modify } from '../impl/env/syncer.ts';

export const meta: MutantMeta = {
  "id": "M44",
  "title": "vn_syncer_add does not clamp a positive delay",
  "description": "With retrydelay = 32 (a value nothing validates) the syncer re-queues each vnode it drains at (delayno + 32) & 31, the slot being drained: SYNC-05 (the slot of a positive delay is never delayno), and the drain loop takes the vnode again (SYNC-07).",
  "cite": [
    "vfs_sync.c:211-212"
  ],
  "expect": "killed",
  "killedBy": [
    "SYNC-05",
    "SYNC-07"
  ],
  "scenario": "syncer",
  "params": {
    "retrydelay": 32
  }
};

export default {
  *vn_syncer_add(vp: Vnode, delay: number): Kernel<void> {
    let ctx: SyncerCtx;
    let slot: number;
    const asked = delay;

    ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:201
    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:202
    ctx_use(ctx, 'vfs_sync.c:202');

    sc_modify(ctx, 'vfs_sync.c:204-218');
    if (vp.v_flag & VONWORKLST) { // vfs_sync.c:204
      LIST_REMOVE(ctx, vp); // vfs_sync.c:205
      --ctx.syncer_count; // vfs_sync.c:206
    }
    if (delay <= 0) { // vfs_sync.c:208
      slot = -delay & ctx.syncer_mask; // vfs_sync.c:209
    } else {
      // MUTANT: the clamp `if (delay > SYNCER_MAXDELAY - 2) delay = SYNCER_MAXDELAY - 2;` (vfs_sync.c:211-212) is gone.
      slot = (ctx.syncer_delayno + delay) & ctx.syncer_mask; // vfs_sync.c:213
    }

    LIST_INSERT_HEAD(ctx.syncer_workitem_pending[slot], vp); // vfs_sync.c:216
    yield* atomic_set_int(vp, 'v_flag', VONWORKLST); // vfs_sync.c:217
    lifecycle(vp, 'VN_SYNCER_ADD');
    ++ctx.syncer_count; // vfs_sync.c:218
    note('vn_syncer_add', { ctx, vp, delay: asked, slot, delayno: ctx.syncer_delayno });

    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:220
  },
};
