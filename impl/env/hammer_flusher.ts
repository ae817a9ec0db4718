'use kernel';
/**
 * ENVIRONMENT (not seed code) — [ext] hammer_flusher.c of the seed's era (the flush_tree /
 * SLAVEFLUSH / fs_token version: DragonFly sys/vfs/hammer/hammer_flusher.c), reduced to what
 * hammer_inode.c relies on (spec/hammer_inode.md §3.3 FA-1..FA-6, §3.4 B-1..B-10, §8.1 items 1-2):
 *
 * - hammer_flusher_async(hmp, close_flg): closes groups from next_flush_group up to close_flg
 *   (all open ones for NULL), advances next_flush_group, signals the master; returns the seq to
 *   wait for (a "dummy" seq — flusher.next++ — when it closed everything, as upstream). Plain code:
 *   it never blocks (FA-1).
 * - hammer_flusher_sync / hammer_flusher_wait: wait until flusher.done reaches that seq.
 * - the master thread (a daemon, holding hmp->fs_token like upstream — released at every sleeping
 *   step, B-1): per seq, start the head group if it is closed and has that seq (running = 1, the
 *   fill pointer advances, B-2), run passes over its flush_tree in obj_id order (inline when
 *   `slaves` is 1; with more, slave threads scan the tree concurrently, SLAVEFLUSH keeping them
 *   apart, B-3), each member hammer_sync_inode then WOULDBLOCK on error, EWOULDBLOCK reported as 0
 *   (B-4), then hammer_flush_inode_done (B-5: not touched after); after each pass the final
 *   finalize (a blocking step: the commit point, note 'hmed_commit'); re-run while the tree is
 *   non-empty, else KKASSERT(refs == 0), unlink and free (B-6). Critical error: stop (B-7).
 * - hammer_flusher_kmalloc_group (the M_WAITOK allocation at hammer_inode.c:1756, one sleeping
 *   step, A-4), hammer_flusher_finalize, hammer_flusher_meta_limit and vm_page_count_severe
 *   (scenario options, 0 by default), hammer_critical_error.
 *
 * Deviations from upstream (model economy, same observable protocol):
 * - waits are state-enabled primitives rather than tsleep/wakeup channels: the master's "hmrwwa"
 *   sleep returns once flusher.signal != 0, its "hmrhld" sleep once group_lock == 0, a
 *   hammer_flusher_wait once done has reached the seq (or the mount hit a critical error, where
 *   upstream would hang or assert — B-7 "waiters give up"), a slave's once its runstate is set;
 * - flusher.signal saturates at 1 (only "== 0" is ever tested);
 * - a dummy seq (no group) is flushed without a finalize (no UNDO FIFO is modelled);
 * - on a critical error the master stops for good (upstream would keep cycling over the head
 *   group and trip its own KKASSERT on the next seq);
 * - finalize_want / the UNDO-space checks are not modelled (no UNDO FIFO).
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { lwkt_gettoken } from '../sim/locks.ts';
import { KKASSERT, ModelError } from '../sim/panic.ts';
import { note, lifecycle, kernelOptions } from '../sim/report.ts';
import { EWOULDBLOCK } from '../sim/errno.ts';
import {
  HAMMER_INODE_SLAVEFLUSH,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_MOUNT_CRITICAL_ERROR,
  HAMMER_TRANS_FLS,
  type HammerFlushGroup,
  type HammerInode,
  type HammerMount,
  type HammerTransaction,
} from '../kernel/hammer_inode_state.ts';
import { hammer_sync_inode, hammer_flush_inode_done } from '../kernel/hammer_inode.ts';

const EXT = '[ext] hammer_flusher.c';

/** struct hammer_flusher_info (hammer_flusher.c): one slave's run state and its transaction copy. */
export interface HammerFlusherInfo {
  /** 0 = ready (idle), 1 = running the group in `flg`. */
  runstate: number;
  flg: HammerFlushGroup | null;
  trans: HammerTransaction;
}

