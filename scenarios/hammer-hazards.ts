/**
 * Hazard reproductions of HAMMER inode flushing (spec/hammer_inode.md Appendix A and §6; SPEC
 * §Hazards): `hazard-HA-<n>` for Appendix A-n, `hazard-HX-<n>` for findings beyond it. Each fails
 * on purpose (or, for an 'unreached' hazard, runs with a probe patch); `check` and the
 * default-scenario tests skip them. Built with buildHammer/op from scenarios/hammer.ts.
 */
import { buildHammer, hammerParams, op, HAMMER_DOMAINS, type HammerWorkload } from './hammer.ts';
import { w3Workload, w4Workload } from './hammer-workloads-a.ts';
import { w5Workload, w8Workload, w12Workload } from './hammer-workloads-b.ts';
import { hammer_unmount, hammer_atime_check } from './hammer-hazard-actors.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import type { HammerSetup } from '../impl/env/hammer_vfs.ts';
import { OP_CHMOD, OP_WRITE, OP_TRUNC, OP_CREATE, OP_LINK, OP_REMOVE, OP_FSYNC, OP_RECLAIM, OP_FLUSH, OP_ASYNC, OP_FSYNC_NOWAIT, OP_READ } from './hammer-ops.ts';
import type { HammerInodeSpec } from '../impl/env/hammer_vfs.ts';
import type { ParamSpec, Scenario } from './types.ts';

const p = (d: number, min: number, max: number, description: string): ParamSpec => ({ default: d, min, max, description });

/** D (obj 1, a directory) and F (obj 2, a file in D), on disk with cached vnodes; G (obj 3) to be created; E (obj 4) a second directory on disk. */
const D = 0;
const F = 1;
const G = 2;
const inodes = (withE = false): HammerInodeSpec[] => [
  { name: 'D', obj_id: 1, dir: true, onDisk: true, vnode: true },
  { name: 'F', obj_id: 2, onDisk: true, parents: ['D'], vnode: true },
  { name: 'G', obj_id: 3 },
  ...(withE ? [{ name: 'E', obj_id: 4, dir: true, onDisk: true, parents: ['D'], vnode: true }] : []),
];

interface HazardDef {
  id: string;
  description: string;
  cite: string[];
  params?: Record<string, ParamSpec>;
  defaults?: Partial<Record<string, number>>;
  strict?: boolean;
  /** The probe of hazards/patches/HAM-flush-probes.ts this scenario arms (sim.options.hamProbe). */
  probe?: string;
  /** Further invariant domains (e.g. 'hammer-hx2' for HINO-19). */
  extraDomains?: string[];
  workload(q: Record<string, number>): HammerWorkload;
  /** Set-up after buildHammer (e.g. HA-9's unmount thread). */
  after?(sim: Sim, s: HammerSetup, q: Record<string, number>, wl: HammerWorkload): void;
}

function hazardScenario(h: HazardDef): Scenario {
  return {
    name: `hazard-${h.id}`,
    hazard: h.id,
    description: h.description,
    cite: h.cite.map((c) => `hammer_inode.c:${c}`),
    params: { ...hammerParams(h.defaults), ...(h.params ?? {}) },
    defaultCpus: 2,
    options: h.probe ? { timeouts: false, hamProbe: h.probe } : { timeouts: false },
    domains: [...HAMMER_DOMAINS, ...(h.strict ? ['hammer-strict'] : []), ...(h.extraDomains ?? [])],
    build(sim, q) {
      sim.options.timeouts = false;
      if (h.probe) sim.options.hamProbe = h.probe;
      const wl = h.workload(q);
      const set = buildHammer(sim, q, wl);
      h.after?.(sim, set, q, wl);
    },
  };
}

