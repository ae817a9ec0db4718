'use kernel';
/** M42: vn_syncer_thr_stop no longer waits for SC_FLAG_DONE (vfs_sync.c:346-347). */
import type { MutantMeta } from './types.ts';
import { load, store, atomic_add_int, atomic_set_int, atomic_clear_int, tsleep, tsleep_interlock, wakeup, PINTERLOCKED, lwkt_reltoken, LK_EXCLUSIVE, LK_NOWAIT, KKASSERT, lifecycle, note, type Kernel } from '../impl/api.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { HZ, LIST_FIRST, LIST_INSERT_HEAD, LIST_REMOVE, MNTK_THR_SYNC, MNT_LAZY, MNT_NOWAIT, SC_FLAG_DONE, SC_FLAG_EXIT, SYNCER_MAXDELAY, VMSC_GETVP, VMSC_GETVX, VMSC_NOWAIT, VONWORKLST, vs, type Mount, type SyncerCtx } from '../impl/kernel/vfs_sync_state.ts';
import { VOP_FSYNC, bio_ops_sync, ctx_use, hashdestroy, kfree, sc_gettoken, sc_modify, tsleep_hz, vdrop, vget, vhold, vput, vx_get, vx_put } from '../impl/env/syncer.ts';
import { vn_syncer_add } from '../impl/kernel/vfs_sync.ts';

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
