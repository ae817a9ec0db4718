'use kernel';
/**
 * Workload code for the scenarios of mutants M01-M19 (scenarios/mutant-scenarios-a.ts). Not seed
 * code: what a filesystem or a test harness does with vfs_bio.c's API, plus `await_word`, a
 * workload-side wait that lets a scenario order two threads (e.g. "release the buffer only
 * after the other thread has registered as a waiter") so that the scenario stays clear of a
 * hazard of the unmodified seed (docs/hazards.md A-1) while keeping the protocol under test.
 */
import { prim, type Kernel } from '../impl/sim/prim.ts';
import { note, curthread, lifecycle } from '../impl/sim/report.ts';
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { KernelFunction } from '../impl/compiler/runtime.ts';
import type { Device } from '../impl/sim/device.ts';
import { KKASSERT, panic } from '../impl/sim/panic.ts';
import { bio_track_ref, BUF_KERNPROC, type Bio, type BioTrack } from '../impl/env/bio.ts';
import { strategy_done } from '../impl/env/vnode.ts';
import { store } from '../impl/sim/atomics.ts';
import { BUF_LOCKINUSE, type Buf } from '../impl/env/bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { B_CACHE, B_DELWRI, B_INVAL, B_RELBUF, B_ERROR, B_EINTR, B_IOISSUED, BUF_CMD_DONE, BUF_CMD_READ, BUF_CMD_WRITE, BIO_DONE } from '../impl/kernel/sys.ts';
import { vfs_busy_pages, bsetrunningbufspace, waitrunningbufspace, vfs_bio_clrbuf, allocbuf, bawrite, bd_speedup, bd_wait, bdwrite, bheavy, brelse, getblk } from '../impl/kernel/vfs_bio.ts';
import { vb, type VfsBio, type Word } from '../impl/kernel/vfs_bio_state.ts';
import { buf_store, write_block, WRITE_BAWRITE, WRITE_BDWRITE } from './bufops.ts';

/**
 * await_word(w, mask): a workload wait (not a kernel sleep): the step is enabled only once
 * `w.v & mask` is nonzero. It models "this thread does its next operation only after that has
 * happened" without adding states for a polling loop.
 */
export const await_word = prim({
  name: 'await_word',
  kind: 'read',
  touches: ([w]: [Word, number]) => [w],
  enabled: ([w, mask]: [Word, number]) => (w.v & mask) !== 0,
  exec: ([w]: [Word, number]) => w.v,
});

/**
 * await_registered(done): enabled once some bd_wake_ary slot is nonzero (a bd_wait registered
 * and has not been signalled yet) or the bd_wait caller has returned (`done`).
 */
export const await_registered = prim({
  name: 'await_registered',
  kind: 'read',
  touches: ([done]: [Word], _t, sim) => [done, ...(sim.globals.vfs_bio as VfsBio).bd_wake_ary],
  enabled: ([done]: [Word], _t, sim) => done.v !== 0 || (sim.globals.vfs_bio as VfsBio).bd_wake_ary.some((w) => w.v !== 0),
  exec: () => 1,
});

/**
 * await_clean(bp): a thread waiting for the buffer daemon to have flushed bp — enabled once bp
 * is no longer B_DELWRI and not locked (the daemon's write completed and released it).
 */
export const await_clean = prim({
  name: 'await_clean',
  kind: 'read',
  touches: ([bp]: [Buf]) => [bp],
  enabled: ([bp]: [Buf]) => (bp.b_flags & B_DELWRI) === 0 && !BUF_LOCKINUSE(bp),
  exec: () => 0,
});

// ------------------------------------------------------------ getnewbuf waiter vs a release

/**
 * Thread A (M01, M02): take block 0's buffer (the only one), tell B to go, and release it only
 * once B has registered in needsbuffer (N4 of spec §3.6) — so no release can fall into the
 * seed's A-1 window between B's last scan and its registration.
 */
export function* release_after_waiter(vp: Vnode, go: Word): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, 0, 1, 0, 1);
  yield* store(go, 'v', 1);
  yield* await_word(vb().needsbuffer, 0xffffffff);
  yield* brelse(bp);
}

/**
 * Thread B (M01, M02): once A holds the only buffer, miss on block 1 with an untimed wait for a
 * buffer (slptimeo 0: only a wakeup ends it), then release it.
 */
export function* miss_after_go(vp: Vnode, go: Word): Kernel<void> {
  let bp: Buf | null = null;
  yield* await_word(go, 1);
  while (bp === null) bp = yield* getblk(vp, 1, 1, 0, 0);
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL;
  yield* brelse(bp);
}

// ------------------------------------------------------------ bd_wait tickets

