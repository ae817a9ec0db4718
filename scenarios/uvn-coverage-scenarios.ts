/**
 * Coverage scenarios of the vnode pager (issue 4): small workloads, each exhaustive in a few
 * seconds at its defaults, that together with uvn-lifecycle, uvn-terminate and uvn-sync take every
 * transition of the `uvn` and `uvmPage` machines (`vfsmodel check` reports the union). Each one
 * names the machine transitions it is there for. They must pass on the unmodified seed, so every
 * one stays clear of the hazards of spec/uvm_vnode.md Appendix A, and says how:
 * - F1 (an mmap that passed the unlocked BLOCKED test at uvm_vnode.c:148 and then sleeps on a
 *   contended object lock at :164 while a kill or terminate starts): attaches run only while no
 *   last munmap can start (the mapping owner joins the attacher first), or start only once the
 *   uvn is already BLOCKED;
 * - F3 (a fault during a forced-unmount terminate): faults start only once terminate is past :470
 *   (VNISLOCKED), at an offset its flush has not reached yet — it is writing page 0 and the
 *   fault is at page 1 — so the flush meets the fault's page and waits for it;
 * - F4 (IOSYNC left set by terminate's wait loop with references left): a terminate of a mapped
 *   uvn never has pages left for its wait loop: it writes synchronously (synchronous pager), or
 *   its asynchronous writes are two-page clusters whose second page its own flush then waits for
 *   (:687-694), or the pages are already in someone else's asynchronous write, which it waits for;
 * - F7 (uvn_reference racing sync's unlocked uo_refs++ at :1491): no fork runs while a sync can
 *   be in its step 2;
 * - F13 (an I/O that read VNISLOCKED clear sleeping on vclean's VXLOCK with a busy page terminate
 *   waits for): no page daemon runs with a recycler in the synchronous pager, and no sync or
 *   msync writes synchronously while a vclean may be starting (a sync flush racing vgone is the
 *   same deadlock as the daemon's; with the §4.4 extension writes without PGO_SYNCIO never take
 *   the vnode lock);
 * - F16 (forced unmount vs a last munmap's kill flush): no uncached uvn loses its last mapping
 *   while a forced unmount can run.
 * Set-up that must have happened first runs the seed's code to completion (`boot`).
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { PGO_DEACTIVATE } from '../impl/env/uvm.ts';
import { UVM_VNODE_VNISLOCKED, UVM_VNODE_WRITEABLE } from '../impl/kernel/uvm_vnode_state.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { boot } from './bufcache.ts';
import { UVN_DOMAINS, uvmKernel, uvnFile, uvnObj } from './uvn.ts';
import {
  op_detach,
  op_uncache,
  op_forced_unmount,
  op_forced_unmount_after,
  op_read_fault,
  op_sync,
  boot_map_and_dirty,
  MSYNC_SYNC,
  MSYNC_INVALIDATE,
} from './uvnops.ts';
import {
  cov_boot_map,
  cov_boot_fault,
  cov_fault_after,
  cov_msync_after,
  cov_fork_after,
  cov_open_map_after,
  cov_sync_after,
  cov_holder_end,
  cov_detach_after,
  cov_pagedaemon,
  cov_truncate,
  cov_wire,
  cov_unwire_after,
  cov_unwire_twice,
  cov_store_mapped,
  cov_msync,
  cov_recycle,
  cov_store_unmap,
} from './uvn-coverage-ops.ts';
import type { Scenario } from './types.ts';

/**
 * madvise(MADV_DONTNEED): uvm_map_clean(map, start, end, PGO_DEACTIVATE) [ext: uvm_mmap.c]. (msync
 * always passes PGO_SYNCIO — sys_msync's "XXXCDC: force sync for now!" — so no msync flushes
 * without it: PG_RELEASED pages come only from the kill flush and terminate.)
 */
export const MADV_DONTNEED = PGO_DEACTIVATE;

const run = (sim: Sim, fn: unknown, args: unknown[]): void => boot(sim, fn as KernelFunction, args);
const spawn = (sim: Sim, name: string, cpu: number, fn: unknown, args: unknown[]): void => {
  sim.spawn(name, cpu, fn as KernelFunction, args);
};

/** The common frame: a kernel with `pool` pages and a file of `npages` pages opened `opens` times. */
function setup(sim: Sim, pool: number, npages: number, opens: number): OVnode {
  sim.options.timeouts = false;
  uvmKernel(sim, pool);
  return uvnFile(sim, 'vp', npages, opens);
}

