/**
 * `hazard-F<n>` scenarios: the vnode pager's predicted hazards (spec/uvm_vnode.md Appendix A,
 * F1–F16), each confirmed or refuted on the unmodified seed (SPEC §Hazards, docs/hazards.md
 * "The vnode pager"). Each is the smallest workload that reaches the hazard's window; set-up
 * runs the seed's own code to completion first (`boot`).
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { boot } from './bufcache.ts';
import { UVN_DOMAINS, uvmKernel, uvnFile, uvnObj } from './uvn.ts';
import {
  op_attach,
  op_detach,
  op_uncache,
  op_sync,
  op_forced_unmount,
  op_forced_unmount_after,
  op_recycle,
  op_pagedaemon,
  op_read_fault,
  op_truncate,
  boot_map_and_dirty,
} from './uvnops.ts';
import {
  lproc_map_unmap,
  lproc_map_unmap_after_flags,
  proc_fork_unmap,
  lop_sync,
  msync_after_flags,
  boot_map_store,
  boot_map_read,
  fault_after,
  fault_after_flags,
  fault_no_again,
  vop_locked,
  msync_check,
  truncate_check,
  pagedaemon_reclaim,
  check_vnode_uses,
  fault_locked,
} from './uvn-hazard-ops.ts';
import { UVM_VNODE_DYING, UVM_VNODE_VNISLOCKED } from '../impl/kernel/uvm_vnode_state.ts';
import type { Scenario } from './types.ts';

const run = (sim: Sim, fn: unknown, args: unknown[]): void => boot(sim, fn as KernelFunction, args);

/** A kernel with `pool` pages and one file of `npages` pages (open once), timeouts off. */
function setup(sim: Sim, pool: number, npages: number): OVnode {
  sim.options.timeouts = false;
  uvmKernel(sim, pool);
  return uvnFile(sim, 'vp', npages);
}

// ---------------------------------------------------------------- F1

export const hazardF1: Scenario = {
  name: 'hazard-F1',
  hazard: 'F1',
  description:
    'F1, the attach re-validation gap (Appendix B S6): an uncached, mapped uvn with one dirty page. The page daemon X pages the page out (it holds the object lock until uvn_io drops it at :1189); process D unmaps (the last reference: a kill); process A maps the file. A passes the unlocked BLOCKED test (:148) and sleeps on the contended object lock (:164); D gets the lock first, sets DYING (:335) and its C|F flush waits for X\'s busy page, dropping the lock; A then takes it, sees only VALID (:165) and takes a reference on the dying uvn (:167-171).',
  cite: ['uvm_vnode.c:146-172', 'uvm_vnode.c:300-390', 'uvm_vnode.c:687-694', 'uvm_vnode.c:1188-1189'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 2, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    run(sim, op_uncache, [vp]);
    const uobj = uvnObj(vp);
    sim.spawn('X', 1, op_pagedaemon, [uobj, 0, 1]);
    sim.spawn('D', 0, op_detach, [uobj]);
    sim.spawn('A', 0, op_attach, [vp, 0]);
  },
};

// ---------------------------------------------------------------- F2

