/**
 * HAMMER standard workloads (spec/hammer_inode.md §7.1), part B: W5 LINK2, W6 WOULDBLOCK,
 * W7 CHAIN21, W8 RENAME-LOOP, W10 TOUCH-QUEUED, W11 MODIFY-WHILE-FLUSH, W12 REFLUSH-DURING-RUN —
 * each the smallest scenario its mutants (§7.2: MUT-08/18, MUT-05/16/17, MUT-07, MUT-13,
 * MUT-19/23, MUT-15) need. Built with `buildHammer` / `op` (scenarios/hammer.ts): a HAMMER mount,
 * its flusher daemon, frontend threads running programs of operations (scenarios/hammer-ops.ts),
 * and the final syncer (hammer_final_syncer: once the threads have finished and the flusher is
 * idle, the HAMMER syncer runs until it finds nothing to do, so the liveness checks see the end
 * state). W7 and W11 start from a state made at boot (`HammerWorkload.boot`: a program run to
 * completion before the search), so the search covers only the flush that follows.
 */
import { buildHammer, hammerParams, HAMMER_DOMAINS, op, type HammerWorkload } from './hammer.ts';
import { OP_CHMOD, OP_WRITE, OP_TRUNC, OP_CREATE, OP_LINK, OP_RENAME, OP_REMOVE, OP_FSYNC, OP_FSYNC_NOWAIT, OP_RECLAIM, OP_SYNC, OP_FLUSH, OP_ASYNC } from './hammer-ops.ts';
import type { HammerInodeSpec } from '../impl/env/hammer_vfs.ts';
import { HAMMER_FLUSH_SIGNAL } from '../impl/kernel/hammer_inode_state.ts';
import type { ParamSpec, Scenario } from './types.ts';

const p = (d: number, min: number, max: number, description: string): ParamSpec => ({ default: d, min, max, description });

/** A scenario over one workload built from the parameters. */
function workloadScenario(
  name: string,
  description: string,
  cite: string[],
  params: Record<string, ParamSpec>,
  wl: (q: Record<string, number>) => HammerWorkload,
  domains: string[] = HAMMER_DOMAINS,
): Scenario {
  return {
    name,
    description,
    cite,
    params,
    defaultCpus: 2,
    options: { timeouts: false },
    domains,
    build(sim, q) {
      sim.options.timeouts = false;
      buildHammer(sim, q, wl(q));
    },
  };
}

// ---------------------------------------------------------------- W5 LINK2

/**
 * The root R (obj 1, on disk, not loaded); directories D0, D1, D2 (obj 2-4, entries in R) and file
 * T (obj 5, one entry in D0), on disk with vnodes.
 */
export const w5Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true },
    { name: 'D0', obj_id: 2, dir: true, onDisk: true, parents: ['R'], vnode: true },
    { name: 'D1', obj_id: 3, dir: true, onDisk: true, parents: ['R'], vnode: true },
    { name: 'D2', obj_id: 4, dir: true, onDisk: true, parents: ['R'], vnode: true },
    { name: 'T', obj_id: 5, onDisk: true, parents: ['D0'], vnode: true },
  ],
  threads: {
    A: [
      ...op(OP_CHMOD, 2, 0),
      ...op(OP_FLUSH, 2, 0),
      ...op(OP_LINK, 2, 4, 1),
      ...op(OP_LINK, 3, 4, 1),
      ...(q.fsync ? op(OP_FSYNC, 4, 1) : [...op(OP_FLUSH, 4, HAMMER_FLUSH_SIGNAL), ...op(OP_ASYNC)]),
    ],
  },
  records: 2,
  groups: 6,
});