/** A thread waiting in bd_wait for one unit of flushing (vfs_bio.c:437-488). */
export function* bdwaiter(done: Word): Kernel<void> {
  yield* bd_wait(1);
  note('bd_wait_return', {});
  yield* store(done, 'v', 1);
}

/**
 * Writer (M16, M17): one asynchronous write, then — once the bd_wait thread has registered on a
 * ticket slot (or has returned) — a second one, so at least one ticket is issued after every registration (with
 * timeouts off, a bd_wait whose ticket was issued before it read bd_wake_index waits for the
 * next bd_signal; the seed relies on its hz timeout for that).
 */
export function* writes_around_bdwait(vp: Vnode, done: Word): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BAWRITE);
  yield* await_registered(done);
  yield* write_block(vp, 1, 1, WRITE_BAWRITE);
}

// ------------------------------------------------------------ bufdaemon request latch

/**
 * Writer (M18, E02): a delayed write of block 0, then a request to the buffer daemon
 * (bd_speedup, as getnewbuf's "heeeelp" at vfs_bio.c:2176 does), then wait until the daemon has
 * flushed the buffer. The request comes after bdwrite has queued the buffer on BQUEUE_DIRTY, so
 * a daemon woken by it always finds the buffer.
 */
export function* bdwrite_then_request(vp: Vnode): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, 0, 1, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* bdwrite(bp);
  yield* bd_speedup();
  yield* await_flush(bp);
}

/** Waiting for the daemon's flush of bp (WAKE-04 attributes a deadlock here). */
export function* await_flush(bp: Buf): Kernel<void> {
  yield* await_clean(bp);
  note('flush_seen', { bp });
}

// ------------------------------------------------------------ a daemon that reaches bd_wait

/**
 * A buffer-daemon stub (M19): registers itself as bufdaemon_td like buf_daemon does
 * (vfs_bio.c:2304-2309), then does what a VFS write path reached from the daemon's
 * cluster_awrite would do: bd_wait for one unit. The model's cluster_awrite is bawrite (spec §8),
 * which never calls bd_wait, so this stub stands in for such a filesystem.
 */
export function* bufdaemon_stub(): Kernel<void> {
  vb().bufdaemon_td = curthread();
  yield* bd_wait(1);
  note('daemon_bd_wait_return', {});
}

// ------------------------------------------------------------ sequential programs

/** Get block 0 locked (a hit on a cached buffer, or a miss). */
function* get0(vp: Vnode, size: number): Kernel<Buf> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, 0, size, 0, 1);
  return bp;
}

/**
 * prog 0 (M12): bdwrite block 0, getblk it again, and release it asking for its pages to be
 * freed (B_RELBUF, as a read-once path would): brelse must refuse for a B_DELWRI buffer
 * (vfs_bio.c:1325-1346).
 */
export function* seq_dirty_release(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  const bp = yield* get0(vp, 1);
  bp.b_flags |= B_RELBUF;
  yield* brelse(bp);
}

/** prog 1 (M13): bdwrite block 0, then getblk block 1 (the only buffer must be flushed first). */
export function* seq_dirty_then_other(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, 1, 1, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) bp.b_flags |= B_INVAL;
  yield* brelse(bp);
}

/** prog 2 (M14): bdwrite block 0, getblk it, bheavy, bawrite. */
export function* seq_dirty_heavy(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  const bp = yield* get0(vp, 1);
  yield* bheavy(bp);
  yield* bawrite(bp);
}

/** prog 3 (M15): bdwrite block 0 (one page), getblk it, grow it to two pages (allocbuf), store, bdwrite. */
export function* seq_dirty_grow(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  const bp = yield* get0(vp, 1);
  yield* allocbuf(bp, 2);
  buf_store(bp);
  yield* bdwrite(bp);
}

/** prog 4 (M11): bdwrite block 0, getblk it, bawrite (the asynchronous write of a delayed-write buffer). */
export function* seq_dirty_bawrite(vp: Vnode): Kernel<void> {
  yield* write_block(vp, 0, 1, WRITE_BDWRITE);
  const bp = yield* get0(vp, 1);
  yield* bawrite(bp);
}

// ------------------------------------------------------------ a device that completes late

/**
 * Is some thread in waitrunningbufspace about to sleep — its next step is the tsleep (or, for a
 * tsleep without PINTERLOCKED, the tsleep_interlock tsleep itself does)?
 */
function waiterAtSleep(sim: Sim): boolean {
  for (const t of sim.threads) {
    if (t.done || !t.prim) continue;
    if (!t.frames.some((f) => f.proc.name === 'waitrunningbufspace')) continue;
    if (t.prim.name === 'tsleep') return true;
    if (t.prim.name === 'tsleep_interlock' && t.top().proc.name === 'tsleep') return true;
  }
  return false;
}

