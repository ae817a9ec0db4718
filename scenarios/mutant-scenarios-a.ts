/** Scenarios that mutants M01-M19 need (the smallest workloads of spec §7). They pass on the unmodified seed. */
import type { Scenario } from './types.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { setupBufCache, newMarker } from '../impl/env/bufcache.ts';
import { buf_daemon } from '../impl/kernel/vfs_bio.ts';
import { BUF_DOMAINS, bufVnode, boot } from './bufcache.ts';
import { write_block, WRITE_BWRITE, WRITE_BDWRITE } from './bufops.ts';
import {
  release_after_waiter,
  miss_after_go,
  bdwaiter,
  writes_around_bdwait,
  bdwrite_then_request,
  bufdaemon_stub,
  seq_dirty_release,
  seq_dirty_then_other,
  seq_dirty_heavy,
  seq_dirty_grow,
  seq_dirty_bawrite,
  late_write_then_wait,
} from './mutant-ops-a.ts';

// ---------------------------------------------------------------- getnewbuf wait vs release

export const mutGetnewbufWait: Scenario = {
  name: 'mut-getnewbuf-wait',
  description:
    'The needsbuffer protocol (spec §3.6) without the seed\'s A-1 window: block 0 is cached clean in the only buffer; A takes it (getblk hit), then B misses on block 1 with an untimed wait for a buffer (slptimeo 0), and A releases the buffer (brelse) only once B has registered in needsbuffer. So every release follows the registration, which is exactly what WAKE-01 covers; a lost wakeup is a deadlock in getnewbuf. Timeouts on (getnewbuf\'s short sleep on a locked buffer, vfs_bio.c:2026, must end), which leaves B\'s untimed sleep untimed.',
  cite: ['vfs_bio.c:2155-2189', 'vfs_bio.c:221-308', 'vfs_bio.c:1535-1626'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim) {
    setupBufCache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    const go = sim.world.add('go', { v: 0 });
    sim.spawn('A', 0, release_after_waiter as unknown as KernelFunction, [vp, go]);
    sim.spawn('B', 1, miss_after_go as unknown as KernelFunction, [vp, go]);
  },
};

// ---------------------------------------------------------------- bd_wait tickets

export const mutBdwaitTicket: Scenario = {
  name: 'mut-bdwait-ticket',
  description:
    'bd_wait / bd_signal tickets (spec §3.4) with timeouts off: a thread waits in bd_wait for one unit (its ticket is the bd_wake_index it reads) while a writer issues an asynchronous write (its completion runs runningbufwakeup, whose bd_signal issues a ticket) and, once the waiter has registered on a slot, a second one — so a ticket is always issued after the registration and a lost ticket wakeup is a deadlock in bd_wait. (The seed relies on bd_wait\'s hz timeout when every ticket passed before the waiter read the index.)',
  cite: ['vfs_bio.c:437-513', 'vfs_bio.c:249-282'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    setupBufCache(sim, { nbuf: 2, hirunningspace: 8, lodirtybufspace: 2, hidirtybufspace: 2 });
    const vp = bufVnode(sim, 'vp', 2);
    const done = sim.world.add('bdwait_done', { v: 0 });
    sim.spawn('writer', 0, writes_around_bdwait as unknown as KernelFunction, [vp, done]);
    sim.spawn('bdwaiter', sim.ncpus - 1, bdwaiter as unknown as KernelFunction, [done]);
  },
};

// ---------------------------------------------------------------- bufdaemon request latch

export const mutDaemonRequest: Scenario = {
  name: 'mut-daemon-request',
  description:
    'The bufdaemon request latch (spec §3.5) with timeouts off: a writer bdwrite()s block 0 (queued on BQUEUE_DIRTY), then requests a flush with bd_speedup and waits until the buffer is clean; the buffer daemon consumes requests with tsleep_interlock + atomic_swap and otherwise sleeps (untimed here), so a lost request is a deadlock of the writer\'s wait for the flush (WAKE-04).',
  cite: ['vfs_bio.c:382-407', 'vfs_bio.c:2228-2288', 'vfs_bio.c:2318-2475'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8, flushperqueue: 2 });
    const vp = bufVnode(sim, 'vp', 1);
    const marker = newMarker(sim, 'bufdaemon.marker');
    sim.spawn('writer', 0, bdwrite_then_request as unknown as KernelFunction, [vp]);
    sim.spawn('bufdaemon', 1, buf_daemon as unknown as KernelFunction, [marker], { daemon: true });
  },
};

