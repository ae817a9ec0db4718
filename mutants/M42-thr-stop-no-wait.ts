'use kernel';
/** M42: vn_syncer_thr_stop no longer waits for SC_FLAG_DONE (vfs_sync.c:346-347). */
import type { MutantMeta } from './types.ts';
import { wakeup, lwkt_reltoken, type Kernel } from '../impl/api.ts';
import { SC_FLAG_EXIT, type Mount, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { hashdestroy, kfree, sc_gettoken, sc_modify } from '../impl/env/syncer.ts';

export const meta: MutantMeta = {
  "id": "M42",
  "title": "vn_syncer_thr_stop frees the ctx without waiting for the syncer",
  "description": "EXIT is set and the syncer woken, but the ctx is unpublished and freed at once, before the syncer confirmed its exit (SYNC-22, the exit-handshake half of spec SYNC-12); the syncer thread, still running its iteration or about to wake, then dereferences freed memory (SYNC-12).",
  "cite": [
    "vfs_sync.c:345-347"
  ],
  "expect": "killed",
  "killedBy": [
    "SYNC-12",
    "SYNC-22"
  ],
  "scenario": "syncer",
  "params": {
    "writes": 0,
    "trigger": 0,
    "stop": 1
  }
};

export default {
  *vn_syncer_thr_stop(mp: Mount): Kernel<void> {
    let ctx: SyncerCtx | null;

    ctx = mp.mnt_syncer_ctx; // vfs_sync.c:335
    if (ctx === null) return; // vfs_sync.c:336-337

    yield* sc_gettoken(ctx.sc_token); // vfs_sync.c:339

    // Signal the syncer process to exit (vfs_sync.c:341-343).
    ctx.sc_flags |= SC_FLAG_EXIT; // vfs_sync.c:342
    sc_modify(ctx, 'vfs_sync.c:342');
    yield* wakeup(ctx); // vfs_sync.c:343

    // Wait till the syncer process exits (vfs_sync.c:345-347).
    // MUTANT: the wait for SC_FLAG_DONE (vfs_sync.c:346-347) is gone.

    mp.mnt_syncer_ctx = null; // vfs_sync.c:349
    yield* lwkt_reltoken(ctx.sc_token); // vfs_sync.c:350

    hashdestroy(ctx); // vfs_sync.c:352
    kfree(ctx); // vfs_sync.c:353
  },
};