export const w5Scenario = workloadScenario(
  'hammer-w5-link2',
  'W5 LINK2 (spec §7.1): directories D0, D1, D2 and file T (one entry in D0, nlinks 1), all on disk with vnodes; hammer_autoflush = 1. Thread A chmods D1 and flushes it (D1 FLUSH in G1; the auto-flush closes G1 and moves the fill pointer, :2224-2229), links T as D1/a (ADD R1) and as D2/b (ADD R2), and fsyncs T: if G1 has not run yet, R1 gives -1 (D1 is FLUSH in G1, not in G2: D1 REFLUSH, T CONN_DOWN, :2046-2056) and R2 gives +1 (D2 is pulled into G2 with RECURSION, :1991-1992, R2 joins G2, :2025-2045), so T is flushed in G2 with R1 outside the group: the backend\'s nlinks pass subtracts R1 (:2943-2946, synced nlinks 2 of 3) and completion re-dirties T (:2542-2543) and leaves it SETUP (R1 still in its target_list, :2633). D1\'s completion re-flushes it and R1 follows. Mutants MUT-08, MUT-18.',
  ['hammer_inode.c:1856-2057', 'hammer_inode.c:2911-2963', 'hammer_inode.c:2538-2543', 'hammer_inode.c:2626-2635'],
  {
    ...hammerParams({ autoflush: 1 }),
    fsync: p(0, 0, 1, '0 = T is queued by hammer_flush_inode(T, SIGNAL) and hammer_flusher_async (the fsync without its wait); 1 = a real fsync(T) — the seed then fails HINO-26: the wait returns once T leaves FLUSH, with DDIRTY re-set by the backend\'s nlinks pass (:2542-2543) because the D1/a entry is still pending'),
  },
  w5Workload,
);

// ---------------------------------------------------------------- W6 WOULDBLOCK

/** F (obj 2) on disk with a vnode, in the root directory R (obj 1, on disk, not loaded). */
export const w6Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true },
    { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
  ],
  threads: {
    A: [...op(OP_WRITE, 1, 0), ...op(OP_TRUNC, 1, 0), ...(q.rewrite ? op(OP_WRITE, 1, 0) : []), ...op(OP_FSYNC, 1, 0)],
    B: q.chmod ? [...op(OP_CHMOD, 1, 0)] : [],
  },
  records: 3,
  groups: 4,
});

export const w6Scenario = workloadScenario(
  'hammer-w6-wouldblock',
  'W6 WOULDBLOCK (spec §7.1): file F on disk with a vnode; thread A writes F (a DATA record, SDIRTY|MTIME), truncates it (TRUNCATED, the frontend truncation deletes the unflushed record) and fsyncs it. The backend range delete of the truncation (:2996-2999) may return EWOULDBLOCK once (fault budget wouldblock = 1, explored both ways): WOULDBLOCK is set (:3000), the flusher reports 0, completion finds TRUNCATED left in sync_flags, sets REFLUSH (:2527-2528), keeps the inode FLUSH in its group and clears WOULDBLOCK (:2595-2606); the next pass re-runs it, the truncation completes, and the REFLUSH re-queues F in the next group. Mutants MUT-05, MUT-16, MUT-17.',
  ['hammer_inode.c:2965-3040', 'hammer_inode.c:2522-2536', 'hammer_inode.c:2592-2606', 'hammer_inode.c:2652-2660'],
  {
    ...hammerParams({ wouldblock: 1 }),
    rewrite: p(0, 0, 1, '1 = A writes F again after the truncation: the new DATA record joins the flush and is skipped by the EWOULDBLOCK run (XDIRTY left in sync_flags)'),
    chmod: p(0, 0, 1, '1 = a thread B chmods F concurrently (a modification that may land while F is queued or re-run)'),
  },
  w6Workload,
);

// ---------------------------------------------------------------- W7 CHAIN21

/** The root R (obj 1, on disk, vnode), new directories d1..d20 (obj 2..21), new file f (obj 22). */
const w7Inodes = (): HammerInodeSpec[] => {
  const out: HammerInodeSpec[] = [{ name: 'R', obj_id: 1, dir: true, onDisk: true, vnode: true }];
  for (let i = 1; i <= 20; i++) out.push({ name: `d${i}`, obj_id: i + 1, dir: true });
  out.push({ name: 'f', obj_id: 22 });
  return out;
};