// ---------------------------------------------------------------- a daemon in bd_wait

export const mutDaemonBdwait: Scenario = {
  name: 'mut-daemon-bdwait',
  description:
    'A buffer-daemon stub that reaches bd_wait (spec §3.4 B0) while a writer bdwrite()s block 0: the stub registers as bufdaemon_td like buf_daemon, then calls bd_wait(1) as a VFS write path reached from the daemon\'s cluster_awrite would (the model\'s cluster_awrite is bawrite, which never does). The seed returns at once (vfs_bio.c:454-455). Timeouts off.',
  cite: ['vfs_bio.c:437-488', 'vfs_bio.c:2304-2309'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 2, hirunningspace: 8 });
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('writer', 0, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BDWRITE]);
    sim.spawn('bufdaemon', 0, bufdaemon_stub as unknown as KernelFunction, [], { daemon: true });
  },
};

// ---------------------------------------------------------------- runningbufspace wait

export const mutRunningbufWait: Scenario = {
  name: 'mut-runningbuf-wait',
  description:
    "waitrunningbufspace / runningbufwakeup (spec §3.3) without the seed's A-2 window: a writer issues an asynchronous write (hirunningspace 1, so one write in flight exceeds 4/6 of it) and then waits in waitrunningbufspace. The write goes to a device that completes only while the waiter is at its sleep (its next step is the tsleep), which excludes the A-2 schedule (the last completion falling between the waiter's test and its registration, after which runningbufreq is never reset). The issue path is bawrite and vn_strategy step for step (scenarios/mutant-ops-a.ts), with that device. Timeouts off: a lost wakeup is a deadlock in waitrunningbufspace.",
  cite: ['vfs_bio.c:249-334', 'vfs_bio.c:1005-1047', 'vfs_bio.c:3320-3390'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    sim.options.timeouts = false;
    setupBufCache(sim, { nbuf: 1, hirunningspace: 1, lodirtybufspace: 2, hidirtybufspace: 8 });
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('writer', 0, late_write_then_wait as unknown as KernelFunction, [vp]);
  },
};

// ---------------------------------------------------------------- sequential programs

const SEQ = [seq_dirty_release, seq_dirty_then_other, seq_dirty_heavy, seq_dirty_grow, seq_dirty_bawrite];

export const mutSeq: Scenario = {
  name: 'mut-seq',
  description:
    'One thread, one buffer, no daemon: prog 0 = bdwrite block 0, getblk it again, brelse with B_RELBUF; 1 = bdwrite block 0, then getblk block 1 (the only buffer is dirty); 2 = bdwrite block 0, getblk it, bheavy, bawrite; 3 = bdwrite block 0, getblk it, allocbuf to two pages, store, bdwrite; 4 = bdwrite block 0, getblk it, bawrite. With pressure=1 vm_paging_min() may say memory is short (brelse B_RELBUF). Timeouts on.',
  cite: ['vfs_bio.c:1049-1116', 'vfs_bio.c:1260-1633', 'vfs_bio.c:1635-1717', 'vfs_bio.c:1194-1209', 'vfs_bio.c:3008-3232'],
  params: {
    prog: { default: 0, min: 0, max: 4, description: 'the program (see the description)' },
    pressure: { default: 0, min: 0, max: 1, description: '1 = vm_paging_min() may say memory is short' },
  },
  defaultCpus: 1,
  options: { timeouts: true, memoryPressure: 'param pressure' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.memoryPressure = p.pressure === 1;
    setupBufCache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    sim.spawn('thread', 0, SEQ[p.prog] as unknown as KernelFunction, [vp]);
  },
};

export const mutantScenariosA: Scenario[] = [mutRunningbufWait, mutGetnewbufWait, mutBdwaitTicket, mutDaemonRequest, mutDaemonBdwait, mutSeq];
