'use kernel';
/**
 * vfs_bio.c — DragonFly BSD's buffer cache (seed 001, xref revision b866b1da), in the seed's
 * order, with the seed's names and control flow. The seed's comments are summarised, with
 * their lines cited, not copied.
 *
 * Step granularity (docs/design.md): every atomic op, lock, sleep, wakeup, page-busy and
 * device action is a step; plain code between them is folded into the step before it. The
 * unlocked reads the seed's protocols depend on (needsbuffer, runningbufreq,
 * runningbufspace in waitrunningbufspace) are explicit `load` steps. The global counter
 * updates that follow a flag change (bdirty, bundirty, brelse's B2 block, bheavy, allocbuf,
 * bsetrunningbufspace, runningbufwakeup) are folded into one step each, as spec/vfs_bio_sync.md
 * §0 recommends: the counter laws (ACC-*) are then checked at quiescent points, tracked by the
 * ghost vb().g_acct_window.
 *
 * Not modelled (spec/vfs_bio_sync.md §8): KVA and TLB management (bkvareset, bkvasync,
 * pmap_qenter/qremove, b_cpumask, B_KVABIO's meaning), the swapcache intercept, dsched, DDB,
 * sysctl glue and statistics counters nothing reads, byte-granular page ranges (one page =
 * one DEV_BSIZE unit), the page LRU (act_count), and the bio stack (b_bio2 is reduced to its
 * cached offset; the device completes b_bio1).
 */
import { match, P } from 'ts-pattern';
import type { Kernel } from '../sim/prim.ts';
import {
  load,
  atomic_cmpset_int,
  atomic_fetchadd_int,
  atomic_add_int,
  atomic_set_int,
  atomic_swap_int,
  atomic_readandclear_int,
  store,
} from '../sim/atomics.ts';
import { tsleep, tsleep_interlock, wakeup, PINTERLOCKED, PCATCH } from '../sim/sleep.ts';
import { spin_lock, spin_unlock, lwkt_gettoken, lwkt_gettoken_shared, lwkt_reltoken, LK_EXCLUSIVE, LK_NOWAIT, LK_SLEEPFAIL } from '../sim/locks.ts';
import { KASSERT, KKASSERT, panic } from '../sim/panic.ts';
import { lifecycle, note, mycpu, curthread, kernelOptions } from '../sim/report.ts';

import {
  BIO_DONE,
  BIO_SYNC,
  BIO_WANT,
  BQUEUE_CLEAN,
  BQUEUE_DIRTY,
  BQUEUE_DIRTY_HW,
  BQUEUE_EMPTY,
  BQUEUE_LOCKED,
  BQUEUE_NONE,
  BUFFER_QUEUES,
  B_AGE,
  B_BNOCLIP,
  B_CACHE,
  B_CLUSTER,
  B_DEFERRED,
  B_DELWRI,
  B_DIRECT,
  B_EINTR,
  B_ERROR,
  B_HASBOGUS,
  B_HASHED,
  B_HEAVY,
  B_INVAL,
  B_IOISSUED,
  B_KVABIO,
  B_LOCKED,
  B_MARKER,
  B_NEEDCOMMIT,
  B_CLUSTEROK,
  B_NOCACHE,
  B_NOTMETA,
  B_PAGING,
  B_RAM,
  B_RELBUF,
  B_TTC,
  B_VMIO,
  B_VNCLEAN,
  B_VNDIRTY,
  BUF_CMD_DONE,
  BUF_CMD_FREEBLKS,
  BUF_CMD_READ,
  BUF_CMD_WRITE,
  DEV_BSIZE,
  EINTR,
  EIO,
  ENOLCK,
  FINDBLK_KVABIO,
  FINDBLK_NBLOCK,
  FINDBLK_REF,
  FINDBLK_TEST,
  GETBLK_BHEAVY,
  GETBLK_KVABIO,
  GETBLK_NOWAIT,
  GETBLK_PCATCH,
  GETBLK_SZMATCH,
  MAXBSIZE,
  NOOFFSET,
  PAGE_MASK,
  PAGE_SIZE,
  VFS_BIO_NEED_ANY,
  VFS_BIO_NEED_BUFSPACE,
  VM_PAGE_BITS_ALL,
  XIO_INTERNAL_PAGES,
} from './sys.ts';
import {
  bio_track_ref,
  trackReleased,
  BUF_LOCK,
  BUF_TIMELOCK,
  BUF_UNLOCK,
  BUF_KERNPROC,
  BUF_LOCKINUSE,
  type Bio,
  type BioTrack,
  type Buf,
} from '../env/bio.ts';
import { vop_strategy, bgetvp, brelvp, reassignbuf, buf_rb_hash_lookup, VOP_BMAP, VBLK, VCHR, type Vnode } from '../env/vnode.ts';
import {
  vm_page_lookup,
  vm_page_busy_try,
  vm_page_busy_wait,
  vm_page_sleep_busy,
  vm_page_wakeup,
  vm_page_lookup_busy_try,
  vm_page_alloc,
  vm_page_wire,
  vm_page_unwire,
  vm_page_io_start,
  vm_page_io_finish,
  vm_page_protect,
  vm_page_test_dirty,
  vm_page_is_valid,
  vm_page_set_validclean,
  vm_page_set_invalid,
  vm_page_need_commit,
  vm_page_flag_set,
  vm_page_try_to_free,
  vm_page_try_to_cache,
  vm_object_hold,
  vm_object_drop,
  vm_object_pip_add,
  vm_object_pip_wakeup,
  vm_paging_min,
  vm_paging_severe,
  vm_wait,
  PG_NOTMETA,
  VM_ALLOC_NORMAL,
  VM_ALLOC_SYSTEM,
  VM_ALLOC_INTERRUPT,
  VM_ALLOC_NULL_OK,
  VM_PROT_NONE,
  VM_PROT_READ,
  type VmObject,
  type VmPage,
} from '../env/vm.ts';
import { buf_deallocate, buf_countdeps, buf_checkwrite, buf_complete } from '../env/softdep.ts';
import { cluster_awrite } from '../env/cluster.ts';
import {
  vb,
  TAILQ_FIRST,
  TAILQ_NEXT,
  TAILQ_INSERT_HEAD,
  TAILQ_INSERT_TAIL,
  TAILQ_INSERT_AFTER,
  TAILQ_REMOVE,
  type BufPcpu,
  type Word,
} from './vfs_bio_state.ts';

/** OFF_TO_IDX: a byte offset's page index (one unit per page here). */
function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

/** hz, in the model: any positive timeout (a timed sleep may time out; SPEC "simulator"). */
const hz = 100;

/*
 * bufspacewakeup (vfs_bio.c:221-247): buffer space may be recoverable; wake getnewbuf waiters
 * that set VFS_BIO_NEED_BUFSPACE. The bit is cleared with a CAS against the word just read,
 * then the waiters are woken.
 */
export function* bufspacewakeup(): Kernel<void> {
  for (;;) {
    const flags = yield* load(vb().needsbuffer, 'v'); // vfs_bio.c:236
    if ((flags & VFS_BIO_NEED_BUFSPACE) === 0) break; // vfs_bio.c:238-239
    if (yield* atomic_cmpset_int(vb().needsbuffer, 'v', flags, flags & ~VFS_BIO_NEED_BUFSPACE)) { // vfs_bio.c:240-241
      yield* wakeup(vb().needsbuffer); // vfs_bio.c:242
      break;
    }
    // retry
  }
}

/*
 * runningbufwakeup (vfs_bio.c:249-282): I/O in progress accounting. The space is returned
 * *before* the registration word is examined (store-then-check, spec §3.3), and zeroing
 * b_runningbufspace makes a second call for the same buffer a no-op (vfs_bio.c:264).
 */
export function* runningbufwakeup(bp: Buf): Kernel<void> {
  let totalspace: number;
  let flags: number;
  const g = vb();

  if ((totalspace = bp.b_runningbufspace) !== 0) { // vfs_bio.c:261
    g.runningbufspace -= totalspace; // vfs_bio.c:262 atomic_add_long (folded, §0)
    g.runningbufcount -= 1; // vfs_bio.c:263
    bp.b_runningbufspace = 0; // vfs_bio.c:264

    // see waitrunningbufspace() for limit test (vfs_bio.c:266-279).
    for (;;) {
      flags = yield* load(g.runningbufreq, 'v'); // vfs_bio.c:270
      if (flags === 0) break; // vfs_bio.c:272-273
      if (yield* atomic_cmpset_int(g.runningbufreq, 'v', flags, 0)) { // vfs_bio.c:274
        yield* wakeup(g.runningbufreq); // vfs_bio.c:275
        break;
      }
      // retry
    }
    yield* bd_signal(totalspace); // vfs_bio.c:280
  }
}

/*
 * bufcountwakeup (vfs_bio.c:284-308): a buffer went back onto a free queue. Unlike
 * bufspacewakeup it proceeds whenever *any* need bit is set, clearing NEED_ANY.
 */
export function* bufcountwakeup(): Kernel<void> {
  let flags: number;

  for (;;) {
    flags = yield* load(vb().needsbuffer, 'v'); // vfs_bio.c:298
    if (flags === 0) break; // vfs_bio.c:299-300
    if (yield* atomic_cmpset_int(vb().needsbuffer, 'v', flags, flags & ~VFS_BIO_NEED_ANY)) { // vfs_bio.c:301-302
      yield* wakeup(vb().needsbuffer); // vfs_bio.c:303
      break;
    }
    // retry
  }
}

/*
 * waitrunningbufspace (vfs_bio.c:310-334): block while more than 4/6 of hirunningspace is in
 * flight, and also while another thread is registered (fairness). The waiter registers
 * (fetchadd) after interlocking and re-tests before sleeping (spec §3.3).
 */
export function* waitrunningbufspace(): Kernel<void> {
  const g = vb();
  const limit = Math.trunc((g.hirunningspace * 4) / 6); // vfs_bio.c:325
  let flags: number;

  while ((yield* load(g, 'runningbufspace')) > limit || (yield* load(g.runningbufreq, 'v'))) { // vfs_bio.c:328
    yield* tsleep_interlock(g.runningbufreq, 0); // vfs_bio.c:329
    flags = yield* atomic_fetchadd_int(g.runningbufreq, 'v', 1); // vfs_bio.c:330
    if (g.runningbufspace > limit || flags) yield* tsleep(g.runningbufreq, PINTERLOCKED, 'wdrn1', hz); // vfs_bio.c:331-332
  }
}

/* buf_dirty_count_severe (vfs_bio.c:336-346): too many dirty buffers? */
export function* buf_dirty_count_severe(): Kernel<boolean> {
  const g = vb();
  return g.runningbufspace + g.dirtykvaspace >= g.hidirtybufspace || g.dirtybufcount >= g.nbuf / 2;
}

/* buf_runningbufspace_severe (vfs_bio.c:348-356): is running I/O severe? */
export function* buf_runningbufspace_severe(): Kernel<boolean> {
  const g = vb();
  return g.runningbufspace >= Math.trunc((g.hirunningspace * 4) / 6);
}

/*
 * vfs_buf_test_cache (vfs_bio.c:358-380): an extended buffer keeps B_CACHE only if the new part
 * is valid in the page. Dirty VM pages stay dirty (they are not turned into B_DELWRI).
 */
export function* vfs_buf_test_cache(bp: Buf, foff: number, off: number, size: number, m: VmPage): Kernel<void> {
  if (bp.b_flags & B_CACHE) {
    const base = (foff + off) & PAGE_MASK;
    if (!vm_page_is_valid(m, base, size)) bp.b_flags &= ~B_CACHE; // vfs_bio.c:377-378
  }
}

/*
 * bd_speedup (vfs_bio.c:382-407): spank the buf daemons when dirty space passes the low water
 * mark. Only the 0->1 transition of a request word wakes its daemon; the pre-test is racy on
 * purpose (a stale nonzero only suppresses a redundant request, spec §3.5).
 */
export function* bd_speedup(): Kernel<void> {
  const g = vb();
  if (g.dirtykvaspace < g.lodirtybufspace && g.dirtybufcount < g.nbuf / 2) return; // vfs_bio.c:392-393

  if (g.bd_request.v === 0 && (g.dirtykvaspace > g.lodirtybufspace / 2 || g.dirtybufcount - g.dirtybufcounthw >= g.nbuf / 2)) { // vfs_bio.c:395-397
    if ((yield* atomic_fetchadd_int(g.bd_request, 'v', 1)) === 0) yield* wakeup(g.bd_request); // vfs_bio.c:398-399
  }
  if (g.bd_request_hw.v === 0 && (g.dirtykvaspace > g.lodirtybufspace / 2 || g.dirtybufcounthw >= g.nbuf / 2)) { // vfs_bio.c:401-403
    if ((yield* atomic_fetchadd_int(g.bd_request_hw, 'v', 1)) === 0) yield* wakeup(g.bd_request_hw); // vfs_bio.c:404-405
  }
}

/*
 * bd_heatup (vfs_bio.c:409-435): heat the daemons up past the first mid-point of
 * [lodirtybufspace, hidirtybufspace]; return the excess over the second mid-point.
 */
export function* bd_heatup(): Kernel<number> {
  const g = vb();
  let mid2: number;
  let totalspace: number;

  const mid1 = g.lodirtybufspace + Math.trunc((g.hidirtybufspace - g.lodirtybufspace) / 2); // vfs_bio.c:425

  totalspace = g.runningbufspace + g.dirtykvaspace; // vfs_bio.c:427
  if (totalspace >= mid1 || g.dirtybufcount >= g.nbuf / 2) { // vfs_bio.c:428
    yield* bd_speedup(); // vfs_bio.c:429
    mid2 = mid1 + Math.trunc((g.hidirtybufspace - mid1) / 2); // vfs_bio.c:430
    if (totalspace >= mid2) return totalspace - mid2; // vfs_bio.c:431-432
  }
  return 0;
}

/*
 * bd_wait (vfs_bio.c:437-488): wait until the daemons flushed `totalspace` worth of buffers,
 * then keep waiting while dirty+running space exceeds hidirtybufspace. Tickets: the waiter
 * reads bd_wake_index *before* the space (suppliers update the space first, vfs_bio.c:461-464),
 * registers on its ticket's slot after interlocking, and sleeps only if the ticket has not
 * passed yet. The buffer daemons never wait here (vfs_bio.c:454-455).
 */
export function* bd_wait(totalspace: number): Kernel<void> {
  const g = vb();
  let i: number;
  let j: number;
  let mi: number;
  let count: number;

  if (curthread() === g.bufdaemonhw_td || curthread() === g.bufdaemon_td) return; // vfs_bio.c:454-455

  while (totalspace > 0) {
    yield* bd_heatup(); // vfs_bio.c:458

    i = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 0); // vfs_bio.c:466
    if (totalspace > g.runningbufspace + g.dirtykvaspace) totalspace = g.runningbufspace + g.dirtykvaspace; // vfs_bio.c:467-468
    count = Math.trunc(totalspace / MAXBSIZE); // vfs_bio.c:469
    if (count >= g.bd_wake_size / 2) count = g.bd_wake_size / 2; // vfs_bio.c:470-471
    i = (i + count) >>> 0; // vfs_bio.c:472
    mi = i & (g.bd_wake_size - 1); // vfs_bio.c:473

    // Not a strict interlock: re-check bd_wake_index after registering (vfs_bio.c:475-479).
    yield* tsleep_interlock(g.bd_wake_ary[mi], 0); // vfs_bio.c:480
    yield* atomic_add_int(g.bd_wake_ary[mi], 'v', 1); // vfs_bio.c:481
    j = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 0); // vfs_bio.c:482
    if (((i - j) | 0) >= 0) yield* tsleep(g.bd_wake_ary[mi], PINTERLOCKED, 'flstik', hz); // vfs_bio.c:483-484

    totalspace = g.runningbufspace + g.dirtykvaspace - g.hidirtybufspace; // vfs_bio.c:486
  }
}

