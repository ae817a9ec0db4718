/**
 * ENVIRONMENT (not seed code): allocating and registering vfs_bio.c's statics for one simulator,
 * then booting it with the seed's bufinit (a SYSINIT, vfs_bio.c:599-712).
 *
 * Sizes are in the model's unit (one DEV_BSIZE = one page, MAXBSIZE = 2). Thresholds are what
 * bufinit computes from nbuf, then overridden by the scenario where the tiny configuration needs
 * it — the way an administrator tunes the RW sysctls (vfs_bio.c:160-212): spec §2.1 asks for
 * `lobufspace ≤ hibufspace − MAXBSIZE < hibufspace ≤ maxbufspace`, `lodirty = hidirty/2` and a
 * hirunningspace small enough that one or two writes in flight exceed 4/6 of it.
 */
import { withSim, type Sim } from '../sim/kernel.ts';
import { newSpinlock } from '../sim/locks.ts';
import { newBuf, registerBuf, type Buf } from './bio.ts';
import { newVmPage, PQ_NONE, GARBAGE } from './vm.ts';
import type { BufPcpu, VfsBio, Word } from '../kernel/vfs_bio_state.ts';
import { B_MARKER, BQUEUE_NONE, BUFFER_QUEUES, MAXBSIZE, VM_PAGE_BITS_ALL } from '../kernel/sys.ts';
import { bufinit } from '../kernel/vfs_bio.ts';

export interface BufCacheConfig {
  nbuf: number;
  /** Per-buffer space budget bufinit uses (NBUFCALCSIZE, vfs_bio.c:663). Default MAXBSIZE. */
  nbufcalcsize?: number;
  bd_wake_size?: number;
  flushperqueue?: number;
  /** Threshold overrides (sysctl-style), applied after bufinit. */
  hibufspace?: number;
  lobufspace?: number;
  hidirtybufspace?: number;
  lodirtybufspace?: number;
  hirunningspace?: number;
}

const word = (): Word => ({ v: 0 });

/** Creates, registers and boots the buffer cache; returns vfs_bio.c's statics. */
export function setupBufCache(sim: Sim, cfg: BufCacheConfig): VfsBio {
  const w = sim.world;
  const bogus = newVmPage(null, -1);
  // bogus_page: one global wired page nobody reads (vfs_bio.c:115-122, 701-708).
  bogus.queue = PQ_NONE;
  bogus.wire_count = 1;
  bogus.valid = VM_PAGE_BITS_ALL;
  bogus.g_data = GARBAGE;
  w.add('bogus_page', bogus);

  const bufpcpu: BufPcpu[] = [];
  for (let c = 0; c < sim.ncpus; c++) {
    const queues: Buf[][] = [];
    for (let q = 0; q < BUFFER_QUEUES; q++) queues.push([]);
    const pc: BufPcpu = { spin: newSpinlock(), bufqueues: queues };
    w.add(`bufpcpu[${c}].spin`, pc.spin);
    w.add(`bufpcpu[${c}]`, pc);
    bufpcpu.push(pc);
  }
  const bufs: Buf[] = [];
  for (let n = 0; n < cfg.nbuf; n++) bufs.push(registerBuf(w, `buf${n}`, newBuf()));

  const wake: Word[] = [];
  const wakeSize = cfg.bd_wake_size ?? 4;
  for (let i = 0; i < wakeSize; i++) wake.push(w.add(`bd_wake_ary[${i}]`, word()));

  const g: VfsBio = {
    nbuf: cfg.nbuf,
    ncpus: sim.ncpus,
    bufspace: 0,
    maxbufspace: 0,
    lobufspace: 0,
    hibufspace: 0,
    lorunningspace: 0,
    hirunningspace: 0,
    dirtykvaspace: 0,
    dirtybufspace: 0,
    dirtybufcount: 0,
    dirtybufspacehw: 0,
    dirtybufcounthw: 0,
    runningbufspace: 0,
    runningbufcount: 0,
    lodirtybufspace: 0,
    hidirtybufspace: 0,
    flushperqueue: cfg.flushperqueue ?? 1024,
    bd_wake_size: wakeSize,
    nbufcalcsize: cfg.nbufcalcsize ?? MAXBSIZE,
    flushingbufs: new Array<number>(sim.ncpus).fill(0),
    bufpcpu,
    buf: bufs,
    bogus_page: bogus,
    bufdaemon_td: null,
    bufdaemonhw_td: null,
    needsbuffer: w.add('needsbuffer', word()),
    runningbufreq: w.add('runningbufreq', word()),
    bd_request: w.add('bd_request', word()),
    bd_request_hw: w.add('bd_request_hw', word()),
    bd_wake_index: w.add('bd_wake_index', word()),
    bd_wake_ary: wake,
    g_acct_window: 0,
  };
  sim.globals.vfs_bio = g;
  withSim(sim, () => bufinit(null));
  if (cfg.hibufspace !== undefined) g.hibufspace = cfg.hibufspace;
  if (cfg.lobufspace !== undefined) g.lobufspace = cfg.lobufspace;
  if (cfg.hidirtybufspace !== undefined) g.hidirtybufspace = cfg.hidirtybufspace;
  if (cfg.lodirtybufspace !== undefined) g.lodirtybufspace = cfg.lodirtybufspace;
  if (cfg.hirunningspace !== undefined) g.hirunningspace = cfg.hirunningspace;
  w.add('vfs_bio', g);
  return g;
}

/**
 * A flush marker for a buffer daemon (vfs_bio.c:2235-2238): B_MARKER, off-queue, CPU 0. Markers
 * are allocated by the daemon at start-up; the model allocates them at boot (registration must
 * precede the search).
 */
export function newMarker(sim: Sim, name: string): Buf {
  const m = registerBuf(sim.world, name, newBuf());
  m.b_flags = B_MARKER;
  m.b_qindex = BQUEUE_NONE;
  m.b_qcpu = 0;
  return m;
}