/** Boot: mkdir R/d1, d1/d2, ..., d19/d20, creat d20/f (21 ADD records, every new inode SETUP). */
const w7Boot = (): number[] => {
  const prog: number[] = [];
  for (let i = 1; i <= 20; i++) prog.push(...op(OP_CREATE, i - 1, i, 1));
  prog.push(...op(OP_CREATE, 20, 21, 0));
  return prog;
};

export const w7Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: w7Inodes(),
  boot: w7Boot(),
  threads: {
    A: q.wait ? [...op(OP_FSYNC, 21, 20)] : [...op(OP_FSYNC_NOWAIT, 21, 20), ...op(OP_FSYNC_NOWAIT, 0)],
    B: q.wait ? [...op(OP_SYNC, 1)] : [],
  },
  records: 21,
  groups: 40,
});

export const w7Scenario = workloadScenario(
  'hammer-w7-chain21',
  'W7 CHAIN21 (spec §7.1, §5.4): under the on-disk root R, the boot (run to completion before the search) makes 20 nested new directories d1..d20 and a new file f in d20 (21 new inodes, each SETUP with the ADD record of its entry in its parent\'s rec_tree). Thread A fsyncs f (MNT_NOWAIT: the SIGNAL flush request): the upward resolution hammer_setup_parent_inodes recurses f → d20 → ... → d1 and stops at depth 20 because d1 still has a dependency (-2, :1873-1880); every level gets REFLUSH / CONN_DOWN (:1979-1983) and f RESIGNAL (:1822-1826). A then fsyncs R (MNT_NOWAIT), whose owner scan pulls d1 down (:2362-2393); with hammer_autoflush = 1 every group closes at once, and the flusher carries the resolution down the chain by itself, one group per level: each directory\'s completion consumes its REFLUSH (:2652-2658) and its owner scan pulls the next one down, until f is flushed. wait = 1: a real fsync of f (MNT_WAIT) with a concurrent sync(2) thread resolving the chain (not exhaustive in reasonable time). Mutant MUT-07 (HINO-22: depth 21).',
  ['hammer_inode.c:1856-1902', 'hammer_inode.c:1920-2057', 'hammer_inode.c:2243-2415'],
  {
    ...hammerParams({ autoflush: 1 }),
    wait: p(0, 0, 1, '0 = A fsyncs f with MNT_NOWAIT (the SIGNAL flush request without the wait), then fsyncs R (MNT_NOWAIT) to start the resolution, which the flusher then carries down the chain one group at a time (auto-flush 1 closes each group); 1 = A fsyncs f with MNT_WAIT and a thread B runs sync(2) concurrently to resolve the chain while A waits (not exhaustive in reasonable time: > 160k states)'),
  },
  w7Workload,
);

// ---------------------------------------------------------------- W8 RENAME-LOOP

/** The root R (obj 1), /A (obj 2) and /A/B (obj 3), directories on disk with vnodes; F (obj 4) to be created in B. */
export const w8Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true, vnode: true },
    { name: 'A', obj_id: 2, dir: true, onDisk: true, parents: ['R'], vnode: true },
    { name: 'B', obj_id: 3, dir: true, onDisk: true, parents: ['A'], vnode: true },
    { name: 'F', obj_id: 4 },
  ],
  threads: {
    T: [
      ...op(OP_RENAME, 1, 0, 2),
      ...op(OP_RENAME, 0, 2, 1),
      ...(q.target ? op(OP_FSYNC, 2, 0) : [...op(OP_CREATE, 2, 3, 0), ...op(OP_FSYNC, 3, 2)]),
    ],
  },
  records: 5,
  groups: 6,
});