function coverage(s: Omit<Scenario, 'defaultCpus' | 'domains' | 'params'> & { params?: Scenario['params'] }): Scenario {
  return { defaultCpus: 2, domains: UVN_DOMAINS, params: {}, ...s };
}

// ---------------------------------------------------------------- iosync (S5)

function iosyncScenario(name: string, uncached: boolean): Scenario {
  return coverage({
    name,
    description:
      `The iosync protocol on ${uncached ? 'an uncached (ACTIVE_NOPERSIST)' : 'a cached (ACTIVE)'} mapped uvn (Appendix B S5): the page daemon writes dirty page 0 while ` +
      'msync(MS_SYNC) meets it busy and waits for u_nio to drain with IOSYNC set, and a read fault of page 1 meets IOSYNC in uvn_io (IOSYNCWANTED) or makes the daemon give up (AGAIN → page back, still dirty); then the owner msyncs with MS_INVALIDATE (pages freed) and munmaps. ' +
      'Targets: UVN_IOSYNC_WAIT, UVN_IO_WAIT_IOSYNC, UVN_IOSYNC_CLEAR, page traffic in that state, CLEANING:PAGEOUT_ABORT.',
    cite: ['uvm_vnode.c:656-661', 'uvm_vnode.c:843-853', 'uvm_vnode.c:1159-1167', 'uvm_vnode.c:1275-1280'],
    options: { timeouts: false },
    build(sim) {
      const vp = setup(sim, 2, 2, 1);
      run(sim, cov_boot_map, [vp, 1, 1, 2]);
      if (uncached) run(sim, op_uncache, [vp]);
      const uobj = uvnObj(vp);
      spawn(sim, 'P', 0, cov_pagedaemon, [uobj, 0]);
      spawn(sim, 'M', 1, cov_msync, [uobj, MSYNC_SYNC]);
      spawn(sim, 'G', 1, op_read_fault, [uobj, 2]);
      spawn(sim, 'H', 0, cov_holder_end, [uobj, 'P', 'M', 'G', MSYNC_INVALIDATE, 0]);
    },
  });
}

// ---------------------------------------------------------------- forced unmount of a mapped uvn (S7)

const uvnForcedScenario = coverage({
  name: 'uvn-cov-forced',
  description:
    'A forced unmount (vgone, uvm_vnp_terminate case [2]) of an uncached file mapped writable with dirty page 0 (Appendix B S7, without F3): terminate writes page 0 back with the vnode lock it holds; once it is past :470, a thread of the mapping process read-faults page 1 (the read goes through: VNISLOCKED) and another process with the file open mmaps it and sleeps on the BLOCKED uvn. ' +
    'Terminate meets the faulted page in its flush and waits for it, then lets the uvn live on its dead vnode (ZOMBIE); the mmap then gets a reference on the ZOMBIE, a late fault fails on the dead vnode, and the owner forks and munmaps: the last munmap kills the ZOMBIE. ' +
    'Targets: ACTIVE_NOPERSIST:UVN_TERMINATE, TERMINATING_REFS (ATTACH_WAIT, PAGE_ALLOC, IO_START/DONE, PAGE_FREE, TERMINATE_LIVE), ZOMBIE (ATTACH_VALID, REFERENCE, DETACH, DETACH_DYING, page traffic).',
  cite: ['uvm_vnode.c:417-530', 'uvm_vnode.c:148-172', 'uvm_vnode.c:918-1127', 'uvm_vnode.c:1222-1247'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 2, 2, 2);
    run(sim, cov_boot_map, [vp, 1, 1, 2]);
    run(sim, op_uncache, [vp]);
    const uobj = uvnObj(vp);
    spawn(sim, 'T', 0, op_forced_unmount, [vp]);
    spawn(sim, 'G', 1, cov_fault_after, [vp, UVM_VNODE_VNISLOCKED, 'T', 2]);
    spawn(sim, 'A', 1, cov_open_map_after, [vp, UVM_VNODE_VNISLOCKED, 'T', 0, 0, 0]);
    spawn(sim, 'H', 0, cov_holder_end, [uobj, 'T', 'G', 'A', 0, 1]);
  },
});