export const hazardF2: Scenario = {
  name: 'hazard-F2',
  hazard: 'F2',
  description:
    'F2, unlocked u_flags updates in uvn_attach. literal=0 (the KERNEL_LOCK configuration of the 2022 callers): a two-page file mapped writable with both pages dirty; a forced unmount T terminates it (DYING); a process A maps the file once DYING is set, so it reads the flags at :148, sees BLOCKED and stores them | WANTED at :149 — a read-modify-write under KERNEL_LOCK only; the mapping process M msyncs (C|S) once VNISLOCKED is set, and its flush, holding the object lock but not KERNEL_LOCK, sets IOSYNC (:846) before it sleeps on &u_nio. A\'s stale store can wipe IOSYNC. literal=1 (literal mode, spec F2: attach and detach without KERNEL_LOCK): two processes map a file not attached yet; an attacher that read ALOCK at :148 stores ALOCK|WANTED at :149 after the owner committed VALID|CANPERSIST (:238), wiping VALID off a uvn with a reference (UVN-28, the lock-discipline check, fires first: the :194 store without KERNEL_LOCK), or both become ALOCK owners (F2b, KASSERT :235).',
  cite: ['uvm_vnode.c:146-194', 'uvm_vnode.c:234-240'],
  params: {
    literal: { default: 0, min: 0, max: 1, description: '0 = KERNEL_LOCK configuration (attach vs a terminate and an msync); 1 = literal mode (no KERNEL_LOCK around attach: two attachers)' },
  },
  defaultCpus: 2,
  options: { timeouts: false, literalMode: 'param literal' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    if (p.literal === 1) {
      const vp = setup(sim, 1, 1);
      sim.options.literalMode = true;
      sim.spawn('A1', 0, lproc_map_unmap, [vp, 0]);
      sim.spawn('A2', 1, lproc_map_unmap, [vp, 0]);
      return;
    }
    // KERNEL_LOCK configuration: the :149 store races a flush that holds the object lock without it.
    const vp = setup(sim, 3, 2);
    run(sim, boot_map_and_dirty, [vp, 2, 0]);
    sim.spawn('T', 0, op_forced_unmount, [vp]);
    sim.spawn('A', 1, lproc_map_unmap_after_flags, [vp, UVM_VNODE_DYING, 'T']);
    sim.spawn('M', 0, msync_after_flags, [uvnObj(vp), UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED, 'T']);
  },
};

// ---------------------------------------------------------------- F3

export const hazardF3: Scenario = {
  name: 'hazard-F3',
  hazard: 'F3',
  description:
    'F3, terminate on a mapped uvn (Appendix B S7, sync): a two-page file mapped writable, page Y = 1 dirty, page X = 0 not resident. T is a forced unmount (vgone of the vnode in use: uvm_vnp_terminate case [2], refs 1); G, the mapping process, read-faults X. uvn_get never tests DYING: while T writes Y with the object lock dropped, G allocates X (an offset T\'s flush has passed) and reads it; with VNISLOCKED set its uvn_io skips vn_lock (:1234). T\'s wait loop (:478-496) then finds a page its flush never saw: a DEBUG kernel panics (:483 unbusied page, :486 no I/O to wait for), a non-DEBUG one sleeps on &u_nio for ever. gate=1 starts G once T has set DYING|VNISLOCKED; gate=0 lets it start at any time, when it can also reach vn_lock first and sleep on VXLOCK holding its busy page while T waits for that page (the last bullet of F3, F13\'s shape).',
  cite: ['uvm_vnode.c:417-530', 'uvm_vnode.c:478-496', 'uvm_vnode.c:1016-1053', 'uvm_vnode.c:1222-1247'],
  params: {
    gate: { default: 1, min: 0, max: 1, description: '1 = G faults once terminate has set DYING|VNISLOCKED (the panic); 0 = at any time (the fault can also reach vn_lock first: a deadlock)' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    const vp = setup(sim, 2, 2);
    run(sim, boot_map_store, [vp, 2]);
    sim.spawn('T', 0, op_forced_unmount, [vp]);
    if (p.gate) sim.spawn('G', 1, fault_after_flags, [uvnObj(vp), 0, UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED, 'T']);
    else sim.spawn('G', 1, op_read_fault, [uvnObj(vp), 0]);
  },
};

// ---------------------------------------------------------------- F4

export const hazardF4: Scenario = {
  name: 'hazard-F4',
  hazard: 'F4',
  description:
    'F4, IOSYNC left set by a terminate with refs > 0 (asynchronous-pageout extension, §4.4): a mapped uncached file with a dirty page; a forced unmount T terminates the uvn (case [2]); its C|F flush writes the page asynchronously (PG_RELEASED, PEND), so the wait loop runs (IOSYNC set, :493) until aiodone frees the page. With refs 1 the uvn lives on (:510-511), which clears DYING|VNISLOCKED|WANTED|CANPERSIST but not IOSYNC. Afterwards the mapping process G read-faults: uvn_get\'s uvn_io with PGO_SYNCIO waits for IOSYNC to clear (:1160-1166) — for ever.',
  cite: ['uvm_vnode.c:474-511', 'uvm_vnode.c:1159-1167', 'uvm_vnode.c:843-853'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false, asyncPageout: true },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 2, 1);
    sim.options.asyncPageout = true;
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    sim.spawn('T', 0, op_forced_unmount, [vp]);
    sim.spawn('G', 1, fault_after, [uvnObj(vp), 0, 'T']);
  },
};

