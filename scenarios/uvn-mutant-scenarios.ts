/**
 * The workloads the vnode-pager mutants need (spec/uvm_vnode.md §6, "minimal workload" column;
 * mutants/UVM-M*.ts). They are not hazard scenarios: the unmodified seed passes every one of them,
 * so they are part of `check`. Phases that would meet a known hazard of the seed are ordered
 * with scenario-structure waits: an mmap or sync that races a kill starts only once DYING is set
 * (so it meets attach's BLOCKED test or sync's skip, not the :148-:164 window of F1); a forced
 * unmount starts only once the last munmap sleeps in RELKILL (F16); no page daemon runs next to
 * vclean (F13), no fault next to a terminate (F3).
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { UVM_VNODE_DYING } from '../impl/kernel/uvm_vnode_state.ts';
import { boot } from './bufcache.ts';
import { UVN_DOMAINS, uvmKernel, uvnFile, uvnObj } from './uvn.ts';
import {
  op_attach,
  op_detach,
  op_uncache,
  op_close,
  op_msync,
  op_pagedaemon,
  op_read_fault,
  op_recycle,
  op_store,
  op_forced_unmount_after,
  boot_map_and_dirty,
  MSYNC_SYNC,
  MSYNC_ASYNC,
} from './uvnops.ts';
import {
  proc_attach_when,
  proc_sync_when,
  proc_attach_unmap,
  proc_truncate_uncache_unmap,
  proc_revive_close_recycle,
  proc_sync_store_sync,
  proc_store_msync,
  proc_vgone_unmap,
  inactive_truncate,
} from './uvn-mutant-ops.ts';
import type { Scenario } from './types.ts';

const run = (sim: Sim, fn: unknown, args: unknown[]): void => boot(sim, fn as KernelFunction, args);
const spawn = (sim: Sim, name: string, cpu: number, fn: unknown, args: unknown[]): void => {
  sim.spawn(name, cpu, fn as KernelFunction, args);
};

// ---------------------------------------------------------------- the last munmap of an uncached uvn

export const uvnMutKill: Scenario = {
  name: 'uvn-mut-kill',
  description:
    "The last munmap of an uncached uvn with one dirty page (§6 M01-M03, M06, M16, M18, M24): D's uvn_detach sets DYING and its kill flush writes the page, dropping the object lock at :1189 (synchronous pager) or handing the write to aiodone and sleeping in RELKILL (async=1, §4.4). actor=1: a process maps the file once DYING is set (it waits at :148 and is woken by the kill at :381-382); actor=2: sync(2) runs once DYING is set (it must skip the BLOCKED uvn, :1482-1483); actor=3 (async=1): a forced unmount once D sleeps in RELKILL (terminate cancels RELKILL, :455-456). kva=1: uvm_pagermapin may find no KVA, so the kill flush's pageout can return AGAIN and retry with PGO_SYNCIO (:735-758).",
  cite: ['uvm_vnode.c:300-390', 'uvm_vnode.c:138-258', 'uvm_vnode.c:417-530', 'uvm_vnode.c:596-858', 'uvm_vnode.c:1452-1524'],
  params: {
    actor: { default: 1, min: 0, max: 3, description: '0 none, 1 = mmap once DYING, 2 = sync once DYING, 3 = umount -f once in RELKILL (needs async=1)' },
    async: { default: 0, min: 0, max: 1, description: '1 = asynchronous-pageout extension (§4.4)' },
    kva: { default: 0, min: 0, max: 1, description: '1 = uvm_pagermapin without waiting may fail (VM_PAGER_AGAIN)' },
  },
  defaultCpus: 2,
  options: { timeouts: false, asyncPageout: 'param async', kvaShortage: 'param kva' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    sim.options.asyncPageout = p.async === 1;
    uvmKernel(sim, 2);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    run(sim, op_uncache, [vp]);
    sim.options.kvaShortage = p.kva === 1;
    spawn(sim, 'D', 0, op_detach, [uvnObj(vp)]);
    if (p.actor === 1) spawn(sim, 'A', 1, proc_attach_when, [vp, UVM_VNODE_DYING, 'D']);
    else if (p.actor === 2) spawn(sim, 'S', 1, proc_sync_when, [vp, UVM_VNODE_DYING, 'D']);
    else if (p.actor === 3) spawn(sim, 'T', 1, op_forced_unmount_after, [vp, 'D']);
  },
};

// ---------------------------------------------------------------- recycling a persisting uvn, async pageout

export const uvnMutRecycle: Scenario = {
  name: 'uvn-mut-recycle',
  description:
    "Terminate case [1] with the asynchronous-pageout extension (§6 M04): a uvn persists with a dirty page and its vnode is unused; the recycler (getnewvnode → vclean) terminates it: the flush hands the page to aiodone (PG_RELEASED) and terminate waits in its iosync loop (:478-496) until aiodone has freed it, before it frees the uvn (:513-523).",
  cite: ['uvm_vnode.c:417-530', 'uvm_vnode.c:596-858', 'uvm_vnode.c:554-565'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false, asyncPageout: true },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    sim.options.asyncPageout = true;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, boot_map_and_dirty, [vp, 1, 1]);
    vp.v_usecount = 0; // the file was closed: the vnode is on the free list
    spawn(sim, 'R', 0, op_recycle, [vp]);
  },
};

// ---------------------------------------------------------------- iosync: pageout, msync, page-in

export const uvnMutIosync: Scenario = {
  name: 'uvn-mut-iosync',
  description:
    "The iosync protocol (Appendix B S5; §6 M05, M10, M11, M20, M24): a writable mapping holds dirty page 0; the page daemon pages it out (no PGO_SYNCIO) while msync(MS_SYNC) (PGO_CLEANIT|PGO_SYNCIO) scans the object: a page it finds busy in the daemon's write makes it wait for u_nio to drain with IOSYNC set (:658-661, :843-853); with reader=1 a process read-faults page 1 meanwhile, so its uvn_io waits for IOSYNC to clear (:1160-1167) and is woken by the flush's tail (:850-852); with flusher2=1 pages 0 and 1 start dirty and a second process stores to page 1 and runs msync(MS_ASYNC), which pages it out without PGO_SYNCIO, so while IOSYNC is set its uvn_io says AGAIN and the flush retries with PGO_SYNCIO (:735-758).",
  cite: ['uvm_vnode.c:596-858', 'uvm_vnode.c:1138-1296', 'uvm_vnode.c:918-1127'],
  params: {
    reader: { default: 1, min: 0, max: 1, description: '1 = a process read-faults page 1 meanwhile' },
    flusher2: { default: 0, min: 0, max: 1, description: '1 = a second process stores to page 1 and runs msync(MS_ASYNC) (no PGO_SYNCIO: AGAIN while IOSYNC is set); replaces the reader' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    uvmKernel(sim, 2);
    const vp = uvnFile(sim, 'vp', 2);
    run(sim, boot_map_and_dirty, [vp, p.flusher2 ? 2 : 1, 0]); // flusher2: page 1 resident (msync cleans it), to be stored to again
    const uobj = uvnObj(vp);
    spawn(sim, 'W', 0, op_pagedaemon, [uobj, 0, 1]);
    spawn(sim, 'F', 1, op_msync, [uobj, MSYNC_SYNC]);
    if (p.flusher2) spawn(sim, 'F2', 1, proc_store_msync, [uobj, 2, MSYNC_ASYNC]);
    else if (p.reader) spawn(sim, 'G', 1, op_read_fault, [uobj, 2]);
  },
};

// ---------------------------------------------------------------- page-ins vs msync

export const uvnMutRead: Scenario = {
  name: 'uvn-mut-read',
  description:
    "Page-ins (§6 M12, M22, M25): a read-only mapping; R1 read-faults page 0 (uvn_get allocates it and reads it through uvn_io, which counts itself in u_nio and drops the object lock, :1188-1189); with readers=2 R2 read-faults page 1 (same=0) or page 0 too (same=1: it waits on R1's busy page, :1055-1060); with msync=1 msync(MS_SYNC) finds a page busy in a read and waits for u_nio to drain (:658-661, :843-849); errors=1 lets VOP_READ fail (uvn_get's error path wakes and frees the page, :1092-1103).",
  cite: ['uvm_vnode.c:918-1127', 'uvm_vnode.c:1138-1296', 'uvm_vnode.c:596-858'],
  params: {
    readers: { default: 2, min: 1, max: 2, description: 'read-faulting processes' },
    same: { default: 0, min: 0, max: 1, description: '1 = the second reader faults the same page' },
    msync: { default: 1, min: 0, max: 1, description: '1 = msync(MS_SYNC) meanwhile' },
    errors: { default: 0, min: 0, max: 1, description: '1 = VOP_READ may fail with EIO' },
  },
  defaultCpus: 2,
  options: { timeouts: false, ioErrors: 'param errors' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    uvmKernel(sim, 2);
    const vp = uvnFile(sim, 'vp', 2);
    run(sim, op_attach, [vp, 0]);
    sim.options.ioErrors = p.errors === 1;
    const uobj = uvnObj(vp);
    spawn(sim, 'R1', 0, op_read_fault, [uobj, 0]);
    if (p.readers === 2) spawn(sim, 'R2', 1, op_read_fault, [uobj, p.same ? 0 : 2]);
    if (p.msync) spawn(sim, 'F', 1, op_msync, [uobj, MSYNC_SYNC]);
  },
};

// ---------------------------------------------------------------- truncate vs page-in

export const uvnMutTruncate: Scenario = {
  name: 'uvn-mut-truncate',
  description:
    "Truncation (Appendix B S4 without the daemon; §6 M08, M09): a read-only mapping; G read-faults page 0 while S truncates the file to 0 (uvm_vnp_setsize frees the pages past the new end, waiting for a busy one, before lowering u_size, :1428-1437); once G is done, S uncaches the file (unlink) and unmaps, which kills the uvn (KASSERT :376 wants no page left).",
  cite: ['uvm_vnode.c:1415-1440', 'uvm_vnode.c:596-858', 'uvm_vnode.c:918-1127', 'uvm_vnode.c:300-390'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, op_attach, [vp, 0]);
    const uobj = uvnObj(vp);
    spawn(sim, 'G', 0, op_read_fault, [uobj, 0]);
    spawn(sim, 'S', 1, proc_truncate_uncache_unmap, [vp, uobj, 'G']);
  },
};

// ---------------------------------------------------------------- VOP_INACTIVE re-entering the pager

export const uvnMutInactive: Scenario = {
  name: 'uvn-mut-inactive',
  description:
    "The last munmap of a file nobody else has open, whose VOP_INACTIVE truncates it (an unlinked file; §6 M14): uvn_detach lets the uvn persist and drops its vnode reference only after releasing the object lock (:384-387), because vrele → VOP_INACTIVE → uvm_vnp_setsize re-enters the pager and takes that lock (:1423).",
  cite: ['uvm_vnode.c:300-390', 'uvm_vnode.c:1415-1440'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false, inactiveHook: 'truncate to 0' },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, op_attach, [vp, 0]);
    const uobj = uvnObj(vp);
    run(sim, op_read_fault, [uobj, 0]);
    run(sim, op_close, [vp]); // the file is closed; the mapping's vnode reference is the last use
    vp.g_inactiveTruncates = true;
    sim.options.inactiveHook = inactive_truncate;
    spawn(sim, 'D', 0, op_detach, [uobj]);
  },
};

// ---------------------------------------------------------------- reviving a persisting uvn

export const uvnMutPersist: Scenario = {
  name: 'uvn-mut-persist',
  description:
    "Temporary references on a persisting uvn (Appendix B S3 reduced; §6 M07, M07b, M15): the file was mapped writable and unmapped, so the uvn persists on uvn_wlist without a vnode reference while the file stays open. One process runs sync(2) (op=0: step 2 revives it with a vnode reference, :1489-1491, and step 3 drops it through uvn_detach, :1520) or uncaches it (op=1: revived with a vnode reference, :1365-1366, just to be killed by uvn_detach, :1389), then closes the file — its last use — and the recycler terminates the vnode.",
  cite: ['uvm_vnode.c:1452-1524', 'uvm_vnode.c:1336-1393', 'uvm_vnode.c:300-390', 'uvm_vnode.c:417-530'],
  params: {
    op: { default: 0, min: 0, max: 1, description: '0 = sync(2), 1 = uvm_vnp_uncache' },
  },
  defaultCpus: 1,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, op_attach, [vp, 1]);
    run(sim, op_detach, [uvnObj(vp)]);
    spawn(sim, 'P', 0, proc_revive_close_recycle, [vp, p.op]);
  },
};

// ---------------------------------------------------------------- attach failure

export const uvnMutAttachFail: Scenario = {
  name: 'uvn-mut-attach-fail',
  description:
    "Two processes map the file while VOP_GETATTR may fail (§6 M17): the first becomes the ALOCK owner and queries the size with no lock held; the second waits at :148-150 with WANTED set; a failed query clears the flag word and wakes it (:218-222).",
  cite: ['uvm_vnode.c:138-258'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false, attachErrors: true },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    sim.options.attachErrors = true;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    spawn(sim, 'A1', 0, proc_attach_unmap, [vp]);
    spawn(sim, 'A2', 1, proc_attach_unmap, [vp]);
  },
};

// ---------------------------------------------------------------- msync vs user stores

export const uvnMutStore: Scenario = {
  name: 'uvn-mut-store',
  description:
    "msync(MS_SYNC) of a dirty page of a writable mapping while the process stores to it (§6 M13, M19): the flush busies the page and write-protects it (:713-715), so a store during the write faults and waits on the busy page; the synchronous completion unbusies it, marks it clean and clears its modified bit (:793-803).",
  cite: ['uvm_vnode.c:596-858', 'uvm_vnode.c:918-1127'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    const uobj = uvnObj(vp);
    spawn(sim, 'M', 0, op_msync, [uobj, MSYNC_SYNC]);
    spawn(sim, 'U', 1, op_store, [uobj, 0]);
  },
};

// ---------------------------------------------------------------- sync of a mapped writable uvn

export const uvnMutWsync: Scenario = {
  name: 'uvn-mut-wsync',
  description:
    "sync(2) of a uvn that is still mapped writable (§6 M21): the process stores to page 0, syncs, stores again and syncs again; the uvn must stay on uvn_wlist while the mapping exists (sync takes it off only when its own reference is the only one, :1512-1516), so the second sync writes the second store.",
  cite: ['uvm_vnode.c:1452-1524', 'uvm_vnode.c:596-858'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, boot_map_and_dirty, [vp, 1, 0]);
    spawn(sim, 'P', 0, proc_sync_store_sync, [uvnObj(vp), 0]);
  },
};

// ---------------------------------------------------------------- forced unmount of a mapped vnode

export const uvnMutVgoneMapped: Scenario = {
  name: 'uvn-mut-vgone-mapped',
  description:
    "A forced unmount of a vnode that is mapped writable (terminate case [2]; §6 M23): with a reference left, uvm_vnp_terminate clears only DYING, VNISLOCKED, WANTED and CANPERSIST (:506-511), so the uvn lives on, VALID and on uvn_wlist, over the dead vnode until the munmap kills it.",
  cite: ['uvm_vnode.c:417-530', 'uvm_vnode.c:300-390'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    uvmKernel(sim, 1);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, op_attach, [vp, 1]);
    spawn(sim, 'T', 0, proc_vgone_unmap, [vp, uvnObj(vp)]);
  },
};

export const uvnMutantScenarios: Scenario[] = [
  uvnMutKill,
  uvnMutRecycle,
  uvnMutIosync,
  uvnMutRead,
  uvnMutTruncate,
  uvnMutInactive,
  uvnMutPersist,
  uvnMutAttachFail,
  uvnMutStore,
  uvnMutWsync,
  uvnMutVgoneMapped,
];
