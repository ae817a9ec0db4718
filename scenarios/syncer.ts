/**
 * The syncer scenarios (SPEC "Scenarios": `syncer`, `mixed`): a mount with a dedicated syncer
 * thread (vn_syncer_thr_create) and syncer vnode (vfs_allocate_syncvnode), both made at boot by
 * the seed's own code; the hardclock advancing time_uptime; the syncer thread as a daemon.
 *
 * `syncer` uses a HAMMER-style vnode whose VOP_FSYNC is the STAND-IN of impl/env/syncer_vops.ts
 * (HAMMER itself is issue 5); `mixed` adds the buffer cache: a vnode whose dirty buffers put it on
 * the worklist through reassignbuf, written back by the syncer's VOP_FSYNC (bawrite).
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { setupVfsSync, newMount, mountVnode, syncerBoot, hardclock, spawnWorkload, type SyncerConfig } from '../impl/env/syncer.ts';
import { withStandinInode } from '../impl/env/syncer_vops.ts';
import { VOPS_INODE, VOPS_REG, type Mount, type VfsSync } from '../impl/kernel/vfs_sync_state.ts';
import { setupBufCache, newMarker } from '../impl/env/bufcache.ts';
import { buf_daemon } from '../impl/kernel/vfs_bio.ts';
import { write_block, WRITE_BDWRITE } from './bufops.ts';
import { mount_syncer, inode_writer, inode_and_block_writer, fsyncer, sync_scanner, peek_scanner, trigger_rush, rush_only, sync_one, unmounter, reclaimer, set_isdirty_only, clear_objdirty_locked, objdirty_boot, bdwrite_then_clrisdirty } from './syncer-ops.ts';
import type { ParamSpec, Scenario } from './types.ts';

/** The syncer's invariant domains (the buffer cache's are added where buffers exist). */
export const SYNC_DOMAINS = ['sync'];

/** Statics, clock, one mount (VFS_SYNC = HAMMER-style vsyncscan) booted with its syncer thread and vnode. */
export function syncerMount(sim: Sim, cfg: SyncerConfig, name = 'mp'): { g: VfsSync; mp: Mount } {
  const g = setupVfsSync(sim, cfg);
  const mp = newMount(sim, name, 1);
  return { g, mp };
}

export function bootMount(sim: Sim, mp: Mount): void {
  syncerBoot(sim, mount_syncer as unknown as KernelFunction, [mp]);
}

export function startClock(sim: Sim, g: VfsSync, mp: Mount, seconds: number): void {
  sim.spawn('hardclock', 0, hardclock, [g, seconds, mp.g_ctx], { daemon: true });
}

const p = (d: number, min: number, max: number, description: string): ParamSpec => ({ default: d, min, max, description });

/** The sysctl parameters every syncer scenario takes. */
export const sysctlParams = (syncdelay = 30, retrydelay = 1): Record<string, ParamSpec> => ({
  syncdelay: p(syncdelay, -1, 40, 'kern.syncdelay as written; clamped to [1, 32] by sysctl_kern_syncdelay (32 exposes A-3)'),
  retrydelay: p(retrydelay, -1, 40, 'kern.retrydelay (unvalidated; ≤ 0 exposes A-3; > 30 is clamped by vn_syncer_add)'),
  ticks: p(1, 0, 3, 'how many times the hardclock may advance time_uptime (by one second each) while the workload runs'),
});

function cfgOf(q: Record<string, number>): SyncerConfig {
  return { syncdelay: q.syncdelay, retrydelay: q.retrydelay, seconds: q.ticks };
}

// ---------------------------------------------------------------- syncer

