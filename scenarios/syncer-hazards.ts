/**
 * Hazard reproductions of the syncer (spec/vfs_bio_sync.md Appendix A; SPEC
 * §Hazards). Each fails on purpose; `check` and the default-scenario tests skip them.
 */
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { mountVnode, syncerBoot, spawnWorkload } from '../impl/env/syncer.ts';
import { withStandinInode } from '../impl/env/syncer_vops.ts';
import { VOPS_INODE } from '../impl/kernel/vfs_sync_state.ts';
import { vn_syncer_thr_create } from '../impl/kernel/vfs_sync.ts';
import { syncerMount, bootMount, startClock } from './syncer.ts';
import { sync_scanner, unmounter, allocate_syncvnode, trigger_only } from './syncer-ops.ts';
import type { Scenario } from './types.ts';

export const hazardA3: Scenario = {
  name: 'hazard-A-3',
  hazard: 'A-3',
  description:
    'A-3, the syncer\'s unvalidated delays. part 0: kern.syncdelay = 32, which sysctl_kern_syncdelay allows (vfs_sync.c:136-137); a sync(2) scan (vsyncscan, VMSC_GETVP) meets the syncer vnode, whose callback does nothing, and re-queues it at (i + 32) & 31 = i — the head of the slot it is scanning, so the loop at vfs_sync.c:805 takes it again, forever (SYNC-08). part 1: kern.retrydelay = 0 (unvalidated, vfs_sync.c:96-98): the syncer moves each vnode it drains to the absolute slot 0 (vfs_sync.c:208-209); when it drains slot 0 itself, the vnode goes back into the slot being drained (SYNC-07). Here the vnode is the syncer vnode, put in slot 0 at mount (kern.syncdelay = 16: next % syncdelay = 0, A-11), and sync_fsync moves it on, so this drain ends; a vnode whose lock is held elsewhere (vget LK_NOWAIT fails) would stay at the head and the syncer would spin, holding sc_token. Timeouts on.',
  cite: ['vfs_sync.c:802-831', 'vfs_sync.c:125-141', 'vfs_sync.c:96-98', 'vfs_sync.c:410-428'],
  params: {
    part: { default: 0, min: 0, max: 1, description: '0 = vsyncscan at syncdelay 32; 1 = the syncer at retrydelay 0' },
  },
  defaultCpus: 2,
  options: { timeouts: true, quietTurns: true },
  domains: ['sync'],
  build(sim, q) {
    sim.options.quietTurns = true;
    const { g, mp } = syncerMount(sim, q.part === 0 ? { syncdelay: 32 } : { syncdelay: 16, retrydelay: 0 });
    mountVnode(sim, mp, 'vp', 0, VOPS_INODE, withStandinInode('vp'));
    bootMount(sim, mp);
    startClock(sim, g, mp, 0);
    if (q.part === 0) spawnWorkload(sim, 'sync', 1, sync_scanner as unknown as KernelFunction, [mp]);
  },
};

export const hazardA10: Scenario = {
  name: 'hazard-A-10',
  hazard: 'A-10',
  description:
    'A-10, the syncer ctx used without sc_token: a filesystem calls trigger_syncer while the mount is being unmounted. trigger_syncer reads mp->mnt_syncer_ctx (vfs_sync.c:572) before vn_syncer_thr_stop unpublishes it (vfs_sync.c:349) and then reads and writes ctx->syncer_trigger (vfs_sync.c:573-574) after vn_syncer_thr_stop freed it (vfs_sync.c:353): SYNC-12. (speedup_syncer only passes the address to wakeup, which is harmless; vn_syncer_count reads syncer_count the same unprotected way.) Timeouts on.',
  cite: ['vfs_sync.c:564-578', 'vfs_sync.c:327-354', 'vfs_sync.c:547-562'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: true },
  domains: ['sync'],
  build(sim) {
    const { g, mp } = syncerMount(sim, {});
    mountVnode(sim, mp, 'vp', 0, VOPS_INODE, withStandinInode('vp'));
    bootMount(sim, mp);
    startClock(sim, g, mp, 1);
    spawnWorkload(sim, 'trigger', 0, trigger_only as unknown as KernelFunction, [mp]);
    spawnWorkload(sim, 'umount', 1, unmounter as unknown as KernelFunction, [mp]);
  },
};

export const hazardA11: Scenario = {
  name: 'hazard-A-11',
  hazard: 'A-11',
  description:
    'A-11, the syncer\'s placement quirks, checked against the seed\'s own comments (domain sync-comments). part 0: kern.syncdelay = 16 and the syncer vnode is allocated after the syncer thread has run for a while (vn_syncer_thr_create at mount, vfs_allocate_syncvnode later, as a read-only→read-write update does): next = 16, next % syncdelay = 0, and vn_syncer_add reads delay 0 as the absolute slot 0 (vfs_sync.c:208-209) instead of "now": the vnode is not spread zero slots ahead of delayno as the comment at vfs_sync.c:624-628 intends (SYNC-25). part 1: trigger_syncer: the syncer fsyncs the syncer vnode at once, and the comment at vfs_sync.c:391-393 promises the next full sync a second later, but sync_fsync re-queues the syncer vnode syncdelay seconds ahead (vfs_sync.c:685) (SYNC-24). The third quirk — start/incr/next are unlocked statics (vfs_sync.c:614) — needs two mounts allocating at once and is benign (two syncer vnodes may share a slot); it is not explored. Timeouts on.',
  cite: ['vfs_sync.c:602-656', 'vfs_sync.c:208-214', 'vfs_sync.c:390-408', 'vfs_sync.c:685'],
  params: {
    part: { default: 1, min: 0, max: 1, description: '0 = delay 0 is the absolute slot 0; 1 = the trigger\'s "next full sync in 1 second"' },
  },
  defaultCpus: 2,
  options: { timeouts: true },
  domains: ['sync', 'sync-comments'],
  build(sim, q) {
    if (q.part === 0) {
      const { g, mp } = syncerMount(sim, { syncdelay: 16 });
      syncerBoot(sim, vn_syncer_thr_create as unknown as KernelFunction, [mp]);
      startClock(sim, g, mp, 1);
      spawnWorkload(sim, 'remount', 0, allocate_syncvnode as unknown as KernelFunction, [mp]);
    } else {
      const { g, mp } = syncerMount(sim, {});
      bootMount(sim, mp);
      startClock(sim, g, mp, 0);
      spawnWorkload(sim, 'trigger', 1, trigger_only as unknown as KernelFunction, [mp]);
    }
  },
};

export const syncerHazardScenarios: Scenario[] = [hazardA3, hazardA10, hazardA11];

