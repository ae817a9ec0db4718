/** Scenarios that mutants M20-M35 and M45-M49 need (the smallest workloads of spec §7). They pass on the unmodified seed. */
import type { Sim } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { newBuf, registerBuf, type Buf } from '../impl/env/bio.ts';
import { setupBufCache, newMarker } from '../impl/env/bufcache.ts';
import { BUF_DOMAINS, boot, bufVnode } from './bufcache.ts';
import { cache_then_evict, mapper, nocache_block, read_block, touch_block, write_block, WRITE_BWRITE } from './bufops.ts';
import { nested_read, writes_then_daemon, page_actor, pinned_bdwrite, touch_zero, write_aborted, write_then_truncate, write_two_layer } from './mutant-ops-b.ts';
import type { Scenario } from './types.ts';

/** The domains of these scenarios: the buffer-cache catalog plus the checks of invariants/mutant-catalog-b.ts. */
const DOMAINS = [...BUF_DOMAINS, 'buf-b'];

function scenario(s: Omit<Scenario, 'domains' | 'defaultCpus' | 'options'> & { defaultCpus?: number; options?: Record<string, unknown> }): Scenario {
  return { defaultCpus: 2, options: { timeouts: true }, domains: DOMAINS, ...s };
}

/**
 * A pbuf (getpbuf's private buffer, used for nested sub-I/Os): not a buf[] header. It has no
 * b_qindex (it is never on a buffer queue) and its bio no bio_flags (nobody waits on it), so
 * neither the buf nor the bio conformance machine binds it, and the buf[] invariants skip it.
 */
function newPbuf(sim: Sim, name: string): Buf {
  const pb = newBuf();
  delete (pb as unknown as Record<string, unknown>).b_qindex;
  delete (pb.b_bio1 as unknown as Record<string, unknown>).bio_flags;
  return registerBuf(sim.world, name, pb);
}

