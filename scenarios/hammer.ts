/**
 * The HAMMER scenarios (spec/hammer_inode.md §7.1, §8): a HAMMER mount (impl/env/hammer_vfs.ts)
 * with its flusher daemon (impl/env/hammer_flusher.ts: master, and slaves when `slaves` > 1),
 * inodes with on-media state, cached vnodes made at boot by the seed's own lookup code, and
 * frontend threads running programs of operations (scenarios/hammer-ops.ts).
 *
 * Building blocks for the workload scenarios W1–W12: `hammerParams` (the tunables and fault
 * budgets every HAMMER scenario takes), `buildHammer(sim, q, spec)` (set-up, boot, flusher,
 * threads from a `HammerWorkload`: inodes + one program per thread), and the program helpers
 * `op(...)`. A workload scenario is then a table entry: see `hammerFlushScenario`.
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { setupHammer, hammerBoot, hammerStartFlusher, hammer_final_syncer, type HammerInodeSpec, type HammerSetup } from '../impl/env/hammer_vfs.ts';
import { bootMount, startClock } from './syncer.ts';
import { syncerBoot } from '../impl/env/syncer.ts';
import {
  hammer_run,
  OP_CHMOD,
  OP_WRITE,
  OP_TRUNC,
  OP_CREATE,
  OP_LINK,
  OP_REMOVE,
  OP_FSYNC,
  OP_RECLAIM,
  OP_SYNC,
} from './hammer-ops.ts';
import type { ParamSpec, Scenario } from './types.ts';

export const HAMMER_DOMAINS = ['hammer'];

const p = (d: number, min: number, max: number, description: string): ParamSpec => ({ default: d, min, max, description });

/** The tunables and fault budgets every HAMMER scenario takes (defaults: the spec's "small tunables"). */
export const hammerParams = (defaults: Partial<Record<string, number>> = {}): Record<string, ParamSpec> => ({
  autoflush: p(defaults.autoflush ?? 2000, 1, 2000, 'vfs.hammer.autoflush (hammer_autoflush): a group auto-closes once total_count reaches it (hammer_inode.c:2224-2229); 1 splits groups'),
  undo_rec_limit: p(defaults.undo_rec_limit ?? 1000, 1, 1000, 'hmp->undo_rec_limit: the fill group is passed over when total_count + refs exceeds it (hammer_inode.c:1748), an owner scan aborts (2348-2361)'),
  limit_reclaims: p(defaults.limit_reclaims ?? 4000, 1, 4000, 'vfs.hammer.limit_reclaims (hammer_limit_reclaims): auto-flush also at limit_reclaims / 4; reclaim pacing (hammer_inode_waitreclaims)'),
  slaves: p(defaults.slaves ?? 1, 1, 2, 'flusher slave threads: 1 = the master runs each pass inline (members in obj_id order); 2 = two slaves sync members concurrently (SLAVEFLUSH)'),
  wouldblock: p(defaults.wouldblock ?? 0, 0, 2, 'fault budget: truncation range deletes that may return EWOULDBLOCK (hammer_inode.c:2996-2999)'),
  eio: p(defaults.eio ?? 0, 0, 1, 'fault budget: media operations that may fail with EIO (→ hammer_critical_error)'),
  groups: p(defaults.groups ?? 0, 0, 64, 'flush-group pool size (groups are never reused: a freed group stays DONE); 0 = sized from the workload (hammerPoolSizes), enough for every setting of the tunables'),
});

/**
 * Pool sizes of a workload (records and flush groups are never reused: a freed one stays dead, so
 * a stale pointer to it is still caught). A flush group is allocated only by hammer_flush_inode
 * (hammer_inode.c:1756) when there is no usable fill group; with hammer_autoflush = 1 or
 * undo_rec_limit = 1 every placement closes its group, so each frontend operation (its own flush,
 * and the re-flushes its records and dependencies cause at completion, hammer_inode.c:2654-2658,
 * 3280-3284) and each end-of-workload syncer run may need fresh ones. The bound used: 4 plus 3 per
 * operation plus 1 per inode (exceeding it is a ModelError, i.e. a scenario bug, never a
 * kernel state). Records: each operation installs at most two (rename: ADD + DEL).
 */
export function hammerPoolSizes(q: Record<string, number>, wl: HammerWorkload): { records: number; groups: number } {
  let ops = 0;
  for (const t of Object.keys(wl.threads)) ops += Math.floor(wl.threads[t].length / 4);
  const groups = q.groups > 0 ? q.groups : Math.max(wl.groups ?? 0, 4 + 3 * ops + wl.inodes.length);
  const records = Math.max(wl.records ?? 0, 4, 2 * ops);
  return { records, groups };
}

