/**
 * HAMMER coverage scenarios: small built-in workloads whose only purpose is to take, at their
 * default parameters, the transitions of the hammerInode / hammerRecord machines that the
 * standard workloads W1–W12 (spec/hammer_inode.md §7.1) do not take (coverage is the union over
 * the built-in scenarios at their defaults). Built like scenarios/hammer-workloads-a.ts: one
 * HAMMER mount, its flusher, one frontend thread 'A' running a program of VFS operations
 * (scenarios/hammer-ops.ts), and the final syncer. Each must explore exhaustively in a few
 * seconds with no violation on the unmodified seed.
 */
import { buildHammer, hammerParams, HAMMER_DOMAINS, op, type HammerWorkload } from './hammer.ts';
import { OP_ASYNC, OP_CHMOD, OP_CREATE, OP_FLUSH, OP_FSYNC, OP_HOLD, OP_LINK, OP_RELEASE, OP_RECLAIM, OP_REMOVE, OP_WRITE } from './hammer-ops.ts';
import type { ParamSpec, Scenario } from './types.ts';

/** A coverage scenario over one fixed workload. */
function covScenario(name: string, description: string, cite: string[], params: Record<string, ParamSpec>, wl: (q: Record<string, number>) => HammerWorkload): Scenario {
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

// ---------------------------------------------------------------- cache: lookups of IDLE / FLUSH inodes

export const covCacheScenario = covScenario(
  'hammer-cov-cache',
  'Coverage: the inode cache and the vnode association outside SETUP. File F (obj 2) is on disk in the root R (obj 1) but not loaded. Thread A chmods F — the lookup instantiates F (hammer_get_inode miss) and attaches a vnode to the IDLE inode (hammer_get_vnode, hammer_inode.c:292-310: IDLE GET_VNODE); takes a holder reference (a cache hit, :446-454: IDLE HAMMER_REF) and returns it; queues F (hammer_flush_inode(F, 0): FLUSH); reclaims F\'s vnode while F is FLUSH (hammer_vop_reclaim, :235-246: FLUSH VOP_RECLAIM — the returned vnode reference asks for a re-flush, REFLUSH); and chmods F again before its group runs: the lookup hits the cache (FLUSH HAMMER_REF) and attaches a new vnode to the FLUSH inode (FLUSH GET_VNODE, clearing RECLAIM, :3304-3309).',
  ['hammer_inode.c:235-246', 'hammer_inode.c:273-310', 'hammer_inode.c:446-454', 'hammer_inode.c:3290-3318'],
  { ...hammerParams() },
  () => ({
    inodes: [
      { name: 'R', obj_id: 1, dir: true, onDisk: true },
      { name: 'F', obj_id: 2, onDisk: true, parents: ['R'] },
    ],
    threads: {
      A: [...op(OP_CHMOD, 1, 0), ...op(OP_HOLD, 1, 0), ...op(OP_RELEASE, 1), ...op(OP_FLUSH, 1, 0), ...op(OP_RECLAIM, 1), ...op(OP_CHMOD, 1, 0)],
    },
  }),
);

// ---------------------------------------------------------------- unlink of an unflushed create

export const covUnlinkNewScenario = covScenario(
  'hammer-cov-unlink-new',
  'Coverage: removing a directory entry that was never flushed, while everything involved is SETUP. Root R (obj 1) on disk with a vnode; thread A creates directory D (obj 2) in R (D SETUP, the target of R\'s ADD record), creates F (obj 3) in D (ADD record Rf owned by the SETUP D, F SETUP), and unlinks F: hammer_dounlink\'s lookup references the SETUP F (SETUP HAMMER_REF), hammer_ip_del_directory finds the un-interlocked in-memory ADD and marks it DELETED_FE (record SETUP DELETE_FE); releasing the cursor\'s reference destroys it (record SETUP REL_MEM_RECORD): F\'s target_list empties (SETUP TARGET_UNLINK, :1556-1561 analogue) and D\'s rec_tree empties (SETUP RECORD_GONE: XDIRTY cleared). F, unlinked and unreferenced, is marked DELETING (hammer_inode_unloadable_check, :3247-3251) and flushed; the final syncer flushes D and R.',
  ['hammer_inode.c:1556-1574', 'hammer_inode.c:3219-3268', 'hammer_inode.c:1766-1813'],
  { ...hammerParams() },
  () => ({
    inodes: [
      { name: 'R', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'D', obj_id: 2 },
      { name: 'F', obj_id: 3 },
    ],
    threads: { A: [...op(OP_CREATE, 0, 1, 1), ...op(OP_CREATE, 1, 2, 0), ...op(OP_REMOVE, 1, 2)] },
  }),
);

// ---------------------------------------------------------------- reclaim of a SETUP inode, unlink of a queued create

export const covUnlinkQueuedScenario = covScenario(
  'hammer-cov-unlink-queued',
  'Coverage: a SETUP inode loses its vnode, and a queued (FLUSH) directory entry is removed by the frontend. Directory D (obj 1) on disk with a vnode; thread A creates F (obj 2) in D (ADD record Rf, F SETUP with a vnode), reclaims F\'s vnode (hammer_vop_reclaim on a SETUP inode, :235-246: SETUP VOP_RECLAIM; the returned reference asks for a flush, :1492-1493, which resolves F\'s parent D upward and queues D, Rf and F: all FLUSH), then unlinks F before the group runs: Rf is FLUSH but not interlocked, so hammer_ip_del_directory marks it DELETED_FE (record FLUSH DELETE_FE). When D is synced, Rf is written with CONVERT_DELETE and becomes a DEL (:2793-2799, FLUSH RECORD_CONVERTED); hammer_flush_record_done finds a live record still linked to F and returns it to SETUP (FLUSH_RECORD_DONE, SETUP arm) before clearing INTERLOCK_BE (SETUP RECORD_UNINTERLOCK). The DEL is flushed in a later group.',
  ['hammer_inode.c:235-246', 'hammer_inode.c:1492-1493', 'hammer_inode.c:2776-2799', 'hammer_inode.c:2858-2859'],
  { ...hammerParams() },
  () => ({
    inodes: [
      { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'F', obj_id: 2 },
    ],
    threads: { A: [...op(OP_CREATE, 0, 1, 0), ...op(OP_RECLAIM, 1), ...op(OP_REMOVE, 0, 1)] },
  }),
);

// ---------------------------------------------------------------- DATA record of a DELETING inode

export const covDisposeScenario = covScenario(
  'hammer-cov-dispose',
  'Coverage: the backend throws away the data of a file being deleted. Root R (obj 1) and file F (obj 2, its only link in R) on disk with vnodes; thread A writes F (a DATA record, SDIRTY|MTIME) and unlinks it: nlinks reaches 0 with the vnode inactive, so hammer_inode_unloadable_check marks F DELETING|TRUNCATED (:3247-3251) and F is flushed (its parent R pulled in upward with the DEL record); F\'s owner scan places the IDLE DATA record in the group. hammer_sync_record_callback sees DELETING in sync_flags and disposes of the DATA record without I/O (:2741-2759: record FLUSH SYNC_RECORD_DISPOSE), then the inode is deleted on the media (:3081-3092).',
  ['hammer_inode.c:2741-2759', 'hammer_inode.c:3073-3118', 'hammer_inode.c:3247-3251'],
  { ...hammerParams() },
  () => ({
    inodes: [
      { name: 'R', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'F', obj_id: 2, onDisk: true, parents: ['R'], vnode: true },
    ],
    threads: { A: [...op(OP_WRITE, 1, 0), ...op(OP_REMOVE, 0, 1)] },
  }),
);

// ---------------------------------------------------------------- over-full owner scan

export const covOverfullScenario = covScenario(
  'hammer-cov-overfull',
  'Coverage: an owner scan aborted by the UNDO limit. Directory D (obj 1) on disk with a vnode; thread A creates F1 (obj 2) and F2 (obj 3) in D (two SETUP ADD records) and queues D (hammer_flush_inode(D, 0)) with undo_rec_limit = 1: D joins a fresh group (total_count 1), its first ADD record joins and pulls F1 in (refs 1, total_count 2), and at the second record total_count + refs exceeds the limit, so hammer_setup_child_callback stops the scan with RESIGNAL|REFLUSH on the owner, whose group is not running (:2348-2361: DEFER_RESIGNAL); D\'s completion re-flushes it with a signal (:2654-2656) and F2 follows in a later group. With fsync=1 A fsyncs D instead (the flush is signalled and A waits in hammer_wait_inode): the waiter is woken at :2643 and, while the re-flush of :2656 sleeps in the group kmalloc (:1756, A-4) with RESIGNAL already consumed (:2655) and D SETUP, its loop condition (:2455-2457) is false, so fsync returns with F2\'s entry still pending (HINO-26) — a finding of the unmodified seed, not the default.',
  ['hammer_inode.c:1738-1754', 'hammer_inode.c:2348-2361', 'hammer_inode.c:2652-2658', 'hammer_inode.c:2455-2457'],
  { ...hammerParams({ undo_rec_limit: 1 }), fsync: { default: 0, min: 0, max: 1, description: '1 = fsync(D) (a signalled flush and a wait) instead of hammer_flush_inode(D, 0): HINO-26 through the A-4 window (see the description)' } },
  (q) => ({
    inodes: [
      { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'F1', obj_id: 2 },
      { name: 'F2', obj_id: 3 },
    ],
    threads: { A: [...op(OP_CREATE, 0, 1, 0), ...op(OP_CREATE, 0, 2, 0), ...(q.fsync ? op(OP_FSYNC, 0, -1) : op(OP_FLUSH, 0, 0))] },
  }),
);

// ---------------------------------------------------------------- the over-full abort on a SETUP owner

export const covOverfullSetupScenario = covScenario(
  'hammer-cov-overfull-setup',
  'Coverage: the owner scan aborted by the UNDO limit on a directory that is itself SETUP. Root R (obj 1) on disk with a vnode; thread A creates directory D (obj 2) in R (D is new and SETUP: R\'s ADD record targets it), then F (obj 3) in D, and queues D (hammer_flush_inode(D, 0)) with undo_rec_limit = 1. D\'s upward resolution pulls R into a fresh group with HAMMER_FLUSH_RECURSION and places R\'s record (:1991-2045), so by the time D\'s own scan reaches its record total_count + refs is over the limit: RESIGNAL|REFLUSH on the SETUP owner (:2348-2361, SETUP DEFER_RESIGNAL), and D still goes FLUSH (a negative go_count does not fall back, :2143), to be forced through a later group by its completion.',
  ['hammer_inode.c:1796-1813', 'hammer_inode.c:2348-2361', 'hammer_inode.c:2143-2144'],
  { ...hammerParams({ undo_rec_limit: 1 }) },
  () => ({
    inodes: [
      { name: 'R', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'D', obj_id: 2 },
      { name: 'F', obj_id: 3 },
    ],
    threads: { A: [...op(OP_CREATE, 0, 1, 1), ...op(OP_CREATE, 1, 2, 0), ...op(OP_FLUSH, 1, 0)] },
  }),
);

// ---------------------------------------------------------------- CONN_DOWN without a signal

export const covConnDownScenario = covScenario(
  'hammer-cov-conn-down',
  'Coverage: W3 with an unsignalled flush, then the entry is removed again. Directory D (obj 1) on disk with a vnode; thread A chmods D and queues it (hammer_autoflush = 1 closes D\'s group G1 at once, :2224-2229), creates F (obj 2) in D and requests hammer_flush_inode(F, 0): while G1 has not run, the upward resolution finds D FLUSH in G1, not in F\'s group, and gives up (:2046-2056: D REFLUSH, F CONN_DOWN, -1), so F gets CONN_DOWN|REFLUSH without RESIGNAL (:1814-1823: SETUP SETUP_CONN_DOWN). A then unlinks F: the unflushed ADD record is deleted by the frontend and destroyed, F\'s target_list empties and hammer_test_inode finds the SETUP F with REFLUSH (:3277-3287: SETUP TEST_INODE), re-issuing its flush. In the other interleavings G1 runs first and D\'s completion re-flushes D, pulling the record and F along.',
  ['hammer_inode.c:1814-1827', 'hammer_inode.c:2046-2056', 'hammer_inode.c:2224-2229', 'hammer_inode.c:3270-3288'],
  { ...hammerParams({ autoflush: 1 }) },
  () => ({
    inodes: [
      { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'F', obj_id: 2 },
    ],
    threads: { A: [...op(OP_CHMOD, 0), ...op(OP_FLUSH, 0, 0), ...op(OP_CREATE, 0, 1, 0), ...op(OP_FLUSH, 1, 0), ...op(OP_REMOVE, 0, 1)] },
  }),
);

// ---------------------------------------------------------------- a clean SETUP inode losing its last dependency

export const covSetupCleanScenario = covScenario(
  'hammer-cov-setup-clean',
  'Coverage: the SETUP -> IDLE shortcut of hammer_flush_inode for a clean inode whose dependencies are gone (:1774-1778). Root P (obj 1), directories D (obj 2) and D2 (obj 3) and file T (obj 4), all on disk in P with vnodes. Thread A links T into D (ADD Ra) and into D2 (ADD Rb) and unlinks it from P (DEL Rc): T is SETUP, nlinks 2, and Ra and Rc balance each other. A fsyncs D2: D2\'s owner scan places Rb and pulls T in with RECURSION; in T\'s nlinks pass Rb is pruned and Ra (-1) and Rc (+1) cancel (:2911-2963), so T completes SETUP (Ra and Rc still pending) and clean (:2542 agrees, :2574 drops REFLUSH). A reclaims T\'s vnode: hammer_rel_inode(T, 1) asks for a flush (:1492-1493), whose upward resolution places Ra (D pulled in) and Rc (P pulled in) in the fill group, and T\'s own core has go_count 0 and no NOXDIRTY bit, so T falls back to SETUP|REFLUSH (:2143-2172). A closes the group; as P and D commit Rc and Ra, hammer_flush_record_done unlinks them from T\'s target_list and tests T (SETUP TEST_INODE); once the list is empty the re-issued hammer_flush_inode finds T SETUP, clean and without dependencies and drops it to IDLE with its state reference (SETUP FLUSH_INODE_CLEAN).',
  ['hammer_inode.c:1774-1782', 'hammer_inode.c:2143-2172', 'hammer_inode.c:2911-2963', 'hammer_inode.c:3270-3288'],
  { ...hammerParams() },
  () => ({
    inodes: [
      { name: 'P', obj_id: 1, dir: true, onDisk: true, vnode: true },
      { name: 'D', obj_id: 2, dir: true, onDisk: true, parents: ['P'], vnode: true },
      { name: 'D2', obj_id: 3, dir: true, onDisk: true, parents: ['P'], vnode: true },
      { name: 'T', obj_id: 4, onDisk: true, parents: ['P'], vnode: true },
    ],
    threads: { A: [...op(OP_LINK, 1, 3, 0), ...op(OP_LINK, 2, 3, 0), ...op(OP_REMOVE, 0, 3), ...op(OP_FSYNC, 2, 0), ...op(OP_RECLAIM, 3), ...op(OP_ASYNC)] },
  }),
);

export const hammerCoverageScenarios: Scenario[] = [
  covCacheScenario,
  covUnlinkNewScenario,
  covUnlinkQueuedScenario,
  covDisposeScenario,
  covOverfullScenario,
  covOverfullSetupScenario,
  covConnDownScenario,
  covSetupCleanScenario,
];