const defs: HazardDef[] = [
  {
    id: 'HA-2',
    description: 'A-2 / HINO-18strong: one chmod on F, a clean, IDLE, cached inode with a vnode. hammer_modify_inode calls hammer_inode_dirty (hammer_inode.c:1672-1673) before it sets DDIRTY (:1674), so hammer_inode_dirty sees a clean inode and does not mark the vnode VISDIRTY: F is dirty with no trigger the syncer would see (strong form of HINO-18, domain hammer-strict).',
    cite: ['1645-1675', '261-271', '348'],
    strict: true,
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D)] } }),
  },
  {
    id: 'HX-1',
    description: 'HX-1: an fsync waiter left asleep after a critical error. F is written and fsynced (thread A) while a second thread (B) also fsyncs F; the media fails the record sync with EIO (eio=1): hammer_critical_error stops the flusher, the failed inode stays FLUSH with WOULDBLOCK, and FLUSHW is only woken at completion (hammer_inode.c:2641-2644), which never comes: a waiter that went to sleep before the error sleeps forever (HINO-27).',
    cite: ['2443-2503', '2641-2644', '3208-3216'],
    defaults: { eio: 1 },
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_WRITE, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_FSYNC, F, D)] } }),
  },
  {
    id: 'HA-3',
    description: 'A-3: a failed record sync is dropped. D gets two directory-entry records (create G in D, link F into D) and is fsynced; the media fails the first record sync with EIO (eio=1). hammer_sync_record_callback returns -EIO, the RB_SCAN stops, and hammer_sync_inode replaces the negative result by -error, which is 0 (hammer_inode.c:3049-3050): the inode sync succeeds, hammer_flush_inode_done takes D out of its group (hammer_inode.c:2611) while its second record is still FLUSH in that group (HREC-16).',
    cite: ['3042-3053', '2856-2859', '2611'],
    defaults: { eio: 1 },
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CREATE, D, G, 0), ...op(OP_LINK, D, F, D), ...op(OP_FSYNC, D, -1)] } }),
  },
  {
    id: 'HA-4',
    description: 'A-4: hammer_flush_inode "cannot block" (hammer_inode.c:1719-1720) but allocates a flush group with M_WAITOK (:1756), which sleeps with the fs token released. Thread A chmods and fsyncs F, thread B chmods and fsyncs D; with no fill group both fsyncs allocate: the one that slept finds the other\'s group installed as the fill group (:1760-1761) and fills its own, second new group. Probe HA-4 of hazards/patches/HAM-flush-probes.ts panics when that happens.',
    cite: ['1719-1720', '1746-1764'],
    probe: 'HA-4',
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_CHMOD, D, -1), ...op(OP_FSYNC, D, -1)] } }),
  },
  {
    id: 'HA-14',
    description: 'A-14: a superfluous REFLUSH. Thread A chmods F and reclaims its vnode: hammer_vop_reclaim calls hammer_rel_inode(ip, 1); at the last reference the dirty inode is queued (hammer_inode.c:1486), the loop then sees two references and, flush being 1, requests the flush again (:1493) on the inode just queued, which sets REFLUSH (:1838-1839). Probe HA-14 of hazards/patches/HAM-flush-probes.ts panics at that second request.',
    cite: ['1469-1506', '1830-1845', '2566-2567'],
    probe: 'HA-14',
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_RECLAIM, F)] } }),
  },
  {
    id: 'HA-16',
    description: 'A-16: side effects of a no-op flush. Thread A asks for a flush of the clean, IDLE, cached F (hammer_flush_inode(F, 0), as hammer_test_inode or a VOP would). Group selection (hammer_inode.c:1746-1764) runs before the clean test (:1774-1782): with no fill group a new, empty group is allocated (and with an over-full fill group it would be closed and queued). Probe HA-16 of hazards/patches/HAM-flush-probes.ts panics when a request that returns at :1781 allocated or closed a group.',
    cite: ['1746-1764', '1774-1782'],
    probe: 'HA-16',
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_FLUSH, F, 0)] } }),
  },
  {
    id: 'HX-3',
    description: 'HX-3 (the use after free HX-2 suggests, refuted): the HX-2 workload and its variants (hx=1: thread B also fsyncs D; slaves=2) with probe HX-3 of hazards/patches/HAM-flush-probes.ts, which panics if hammer_flush_inode\'s SETUP→IDLE shortcut (hammer_inode.c:1775-1778) ever releases the last reference. It never does: REFLUSH survives to :2652 only on a dirty inode (:2570-2575), and a dirty inode is cleaned only by a snapshot, which makes it FLUSH, so the re-flush never takes the shortcut, even when its kmalloc sleeps.',
    cite: ['2570-2575', '2652-2660', '1774-1782'],
    probe: 'HX-3',
    params: { hx: p(0, 0, 1, '1 = thread B also fsyncs D after the unlink') },
    workload: (q) => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_RECLAIM, F)], B: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F), ...(q.hx ? op(OP_FSYNC, D, -1) : [])] } }),
  },
  {
    id: 'HX-2',
    extraDomains: ['hammer-hx2'],
    description: 'HX-2: hammer_flush_inode_done re-flushes (hammer_inode.c:2658) a vnode-less inode left SETUP whose only reference is its state reference. Thread A chmods F and reclaims its vnode (hammer_vop_reclaim → hammer_rel_inode(ip, 1)) while thread B links F into D and unlinks it.',
    cite: ['2652-2660', '1774-1782', '2680-2681'],
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_RECLAIM, F)], B: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F)] } }),
  },
  {
    id: 'HA-1',
    description: 'A-1: the comment at hammer_inode.c:2182-2184 says DELETING "stays in ip->flags"; the snapshot moves it to sync_flags (:2202) and clears it from flags (:2206). Thread A unlinks F from D (nlinks 0: hammer_inode_unloadable_check sets DELETING) and fsyncs D, pulling F into the flush; HINO-11 (flags & MODMASK == 0 right after the snapshot; DELETING is a MODMASK bit) holds on every snapshot: the comment is stale.',
    cite: ['2182-2184', '2202-2206', '3240-3243'],
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_REMOVE, D, F), ...op(OP_FSYNC, D, -1)] } }),
  },
  {
    id: 'HA-5',
    description: 'A-5: the header of hammer_flush_inode_done says the inode was already removed from the flush list (hammer_inode.c:2506-2507); it is removed inside the function (:2611). Thread A chmods and fsyncs F while thread B creates G in D and fsyncs G: the removal at :2611 asserts membership of the flush tree on every completion and never fires.',
    cite: ['2506-2507', '2611'],
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_CREATE, D, G, 0), ...op(OP_FSYNC, G, D)] } }),
  },
  {
    id: 'HA-11',
    description: 'A-11: a stale RESIGNAL. Thread A chmods and fsyncs F (SIGNAL flush + hammer_wait_inode) while thread B links F into D and unlinks it (fsyncd=1: and then fsyncs D). No waiter is left asleep (HINO-27) within these bounds (slaves=2 too).',
    cite: ['2443-2503', '2574', '2641-2644', '1775-1778'],
    params: { fsyncd: p(0, 0, 1, '1 = thread B also fsyncs D after the unlink') },
    workload: (q) => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F), ...(q.fsyncd ? op(OP_FSYNC, D, -1) : [])] } }),
  },
  {
    id: 'HX-4',
    description: 'HX-4 (found while triaging A-11): fsync returns with a dirty bit pending (HINO-26). hammer_flush_inode_done wakes the FLUSHW waiters (hammer_inode.c:2641-2644) before it re-flushes the re-dirtied inode (:2652-2658); with no fill group that hammer_flush_inode sleeps in the group kmalloc (:1756, A-4) with the inode IDLE, and the woken fsync sees nothing to wait for (:2455-2457). w=0: thread A chmods F, flushes it, chmods it again and fsyncs it (the fsync waits on the FLUSH F whose snapshot predates the second chmod); w=1: A chmods and fsyncs F while B links F into D, unlinks it and reclaims F\'s vnode.',
    cite: ['2443-2503', '2455-2457', '2523-2528'],
    params: { w: p(0, 0, 1, '0 = one thread: chmod F, hammer_flush_inode(F, 0), chmod F, fsync F; 1 = thread A chmods and fsyncs F while B links F into D, unlinks it and reclaims F\'s vnode (the workload HX-4 was found with)') },
    workload: (q) => ({
      inodes: inodes(),
      threads: q.w
        ? { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F), ...op(OP_RECLAIM, F)] }
        : { A: [...op(OP_CHMOD, F, D), ...op(OP_FLUSH, F, 0), ...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [] },
    }),
  },
  {
    id: 'HA-6',
    description: 'A-6 (the directory exception is vestigial): probe HA-6 of hazards/patches/HAM-probes-b.ts panics if hammer_setup_child_callback ever counts a FLUSH record of another group because its owner is a directory (hammer_inode.c:2396-2410); its backend twin (:2704-2709) is HREC-03. Thread A creates G in D and fsyncs G (the ADD record placed from below, D pulled in with RECURSION), thread B fsyncs D without waiting (w=1: links F into D first) (MNT_NOWAIT, as the syncer does; a waiting fsync of D meets HX-4) (D\'s own scan over its records, some already FLUSH); slaves=2 runs two members at once.',
    cite: ['2396-2410', '2704-2709', '2595-2606', '2109-2121'],
    probe: 'HA-6',
    params: { w: p(0, 0, 1, '1 = thread B links F into D before its fsync of D') },
    workload: (q) => ({ inodes: inodes(), threads: { A: [...op(OP_CREATE, D, G, 0), ...op(OP_FSYNC, G, D)], B: [...(q.w ? op(OP_LINK, D, F, D) : []), ...op(OP_FSYNC_NOWAIT, D, -1)] } }),
  },
  {
    id: 'HA-7',
    description: 'A-7 (CONN_DOWN is write-only): W3 (chmod and flush D with hammer_autoflush = 1, create F in D, fsync F: F gets CONN_DOWN) run with mutant MUT-06 (mutants/HAM-M06-done-keeps-conn-down.ts: completion never clears CONN_DOWN, hammer_inode.c:2667). The only violation is HINO-24, the ghost check of the flag itself: no code reads CONN_DOWN (its reader is #if 0, :2337-2347).',
    cite: ['1822', '2337-2347', '2666-2667'],
    defaults: { autoflush: 1 },
    workload: (q) => w3Workload(q),
  },
  {
    id: 'HA-8',
    description: 'A-8 (atime race): thread A reads F twice (hammer_vop_read\'s atime update: the first sets ATIME through a transaction, the second finds ATIME pending and takes hammer_update_atime_quick, inode lock only, hammer_inode.c:1688-1716), thread B flushes F (hammer_flush_inode(F, 0): the snapshot copies ino_data, :2205, and clears ATIME, :2206, under the fs token only) and queues the group. With hazards/patches/HA-8-snapshot-split.ts (the :2206 read-modify-write\'s load a step of its own) the quick update can land between the copy and the clear: the atime is lost — F ends clean with its atime not on the media, which the end-of-workload check of scenarios/hammer-hazard-actors.ts reports (panic hammer_inode.c:2204-2206). Unpatched, the snapshot is one step and the check holds.',
    cite: ['1688-1716', '2204-2206'],
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_READ, F, D), ...op(OP_READ, F, D)], B: [...op(OP_FLUSH, F, 0), ...op(OP_ASYNC)] }, finalSync: false }),
    after(sim, set, _q, wl) {
      sim.spawn('C', 0, hammer_atime_check as unknown as KernelFunction, [set.hmp, wl.inodes.map((x) => set.ip[x.name])]);
    },
  },
  {
    id: 'HA-9',
    description: 'A-9 (teardown accounting): thread A chmods F, flushes it and queues the group; the inode-record write fails with EIO (eio=1), hammer_critical_error stops the flusher and F stays FLUSH (WOULDBLOCK) in its group. Then the unmount (scenario./hammer-hazard-actors.ts) reclaims the vnodes and destroys every inode with hammer_destroy_inode_callback: for the FLUSH F it decrements the group\'s record counter refs (hammer_inode.c:1586) and leaves count_iqueued as it was (:1583-1591): HFLG-01 (refs == FLUSH records) and HINO-23 (count_iqueued == FLUSH inodes) break.',
    cite: ['1583-1591', '1547-1611'],
    defaults: { eio: 1 },
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FLUSH, F, 0), ...op(OP_ASYNC)] }, finalSync: false }),
    after(sim, set, _q, wl) {
      sim.spawn('U', 0, hammer_unmount as unknown as KernelFunction, [set.hmp, wl.inodes.map((x) => set.ip[x.name])]);
    },
  },
  {
    id: 'HA-10',
    description: 'A-10 (REDO bracket): W4 (chmod T and flush it into G1, link T into D, flush D: D\'s only record targets the FLUSH T, so D falls back to SETUP, hammer_inode.c:2143-2172). hammer_flush_inode_core called hammer_redo_fifo_start_flush (:2082, ip->redo_fifo_next = 0) before it fell back, and the fallback does not call hammer_redo_fifo_end_flush. Probe HA-10 of hazards/patches/HAM-probes-b.ts panics on the fallback.',
    cite: ['2082', '2143-2172'],
    probe: 'HA-10',
    workload: (q) => w4Workload(q),
  },
  {
    id: 'HA-12',
    description: 'A-12 (FLUSHW waiters woken only at completion): probe HA-12 of hazards/patches/HAM-flush-probes.ts panics if hammer_flush_inode\'s SETUP→IDLE shortcut (hammer_inode.c:1775-1778) is taken while a waiter sleeps in hammer_wait_inode (FLUSHW set). w=0: W3 with hammer_autoflush = 1 (fsync of F waits on the SETUP, CONN_DOWN, RESIGNAL F); w=1: HA-11\'s workload with B fsyncing D (A: chmod and fsync F; B: link F into D, unlink it, fsync D); hammer_autoflush = 1 by default (W3 needs it; autoflush=2000 for w=1 is HA-11\'s setting).',
    cite: ['1775-1778', '2641-2644', '2455-2457', '2491'],
    probe: 'HA-12',
    params: { w: p(0, 0, 1, 'workload: 0 = W3 (hammer_autoflush = 1); 1 = fsync F against link + unlink + fsync D') },
    defaults: { autoflush: 1 },
    workload: (q) =>
      q.w === 0
        ? w3Workload(q)
        : { inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_LINK, D, F, D), ...op(OP_REMOVE, D, F), ...op(OP_FSYNC, D, -1)] } },
  },
  {
    id: 'HA-13',
    description: 'A-13 (RSV_INODES released while FLUSH): W12 (chmod F, flush it into G1, queue G1, chmod F again and request another flush: REFLUSH). G1\'s completion finds F dirty and re-flushes it at hammer_inode.c:2652-2660 — F is FLUSH again, its flags clean after the snapshot — and then releases the inode reservation (:2672-2676). Probe HA-13 of hazards/patches/HAM-probes-b.ts panics there.',
    cite: ['2652-2660', '2672-2676'],
    probe: 'HA-13',
    workload: (q) => w12Workload(q),
  },
  {
    id: 'HA-15',
    description: 'A-15 (a frontend-deleted ADD reached from below): probe HA-15 of hazards/patches/HAM-probes-b.ts panics if hammer_setup_parent_inodes_helper places a DELETED_FE record (hammer_inode.c:2025-2045). Thread A links F into D and fsyncs F (the ADD is resolved from below), thread B unlinks F from D; w=1: B also fsyncs D (MNT_NOWAIT: a waiting fsync of D meets HX-4); slaves=2 too.',
    cite: ['1968-2045', '2264-2273', '2143-2172', '2793-2799'],
    probe: 'HA-15',
    params: { w: p(0, 0, 1, '1 = thread B also fsyncs D (MNT_NOWAIT) after the unlink') },
    workload: (q) => ({ inodes: inodes(), threads: { A: [...op(OP_LINK, D, F, D), ...op(OP_FSYNC, F, D)], B: [...op(OP_REMOVE, D, F), ...(q.w ? op(OP_FSYNC_NOWAIT, D, -1) : [])] } }),
  },
  {
    id: 'HA-17',
    description: 'A-17 (COMMITTED on a failed sync): thread A chmods and fsyncs F; the inode-record write fails with EIO (eio=1). hammer_update_inode marks its transient INODE record COMMITTED regardless (hammer_inode.c:1330-1336); the error propagates (hammer_critical_error). Probe HA-17 of hazards/patches/HAM-probes-b.ts panics there.',
    cite: ['1330-1336', '1343'],
    probe: 'HA-17',
    defaults: { eio: 1 },
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_CHMOD, F, D), ...op(OP_FSYNC, F, D)] } }),
  },
  {
    id: 'HA-18',
    description: 'A-18 (assertion list): probe HA-18 of hazards/patches/HAM-probes-b.ts panics if hammer_modify_inode is ever called with HAMMER_INODE_DELETED, the one bit of its read-only assertion list (hammer_inode.c:1652-1656) that is not a MODMASK bit. Thread A writes and truncates F, unlinks it (nlinks 0: DELETING) and fsyncs D, which deletes F on the media (DELETED set by the backend at :3089).',
    cite: ['1652-1656', '3089'],
    probe: 'HA-18',
    workload: () => ({ inodes: inodes(), threads: { A: [...op(OP_WRITE, F, D), ...op(OP_TRUNC, F, D), ...op(OP_REMOVE, D, F), ...op(OP_FSYNC, D, -1)] } }),
  },
  {
    id: 'HA-19',
    description: 'A-19 (REFLUSH on one inode): W4 (T FLUSH in G1, link T into D, flush D). D\'s scan meets the SETUP ADD record whose target T is FLUSH: REFLUSH is set on D, the owner, only (hammer_inode.c:2318-2323), where the header says both inodes (:2237-2238). Probe HA-19 of hazards/patches/HAM-probes-b.ts panics there (and on the over-full path, :2359-2360, which sets it on the owner only).',
    cite: ['2237-2238', '2318-2323', '2359-2360'],
    probe: 'HA-19',
    workload: (q) => w4Workload(q),
  },
  {
    id: 'HX-5',
    description: 'HX-5 (W8 RENAME-LOOP, the spec\'s form): directories /A and /A/B on disk with vnodes. Thread T runs mv /A/B /B (ADD R→B, DEL A→B: B SETUP) and mv /A /B/A (ADD B→A, DEL R→A: A SETUP), then fsyncs B before any flush. hammer_flush_inode(B) finds B SETUP and resolves upwards (hammer_inode.c:1805): B → A → B → ... around the loop until the depth limit (:1873-1880); on the way back setup_parent_inodes(B, 18) has connectivity from ADD R→B (already FLUSH), so the helper one level up places B itself in FLUSH (:1991-1992, depth 17). Back at depth 0, hammer_flush_inode calls hammer_flush_inode_core(B) (:1813) without re-checking B\'s state: KKASSERT(ip->flush_state != HAMMER_FST_FLUSH) fails (:2073).',
    cite: ['1805-1813', '1873-1880', '1886-1900', '1970-1993', '2073'],
    workload: (q) => w8Workload({ ...q, target: 1 }),
  },
  {
    id: 'HX-6',
    description: 'HX-6 (HMED-02 without DELETED_FE): root P, directories D and D2, file T (one entry in P), all on disk with vnodes. Thread A links T into D (ADD Ra) and into D2 (ADD Rb), unlinks it from P (DEL Rc) — T SETUP, nlinks 2 — then flushes D2 and queues the group: D2\'s owner scan places Rb and pulls T in (:2373-2374); T\'s nlinks pass subtracts Ra and adds Rc (:2943-2949), the synced nlinks 2 equals the frontend\'s, so completion leaves T SETUP and clean (:2542-2543, :2574) with Ra and Rc balancing each other. The final syncer then fsyncs P: P\'s owner scan places the DEL Rc and pulls the clean T into the group with RECURSION (:2386-2391) — a snapshot with no MODMASK bit; D\'s scan defers Ra because T is FLUSH (:2318-2320). The flusher commits Rc (P→T removed from the media) but hammer_sync_inode(T) returns at once (:2893-2894), before the nlinks pass (:2911-2963) that would have written nlinks 1: at the commit point T\'s on-media nlinks is 2 with one committed entry (HMED-02).',
    cite: ['2893-2894', '2911-2963', '2386-2391', '2538-2543', '2570-2575'],
    workload: () => ({
      inodes: [
        { name: 'P', obj_id: 1, dir: true, onDisk: true, vnode: true },
        { name: 'D', obj_id: 2, dir: true, onDisk: true, parents: ['P'], vnode: true },
        { name: 'D2', obj_id: 3, dir: true, onDisk: true, parents: ['P'], vnode: true },
        { name: 'T', obj_id: 4, onDisk: true, parents: ['P'], vnode: true },
      ],
      threads: { A: [...op(OP_LINK, 1, 3, 0), ...op(OP_LINK, 2, 3, 0), ...op(OP_REMOVE, 0, 3), ...op(OP_FLUSH, 2, 0), ...op(OP_ASYNC)] },
    }),
  },
  {
    id: 'HX-7',
    description: 'HX-7 (W5 LINK2 with a real fsync): directories D0, D1, D2 and file T (in D0), on disk with vnodes; hammer_autoflush = 1. Thread A chmods D1 and flushes it (D1 FLUSH in G1, closed at once), links T as D1/a (ADD R1) and D2/b (ADD R2) and fsyncs T. While G1 has not run, T\'s upward resolution gets -1 from R1 (D1 is FLUSH in G1, :2046-2056) and +1 from R2 (D2 pulled into G2, :1991-1992, :2025-2045): good = 1 (:1889-1892), so T is flushed in G2 with R1 outside it, and no RESIGNAL is set (that happens only when good < 0, :1824-1826). The backend writes nlinks 2 (R1 subtracted, :2943-2946); completion re-sets DDIRTY (:2542-2543), leaves T SETUP for R1 (:2633) and sets no REFLUSH (T has a vnode, :2570-2572). The woken fsync finds SETUP without RESIGNAL (:2455-2457) and returns with the nlinks change (the D1/a link) pending: HINO-26. No window: no re-flush is involved (compare HX-4).',
    cite: ['1886-1901', '1805-1828', '2046-2056', '2538-2543', '2570-2575', '2455-2457'],
    defaults: { autoflush: 1 },
    workload: (q) => w5Workload({ ...q, fsync: 1 }),
  },
];

export const hammerHazardScenarios: Scenario[] = defs.map(hazardScenario);