/** hmp->flusher's thread-side state: the master's transaction and the slaves. */
export interface HammerFlusher {
  trans: HammerTransaction;
  infos: HammerFlusherInfo[];
}

// ------------------------------------------------------------------ helpers

/** TAILQ_NEXT(flg, flush_entry) on hmp->flush_group_list. */
export function flg_next(hmp: HammerMount, flg: HammerFlushGroup): HammerFlushGroup | null {
  const l = hmp.flush_group_list;
  const i = l.indexOf(flg);
  return i >= 0 && i + 1 < l.length ? l[i + 1] : null;
}

/** The first member of flg->flush_tree with obj_id > after (RB_SCAN's next node; the tree may change between calls). */
function next_member(flg: HammerFlushGroup, after: number): HammerInode | null {
  for (const ip of flg.flush_tree) if (ip.obj_id > after) return ip;
  return null;
}

// ------------------------------------------------------------------ hammer_flusher_async / sync

/**
 * hammer_flusher_async(hmp, close_flg) [ext]: FA-1..FA-6. An already-closed close_flg returns its
 * seq at once (FA-4). Otherwise close groups from next_flush_group on, stopping after close_flg
 * (FA-2, FA-3: closed groups stay a prefix), never touching running groups or the fill pointer
 * (FA-5), and signal the master (FA-6). Returns the seq a caller waits for.
 */
export function* hammer_flusher_async(hmp: HammerMount, close_flg: HammerFlushGroup | null): Kernel<number> {
  let flg: HammerFlushGroup | null;
  let seq: number;

  if (close_flg !== null && close_flg.closed) return close_flg.seq;

  flg = hmp.next_flush_group;
  while (flg !== null) {
    KKASSERT(flg.closed === 0 && flg.running === 0, `${EXT} hammer_flusher_async`, 'flg->closed == 0 && flg->running == 0');
    flg.closed = 1;
    lifecycle(flg, 'GROUP_CLOSE');
    hmp.next_flush_group = flg_next(hmp, flg);
    if (flg === close_flg) break;
    flg = hmp.next_flush_group;
  }

  // if (hmp->flusher.signal++ == 0) wakeup(&hmp->flusher.signal): saturated at 1.
  hmp.flusher_signal = 1;
  hmp.g_flusher_idle = false;
  if (flg !== null) {
    seq = flg.seq;
  } else {
    seq = hmp.flusher_next;
    ++hmp.flusher_next;
  }
  return seq;
}

/**
 * The flusher-done wait ("hmrfls"): returns once flusher.done has reached seq. Also returns on a
 * critical error (the flusher has stopped, B-7) — a deviation: upstream would sleep forever.
 */
const flusher_wait_done = prim({
  name: 'hammer_flusher_wait',
  kind: 'sleep',
  sleeps: true,
  touches: ([hmp]: [HammerMount, number]) => [hmp],
  enabled: ([hmp, seq]: [HammerMount, number]) => seq - hmp.flusher_done <= 0 || (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) !== 0,
  exec: () => 0,
});

/** hammer_flusher_wait(hmp, seq) [ext]. */
export function* hammer_flusher_wait(hmp: HammerMount, seq: number): Kernel<void> {
  if (seq - hmp.flusher_done > 0 && (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) === 0) yield* flusher_wait_done(hmp, seq);
}

/** hammer_flusher_sync(hmp) [ext]: close every open group and wait until the flusher has run them all. */
export function* hammer_flusher_sync(hmp: HammerMount): Kernel<void> {
  let seq: number;
  seq = yield* hammer_flusher_async(hmp, null);
  yield* hammer_flusher_wait(hmp, seq);
}

// ------------------------------------------------------------------ allocation, finalize, limits

/**
 * kmalloc(sizeof(*flg), M_HAMMER, M_WAITOK|M_ZERO) at hammer_inode.c:1756: one step that may block
 * the fs token is released, other threads may run), returning the next group of the pool,
 * zeroed. The pool is sized by the scenario; running out is a model error, not a kernel state.
 */