const uvnForcedMsyncScenario = coverage({
  name: 'uvn-cov-forced-msync',
  description:
    'A forced unmount of a cached file mapped writable with dirty page 0; once terminate is past :470, threads of the mapping process run msync(MS_SYNC) — which meets the page terminate is writing and waits for u_nio with IOSYNC set —, a read fault of page 1 — whose uvn_io may meet that IOSYNC — and a fork whose child exits. ' +
    'Terminate itself never waits in its loop (F4 needs that); the msync clears IOSYNC once u_nio drains, possibly after terminate returned. ' +
    'Targets: ACTIVE:UVN_TERMINATE, TERMINATING_REFS (IOSYNC_WAIT, IO_WAIT_IOSYNC, IOSYNC_CLEAR, REFERENCE, DETACH).',
  cite: ['uvm_vnode.c:417-530', 'uvm_vnode.c:843-853', 'uvm_vnode.c:1159-1167', 'uvm_vnode.c:272-289'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 2, 2, 1);
    run(sim, cov_boot_map, [vp, 1, 1, 2]);
    const uobj = uvnObj(vp);
    spawn(sim, 'T', 0, op_forced_unmount, [vp]);
    spawn(sim, 'M', 1, cov_msync_after, [vp, UVM_VNODE_VNISLOCKED, 'T', MSYNC_SYNC]);
    spawn(sim, 'G', 1, cov_fault_after, [vp, UVM_VNODE_VNISLOCKED, 'T', 2]);
    spawn(sim, 'F', 0, cov_fork_after, [vp, UVM_VNODE_VNISLOCKED, 'T']);
    spawn(sim, 'H', 0, cov_holder_end, [uobj, 'M', 'G', 'F', 0, 0]);
  },
});

const uvnForcedSyncScenario = coverage({
  name: 'uvn-cov-forced-sync',
  description:
    "With the asynchronous-pageout extension and forward clustering, sync(2) vs a forced unmount of a cached file mapped writable with dirty pages 0 and 1, while the page daemon pages out page 0 (it may hold the object lock when sync's step 3 wants it) and the owner munmaps: sync may queue the uvn before terminate blocks it and flush it while terminate waits for the pages in asynchronous writes (DEBUG \"dying vnode on sync list\"), hold the only reference and take it off uvn_wlist; its uvn_detach may be the last one: the persist path runs inside terminate. " +
    'In the synchronous pager sync\'s write would take the vnode lock and could sleep on the VXLOCK of the starting vclean while its page is busy, which terminate waits for (the F13 deadlock, with sync in the daemon\'s place); asynchronous writes never take the vnode lock. Every write starting at page 0 clusters page 1, so terminate either waits for both pages or writes both in one PEND cluster and waits for page 1: its wait loop never runs (F4). ' +
    'Targets: TERMINATING_REFS (SYNC_WLIST_REMOVE, DETACH, DETACH_PERSIST), CLEANING_ASYNC:PG_DEACTIVATE.',
  cite: ['uvm_vnode.c:1452-1524', 'uvm_vnode.c:417-530', 'uvm_vnode.c:300-332', 'uvm_vnode.c:1499-1503'],
  options: { timeouts: false, asyncPageout: true, cluster: true },
  build(sim) {
    const vp = setup(sim, 2, 2, 1);
    run(sim, cov_boot_map, [vp, 1, 3, 2]);
    sim.options.asyncPageout = true;
    sim.options.cluster = true;
    const uobj = uvnObj(vp);
    spawn(sim, 'S', 0, op_sync, []);
    spawn(sim, 'T', 1, op_forced_unmount, [vp]);
    spawn(sim, 'P', 1, cov_pagedaemon, [uobj, 0]);
    spawn(sim, 'H', 0, op_detach, [uobj]);
  },
});

const uvnForcedAsyncScenario = coverage({
  name: 'uvn-cov-forced-async',
  description:
    'With the asynchronous-pageout extension and forward clustering, a forced unmount of a cached file mapped writable with dirty pages 0 and 1: terminate writes both in one PEND cluster (PG_RELEASED), meets page 1 busy in its own write and waits for it, and aiodone frees both pages inside terminate, so no page is left for terminate\'s wait loop (F4 needs one); the owner munmaps afterwards (kill). ' +
    'Targets: TERMINATING_REFS (AIODONE, PAGE_FREE).',
  cite: ['uvm_vnode.c:716-718', 'uvm_vnode.c:768-773', 'uvm_vnode.c:554-565', 'uvm_vnode.c:687-694'],
  options: { timeouts: false, asyncPageout: true, cluster: true },
  build(sim) {
    const vp = setup(sim, 2, 2, 1);
    run(sim, cov_boot_map, [vp, 1, 3, 2]);
    sim.options.asyncPageout = true;
    sim.options.cluster = true;
    const uobj = uvnObj(vp);
    spawn(sim, 'T', 1, op_forced_unmount, [vp]);
    spawn(sim, 'H', 0, cov_detach_after, [uobj, 'T']);
  },
});