/*
 * bd_signal (vfs_bio.c:490-513): runningbufspace or dirtykvaspace dropped; issue one ticket
 * per MAXBSIZE and wake the waiters registered on each ticket's slot. The index advances
 * *before* the slot is read and cleared (spec §3.4; M16 reverses it).
 */
export function* bd_signal(totalspace: number): Kernel<void> {
  const g = vb();
  let i: number;

  if (totalspace > 0) {
    if (totalspace > MAXBSIZE * g.bd_wake_size) totalspace = MAXBSIZE * g.bd_wake_size; // vfs_bio.c:503-504
    while (totalspace > 0) {
      i = yield* atomic_fetchadd_int(g.bd_wake_index, 'v', 1); // vfs_bio.c:506
      i &= g.bd_wake_size - 1; // vfs_bio.c:507
      if (yield* atomic_readandclear_int(g.bd_wake_ary[i], 'v')) yield* wakeup(g.bd_wake_ary[i]); // vfs_bio.c:508-509
      totalspace -= MAXBSIZE; // vfs_bio.c:510
    }
  }
}

/*
 * BIO tracking support routines (vfs_bio.c:515-556).
 *
 * Release a ref on a bio_track. The wait flag is dropped atomically with the last reference,
 * so bk_active never ends up as exactly 0x80000000 (vfs_bio.c:518-520); bit 30 detects a
 * negative count because bit 31 means "waiters" (vfs_bio.c:540-541).
 */
export function* bio_track_rel(track: BioTrack): Kernel<void> {
  let active: number;
  let desired: number;

  // Shortcut
  active = yield* load(track, 'bk_active'); // vfs_bio.c:532
  if (active === 1 && (yield* atomic_cmpset_int(track, 'bk_active', 1, 0))) { // vfs_bio.c:533
    trackReleased(track, 'TRACK_REL_SHORTCUT');
    return;
  }

  // Full-on: the wait flag is only released on the 1->0 transition (vfs_bio.c:536-542).
  for (;;) {
    desired = (active & 0x7fffffff) - 1; // vfs_bio.c:544
    if (desired) desired |= active & 0x80000000; // vfs_bio.c:545-546
    if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:547
      trackReleased(track, 'TRACK_REL');
      if (desired & 0x40000000) panic('vfs_bio.c:549', 'bio_track_rel: bad count'); // vfs_bio.c:548-549
      if (active & 0x80000000) yield* wakeup(track); // vfs_bio.c:550-551
      break;
    }
    active = yield* load(track, 'bk_active'); // vfs_bio.c:554
  }
}

/*
 * Wait for the tracking count to reach 0 (vfs_bio.c:558-597).
 *
 * The wait flag may only be set, atomically, while the count is nonzero; and the thread is
 * interlocked on the sleep queue before it publishes the flag, so a release between the CAS and
 * the tsleep still wakes it. Skipping the CAS when the flag is already set is not allowed: a
 * release could clear the word before this thread is interlocked (vfs_bio.c:581-582).
 */
export function* bio_track_wait(track: BioTrack, slp_flags: number, slp_timo: number): Kernel<number> {
  let active: number;
  let desired: number;
  let error: number;

  // Shortcut
  if ((yield* load(track, 'bk_active')) === 0) return 0; // vfs_bio.c:574-575

  error = 0;
  while ((active = yield* load(track, 'bk_active')) !== 0) { // vfs_bio.c:585
    // cpu_ccfence() (vfs_bio.c:586) only stops the C compiler re-reading bk_active; the model
    // reads it once per step anyway.
    desired = active | 0x80000000; // vfs_bio.c:587
    yield* tsleep_interlock(track, slp_flags); // vfs_bio.c:588
    if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:589
      lifecycle(track, 'TRACK_SET_WAIT');
      error = yield* tsleep(track, slp_flags | PINTERLOCKED, 'trwait', slp_timo); // vfs_bio.c:590-591
      if (error) break; // vfs_bio.c:592-593
    }
  }
  return error;
}

/*
 * bufinit (vfs_bio.c:599-710): boot-time initialisation (a SYSINIT): empty queues, every
 * header B_INVAL on its CPU's EMPTY queue round-robin, and the space thresholds. The model's
 * sizes are small (one unit = DEV_BSIZE = PAGE_SIZE, MAXBSIZE = 2), so the constants
 * 64 MiB, 512 KiB and 1 MiB (vfs_bio.c:666-686) become 32, 1 and 1 units; the scenario may then
 * tune the RW thresholds like an administrator (env/bufcache.ts). bogus_page is allocated by
 * the environment (vfs_bio.c:701-708).
 */
export function bufinit(_dummy: unknown): void {
  const g = vb();
  let pcpu: BufPcpu;
  let bp: Buf;
  let i: number;
  let j: number;
  let n: number;

  // next, make a null set of free lists (vfs_bio.c:617-622)
  for (i = 0; i < g.ncpus; ++i) {
    pcpu = g.bufpcpu[i];
    pcpu.spin.s_owner = null;
    for (j = 0; j < BUFFER_QUEUES; j++) pcpu.bufqueues[j].length = 0;
  }

  // Initialize each buffer header and stick it on the empty queue (vfs_bio.c:628-649).
  i = 0;
  pcpu = g.bufpcpu[i];
  for (n = 0; n < g.nbuf; n++) {
    bp = g.buf[n];
    bp.b_flags = B_INVAL; // we're just an empty header
    bp.b_cmd = BUF_CMD_DONE;
    bp.b_qindex = BQUEUE_EMPTY;
    bp.b_qcpu = i;
    bp.b_kvasize = MAXBSIZE;
    TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
    i = (i + 1) % g.ncpus;
    pcpu = g.bufpcpu[i];
  }

  // Space limits and hysteresis (vfs_bio.c:651-692).
  g.maxbufspace = g.nbuf * g.nbufcalcsize;
  g.hibufspace = Math.max(Math.trunc((3 * g.maxbufspace) / 4), g.maxbufspace - MAXBSIZE * 10);
  g.lobufspace = Math.trunc((g.hibufspace * 7) / 8);
  if (g.hibufspace - g.lobufspace > 32) g.lobufspace = g.hibufspace - 32;
  if (g.lobufspace > g.hibufspace - MAXBSIZE) g.lobufspace = g.hibufspace - MAXBSIZE;
  g.lorunningspace = 1;
  g.hidirtybufspace = Math.trunc(g.hibufspace / 2); // dirty + running
  g.hirunningspace = Math.trunc(g.hibufspace / 16); // locked & queued to device
  if (g.hirunningspace < 1) g.hirunningspace = 1;
  g.dirtykvaspace = 0;
  g.dirtybufspace = 0;
  g.dirtybufspacehw = 0;
  g.lodirtybufspace = Math.trunc(g.hidirtybufspace / 2);
}

// initbufbio .. clearbiocache (vfs_bio.c:714-807): a fixed b_bio1 (spec §8); not modelled.

/*
 * _bremfree (vfs_bio.c:809-826): take a locked buffer off its queue. An off-queue buffer must
 * still be locked; for it the call is a no-op, which lets getcacheblk, regetblk and getblk
 * call bremfree unconditionally.
 */
export function* _bremfree(bp: Buf): Kernel<void> {
  const pcpu = vb().bufpcpu[bp.b_qcpu];

  if (bp.b_qindex !== BQUEUE_NONE) {
    KASSERT(BUF_LOCKINUSE(bp), 'vfs_bio.c:819', `bremfree: bp not locked`);
    TAILQ_REMOVE(pcpu.bufqueues[bp.b_qindex], bp); // vfs_bio.c:820
    bp.b_qindex = BQUEUE_NONE; // vfs_bio.c:821
    if ((bp.b_flags & B_MARKER) === 0) lifecycle(bp, 'BREMFREE');
  } else {
    if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:824', 'bremfree: removing a buffer not on a queue');
  }
}

/* bremfree (vfs_bio.c:828-839): _bremfree under the buffer's home CPU spinlock. */
export function* bremfree(bp: Buf): Kernel<void> {
  const pcpu = vb().bufpcpu[bp.b_qcpu];

  yield* spin_lock(pcpu.spin); // vfs_bio.c:836
  yield* _bremfree(bp);
  yield* spin_unlock(pcpu.spin); // vfs_bio.c:838
}

/* bremfree_locked (vfs_bio.c:841-848): the caller holds pcpu->spin. */
export function* bremfree_locked(bp: Buf): Kernel<void> {
  yield* _bremfree(bp);
}

/*
 * breadcb (vfs_bio.c:850-888): bread with a completion callback instead of a wait. On a miss
 * the read is asynchronous (BUF_KERNPROC); the callback must call bpdone(bp, 0) itself if
 * BIO_DONE is clear, then clear BIO_DONE and dispose of the buffer (vfs_bio.c:854-856).
 */
export function* breadcb(vp: Vnode, loffset: number, size: number, bflags: number, func: ((bio: Bio) => Kernel<void>) | null): Kernel<void> {
  let bp: Buf;

  bp = (yield* getblk(vp, loffset, size, 0, 0))!; // vfs_bio.c:864

  // if not found in cache, do some I/O (vfs_bio.c:866-875)
  if ((bp.b_flags & B_CACHE) === 0) {
    bp.b_flags &= ~(B_ERROR | B_EINTR | B_INVAL | B_NOTMETA);
    bp.b_flags |= bflags;
    bp.b_cmd = BUF_CMD_READ;
    lifecycle(bp, 'STRATEGY_READ');
    lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
    bp.g_io = BUF_CMD_READ;
    bp.b_bio1.bio_done = func as unknown as Bio['bio_done'];
    yield* vfs_busy_pages(vp, bp);
    yield* BUF_KERNPROC(bp);
    yield* vn_strategy(vp, bp.b_bio1);
  } else if (func) {
    // Issued synchronously, so it cannot race the BIO_DONE: no atomic ops (vfs_bio.c:877-884).
    bp.b_bio1.bio_flags |= BIO_DONE;
    yield* func(bp.b_bio1);
  } else {
    yield* bqrelse(bp); // vfs_bio.c:886
  }
}

/*
 * breadnx (vfs_bio.c:890-946): bread/breadn's terminal function. Reads the primary block
 * synchronously if it is not B_CACHE (the issuer keeps the lock and waits in biowait) and
 * starts asynchronous read-ahead (KERNPROC-owned, completed by bpdone(bp, 1)) for the others.
 * B_ERROR and B_INVAL must be cleared before I/O. C's `struct buf **bpp` is in/out: the model
 * passes *bpp in and returns [error, *bpp]; raoffset/rabsize are arrays of `cnt` entries.
 */
export function* breadnx(
  vp: Vnode,
  loffset: number,
  size: number,
  bflags: number,
  raoffset: number[] | null,
  rabsize: number[] | null,
  cnt: number,
  bpp: Buf | null,
): Kernel<[number, Buf]> {
  let bp: Buf;
  let rabp: Buf;
  let i: number;
  let rv = 0;
  let readwait = 0;
  const blkflags = bflags & B_KVABIO ? GETBLK_KVABIO : 0;

  if (bpp) bp = bpp; // vfs_bio.c:909-912
  else bp = (yield* getblk(vp, loffset, size, blkflags, 0))!;

  // if not found in cache, do some I/O (vfs_bio.c:914-924)
  if ((bp.b_flags & B_CACHE) === 0) {
    bp.b_flags &= ~(B_ERROR | B_EINTR | B_INVAL | B_NOTMETA);
    bp.b_flags |= bflags;
    bp.b_cmd = BUF_CMD_READ;
    lifecycle(bp, 'STRATEGY_READ');
    bp.g_io = BUF_CMD_READ;
    bp.b_bio1.bio_done = biodone_sync;
    bp.b_bio1.bio_flags |= BIO_SYNC;
    lifecycle(bp.b_bio1, 'SYNC_ISSUE');
    yield* vfs_busy_pages(vp, bp);
    yield* vn_strategy(vp, bp.b_bio1);
    ++readwait;
  }

  for (i = 0; i < cnt; i++) { // vfs_bio.c:926-942
    if (yield* inmem(vp, raoffset![i])) continue;
    rabp = (yield* getblk(vp, raoffset![i], rabsize![i], GETBLK_KVABIO, 0))!;

    if ((rabp.b_flags & B_CACHE) === 0) {
      rabp.b_flags &= ~(B_ERROR | B_EINTR | B_INVAL | B_NOTMETA);
      rabp.b_flags |= bflags & ~B_KVABIO;
      rabp.b_cmd = BUF_CMD_READ;
      lifecycle(rabp, 'STRATEGY_READ');
      lifecycle(rabp.b_bio1, 'ASYNC_ISSUE');
      rabp.g_io = BUF_CMD_READ;
      yield* vfs_busy_pages(vp, rabp);
      yield* BUF_KERNPROC(rabp);
      yield* vn_strategy(vp, rabp.b_bio1);
    } else {
      yield* brelse(rabp);
    }
  }
  if (readwait) rv = yield* biowait(bp.b_bio1, 'biord'); // vfs_bio.c:943-944
  note('bread_return', { bp, error: rv, flags: bp.b_flags, versions: g_versions(bp), latest: g_latest(bp) });
  return [rv, bp];
}

/* bread(vp, loffset, size, &bp) (sys/buf2.h): breadnx without read-ahead. */
export function* bread(vp: Vnode, loffset: number, size: number): Kernel<[number, Buf]> {
  return yield* breadnx(vp, loffset, size, 0, null, null, 0, null);
}

/* breadn(vp, loffset, size, raoffset, rabsize, cnt, &bp) (sys/buf2.h). */
export function* breadn(vp: Vnode, loffset: number, size: number, raoffset: number[], rabsize: number[], cnt: number): Kernel<[number, Buf]> {
  return yield* breadnx(vp, loffset, size, 0, raoffset, rabsize, cnt, null);
}

/*
 * bwrite (vfs_bio.c:948-1003): synchronous write; the buffer is released on completion.
 * B_DELWRI is deliberately left set while the write is in flight: bpdone clears it after a
 * successful write, so the buffer does not leave the vnode's dirty list early
 * (vfs_bio.c:975-983). B_CACHE is set because a written buffer is fully valid (vfs_bio.c:957-961).
 */
export function* bwrite(bp: Buf): Kernel<number> {
  let error: number;

  if (bp.b_flags & B_INVAL) { // vfs_bio.c:968-971
    yield* brelse(bp);
    return 0;
  }
  if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:973', 'bwrite: buffer is not busy???');

  // bundirty(bp); REMOVED (vfs_bio.c:975-983)
  const vp = bp.b_vp;
  const pindex = OFF_TO_IDX(bp.b_loffset);
  const npages = bp.b_xio.xio_npages;
  const versions = g_versions(bp); // ghost (DUR-02): what this write must at least persist
  bp.g_modified = false;

  bp.b_flags &= ~(B_ERROR | B_EINTR); // vfs_bio.c:985
  bp.b_flags |= B_CACHE; // vfs_bio.c:986
  bp.b_cmd = BUF_CMD_WRITE; // vfs_bio.c:987
  lifecycle(bp, 'STRATEGY_WRITE');
  bp.g_io = BUF_CMD_WRITE;
  bp.b_error = 0; // vfs_bio.c:988
  bp.b_bio1.bio_done = biodone_sync; // vfs_bio.c:989
  bp.b_bio1.bio_flags |= BIO_SYNC; // vfs_bio.c:990
  lifecycle(bp.b_bio1, 'SYNC_ISSUE');
  yield* vfs_busy_pages(bp.b_vp!, bp); // vfs_bio.c:991

  // Normal bwrites pipeline writes (vfs_bio.c:993-996).
  yield* bsetrunningbufspace(bp, bp.b_bufsize); // vfs_bio.c:997
  yield* vn_strategy(bp.b_vp!, bp.b_bio1); // vfs_bio.c:998
  error = yield* biowait(bp.b_bio1, 'biows'); // vfs_bio.c:999
  note('bwrite_return', { bp, vp, pindex, npages, versions, error });
  yield* brelse(bp); // vfs_bio.c:1000

  return error;
}