const kmalloc_group = prim({
  name: 'kmalloc(flush_group)',
  kind: 'write',
  sleeps: true,
  touches: ([hmp]: [HammerMount]) => [hmp, ...hmp.g_flg_pool],
  exec: ([hmp]: [HammerMount]) => {
    for (const flg of hmp.g_flg_pool) {
      if (flg.g_allocated) continue;
      flg.seq = 0;
      flg.total_count = 0;
      flg.running = 0;
      flg.closed = 0;
      flg.refs = 0;
      flg.flush_tree = [];
      flg.g_done = false;
      flg.g_allocated = true;
      return flg;
    }
    throw new ModelError('hammer_flusher_kmalloc_group: the scenario\'s flush-group pool is exhausted (raise its size)');
  },
});

export function* hammer_flusher_kmalloc_group(hmp: HammerMount): Kernel<HammerFlushGroup> {
  return yield* kmalloc_group(hmp);
}

/** The finalize's I/O (UNDO flush, volume header write, meta-data flush): one blocking step. */
const finalize_io = prim({
  name: 'hammer_flusher_finalize',
  kind: 'device',
  sleeps: true,
  touches: ([hmp]: [HammerMount, number]) => [hmp],
  exec: () => 0,
});

/**
 * hammer_flusher_finalize(trans, final) [ext]: a non-final finalize is skipped unless the meta
 * limit is hit (or always after a critical error); otherwise one blocking step. The abstract
 * media (m_*) is updated by the media operations themselves; the final finalize is the commit
 * point the HMED invariants are checked at (the caller notes 'hmed_commit').
 */
export function* hammer_flusher_finalize(trans: HammerTransaction, final: number): Kernel<void> {
  const hmp = trans.hmp;
  if (final === 0 && !hammer_flusher_meta_limit(hmp)) return;
  if (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) return;
  yield* finalize_io(hmp, final);
}

/** hammer_flusher_meta_limit(hmp) [ext]: too many dirty meta-data buffers; scenario option `meta_limit`. */
export function hammer_flusher_meta_limit(_hmp: HammerMount): number {
  return kernelOptions().meta_limit ? 1 : 0;
}

/** vm_page_count_severe() [ext]: scenario option `vm_severe`. */
export function vm_page_count_severe(): number {
  return kernelOptions().vm_severe ? 1 : 0;
}

/**
 * hammer_critical_error(hmp, ip, error, msg) [ext] (hammer_subs.c): mark the mount
 * HAMMER_MOUNT_CRITICAL_ERROR and force it read-only (ronly = 2); the flusher stops (B-7).
 */
export function* hammer_critical_error(hmp: HammerMount, _ip: HammerInode | null, _error: number, _msg: string): Kernel<void> {
  hmp.flags |= HAMMER_MOUNT_CRITICAL_ERROR;
  if (hmp.ronly === 0) hmp.ronly = 2;
  note('hammer_critical_error', { hmp });
}

// ------------------------------------------------------------------ the flusher threads

/** The master's "hmrwwa" sleep: returns once someone signalled (flusher.signal != 0). */
const flusher_wait_signal = prim({
  name: 'hammer_flusher_sleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([hmp]: [HammerMount]) => [hmp],
  enabled: ([hmp]: [HammerMount]) => hmp.flusher_signal !== 0 && (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) === 0,
  exec: () => 0,
});

/** The master's "hmrhld" sleep: returns once no hammer_flush_inode_core frame is active (group_lock == 0). */
const flusher_wait_grouplock = prim({
  name: 'hammer_flusher_grouplock',
  kind: 'sleep',
  sleeps: true,
  touches: ([hmp]: [HammerMount]) => [hmp],
  enabled: ([hmp]: [HammerMount]) => hmp.flusher_group_lock === 0,
  exec: () => 0,
});

/** The master's "hmrfcc" sleep: returns once every slave is back on the ready list. */
const flusher_wait_slaves = prim({
  name: 'hammer_flusher_slaves',
  kind: 'sleep',
  sleeps: true,
  touches: ([fl]: [HammerFlusher]) => [...fl.infos],
  enabled: ([fl]: [HammerFlusher]) => fl.infos.every((i) => i.runstate === 0),
  exec: () => 0,
});