// ---------------------------------------------------------------- a ZOMBIE (terminated with mappings)

const uvnZombieIoScenario = coverage({
  name: 'uvn-cov-zombie-io',
  description:
    'A uvn that a forced unmount left alive over its dead vnode (ZOMBIE, set up at boot): two read faults (every read fails: deadfs) and msync(MS_SYNC), which meets the first fault\'s page busy and waits for u_nio with IOSYNC set while the second fault\'s uvn_io may meet IOSYNC; then the owner munmaps (kill). ' +
    'Targets: ZOMBIE (PAGE_ALLOC, IO_START, IO_DONE, PAGE_FREE, IOSYNC_WAIT, IO_WAIT_IOSYNC, IOSYNC_CLEAR, DETACH_DYING).',
  cite: ['uvm_vnode.c:498-511', 'uvm_vnode.c:1081-1103', 'uvm_vnode.c:843-853', 'uvm_vnode.c:1159-1167'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 2, 2, 1);
    run(sim, cov_boot_map, [vp, 0, 0, 2]);
    run(sim, op_forced_unmount, [vp]);
    const uobj = uvnObj(vp);
    spawn(sim, 'G1', 0, op_read_fault, [uobj, 0]);
    spawn(sim, 'M', 1, cov_msync, [uobj, MSYNC_SYNC]);
    spawn(sim, 'G2', 1, op_read_fault, [uobj, 2]);
    spawn(sim, 'H', 0, cov_holder_end, [uobj, 'G1', 'M', 'G2', 0, 0]);
  },
});

// ---------------------------------------------------------------- references, uvn_wlist and sync on an uncached or zombie uvn

function refsScenario(name: string, zombie: boolean): Scenario {
  return coverage({
    name,
    description:
      `A read-only mapping of a ${zombie ? 'file whose forced unmount left the uvn alive over the dead vnode (ZOMBIE)' : 'file uncached while mapped (ACTIVE_NOPERSIST)'}, set up at boot; another process with the file open mmaps it writable (onto uvn_wlist), stores to page 0 and uncaches it (ftruncate's vn_writechk on a VTEXT file), then munmaps; ` +
      'the mapping process forks once the uvn is WRITEABLE (the child exits), a thread of it read-faults page 0, and it munmaps once the writer is done (F1); sync(2) starts after the fork (a uvn_reference racing sync\'s unlocked uo_refs++ at :1491 is hazard F7), and may end up holding the only reference (off uvn_wlist). ' +
      `Targets: ${zombie ? 'ZOMBIE' : 'ACTIVE_NOPERSIST'} (WLIST_INSERT, UNCACHE, REFERENCE, SYNC_REF, SYNC_WLIST_REMOVE${zombie ? ', ATTACH_VALID, DETACH' : ''}).`,
    cite: ['uvm_vnode.c:164-182', 'uvm_vnode.c:1344-1359', 'uvm_vnode.c:1452-1524', 'uvm_vnode.c:272-289'],
    options: { timeouts: false },
    build(sim) {
      const vp = setup(sim, 1, 1, 2);
      run(sim, cov_boot_map, [vp, 0, 0, 1]);
      const uobj = uvnObj(vp);
      if (zombie) run(sim, op_forced_unmount, [vp]);
      else {
        run(sim, cov_boot_fault, [uobj, 0]);
        run(sim, op_uncache, [vp]);
      }
      spawn(sim, 'A', 1, cov_open_map_after, [vp, 0, '', 1, 1, 1]);
      spawn(sim, 'F', 0, cov_fork_after, [vp, UVM_VNODE_WRITEABLE, 'A']);
      spawn(sim, 'S', 0, cov_sync_after, [vp, 0, 'F']);
      spawn(sim, 'G', 1, cov_fault_after, [vp, 0, '', 0]);
      spawn(sim, 'H', 0, cov_holder_end, [uobj, 'A', 'G', 'F', 0, 0]);
    },
  });
}