/** ghost: the latest version of each of bp's blocks (a note's payload). */
function g_latest(bp: Buf): number[] {
  const out: number[] = [];
  for (let i = 0; i < bp.b_xio.xio_npages; i++) {
    const m = bp.b_xio.xio_pages[i];
    out.push(m && bp.b_vp ? bp.b_vp.v_disk.g_latest[m.pindex] : -1);
  }
  return out;
}

/** ghost: the data versions of bp's pages (a new array each call; a note's payload). */
function g_versions(bp: Buf): number[] {
  const out: number[] = [];
  for (let i = 0; i < bp.b_xio.xio_npages; i++) {
    const m = bp.b_xio.xio_pages[i];
    out.push(m ? m.g_data : -1);
  }
  return out;
}

/*
 * bawrite (vfs_bio.c:1005-1047): asynchronous write. The lock is handed to the completion
 * (BUF_KERNPROC), which releases the buffer. B_DELWRI stays set until bpdone (vfs_bio.c:1024-1032).
 */
export function* bawrite(bp: Buf): Kernel<void> {
  if (bp.b_flags & B_INVAL) { // vfs_bio.c:1017-1020
    yield* brelse(bp);
    return;
  }
  if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:1022', 'bawrite: buffer is not busy???');

  // bundirty(bp); REMOVED (vfs_bio.c:1024-1032)
  bp.g_modified = false;
  bp.b_flags &= ~(B_ERROR | B_EINTR); // vfs_bio.c:1033
  bp.b_flags |= B_CACHE; // vfs_bio.c:1034
  bp.b_cmd = BUF_CMD_WRITE; // vfs_bio.c:1035
  lifecycle(bp, 'STRATEGY_WRITE');
  lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
  bp.g_io = BUF_CMD_WRITE;
  bp.b_error = 0; // vfs_bio.c:1036
  KKASSERT(bp.b_bio1.bio_done === null, 'vfs_bio.c:1037', 'bp->b_bio1.bio_done == NULL');
  yield* vfs_busy_pages(bp.b_vp!, bp); // vfs_bio.c:1038

  yield* bsetrunningbufspace(bp, bp.b_bufsize); // vfs_bio.c:1044
  yield* BUF_KERNPROC(bp); // vfs_bio.c:1045
  yield* vn_strategy(bp.b_vp!, bp.b_bio1); // vfs_bio.c:1046
}

/*
 * bdwrite (vfs_bio.c:1049-1116): delayed write. The buffer is marked B_DELWRI and requeued; no
 * I/O is started (softdep forbids it, vfs_bio.c:1112-1115). B_CACHE must be set here so getblk
 * does not write it out synchronously (vfs_bio.c:1055-1058). The pages are "cleaned": the
 * buffer's B_DELWRI now carries their dirtiness (vfs_bio.c:1094-1108).
 */
export function* bdwrite(bp: Buf): Kernel<void> {
  if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:1064', 'bdwrite: buffer is not busy');

  if (bp.b_flags & B_INVAL) { // vfs_bio.c:1066-1069
    yield* brelse(bp);
    return;
  }
  yield* bdirty(bp); // vfs_bio.c:1070

  // dsched_buf_enter (vfs_bio.c:1072) is not modelled.

  bp.b_flags |= B_CACHE; // vfs_bio.c:1078

  // Cache the physical translation now, while the metadata is in memory (vfs_bio.c:1080-1092).
  if (bp.b_bio2_offset === NOOFFSET) bp.b_bio2_offset = yield* VOP_BMAP(bp.b_vp!, bp.b_loffset);

  yield* vfs_clean_pages(bp); // vfs_bio.c:1109
  yield* bqrelse(bp); // vfs_bio.c:1110
}

/*
 * buwrite (vfs_bio.c:1118-1149): fake write for tmpfs — the pages carry the dirtiness
 * (need-commit) and the buffer stays clean. Falls back to bdwrite for non-VMIO or already
 * delayed-write buffers.
 */
export function* buwrite(bp: Buf): Kernel<void> {
  let m: VmPage;
  let i: number;

  if ((bp.b_flags & B_VMIO) === 0 || bp.b_flags & B_DELWRI) { // vfs_bio.c:1136-1139
    yield* bdwrite(bp);
    return;
  }

  // Mark as needing a commit (vfs_bio.c:1141-1147).
  for (i = 0; i < bp.b_xio.xio_npages; i++) {
    m = bp.b_xio.xio_pages[i]!;
    vm_page_need_commit(m);
  }
  bp.g_modified = false;
  yield* bqrelse(bp); // vfs_bio.c:1148
}

/*
 * bdirty (vfs_bio.c:1151-1192): make the buffer a delayed write. It must be off-queue
 * (vfs_bio.c:1166-1167). The buffer moves to the vnode's dirty tree under v_token; the counters
 * follow, then the daemons are heated up.
 */
export function* bdirty(bp: Buf): Kernel<void> {
  const g = vb();
  KASSERT(bp.b_qindex === BQUEUE_NONE, 'vfs_bio.c:1166-1167', `bdirty: buffer still on queue ${bp.b_qindex}`);
  if (bp.b_flags & B_NOCACHE) bp.b_flags &= ~B_NOCACHE; // vfs_bio.c:1168-1171 (with a kprintf)
  // vfs_bio.c:1172-1174: "dirtying invalid buffer" is only a kprintf.
  bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1175

  if ((bp.b_flags & B_DELWRI) === 0) {
    yield* lwkt_gettoken(bp.b_vp!.v_token); // vfs_bio.c:1178
    bp.b_flags |= B_DELWRI; // vfs_bio.c:1179
    lifecycle(bp, 'BDIRTY');
    bp.g_modified = false;
    g.g_acct_window += 1;
    yield* reassignbuf(bp); // vfs_bio.c:1180
    yield* lwkt_reltoken(bp.b_vp!.v_token); // vfs_bio.c:1181

    // vfs_bio.c:1183-1189: atomic_add_long each (folded into one step, §0)
    g.dirtybufcount += 1;
    g.dirtykvaspace += bp.b_kvasize;
    g.dirtybufspace += bp.b_bufsize;
    if (bp.b_flags & B_HEAVY) {
      g.dirtybufcounthw += 1;
      g.dirtybufspacehw += bp.b_bufsize;
    }
    g.g_acct_window -= 1;
    yield* bd_heatup(); // vfs_bio.c:1190
  }
}

/*
 * bheavy (vfs_bio.c:1194-1209): mark a heavy-weight buffer, flushed by the separate HW daemon
 * to avoid deadlocks. Takes effect at the next release.
 */
export function* bheavy(bp: Buf): Kernel<void> {
  const g = vb();
  if ((bp.b_flags & B_HEAVY) === 0) {
    bp.b_flags |= B_HEAVY; // vfs_bio.c:1203
    lifecycle(bp, 'BHEAVY');
    if (bp.b_flags & B_DELWRI) { // vfs_bio.c:1204-1207 (atomic adds, folded)
      g.dirtybufcounthw += 1;
      g.dirtybufspacehw += bp.b_bufsize;
    }
  }
}

/*
 * bundirty (vfs_bio.c:1211-1244): clear B_DELWRI. Normally off-queue; brelse calls it once
 * after queueing (vfs_bio.c:1218-1220). Counters are decremented before bd_signal issues the
 * tickets (suppliers update the space first, vfs_bio.c:461-464). B_DEFERRED is always cleared:
 * the buffer is being written (vfs_bio.c:1240-1243).
 */
export function* bundirty(bp: Buf): Kernel<void> {
  const g = vb();
  if (bp.b_flags & B_DELWRI) {
    yield* lwkt_gettoken(bp.b_vp!.v_token); // vfs_bio.c:1226
    bp.b_flags &= ~B_DELWRI; // vfs_bio.c:1227
    lifecycle(bp, 'BUNDIRTY');
    g.g_acct_window += 1;
    yield* reassignbuf(bp); // vfs_bio.c:1228
    yield* lwkt_reltoken(bp.b_vp!.v_token); // vfs_bio.c:1229

    // vfs_bio.c:1231-1237 (atomic adds, folded)
    g.dirtybufcount -= 1;
    g.dirtykvaspace -= bp.b_kvasize;
    g.dirtybufspace -= bp.b_bufsize;
    if (bp.b_flags & B_HEAVY) {
      g.dirtybufcounthw -= 1;
      g.dirtybufspacehw -= bp.b_bufsize;
    }
    g.g_acct_window -= 1;
    yield* bd_signal(bp.b_bufsize); // vfs_bio.c:1238
  }
  bp.b_flags &= ~B_DEFERRED; // vfs_bio.c:1243
}

/* bsetrunningbufspace (vfs_bio.c:1246-1258): account the write about to be issued. */
export function* bsetrunningbufspace(bp: Buf, bytes: number): Kernel<void> {
  const g = vb();
  bp.b_runningbufspace = bytes; // vfs_bio.c:1253
  if (bytes) {
    g.runningbufspace += bytes; // vfs_bio.c:1255 (atomic, folded)
    g.runningbufcount += 1; // vfs_bio.c:1256
  }
}

/**
 * brelse's queue choice (vfs_bio.c:1538-1602), as an exhaustive decision table over the flags
 * it tests, in the seed's order: LOCKED first, then "no memory", then junk, then by
 * (DELWRI, HEAVY). Rows are named after spec/vfs_bio_sync.md §1.8 phase G.
 */
export type BrelseRow = 'G1_LOCKED' | 'G2_EMPTY' | 'G3_JUNK' | 'G4_DIRTY' | 'G5_DIRTY_HW' | 'G6_CLEAN';
export function brelse_queue_row(flags: number, bufsize: number): BrelseRow {
  const t: [boolean, boolean, boolean, boolean, boolean] = [
    (flags & B_LOCKED) !== 0,
    bufsize === 0,
    (flags & (B_INVAL | B_NOCACHE | B_RELBUF)) !== 0,
    (flags & B_DELWRI) !== 0,
    (flags & B_HEAVY) !== 0,
  ];
  return match(t)
    .with([true, P._, P._, P._, P._], (): BrelseRow => 'G1_LOCKED')
    .with([false, true, P._, P._, P._], (): BrelseRow => 'G2_EMPTY')
    .with([false, false, true, P._, P._], (): BrelseRow => 'G3_JUNK')
    .with([false, false, false, true, false], (): BrelseRow => 'G4_DIRTY')
    .with([false, false, false, true, true], (): BrelseRow => 'G5_DIRTY_HW')
    .with([false, false, false, false, P._], (): BrelseRow => 'G6_CLEAN')
    .exhaustive();
}

/*
 * brelse (vfs_bio.c:1260-1633): release a locked buffer and, if requested, free its resources,
 * then put it on the queue its state calls for (spec §1.8's phases A-J). A re-dirtied buffer
 * is destroyed only by B_INVAL (vfs_bio.c:1291-1296). B_RELBUF is cleared for B_DELWRI,
 * B_LOCKED or referenced buffers, since releasing the pages of a B_DELWRI buffer would lose a
 * bdwrite whose pages were marked clean (vfs_bio.c:1325-1344).
 */