/**
 * sim.options.timeouts for hammer-flush: on — hammer_inode_waitreclaims sleeps with an hz
 * timeout (hammer_inode.c:3363), so with a small limit_reclaims a waiter nobody credits must still
 * return (HRCL-02 is about that bound, not about a wakeup). Its sleep is the only timed one in
 * the HAMMER code, so at the default limit (never reached) this costs nothing. The workload,
 * coverage and hazard scenarios keep timeouts off at their default limit_reclaims, where the
 * wait is never reached; lowering limit_reclaims there can report a waiter as an HRCL-02
 * deadlock that the timeout would end.
 */
export const hammerTimeouts = (_q: Record<string, number>): boolean => true;

/** One program step: [op, a, b, c] (inode-table indices, -1 = none). */
export const op = (code: number, a = -1, b = -1, c = -1): number[] => [code, a, b, c];

export interface HammerWorkload {
  inodes: HammerInodeSpec[];
  /** Thread name → program (concatenated op quads). Empty programs spawn no thread. */
  threads: Record<string, number[]>;
  /** Minimum pool sizes (see hammerPoolSizes; vnodes default to 2 × inodes + 2). */
  records?: number;
  groups?: number;
  vnodes?: number;
  /** Run the vfs syncer thread and the hardclock (adds the 'sync' domain's objects). */
  syncer?: boolean;
  /**
   * A 'syncer' thread that, once the other threads finished and the flusher is idle, runs the
   * HAMMER syncer until it finds nothing to do (default true) — with or without the vfs syncer
   * thread, whose runs are bounded by the hardclock's ticks.
   */
  finalSync?: boolean;
  /**
   * A set-up program (op quads, like a thread's) run to completion at boot, after the cached
   * inodes are loaded and before the flusher starts: state the search starts from (e.g. W7's
   * chain of new directories), so the search covers only what follows.
   */
  boot?: number[];
}

/** Sets up the mount, boots the cached inodes, starts the flusher and spawns the frontend threads. */
export function buildHammer(sim: Sim, q: Record<string, number>, wl: HammerWorkload): HammerSetup {
  const names = Object.keys(wl.threads).filter((t) => wl.threads[t].length > 0);
  const pools = hammerPoolSizes(q, wl);
  const s = setupHammer(sim, {
    autoflush: q.autoflush,
    undo_rec_limit: q.undo_rec_limit,
    limit_reclaims: q.limit_reclaims,
    slaves: q.slaves,
    wouldblock: q.wouldblock,
    eio: q.eio,
    records: pools.records,
    groups: pools.groups,
    vnodes: wl.vnodes,
    inodes: wl.inodes,
    threads: names,
    syncer: wl.syncer,
    sync: { seconds: q.ticks ?? 1 },
  });
  if (wl.syncer) {
    s.mp.mnt_vfs_sync = 2;
    bootMount(sim, s.mp);
  }
  hammerBoot(sim, s, wl.inodes);
  if (wl.boot && wl.boot.length > 0) {
    const boot = wl.inodes.map((x) => s.ip[x.name]);
    syncerBoot(sim, hammer_run as unknown as KernelFunction, [s.trans.boot, wl.boot.slice(), boot]);
  }
  if (wl.syncer) startClock(sim, sim.globals.vfs_sync as never, s.mp, q.ticks ?? 1);
  hammerStartFlusher(sim, s);
  const table = wl.inodes.map((x) => s.ip[x.name]);
  let cpu = 0;
  for (const t of names) {
    sim.spawn(t, cpu % sim.ncpus, hammer_run as unknown as KernelFunction, [s.trans[t], wl.threads[t].slice(), table.slice()]);
    cpu++;
  }
  // The end-of-workload HAMMER syncer runs with the vfs syncer thread too: that thread only runs
  // while the hardclock has ticks left, so what the workload leaves open after its last run (an
  // open flush group, a VISDIRTY vnode) would otherwise never be closed — and every L check
  // (HINO-27..30, HFLG-11..13) assumes the periodic syncer keeps running (spec §8.1 item 5).
  if (wl.finalSync !== false) sim.spawn('syncer', 0, hammer_final_syncer as unknown as KernelFunction, [s.hmp, s.mp]);
  return s;
}

// ---------------------------------------------------------------- hammer-flush

/** D (obj 1, a directory) and F (obj 2, a file in D), both on disk with cached vnodes; G (obj 3) to be created in D. */
const D = 0;
const F = 1;
const G = 2;
const flushInodes = (): HammerInodeSpec[] => [
  { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
  { name: 'F', obj_id: 2, onDisk: true, parents: ['D'], vnode: true },
  { name: 'G', obj_id: 3 },
];

/** The programs of thread A (on F). */
const progA: Record<number, number[]> = {
  0: [],
  1: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)],
  2: [...op(OP_WRITE, F, D), ...op(OP_FSYNC, F, D)],
  3: [...op(OP_WRITE, F, D), ...op(OP_TRUNC, F, D), ...op(OP_FSYNC, F, D)],
  4: [...op(OP_CHMOD, F, D), ...op(OP_RECLAIM, F)],
  5: [...op(OP_CHMOD, F, D)],
};

