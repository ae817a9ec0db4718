/**
 * The vnode-pager scenarios (issue 4; spec/uvm_vnode.md Appendix B): a vnode with its uvm_vnode
 * on the simulated OpenBSD kernel, and the processes, daemons and filesystem operations around it.
 * Set-up that must have happened before the workload (a mapping, a dirty page, a persisting
 * object) runs the seed's own code to completion first (`boot`).
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { setupUvm, type UvmObject } from '../impl/env/uvm.ts';
import type { OVnode } from '../impl/env/ovnode.ts';
import { newUvnVnode, setupUvnGlobals, type UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
import { boot } from './bufcache.ts';
import {
  op_attach,
  op_detach,
  op_uncache,
  op_sync,
  op_forced_unmount_after,
  op_recycle,
  op_pagedaemon,
  op_msync,
  proc_map_store_unmap,
  proc_lifecycle,
  proc_map_read_fork,
  proc_open_map_unmap,
  boot_map_and_dirty,
  MSYNC_SYNC,
} from './uvnops.ts';
import type { Scenario } from './types.ts';

/** The vnode-pager invariant domains. */
export const UVN_DOMAINS = ['uvn', 'upg', 'uenv'];

/** An OpenBSD kernel with `pool` page structures and uvm_vnode.c's globals (uvn_init ran at boot). */
export function uvmKernel(sim: Sim, pool: number): void {
  setupUvm(sim, pool);
  setupUvnGlobals(sim);
}

/**
 * A vnode of `npages` pages, open once (the opener's use keeps vref legal, ENV-01), with a zeroed
 * uvm_vnode.
 */
export function uvnFile(sim: Sim, name: string, npages: number, opens = 1): OVnode {
  const vp = newUvnVnode(sim, name, npages * 2, npages);
  vp.v_usecount = opens;
  return vp;
}

export const uvnObj = (vp: OVnode): UvmObject => (vp.v_uvm as UvmVnode).u_obj;

const run = (sim: Sim, fn: unknown, args: unknown[]): void => boot(sim, fn as KernelFunction, args);

// ---------------------------------------------------------------- uvn-lifecycle

export const uvnLifecycleScenario: Scenario = {
  name: 'uvn-lifecycle',
  description:
    'Attach, reference, detach to persist, re-attach and uncache (Appendix B S1/S2): process A maps the file writable, stores to page 0 and unmaps while process B maps it read-only, faults page 1 in, forks (uvn_reference) and unmaps twice; whichever unmaps last lets the uvn persist with its pages deactivated. Then (after B exits, since an mmap racing a kill is hazard F1) A maps it again, reviving it (reattach=1); with uncache=1 it uncaches it while mapped (CANPERSIST cleared) and unmaps — the kill writes the dirty page back and frees the uvn — maps the file afresh, unmaps (persist) and uncaches the persisting uvn, which is revived just to be killed. The page daemon pages page 0 out whenever it finds it dirty, holding no reference.',
  cite: ['uvm_vnode.c:138-258', 'uvm_vnode.c:272-289', 'uvm_vnode.c:300-390', 'uvm_vnode.c:918-1127', 'uvm_vnode.c:1336-1393'],
  params: {
    fork: { default: 1, min: 0, max: 1, description: '1 = process B forks (a second reference through uvn_reference)' },
    uncache: { default: 1, min: 0, max: 1, description: '1 = a writer runs uvm_vnp_uncache concurrently' },
    reattach: { default: 1, min: 0, max: 1, description: '1 = process A maps the file again afterwards (revives a persisting uvn)' },
    daemon: { default: 2, min: 0, max: 3, description: 'page-daemon passes over page 0 (pageout with no reference held)' },
    errors: { default: 1, min: 0, max: 1, description: '1 = VOP_READ/VOP_WRITE may fail with EIO' },
  },
  defaultCpus: 2,
  options: { timeouts: false, ioErrors: 'param errors' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    sim.options.ioErrors = p.errors === 1;
    uvmKernel(sim, 3);
    const vp = uvnFile(sim, 'vp', 2);
    sim.spawn('A', 0, proc_lifecycle, [vp, 0, 'B', p.reattach, p.uncache]);
    sim.spawn('B', 1, proc_map_read_fork, [vp, 2, p.fork]);
    if (p.daemon) sim.spawn('pagedaemon', 1, op_pagedaemon, [uvnObj(vp), 0, p.daemon]);
  },
};

// ---------------------------------------------------------------- uvn-terminate

