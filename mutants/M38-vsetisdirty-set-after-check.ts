'use kernel';
/** M38: vsetisdirty sets VISDIRTY after its token-protected membership check (vfs_sync.c:283-287). */
import type { MutantMeta } from './types.ts';
import { atomic_set_int, lifecycle, load, lwkt_reltoken, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { VISDIRTY, VONWORKLST, vs, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { ctx_use, sc_gettoken } from '../impl/env/syncer.ts';
import { vn_syncer_add } from '../impl/kernel/vfs_sync.ts';

export const meta: MutantMeta = {
  id: 'M38',
  title: 'vsetisdirty checks the worklist before setting VISDIRTY',
  description:
    'The setter finds the vnode listed (it is VOBJDIRTY) and does not add it; a concurrent vclrobjdirty then sees no dirty flag and removes it; only then is VISDIRTY set: a dirty vnode off the worklist (SYNC-04). The model catches it as a conformance failure in that step: the mutant\'s dirtying window (a ghost that opens with the flag, as in the seed, and closes after the locked check, here already done) closes on an unlisted dirty vnode, which the syncerVnode machine — whose SVN-01 is SYNC-04 per vnode — does not allow; SYNC-04 fails in the same step.',
  cite: ['vfs_sync.c:283-287'],
  expect: 'killed',
  killedBy: ['CONF:syncerVnode', 'SYNC-04'],
  scenario: 'syncer-flags',
  params: { prog: 0 },
};

export default {
  *vsetisdirty(vp: Vnode): Kernel<void> {
    let ctx: SyncerCtx;

    if (((yield* load(vp, 'v_flag')) & VISDIRTY) === 0) { // vfs_sync.c:281
      ctx = vp.v_mount!.mnt_syncer_ctx!; // vfs_sync.c:282
      yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:284
      ctx_use(ctx, 'vfs_sync.c:284');
      if ((vp.v_flag & VONWORKLST) === 0) // vfs_sync.c:285
        yield* vn_syncer_add(vp, vs().syncdelay); // vfs_sync.c:286
      yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:287
      yield* atomic_set_int(vp, 'v_flag', VISDIRTY); // vfs_sync.c:283 — MUTANT: after the check
      lifecycle(vp, 'SET_ISDIRTY');
      vp.g_dirtying += 1; // the ghost window opens with the flag, as in the seed ...
      vp.g_dirtying -= 1; // ... and closes after the (here: earlier) locked check
      lifecycle(vp, 'DIRTY_WINDOW_CLOSE');
    }
  },
};
