/**
 * The buffer-cache scenarios (SPEC "Scenarios"): real buffers from getblk on a vnode with a VM
 * object and a versioned disk, the I/O paths, the buffer daemon, page busying and bogus pages.
 *
 * Boot set-up (caching a block before the workload starts) runs the seed's own code to
 * completion on a set-up thread (`boot`), so the initial state is one the kernel reaches, not
 * one written by hand.
 */
import type { Sim } from '../impl/sim/kernel.ts';
import { choiceThread } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { newDevice } from '../impl/sim/device.ts';
import { newVnode, registerVnode, type Vnode } from '../impl/env/vnode.ts';
import { setupBufCache, newMarker, type BufCacheConfig } from '../impl/env/bufcache.ts';
import { buf_daemon } from '../impl/kernel/vfs_bio.ts';
import { read_ahead, read_block, write_block, touch_block, touch_blocks, evict_block, mapper, throttled_writes, async_writes, bdwait_only, WRITE_BAWRITE, WRITE_BDWRITE, WRITE_BWRITE } from './bufops.ts';
import { biowait_workload } from './bufops_biowait.ts';
import type { Scenario } from './types.ts';

/** The buffer-cache invariant domains. */
export const BUF_DOMAINS = ['trk', 'bio', 'buf', 'dur'];

/** A vnode with `npages` page-sized blocks of disk, registered as `name`. */
export function bufVnode(sim: Sim, name: string, npages: number, iosize = 1): Vnode {
  const dev = sim.world.add(`${name}.disk`, newDevice());
  return registerVnode(sim.world, name, newVnode(dev, npages, iosize));
}

/**
 * Runs `fn(...args)` on a set-up thread, and every interrupt it causes, to completion (always
 * the first enabled choice, success variants): boot-time state made by the seed's own code.
 */
export function boot(sim: Sim, fn: KernelFunction, args: unknown[]): void {
  sim.spawn('boot', 0, fn, args);
  const saved = sim.options.ioErrors;
  const savedMem = sim.options.memoryPressure;
  sim.options.ioErrors = false;
  sim.options.memoryPressure = false;
  for (let n = 0; n < 10_000; n++) {
    const c = sim.choices();
    if (c.length === 0) break;
    if (sim.threads.every((t) => t.done || t.daemon)) break;
    sim.step(c[0]);
    void choiceThread;
  }
  sim.options.ioErrors = saved;
  sim.options.memoryPressure = savedMem;
  sim.options.booted = true;
  if (!sim.threads.every((t) => t.done)) throw new Error('boot: set-up did not complete');
}

function cache(sim: Sim, cfg: BufCacheConfig): void {
  setupBufCache(sim, cfg);
}

// ---------------------------------------------------------------- biowait

export const biowaitScenario: Scenario = {
  name: 'biowait',
  description:
    'Synchronous I/O on a real buffer: a thread repeatedly bwrite()s (or bread()s) one block and waits in biowait while biodone/biodone_sync runs in interrupt context; with fault injection the B_ERROR paths (re-dirty on a failed write, invalidation on a failed read) run; timeouts off.',
  cite: ['vfs_bio.c:948-1003', 'vfs_bio.c:890-946', 'vfs_bio.c:3234-3296', 'vfs_bio.c:3716-3789', 'vfs_bio.c:3485-3714'],
  params: {
    ios: { default: 2, min: 1, max: 3, description: 'sequential synchronous I/Os on the same block' },
    write: { default: 1, min: 0, max: 1, description: '1 = bwrite, 0 = bread then brelse(B_INVAL)' },
    errors: { default: 1, min: 0, max: 1, description: '1 = the device may fail an I/O with EIO' },
  },
  defaultCpus: 2,
  options: { timeouts: false, ioErrors: 'param errors', intrCpu: 'last CPU' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = false;
    sim.options.ioErrors = p.errors === 1;
    cache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('issuer', 0, biowait_workload, [vp, p.ios, p.write]);
  },
};

// ---------------------------------------------------------------- buf-delwri