export const syncerScenario: Scenario = {
  name: 'syncer',
  description:
    'The per-mount syncer (vfs_sync.c) on a HAMMER-style vnode (VOP_FSYNC is the stand-in of impl/env/syncer_vops.ts): mount boots the syncer thread and vnode; a writer dirties the inode (and its VM object) under the vnode lock, which puts the vnode on the wheel (vsetisdirty/vsetobjdirty); an fsync(2) flushes it and takes it off (vclrisdirty/vclrobjdirty); the syncer thread drains one slot per second (time_uptime advanced by the hardclock, one-second sleeps as timeouts), lazily fsyncs what it meets and, on the syncer vnode, syncs the mount (sync_fsync → VFS_SYNC → vsyncscan); optionally a sync(2) scan (forced vsyncscan), a vhold-mode scan, trigger_syncer and speedup_syncer (rush), vn_syncer_one, and a forced unmount (sync_inactive/sync_reclaim, the EXIT/DONE handshake of vn_syncer_thr_stop). Timeouts on.',
  cite: ['vfs_sync.c:185-304', 'vfs_sync.c:306-496', 'vfs_sync.c:498-578', 'vfs_sync.c:602-837'],
  params: {
    ...sysctlParams(),
    writes: p(1, 0, 2, 'writes to the vnode'),
    obj: p(1, 0, 2, '1 = each write also dirties the VM object (VOBJDIRTY); 2 = only the second write does'),
    fsync: p(0, 0, 1, '1 = a thread fsync(2)s the vnode'),
    scan: p(0, 0, 2, '1 = a sync(2)-style forced vsyncscan (VMSC_GETVP, fsync each); 2 = a vhold-mode scan whose callback locks each vnode'),
    trigger: p(1, 0, 3, '1 = vn_syncer_count, then trigger_syncer; 2 = also speedup_syncer (rush); 3 = speedup_syncer only'),
    one: p(0, 0, 1, '1 = a filesystem calls vn_syncer_one'),
    reclaim: p(0, 0, 1, '1 = a thread reclaims the vnode (vgone: forced worklist removal)'),
    stop: p(0, 0, 1, '1 = a forced unmount: syncer vnode released, vnodes reclaimed, syncer thread stopped (not with scan/trigger/one: their callers would hold the mount busy, which the model does not; with trigger it is hazard A-10)'),
    timeouts: p(1, 0, 1, '0 = timeouts off (lost wakeups hang: the syncer then only runs when woken)'),
  },
  defaultCpus: 2,
  options: { timeouts: 'param timeouts', quietTurns: true },
  domains: SYNC_DOMAINS,
  build(sim, q) {
    sim.options.timeouts = q.timeouts === 1;
    sim.options.quietTurns = true; // ghost ctx.g_quiet and the clock's fast-forward, for SYNC-21
    const { g, mp } = syncerMount(sim, cfgOf(q));
    const vp = mountVnode(sim, mp, 'vp', 0, VOPS_INODE, withStandinInode('vp'));
    bootMount(sim, mp);
    startClock(sim, g, mp, q.ticks);
    const last = sim.ncpus - 1;
    if (q.writes) spawnWorkload(sim, 'writer', 0, inode_writer as unknown as KernelFunction, [vp, q.writes, q.obj]);
    if (q.fsync) spawnWorkload(sim, 'fsync', last, fsyncer as unknown as KernelFunction, [vp]);
    if (q.scan === 1) spawnWorkload(sim, 'sync', last, sync_scanner as unknown as KernelFunction, [mp]);
    if (q.scan === 2) spawnWorkload(sim, 'scan', last, peek_scanner as unknown as KernelFunction, [mp]);
    if (q.trigger === 1 || q.trigger === 2) spawnWorkload(sim, 'trigger', last, trigger_rush as unknown as KernelFunction, [mp, q.trigger === 2 ? 1 : 0]);
    if (q.trigger === 3) spawnWorkload(sim, 'rush', last, rush_only as unknown as KernelFunction, [mp]);
    if (q.one) spawnWorkload(sim, 'one', last, sync_one as unknown as KernelFunction, [mp]);
    if (q.reclaim) spawnWorkload(sim, 'revoke', 0, reclaimer as unknown as KernelFunction, [vp]);
    if (q.stop) spawnWorkload(sim, 'umount', last, unmounter as unknown as KernelFunction, [mp]);
  },
};

// ---------------------------------------------------------------- mixed

export const mixedScenario: Scenario = {
  name: 'mixed',
  description:
    'Buffer cache + syncer + HAMMER-style inode together on 2 CPUs: a writer delays a write of a block of a buffer-cache vnode (bdwrite: bdirty → reassignbuf puts the vnode on the wheel at filedelay); another dirties a HAMMER-style inode (the hook vsetisdirty; its VOP_FSYNC is the stand-in until HAMMER is modelled); the syncer drains the wheel, writing the buffer back with bawrite (bundirty → reassignbuf takes the vnode off once the dirty tree empties, brelse after the write) and flushing the inode; its syncer vnode syncs the mount through vsyncscan. Optionally the buf daemon competes for the dirty buffer. SYNC-21 checks that a full wheel turn after the writers finished leaves nothing dirty anywhere. Timeouts on.',
  cite: ['vfs_sync.c:410-435', 'vfs_sync.c:185-304', 'vfs_bio.c:1049-1116', 'vfs_bio.c:1005-1047', 'vfs_bio.c:1151-1244'],
  params: {
    ...sysctlParams(),
    bufwrites: p(1, 0, 2, 'writer threads, each delaying a write (bdwrite) of its own block of the buffer-cache vnode'),
    inode: p(1, 0, 2, '1 = a write through the HAMMER-style filesystem (its inode); 2 = the inode, then a delayed write of the file\'s block (the vnode is listed for its inode when the buffer gets dirty)'),
    daemon: p(0, 0, 1, '1 = the buf daemon runs too'),
    nbuf: p(1, 1, 2, 'buffer headers'),
  },
  defaultCpus: 2,
  options: { timeouts: true, quietTurns: true },
  domains: ['trk', 'bio', 'buf', 'dur', ...SYNC_DOMAINS],
  build(sim, q) {
    sim.options.quietTurns = true; // ghost ctx.g_quiet for SYNC-21
    setupBufCache(sim, { nbuf: q.nbuf, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8, flushperqueue: 2 });
    const { g, mp } = syncerMount(sim, cfgOf(q));
    const vb = mountVnode(sim, mp, 'vb', Math.max(1, q.bufwrites), VOPS_REG);
    const vh = mountVnode(sim, mp, 'vh', q.inode === 2 ? 1 : 0, VOPS_INODE, withStandinInode('vh'));
    bootMount(sim, mp);
    startClock(sim, g, mp, q.ticks);
    for (let i = 0; i < q.bufwrites; i++) spawnWorkload(sim, `writer${i}`, i % sim.ncpus, write_block as unknown as KernelFunction, [vb, i, 1, WRITE_BDWRITE]);
    if (q.inode === 1) spawnWorkload(sim, 'hammer', sim.ncpus - 1, inode_writer as unknown as KernelFunction, [vh, 1, 0]);
    if (q.inode === 2) spawnWorkload(sim, 'hammer', sim.ncpus - 1, inode_and_block_writer as unknown as KernelFunction, [vh]);
    if (q.daemon) sim.spawn('bufdaemon', 0, buf_daemon, [newMarker(sim, 'bufdaemon.marker')], { daemon: true });
  },
};