// ---------------------------------------------------------------- asynchronous pageout around a persisting uvn

const uvnAsyncPersistScenario = coverage({
  name: 'uvn-cov-async-persist',
  description:
    'With the asynchronous-pageout extension: the page daemon writes dirty page 0 of a mapped file asynchronously (PEND; no PG_RELEASED, so aiodone only cleans and unbusies it) while the owner munmaps: the persist path deactivates the page even while it is in the asynchronous write, and the write may start or complete on the persisting uvn. ' +
    'Targets: PERSIST (IO_START, IO_DONE), CLEANING_ASYNC (PG_DEACTIVATE, AIODONE not released).',
  cite: ['uvm_vnode.c:324-332', 'uvm_vnode.c:651-654', 'uvm_vnode.c:554-565', 'uvm_vnode.c:1183-1189'],
  options: { timeouts: false, asyncPageout: true },
  build(sim) {
    const vp = setup(sim, 1, 1, 1);
    run(sim, cov_boot_map, [vp, 1, 1, 1]);
    sim.options.asyncPageout = true;
    const uobj = uvnObj(vp);
    spawn(sim, 'P', 1, cov_pagedaemon, [uobj, 0]);
    spawn(sim, 'H', 0, op_detach, [uobj]);
  },
});

/**
 * The flush's own iosync wait inside a teardown: with the §4.4 extension and a KVA shortage, the
 * teardown's C|F flush writes page 0 asynchronously (PEND), gets AGAIN for page 1 and switches
 * to PGO_SYNCIO (:741-758), then meets page 2 busy in the page daemon's asynchronous write, so
 * after its scan it waits for u_nio — page 0's write — with IOSYNC set (:843-853).
 */
function teardownIosyncScenario(name: string, recycle: boolean): Scenario {
  return coverage({
    name,
    description:
      `With the asynchronous-pageout extension and a KVA shortage (uvm_pagermapin may fail: AGAIN), a three-page file mapped writable with dirty pages 1 and 2${recycle ? '' : ', uncached while mapped'} (boot): the owner stores to page 0 and munmaps${recycle ? ' (the uvn persists) and closes the file, and the recycler terminates it (case [1])' : ' (the kill)'}, while the page daemon pages out page 2 (asynchronously, or it gets AGAIN and gives the page back). ` +
      'The teardown flush may write page 0 with PEND, switch to PGO_SYNCIO after AGAIN for page 1 (PG_RELEASED cleared), wait for page 2 in the daemon\'s write and then for u_nio with IOSYNC set. ' +
      `Targets: ${recycle ? 'TERMINATING_0 (IO_START, IO_DONE, PAGE_FREE, IOSYNC_WAIT, IOSYNC_CLEAR)' : 'DETACH_FLUSH (IOSYNC_WAIT, IOSYNC_CLEAR, AIODONE)'}, CLEANING:PAGEOUT_RETRY, CLEANING:PAGEOUT_ABORT.`,
    cite: ['uvm_vnode.c:741-758', 'uvm_vnode.c:656-661', 'uvm_vnode.c:843-853', 'uvm_vnode.c:1174-1181'],
    options: { timeouts: false, asyncPageout: true, kvaShortage: true },
    build(sim) {
      const vp = setup(sim, 3, 3, 1);
      run(sim, cov_boot_map, [vp, 1, 6, 3]);
      const uobj = uvnObj(vp);
      if (!recycle) run(sim, op_uncache, [vp]);
      sim.options.asyncPageout = true;
      sim.options.kvaShortage = true;
      spawn(sim, 'P', 1, cov_pagedaemon, [uobj, 4]);
      spawn(sim, 'H', 0, cov_store_unmap, [vp, 0, recycle ? 1 : 0]);
      if (recycle) spawn(sim, 'R', 1, cov_recycle, [vp]);
    },
  });
}

// ---------------------------------------------------------------- a persisting uvn

