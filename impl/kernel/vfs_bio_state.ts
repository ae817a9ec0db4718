/**
 * The file-static state of vfs_bio.c (vfs_bio.c:88-158, 216-219, 1896) as registered objects,
 * plus the TAILQ operations on the per-CPU buffer queues (sys/queue.h).
 *
 * Kernel code reaches it through vb() — "vfs_bio.c's statics" — because several simulators can
 * exist in one process. Words that are also sleep channels (&needsbuffer, &runningbufreq,
 * &bd_request, &bd_request_hw, &bd_wake_ary[i]) and the hot atomic bd_wake_index are objects of
 * their own, so that their sleep queues and footprints are distinct.
 *
 * Ghost: `g_acct_window` counts threads between a b_flags change and the last counter update
 * that accounts for it (bdirty, bundirty, brelse's B2 block, bheavy, allocbuf,
 * bsetrunningbufspace, runningbufwakeup): the counter laws hold at quiescent points
 * (spec/vfs_bio_sync.md §0), i.e. when it is 0.
 */
import { kglobal } from '../sim/report.ts';
import { KernelPanic } from '../sim/panic.ts';
import type { Thread } from '../sim/kernel.ts';
import type { Spinlock } from '../sim/locks.ts';
import type { Buf } from '../env/bio.ts';
import type { VmPage } from '../env/vm.ts';
import { BQUEUE_NONE } from './sys.ts';

/** An int the seed uses with atomics and as a sleep channel. */
export interface Word {
  v: number;
}

/** struct bufpcpu (vfs_bio.c:90-93). */
export interface BufPcpu {
  spin: Spinlock;
  /** bufqueues[BUFFER_QUEUES]: each a TAILQ of buffers, head first. */
  bufqueues: Buf[][];
}

export interface VfsBio {
  nbuf: number;
  ncpus: number;
  bufspace: number;
  maxbufspace: number;
  lobufspace: number;
  hibufspace: number;
  lorunningspace: number;
  hirunningspace: number;
  dirtykvaspace: number;
  dirtybufspace: number;
  dirtybufcount: number;
  dirtybufspacehw: number;
  dirtybufcounthw: number;
  runningbufspace: number;
  runningbufcount: number;
  lodirtybufspace: number;
  hidirtybufspace: number;
  flushperqueue: number;
  /** BD_WAKE_SIZE, shrunk so that ticket wrap-around is reachable (spec §2.1). */
  bd_wake_size: number;
  /** NBUFCALCSIZE: the per-buffer space bufinit budgets (vfs_bio.c:663). */
  nbufcalcsize: number;
  /** getnewbuf's per-CPU hysteresis flags (static int flushingbufs[MAXCPU], vfs_bio.c:1896). */
  flushingbufs: number[];
  bufpcpu: BufPcpu[];
  /** The buffer header pool (struct buf *buf). */
  buf: Buf[];
  bogus_page: VmPage;
  bufdaemon_td: Thread | null;
  bufdaemonhw_td: Thread | null;
  needsbuffer: Word;
  runningbufreq: Word;
  bd_request: Word;
  bd_request_hw: Word;
  bd_wake_index: Word;
  bd_wake_ary: Word[];
  /** ghost: see the module comment. */
  g_acct_window: number;
}

/** vfs_bio.c's statics in the running simulator. */
export function vb(): VfsBio {
  return kglobal<VfsBio>('vfs_bio');
}

// ------------------------------------------------------------------ TAILQ (sys/queue.h)

/** The list bp is linked on (its home CPU's queue b_qindex), or null when off-queue. */
function listOf(bp: Buf): Buf[] | null {
  if (bp.b_qindex === BQUEUE_NONE) return null;
  return vb().bufpcpu[bp.b_qcpu].bufqueues[bp.b_qindex];
}

export function TAILQ_FIRST(head: Buf[]): Buf | null {
  return head.length > 0 ? head[0] : null;
}

/**
 * TAILQ_NEXT(bp, b_freelist). In C this follows bp's link whatever list bp is on now; a buffer
 * that is on no list has a dangling link, which the model reports rather than follows.
 */
export function TAILQ_NEXT(bp: Buf): Buf | null {
  const list = listOf(bp);
  const i = list ? list.indexOf(bp) : -1;
  if (!list || i < 0) throw new KernelPanic('sys/queue.h', 'TAILQ_NEXT of a buffer that is on no queue (stale list pointer)');
  return i + 1 < list.length ? list[i + 1] : null;
}

export function TAILQ_INSERT_TAIL(head: Buf[], bp: Buf): void {
  if (head.includes(bp)) throw new KernelPanic('sys/queue.h', 'TAILQ_INSERT of a buffer already on this queue');
  head.push(bp);
}

export function TAILQ_INSERT_HEAD(head: Buf[], bp: Buf): void {
  if (head.includes(bp)) throw new KernelPanic('sys/queue.h', 'TAILQ_INSERT of a buffer already on this queue');
  head.unshift(bp);
}

export function TAILQ_INSERT_AFTER(head: Buf[], listelm: Buf, bp: Buf): void {
  const i = head.indexOf(listelm);
  if (i < 0) throw new KernelPanic('sys/queue.h', 'TAILQ_INSERT_AFTER: list element not on this queue');
  head.splice(i + 1, 0, bp);
}

export function TAILQ_REMOVE(head: Buf[], bp: Buf): void {
  const i = head.indexOf(bp);
  if (i < 0) throw new KernelPanic('sys/queue.h', 'TAILQ_REMOVE of a buffer that is not on this queue');
  head.splice(i, 1);
}