export const w8Scenario = workloadScenario(
  'hammer-w8-rename-loop',
  'W8 RENAME-LOOP (spec §7.1, §5.4): directories /A and /A/B on disk with vnodes. Thread T runs mv /A/B /B (ADD R→B, DEL A→B) then mv /A /B/A (ADD B→A, DEL R→A) — B\'s target_list holds a record owned by A and A\'s one owned by B — then, before any flush, creates F in B and fsyncs F: the upward resolution walks F → B → A → B → ... until the depth limit cuts the cycle at 20 (:1873-1880, "a loop in the recursion", :1996-1999); on the way back the records found FLUSH (:2001-2005) give connectivity, B and A enter FLUSH with RECURSION, F is flushed and the waiter woken. target = 1: fsync(B) itself, the spec\'s form — the seed then panics (KKASSERT hammer_inode.c:2073): B\'s own walk around the loop puts B into FLUSH (:1991-1992 at depth 17), and hammer_flush_inode then calls hammer_flush_inode_core on it (:1813) without re-checking its state. Mutant MUT-07 (without the limit the recursion never ends).',
  ['hammer_inode.c:1856-1902', 'hammer_inode.c:1920-2057'],
  { ...hammerParams(), target: p(0, 0, 1, '0 = fsync of a new file F in B (outside the loop); 1 = fsync(B), the spec\'s form (the seed panics at hammer_inode.c:2073, see the description)') },
  w8Workload,
);

// ---------------------------------------------------------------- W10 TOUCH-QUEUED

/** D (obj 1, directory) and F (obj 2, two entries in D), on disk with vnodes. */
export const w10Workload = (q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
    { name: 'F', obj_id: 2, onDisk: true, parents: ['D', 'D'], vnode: true },
  ],
  threads: {
    A: q.reclaim
      ? [...op(OP_CHMOD, 1, 0), ...op(OP_RECLAIM, 1), ...op(OP_REMOVE, 0, 1), ...op(OP_RECLAIM, 0)]
      : [...op(OP_CHMOD, 1, 0), ...op(OP_FLUSH, 1, 0), ...op(OP_REMOVE, 0, 1), ...op(OP_FLUSH, 0, 0)],
  },
  records: 2,
  groups: 5,
});

export const w10Scenario = workloadScenario(
  'hammer-w10-touch-queued',
  'W10 TOUCH-QUEUED (spec §7.1): directory D and file F (two entries in D) on disk with vnodes. Thread A chmods F and reclaims F\'s vnode (hammer_rel_inode(F, 1) queues the dirty inode: F FLUSH in G1, :1485-1486), then unlinks F\'s second entry through D (the unlink path holds F without a vnode, makes DEL record R in D targeting F, F DDIRTY) and reclaims D\'s vnode: D is dirty and is flushed, and R is deferred because F is FLUSH (:2318-2323: REFLUSH on the DEL\'s target F). The final syncer closes the group; completion consumes each REFLUSH with the plain re-flush (:2658, no RESIGNAL) — for vnode-less F and D nothing else would ever flush them — which places R in the next group. reclaim = 0: the queuing is hammer_flush_inode(ip, 0) with the vnodes kept. Mutant MUT-13.',
  ['hammer_inode.c:1469-1506', 'hammer_inode.c:2318-2324', 'hammer_inode.c:2562-2575', 'hammer_inode.c:2652-2660'],
  { ...hammerParams(), reclaim: p(1, 0, 1, '1 = queue F and D by reclaiming their vnodes (the spec\'s form: F and D vnode-less); 0 = queue them with hammer_flush_inode(ip, 0), vnodes kept') },
  w10Workload,
);

// ---------------------------------------------------------------- W11 MODIFY-WHILE-FLUSH