// ---------------------------------------------------------------- F5

export const hazardF5: Scenario = {
  name: 'hazard-F5',
  hazard: 'F5',
  description:
    'F5, the two unlocked VNISLOCKED reads of uvn_io (:1234, :1245): a two-page file mapped writable with both pages dirty; a forced unmount T terminates it (VNISLOCKED set at :470) and, once VNISLOCKED is set, the process M msyncs (C|S). M\'s pageout of the page T has not reached yet runs in uvn_io with VNISLOCKED set, borrowing T\'s vnode lock (XXXCDC, :465-468), while T waits for M\'s busy page. A disagreement of the two reads would unlock a vnode M does not hold (ENV-02) or leave it locked (vclean then never finishes: a deadlock). Run with hazards/patches/F5-F6-uvn-io-probes.ts (the seed\'s uvn_io plus an assertion that the two reads agree; control=1 also panics when the window is reached).',
  cite: ['uvm_vnode.c:1222-1249', 'uvm_vnode.c:458-470', 'uvm_vnode.c:504-511'],
  params: {
    control: { default: 0, min: 0, max: 1, description: '1 = the probe patch also panics when the window is reached (coverage evidence)' },
  },
  defaultCpus: 2,
  options: { timeouts: false, probeWindow: 'param control' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    const vp = setup(sim, 2, 2);
    sim.options.probeWindow = p.control === 1;
    run(sim, boot_map_and_dirty, [vp, 2, 0]);
    const uobj = uvnObj(vp);
    sim.spawn('T', 0, op_forced_unmount, [vp]);
    sim.spawn('M', 1, msync_after_flags, [uobj, UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED, 'T']);
  },
};

// ---------------------------------------------------------------- F6

export const hazardF6: Scenario = {
  name: 'hazard-F6',
  hazard: 'F6',
  description:
    'F6, the unlocked u_size read of uvn_io (:1202-1203) vs a truncation (Appendix B S4): a two-page file mapped writable, page 0 dirty, page 1 (offset 2) not resident. The process G read-faults page 1 (uvn_get allocates it and reads it: uvn_io reads u_size without the lock) while a truncation Tr shrinks the file to `newsize` (uvm_vnp_setsize with the vnode locked, under KERNEL_LOCK): setsize\'s PGO_FREE flush waits for G\'s busy page before it lowers u_size (:1433-1437). daemon=1: the page daemon P pages page 0 out meanwhile (its uvn_io reads u_size too). Run with hazards/patches/F5-F6-uvn-io-probes.ts (the seed\'s uvn_io plus an assertion that the transfer length is positive; control=1 also panics when an I/O reads u_size while the shrink over its page is pending). newsize=1 with daemon=1 deadlocks: the shrink then also covers the daemon\'s page, and the daemon waits for the vnode lock the truncation holds (F13\'s shape, see docs/hazards.md).',
  cite: ['uvm_vnode.c:1194-1211', 'uvm_vnode.c:1415-1440', 'uvm_vnode.c:1169-1172'],
  params: {
    newsize: { default: 2, min: 1, max: 3, description: 'the new size in bytes (2 = page 1 goes; 3 = page 1 stays partly; 1 = both pages go)' },
    daemon: { default: 1, min: 0, max: 1, description: '1 = the page daemon pages page 0 out meanwhile' },
    control: { default: 0, min: 0, max: 1, description: '1 = the probe patch also panics when the window is reached (coverage evidence)' },
  },
  defaultCpus: 2,
  options: { timeouts: false, probeWindow: 'param control' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    const vp = setup(sim, 3, 2);
    sim.options.probeWindow = p.control === 1;
    run(sim, boot_map_store, [vp, 0]);
    const uobj = uvnObj(vp);
    sim.spawn('G', 0, op_read_fault, [uobj, 2]);
    sim.spawn('Tr', 1, op_truncate, [vp, p.newsize]);
    if (p.daemon) sim.spawn('P', 1, op_pagedaemon, [uobj, 0, 1]);
  },
};