const uvnPersistScenario = coverage({
  name: 'uvn-cov-persist',
  description:
    'A persisting uvn (mapped, dirtied and unmapped at boot) with dirty pages 0 and 1: the page daemon writes page 0 back (it holds no reference), while truncate(2) to one page frees dirty page 1 without writing it (PGO_FREE only). ' +
    'Targets: PERSIST (IO_START, IO_DONE, PAGE_FREE), IDLE_DIRTY:FLUSH_FREE.',
  cite: ['uvm_vnode.c:1415-1440', 'uvm_vnode.c:686-700', 'uvm_vnode.c:897-907'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 2, 2, 1);
    run(sim, boot_map_and_dirty, [vp, 2, 1]);
    const uobj = uvnObj(vp);
    spawn(sim, 'P', 0, cov_pagedaemon, [uobj, 0]);
    spawn(sim, 'X', 1, cov_truncate, [vp, 2]);
  },
});

// ---------------------------------------------------------------- attaches meeting a teardown

const uvnDetachAttachScenario = coverage({
  name: 'uvn-cov-detach-attach',
  description:
    "The last munmap of an uncached file with dirty page 0 (the kill flush writes it back) while another process with the file open mmaps it: its unlocked test at :148 may find the uvn DYING and sleep until the kill wakes it, then attach afresh. Both run under KERNEL_LOCK and nothing else takes the object lock, so the mmap's :164 is never contended (F1). " +
    'Targets: DETACH_FLUSH:UVN_ATTACH_WAIT.',
  cite: ['uvm_vnode.c:148-151', 'uvm_vnode.c:334-387'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 1, 1, 2);
    run(sim, cov_boot_map, [vp, 1, 1, 1]);
    run(sim, op_uncache, [vp]);
    spawn(sim, 'D', 0, op_detach, [uvnObj(vp)]);
    spawn(sim, 'A', 1, cov_open_map_after, [vp, 0, '', 0, 0, 0]);
  },
});

const uvnTakeoverAttachScenario = coverage({
  name: 'uvn-cov-takeover-attach',
  description:
    "§3.3 Sequence B with an mmap: the last munmap of an uncached file writes dirty page 0 with PEND and sleeps in RELKILL; a forced unmount takes the uvn over (TERMINATING with no references); once terminate is past :470 a process that has the file open mmaps it, finds it BLOCKED and sleeps; terminate frees the uvn and wakes it, and its attach then fails on the dead vnode. " +
    'Targets: TERMINATING_0:UVN_ATTACH_WAIT.',
  cite: ['uvm_vnode.c:447-472', 'uvm_vnode.c:148-151', 'uvm_vnode.c:512-529'],
  options: { timeouts: false, asyncPageout: true },
  build(sim) {
    const vp = setup(sim, 1, 1, 2);
    run(sim, cov_boot_map, [vp, 1, 1, 1]);
    run(sim, op_uncache, [vp]);
    sim.options.asyncPageout = true;
    spawn(sim, 'D', 0, op_detach, [uvnObj(vp)]);
    spawn(sim, 'T', 1, op_forced_unmount_after, [vp, 'D']);
    spawn(sim, 'A', 1, cov_open_map_after, [vp, UVM_VNODE_VNISLOCKED, 'T', 0, 0, 0]);
  },
});

// ---------------------------------------------------------------- the page machine: wiring, waiting, stores and deactivation of held pages

const uvnWireScenario = coverage({
  name: 'uvn-cov-wire',
  description:
    'Threads of a process with a writable mapping of a one-page file: two mlock(2)s of page 0 (the second wiring fault waits for the page the first one is filling or holds, then busies it for itself), a store to page 0 through the writable mapping the wiring faults make (if it is there yet; possibly while the second fault holds the page), and, once both are wired, two munlock(2)s. ' +
    'Targets: FILLING/HELD:PG_WANTED, HELD (PG_DIRTY, PG_WIRE), IDLE_CLEAN/IDLE_DIRTY:PG_UNWIRE (both).',
  cite: ['uvm_vnode.c:1055-1070', 'uvm_vnode.c:1111-1116', 'uvm_vnode.c:680-685', 'uvm_vnode.c:807-811'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 1, 1, 1);
    run(sim, cov_boot_map, [vp, 1, 0, 1]);
    const uobj = uvnObj(vp);
    spawn(sim, 'W1', 0, cov_wire, [uobj, 0]);
    spawn(sim, 'W2', 1, cov_wire, [uobj, 0]);
    spawn(sim, 'X', 1, cov_store_mapped, [uobj, 0]);
    spawn(sim, 'U', 0, cov_unwire_after, [uobj, 0, 'W1', 'W2']);
  },
});