export function* brelse(bp: Buf): Kernel<void> {
  const g = vb();
  let pcpu: BufPcpu;
  const saved_flags = bp.b_flags; // vfs_bio.c:1271-1273 (INVARIANTS)

  KASSERT(!(bp.b_flags & (B_CLUSTER | B_PAGING)), 'vfs_bio.c:1275-1276', 'brelse: inappropriate B_PAGING or B_CLUSTER bp');

  // B_NOCACHE: destroy the buffer and its backing store; clear B_DELWRI (vfs_bio.c:1278-1289).
  if ((bp.b_flags & (B_NOCACHE | B_DELWRI)) === (B_NOCACHE | B_DELWRI)) yield* bundirty(bp);

  if ((bp.b_flags & (B_INVAL | B_DELWRI)) === B_DELWRI) {
    // A re-dirtied buffer is only subject to destruction by B_INVAL: leave it intact (vfs_bio.c:1291-1296).
  } else if (bp.b_flags & (B_NOCACHE | B_INVAL | B_ERROR) || bp.b_bufsize <= 0) {
    // A failed read, or free / do not cache (vfs_bio.c:1297-1323). B_DELWRI can be set here only
    // with B_INVAL already set. HAMMER may set B_LOCKED in buf_deallocate.
    bp.b_flags |= B_INVAL; // vfs_bio.c:1308
    if (bp.b_dep) yield* buf_deallocate(bp); // vfs_bio.c:1309-1310
    if (bp.b_flags & B_DELWRI) { // vfs_bio.c:1311-1321 (atomic adds, folded)
      g.g_acct_window += 1;
      g.dirtybufcount -= 1;
      g.dirtykvaspace -= bp.b_kvasize;
      g.dirtybufspace -= bp.b_bufsize;
      if (bp.b_flags & B_HEAVY) {
        g.dirtybufcounthw -= 1;
        g.dirtybufspacehw -= bp.b_bufsize;
      }
      yield* bd_signal(bp.b_bufsize); // vfs_bio.c:1320
    }
    if (bp.b_flags & B_DELWRI) {
      lifecycle(bp, 'BRELSE_UNDIRTY');
      g.g_acct_window -= 1;
    }
    bp.b_flags &= ~(B_DELWRI | B_CACHE); // vfs_bio.c:1322
  }

  // B_RELBUF (vfs_bio.c:1325-1354).
  if (bp.b_flags & (B_DELWRI | B_LOCKED) || bp.b_refs) {
    bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1346
  } else if (yield* vm_paging_min()) { // vfs_bio.c:1347
    if (bp.b_dep) yield* buf_deallocate(bp); // can set B_LOCKED (vfs_bio.c:1348-1349)
    if (bp.b_flags & (B_DELWRI | B_LOCKED)) bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1350-1351
    else bp.b_flags |= B_RELBUF; // vfs_bio.c:1353
  }

  // Make sure b_cmd is clear; destruction is now governed by B_INVAL / B_RELBUF (vfs_bio.c:1356-1364).
  bp.b_cmd = BUF_CMD_DONE;

  // VMIO rundown (vfs_bio.c:1366-1507): restore bogus pages, invalidate on NOCACHE/ERROR, release.
  if (bp.b_flags & B_VMIO) {
    let i: number;
    let j: number;
    let resid: number;
    let m: VmPage;
    let foff: number;
    let poff: number;
    let obj: VmObject;
    const vp = bp.b_vp!;

    resid = bp.b_bufsize; // vfs_bio.c:1409
    foff = bp.b_loffset; // vfs_bio.c:1410

    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      m = bp.b_xio.xio_pages[i]!;

      // On a bogus page, fix up *all* of them now; the originals were left wired (vfs_bio.c:1415-1453).
      if (m === g.bogus_page) {
        obj = vp.v_object!;
        poff = OFF_TO_IDX(bp.b_loffset);

        yield* vm_object_hold(obj); // vfs_bio.c:1426
        for (j = i; j < bp.b_xio.xio_npages; j++) {
          let mtmp: VmPage | null;

          mtmp = bp.b_xio.xio_pages[j];
          if (mtmp === g.bogus_page) {
            if ((bp.b_flags & B_HASBOGUS) === 0) panic('vfs_bio.c:1433', 'brelse: bp corrupt bogus');
            mtmp = vm_page_lookup(obj, poff + j);
            if (!mtmp) panic('vfs_bio.c:1436', `brelse: bp page ${j} missing`);
            bp.b_xio.xio_pages[j] = mtmp;
            bogus_restored(mtmp!);
          }
        }
        yield* vm_object_drop(obj); // vfs_bio.c:1440

        if (bp.b_flags & B_HASBOGUS || (bp.b_flags & B_INVAL) === 0) { // vfs_bio.c:1442-1451
          bp.b_flags &= ~B_HASBOGUS; // (pmap_qenter_noinval and bkvareset are not modelled)
          bp.b_flags |= B_KVABIO;
        }
        m = bp.b_xio.xio_pages[i]!;
      }

      // Invalidate the backing store on B_NOCACHE / B_ERROR (vfs_bio.c:1455-1502). One page is
      // one unit, so the NFS whole-page special case and the residual arithmetic collapse.
      if (bp.b_flags & (B_NOCACHE | B_ERROR)) {
        const poffset = foff & PAGE_MASK;
        let presid = PAGE_SIZE - poffset;
        if (presid > resid) presid = resid;
        KASSERT(presid >= 0, 'vfs_bio.c:1492', 'brelse: extra page');
        vm_page_set_invalid(m, poffset, presid); // vfs_bio.c:1493
        // swap_pager_unswapped(m) (vfs_bio.c:1501): no swapcache in the model.
      }
      resid -= PAGE_SIZE - (foff & PAGE_MASK); // vfs_bio.c:1503
      foff = (foff + PAGE_SIZE) & ~PAGE_MASK; // vfs_bio.c:1504
    }
    if (bp.b_flags & (B_INVAL | B_RELBUF)) yield* vfs_vmio_release(bp); // vfs_bio.c:1506-1507
  } else {
    // Rundown for non-VMIO buffers (vfs_bio.c:1508-1523).
    if (bp.b_flags & (B_INVAL | B_RELBUF)) {
      if (bp.b_bufsize) yield* allocbuf(bp, 0);
      KKASSERT(!bp.b_dep, 'vfs_bio.c:1519', 'LIST_FIRST(&bp->b_dep) == NULL');
      if (bp.b_vp) yield* brelvp(bp);
    }
  }

  if (bp.b_qindex !== BQUEUE_NONE) panic('vfs_bio.c:1526', 'brelse: free buffer onto another queue???');

  // Return the buffer to its original pcpu area, on the queue its state calls for (vfs_bio.c:1528-1603).
  pcpu = g.bufpcpu[bp.b_qcpu];
  yield* spin_lock(pcpu.spin); // vfs_bio.c:1536

  switch (brelse_queue_row(bp.b_flags, bp.b_bufsize)) {
    case 'G1_LOCKED':
      // Locked buffers go to the locked queue, whatever their state (vfs_bio.c:1538-1545).
      bp.b_qindex = BQUEUE_LOCKED;
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BRELSE_LOCKED');
      break;
    case 'G2_EMPTY':
      // No memory: should already be B_INVAL and disassociated (vfs_bio.c:1546-1560).
      bp.b_flags |= B_INVAL;
      KASSERT(bp.b_vp === null, 'vfs_bio.c:1553-1556', `bp1 flags ${saved_flags}/${bp.b_flags}: vnode unexpectedly still associated`);
      KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:1557', '(bp->b_flags & B_HASHED) == 0');
      bp.b_qindex = BQUEUE_EMPTY;
      TAILQ_INSERT_HEAD(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BRELSE_EMPTY');
      break;
    case 'G3_JUNK':
      // Junk contents: must already be disassociated (vfs_bio.c:1561-1574).
      KASSERT(bp.b_vp === null, 'vfs_bio.c:1566-1569', `bp2 flags ${saved_flags}/${bp.b_flags}: vnode unexpectedly still associated`);
      KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:1570', '(bp->b_flags & B_HASHED) == 0');
      bp.b_flags |= B_INVAL;
      bp.b_qindex = BQUEUE_CLEAN;
      TAILQ_INSERT_HEAD(pcpu.bufqueues[bp.b_qindex], bp);
      // Unreachable in the seed (A-5): INVAL/RELBUF always empty the buffer first. The buf
      // machine has no transition for it, so a run that gets here fails conformance.
      lifecycle(bp, 'BRELSE_JUNK');
      break;
    case 'G4_DIRTY':
      bp.b_qindex = BQUEUE_DIRTY; // vfs_bio.c:1581-1585
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BRELSE_DIRTY');
      break;
    case 'G5_DIRTY_HW':
      bp.b_qindex = BQUEUE_DIRTY_HW; // vfs_bio.c:1586-1590
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BRELSE_DIRTY_HW');
      break;
    case 'G6_CLEAN':
      // Always at the end: without B_AGE the buffer cycles through twice (vfs_bio.c:1591-1600).
      bp.b_qindex = BQUEUE_CLEAN;
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BRELSE_CLEAN');
      break;
  }
  yield* spin_unlock(pcpu.spin); // vfs_bio.c:1603

  // B_INVAL: clear B_DELWRI, queued but still locked (vfs_bio.c:1605-1610).
  if ((bp.b_flags & (B_INVAL | B_DELWRI)) === (B_INVAL | B_DELWRI)) yield* bundirty(bp);

  // Not locked or dirty: wake threads waiting for buffers (vfs_bio.c:1612-1620).
  if ((bp.b_flags & (B_LOCKED | B_DELWRI)) === 0) yield* bufcountwakeup();

  // Something we can maybe free or reuse (vfs_bio.c:1622-1626).
  if (bp.b_bufsize || bp.b_kvasize) yield* bufspacewakeup();

  // Clean up temporary flags and unlock the buffer (vfs_bio.c:1628-1632).
  bp.b_flags &= ~(B_NOCACHE | B_RELBUF | B_DIRECT);
  yield* BUF_UNLOCK(bp);
}

/** ghost + lifecycle: a bogus_page slot got its original page back. */
function bogus_restored(m: VmPage): void {
  m.g_bogus -= 1;
  lifecycle(m, 'BOGUS_RESTORE');
}

/**
 * bqrelse's queue choice (vfs_bio.c:1664-1692): LOCKED, then DELWRI, then — only for a clean,
 * unpinned buffer — the memory-pressure test decides between a full brelse and CLEAN.
 */
export type BqrelseRow = 'Q1_LOCKED' | 'Q2_DIRTY' | 'Q2_DIRTY_HW' | 'Q34_CLEAN_OR_BRELSE';
export function bqrelse_queue_row(flags: number): BqrelseRow {
  const t: [boolean, boolean, boolean] = [(flags & B_LOCKED) !== 0, (flags & B_DELWRI) !== 0, (flags & B_HEAVY) !== 0];
  return match(t)
    .with([true, P._, P._], (): BqrelseRow => 'Q1_LOCKED')
    .with([false, true, false], (): BqrelseRow => 'Q2_DIRTY')
    .with([false, true, true], (): BqrelseRow => 'Q2_DIRTY_HW')
    .with([false, false, P._], (): BqrelseRow => 'Q34_CLEAN_OR_BRELSE')
    .exhaustive();
}

/*
 * bqrelse (vfs_bio.c:1635-1717): requeue a buffer we expect to use again soon, without freeing
 * anything (used by bdwrite and by async completion). Under memory pressure a clean buffer gets
 * a full brelse instead (vfs_bio.c:1679-1687). Note the comment at vfs_bio.c:1666-1670 says a
 * dirty locked buffer goes to the dirty queue first; the code tests B_LOCKED first (A-6).
 */
export function* bqrelse(bp: Buf): Kernel<void> {
  let pcpu: BufPcpu;

  KASSERT(!(bp.b_flags & (B_CLUSTER | B_PAGING)), 'vfs_bio.c:1653-1654', 'bqrelse: inappropriate B_PAGING or B_CLUSTER bp');

  if (bp.b_qindex !== BQUEUE_NONE) panic('vfs_bio.c:1657', 'bqrelse: free buffer onto another queue???');

  // buf_act_advance(bp) (vfs_bio.c:1659): LRU heuristic, not modelled.

  pcpu = vb().bufpcpu[bp.b_qcpu];
  yield* spin_lock(pcpu.spin); // vfs_bio.c:1662

  switch (bqrelse_queue_row(bp.b_flags)) {
    case 'Q1_LOCKED':
      bp.b_qindex = BQUEUE_LOCKED; // vfs_bio.c:1664-1673
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BQRELSE_LOCKED');
      break;
    case 'Q2_DIRTY':
    case 'Q2_DIRTY_HW':
      bp.b_qindex = bp.b_flags & B_HEAVY ? BQUEUE_DIRTY_HW : BQUEUE_DIRTY; // vfs_bio.c:1674-1678
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, bp.b_qindex === BQUEUE_DIRTY_HW ? 'BQRELSE_DIRTY_HW' : 'BQRELSE_DIRTY');
      break;
    case 'Q34_CLEAN_OR_BRELSE':
      if (yield* vm_paging_min()) {
        // Too low on memory: free the buffer's wired pages *now* (vfs_bio.c:1679-1687).
        yield* spin_unlock(pcpu.spin);
        yield* brelse(bp);
        return;
      }
      bp.b_qindex = BQUEUE_CLEAN; // vfs_bio.c:1688-1691
      TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
      lifecycle(bp, 'BQRELSE_CLEAN');
      break;
  }
  yield* spin_unlock(pcpu.spin); // vfs_bio.c:1693

  // Queued but still locked (vfs_bio.c:1695-1702).
  if ((bp.b_flags & B_LOCKED) === 0 && (bp.b_flags & B_INVAL || (bp.b_flags & B_DELWRI) === 0)) yield* bufcountwakeup();

  // Something we can maybe free or reuse (vfs_bio.c:1704-1708).
  if (bp.b_bufsize && !(bp.b_flags & B_DELWRI)) yield* bufspacewakeup();

  // Clear bits only used while locked, then unlock (vfs_bio.c:1710-1716).
  bp.b_flags &= ~(B_NOCACHE | B_RELBUF);
  yield* BUF_UNLOCK(bp);
}

/*
 * bqhold / bqdrop (vfs_bio.c:1719-1745): a hold prevents reuse (and B_RELBUF release) but not
 * B_INVAL destruction. bqhold requires the buffer lock (findblk is the documented exception).
 */
export function* bqhold(bp: Buf): Kernel<void> {
  yield* atomic_add_int(bp, 'b_refs', 1); // vfs_bio.c:1737
  lifecycle(bp, 'BQHOLD');
}

export function* bqdrop(bp: Buf): Kernel<void> {
  KKASSERT(bp.b_refs > 0, 'vfs_bio.c:1743', 'bp->b_refs > 0');
  yield* atomic_add_int(bp, 'b_refs', -1); // vfs_bio.c:1744
  lifecycle(bp, 'BQDROP');
}

/*
 * vfs_vmio_release (vfs_bio.c:1747-1867): give the buffer's pages back to the VM system. Each
 * page is busied to unwire it; a page whose last wiring goes away may be freed (B_DIRECT) or
 * cached (B_NOTMETA/B_TTC or memory pressure). Then the buffer has no pages, no space and no
 * vnode. Never applied to a B_DELWRI buffer (VM-08).
 */
export function* vfs_vmio_release(bp: Buf): Kernel<void> {
  const g = vb();
  let i: number;
  let m: VmPage;

  for (i = 0; i < bp.b_xio.xio_npages; i++) {
    m = bp.b_xio.xio_pages[i]!;
    bp.b_xio.xio_pages[i] = null; // vfs_bio.c:1769

    // We need to own the page in order to safely unwire it (vfs_bio.c:1771-1774).
    yield* vm_page_busy_wait(m, false, 'vmiopg');

    if (bp.b_flags & B_NOTMETA) vm_page_flag_set(m, PG_NOTMETA); // vfs_bio.c:1780-1781

    // Unwire to the inactive or active queue by the buffer's act_count (vfs_bio.c:1783-1798);
    // the model keeps no act_count and unwires to the inactive queue.
    vm_page_unwire(m, 0);

    // At wire_count 0 we may free or cache it; the vm_page_try_*() check PG_NEED_COMMIT (vfs_bio.c:1800-1843).
    if (m.wire_count === 0) {
      if (bp.b_flags & B_DIRECT) {
        yield* vm_page_wakeup(m); // vfs_bio.c:1813
        yield* vm_page_try_to_free(m); // vfs_bio.c:1814
      } else if (bp.b_flags & (B_NOTMETA | B_TTC) || (yield* vm_paging_min())) {
        vm_page_try_to_cache(m, curthread()); // vfs_bio.c:1829-1830 (consumes the busy)
      } else {
        yield* vm_page_wakeup(m); // vfs_bio.c:1837-1838
      }
    } else {
      yield* vm_page_wakeup(m); // vfs_bio.c:1841
    }
  }

  // pmap_qremove_noinval / b_cpumask (vfs_bio.c:1845-1856) are not modelled.
  if (bp.b_bufsize) { // vfs_bio.c:1857-1861
    g.bufspace -= bp.b_bufsize; // atomic_add_long (folded)
    bp.b_bufsize = 0;
    yield* bufspacewakeup();
  }
  bp.b_xio.xio_npages = 0; // vfs_bio.c:1862
  bp.b_xio.xio_pages.length = 0;
  bp.b_flags &= ~(B_VMIO | B_TTC); // vfs_bio.c:1863
  KKASSERT(!bp.b_dep, 'vfs_bio.c:1864', 'LIST_FIRST(&bp->b_dep) == NULL');
  note('vmio_release_done', { bp });
  if (bp.b_vp) yield* brelvp(bp); // vfs_bio.c:1865-1866
}

/*
 * getnewbuf (vfs_bio.c:1869-2199): find a reusable header and return it locked, off-queue and
 * without identity, or NULL after sleeping for space (getblk retries). Scans this CPU's EMPTY
 * then CLEAN queue (CLEAN only while the space hysteresis says "flushing"), then the other
 * CPUs. Buffers are locked with LK_NOWAIT under the spinlock; b_refs is tested before locking,
 * after locking, and again after brelvp, since findblk may take a ref until brelvp unhashes the
 * buffer (vfs_bio.c:2122-2130). The restart reasons are the seed's: 1, 2, 3, 5, 6, 7.
 * (The comment "We can't afford to block" does not hold: it sleeps at vfs_bio.c:2026 and 2184.)
 */