// ---------------------------------------------------------------- F8

export const hazardF8: Scenario = {
  name: 'hazard-F8',
  hazard: 'F8',
  description:
    'F8, sync revives a persisting uvn whose vnode is unused (Appendix B S3): a file was mapped writable, stored to, unmapped (the uvn persists, still WRITEABLE on uvn_wlist, without its vnode reference: :384-387) and closed (use count 0: the vnode is on the free list). sync(2) queues the uvn with a temporary reference; refs is 0, so it vref()s the vnode (:1489-1490), which a DIAGNOSTIC kernel forbids on an unused vnode ("vref used where vget required").',
  cite: ['uvm_vnode.c:1485-1491', 'uvm_vnode.c:383-387', 'uvm_vnode.c:1506-1516'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 1]);
    vp.v_usecount = 0; // closed: the vnode is on the free list
    sim.spawn('S', 0, op_sync, []);
  },
};

// ---------------------------------------------------------------- F9

export const hazardF9: Scenario = {
  name: 'hazard-F9',
  hazard: 'F9',
  description:
    'F9, the RELKILL-cancel exit leaks the vnode reference: the uvn-terminate workload (async=1) without the attacher. The last munmap D of an uncached mapping writes its dirty page asynchronously and sleeps in RELKILL; a forced unmount T terminates the uvn, cancelling RELKILL (:455-456) and freeing it (refs 0: :513-523, "the vref went when it started persisting" — not so here); D wakes, sees RELKILL clear and returns at :364-367 without its vrele (:387). The vnode keeps a use nobody will drop: C, which waits for D and T, asserts that only the open file\'s use is left. The strict invariant of domain uvn-strict (UVN-22 without its F9 exception) states the same at the leaking step.',
  cite: ['uvm_vnode.c:357-367', 'uvm_vnode.c:383-387', 'uvm_vnode.c:447-456', 'uvm_vnode.c:513-515'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false, asyncPageout: true },
  domains: [...UVN_DOMAINS, 'uvn-strict'],
  build(sim) {
    // uvn-terminate's async=1 workload (scenarios/uvn.ts) without the attacher, plus the probe C.
    const vp = setup(sim, 2, 1);
    sim.options.asyncPageout = true;
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    run(sim, op_uncache, [vp]);
    sim.spawn('D', 0, op_detach, [uvnObj(vp)]);
    sim.spawn('T', 1, op_forced_unmount_after, [vp, 'D']);
    sim.spawn('C', 1, check_vnode_uses, [vp, 1, 'D', 'T']);
  },
};

// ---------------------------------------------------------------- F10

