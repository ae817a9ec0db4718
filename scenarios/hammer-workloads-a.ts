/**
 * HAMMER standard workloads (spec/hammer_inode.md §7.1), part A: W1 SOLO-RECLAIM, W2 CREATE,
 * W3 CREATE-SPLIT, W4 FALLBACK, W9 XDIRTY-ONLY — each the smallest scenario its mutants
 * (§7.2: MUT-01/20, MUT-02/22, MUT-03/06/14, MUT-10/11/12/21, MUT-04/09) need. Built with
 * `buildHammer` / `op` (scenarios/hammer.ts): a HAMMER mount, its flusher daemon, one frontend
 * thread 'A' running a program of operations (scenarios/hammer-ops.ts), and the final syncer
 * (hammer_final_syncer: once A has finished and the flusher is idle, the HAMMER syncer runs until
 * it finds nothing to do, so the liveness checks see the end state).
 *
 * No group is run before the final syncer closes it unless a program step closes it (a SIGNAL
 * flush, hammer_wait_inode, or the auto-flush of hammer_inode.c:2224-2229), so the interleavings
 * are those of the flusher against the program's tail.
 */
import { buildHammer, hammerParams, HAMMER_DOMAINS, op, type HammerWorkload } from './hammer.ts';
import { OP_CHMOD, OP_CREATE, OP_FSYNC, OP_LINK, OP_RECLAIM, OP_FLUSH, OP_HOLD, OP_RELEASE, OP_ADDREC } from './hammer-ops.ts';
import type { ParamSpec, Scenario } from './types.ts';

const p = (d: number, min: number, max: number, description: string): ParamSpec => ({ default: d, min, max, description });

/** A scenario over one workload built from the parameters. */
function workloadScenario(name: string, description: string, cite: string[], params: Record<string, ParamSpec>, wl: (q: Record<string, number>) => HammerWorkload): Scenario {
  return {
    name,
    description,
    cite,
    params,
    defaultCpus: 2,
    options: { timeouts: false },
    domains: HAMMER_DOMAINS,
    build(sim, q) {
      sim.options.timeouts = false;
      buildHammer(sim, q, wl(q));
    },
  };
}

// ---------------------------------------------------------------- W1 SOLO-RECLAIM

/** F (obj 2) on disk, cached with a vnode, in the root directory R (obj 1, on disk, not loaded). */
export const w1Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true },
    { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
  ],
  threads: { A: [...op(OP_CHMOD, 1, 0), ...(q.fsync ? op(OP_FSYNC, 1, 0) : []), ...op(OP_RECLAIM, 1)] },
});

export const w1Scenario = workloadScenario(
  'hammer-w1-solo-reclaim',
  'W1 SOLO-RECLAIM (spec §7.1): file F on disk with a cached vnode; thread A chmods F (DDIRTY) and reclaims its vnode: hammer_vop_reclaim → hammer_rel_inode(F, 1) sees the last reference on a dirty inode and queues it (IDLE → FLUSH, the state reference, :1485-1486), then the flush request on a FLUSH inode sets REFLUSH (:1492-1493); the final syncer closes the group, the flusher syncs F, completion drops REFLUSH on the now clean inode and releases the state reference, and F is unloaded. With fsync=1 A fsyncs F between the two (a first group run while the vnode is attached). Mutants MUT-01, MUT-20.',
  ['hammer_inode.c:223-250', 'hammer_inode.c:1469-1506', 'hammer_inode.c:2062-2230', 'hammer_inode.c:2512-2682'],
  { ...hammerParams(), fsync: p(0, 0, 1, '1 = fsync(F) between the chmod and the reclaim') },
  w1Workload,
);

// ---------------------------------------------------------------- W2 CREATE

/** D (obj 1, directory) on disk with a vnode; F (obj 2) created in D. */
export const w2Workload = (_q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
    { name: 'F', obj_id: 2 },
  ],
  threads: { A: [...op(OP_CREATE, 0, 1, 0), ...op(OP_FSYNC, 0)] },
});

export const w2Scenario = workloadScenario(
  'hammer-w2-create',
  'W2 CREATE (spec §7.1): directory D on disk with a vnode; thread A creates F in D (hammer_create_inode, hammer_ip_add_directory: ADD record R owned by D targeting F, F IDLE → SETUP with the state reference, D XDIRTY|MTIME), then fsyncs D (a SIGNAL flush: D goes FLUSH, its owner scan places R in the group and pulls F in with RECURSION, F SETUP → FLUSH; hammer_wait_inode closes the group). The flusher syncs D (R written under INTERLOCK_BE) and F. Mutants MUT-02, MUT-22.',
  ['hammer_inode.c:748-939', 'hammer_inode.c:2243-2415', 'hammer_inode.c:2688-2878', 'hammer_inode.c:2443-2503'],
  { ...hammerParams() },
  w2Workload,
);

// ---------------------------------------------------------------- W3 CREATE-SPLIT

