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
import { buf_daemon, buf_daemon_hw } from '../impl/kernel/vfs_bio.ts';
import { GETBLK_BHEAVY } from '../impl/kernel/sys.ts';
import { read_ahead, read_block, write_block, write_block_dep, touch_block, touch_blocks, cache_then_evict, pin_cycle, reclaimer, invalidate_block, mapper, throttled_writes, async_writes, bdwait_only, WRITE_BDWRITE, WRITE_BWRITE } from './bufops.ts';
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
    deps: { default: 1, min: 0, max: 1, description: '1 = the delayed write carries a filesystem dependency (flushbufqueues may defer it or be refused)' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: 'param errors' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.ioErrors = p.errors === 1;
    cache(sim, { nbuf: p.nbuf, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8, flushperqueue: 2 });
    const vp = bufVnode(sim, 'vp', 2);
    const marker = newMarker(sim, 'bufdaemon.marker');
    sim.spawn('writer', 0, write_block_dep, [vp, 0, 1, WRITE_BDWRITE, 0, p.deps]);
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
    pressure: { default: 1, min: 0, max: 1, description: '1 = vm_paging_min() may say memory is short (B_RELBUF releases, pages cached/freed)' },
  },
  defaultCpus: 2,
  options: { timeouts: true, memoryPressure: 'param pressure' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    cache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    sim.options.memoryPressure = p.pressure === 1;
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
    'bread with bogus pages and read-ahead vs a user store through a mapping: block 0 is two pages and page 0 is already resident, valid and clean (an earlier one-page buffer was written and released with B_RELBUF), so the read of block 0 substitutes bogus_page for page 0 — a fill-in read must not destroy it, even if a mapping dirtied it — and reads page 1; read-ahead of block 2 runs asynchronously. A peeker looks up the one-page block at offset 1, whose page the two-page buffer also holds (a page wired by two buffers). Timeouts on.',
  cite: ['vfs_bio.c:890-946', 'vfs_bio.c:3844-4008', 'vfs_bio.c:3485-3714', 'vfs_bio.c:1260-1633', 'vfs_bio.c:3008-3232'],
  params: {
    mapper: { default: 1, min: 0, max: 1, description: '1 = a user stores into page 0 through a mapping' },
    readahead: { default: 1, min: 0, max: 1, description: '1 = breadn with one read-ahead block' },
    peeker: { default: 1, min: 0, max: 1, description: '1 = a thread looks up the one-page block at offset 1 (overlapping buffers)' },
    errors: { default: 0, min: 0, max: 1, description: '1 = the device may fail an I/O' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: 'param errors' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.ioErrors = p.errors === 1;
    cache(sim, { nbuf: 3 });
    const vp = bufVnode(sim, 'vp', 4, 2);
    boot(sim, cache_then_evict as unknown as KernelFunction, [vp, 0, 1]);
    if (p.readahead) sim.spawn('reader', 0, read_ahead, [vp, 0, 2, 2, 2]);
    else sim.spawn('reader', 0, read_block, [vp, 0, 2, 0]);
    if (p.mapper) sim.spawn('mapper', 1, mapper, [vp, 0]);
    if (p.peeker) sim.spawn('peeker', 1, touch_block, [vp, 1, 1, 1]);
  },
};

// ---------------------------------------------------------------- buf-pin

function pinBuild(sim: Sim, p: Record<string, number>): void {
  // flushperqueue (vfs.flushperqueue, RW) bounds the writes per flushbufqueues call; 2 keeps
  // the daemon's loop counter small without changing which paths it can take.
  // One buffer when only the pinning cycle runs, so its second block must recycle the first's.
  cache(sim, { nbuf: p.heavy || p.trunc ? 2 : 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8, flushperqueue: 2 });
  const vp = bufVnode(sim, 'vp', 3);
  if (p.heavy) {
    sim.spawn('heavy', 0, write_block_dep, [vp, 0, 1, WRITE_BDWRITE, GETBLK_BHEAVY, 1]);
    sim.spawn('bufdaemon_hw', 0, buf_daemon_hw, [newMarker(sim, 'bufdaemon_hw.marker')], { daemon: true });
  } else if (p.trunc) {
    sim.spawn('writer', 0, write_block_dep, [vp, 0, 1, WRITE_BDWRITE, 0, 1]);
  }
  if (p.pin) {
    sim.spawn('tmpfs', 1, pin_cycle, [vp, 1, 1]);
    sim.spawn('hammer', 0, reclaimer, [vp, 1]);
  }
  if (p.trunc) sim.spawn('trunc', 1, invalidate_block, [vp, 0, 1]);
}

const pinParams = (heavy: number, pin: number, trunc: number) => ({
  heavy: { default: heavy, min: 0, max: 1, description: '1 = a heavy (GETBLK_BHEAVY) dirty buffer with a dependency, flushed by bufdaemon_hw' },
  pin: { default: pin, min: 0, max: 1, description: '1 = buwrite a buffer with a dependency, need another buffer (getnewbuf may see it pinned), reclaim it' },
  trunc: { default: trunc, min: 0, max: 1, description: '1 = a truncation invalidates the dirty block 0 (brelse B2)' },
});

export const bufDepsScenario: Scenario = {
  name: 'buf-deps',
  description:
    'Dependencies and heavy buffers (what softupdates and HAMMER do to the buffer cache): a heavy-weight buffer carrying a dependency is delayed-written (BQUEUE_DIRTY_HW) and flushed by bufdaemon_hw, whose flushbufqueues may defer it once (buf_countdeps, B_DEFERRED, re-inserted behind the marker) or be refused by buf_checkwrite; meanwhile a truncation invalidates the block (brelse B2: counters dropped without reassignbuf, the dependency resolved by buf_deallocate). Every answer of the dependency hooks is explored. Timeouts on.',
  cite: ['vfs_bio.c:1194-1209', 'vfs_bio.c:2318-2475', 'vfs_bio.c:1297-1323', 'vfs_bio.c:3567-3572'],
  params: pinParams(1, 0, 1),
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build: pinBuild,
};

export const bufPinScenario: Scenario = {
  name: 'buf-pin',
  description:
    'Pinning (B_LOCKED): a tmpfs-style writer buwrite()s a clean buffer carrying a dependency (its pages become need-commit), then needs another block; getnewbuf may pick that buffer, and buf_deallocate may pin it (B_LOCKED, bqrelse to BQUEUE_LOCKED, restart reason 3) instead of resolving the dependency; the filesystem then reclaims it: findblk, bremfree off BQUEUE_LOCKED, brelse back there while still pinned, regetblk, resolve and unpin, bqrelse. Timeouts on.',
  cite: ['vfs_bio.c:1118-1149', 'vfs_bio.c:2041-2060', 'vfs_bio.c:1538-1545', 'vfs_bio.c:1664-1673', 'vfs_bio.c:2990-3006'],
  params: pinParams(0, 1, 0),
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build: pinBuild,
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

export const bufcacheScenarios: Scenario[] = [biowaitScenario, bufDelwriScenario, bufReuseScenario, bufReadwriteScenario, bufDepsScenario, bufPinScenario, runningspaceScenario];