export function* getnewbuf(blkflags: number, slptimeo: number, _size: number, _maxsize: number): Kernel<Buf | null> {
  const g = vb();
  let pcpu: BufPcpu;
  let bp: Buf | null = null;
  let nbp: Buf | null;
  let nqindex: number;
  let nqcpu: number;
  const slpflags = blkflags & GETBLK_PCATCH ? PCATCH : 0;
  let maxloops = 200000;
  let restart_reason = 0;
  const debug_bufbio = kernelOptions().debug_bufbio === true;

  nqcpu = mycpu(); // vfs_bio.c:1907
  const flushingp = nqcpu; // &flushingbufs[nqcpu] (vfs_bio.c:1908)
  restart: for (;;) {
    if (g.bufspace < g.lobufspace) g.flushingbufs[flushingp] = 0; // vfs_bio.c:1910-1911

    // debug_bufbio (a sysctl, off by default; scenario option) bounds the restarts (vfs_bio.c:1913-1915).
    // The C prints restart_reason/restart_bp; the model's message leaves them out so that those
    // locals stay dead (not part of the state) — they only document the reasons below.
    if (debug_bufbio && --maxloops === 0) panic('vfs_bio.c:1914', `getnewbuf, excessive loops on cpu ${mycpu()}`);

    // Setup for scan: EMPTY, then CLEAN (vfs_bio.c:1917-1938).
    pcpu = g.bufpcpu[nqcpu];
    yield* spin_lock(pcpu.spin); // vfs_bio.c:1926

    nqindex = BQUEUE_EMPTY;
    nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_EMPTY]);
    if (nbp === null || g.flushingbufs[flushingp]) {
      nqindex = BQUEUE_CLEAN;
      nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_CLEAN]);
    }

    // Run the scan. WARNING! spin is held (vfs_bio.c:1940-1946).
    while ((bp = nbp) !== null) {
      const qindex = nqindex;

      nbp = TAILQ_NEXT(bp); // vfs_bio.c:1949

      // BQUEUE_CLEAN - B_AGE special case: cycle through twice (vfs_bio.c:1951-1963). Note the
      // unlocked read-modify-write of b_flags (A-4).
      if (qindex === BQUEUE_CLEAN && (bp.b_flags & B_AGE) === 0 && nbp) {
        bp.b_flags |= B_AGE;
        TAILQ_REMOVE(pcpu.bufqueues[qindex], bp);
        TAILQ_INSERT_TAIL(pcpu.bufqueues[qindex], bp);
        continue;
      }

      // Calculate the next bp (vfs_bio.c:1965-1982).
      if (nbp === null && qindex === BQUEUE_EMPTY) {
        nqindex = BQUEUE_CLEAN;
        nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_CLEAN]);
      }

      // Sanity checks (vfs_bio.c:1984-1995).
      KASSERT(bp.b_qindex === qindex, 'vfs_bio.c:1987-1988', `getnewbuf: inconsistent queue ${qindex}`);
      KASSERT((bp.b_flags & B_DELWRI) === 0, 'vfs_bio.c:1994-1995', `delwri buffer found in queue ${qindex}`);

      // Do not try to reuse a buffer with a non-zero b_refs: unsynchronized test (vfs_bio.c:1997-2003).
      if (bp.b_refs) continue;

      // Lock it; b_refs and the queue are rechecked after locking (vfs_bio.c:2005-2037).
      if ((yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) !== 0) {
        yield* spin_unlock(pcpu.spin);
        yield* tsleep(g.bd_request, 0, 'gnbxxx', Math.trunc((hz + 99) / 100)); // vfs_bio.c:2026
        restart_reason = 1;
        note('getnewbuf_restart', { reason: 1 });
        continue restart;
      }
      if (bp.b_qindex !== qindex || bp.b_refs) {
        yield* spin_unlock(pcpu.spin);
        yield* BUF_UNLOCK(bp);
        restart_reason = 2;
        note('getnewbuf_restart', { reason: 2 });
        continue restart;
      }
      yield* bremfree_locked(bp); // vfs_bio.c:2038
      yield* spin_unlock(pcpu.spin); // vfs_bio.c:2039

      // Dependencies must be handled before we disassociate the vnode; HAMMER may refuse by
      // setting B_LOCKED (vfs_bio.c:2041-2060). spin is UNLOCKED now.
      if (bp.b_dep) {
        yield* buf_deallocate(bp);
        if (bp.b_flags & B_LOCKED) {
          yield* bqrelse(bp);
          restart_reason = 3;
          note('getnewbuf_restart', { reason: 3 });
          continue restart;
        }
        KKASSERT(!bp.b_dep, 'vfs_bio.c:2059', 'LIST_FIRST(&bp->b_dep) == NULL');
      }

      // CLEAN buffers have content or associations to clean out (vfs_bio.c:2062-2071).
      if (qindex === BQUEUE_CLEAN) {
        if (bp.b_flags & B_VMIO) yield* vfs_vmio_release(bp);
        if (bp.b_vp) yield* brelvp(bp);
      }

      // nbp is now invalid: only a restart is possible from here (vfs_bio.c:2073-2084).
      KASSERT(bp.b_vp === null, 'vfs_bio.c:2080-2083', `bp3 qindex ${qindex}: vnode unexpectedly still associated`);
      KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:2084', '(bp->b_flags & B_HASHED) == 0');

      if (bp.b_bufsize) yield* allocbuf(bp, 0); // vfs_bio.c:2086-2087

      if (bp.b_flags & (B_VNDIRTY | B_VNCLEAN | B_HASHED)) { // vfs_bio.c:2089-2094
        // kprintf("getnewbuf: caught bug vp queue")
        yield* brelvp(bp);
      }
      // Reset the header (vfs_bio.c:2095-2108).
      bp.b_flags = B_BNOCLIP;
      bp.b_cmd = BUF_CMD_DONE;
      bp.b_vp = null;
      bp.b_error = 0;
      bp.b_resid = 0;
      bp.b_bcount = 0;
      bp.b_xio.xio_npages = 0;
      bp.b_bio1.bio_done = null; // reinitbufbio (vfs_bio.c:743-751): bio_done and the bio2 offset, not bio_flags
        bp.b_bio2_offset = NOOFFSET;
      KKASSERT(!bp.b_dep, 'vfs_bio.c:2105', 'LIST_FIRST(&bp->b_dep) == NULL');
      lifecycle(bp, 'GETNEWBUF_REUSE');
      if (blkflags & GETBLK_BHEAVY) {
        bp.b_flags |= B_HEAVY;
        lifecycle(bp, 'BHEAVY');
      }

      // Space hysteresis (vfs_bio.c:2110-2120).
      if (g.bufspace >= g.hibufspace) g.flushingbufs[flushingp] = 1;
      if (g.bufspace < g.lobufspace) g.flushingbufs[flushingp] = 0;
      if (g.flushingbufs[flushingp]) {
        bp.b_flags |= B_INVAL;
        yield* brelse(bp);
        restart_reason = 5;
        note('getnewbuf_restart', { reason: 5 });
        continue restart;
      }

      // A findblk() may have ref'd it before our brelvp() unhashed it: destroy its contents but
      // do not reuse it (vfs_bio.c:2122-2138).
      if (bp.b_refs) {
        bp.b_flags |= B_INVAL;
        yield* brelse(bp);
        restart_reason = 6;
        note('getnewbuf_restart', { reason: 6 });
        continue restart;
      }

      // We found our buffer! (vfs_bio.c:2140-2143)
      break;
    }

    // Exhausted this CPU: try the others, then sleep for space (vfs_bio.c:2146-2189). The spin
    // is held if bp is NULL.
    if (bp === null) {
      let flags: number;
      let waitmsg: string;

      yield* spin_unlock(pcpu.spin); // vfs_bio.c:2159

      nqcpu = (nqcpu + 1) % g.ncpus; // vfs_bio.c:2161
      if (nqcpu !== mycpu()) {
        restart_reason = 7;
        note('getnewbuf_restart', { reason: 7 });
        continue restart;
      }

      if (g.bufspace >= g.hibufspace) { // vfs_bio.c:2168-2174
        waitmsg = 'bufspc';
        flags = VFS_BIO_NEED_BUFSPACE;
      } else {
        waitmsg = 'newbuf';
        flags = VFS_BIO_NEED_ANY;
      }

      yield* bd_speedup(); // heeeelp (vfs_bio.c:2176)
      yield* atomic_set_int(g.needsbuffer, 'v', flags); // vfs_bio.c:2177
      while ((yield* load(g.needsbuffer, 'v')) & flags) { // vfs_bio.c:2178
        let value: number;

        yield* tsleep_interlock(g.needsbuffer, 0); // vfs_bio.c:2181
        value = yield* atomic_fetchadd_int(g.needsbuffer, 'v', 0); // vfs_bio.c:2182
        if (value & flags) {
          if (yield* tsleep(g.needsbuffer, PINTERLOCKED | slpflags, waitmsg, slptimeo)) return null; // vfs_bio.c:2184-2186
        }
      }
    }
    // else: we finally have a valid bp; reset b_data (vfs_bio.c:2196, KVA: not modelled).
    if (bp !== null) note('getnewbuf_return', { bp });
    return bp;
  }
}

/*
 * buf_daemon1 (vfs_bio.c:2228-2288): the body of bufdaemon and bufdaemon_hw. Flush while dirty
 * plus running space exceeds half of lodirtybufspace, limiting in-flight I/O; then consume the
 * request word with a swap after interlocking, and sleep (up to hz) only if no request came in
 * (spec §3.5). The marker is allocated by the environment at boot (env/bufcache.ts newMarker).
 */
export function* buf_daemon1(queue: number, hw: number, bd_req: Word, marker: Buf): Kernel<void> {
  const g = vb();
  let limit: number;

  KKASSERT((marker.b_flags & B_MARKER) !== 0 && marker.b_qindex === BQUEUE_NONE, 'vfs_bio.c:2235-2238', 'marker set up');
  // EVENTHANDLER_REGISTER / TDF_SYSTHREAD (vfs_bio.c:2243-2245): not modelled.

  for (;;) {
    // kproc_suspend_loop() (vfs_bio.c:2251): shutdown only; not modelled.

    // Flush while dirty + running exceeds lodirtybufspace/2 (vfs_bio.c:2253-2275).
    yield* waitrunningbufspace(); // vfs_bio.c:2267
    limit = Math.trunc(g.lodirtybufspace / 2); // vfs_bio.c:2268
    while (hw ? yield* buf_daemon_hw_limit(limit) : yield* buf_daemon_limit(limit)) {
      if ((yield* flushbufqueues(marker, queue)) === 0) break;
      if (g.runningbufspace < g.hirunningspace) continue;
      yield* waitrunningbufspace();
    }

    // Reset the request and sleep until needed again (vfs_bio.c:2277-2284).
    yield* tsleep_interlock(bd_req, 0); // vfs_bio.c:2282
    if ((yield* atomic_swap_int(bd_req, 'v', 0)) === 0) yield* tsleep(bd_req, PINTERLOCKED, 'psleep', hz); // vfs_bio.c:2283-2284
  }
}

/* buf_daemon_limit (vfs_bio.c:2290-2295). */
export function* buf_daemon_limit(limit: number): Kernel<boolean> {
  const g = vb();
  return g.runningbufspace + g.dirtykvaspace > limit || g.dirtybufcount - g.dirtybufcounthw >= g.nbuf / 2;
}

/* buf_daemon_hw_limit (vfs_bio.c:2297-2302). */
export function* buf_daemon_hw_limit(limit: number): Kernel<boolean> {
  const g = vb();
  return g.runningbufspace + g.dirtykvaspace > limit || g.dirtybufcounthw >= g.nbuf / 2;
}

/* buf_daemon (vfs_bio.c:2304-2309): flushes BQUEUE_DIRTY. */
export function* buf_daemon(marker: Buf): Kernel<void> {
  vb().bufdaemon_td = curthread();
  yield* buf_daemon1(BQUEUE_DIRTY, 0, vb().bd_request, marker);
}

/* buf_daemon_hw (vfs_bio.c:2311-2316): flushes BQUEUE_DIRTY_HW. */
export function* buf_daemon_hw(marker: Buf): Kernel<void> {
  vb().bufdaemonhw_td = curthread();
  yield* buf_daemon1(BQUEUE_DIRTY_HW, 1, vb().bd_request_hw, marker);
}

/*
 * flushbufqueues (vfs_bio.c:2318-2475): write up to flushperqueue dirty buffers from one CPU's
 * queue q, moving to the next CPU per call. The scan resumes only from its marker, which is
 * moved just after the buffer being worked on *before* the spinlock is dropped, so requeued
 * buffers behind it are revisited and freed buffers are never followed (spec §3.8). Only a
 * non-blocking BUF_LOCK is used under the spinlock; BUF_UNLOCK always drops it first.
 */
export function* flushbufqueues(marker: Buf, q: number): Kernel<number> {
  const g = vb();
  let pcpu: BufPcpu;
  let bp: Buf | null;
  let r = 0;
  let loops = g.flushperqueue;
  const lcpu = marker.b_qcpu;

  KKASSERT(marker.b_qindex === BQUEUE_NONE, 'vfs_bio.c:2343', 'marker->b_qindex == BQUEUE_NONE');
  KKASSERT((marker.b_flags & B_MARKER) !== 0, 'vfs_bio.c:2344', 'marker->b_flags & B_MARKER');

  again: for (;;) {
    // The spinlock may be held through a non-blocking BUF_LOCK but not through BUF_UNLOCK or
    // any other major operation (vfs_bio.c:2347-2351).
    pcpu = g.bufpcpu[marker.b_qcpu];
    yield* spin_lock(pcpu.spin); // vfs_bio.c:2353
    marker.b_qindex = q;
    TAILQ_INSERT_HEAD(pcpu.bufqueues[q], marker); // vfs_bio.c:2355
    bp = marker;

    while ((bp = TAILQ_NEXT(bp)) !== null) {
      // NOTE: spinlock is always held at the top of the loop (vfs_bio.c:2359-2361).
      if (bp.b_flags & B_MARKER) continue;
      if ((bp.b_flags & B_DELWRI) === 0) {
        note('unexpected_clean_buffer', { bp }); // kprintf, vfs_bio.c:2364-2367
        continue;
      }
      if (yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) continue; // vfs_bio.c:2368-2369
      KKASSERT(bp.b_qcpu === marker.b_qcpu && bp.b_qindex === q, 'vfs_bio.c:2370', 'bp->b_qcpu == marker->b_qcpu && bp->b_qindex == q');

      // Move the marker just after bp now, before the spinlock can be dropped (vfs_bio.c:2372-2379).
      TAILQ_REMOVE(pcpu.bufqueues[q], marker);
      TAILQ_INSERT_AFTER(pcpu.bufqueues[q], bp, marker);

      // Must recheck B_DELWRI after successfully locking the buffer (vfs_bio.c:2381-2391).
      if ((bp.b_flags & B_DELWRI) === 0) {
        yield* spin_unlock(pcpu.spin);
        yield* BUF_UNLOCK(bp);
        yield* spin_lock(pcpu.spin);
        bp = marker;
        continue;
      }

      // Remove the buffer from its queue; we still own the spinlock (vfs_bio.c:2393-2397).
      yield* _bremfree(bp);

      if (bp.b_flags & B_INVAL) {
        // Disposing of an invalid buffer counts as a flush op (vfs_bio.c:2399-2406).
        yield* spin_unlock(pcpu.spin);
        yield* brelse(bp);
      } else {
        // Release the spinlock for the complex ops (vfs_bio.c:2408-2413); lwkt_yield() is a
        // scheduling hint, and the model's scheduler may switch threads at any step anyway.
        yield* spin_unlock(pcpu.spin);

        // Dependencies not ready: requeue once behind the marker (B_DEFERRED) (vfs_bio.c:2415-2430).
        if (bp.b_dep && (bp.b_flags & B_DEFERRED) === 0 && (yield* buf_countdeps(bp, 0))) {
          yield* spin_lock(pcpu.spin);
          TAILQ_INSERT_TAIL(pcpu.bufqueues[q], bp);
          bp.b_qindex = q;
          bp.b_flags |= B_DEFERRED;
          lifecycle(bp, 'FLUSH_REQUEUE');
          yield* spin_unlock(pcpu.spin);
          yield* BUF_UNLOCK(bp);
          yield* spin_lock(pcpu.spin);
          bp = marker;
          continue;
        }

        // buf_checkwrite() must also allow the write; B_ERROR buffers may be requeued over and
        // over, so wait a tick to avoid a live lock (vfs_bio.c:2432-2450).
        if (bp.b_dep && (yield* buf_checkwrite(bp))) {
          yield* brelse(bp);
        } else if (bp.b_flags & B_ERROR) {
          yield* tsleep(bp, 0, 'bioer', 1);
          bp.b_flags &= ~B_AGE;
          yield* cluster_awrite(bp);
        } else {
          bp.b_flags |= B_AGE | B_KVABIO;
          yield* cluster_awrite(bp);
        }
      }
      // doloop: bp invalid but needs to be NULL-tested if we break out (vfs_bio.c:2451-2457).
      yield* spin_lock(pcpu.spin);
      ++r;
      if (--loops === 0) break;
      bp = marker;
    }
    // bp is invalid here but can be NULL-tested to advance (vfs_bio.c:2459-2463).
    TAILQ_REMOVE(pcpu.bufqueues[q], marker);
    marker.b_qindex = BQUEUE_NONE;
    yield* spin_unlock(pcpu.spin);

    // Advance the marker to be fair (vfs_bio.c:2465-2472).
    marker.b_qcpu = (marker.b_qcpu + 1) % g.ncpus;
    if (bp === null) {
      if (marker.b_qcpu !== lcpu) continue again;
    }
    return r;
  }
}

/*
 * inmem (vfs_bio.c:2477-2525): is the block's data in memory without I/O? (A read-ahead
 * heuristic; races with frees are ignored, vfs_bio.c:2484-2486.)
 */