const uvnDeactivateScenario = coverage({
  name: 'uvn-cov-deactivate',
  description:
    "Threads of a process with a writable mapping of page 0, which is resident and dirty: msync(MS_SYNC) writes it (the page is busy and the object unlocked during the write), a read fault meets it busy, waits and busies it for itself (uvn_get's main path returns it busy with the object unlocked), and madvise(MADV_DONTNEED) — a PGO_DEACTIVATE flush — deactivates the page whatever it finds: busy in the write, held by the fault, or idle. Page 0 stays resident, so the flush never meets a page being filled. " +
    'Targets: HELD:PG_DEACTIVATE, CLEANING:PG_DEACTIVATE.',
  cite: ['uvm_vnode.c:651-654', 'uvm_vnode.c:680-685', 'uvm_vnode.c:1055-1070'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 1, 1, 1);
    run(sim, cov_boot_map, [vp, 1, 1, 1]);
    const uobj = uvnObj(vp);
    spawn(sim, 'M', 0, cov_msync, [uobj, MSYNC_SYNC]);
    spawn(sim, 'G', 1, op_read_fault, [uobj, 0]);
    spawn(sim, 'N', 1, cov_msync, [uobj, MADV_DONTNEED]);
  },
});

const uvnDeactivateFillScenario = coverage({
  name: 'uvn-cov-deactivate-fill',
  description:
    'A process with a read-only mapping of a one-page file whose page is not resident: a read fault allocates page 0 and reads it (FILLING, the object unlocked during the read) while madvise(MADV_DONTNEED) — a PGO_DEACTIVATE flush — deactivates whatever it finds, the page being filled included (uvm_vnode.c:680-685 does not look at PG_FAKE). ' +
    'Targets: FILLING:PG_DEACTIVATE.',
  cite: ['uvm_vnode.c:651-654', 'uvm_vnode.c:680-685', 'uvm_vnode.c:1036-1052'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 1, 1, 1);
    run(sim, cov_boot_map, [vp, 0, 0, 1]);
    const uobj = uvnObj(vp);
    spawn(sim, 'G', 0, op_read_fault, [uobj, 0]);
    spawn(sim, 'N', 1, cov_msync, [uobj, MADV_DONTNEED]);
  },
});

const uvnUnwireHeldScenario = coverage({
  name: 'uvn-cov-unwire-held',
  description:
    'A process has page 0 of its writable mapping dirty and wired twice (two mlock(2)s at boot); msync(MS_SYNC) writes it, a read fault meets it busy and so takes uvn_get\'s main path, which returns it busy with the object unlocked, while another thread munlocks it twice once the write is done — uvm_pageunwire does not look at PG_BUSY, so the page may lose a wiring, or its last one, while the fault holds it. ' +
    'Targets: HELD:PG_UNWIRE (both).',
  cite: ['uvm_vnode.c:682', 'uvm_vnode.c:808', 'uvm_vnode.c:1055-1070', 'uvm_vnode.c:1111-1116'],
  options: { timeouts: false },
  build(sim) {
    const vp = setup(sim, 1, 1, 1);
    run(sim, cov_boot_map, [vp, 1, 1, 1]);
    const uobj = uvnObj(vp);
    run(sim, cov_wire, [uobj, 0]);
    run(sim, cov_wire, [uobj, 0]);
    spawn(sim, 'M', 0, cov_msync, [uobj, MSYNC_SYNC]);
    spawn(sim, 'G', 1, op_read_fault, [uobj, 0]);
    spawn(sim, 'U', 1, cov_unwire_twice, [uobj, 0, 'M']);
  },
});

export const uvnCoverageScenarios: Scenario[] = [
  uvnDeactivateFillScenario,
  uvnUnwireHeldScenario,
  iosyncScenario('uvn-cov-iosync', false),
  iosyncScenario('uvn-cov-iosync-nopersist', true),
  uvnForcedScenario,
  uvnForcedMsyncScenario,
  uvnForcedSyncScenario,
  uvnForcedAsyncScenario,
  uvnZombieIoScenario,
  refsScenario('uvn-cov-refs-nopersist', false),
  refsScenario('uvn-cov-refs-zombie', true),
  uvnAsyncPersistScenario,
  teardownIosyncScenario('uvn-cov-kill-iosync', false),
  teardownIosyncScenario('uvn-cov-recycle-iosync', true),
  uvnPersistScenario,
  uvnDetachAttachScenario,
  uvnTakeoverAttachScenario,
  uvnWireScenario,
  uvnDeactivateScenario,
];