/** A slave's "hmrssw" sleep: returns once the master gave it a group. */
const slave_wait_run = prim({
  name: 'hammer_flusher_slave_sleep',
  kind: 'sleep',
  sleeps: true,
  touches: ([info]: [HammerFlusherInfo]) => [info],
  enabled: ([info]: [HammerFlusherInfo]) => info.runstate !== 0,
  exec: () => 0,
});

/**
 * hammer_flusher_flush_inode(ip, info) [ext]: one member. SLAVEFLUSH keeps concurrent slaves
 * from syncing the same inode (B-3; hammer_flush_inode_done clears it, hammer_inode.c:2678).
 * Any error sets WOULDBLOCK; EWOULDBLOCK is reported as 0 (B-4). The inode is not touched after
 * hammer_flush_inode_done (B-5).
 */
export function* hammer_flusher_flush_inode(ip: HammerInode, trans: HammerTransaction): Kernel<void> {
  let error: number;

  if (ip.flags & HAMMER_INODE_SLAVEFLUSH) return;
  ip.flags |= HAMMER_INODE_SLAVEFLUSH;

  error = yield* hammer_sync_inode(trans, ip);
  if (error) {
    if ((ip.flags & HAMMER_INODE_WOULDBLOCK) === 0) lifecycle(ip, 'SYNC_INODE_WOULDBLOCK');
    ip.flags |= HAMMER_INODE_WOULDBLOCK;
    if (error === EWOULDBLOCK) error = 0;
  }
  yield* hammer_flush_inode_done(ip, error);
  // ip invalid

  if (hammer_flusher_meta_limit(trans.hmp)) yield* hammer_flusher_finalize(trans, 0);
}

/** One pass of one scanner over flg->flush_tree (RB_SCAN in obj_id order). */
function* flusher_scan(flg: HammerFlushGroup, trans: HammerTransaction): Kernel<void> {
  let ip: HammerInode | null;
  let last = -1;
  for (;;) {
    ip = next_member(flg, last);
    if (ip === null) break;
    last = ip.obj_id;
    yield* hammer_flusher_flush_inode(ip, trans);
  }
}

/** hammer_flusher_slave_thread(info) [ext]: a daemon; scans the group it is handed, then is ready again. */
export function* hammer_flusher_slave_thread(hmp: HammerMount, info: HammerFlusherInfo): Kernel<void> {
  let flg: HammerFlushGroup | null;
  yield* lwkt_gettoken(hmp.fs_token);
  for (;;) {
    if (info.runstate === 0) yield* slave_wait_run(info);
    flg = info.flg;
    if (flg !== null) yield* flusher_scan(flg, info.trans);
    info.runstate = 0;
    info.flg = null;
  }
}

/**
 * hammer_flusher_flush(hmp) [ext]: flush the next seq. Returns [seq, nomore]. A seq with no group
 * (a dummy seq from hammer_flusher_async(hmp, NULL)) completes at once; the head group with that
 * seq runs only if it is closed (B-2); it is run pass after pass until its tree is empty (B-6).
 */