export function* inmem(vp: Vnode, loffset: number): Kernel<number> {
  let obj: VmObject | null;
  let toff: number;
  let m: VmPage | null;
  let res = 1;

  if (yield* findblk(vp, loffset, FINDBLK_TEST)) return 1; // vfs_bio.c:2496-2497
  // vp->v_mount == NULL returns 0 (vfs_bio.c:2498-2499): every model vnode is mounted, and
  // v_iosize stands for v_mount->mnt_stat.f_iosize.
  if ((obj = vp.v_object) === null) return 0; // vfs_bio.c:2500-2501

  // One page per unit: check each page of the block (vfs_bio.c:2503-2522).
  yield* vm_object_hold(obj);
  for (toff = 0; toff < vp.v_iosize; toff += PAGE_SIZE) {
    m = vm_page_lookup(obj, OFF_TO_IDX(loffset + toff));
    if (m === null) {
      res = 0;
      break;
    }
    if (!vm_page_is_valid(m, (toff + loffset) & PAGE_MASK, PAGE_SIZE)) {
      res = 0;
      break;
    }
  }
  yield* vm_object_drop(obj);
  return res;
}

/*
 * findblk (vfs_bio.c:2527-2620): look up (vp, loffset). The ref is taken while v_token is held,
 * which prevents reuse (getnewbuf) but not disassociation; hence the identity is revalidated
 * after locking (spec §3.9). A returned locked buffer is still on its queue (vfs_bio.c:2533-2535).
 */
export function* findblk(vp: Vnode, loffset: number, flags: number): Kernel<Buf | null> {
  let bp: Buf | null;
  let lkflags: number;

  lkflags = LK_EXCLUSIVE; // vfs_bio.c:2561-2563
  if (flags & FINDBLK_NBLOCK) lkflags |= LK_NOWAIT;

  for (;;) {
    // Lookup; ref the buf while holding v_token to prevent reuse (vfs_bio.c:2566-2577).
    yield* lwkt_gettoken_shared(vp.v_token);
    bp = buf_rb_hash_lookup(vp, loffset);
    if (bp === null) {
      yield* lwkt_reltoken(vp.v_token);
      return null;
    }
    yield* bqhold(bp); // vfs_bio.c:2576
    yield* lwkt_reltoken(vp.v_token); // vfs_bio.c:2577

    // If testing only break and return bp, do not lock (vfs_bio.c:2579-2583).
    if (flags & FINDBLK_TEST) break;

    // Lock the buffer; only FINDBLK_NBLOCK can make it fail (vfs_bio.c:2585-2593).
    if (yield* BUF_LOCK(bp, lkflags)) {
      yield* atomic_add_int(bp, 'b_refs', -1); // atomic_subtract_int (vfs_bio.c:2590)
      lifecycle(bp, 'BQDROP');
      return null;
    }

    // Revalidate the locked buf (vfs_bio.c:2595-2611).
    if (bp.b_vp === vp && bp.b_loffset === loffset) {
      if (flags & FINDBLK_KVABIO) bp.b_flags |= B_KVABIO;
      // else bkvasync_all(bp): KVA, not modelled
      break;
    }
    yield* atomic_add_int(bp, 'b_refs', -1); // vfs_bio.c:2610
    lifecycle(bp, 'BQDROP');
    yield* BUF_UNLOCK(bp); // vfs_bio.c:2611
  }

  // Success (vfs_bio.c:2614-2619).
  if ((flags & FINDBLK_REF) === 0) {
    yield* atomic_add_int(bp, 'b_refs', -1); // vfs_bio.c:2618
    lifecycle(bp, 'BQDROP');
  }
  if ((flags & FINDBLK_TEST) === 0) note('findblk_return', { bp, vp, loffset, flags });
  return bp;
}

/*
 * getcacheblk (vfs_bio.c:2622-2680): like getblk, but only returns a fully cached buffer that
 * needs nothing else (NULL otherwise, or if GETBLK_NOWAIT would block). B_RAM returns NULL so
 * the caller falls through to the cluster read and issues more read-ahead (vfs_bio.c:2630-2632).
 */
export function* getcacheblk(vp: Vnode, loffset: number, blksize: number, blkflags: number): Kernel<Buf | null> {
  let bp: Buf | null;
  let fndflags = 0;

  if (blkflags & GETBLK_NOWAIT) fndflags |= FINDBLK_NBLOCK; // vfs_bio.c:2647-2650
  if (blkflags & GETBLK_KVABIO) fndflags |= FINDBLK_KVABIO;

  if (blksize) {
    bp = yield* getblk(vp, loffset, blksize, blkflags, 0); // vfs_bio.c:2653
    if (bp) {
      if ((bp.b_flags & (B_INVAL | B_CACHE)) === B_CACHE) {
        bp.b_flags &= ~B_AGE;
        if (bp.b_flags & B_RAM) {
          yield* bqrelse(bp);
          bp = null;
        }
      } else {
        yield* brelse(bp);
        bp = null;
      }
    }
  } else {
    bp = yield* findblk(vp, loffset, fndflags); // vfs_bio.c:2667
    if (bp) {
      if ((bp.b_flags & (B_INVAL | B_CACHE | B_RAM)) === B_CACHE) {
        bp.b_flags &= ~B_AGE; // still on its queue (A-4)
        yield* bremfree(bp);
      } else {
        yield* BUF_UNLOCK(bp);
        bp = null;
      }
    }
  }
  return bp;
}

/*
 * getblk (vfs_bio.c:2682-2988): get the buffer for (vp, loffset), locked and off-queue.
 * If B_CACHE is clear on return the caller must initialise it, read it, or set B_INVAL before
 * releasing it (vfs_bio.c:2689-2694). Hit: ref (findblk REF|TEST), lock, drop the ref, recheck
 * the identity (the buffer may have been recycled while we slept, vfs_bio.c:2747-2792). Dirty
 * or dependent buffers of the wrong size are written synchronously first; a B_DELWRI buffer
 * without B_CACHE is committed before a caller could read over it (vfs_bio.c:2869-2908).
 * Miss: getnewbuf, then hash it with bgetvp; a collision means another thread created it first
 * (vfs_bio.c:2949-2966).
 */
export function* getblk(vp: Vnode, loffset: number, size: number, blkflags: number, slptimeo: number): Kernel<Buf | null> {
  let bp: Buf | null;
  const slpflags = blkflags & GETBLK_PCATCH ? PCATCH : 0;
  let error: number;
  let lkflags: number;

  if (size > MAXBSIZE) panic('vfs_bio.c:2737', `getblk: size(${size}) > MAXBSIZE(${MAXBSIZE})`);
  if (vp.v_object === null) panic('vfs_bio.c:2739', 'getblk: vnode has no object!');

  loop: for (;;) {
    if ((bp = yield* findblk(vp, loffset, FINDBLK_REF | FINDBLK_TEST)) !== null) {
      // Found: lock it while holding the ref, which prevents reuse but not disassociation
      // (vfs_bio.c:2747-2775).
      if (yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) {
        if (blkflags & GETBLK_NOWAIT) {
          yield* bqdrop(bp);
          return null;
        }
        lkflags = LK_EXCLUSIVE | LK_SLEEPFAIL;
        // LK_PCATCH with GETBLK_PCATCH (vfs_bio.c:2765-2766): signals are not modelled.
        error = yield* BUF_TIMELOCK(bp, lkflags, 'getblk', slptimeo);
        if (error) {
          yield* bqdrop(bp);
          if (error === ENOLCK) continue loop;
          return null;
        }
        // buffer may have changed on us
      }
      yield* bqdrop(bp); // vfs_bio.c:2776

      // Make sure we did not race a recycling; unhashed buffers have b_vp == NULL (vfs_bio.c:2778-2792).
      if (bp.b_vp !== vp || bp.b_loffset !== loffset) {
        yield* BUF_UNLOCK(bp);
        continue loop;
      }

      // SZMATCH: the caller does not want a write on a size mismatch (vfs_bio.c:2794-2802).
      if (blkflags & GETBLK_SZMATCH && size !== bp.b_bcount) {
        yield* BUF_UNLOCK(bp);
        return null;
      }

      KKASSERT((bp.b_flags & B_VMIO) !== 0, 'vfs_bio.c:2810', 'bp->b_flags & B_VMIO');
      KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:2811', 'bp->b_cmd == BUF_CMD_DONE');
      bp.b_flags &= ~B_AGE; // vfs_bio.c:2812
      bp.b_flags |= B_KVABIO; // vfs_bio.c:2813

      // B_INVAL buffers must not have a cached translation (vfs_bio.c:2815-2825).
      if (bp.b_flags & B_INVAL && bp.b_bio2_offset !== NOOFFSET) {
        note('getblk_warning', { bp, what: 'invalid buffer did not have cleared bio_offset cache' });
        bp.b_bio2_offset = NOOFFSET; // clearbiocache
      }

      // Locked: B_CACHE is cleared if invalid; after bremfree disposals must use b[q]relse (vfs_bio.c:2827-2835).
      if (bp.b_flags & B_INVAL) bp.b_flags &= ~B_CACHE;
      yield* bremfree(bp);

      // Size changes of dirty or dependent buffers are written first (vfs_bio.c:2837-2864).
      if (size !== bp.b_bcount) {
        if (bp.b_flags & B_DELWRI) {
          bp.b_flags |= B_RELBUF;
          yield* bwrite(bp);
        } else if (bp.b_dep) {
          bp.b_flags |= B_RELBUF;
          yield* bwrite(bp);
        } else {
          bp.b_flags |= B_RELBUF;
          yield* brelse(bp);
        }
        continue loop;
      }
      KKASSERT(size <= bp.b_kvasize, 'vfs_bio.c:2865', 'size <= bp->b_kvasize');
      KASSERT(bp.b_loffset !== NOOFFSET, 'vfs_bio.c:2866-2867', 'getblk: no buffer offset');

      // A B_DELWRI buffer without B_CACHE must be committed first (vfs_bio.c:2869-2908).
      if ((bp.b_flags & (B_CACHE | B_DELWRI)) === B_DELWRI) {
        note('getblk_warning', { bp, what: 'DELWRI set and CACHE clear' });
        bp.b_flags |= B_NOCACHE;
        yield* bwrite(bp);
        continue loop;
      }
    } else {
      // Not in core: create a new buffer (vfs_bio.c:2909-2978).
      let bsize: number;
      let maxsize: number;

      if (vp.v_type === VBLK || vp.v_type === VCHR) bsize = DEV_BSIZE; // vfs_bio.c:2932-2937
      else bsize = vp.v_iosize;

      maxsize = size + (loffset & PAGE_MASK); // vfs_bio.c:2939-2940
      maxsize = Math.max(maxsize, bsize);

      bp = yield* getnewbuf(blkflags, slptimeo, size, maxsize); // vfs_bio.c:2942
      if (bp === null) {
        if (slpflags || slptimeo) return null;
        continue loop;
      }

      // Insert into the hash so findblk can find it; a collision means we lost the race
      // (vfs_bio.c:2949-2966).
      bp.b_loffset = loffset;
      bp.b_bio2_offset = NOOFFSET;

      if (yield* bgetvp(vp, bp, size)) {
        bp.b_flags |= B_INVAL;
        yield* brelse(bp);
        continue loop;
      }

      // All vnode-based buffers are backed by a VM object (vfs_bio.c:2968-2977).
      KKASSERT(vp.v_object !== null, 'vfs_bio.c:2973', 'vp->v_object != NULL');
      bp.b_flags |= B_VMIO | B_KVABIO;
      KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:2975', 'bp->b_cmd == BUF_CMD_DONE');

      yield* allocbuf(bp, size);
    }
    // bkvasync_all unless GETBLK_KVABIO (vfs_bio.c:2980-2986): KVA, not modelled.
    note('getblk_return', { bp, vp, loffset, size });
    return bp;
  }
}

/*
 * regetblk (vfs_bio.c:2990-3006): reacquire a buffer released to the LOCKED queue, or one pinned
 * through buf_deallocate's B_LOCKED.
 */
export function* regetblk(bp: Buf): Kernel<void> {
  KKASSERT((bp.b_flags & B_LOCKED) !== 0 || bp.b_dep, 'vfs_bio.c:3003', '(bp->b_flags & B_LOCKED) || LIST_FIRST(&bp->b_dep) != NULL');
  yield* BUF_LOCK(bp, LK_EXCLUSIVE); // LK_RETRY (vfs_bio.c:3004): a blocking lock always succeeds
  yield* bremfree(bp); // vfs_bio.c:3005
}

/*
 * allocbuf (vfs_bio.c:3008-3232): resize a VMIO buffer. Shrinking unwires the surplus pages
 * (they are not freed). Growing brings pages in from the object, allocating them if needed,
 * and clears B_CACHE unless the new range is valid. It never sleeps on a busy page while
 * holding another page busy: that could deadlock vm_fault->getpages->cluster_read->allocbuf
 * (vfs_bio.c:3124-3129). The caller must own the buffer.
 */
export function* allocbuf(bp: Buf, size: number): Kernel<void> {
  const g = vb();
  let m: VmPage;
  let newbsize: number;
  let desiredpages: number;
  let i: number;

  if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:3037', 'allocbuf: buffer not busy');
  if (bp.b_kvasize < size) panic('vfs_bio.c:3040', 'allocbuf: buffer too small');
  KKASSERT((bp.b_flags & B_VMIO) !== 0, 'vfs_bio.c:3042', 'bp->b_flags & B_VMIO');

  newbsize = Math.ceil(size / DEV_BSIZE) * DEV_BSIZE; // vfs_bio.c:3044
  desiredpages = Math.trunc(((bp.b_loffset & PAGE_MASK) + newbsize + PAGE_MASK) / PAGE_SIZE); // vfs_bio.c:3045-3046
  KKASSERT(desiredpages <= XIO_INTERNAL_PAGES, 'vfs_bio.c:3047', 'desiredpages <= XIO_INTERNAL_PAGES');

  // Set B_CACHE initially if the buffer is or becomes 0-length (vfs_bio.c:3049-3054).
  if (size === 0 || bp.b_bufsize === 0) bp.b_flags |= B_CACHE;

  if (newbsize < bp.b_bufsize) {
    // Shrink: remove surplus pages; vnode_pager_setsize frees them, not us (vfs_bio.c:3056-3095).
    if (desiredpages < bp.b_xio.xio_npages) {
      for (i = desiredpages; i < bp.b_xio.xio_npages; i++) {
        m = bp.b_xio.xio_pages[i]!;
        KASSERT(m !== g.bogus_page, 'vfs_bio.c:3070-3071', 'allocbuf: bogus page found');
        yield* vm_page_busy_wait(m, true, 'biodep'); // vfs_bio.c:3072
        bp.b_xio.xio_pages[i] = null;
        vm_page_unwire(m, 0); // vfs_bio.c:3074
        yield* vm_page_wakeup(m); // vfs_bio.c:3075
      }
      // pmap_qremove_noinval / cpumask / bkvareset (vfs_bio.c:3077-3094): not modelled.
      bp.b_xio.xio_npages = desiredpages;
      bp.b_xio.xio_pages.length = desiredpages;
    }
  } else if (size > bp.b_bcount) {
    // Grow (vfs_bio.c:3096-3217). Step 1: bring in the pages, allocating them if necessary.
    let obj: VmObject;
    let toff: number;
    let tinc: number;

    obj = bp.b_vp!.v_object!;

    yield* vm_object_hold(obj); // vfs_bio.c:3115
    while (bp.b_xio.xio_npages < desiredpages) {
      let pg: VmPage | null;
      let pi: number;
      let r: [VmPage | null, number];

      pi = OFF_TO_IDX(bp.b_loffset) + bp.b_xio.xio_npages; // vfs_bio.c:3121-3122

      // Blocking on a busy page here could deadlock: wait without holding any (vfs_bio.c:3124-3135).
      r = yield* vm_page_lookup_busy_try(obj, pi, false);
      pg = r[0];
      if (r[1]) {
        yield* vm_page_sleep_busy(pg!, false, 'pgtblk');
        continue;
      }
      if (pg === null) {
        // Must allocate system pages: blocking here could interfere with paging I/O (vfs_bio.c:3136-3154).
        pg = yield* bio_page_alloc(bp, obj, pi, desiredpages - bp.b_xio.xio_npages);
        if (pg) {
          vm_page_wire(pg); // vfs_bio.c:3147
          yield* vm_page_wakeup(pg); // vfs_bio.c:3148
          bp.b_flags &= ~B_CACHE; // vfs_bio.c:3149
          bp.b_xio.xio_pages[bp.b_xio.xio_npages] = pg;
          ++bp.b_xio.xio_npages;
        }
        continue;
      }

      // We found a page and were able to busy it (vfs_bio.c:3156-3164).
      vm_page_wire(pg);
      yield* vm_page_wakeup(pg);
      bp.b_xio.xio_pages[bp.b_xio.xio_npages] = pg;
      ++bp.b_xio.xio_npages;
    }
    yield* vm_object_drop(obj); // vfs_bio.c:3166

    // Step 2: may B_CACHE stay set? Tested over [b_bcount, size) page by page (vfs_bio.c:3168-3204).
    toff = bp.b_bcount;
    tinc = PAGE_SIZE - ((bp.b_loffset + toff) & PAGE_MASK);

    while (bp.b_flags & B_CACHE && toff < size) {
      let pix: number;

      if (tinc > size - toff) tinc = size - toff;
      pix = Math.trunc(((bp.b_loffset & PAGE_MASK) + toff) / PAGE_SIZE);
      yield* vfs_buf_test_cache(bp, bp.b_loffset, toff, tinc, bp.b_xio.xio_pages[pix]!);
      toff += tinc;
      tinc = PAGE_SIZE;
    }
    // Step 3, the KVM pmap (vfs_bio.c:3206-3216): not modelled.
  }
  g.bufspace += newbsize - bp.b_bufsize; // vfs_bio.c:3218 (atomic, folded)

  // adjust space use on already-dirty buffer; dirtykvaspace unchanged (vfs_bio.c:3220-3228)
  if (bp.b_flags & B_DELWRI) {
    g.dirtybufspace += newbsize - bp.b_bufsize;
    if (bp.b_flags & B_HEAVY) g.dirtybufspacehw += newbsize - bp.b_bufsize;
  }
  bp.b_bufsize = newbsize; // actual buffer allocation (vfs_bio.c:3229)
  bp.b_bcount = size; // requested buffer size (vfs_bio.c:3230)
  yield* bufspacewakeup(); // vfs_bio.c:3231
}

