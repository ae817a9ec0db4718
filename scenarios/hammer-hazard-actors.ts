'use kernel';
/**
 * End-of-workload actors of the HAMMER hazard scenarios (scenarios/hammer-hazards.ts). Scenario
 * code, not seed code.
 *
 * hammer_unmount — the unmount of a HAMMER mount after a critical error, for hazard HA-9 (spec/hammer_inode.md
 * Appendix A-9; docs/hazards.md): once the workload threads finished and the flusher is idle (it
 * stops after hammer_critical_error), vflush reclaims every vnode (hammer_vop_reclaim) and
 * hammer_free_hmp [ext hammer_vfsops.c] — with HAMMER_MOUNT_CRITICAL_ERROR set — destroys every
 * in-memory inode with hammer_destroy_inode_callback (RB_SCAN of rb_inos_root) under the fs token.
 *
 * hammer_atime_check — the ghost check of hazard HA-8 (Appendix A-8): once the workload threads
 * finished and the flusher is idle, an inode with nothing pending (no MODMASK bit in flags or
 * sync_flags, IDLE) must have its frontend attributes on the media (ino_attr == m_attr); an atime
 * stored by hammer_update_atime_quick between the snapshot's copy of ino_data and its clearing of
 * ATIME (hammer_inode.c:2204-2206) is the one way to break it: it panics with those lines.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import { lwkt_gettoken, lwkt_reltoken } from '../impl/sim/locks.ts';
import { panic } from '../impl/sim/panic.ts';
import { HAMMER_FST_IDLE, HAMMER_INODE_MODMASK, HAMMER_MOUNT_CRITICAL_ERROR, type HammerInode, type HammerMount } from '../impl/kernel/hammer_inode_state.ts';
import { hammer_destroy_inode_callback } from '../impl/kernel/hammer_inode.ts';
import { hammer_op_reclaim } from '../impl/env/hammer_vfs.ts';

/**
 * The unmount's wait: enabled once every other non-daemon thread has finished and the flusher is
 * idle (as the end-of-workload syncer's wait; its enabledness depends on every thread, so every
 * registered object is its footprint).
 */
const hammer_unmount_wait = prim({
  name: 'hammer_unmount_wait',
  kind: 'sleep',
  sleeps: true,
  touches: (_a: [HammerMount], _t: Thread, sim: Sim) => [...sim.world.objects],
  enabled: ([hmp]: [HammerMount], t: Thread, sim: Sim) => {
    for (const u of sim.threads) if (u !== t && !u.done && !u.daemon) return false;
    return hmp.g_flusher_idle;
  },
  exec: () => 0,
});

/** unmount: vflush (reclaim every vnode), then, after a critical error, destroy every inode. */
export function* hammer_unmount(hmp: HammerMount, table: HammerInode[]): Kernel<void> {
  let i: number;
  let list: HammerInode[];
  yield* hammer_unmount_wait(hmp);
  for (i = 0; i < table.length; i++) {
    if (table[i].vp !== null) yield* hammer_op_reclaim(table[i]); // vflush(mp, 0, FORCECLOSE)
  }
  yield* lwkt_gettoken(hmp.fs_token);
  if (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) {
    // hammer_free_hmp: RB_SCAN(hammer_ino_rb_tree, &hmp->rb_inos_root, NULL, hammer_destroy_inode_callback, NULL)
    list = hmp.rb_inos_root.slice();
    for (i = 0; i < list.length; i++) yield* hammer_destroy_inode_callback(list[i]);
  }
  yield* lwkt_reltoken(hmp.fs_token);
}

/** HA-8's ghost check (see the header): a clean, IDLE, loaded inode's attributes are on the media. */
export function* hammer_atime_check(hmp: HammerMount, table: HammerInode[]): Kernel<void> {
  let i: number;
  let ip: HammerInode;
  yield* hammer_unmount_wait(hmp);
  for (i = 0; i < table.length; i++) {
    ip = table[i];
    if (!ip.g_loaded || ip.flush_state !== HAMMER_FST_IDLE || ((ip.flags | ip.sync_flags) & HAMMER_INODE_MODMASK) !== 0) continue;
    if (ip.ino_attr !== ip.m_attr)
      panic('hammer_inode.c:2204-2206', `A-8: inode obj ${ip.obj_id} is clean but its atime (attribute version ${ip.ino_attr}) is not on the media (${ip.m_attr}): stored by hammer_update_atime_quick between the snapshot's copy (:2205) and its clearing of ATIME (:2206)`);
  }
}
