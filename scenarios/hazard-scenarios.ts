/** `hazard-<id>` scenarios: each reproduces a hazard of the unmodified seed (SPEC §Hazards, docs/hazards.md). */
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import { setupBufCache } from '../impl/env/bufcache.ts';
import { BUF_DOMAINS, boot, bufVnode } from './bufcache.ts';
import { touch_block, touch_blocks, write_block, write_block_dep, nocache_block, read_block, invalidate_block, WRITE_BWRITE, WRITE_BDWRITE } from './bufops.ts';
import {
  cluster_write, touch_untimed, bawrite_then_wait, direct_read, pinned_bdwrite, resize_dirty, error_bwrite, findblk_hold, alloc_after_gate, direct_read_bqrelse, nested_read_checked,
} from './hazard-ops.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { newBuf, registerBuf, type Buf } from '../impl/env/bio.ts';
import type { Scenario } from './types.ts';

// ----------------------------------------------------------------

export const hazardA1: Scenario = {
  name: 'hazard-A-1',
  hazard: 'A-1',
  description:
    'A-1, the needsbuffer registration window: one buffer, caching block 0 clean. Thread A looks block 0 up and releases it (getblk hit, brelse); thread B misses on block 1 and needs that buffer. Both getblks pass slptimeo 0 and timeouts are off. If A releases the buffer after B\'s scan found it locked-or-absent and released the queue spin (vfs_bio.c:2159) but before B sets needsbuffer (vfs_bio.c:2177), bufcountwakeup sees needsbuffer == 0 and wakes nobody; B then sleeps in "newbuf" forever (vfs_bio.c:2184).',
  cite: ['vfs_bio.c:2146-2189', 'vfs_bio.c:292-308', 'vfs_bio.c:227-247', 'vfs_bio.c:1612-1626'],
  params: {
    lookups: { default: 1, min: 1, max: 1, description: 'thread A looks block 0 up once' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    setupBufCache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    sim.spawn('A', 0, touch_untimed, [vp, 0, 1]);
    sim.spawn('B', 1, touch_untimed, [vp, 1, 1]);
  },
};

// ----------------------------------------------------------------

export const hazardA2: Scenario = {
  name: 'hazard-A-2',
  hazard: 'A-2',
  description:
    'A-2, the runningbufreq self-registration stall: a writer bawrite()s one block (hirunningspace is one unit, so the write alone exceeds the 4/6 limit) and then calls waitrunningbufspace. Timeouts off. If the write completes (runningbufwakeup resets runningbufreq and wakes nobody) before the writer registers (vfs_bio.c:330), the writer sleeps on runningbufreq forever; with timeouts on it would poll at hz forever.',
  cite: ['vfs_bio.c:310-334', 'vfs_bio.c:255-282'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: false },
  domains: BUF_DOMAINS,
  build(sim) {
    setupBufCache(sim, { nbuf: 1, hirunningspace: 1, lodirtybufspace: 2, hidirtybufspace: 2 });
    sim.options.timeouts = false;
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('writer', 0, bawrite_then_wait, [vp, 0, 1]);
  },
};

// ----------------------------------------------------------------

export const hazardA4: Scenario = {
  name: 'hazard-A-4',
  hazard: 'A-4',
  description:
    'A-4, the unlocked read-modify-write of b_flags in getnewbuf: two of the four buffers cache blocks 0 and 1 clean on CPU 0\'s CLEAN queue. Thread A reads block 0 with B_DIRECT and brelse()s it; thread B misses on block 2 and scans the CLEAN queue, giving block 0\'s buffer its second chance (b_flags |= B_AGE under the pcpu spin but without the buffer lock, vfs_bio.c:1957). Run with the patch hazards/patches/A-4-age-rmw.ts, which executes that statement as a load and a store (what the plain C compiles to): A\'s clear of B_DIRECT after enqueue (vfs_bio.c:1631) can fall between them and be lost. Without the patch (b_flags updates atomic within a step) the scenario passes.',
  cite: ['vfs_bio.c:1951-1963', 'vfs_bio.c:1603', 'vfs_bio.c:1628-1632'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim) {
    // Four headers, two per CPU (bufinit spreads them): the boot caches blocks 0 and 1 in CPU 0's
    // two, so CPU 0's CLEAN queue holds both and the second-chance branch (nbp != NULL) runs.
    setupBufCache(sim, { nbuf: 4 });
    const vp = bufVnode(sim, 'vp', 3);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    boot(sim, write_block as unknown as KernelFunction, [vp, 1, 1, WRITE_BWRITE]);
    // B scans CPU 0's queues under its spin; A runs on the other CPU (a spin holder is not
    // preempted by a thread of its own CPU).
    sim.spawn('A', 1, direct_read, [vp, 0, 1]);
    sim.spawn('B', 0, touch_untimed, [vp, 2, 1]);
  },
};

// ----------------------------------------------------------------

export const hazardA6: Scenario = {
  name: 'hazard-A-6',
  hazard: 'A-6',
  description:
    'A-6, bqrelse comment vs code: a filesystem pins a buffer it has just dirtied (B_LOCKED, as HAMMER does) and bdwrite()s it. bqrelse tests B_LOCKED before B_DELWRI (vfs_bio.c:1664), so the dirty buffer goes to BQUEUE_LOCKED, where no buf daemon looks, not to the dirty queue its comment (vfs_bio.c:1666-1670) describes; the workload asserts the comment and fails.',
  cite: ['vfs_bio.c:1664-1673', 'vfs_bio.c:1538-1545', 'vfs_bio.c:1049-1116'],
  params: {},
  defaultCpus: 1,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim) {
    setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('hammer', 0, pinned_bdwrite, [vp, 0, 1]);
  },
};