export const bufDelwriScenario: Scenario = {
  name: 'buf-delwri',
  description:
    'bdwrite vs the buf daemon vs getblk: a writer delays a write of block 0 (bdwrite), the buf daemon flushes it (flushbufqueues, marker protocol, cluster_awrite = bawrite), and a reader of block 1 needs the only buffer, so getnewbuf must wait for the flush to complete and recycle it. Timeouts on (the daemon polls at hz).',
  cite: ['vfs_bio.c:1049-1116', 'vfs_bio.c:2228-2475', 'vfs_bio.c:1869-2199', 'vfs_bio.c:1151-1244'],
  params: {
    nbuf: { default: 1, min: 1, max: 2, description: 'buffer headers' },
    errors: { default: 0, min: 0, max: 1, description: '1 = writes may fail (re-dirty, B_ERROR flush path)' },
    reader: { default: 1, min: 0, max: 1, description: '1 = a reader of block 1 competes for buffers' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: 'param errors' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.ioErrors = p.errors === 1;
    cache(sim, { nbuf: p.nbuf, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    const vp = bufVnode(sim, 'vp', 2);
    const marker = newMarker(sim, 'bufdaemon.marker');
    sim.spawn('writer', 0, write_block, [vp, 0, 1, WRITE_BDWRITE]);
    if (p.reader) sim.spawn('reader', sim.ncpus - 1, read_block, [vp, 1, 1, 0]);
    sim.spawn('bufdaemon', 0, buf_daemon, [marker], { daemon: true });
  },
};

// ---------------------------------------------------------------- buf-reuse

export const bufReuseScenario: Scenario = {
  name: 'buf-reuse',
  description:
    'getnewbuf recycling vs findblk/getblk references on 2 CPUs: block 0 is cached clean in the only buffer; thread A looks it up (getblk hit: ref under v_token, lock, drop ref, revalidate) while thread B misses on block 1 and recycles that buffer (getnewbuf: B_AGE second chance, NOWAIT lock, b_refs rechecks, brelvp, reason-6 restart). Timeouts on (getnewbuf polls a locked head buffer).',
  cite: ['vfs_bio.c:1869-2199', 'vfs_bio.c:2527-2620', 'vfs_bio.c:2682-2988'],
  params: {
    lookups: { default: 1, min: 1, max: 2, description: 'how many times thread A looks block 0 up' },
  },
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim, p) {
    cache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    // Both getblks pass a sleep timeout: an untimed wait for a buffer hangs on the seed's lost
    // wakeup A-1 (hazard-A-1 shows it), which a default scenario must avoid (SPEC "Hazards").
    sim.spawn('A', 0, touch_blocks, [vp, 0, 1, 1, p.lookups]);
    sim.spawn('B', 1, touch_block, [vp, 1, 1, 1]);
  },
};

// ---------------------------------------------------------------- buf-readwrite

export const bufReadwriteScenario: Scenario = {
  name: 'buf-readwrite',
  description:
    'bread with bogus pages and read-ahead vs a user store through a mapping: block 0 is two pages and page 0 is already resident and valid (an earlier one-page buffer was released with B_RELBUF), so the read of block 0 substitutes bogus_page for page 0 (a fill-in read must not destroy it, even if a mapping dirtied it) and reads page 1; read-ahead of block 2 runs asynchronously. A writer then bawrite()s block 0. Timeouts on.',
  cite: ['vfs_bio.c:890-946', 'vfs_bio.c:3844-4008', 'vfs_bio.c:3485-3714', 'vfs_bio.c:1260-1633', 'vfs_bio.c:3008-3232'],
  params: {
    mapper: { default: 1, min: 0, max: 1, description: '1 = a user stores into page 0 through a mapping' },
    readahead: { default: 1, min: 0, max: 1, description: '1 = breadn with one read-ahead block' },
    writer: { default: 0, min: 0, max: 1, description: '1 = a writer bawrite()s block 0 afterwards' },
    errors: { default: 0, min: 0, max: 1, description: '1 = the device may fail an I/O' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: 'param errors' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.ioErrors = p.errors === 1;
    cache(sim, { nbuf: 2 });
    const vp = bufVnode(sim, 'vp', 4, 2);
    boot(sim, evict_block as unknown as KernelFunction, [vp, 0, 1]);
    if (p.readahead) sim.spawn('reader', 0, read_ahead, [vp, 0, 2, 2, 2]);
    else sim.spawn('reader', 0, read_block, [vp, 0, 2, 0]);
    if (p.mapper) sim.spawn('mapper', 1, mapper, [vp, 0]);
    if (p.writer) sim.spawn('writer', 1, write_block, [vp, 0, 2, WRITE_BAWRITE]);
  },
};

// ---------------------------------------------------------------- runningspace

export const runningspaceScenario: Scenario = {
  name: 'runningspace',
  description:
    'Running-space accounting and the bd_wait ticket wakeups: a writer issues an asynchronous write (bsetrunningbufspace; biodone runs runningbufwakeup, which returns the space, resets runningbufreq and issues a bd_signal ticket) while another thread waits in bd_wait for one buffer of flushing. With throttle=1 the writer then waits in waitrunningbufspace (hirunningspace is one unit, so one write in flight exceeds 4/6 of it): the seed\'s self-registration stall of runningbufreq (A-2) then makes it poll forever once the last write has completed, so that run has no finite state space — hazard-A-2 shows it with timeouts off. Timeouts on (bd_wait sleeps at most hz).',
  cite: ['vfs_bio.c:249-334', 'vfs_bio.c:437-513', 'vfs_bio.c:1246-1258', 'vfs_bio.c:3716-3724'],
  params: {
    bdwait: { default: 1, min: 0, max: 1, description: '1 = a second thread waits in bd_wait' },
    writes: { default: 1, min: 1, max: 2, description: 'asynchronous writes (of different blocks) the writer issues' },
    throttle: { default: 0, min: 0, max: 1, description: '1 = the writer then waits in waitrunningbufspace (see A-2)' },
  },
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim, p) {
    cache(sim, { nbuf: 2, hirunningspace: 1, lodirtybufspace: 2, hidirtybufspace: 2 });
    const vp = bufVnode(sim, 'vp', 2);
    sim.spawn('writer', 0, p.throttle ? throttled_writes : async_writes, [vp, p.writes]);
    if (p.bdwait) sim.spawn('bdwaiter', 1, bdwait_only, [vp, 1, 1]);
  },
};

export const bufcacheScenarios: Scenario[] = [biowaitScenario, bufDelwriScenario, bufReuseScenario, bufReadwriteScenario, runningspaceScenario];