/** The late device's interrupt: completes (always successfully) only while a waitrunningbufspace caller is at its sleep. */
export const late_dev_complete = prim({
  name: 'dev_complete',
  kind: 'device',
  touches: ([dev]: [Device, object], _t: Thread, sim: Sim) => [dev, (sim.globals.vfs_bio as VfsBio).runningbufreq],
  enabled: (_a: [Device, object], _t: Thread, sim: Sim) => waiterAtSleep(sim),
  exec: ([dev]: [Device, object]) => {
    dev.d_inflight--;
    dev.d_completed++;
    return 0;
  },
});

export function* late_dev_intr(dev: Device, req: object, done: (req: object, error: number) => Kernel<void>): Kernel<void> {
  const error = yield* late_dev_complete(dev, req);
  yield* done(req, error);
}

/** dev_start for the late device (impl/sim/device.ts's, with the late interrupt). */
export const late_dev_start = prim({
  name: 'dev_start',
  kind: 'device',
  touches: ([dev]: [Device, object, KernelFunction]) => [dev],
  exec: ([dev, req, done]: [Device, object, KernelFunction], _t: Thread, sim: Sim) => {
    dev.d_inflight++;
    sim.spawn(`intr(${sim.world.nameOf(req)})`, sim.ncpus - 1, late_dev_intr as unknown as KernelFunction, [dev, req, done], { intr: true });
  },
});

/** vn_strategy (vfs_bio.c:3320-3390) with vop_strategy's device replaced by the late device. */
export function* late_vn_strategy(vp: Vnode, bio: Bio): Kernel<void> {
  let track: BioTrack;
  const bp = bio.bio_buf;
  KKASSERT(bp.b_cmd !== BUF_CMD_DONE, 'vfs_bio.c:3353', 'bp->b_cmd != BUF_CMD_DONE');
  bp.b_flags |= B_IOISSUED;
  bp.g_bpdone = false;
  if (bp.b_cmd === BUF_CMD_READ) track = vp.v_track_read;
  else track = vp.v_track_write;
  KKASSERT((bio.bio_flags & BIO_DONE) === 0, 'vfs_bio.c:3385', '(bio->bio_flags & BIO_DONE) == 0');
  bio.bio_track = track;
  yield* bio_track_ref(track); // vfs_bio.c:3387
  // vfs_bio.c:3389: vop_strategy, to the late device
  yield* late_dev_start(vp.v_dev, bio, strategy_done as unknown as KernelFunction);
}

/** bawrite (vfs_bio.c:1005-1047), step for step, issuing through late_vn_strategy. */
export function* late_bawrite(bp: Buf): Kernel<void> {
  if (bp.b_flags & B_INVAL) {
    yield* brelse(bp); // vfs_bio.c:1017-1020
    return;
  }
  if (!BUF_LOCKINUSE(bp)) panic('vfs_bio.c:1022', 'bawrite: buffer is not busy???');
  bp.g_modified = false;
  bp.b_flags &= ~(B_ERROR | B_EINTR);
  bp.b_flags |= B_CACHE;
  bp.b_cmd = BUF_CMD_WRITE;
  lifecycle(bp, 'STRATEGY_WRITE');
  lifecycle(bp.b_bio1, 'ASYNC_ISSUE');
  bp.g_io = BUF_CMD_WRITE;
  bp.b_error = 0;
  KKASSERT(bp.b_bio1.bio_done === null, 'vfs_bio.c:1037', 'bp->b_bio1.bio_done == NULL');
  yield* vfs_busy_pages(bp.b_vp!, bp); // vfs_bio.c:1038
  yield* bsetrunningbufspace(bp, bp.b_bufsize); // vfs_bio.c:1044
  yield* BUF_KERNPROC(bp); // vfs_bio.c:1045
  yield* late_vn_strategy(bp.b_vp!, bp.b_bio1); // vfs_bio.c:1046
}

/**
 * Writer (M03, M04): an asynchronous write of block 0 on the late device, then
 * waitrunningbufspace (one write in flight exceeds 4/6 of hirunningspace).
 */
export function* late_write_then_wait(vp: Vnode): Kernel<void> {
  let bp: Buf | null = null;
  while (bp === null) bp = yield* getblk(vp, 0, 1, 0, 1);
  if ((bp.b_flags & B_CACHE) === 0) yield* vfs_bio_clrbuf(bp);
  buf_store(bp);
  yield* late_bawrite(bp);
  yield* waitrunningbufspace();
  note('waitrunningbufspace_return', {});
}