/** D (obj 1) on disk with a vnode; F (obj 2) created in D after D was queued in G1. */
export const w3Workload = (_q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
    { name: 'F', obj_id: 2 },
  ],
  threads: { A: [...op(OP_CHMOD, 0), ...op(OP_FLUSH, 0, 0), ...op(OP_CREATE, 0, 1, 0), ...op(OP_FSYNC, 1, 0)] },
});

export const w3Scenario = workloadScenario(
  'hammer-w3-create-split',
  'W3 CREATE-SPLIT (spec §7.1): directory D on disk with a vnode; thread A chmods D and flushes it (D FLUSH in G1; hammer_autoflush = 1 closes G1 and moves the fill pointer, :2224-2229), creates F in D (ADD record R, F SETUP), and fsyncs F: if G1 has not run yet, the upward resolution finds D FLUSH in G1, not in G2 (:2025, :2046-2056): D gets REFLUSH, F CONN_DOWN | REFLUSH | RESIGNAL (:1822-1826) and the fsync waits on the SETUP inode; D\'s completion in G1 re-flushes D into G2, pulling R and F along; F\'s completion in G2 wakes the waiter and clears CONN_DOWN (:2666-2667). Mutants MUT-03, MUT-06, MUT-14.',
  ['hammer_inode.c:1796-1829', 'hammer_inode.c:1856-2057', 'hammer_inode.c:2224-2229', 'hammer_inode.c:2652-2667'],
  { ...hammerParams({ autoflush: 1 }) },
  w3Workload,
);

// ---------------------------------------------------------------- W4 FALLBACK

/**
 * D (obj 1, the root directory) and file T (obj 2, one entry in D) on disk with vnodes. T is listed
 * first so that it gets the first vnode: the final syncer fsyncs the VISDIRTY vnodes in vnode-list
 * order, and fsyncing D first (pulling T in with R, then a RESIGNAL on the FLUSH T) would make R's
 * completion re-flush T with no fill group, i.e. sleep in the group kmalloc with R still FLUSH (the
 * A-4 window the hazards cover), which this workload is not about.
 */
export const w4Workload = (_q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'T', obj_id: 2, onDisk: true, parents: ['D'], vnode: true },
    { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
  ],
  threads: { A: [...op(OP_CHMOD, 0), ...op(OP_FLUSH, 0, 0), ...op(OP_LINK, 1, 0), ...op(OP_FLUSH, 1, 0)] },
});

export const w4Scenario = workloadScenario(
  'hammer-w4-fallback',
  'W4 FALLBACK (spec §7.1, §5.3): directory D (obj 1, the root) and file T (obj 2, one entry in D) on disk with vnodes. Thread A chmods T and flushes it (T FLUSH in G), links T into D (ADD record R owned by D, T stays FLUSH), and flushes D: D enters G but R is deferred because its target T is FLUSH (:2318-2323, D REFLUSH). G runs D before T (obj_id order): D\'s completion re-flushes D, whose scan meets R with T still FLUSH; D now has only XDIRTY, so go_count == 0 and the fallback puts D back to SETUP with REFLUSH (:2143-2172). T\'s completion (nlinks re-dirtied, :2542) and the final syncer resolve the rest. Mutants MUT-10, MUT-11, MUT-12, MUT-21.',
  ['hammer_inode.c:2137-2173', 'hammer_inode.c:2318-2324', 'hammer_inode.c:2652-2660'],
  { ...hammerParams() },
  w4Workload,
);

// ---------------------------------------------------------------- W9 XDIRTY-ONLY

/** X (obj 2) on disk in the root directory R (obj 1, on disk, not loaded), not cached (no vnode). */
export const w9Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true },
    { name: 'X', obj_id: 2, onDisk: true, parents: ['R'] },
  ],
  threads: { A: [...op(OP_HOLD, 1, 0), ...op(OP_ADDREC, 1), ...(q.flush ? op(OP_FLUSH, 1, 0) : []), ...op(OP_RELEASE, 1)] },
});

export const w9Scenario = workloadScenario(
  'hammer-w9-xdirty-only',
  'W9 XDIRTY-ONLY (spec §7.1): inode X on disk without a vnode is looked up (a holder reference, hammer_get_inode), gets exactly one GENERAL record through hammer_ip_add_record as hammer_save_pseudofs does (:1107-1118; X XDIRTY only), and its last holder reference is released: hammer_rel_inode sees one reference on a dirty inode (MODMASK includes XDIRTY, :1485) and queues it; the owner scan places the IDLE record in the group (:2284-2294); the final syncer closes the group; after the flush X is clean and is unloaded. With flush=1 thread A flushes X explicitly (hammer_flush_inode(X, 0)) before releasing it. Mutants MUT-04 (flush=1), MUT-09.',
  ['hammer_inode.c:1469-1506', 'hammer_inode.c:2284-2294', 'hammer_inode.c:1107-1118'],
  { ...hammerParams(), flush: p(0, 0, 1, '1 = flush X (hammer_flush_inode(X, 0) under the fs token) before releasing it') },
  w9Workload,
);

export const hammerWorkloadsA: Scenario[] = [w1Scenario, w2Scenario, w3Scenario, w4Scenario, w9Scenario];