export const hazardF10: Scenario = {
  name: 'hazard-F10',
  hazard: 'F10',
  description:
    'F10, uvn_get can return AGAIN: a process with a read-only mapping read-faults a non-resident page while another process does a read(2) of the file holding the vnode lock. uvn_get reads with PGO_SYNCIO|PGO_NOWAIT (:1085-1086), so uvn_io\'s vn_lock is LK_NOWAIT (:1150) and fails with EBUSY, which becomes VM_PAGER_AGAIN (:1284-1286) — although the comment at :1088-1091 says the result cannot be AGAIN. The fault process asserts the comment.',
  cite: ['uvm_vnode.c:1085-1091', 'uvm_vnode.c:1150', 'uvm_vnode.c:1235', 'uvm_vnode.c:1284-1286'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_read, [vp, 0, 0]);
    sim.spawn('G', 0, fault_no_again, [uvnObj(vp), 0]);
    sim.spawn('R', 1, vop_locked, [vp]);
  },
};

// ---------------------------------------------------------------- F11

export const hazardF11: Scenario = {
  name: 'hazard-F11',
  hazard: 'F11',
  description:
    'F11, a flush without PGO_FREE reports success on a write error: a process stores to its writable mapping and msyncs with MS_SYNC (PGO_CLEANIT|PGO_SYNCIO); VOP_WRITE may fail (EIO). The failed page is marked PG_CLEAN and its pmap modified bit cleared (:800-803); retval becomes FALSE only in the PGO_FREE branch (:812-830), so msync returns success. The process asserts that after a successful msync its data is on disk or still dirty.',
  cite: ['uvm_vnode.c:787-834', 'uvm_vnode.c:855-857'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false, ioErrors: true },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    sim.options.ioErrors = true;
    sim.spawn('M', 0, msync_check, [uvnObj(vp), 0]);
  },
};

// ---------------------------------------------------------------- F12

export const hazardF12: Scenario = {
  name: 'hazard-F12',
  hazard: 'F12',
  description:
    'F12, truncation discards the dirty head of the last page: a 2-byte file (one page; PAGE_SIZE is 2 in the model) mapped writable and stored to; ftruncate(2) to 1 byte. uvm_vnp_setsize flushes [trunc_page(1), 2) = the whole page with PGO_FREE only (:1434-1435, :617), which frees the dirty page without writing it (:686-700): the store to byte 0, below the new size, is lost. The process asserts the data below the new size survives.',
  cite: ['uvm_vnode.c:1428-1437', 'uvm_vnode.c:610-619', 'uvm_vnode.c:686-700'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    sim.spawn('F', 0, truncate_check, [vp, 1]);
  },
};

// ---------------------------------------------------------------- F13

export const hazardF13: Scenario = {
  name: 'hazard-F13',
  hazard: 'F13',
  description:
    'F13, page daemon vs vnode recycling (Appendix B S8): a persisting uvn with a dirty page, its vnode closed (on the free list). The page daemon P pages the page out: it holds the page busy and no reference, and drops the object lock in uvn_io (:1189); the recycler R (getnewvnode → vclean) has set VXLOCK and terminates the uvn. If P reads VNISLOCKED clear (:1234) it calls vn_lock, which sleeps until vclean ends; vclean\'s terminate waits for P\'s busy page (:687-691). Neither proceeds.',
  cite: ['uvm_vnode.c:1188-1189', 'uvm_vnode.c:1233-1235', 'uvm_vnode.c:425', 'uvm_vnode.c:687-694', 'uvm_vnode.c:897-907'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 1]);
    vp.v_usecount = 0;
    const uobj = uvnObj(vp);
    sim.spawn('R', 0, op_recycle, [vp]);
    sim.spawn('P', 1, op_pagedaemon, [uobj, 0, 1]);
  },
};

// ---------------------------------------------------------------- F14

export const hazardF14: Scenario = {
  name: 'hazard-F14',
  hazard: 'F14',
  description:
    'F14, uvm_wait with the object lock held (memory pressure): a process read-faults a non-resident page; uvm_pagealloc fails and uvn_get sleeps in uvm_wait (:1042) still holding the object lock. The page daemon, which only try-locks objects [ext], tries to reclaim this object\'s pages meanwhile; its probe asserts it could lock the object.',
  cite: ['uvm_vnode.c:1035-1046'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false, memoryPressure: true },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_read, [vp, 0, 0]);
    sim.options.memoryPressure = true;
    const uobj = uvnObj(vp);
    sim.spawn('G', 0, op_read_fault, [uobj, 0]);
    sim.spawn('P', 1, pagedaemon_reclaim, [uobj]);
  },
};