/*
 * _biowait (vfs_bio.c:3234-3290): wait for I/O completion on b_bio1.
 *
 * The waiter publishes BIO_WANT with a CAS against the flags it read, after interlocking, so a
 * completion between its read and its CAS makes the CAS fail (it re-reads and sees BIO_DONE),
 * and a completion after the CAS sees BIO_WANT and wakes it. On return bpdone() has run and
 * the buffer is still locked (vfs_bio.c:3241-3242). BIO_DONE is cleared here, non-atomically,
 * which is safe because the completer's CAS was its last access (vfs_bio.c:3284).
 */
export function* _biowait(bio: Bio, wmesg: string | null, to: number): Kernel<number> {
  const bp = bio.bio_buf;
  let flags: number;
  let nflags: number;
  let error: number;

  KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3259', 'bio == &bp->b_bio1');
  for (;;) {
    flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3261
    if (flags & BIO_DONE) break; // vfs_bio.c:3262-3263
    nflags = flags | BIO_WANT; // vfs_bio.c:3264
    yield* tsleep_interlock(bio, 0); // vfs_bio.c:3265
    if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3266
      lifecycle(bio, 'SET_WANT');
      if (wmesg) error = yield* tsleep(bio, PINTERLOCKED, wmesg, to); // vfs_bio.c:3267-3268
      else if (bp.b_cmd === BUF_CMD_READ) error = yield* tsleep(bio, PINTERLOCKED, 'biord', to); // vfs_bio.c:3269-3270
      else error = yield* tsleep(bio, PINTERLOCKED, 'biowr', to); // vfs_bio.c:3271-3272
      if (error) return error; // vfs_bio.c:3273-3276 (the kprintf is not modelled)
    }
  }

  // Finish up.
  KKASSERT(bp.b_cmd === BUF_CMD_DONE, 'vfs_bio.c:3283', 'bp->b_cmd == BUF_CMD_DONE');
  // vfs_bio.c:3284: `bio->bio_flags &= ~(BIO_DONE | BIO_SYNC)` is a plain read-modify-write.
  flags = yield* load(bio, 'bio_flags');
  yield* store(bio, 'bio_flags', flags & ~(BIO_DONE | BIO_SYNC)); // vfs_bio.c:3284
  lifecycle(bio, 'BIOWAIT_FINISH');
  bio.g_done_published = false;
  if (bp.b_flags & B_EINTR) return EINTR; // vfs_bio.c:3285-3286
  if (bp.b_flags & B_ERROR) return bp.b_error ? bp.b_error : EIO; // vfs_bio.c:3287-3288
  return 0;
}

/* biowait (vfs_bio.c:3292-3296): _biowait without a timeout. */
export function* biowait(bio: Bio, wmesg: string | null): Kernel<number> {
  return yield* _biowait(bio, wmesg, 0); // vfs_bio.c:3295
}

/*
 * vn_strategy (vfs_bio.c:3320-3390): issue the I/O through the vnode, tracking it on the
 * vnode's read or write bio_track so bio_track_wait can wait for it.
 */
export function* vn_strategy(vp: Vnode, bio: Bio): Kernel<void> {
  let track: BioTrack;
  const bp = bio.bio_buf;

  KKASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3353', 'bp->b_cmd != BUF_CMD_DONE');

  // Set when an I/O is issued on the bp; cleared by consumers (HAMMER) (vfs_bio.c:3355-3360).
  bp.b_flags |= B_IOISSUED;
  bp.g_bpdone = false;

  // vfs_bio.c:3362-3376: the swapcache intercept and KVABIO synchronisation are not modelled.

  if (bp.b_cmd === BUF_CMD_READ) track = vp.v_track_read; // vfs_bio.c:3381-3384
  else track = vp.v_track_write;
  KKASSERT((bio.bio_flags & BIO_DONE) === 0, 'vfs_bio.c:3385', '(bio->bio_flags & BIO_DONE) == 0');
  bio.bio_track = track; // vfs_bio.c:3386
  yield* bio_track_ref(track); // vfs_bio.c:3387
  // dsched_buf_enter (vfs_bio.c:3388) is not modelled.
  yield* vop_strategy(vp, bio); // vfs_bio.c:3389
}

/*
 * bpdone (vfs_bio.c:3485-3714): finish I/O on a buffer after all BIOs have been processed. A
 * failed write re-dirties the buffer (unless B_INVAL); a successful one is undirtied only now,
 * so the buffer stays on the vnode's dirty list until the write is really complete — the pages
 * cannot be redirtied before bpdone unbusies them (vfs_bio.c:3504-3512). Sets B_CACHE after a
 * good read, restores bogus pages and drops the pages' I/O soft-busy. With `elseit` the buffer
 * is released (async completion).
 */
export function* bpdone(bp: Buf, elseit: number): Kernel<void> {
  const g = vb();
  let cmd: number;

  KASSERT(BUF_LOCKINUSE(bp), 'vfs_bio.c:3519', 'bpdone: bp not busy');
  KASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3520-3521', 'bpdone: bp already done!');

  // No more BIOs are left: clean up the buffer (vfs_bio.c:3523-3528).
  cmd = bp.b_cmd;
  bp.b_cmd = BUF_CMD_DONE;
  lifecycle(bp, 'BPDONE');
  lifecycle(bp.b_bio1, 'BPDONE');

  // Only reads and writes are processed past this point (vfs_bio.c:3530-3539).
  if (cmd !== BUF_CMD_READ && cmd !== BUF_CMD_WRITE) {
    if (cmd === BUF_CMD_FREEBLKS) bp.b_flags |= B_NOCACHE;
    bp.g_bpdone = true;
    bp.g_io = 0;
    if (elseit) yield* brelse(bp);
    return;
  }

  // A failed write is re-dirtied unless B_INVAL; a successful one is undirtied. Before
  // buf_complete, which may re-dirty (vfs_bio.c:3541-3565).
  if (cmd === BUF_CMD_WRITE) {
    if ((bp.b_flags & (B_ERROR | B_INVAL)) === B_ERROR) {
      bp.b_flags &= ~B_NOCACHE;
      if (bp.b_vp) yield* bdirty(bp);
    } else {
      if (bp.b_vp) yield* bundirty(bp);
    }
  }
  note('bpdone_write_settled', { bp, cmd });
  bp.g_io = 0;

  // softupdates may re-dirty the buffer (vfs_bio.c:3567-3572).
  if (bp.b_dep) yield* buf_complete(bp);

  if (bp.b_flags & B_VMIO) {
    let i: number;
    let foff: number;
    let m: VmPage;
    let obj: VmObject;
    let iosize: number;
    const vp = bp.b_vp!;

    obj = vp.v_object!;
    // VFS_BIO_DEBUG checks (vfs_bio.c:3584-3589, 3595-3602): debug builds only; not modelled.
    foff = bp.b_loffset;
    KASSERT(foff !== NOOFFSET, 'vfs_bio.c:3592', 'bpdone: no buffer offset');
    KASSERT(obj !== null, 'vfs_bio.c:3593', 'bpdone: missing VM object');

    // B_CACHE after a normal read without error; writes set it in b*write() (vfs_bio.c:3604-3613).
    iosize = bp.b_bcount - bp.b_resid;
    if (cmd === BUF_CMD_READ && (bp.b_flags & (B_INVAL | B_NOCACHE | B_ERROR)) === 0) bp.b_flags |= B_CACHE;

    yield* vm_object_hold(obj); // vfs_bio.c:3615
    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      let resid: number;
      let isbogus: number;

      resid = ((foff + PAGE_SIZE) & ~PAGE_MASK) - foff; // vfs_bio.c:3620-3622
      if (resid > iosize) resid = iosize;

      // Restore bogus pages; the originals are still wired (vfs_bio.c:3624-3641).
      m = bp.b_xio.xio_pages[i]!;
      if (m === g.bogus_page) {
        if ((bp.b_flags & B_HASBOGUS) === 0) panic('vfs_bio.c:3633', 'bpdone: bp corrupt bogus');
        const orig = vm_page_lookup(obj, OFF_TO_IDX(foff));
        if (orig === null) panic('vfs_bio.c:3636', 'bpdone: page disappeared');
        m = orig!;
        bp.b_xio.xio_pages[i] = m;
        bogus_restored(m);
        isbogus = 1;
      } else {
        isbogus = 0;
      }

      // Writes already have valid+clean pages (bdwrite); only reads are cleaned here (vfs_bio.c:3650-3657).
      yield* vm_page_busy_wait(m, false, 'bpdpgw');
      if (cmd === BUF_CMD_READ && isbogus === 0 && resid > 0) yield* vfs_clean_one_page(bp, i, m);

      // The most common error with new filesystems: page soft-busy not set (vfs_bio.c:3659-3686).
      if (m.busy_count === 0) panic('vfs_bio.c:3685', 'bpdone: page busy < 0');
      vm_page_io_finish(m); // vfs_bio.c:3687
      yield* vm_page_wakeup(m); // vfs_bio.c:3688
      vm_object_pip_wakeup(obj); // vfs_bio.c:3689
      foff = (foff + PAGE_SIZE) & ~PAGE_MASK;
      iosize -= resid;
    }
    if (bp.b_flags & B_HASBOGUS) { // vfs_bio.c:3693-3699 (pmap_qenter, bkvareset: not modelled)
      bp.b_flags &= ~B_HASBOGUS;
    }
    yield* vm_object_drop(obj); // vfs_bio.c:3700
  }

  // Release the buffer; no more completions (vfs_bio.c:3703-3713).
  bp.g_bpdone = true;
  if (elseit) {
    if (bp.b_flags & (B_NOCACHE | B_INVAL | B_ERROR | B_RELBUF)) yield* brelse(bp);
    else yield* bqrelse(bp);
  }
}

/*
 * biodone (vfs_bio.c:3716-3760): runningbufwakeup first, then run up the chain of BIOs. Tracks
 * are released *before* the done function or bpdone runs, so bio_track_wait may return before
 * the completion has been processed (spec/vfs_bio_sync.md §3.1, "Ordering fact").
 */
export function* biodone(bio: Bio | null): Kernel<void> {
  const bp = bio!.bio_buf;

  yield* runningbufwakeup(bp); // vfs_bio.c:3724

  // Run up the chain of BIO's. Leave b_cmd intact for the duration (vfs_bio.c:3726-3729).
  while (bio) {
    let done_func: ((b: Bio) => Kernel<void>) | null;
    let track: BioTrack | null;

    // BIO tracking. Most but not all BIOs are tracked (vfs_bio.c:3733-3739).
    if ((track = bio.bio_track) !== null) {
      yield* bio_track_rel(track); // vfs_bio.c:3737
      bio.bio_track = null; // vfs_bio.c:3738
    }

    // A bio_done function terminates the loop; it owns the buffer from here and may
    // deallocate it (vfs_bio.c:3741-3752).
    if ((done_func = bio.bio_done as unknown as ((b: Bio) => Kernel<void>) | null) !== null) {
      bio.bio_done = null;
      yield* done_func(bio); // vfs_bio.c:3750
      return;
    }
    bio = bio.bio_prev;
  }

  // If we've run out of bio's do normal [a]synchronous completion (vfs_bio.c:3756-3759).
  yield* bpdone(bp, 1);
}

/*
 * biodone_sync (vfs_bio.c:3762-3789): terminate a synchronous BIO. bpdone(bp, 0) runs first,
 * leaving the buffer completed but locked, and only then is BIO_DONE published, so a waiter
 * that sees BIO_DONE sees a completed buffer (vfs_bio.c:3283).
 */
export function* biodone_sync(bio: Bio): Kernel<void> {
  const bp = bio.bio_buf;
  let flags: number;
  let nflags: number;

  KKASSERT(bio === bp.b_bio1, 'vfs_bio.c:3776', 'bio == &bp->b_bio1');
  yield* bpdone(bp, 0); // vfs_bio.c:3777

  for (;;) {
    flags = yield* load(bio, 'bio_flags'); // vfs_bio.c:3780
    nflags = (flags | BIO_DONE) & ~BIO_WANT; // vfs_bio.c:3781

    if (yield* atomic_cmpset_int(bio, 'bio_flags', flags, nflags)) { // vfs_bio.c:3783
      lifecycle(bio, 'BIODONE_SYNC');
      bio.g_done_published = true;
      if (flags & BIO_WANT) yield* wakeup(bio); // vfs_bio.c:3784-3785
      break;
    }
  }
}


/*
 * vfs_unbusy_pages (vfs_bio.c:3791-3842): undo vfs_busy_pages for I/O that will not complete
 * through biodone. Unlike bpdone it does not check B_HASBOGUS before restoring a bogus slot, and
 * does not touch b_cmd or B_CACHE.
 */
export function* vfs_unbusy_pages(bp: Buf): Kernel<void> {
  const g = vb();
  let i: number;

  yield* runningbufwakeup(bp); // vfs_bio.c:3803

  if (bp.b_flags & B_VMIO) {
    const vp = bp.b_vp!;
    let obj: VmObject;

    obj = vp.v_object!;
    yield* vm_object_hold(obj); // vfs_bio.c:3810

    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      let m = bp.b_xio.xio_pages[i]!;

      // The originals are still wired (vfs_bio.c:3815-3827).
      if (m === g.bogus_page) {
        const orig = vm_page_lookup(obj, OFF_TO_IDX(bp.b_loffset) + i);
        if (!orig) panic('vfs_bio.c:3824', 'vfs_unbusy_pages: page missing');
        m = orig!;
        bp.b_xio.xio_pages[i] = m;
        bogus_restored(m);
      }
      yield* vm_page_busy_wait(m, false, 'bpdpgw'); // vfs_bio.c:3828
      vm_page_io_finish(m); // vfs_bio.c:3829
      yield* vm_page_wakeup(m); // vfs_bio.c:3830
      vm_object_pip_wakeup(obj); // vfs_bio.c:3831
    }
    if (bp.b_flags & B_HASBOGUS) bp.b_flags &= ~B_HASBOGUS; // vfs_bio.c:3833-3839
    yield* vm_object_drop(obj); // vfs_bio.c:3840
  }
}