export const mutantScenariosB: Scenario[] = [
  scenario({
    name: 'mb-flush',
    description:
      'The buffer daemon flushes delayed writes: blocks 0..n-1 are bdwrite()n (the last optionally carrying a filesystem dependency, so flushbufqueues may defer it once with B_DEFERRED), then bufdaemon runs (on the same thread, so no writer holds a queued buffer locked during a scan): flushbufqueues with its marker, bawrite completions by interrupt. Timeouts on (the daemon polls at hz).',
    cite: ['vfs_bio.c:2228-2288', 'vfs_bio.c:2318-2475', 'vfs_bio.c:1049-1116'],
    params: {
      n: { default: 1, min: 1, max: 2, description: 'delayed writes (blocks 0..n-1), one buffer each' },
      deps: { default: 0, min: 0, max: 1, description: '1 = the last block written carries a dependency (buf_countdeps / buf_checkwrite answer both ways)' },
    },
    build(sim, p) {
      setupBufCache(sim, { nbuf: p.n, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8, flushperqueue: 2 });
      const vp = bufVnode(sim, 'vp', p.n);
      const marker = newMarker(sim, 'bufdaemon.marker');
      sim.spawn('bufdaemon', 0, writes_then_daemon, [vp, p.n, p.deps, marker], { daemon: true });
    },
  }),
  scenario({
    name: 'mb-zero-miss',
    description:
      'Two threads miss on the same block concurrently with zero-size getblk()s (getblk(vp, 0, 0)): both call getnewbuf, only one bgetvp hash insert succeeds and the loser must invalidate and release its header and re-find the winner (vfs_bio.c:2949-2966). Zero size keeps allocbuf off the page path. Timeouts on.',
    cite: ['vfs_bio.c:2909-2978', 'vfs_bio.c:2949-2966'],
    params: {},
    build(sim) {
      setupBufCache(sim, { nbuf: 2 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('A', 0, touch_zero, [vp, 0]);
      sim.spawn('B', 1, touch_zero, [vp, 0]);
    },
  }),
  scenario({
    name: 'mb-pinned',
    description: 'A filesystem pins its own buffer (B_LOCKED, as HAMMER does) and delays a write of it: bdwrite\'s bqrelse must put it on BQUEUE_LOCKED, not on a dirty queue the buffer daemon flushes. One thread.',
    cite: ['vfs_bio.c:1635-1717', 'vfs_bio.c:1664-1678'],
    params: {},
    defaultCpus: 1,
    build(sim) {
      setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('fs', 0, pinned_bdwrite, [vp, 0]);
    },
  }),
  scenario({
    name: 'mb-pages',
    description:
      'vfs_busy_pages vs a VM actor: a thread bread()s a two-page block whose pages are resident but invalid (evicted with B_NOCACHE at boot) while a VM actor hard-busies the same two pages in ascending pindex order (the VM\'s convention). Timeouts on.',
    cite: ['vfs_bio.c:3844-4008', 'vfs_bio.c:3880-3893'],
    params: {},
    build(sim) {
      setupBufCache(sim, { nbuf: 1 });
      const vp = bufVnode(sim, 'vp', 2, 2);
      boot(sim, nocache_block as unknown as KernelFunction, [vp, 0, 2]);
      sim.spawn('reader', 0, read_block, [vp, 0, 2, 0]);
      sim.spawn('actor', 1, page_actor, [vp, 0, 1]);
    },
  }),
  scenario({
    name: 'mb-inval',
    description: 'One thread: a getblk miss of a one-page block that nothing initialises, released with B_INVAL (brelse -> vfs_vmio_release unwires the page and brelvp disassociates the buffer).',
    cite: ['vfs_bio.c:1260-1633', 'vfs_bio.c:1747-1867'],
    params: {},
    defaultCpus: 1,
    build(sim) {
      setupBufCache(sim, { nbuf: 1 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('A', 0, touch_block, [vp, 0, 1, 1]);
    },
  }),
  scenario({
    name: 'mb-two-layer',
    description:
      'An asynchronous write through a two-layer bio (the pattern of vn_cache_strategy_callback, vfs_bio.c:3478-3483): biodone of the lower layer runs the upper layer\'s callback, which calls biodone again, so runningbufwakeup runs twice for one write (the second must be a no-op). The model collapses b_bio2, so both biodones are on b_bio1. Timeouts on.',
    cite: ['vfs_bio.c:249-282', 'vfs_bio.c:3716-3760', 'vfs_bio.c:3478-3483'],
    params: {},
    build(sim) {
      setupBufCache(sim, { nbuf: 1, hirunningspace: 8, lodirtybufspace: 2, hidirtybufspace: 8 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('writer', 0, write_two_layer, [vp, 0]);
    },
  }),
  scenario({
    name: 'mb-abort',
    description:
      'A write whose strategy is aborted before the device sees it: the pages are unbusied with vfs_unbusy_pages (which returns the running space, vfs_bio.c:3803), the command is cleared and the filesystem keeps the data as a delayed write. One thread.',
    cite: ['vfs_bio.c:3791-3842', 'vfs_bio.c:1246-1258'],
    params: {},
    defaultCpus: 1,
    build(sim) {
      setupBufCache(sim, { nbuf: 1, hirunningspace: 8, lodirtybufspace: 2, hidirtybufspace: 8 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('writer', 0, write_aborted, [vp, 0]);
    },
  }),
  scenario({
    name: 'mb-trunc',
    description: 'One thread: a delayed write of block 0 (bdwrite), then a truncation re-gets the buffer, sets B_INVAL and brelse()s it (brelse drops the dirty counters itself, vfs_bio.c:1311-1321).',
    cite: ['vfs_bio.c:1297-1323', 'vfs_bio.c:1049-1116'],
    params: {},
    defaultCpus: 1,
    build(sim) {
      setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8 });
      const vp = bufVnode(sim, 'vp', 1);
      sim.spawn('fs', 0, write_then_truncate, [vp, 0]);
    },
  }),
  scenario({
    name: 'mb-nested',
    description:
      'Nested I/O (vfs_bio.c:4440-4588): a striping driver reads a two-page block as two one-page sub-I/Os on pbufs (not buf[] headers): nestiobuf_init, then nestiobuf_add + device start per sub, then nestiobuf_start; each sub completes by interrupt (nestiobuf_iodone -> nestiobuf_done) and the last one completes the master (biodone -> bpdone(bp, 1)). Timeouts on.',
    cite: ['vfs_bio.c:4440-4588'],
    params: {
      subs: { default: 2, min: 1, max: 2, description: 'sub-I/Os (one page each)' },
    },
    build(sim, p) {
      setupBufCache(sim, { nbuf: 1 });
      const vp = bufVnode(sim, 'vp', 2, 2);
      const pb0 = newPbuf(sim, 'pbuf0');
      const pb1 = p.subs > 1 ? newPbuf(sim, 'pbuf1') : null;
      sim.spawn('driver', 0, nested_read, [vp, pb0, pb1]);
    },
  }),
  scenario({
    name: 'mb-refs',
    description: 'Two getblk hits on the same cached block at once (findblk refs under v_token, NOWAIT lock or timed lock, bqdrop): b_refs is raised and dropped concurrently on two CPUs. Timeouts on.',
    cite: ['vfs_bio.c:1719-1745', 'vfs_bio.c:2527-2620', 'vfs_bio.c:2745-2792'],
    params: {},
    build(sim) {
      setupBufCache(sim, { nbuf: 1 });
      const vp = bufVnode(sim, 'vp', 1);
      boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
      sim.spawn('A', 0, touch_block, [vp, 0, 1, 1]);
      sim.spawn('B', 1, touch_block, [vp, 0, 1, 1]);
    },
  }),
  scenario({
    name: 'mb-bogus',
    description:
      'bread of a two-page block whose page 0 is already resident and valid (bogus_page substitution, vfs_bio.c:3952-3967; bpdone restores it), optionally with a user store into page 0 through a mapping. Timeouts on.',
    cite: ['vfs_bio.c:3844-4008', 'vfs_bio.c:3485-3714'],
    params: {
      mapper: { default: 0, min: 0, max: 1, description: '1 = a user stores into page 0 through a mapping' },
    },
    build(sim, p) {
      setupBufCache(sim, { nbuf: 1 });
      const vp = bufVnode(sim, 'vp', 2, 2);
      boot(sim, cache_then_evict as unknown as KernelFunction, [vp, 0, 1]);
      sim.spawn('reader', 0, read_block, [vp, 0, 2, 0]);
      if (p.mapper) sim.spawn('mapper', 1, mapper, [vp, 0]);
    },
  }),
];