// ---------------------------------------------------------------- syncer-flags

export const syncerFlagsScenario: Scenario = {
  name: 'syncer-flags',
  description:
    'The dirty-flag protocol of spec §5.3 in isolation, 2 CPUs: the vnode starts VOBJDIRTY and on the wheel (booted with vsetobjdirty). prog 0: one thread calls vsetisdirty ("vnode must be stable": referenced, not locked) while another, holding the vnode lock and v_token, calls vclrobjdirty — set-before-check keeps the dirty vnode listed. prog 1: a buffer-cache vnode; one thread bdwrite()s a block (reassignbuf lists the vnode) and then, with v_token, calls vclrisdirty — vn_syncer_remove must keep a vnode with dirty buffers. The syncer thread runs too. Timeouts on.',
  cite: ['vfs_sync.c:254-304', 'vfs_sync.c:223-252', 'vfs_bio.c:1151-1192'],
  params: {
    ...sysctlParams(),
    prog: p(0, 0, 1, 'the program (see the description)'),
  },
  defaultCpus: 2,
  options: { timeouts: true, quietTurns: true },
  domains: ['trk', 'bio', 'buf', 'dur', 'sync'],
  build(sim, q) {
    sim.options.quietTurns = true;
    if (q.prog === 1) setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    const { g, mp } = syncerMount(sim, cfgOf(q));
    const vp = mountVnode(sim, mp, 'vp', q.prog === 1 ? 1 : 0, q.prog === 1 ? VOPS_REG : VOPS_INODE, withStandinInode('vp'));
    bootMount(sim, mp);
    startClock(sim, g, mp, q.ticks);
    if (q.prog === 0) {
      syncerBoot(sim, objdirty_boot as unknown as KernelFunction, [vp]);
      spawnWorkload(sim, 'setter', 0, set_isdirty_only as unknown as KernelFunction, [vp]);
      spawnWorkload(sim, 'cleaner', 1, clear_objdirty_locked as unknown as KernelFunction, [vp]);
    } else {
      spawnWorkload(sim, 'writer', 0, bdwrite_then_clrisdirty as unknown as KernelFunction, [vp]);
    }
  },
};

// ---------------------------------------------------------------- variants (other defaults)

/** `base` with other parameter defaults, under another name (so that `check` runs them too). */
function variant(base: Scenario, name: string, defaults: Record<string, number>, what: string): Scenario {
  const params: Record<string, ParamSpec> = {};
  for (const [k, spec] of Object.entries(base.params)) params[k] = { ...spec, default: defaults[k] ?? spec.default };
  return { ...base, name, params, description: `${what} (${base.name} with ${Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join(', ')}). ${base.description}` };
}

/** The forced unmount: sync_inactive/sync_reclaim, vflush's forced removal, the EXIT/DONE handshake. */
export const syncerUmountScenario = variant(syncerScenario, 'syncer-umount', { trigger: 0, obj: 0, stop: 1 }, 'A write racing a forced unmount');
/** Two writes (the object dirtied by the second, on a listed vnode) against a sync(2) scan. */
export const syncerScanScenario = variant(syncerScenario, 'syncer-scan', { trigger: 0, writes: 2, obj: 2, scan: 1 }, 'Rewrites against a sync(2) vsyncscan');
/** Rush and vn_syncer_one. */
export const syncerRushScenario = variant(syncerScenario, 'syncer-rush', { writes: 0, trigger: 2, one: 1 }, 'speedup_syncer\'s rush and vn_syncer_one');
/** A HAMMER-style vnode with a dirty inode and then a dirty buffer (listed for its inode first). */
export const mixedHammerScenario = variant(mixedScenario, 'mixed-hammer', { bufwrites: 0, inode: 2, nbuf: 2 }, 'A HAMMER-style file: inode, then a delayed block write');

export const syncerScenarios: Scenario[] = [syncerScenario, mixedScenario, syncerFlagsScenario, syncerUmountScenario, syncerScanScenario, syncerRushScenario, mixedHammerScenario];