// ---------------------------------------------------------------- F15

export const hazardF15: Scenario = {
  name: 'hazard-F15',
  hazard: 'F15',
  description:
    'F15, PGO_LOCKED busies pages under a possibly shared lock: a file mapped read-only with page 0 resident and unbusied; two threads of the process fault on it at once through uvn_get(PGO_LOCKED) (:930-997). readlock=1: they hold the object lock for reading, which the KASSERT at :927-928 permits; run with hazards/patches/F15-locked-busy-test.ts, which executes the busy test (:955-962) as a load of pg_flags before the set at :968 (what the C compiles to), both can busy the page. readlock=0 (the model\'s fault client: write lock): serialised.',
  cite: ['uvm_vnode.c:927-928', 'uvm_vnode.c:953-971'],
  params: {
    readlock: { default: 1, min: 0, max: 1, description: '1 = PGO_LOCKED callers hold the object lock for reading; 0 = for writing' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_read, [vp, 0, 1]);
    const uobj = uvnObj(vp);
    sim.spawn('G1', 0, fault_locked, [uobj, 0, p.readlock]);
    sim.spawn('G2', 1, fault_locked, [uobj, 0, p.readlock]);
  },
};

// ---------------------------------------------------------------- F16

export const hazardF16: Scenario = {
  name: 'hazard-F16',
  hazard: 'F16',
  description:
    'F16, forced unmount during the last detach\'s kill (Appendix B S10, sync): an uncached file mapped writable with `pages` dirty pages. D is the last munmap (DYING at :335, a C|F flush that drops the object lock for each write); T is umount -f (vgone of the vnode D\'s uvn still references). T\'s terminate passes the VALID test (:426), finds RELKILL not yet set (:455) and flushes concurrently with D: two teardown owners. D can then kill the uvn (:378) while T is inside.',
  cite: ['uvm_vnode.c:334-382', 'uvm_vnode.c:410-412', 'uvm_vnode.c:417-530'],
  params: {
    pages: { default: 1, min: 1, max: 2, description: 'dirty pages of the file' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    const vp = setup(sim, p.pages + 1, p.pages);
    run(sim, boot_map_and_dirty, [vp, p.pages, 0]);
    run(sim, op_uncache, [vp]);
    sim.spawn('D', 0, op_detach, [uvnObj(vp)]);
    sim.spawn('T', 1, op_forced_unmount, [vp]);
  },
};

// ---------------------------------------------------------------- F7

export const hazardF7: Scenario = {
  name: 'hazard-F7',
  hazard: 'F7',
  description:
    'F7, uo_refs++ without the object lock in sync step 2 (:1491): a process holds a writable mapping with a dirty page (the uvn is on uvn_wlist); sync(2) takes its temporary reference while the process forks (uvn_reference: refs++ under the object lock, without KERNEL_LOCK) and then both copies unmap. The model executes the unlocked read of uo_refs (:1489) and the increment\'s store (:1491) as separate steps, as the C does; the fork\'s increment can fall between them and be lost.',
  cite: ['uvm_vnode.c:1485-1491', 'uvm_vnode.c:286-288', 'uvm_vnode.c:300-312'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    const vp = setup(sim, 1, 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    sim.spawn('S', 0, lop_sync, []);
    sim.spawn('P', 1, proc_fork_unmap, [uvnObj(vp)]);
  },
};

export const uvnHazardScenarios: Scenario[] = [
  hazardF1, hazardF2, hazardF3, hazardF4, hazardF5, hazardF6, hazardF7, hazardF8, hazardF9, hazardF10, hazardF11, hazardF12, hazardF13, hazardF14, hazardF15, hazardF16,
];