// ----------------------------------------------------------------

export const hazardA13: Scenario = {
  name: 'hazard-A-13',
  hazard: 'A-13',
  description:
    'A-13, persistent write errors loop forever: a thread delays a write of block 0 (one page) and then asks getblk for block 0 at two pages. getblk writes the dirty buffer first and restarts (vfs_bio.c:2852-2864); with errors=1 every write may fail with EIO, bpdone re-dirties the buffer (vfs_bio.c:3541-3565) and the restart writes it again. Each completion is a new device event (the disk counts completions), so the retry cycle has no end: the exhaustive search reaches its step bound instead of completing. With errors=0 the same workload completes.',
  cite: ['vfs_bio.c:2837-2864', 'vfs_bio.c:3541-3565', 'vfs_bio.c:948-1003'],
  params: {
    errors: { default: 1, min: 0, max: 1, description: '1 = every write may fail with EIO (the retry cycle); 0 = the control run' },
  },
  defaultCpus: 1,
  options: { timeouts: true, ioErrors: 'param errors' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.ioErrors = p.errors === 1;
    setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    const vp = bufVnode(sim, 'vp', 2);
    sim.spawn('writer', 0, resize_dirty, [vp, 0, 1, 2]);
  },
};

// ----------------------------------------------------------------

export const hazardA5: Scenario = {
  name: 'hazard-A-5',
  hazard: 'A-5',
  description:
    'A-5, brelse branches predicted unreachable, explored with the probe patch hazards/patches/A-5-brelse-probes.ts (the seed brelse plus a panic on each): every kind of destructive release on VMIO buffers at once — B_NOCACHE|B_INVAL of a cached block, B_INVAL of a delayed-write block (brelse B2), failed reads (B_ERROR) with I/O errors, and memory pressure (brelse P sets B_RELBUF, bqrelse falls back to brelse). Three buffers, three blocks, timeouts on.',
  cite: ['vfs_bio.c:1561-1574', 'vfs_bio.c:1605-1610', 'vfs_bio.c:1508-1523', 'vfs_bio.c:1297-1354'],
  params: {
    nocache: { default: 1, min: 0, max: 1, description: '1 = a thread releases cached block 0 with B_NOCACHE|B_INVAL' },
    trunc: { default: 1, min: 0, max: 1, description: '1 = a truncation invalidates delayed-write block 1 (brelse B2)' },
    reader: { default: 0, min: 0, max: 1, description: '1 = a reader of block 2, whose read may fail (B_ERROR)' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: true, memoryPressure: true },
  domains: BUF_DOMAINS,
  build(sim, p) {
    setupBufCache(sim, { nbuf: 3, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    const vp = bufVnode(sim, 'vp', 3);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    boot(sim, write_block_dep as unknown as KernelFunction, [vp, 1, 1, WRITE_BDWRITE, 0, 0]);
    sim.options.ioErrors = true;
    sim.options.memoryPressure = true;
    if (p.nocache) sim.spawn('nocache', 0, nocache_block, [vp, 0, 1]);
    if (p.trunc) sim.spawn('trunc', 1, invalidate_block, [vp, 1, 1]);
    if (p.reader) sim.spawn('reader', 1, read_block, [vp, 2, 1, 0]);
  },
};

// ----------------------------------------------------------------

export const hazardA9: Scenario = {
  name: 'hazard-A-9',
  hazard: 'A-9',
  description:
    'A-9, error-invalidated pages of a re-dirtied buffer: a thread bwrite()s block 0 (one page) and the write may fail with EIO. bpdone re-dirties the buffer (vfs_bio.c:3541-3565); bwrite\'s brelse keeps the B_DELWRI buffer (vfs_bio.c:1291-1296) but, B_ERROR being set, clears its page\'s valid bits (vfs_bio.c:1481-1493). check=1: the workload asserts after bwrite returns that a B_DELWRI buffer\'s pages are valid, and fails. check=0: it writes the block again instead (the retry re-validates the page, vfs_bio.c:3950); the search completes with DUR-01 holding: the data never leaves the wired page.',
  cite: ['vfs_bio.c:1481-1493', 'vfs_bio.c:1291-1296', 'vfs_bio.c:3541-3565', 'vfs_bio.c:3929-3951'],
  params: {
    check: { default: 1, min: 0, max: 1, description: '1 = assert the pages of a DELWRI buffer are valid after brelse; 0 = retry the write (the control: no violation)' },
  },
  defaultCpus: 1,
  options: { timeouts: true, ioErrors: true },
  domains: BUF_DOMAINS,
  build(sim, p) {
    setupBufCache(sim, { nbuf: 1, lodirtybufspace: 2, hidirtybufspace: 8, hirunningspace: 8 });
    sim.options.ioErrors = true;
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('writer', 0, error_bwrite, [vp, 0, 1, p.check]);
  },
};

// ----------------------------------------------------------------

export const hazardA12: Scenario = {
  name: 'hazard-A-12',
  hazard: 'A-12',
  description:
    'A-12, getnewbuf head-of-line blocking: two buffers on one CPU cache blocks 0 and 1 clean (CLEAN queue [b0, b1]). The holder findblk()s block `block` (locked, still queued: vfs_bio.c:2533-2535) and opens a gate; the allocator then getblk()s block 2, and the holder unlocks at any later point. The allocator asserts that the holder had released its buffer when getblk returned. block=0: the first scan gives both buffers their second chance (B_AGE, vfs_bio.c:1951-1963), which puts the locked b0 back at the head; every later scan fails its NOWAIT lock on b0, sleeps (hz + 99) / 100 ticks and restarts from the head (reason 1, vfs_bio.c:2024-2030), never reaching the free b1 — the assertion never fires. block=1 (the control): the locked buffer is second, the scan reaches b0 and reuses it while b1 is held — the assertion fires.',
  cite: ['vfs_bio.c:2024-2030', 'vfs_bio.c:1951-1963', 'vfs_bio.c:2533-2535', 'vfs_bio.c:2585-2593'],
  params: {
    block: { default: 0, min: 0, max: 1, description: 'the block the holder keeps locked: 0 = the head of the CLEAN queue; 1 = the control' },
    timeouts: { default: 1, min: 0, max: 1, description: '0 = timeouts off: the reason-1 sleep (vfs_bio.c:2026) then has nobody to end it, a deadlock that shows the allocator polling' },
  },
  defaultCpus: 1,
  options: { timeouts: 'param timeouts' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    sim.options.timeouts = p.timeouts === 1;
    setupBufCache(sim, { nbuf: 2 });
    const vp = bufVnode(sim, 'vp', 3);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    boot(sim, write_block as unknown as KernelFunction, [vp, 1, 1, WRITE_BWRITE]);
    const gate = sim.world.add('gate', { open: 0, released: 0 });
    sim.spawn('holder', 0, findblk_hold, [vp, p.block, gate]);
    sim.spawn('alloc', 0, alloc_after_gate, [vp, 2, gate]);
  },
};

// ----------------------------------------------------------------

/** A pbuf (as scenarios/mutant-scenarios-b.ts makes them): not a buf[] header, never queued. */
function newPbuf(sim: Sim, name: string): Buf {
  const pb = newBuf();
  delete (pb as unknown as Record<string, unknown>).b_qindex;
  delete (pb.b_bio1 as unknown as Record<string, unknown>).bio_flags;
  return registerBuf(sim.world, name, pb);
}

export const hazardA14: Scenario = {
  name: 'hazard-A-14',
  hazard: 'A-14',
  description:
    'A-14, the two vfs_bio.c asymmetries. part=0 (nested I/O): mb-nested\'s striping read of a two-page block as two one-page sub-I/Os, reads may fail (EIO); the master\'s bio_done asserts nestiobuf_start\'s convention for a failed master (b_resid = b_bcount, vfs_bio.c:4536-4539), which nestiobuf_done breaks when the last sub completes after nestiobuf_start (b_resid = 0, vfs_bio.c:4503). part=1 (bqrelse): a VOP_READ of cached block 0 with B_DIRECT released by bqrelse, which, unlike brelse (vfs_bio.c:1631), leaves B_DIRECT set (vfs_bio.c:1714); the workload asserts brelse\'s behaviour.',
  cite: ['vfs_bio.c:4503', 'vfs_bio.c:4536-4539', 'vfs_bio.c:1714', 'vfs_bio.c:1631'],
  params: {
    part: { default: 0, min: 0, max: 1, description: '0 = nestiobuf b_resid on error; 1 = bqrelse and B_DIRECT' },
  },
  defaultCpus: 2,
  options: { timeouts: true, ioErrors: 'param part' },
  domains: BUF_DOMAINS,
  build(sim, p) {
    setupBufCache(sim, { nbuf: 1 });
    if (p.part === 0) {
      sim.options.ioErrors = true;
      const vp = bufVnode(sim, 'vp', 2, 2);
      sim.spawn('driver', 0, nested_read_checked, [vp, newPbuf(sim, 'pbuf0'), newPbuf(sim, 'pbuf1')]);
    } else {
      const vp = bufVnode(sim, 'vp', 1);
      boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
      sim.spawn('reader', 0, direct_read_bqrelse, [vp, 0, 1]);
    }
  },
};

// ----------------------------------------------------------------

export const hazardA7: Scenario = {
  name: 'hazard-A-7',
  hazard: 'A-7',
  description:
    'A-7, no restart reason 4: getnewbuf under contention on 2 CPUs (the buf-reuse workload without memory pressure: a lookup of the cached block 0 races a miss on block 1 that recycles the only buffer), taking restarts 1 (a locked candidate), 6 (a late findblk reference) and 7 (the next CPU). BUF-43 checks every restart\'s reason against {1, 2, 3, 5, 6, 7}: the exploration completes without it firing.',
  cite: ['vfs_bio.c:1909-2166'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: true },
  domains: BUF_DOMAINS,
  build(sim) {
    setupBufCache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 2);
    boot(sim, write_block as unknown as KernelFunction, [vp, 0, 1, WRITE_BWRITE]);
    sim.spawn('A', 0, touch_blocks, [vp, 0, 1, 1, 1]);
    sim.spawn('B', 1, touch_block, [vp, 1, 1, 1]);
  },
};

// ----------------------------------------------------------------

export const hazardA8: Scenario = {
  name: 'hazard-A-8',
  hazard: 'A-8',
  description:
    'A-8, the B_CLUSTER asymmetry: vfs_busy_pages skips the soft-busy and paging-in-progress accounting for a B_CLUSTER buffer (vfs_bio.c:3902), but bpdone undoes it for every VMIO buffer (vfs_bio.c:3665-3689). A writer marks its VMIO buffer B_CLUSTER, as cluster code marks its pbufs, and bawrite()s it: the completion finds a page whose I/O count is already 0 and panics (vfs_bio.c:3685). The buffer-header invariants (BUF-37 says buf[] headers never carry B_CLUSTER) are left out so the seed\'s own check is what fires.',
  cite: ['vfs_bio.c:3899-3906', 'vfs_bio.c:3665-3689', 'vfs_bio.c:3829-3831'],
  params: {},
  defaultCpus: 2,
  options: { timeouts: true },
  domains: ['trk', 'bio', 'dur'],
  build(sim) {
    setupBufCache(sim, { nbuf: 1 });
    const vp = bufVnode(sim, 'vp', 1);
    sim.spawn('cluster', 0, cluster_write, [vp, 0, 1]);
  },
};

export const hazardScenarios: Scenario[] = [hazardA1, hazardA2, hazardA4, hazardA5, hazardA6, hazardA7, hazardA8, hazardA9, hazardA12, hazardA13, hazardA14];