/*
 * vfs_busy_pages (vfs_bio.c:3844-4008): prepare the pages for device I/O. Busy them all at once
 * (all-or-nothing: on a busy page it sleeps, then releases the pages it holds and retries — note
 * that the sleep comes *before* the release, vfs_bio.c:3887-3891, so it does wait while holding
 * earlier pages; see mutant M32), soft-busy each for the I/O, then: for a
 * write, fold VM dirtiness into the buffer and mark the pages valid+clean; for a read, replace
 * every fully valid page with bogus_page so a fill-in read cannot destroy (possibly dirty, mmap'd)
 * data (vfs_bio.c:3917-3924, 3952-3967). Finally the hard busy of every page is released.
 */
export function* vfs_busy_pages(vp: Vnode, bp: Buf): Kernel<void> {
  const g = vb();
  let i: number;
  let bogus: number;

  // The I/O command must be set; a read requires !B_CACHE (vfs_bio.c:3864-3870).
  KKASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3869', 'bp->b_cmd != BUF_CMD_DONE');
  KKASSERT(bp.b_cmd === BUF_CMD_WRITE || (bp.b_flags & B_CACHE) === 0, 'vfs_bio.c:3870', 'bp->b_cmd == BUF_CMD_WRITE || (bp->b_flags & B_CACHE) == 0');

  if (bp.b_flags & B_VMIO) {
    let obj: VmObject;

    obj = vp.v_object!;
    KASSERT(bp.b_loffset !== NOOFFSET, 'vfs_bio.c:3876-3877', 'vfs_busy_pages: no buffer offset');

    // Busy all the pages at once to avoid deadlocks (vfs_bio.c:3879-3893).
    retry: for (;;) {
      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        const m = bp.b_xio.xio_pages[i]!;

        if (yield* vm_page_busy_try(m, false)) {
          yield* vm_page_sleep_busy(m, false, 'vbpage');
          while (--i >= 0) yield* vm_page_wakeup(bp.b_xio.xio_pages[i]!);
          continue retry;
        }
      }
      break;
    }

    // Soft-busy now: the next loop may block (vfs_bio.c:3895-3906).
    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      const m = bp.b_xio.xio_pages[i]!;

      if ((bp.b_flags & B_CLUSTER) === 0) {
        vm_object_pip_add(obj, 1);
        vm_page_io_start(m);
      }
    }

    // Protections and bogus-page mapping (vfs_bio.c:3908-3989).
    bogus = 0;
    for (i = 0; i < bp.b_xio.xio_npages; i++) {
      const m = bp.b_xio.xio_pages[i]!;

      if (bp.b_cmd === BUF_CMD_WRITE) {
        // Zero-fill invalid parts, fold in VM dirtiness, mark valid+clean (vfs_bio.c:3929-3951).
        vm_page_protect(m, VM_PROT_READ);
        yield* vfs_clean_one_page(bp, i, m);
        // swap_pager_unswapped(m): no swapcache in the model.
      } else if (m.valid === VM_PAGE_BITS_ALL) {
        // Fully valid (maybe dirty through a mapping): do not read over it (vfs_bio.c:3952-3967).
        bp.b_xio.xio_pages[i] = g.bogus_page;
        bp.b_flags |= B_HASBOGUS;
        m.g_bogus += 1;
        lifecycle(m, 'BOGUS_SUBST');
        bogus++;
      } else if (m.valid & m.dirty) {
        // Cannot happen when !B_CACHE (vfs_bio.c:3968-3980): a kprintf.
        note('vfs_busy_pages_warning', { bp, i });
        vm_page_protect(m, VM_PROT_NONE);
      } else {
        // Not valid: part of the read (vfs_bio.c:3981-3987).
        vm_page_protect(m, VM_PROT_NONE);
      }
      yield* vm_page_wakeup(m); // vfs_bio.c:3988
    }
    // if (bogus) pmap_qenter_noinval/bkvareset (vfs_bio.c:3990-3995): not modelled.
    void bogus;
  }
  // Process I/O accounting (vfs_bio.c:3998-4007): statistics, not modelled.
}

/*
 * vfs_clean_pages (vfs_bio.c:4010-4034): tell the VM the buffer's pages are clean; the delayed
 * write now carries the data. Called from bdwrite without busying the pages (vfs_bio.c:4144-4146).
 */
export function* vfs_clean_pages(bp: Buf): Kernel<void> {
  let m: VmPage;
  let i: number;

  if ((bp.b_flags & B_VMIO) === 0) return;
  KASSERT(bp.b_loffset !== NOOFFSET, 'vfs_bio.c:4027-4028', 'vfs_clean_pages: no buffer offset');

  for (i = 0; i < bp.b_xio.xio_npages; i++) {
    m = bp.b_xio.xio_pages[i]!;
    yield* vfs_clean_one_page(bp, i, m);
  }
}

/*
 * vfs_clean_one_page (vfs_bio.c:4036-4150): fold the page's VM dirtiness into the buffer
 * (b_dirtyoff/end, NEEDCOMMIT) and mark the buffer's range of the page valid and clean. One
 * page is one unit here, so the byte range is the whole page when the buffer covers it.
 */
export function* vfs_clean_one_page(bp: Buf, pageno: number, m: VmPage): Kernel<void> {
  const soff = pageno * PAGE_SIZE; // vfs_bio.c:4065-4078 (page-relative range, clipped to b_bcount)
  const eoff = Math.min(soff + PAGE_SIZE, bp.b_bcount);
  if (eoff <= soff) return;

  vm_page_test_dirty(m); // vfs_bio.c:4097
  if (m.dirty) {
    // New dirty data in range invalidates a pending NFS commit (vfs_bio.c:4099-4113).
    if (bp.b_flags & B_NEEDCOMMIT) bp.b_flags &= ~(B_NEEDCOMMIT | B_CLUSTEROK);
    // pmap_clear_modify and the b_dirtyoff/b_dirtyend widening (vfs_bio.c:4114-4126): the model
    // keeps no byte ranges; the data version stays in the page the write will transfer.
  }
  vm_page_set_validclean(m, 0, PAGE_SIZE); // vfs_bio.c:4149
}

/*
 * vfs_bio_clrbuf (vfs_bio.c:4187-4243): zero the invalid parts of a buffer and mark them valid,
 * without busying the pages. With one unit per page, a page is either valid or zeroed whole.
 */
export function* vfs_bio_clrbuf(bp: Buf): Kernel<void> {
  let i: number;

  KKASSERT((bp.b_flags & B_VMIO) !== 0, 'vfs_bio.c:4201', 'bp->b_flags & B_VMIO');
  bp.b_flags &= ~(B_INVAL | B_EINTR | B_ERROR); // vfs_bio.c:4203
  for (i = 0; i < bp.b_xio.xio_npages; i++) { // vfs_bio.c:4220-4241
    const m = bp.b_xio.xio_pages[i]!;
    if (m.valid === VM_PAGE_BITS_ALL) continue;
    // bzero: a zero-filled page is the block's version 0 (a never-written block).
    m.g_data = 0;
    m.valid |= VM_PAGE_BITS_ALL;
    lifecycle(m, 'SET_VALID');
  }
  bp.b_resid = 0; // vfs_bio.c:4242
}

/*
 * bio_page_alloc (vfs_bio.c:4245-4346): allocate a page for a buffer with the object token held;
 * retry with system reserves, then after a vm_wait, and finally give up with NULL (the caller
 * retries). If a page appeared at the index meanwhile, return NULL so the caller looks it up.
 */
export function* bio_page_alloc(_bp: Buf, obj: VmObject, pg: number, _deficit: number): Kernel<VmPage | null> {
  let vmflags = VM_ALLOC_NORMAL | VM_ALLOC_NULL_OK;
  let p: VmPage | null;

  KASSERT(
    curthread().tokens.some((h) => h.tok === obj.token),
    'vfs_bio.c:4269',
    'ASSERT_LWKT_TOKEN_HELD(vm_object_token(obj))',
  );

  p = yield* vm_page_alloc(obj, pg, vmflags); // vfs_bio.c:4289
  if (p) return p;
  if (vm_page_lookup(obj, pg)) return null;
  // vm_pageout_deficit += deficit (vfs_bio.c:4294): pageout statistics, not modelled.

  // Dip into the system reserves (vfs_bio.c:4296-4316).
  vmflags |= VM_ALLOC_SYSTEM | VM_ALLOC_INTERRUPT;
  p = yield* vm_page_alloc(obj, pg, vmflags);
  if (p) return p;
  if (vm_page_lookup(obj, pg)) return null;

  // Wait a little and retry (vfs_bio.c:4318-4329).
  yield* vm_paging_severe(); // ++lowmempgallocs (statistics)
  yield* vm_wait(Math.trunc(hz / 20) + 1);
  p = yield* vm_page_alloc(obj, pg, vmflags);
  if (p) return p;
  if (vm_page_lookup(obj, pg)) return null;

  // Memory exhausted: wait and let the caller retry (vfs_bio.c:4331-4345).
  yield* vm_wait(Math.trunc(hz / 2) + 1);
  return null;
}

// bkvasync, bkvasync_all, bkvareset (vfs_bio.c:4348-4418) and scan_all_buffers
// (vfs_bio.c:4420-4438): KVA and debug; not modelled (spec §8).

/*
 * nestiobuf_iodone (vfs_bio.c:4440-4476): a sub-buffer of a nested I/O completed; a short
 * transfer without an error is an EIO. The sub-buffer is a pbuf (relpbuf: released to its pool).
 */
export function* nestiobuf_iodone(bio: Bio): Kernel<void> {
  let mbio: Bio;
  let mbp: Buf;
  let bp: Buf;
  let error: number;
  let donebytes: number;

  bp = bio.bio_buf;
  mbio = bio.bio_caller_info1!;
  mbp = mbio.bio_buf;

  KKASSERT(bp.b_bcount <= bp.b_bufsize, 'vfs_bio.c:4458', 'bp->b_bcount <= bp->b_bufsize');
  KKASSERT(mbp !== bp, 'vfs_bio.c:4459', 'mbp != bp');

  error = bp.b_error; // vfs_bio.c:4461-4469
  if (bp.b_error === 0 && (bp.b_bcount < bp.b_bufsize || bp.b_resid > 0)) error = EIO;

  donebytes = bp.b_bufsize;
  // relpbuf(bp, NULL) (vfs_bio.c:4473): the pbuf goes back to its pool, unlocked; getpbuf's
  // initialisation would reset b_cmd on its next use, which the model does here.
  bp.b_cmd = BUF_CMD_DONE;
  yield* BUF_UNLOCK(bp);

  yield* nestiobuf_done(mbio, donebytes, error); // vfs_bio.c:4475
}

/*
 * nestiobuf_done (vfs_bio.c:4478-4508): account one sub-bio; B_ERROR is set atomically because
 * sub-completions run concurrently; the last one (count 1 -> 0) completes the master.
 */
export function* nestiobuf_done(mbio: Bio, _donebytes: number, error: number): Kernel<void> {
  let mbp: Buf;

  mbp = mbio.bio_buf;

  KKASSERT(mbio.bio_driver_info > 0, 'vfs_bio.c:4485', '(int)(intptr_t)mbio->bio_driver_info > 0');

  if (error) { // vfs_bio.c:4493-4496
    mbp.b_error = error;
    yield* atomic_set_int(mbp, 'b_flags', B_ERROR);
  }

  if ((yield* atomic_fetchadd_int(mbio, 'bio_driver_info', -1)) === 1) { // vfs_bio.c:4502-4507
    mbp.b_resid = 0;
    yield* biodone(mbio);
  }
}

/* nestiobuf_init (vfs_bio.c:4510-4519): the placeholder count 1 holds the master open while subs are added. */
export function* nestiobuf_init(bio: Bio): Kernel<void> {
  bio.bio_driver_info = 1;
}

/* nestiobuf_start (vfs_bio.c:4521-4542): drop the placeholder; complete the master if all subs are done. */
export function* nestiobuf_start(mbio: Bio): Kernel<void> {
  const mbp = mbio.bio_buf;

  if ((yield* atomic_fetchadd_int(mbio, 'bio_driver_info', -1)) === 1) {
    if (mbp.b_flags & B_ERROR) mbp.b_resid = mbp.b_bcount;
    else mbp.b_resid = 0;
    yield* biodone(mbio);
  }
}

/* nestiobuf_error (vfs_bio.c:4544-4556): record an error on the master. */
export function* nestiobuf_error(mbio: Bio, error: number): Kernel<void> {
  const mbp = mbio.bio_buf;

  if (error) {
    mbp.b_error = error;
    yield* atomic_set_int(mbp, 'b_flags', B_ERROR);
  }
}

/*
 * nestiobuf_add (vfs_bio.c:4558-4588): set up sub-buffer bp for [offset, offset+size) of the
 * master; the kernel must own its lock for biodone to release it.
 */
export function* nestiobuf_add(mbio: Bio, bp: Buf, offset: number, size: number): Kernel<void> {
  const mbp = mbio.bio_buf;
  const vp = mbp.b_vp;

  KKASSERT(mbp.b_bcount >= offset + size, 'vfs_bio.c:4572', 'mbp->b_bcount >= offset + size');

  yield* atomic_add_int(mbio, 'bio_driver_info', 1); // vfs_bio.c:4574

  // kernel needs to own the lock for it to be released in biodone (vfs_bio.c:4576-4577)
  yield* BUF_KERNPROC(bp);
  bp.b_vp = vp;
  bp.b_cmd = mbp.b_cmd;
  lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
  bp.b_bio1.bio_done = nestiobuf_iodone;
  bp.b_resid = bp.b_bcount = size;
  bp.b_bufsize = bp.b_bcount;
  bp.b_bio1.bio_track = null;
  bp.b_bio1.bio_caller_info1 = mbio;
}

/** The seed functions this module implements, by name (what a patch module may replace). */
export const seedFunctions = {
  bufspacewakeup,
  runningbufwakeup,
  bufcountwakeup,
  waitrunningbufspace,
  buf_dirty_count_severe,
  buf_runningbufspace_severe,
  vfs_buf_test_cache,
  bd_speedup,
  bd_heatup,
  bd_wait,
  bd_signal,
  bio_track_rel,
  bio_track_wait,
  _bremfree,
  bremfree,
  bremfree_locked,
  breadcb,
  breadnx,
  bread,
  breadn,
  bwrite,
  bawrite,
  bdwrite,
  buwrite,
  bdirty,
  bheavy,
  bundirty,
  bsetrunningbufspace,
  brelse,
  bqrelse,
  bqhold,
  bqdrop,
  vfs_vmio_release,
  getnewbuf,
  buf_daemon1,
  buf_daemon_limit,
  buf_daemon_hw_limit,
  buf_daemon,
  buf_daemon_hw,
  flushbufqueues,
  inmem,
  findblk,
  getcacheblk,
  getblk,
  regetblk,
  allocbuf,
  _biowait,
  biowait,
  vn_strategy,
  bpdone,
  biodone,
  biodone_sync,
  vfs_unbusy_pages,
  vfs_busy_pages,
  vfs_clean_pages,
  vfs_clean_one_page,
  vfs_bio_clrbuf,
  bio_page_alloc,
  nestiobuf_iodone,
  nestiobuf_done,
  nestiobuf_init,
  nestiobuf_start,
  nestiobuf_error,
  nestiobuf_add,
};