function* hammer_flusher_flush(hmp: HammerMount, fl: HammerFlusher): Kernel<[number, number]> {
  let flg: HammerFlushGroup | null;
  let seq: number;
  let i: number;
  const trans = fl.trans;

  seq = hmp.flusher_done + 1;
  flg = hmp.flush_group_list.length > 0 ? hmp.flush_group_list[0] : null;
  if (flg === null) {
    if (seq === hmp.flusher_next) return [hmp.flusher_done, 1];
  } else if (seq === flg.seq) {
    if (flg.closed) {
      KKASSERT(flg.running === 0, `${EXT} hammer_flusher_flush`, 'flg->running == 0');
      note('hflg_start', { flg, groupLock: hmp.flusher_group_lock });
      flg.running = 1;
      lifecycle(flg, 'GROUP_RUN');
      for (const m of flg.flush_tree) lifecycle(m, 'GROUP_RUN');
      if (hmp.fill_flush_group === flg) hmp.fill_flush_group = flg_next(hmp, flg);
    } else {
      return [hmp.flusher_done, 1];
    }
  } else {
    KKASSERT(flg.seq - seq > 0, `${EXT} hammer_flusher_flush`, '(int)(flg->seq - seq) > 0');
    flg = null;
  }

  while (flg !== null && flg.running) {
    if (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) break;
    // hammer_start_transaction_fls(&hmp->flusher.trans, hmp)
    trans.type = HAMMER_TRANS_FLS;
    trans.flags = 0;
    KKASSERT(hmp.next_flush_group !== flg, `${EXT} hammer_flusher_flush`, 'hmp->next_flush_group != flg');

    if (fl.infos.length === 0) {
      // One slave: the pass runs inline, members in obj_id order.
      yield* flusher_scan(flg, trans);
    } else {
      for (i = 0; i < fl.infos.length; i++) {
        fl.infos[i].flg = flg;
        fl.infos[i].trans.type = HAMMER_TRANS_FLS;
        fl.infos[i].trans.flags = 0;
        fl.infos[i].runstate = 1;
      }
      yield* flusher_wait_slaves(fl);
    }

    // The final finalization: the commit point of the pass — unless a critical error stopped the
    // finalize (nothing of the pass reaches the volume header: no commit).
    yield* hammer_flusher_finalize(trans, 1);
    if ((hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) === 0) note('hmed_commit', { hmp });

    if (flg.flush_tree.length === 0) {
      KKASSERT(flg.refs === 0, `${EXT} hammer_flusher_flush`, 'flg->refs == 0');
      hmp.flush_group_list.splice(hmp.flush_group_list.indexOf(flg), 1);
      flg.g_done = true;
      lifecycle(flg, 'GROUP_DONE');
      note('hflg_free', { flg });
      break;
    }
    KKASSERT(hmp.flush_group_list[0] === flg, `${EXT} hammer_flusher_flush`, 'TAILQ_FIRST(&hmp->flush_group_list) == flg');
  }
  return [seq, 0];
}

/**
 * hammer_flusher_master_thread(hmp) [ext]: a daemon holding hmp->fs_token (released at every
 * sleeping step). Flushes seq after seq until there is nothing more (an open head group, or no
 * seq left), then sleeps until signalled. `g_flusher_idle` marks that sleep with no signal
 * pending: nothing startable (the end-of-workload checks read it).
 */
export function* hammer_flusher_master_thread(hmp: HammerMount, fl: HammerFlusher): Kernel<void> {
  let r: [number, number];
  yield* lwkt_gettoken(hmp.fs_token);
  for (;;) {
    for (;;) {
      if (hmp.flusher_group_lock !== 0) yield* flusher_wait_grouplock(hmp);
      r = yield* hammer_flusher_flush(hmp, fl);
      hmp.flusher_done = r[0];
      if (hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) break;
      if (r[1]) break;
    }
    if (hmp.flusher_signal === 0 || hmp.flags & HAMMER_MOUNT_CRITICAL_ERROR) {
      hmp.g_flusher_idle = true;
      yield* flusher_wait_signal(hmp);
    }
    hmp.g_flusher_idle = false;
    hmp.flusher_signal = 0;
  }
}

/** Spawns the master (and `slaves` slave threads when more than one) as daemons. */
export function startFlusher(sim: Sim, hmp: HammerMount, fl: HammerFlusher, cpu = 0): Thread {
  const t = sim.spawn('hammer-M', cpu, hammer_flusher_master_thread as never, [hmp, fl], { daemon: true });
  for (let i = 0; i < fl.infos.length; i++) sim.spawn(`hammer-S${i}`, (cpu + 1 + i) % sim.ncpus, hammer_flusher_slave_thread as never, [hmp, fl.infos[i]], { daemon: true });
  return t;
}
