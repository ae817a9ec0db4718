'use kernel';
/** M37: vn_syncer_add no longer unlinks a vnode that is already VONWORKLST (vfs_sync.c:204-207). */
import type { MutantMeta } from './types.ts';
import { atomic_set_int, lifecycle, lwkt_reltoken, note, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { LIST_INSERT_HEAD, SYNCER_MAXDELAY, VONWORKLST, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { ctx_use, sc_gettoken, sc_modify } from '../impl/env/syncer.ts';

export const meta: MutantMeta = {
  id: 'M37',
  title: 'vn_syncer_add inserts a listed vnode a second time',
  description:
    'Without the unlink, moving a vnode that is already on the wheel (the syncer re-queues every vnode it visits, sync_fsync re-queues the syncer vnode) links it on two slots, and syncer_count counts it twice (SYNC-01, SYNC-02). The first symptom the search meets is in the syncer\'s drain: the vnode it just "moved" is still at the head of the slot being drained, so the loop at vfs_sync.c:413 takes it again (SYNC-07), in the same step as the double link.',
  cite: ['vfs_sync.c:204-207'],
  expect: 'killed',
  killedBy: ['SYNC-01', 'SYNC-02', 'SYNC-07'],
  scenario: 'syncer',
  params: { trigger: 0 },
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
    // MUTANT: vfs_sync.c:204-207 (unlink if VONWORKLST, --syncer_count) deleted.
    if (delay <= 0) {
      slot = -delay & ctx.syncer_mask; // vfs_sync.c:209
    } else {
      if (delay > SYNCER_MAXDELAY - 2) delay = SYNCER_MAXDELAY - 2; // vfs_sync.c:211-212
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