export const uvnTerminateScenario: Scenario = {
  name: 'uvn-terminate',
  description:
    "uvm_vnp_terminate vs detach's RELKILL wait vs pageout (Appendix B S8/S9). async=1 (the §4.4 extension): the last munmap of an uncached mapping with a dirty page writes it asynchronously (PEND), sets RELKILL and sleeps on &u_nio; a forced unmount (vgone) terminates the uvn, cancelling RELKILL and waiting on the busy page; aiodone frees the PG_RELEASED page and wakes both; an mmap attempt sleeps while the uvn is BLOCKED. async=0: the uvn persists with a dirty page and no vnode use; the recycler (getnewvnode → vclean) terminates it, writing the page back with the vnode lock it holds (VNISLOCKED), while a process opens and maps the file (its vget waits for vclean and fails, or its mapping keeps the vnode in use). A daemon pageout racing vclean deadlocks (F13) and a fault racing a forced unmount hangs (F3): those are hazard scenarios.",
  cite: ['uvm_vnode.c:300-390', 'uvm_vnode.c:417-530', 'uvm_vnode.c:596-858', 'uvm_vnode.c:1138-1296', 'uvm_vnode.c:554-565'],
  params: {
    async: { default: 1, min: 0, max: 1, description: '1 = asynchronous-pageout extension (RELKILL, aiodone); 0 = synchronous pager with recycling and the page daemon' },
    attacher: { default: 1, min: 0, max: 1, description: '1 = a process tries to map the file meanwhile' },
  },
  defaultCpus: 2,
  options: { timeouts: false, asyncPageout: 'param async' },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    uvmKernel(sim, 2);
    const vp = uvnFile(sim, 'vp', 1);
    if (p.async) {
      sim.options.asyncPageout = true;
      run(sim, boot_map_and_dirty, [vp, 1, 0]);
      run(sim, op_uncache, [vp]);
      sim.spawn('D', 0, op_detach, [uvnObj(vp)]);
      // The forced unmount starts once D sleeps in RELKILL (§3.3 Sequence B); earlier, it joins D's kill flush: hazard F16.
      sim.spawn('T', 1, op_forced_unmount_after, [vp, 'D']);
      if (p.attacher) sim.spawn('A', 0, proc_open_map_unmap, [vp, 0]);
    } else {
      run(sim, boot_map_and_dirty, [vp, 1, 1]);
      vp.v_usecount = 0; // the file was closed: the vnode is on the free list
      // No page daemon here: a daemon pageout racing vclean is hazard F13 (hazard-F13).
      sim.spawn('R', 0, op_recycle, [vp]);
      if (p.attacher) sim.spawn('A', 1, proc_open_map_unmap, [vp, 0]);
    }
  },
};

// ---------------------------------------------------------------- uvn-sync

export const uvnSyncScenario: Scenario = {
  name: 'uvn-sync',
  description:
    "uvm_vnp_sync vs detach and attach (Appendix B S3): a process holds a writable mapping with a dirty page (so the uvn is on uvn_wlist); sync(2) queues it with a temporary reference, flushes it and drops the reference through uvn_detach, while the process unmaps (its detach may or may not be the last) and another process maps the file writable and stores to it, and the page daemon pages the page out whenever it finds it dirty. With persist=1 the mapping is gone before sync starts: sync revives the persisting uvn (vref; the file stays open so the vnode is in use) and takes it off uvn_wlist when its reference is the only one.",
  cite: ['uvm_vnode.c:1452-1524', 'uvm_vnode.c:300-390', 'uvm_vnode.c:138-258', 'uvm_vnode.c:596-858'],
  params: {
    persist: { default: 0, min: 0, max: 1, description: '1 = the uvn is persisting (no mapping) when sync starts' },
    attacher: { default: 1, min: 0, max: 1, description: '1 = another process maps the file writable and stores meanwhile' },
    daemon: { default: 1, min: 0, max: 2, description: 'page-daemon passes over the page' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: UVN_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    uvmKernel(sim, 2);
    const vp = uvnFile(sim, 'vp', 1);
    run(sim, boot_map_and_dirty, [vp, 1, p.persist]);
    sim.spawn('S', 0, op_sync, []);
    if (!p.persist) sim.spawn('D', 1, op_detach, [uvnObj(vp)]);
    if (p.attacher) sim.spawn('A', 1, proc_map_store_unmap, [vp, 0, 0]);
    if (p.daemon) sim.spawn('pagedaemon', 1, op_pagedaemon, [uvnObj(vp), 0, p.daemon]);
  },
};

export const uvnScenarios: Scenario[] = [uvnLifecycleScenario, uvnTerminateScenario, uvnSyncScenario];

export { op_attach, op_msync, op_pagedaemon, MSYNC_SYNC };