/** F (obj 2) on disk with a vnode, in the root directory R (obj 1, on disk, not loaded). */
export const w11Workload = (q: Record<string, number>): HammerWorkload =>
  q.mode === 1
    ? {
        inodes: [
          { name: 'R', obj_id: 1, dir: true, onDisk: true },
          { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
        ],
        boot: [...op(OP_CHMOD, 1, 0), ...op(OP_CHMOD, 1, 0)],
        threads: { A: [...op(OP_FSYNC, 1, 0)] },
        records: 1,
        groups: 3,
        finalSync: false,
      }
    : {
        inodes: [
          { name: 'R', obj_id: 1, dir: true, onDisk: true },
          { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
        ],
        boot: [...op(OP_CHMOD, 1, 0), ...op(OP_CHMOD, 1, 0)],
        threads: { A: [...op(OP_FSYNC_NOWAIT, 1, 0), ...op(OP_CHMOD, 1, 0)] },
        records: 1,
        groups: 4,
      };

export const w11Scenario = workloadScenario(
  'hammer-w11-modify-while-flush',
  'W11 MODIFY-WHILE-FLUSH (spec §7.1): file F on disk with a vnode. mode 0: F is dirty at boot with its vnode VISDIRTY (two chmods: the first, a clean-to-dirty transition, does not mark the vnode, A-2); thread A fsyncs F with MNT_NOWAIT as the syncer does (SIGNAL flush: F FLUSH in the open group G1; the snapshot leaves flags clean, so VISDIRTY is cleared) and chmods F again while F is queued (A-2: the vnode is not marked); the final syncer closes G1 and the flusher runs it: the end of the backend sync (:3209-3210) and completion (:2586-2590) find F dirty and mark its vnode, so the syncer sees it. Lists the hammer-strict domain (HINO-18 strong form) for MUT-19: the seed passes it here because no modification can follow a completed flush. mode 1 (the MUT-23 variant): fsync of the IDLE, boot-dirty F with a large auto-flush and no syncer at all: hammer_wait_inode must close the open group itself (:2473-2481).',
  ['hammer_inode.c:2577-2590', 'hammer_inode.c:3209-3210', 'hammer_inode.c:1672-1674', 'hammer_inode.c:2443-2503'],
  { ...hammerParams(), mode: p(0, 0, 1, '0 = W11 (boot-dirty F, fsync MNT_NOWAIT, chmod while queued); 1 = fsync of the IDLE boot-dirty F with no syncer (MUT-23)') },
  w11Workload,
  [...HAMMER_DOMAINS, 'hammer-strict'],
);

// ---------------------------------------------------------------- W12 REFLUSH-DURING-RUN

/** F (obj 2) on disk with a vnode, in the root directory R (obj 1, on disk, not loaded). */
export const w12Workload = (_q: Record<string, number>): HammerWorkload => ({
  inodes: [
    { name: 'R', obj_id: 1, dir: true, onDisk: true },
    { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
  ],
  threads: { A: [...op(OP_CHMOD, 1, 0), ...op(OP_FLUSH, 1, 0), ...op(OP_ASYNC), ...op(OP_CHMOD, 1, 0), ...op(OP_FLUSH, 1, 0)] },
  records: 1,
  groups: 4,
});

export const w12Scenario = workloadScenario(
  'hammer-w12-reflush-during-run',
  'W12 REFLUSH-DURING-RUN (spec §7.1): file F on disk with a vnode. Thread A chmods F, flushes it (F FLUSH in G1), closes G1 (hammer_flusher_async), chmods F again and asks for another flush while F is queued: the FLUSH case sets REFLUSH (:1838-1839). When G1 runs, completion finds F dirty and re-flushes it (:2652-2658) while G1 is running: hammer_flush_inode must pick the fill group, which the flusher advanced past G1 when it started it (B-2), or allocate a new one (:1746-1764). Mutant MUT-15.',
  ['hammer_inode.c:1731-1764', 'hammer_inode.c:1830-1844', 'hammer_inode.c:2652-2660'],
  { ...hammerParams() },
  w12Workload,
);

export const hammerWorkloadsB: Scenario[] = [w5Scenario, w6Scenario, w7Scenario, w8Scenario, w10Scenario, w11Scenario, w12Scenario];