/** The programs of thread B (namespace operations in D). */
const progB: Record<number, number[]> = {
  0: [],
  1: [...op(OP_CREATE, D, G, 0), ...op(OP_FSYNC, G, D)],
  2: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F)],
  3: [...op(OP_REMOVE, D, F)],
  4: [...op(OP_RECLAIM, F)],
  5: [...op(OP_FSYNC, D, -1)],
  6: [...op(OP_SYNC, 1)],
  7: [...op(OP_CREATE, D, G, 0)],
};

export const hammerFlushWorkload = (a: number, b: number, syncer = false, finalSync = true): HammerWorkload => ({
  inodes: flushInodes(),
  threads: { A: progA[a] ?? [], B: progB[b] ?? [] },
  syncer,
  finalSync,
});

export const hammerFlushScenario: Scenario = {
  name: 'hammer-flush',
  description:
    'HAMMER inode flushing (hammer_inode.c) end to end: a directory D and a file F on disk, cached with vnodes (loaded at boot by hammer_get_inode / hammer_get_vnode), a file G to be created; two frontend threads run programs of VOPs under the fs token — chmod (DDIRTY), write (a DATA record, SDIRTY|MTIME), truncate (TRUNCATED), creat / link / unlink (directory-entry records, hammer_ip_add_directory / hammer_ip_del_directory), fsync (hammer_vop_fsync: SIGNAL flush + hammer_wait_inode), vnode reclaim (hammer_vop_reclaim → hammer_rel_inode(ip, 1)), sync (the HAMMER syncer actor) — while the flusher daemon runs closed groups in seq order (hammer_sync_inode, WOULDBLOCK on error, hammer_flush_inode_done, passes until the tree is empty, finalize). Tunables hammer_autoflush, undo_rec_limit, hammer_limit_reclaims, flusher slaves, and media fault budgets are parameters.',
  cite: ['hammer_inode.c:1731-1846', 'hammer_inode.c:2062-2230', 'hammer_inode.c:2443-2503', 'hammer_inode.c:2512-2682', 'hammer_inode.c:2883-3217'],
  params: {
    ...hammerParams(),
    a: p(1, 0, 5, 'thread A: 0 none; 1 chmod F, fsync F; 2 write F, fsync F; 3 write F, truncate F, fsync F (W6 with wouldblock); 4 chmod F, reclaim F (W1); 5 chmod F'),
    b: p(1, 0, 7, 'thread B: 0 none; 1 create G in D, fsync G (W2); 2 link F into D, unlink it; 3 unlink F; 4 reclaim F; 5 fsync D; 6 sync(2) (the HAMMER syncer with a flusher wait); 7 create G in D'),
    syncer: p(0, 0, 1, '1 = the vfs syncer thread runs too (VFS_SYNC = vsyncscan + hammer_flusher_async), with the hardclock'),
    final_sync: p(1, 0, 1, '1 = once the threads finished and the flusher is idle, the HAMMER syncer runs until it finds nothing to do (the periodic syncer the liveness checks assume); 0 = none'),
    ticks: p(1, 0, 3, 'with syncer: how many times the hardclock may advance time_uptime'),
  },
  defaultCpus: 2,
  options: { timeouts: true },
  domains: HAMMER_DOMAINS,
  build(sim, q) {
    // Timed sleeps may time out: hammer_inode_waitreclaims' tsleep(..., hz) (hammer_inode.c:3363)
    // returns after a tick even if no reclaim credits the waiter (HRCL-02) — the only timed sleep
    // of the HAMMER code, reachable once count_reclaims >= limit_reclaims * 3 / 4 — and the vfs
    // syncer's per-second sleep is driven by the hardclock. The scenario checks the 'hammer'
    // domain only, with or without the syncer thread (the syncer's own invariants are the
    // syncer scenarios' business).
    sim.options.timeouts = hammerTimeouts(q);
    buildHammer(sim, q, hammerFlushWorkload(q.a, q.b, q.syncer === 1, q.final_sync === 1));
  },
};

export const hammerScenarios: Scenario[] = [hammerFlushScenario];

export { OP_CHMOD, OP_WRITE, OP_TRUNC, OP_CREATE, OP_LINK, OP_REMOVE, OP_FSYNC, OP_RECLAIM, OP_SYNC };
