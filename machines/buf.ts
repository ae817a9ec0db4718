/**
 * `struct buf`: a buffer header's queue, lock, I/O command and the b_flags bits its lifecycle
 * turns on (B_DELWRI, B_HEAVY, B_HASHED, B_LOCKED), plus its hold count b_refs.
 * Protocol analysis: spec/vfs_bio_sync.md §1 (queues, flags, per-function specifications),
 * §3.7-§3.10 (getnewbuf, flushbufqueues, findblk/getblk, the KERNPROC hand-off).
 */
import { assign, setup } from 'xstate';
import {
  B_DELWRI,
  B_HASHED,
  B_HEAVY,
  B_LOCKED,
  BQUEUE_NAMES,
  BUF_CMD_DONE,
  BUF_CMD_READ,
  BUF_CMD_WRITE,
} from '../impl/kernel/sys.ts';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** lk_owner after BUF_KERNPROC (impl/sim/locks.ts LK_KERNPROC; machines do not import the simulator). */
export const LK_KERNPROC = 'KERNPROC';

/** Abstract lock owner: nobody, a thread, or I/O completion (KERNPROC). */
export const OWNER_NONE = 0;
export const OWNER_THREAD = 1;
export const OWNER_KERNPROC = 2;

export interface BufContext {
  /** b_lock.lk_owner: 0 unlocked, 1 a thread, 2 LK_KERNPROC (handed to I/O completion). */
  owner: number;
  /** b_cmd: BUF_CMD_DONE (0), BUF_CMD_READ (1) or BUF_CMD_WRITE (2). */
  cmd: number;
  /** b_flags & B_DELWRI: a delayed write. */
  delwri: boolean;
  /** b_flags & B_HEAVY: flushed by buf_daemon_hw. */
  heavy: boolean;
  /** b_flags & B_HASHED: on its vnode's hash (b_vp set, findblk can see it). */
  hashed: boolean;
  /** b_flags & B_LOCKED: pinned by the filesystem, released to the LOCKED queue. */
  pinned: boolean;
  /** b_refs: holds that keep getnewbuf from reusing the header. */
  refs: number;
}

export type BufEvent =
  | { type: 'BUF_LOCK' }
  | { type: 'BUF_UNLOCK' }
  | { type: 'BUF_KERNPROC' }
  | { type: 'BREMFREE' }
  | { type: 'BRELSE_LOCKED' }
  | { type: 'BRELSE_EMPTY' }
  | { type: 'BRELSE_CLEAN' }
  | { type: 'BRELSE_DIRTY' }
  | { type: 'BRELSE_DIRTY_HW' }
  | { type: 'BQRELSE_LOCKED' }
  | { type: 'BQRELSE_CLEAN' }
  | { type: 'BQRELSE_DIRTY' }
  | { type: 'BQRELSE_DIRTY_HW' }
  | { type: 'FLUSH_REQUEUE' }
  | { type: 'BDIRTY' }
  | { type: 'BUNDIRTY' }
  | { type: 'BRELSE_UNDIRTY' }
  | { type: 'BHEAVY' }
  | { type: 'STRATEGY_READ' }
  | { type: 'STRATEGY_WRITE' }
  | { type: 'BPDONE' }
  | { type: 'GETNEWBUF_REUSE' }
  | { type: 'BGETVP' }
  | { type: 'BRELVP' }
  | { type: 'SET_LOCKED' }
  | { type: 'CLEAR_LOCKED' }
  | { type: 'BQHOLD' }
  | { type: 'BQDROP' };

/** The implementation object the machine abstracts (impl/env/bio.ts Buf). */
export interface BufObject {
  b_qindex: number;
  b_cmd: number;
  b_flags: number;
  b_refs: number;
  b_lock: { lk_owner: object | string | null };
}

const BUF_UNLOCK_CITES = [
  'vfs_bio.c:1632',
  'vfs_bio.c:1716',
  'vfs_bio.c:2031-2033',
  'vfs_bio.c:2385-2387',
  'vfs_bio.c:2426',
  'vfs_bio.c:2610-2611',
  'vfs_bio.c:2790',
];

/**
 * The transitions every queued state has: lock, unlock, bremfree, hold, drop. EMPTY has no
 * BQHOLD: findblk only refs hashed buffers, under the vnode token that brelvp takes to unhash
 * them, and an EMPTY buffer is never hashed (vfs_bio.c:2566-2577, 1553-1557).
 */
function queuedTransitions(hold = true) {
  const t = {
    BUF_LOCK: {
      guard: 'unlocked' as const,
      actions: 'lockByThread' as const,
      description:
        'a thread locks the queued buffer: getnewbuf and flushbufqueues with LK_NOWAIT under the queue spin, findblk/getblk/regetblk blocking; the buffer stays on its queue until bremfree',
      meta: { cite: ['vfs_bio.c:2024', 'vfs_bio.c:2368', 'vfs_bio.c:2589', 'vfs_bio.c:2759-2767', 'vfs_bio.c:3004'] },
    },
    BUF_UNLOCK: {
      guard: 'lockHeld' as const,
      actions: 'unlock' as const,
      description:
        'the owner (or I/O completion, for a KERNPROC buffer) unlocks a queued buffer: the end of brelse/bqrelse, or a locker that lost a recheck and leaves the buffer where it was',
      meta: { cite: BUF_UNLOCK_CITES },
    },
    BREMFREE: {
      target: 'NONE' as const,
      guard: 'lockHeld' as const,
      description: '_bremfree unlinks the locked buffer from its queue under the pcpu spin: b_qindex = BQUEUE_NONE',
      meta: { cite: ['vfs_bio.c:818-821', 'vfs_bio.c:2038', 'vfs_bio.c:2397', 'vfs_bio.c:3005'] },
    },
    BQHOLD: {
      guard: 'belowMaxRefs' as const,
      actions: 'takeRef' as const,
      description:
        'findblk takes a ref on the hashed buffer under the vnode token, without the buffer lock (a locked owner may also bqhold)',
      meta: { cite: ['vfs_bio.c:2576-2577', 'vfs_bio.c:1734-1738'] },
    },
    BQDROP: {
      guard: 'refsHeld' as const,
      actions: 'dropRef' as const,
      description: 'bqdrop or findblk drops a ref (bqdrop asserts b_refs > 0)',
      meta: { cite: ['vfs_bio.c:1740-1745', 'vfs_bio.c:2590', 'vfs_bio.c:2610', 'vfs_bio.c:2618', 'vfs_bio.c:2776'] },
    },
  };
  if (hold) return t;
  const { BQHOLD: _unused, ...noHold } = t;
  return noHold;
}

/*
 * No BUNDIRTY on a queued buffer: bundirty's comment allows it for brelse's phase H
 * (vfs_bio.c:1218-1220, 1605-1610), but that phase needs B_DELWRI with B_INVAL after phase B,
 * which phase B2 never leaves (it clears B_DELWRI whenever B_INVAL is set, vfs_bio.c:1297-1322);
 * spec Appendix A-5. A run that reaches it is reported as a conformance violation.
 */

/**
 * The buf machine with b_refs bounded by `maxRefs` (BQHOLD is disabled at the bound). The
 * conformance machine uses an effectively unbounded one.
 */
export function createBufMachine(maxRefs: number) {
  return setup({
    types: {
      context: {} as BufContext,
      events: {} as BufEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** The bound that keeps the traversal graph finite (not a kernel condition). */
      belowMaxRefs: ({ context }) => context.refs < maxRefs,
      /** bqdrop's KKASSERT (vfs_bio.c:1743). */
      refsHeld: ({ context }) => context.refs > 0,
      /** Nobody holds the buffer lock. */
      unlocked: ({ context }) => context.owner === OWNER_NONE,
      /** A thread or I/O completion holds the buffer lock. */
      lockHeld: ({ context }) => context.owner !== OWNER_NONE,
      /** A thread holds the lock (BUF_KERNPROC and getnewbuf need an owning thread). */
      heldByThread: ({ context }) => context.owner === OWNER_THREAD,
      /** bdirty sets DELWRI on a clean buffer of its owner; it dereferences b_vp (vfs_bio.c:1178). */
      canDirty: ({ context }) => context.owner !== OWNER_NONE && !context.delwri && context.hashed,
      /** bundirty / brelse clear DELWRI of their owner's dirty buffer. */
      canUndirty: ({ context }) => context.owner !== OWNER_NONE && context.delwri,
      /** bheavy sets HEAVY once (vfs_bio.c:1202). */
      canHeavy: ({ context }) => context.owner !== OWNER_NONE && !context.heavy,
      /** The owner issues an I/O on a buffer with none in flight. */
      canIssue: ({ context }) => context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE,
      /** bpdone's KASSERTs: locked, b_cmd != BUF_CMD_DONE (vfs_bio.c:3519-3521). */
      ioPending: ({ context }) => context.owner !== OWNER_NONE && context.cmd !== BUF_CMD_DONE,
      /**
       * getnewbuf resets a header it locked and took off CLEAN/EMPTY: b_cmd DONE (it was
       * queued), not DELWRI (vfs_bio.c:1994), unhashed (vfs_bio.c:2084), not pinned
       * (buf_deallocate's pin sends it back through bqrelse, vfs_bio.c:2053-2058).
       */
      reusable: ({ context }) =>
        context.owner === OWNER_THREAD &&
        context.cmd === BUF_CMD_DONE &&
        !context.delwri &&
        !context.hashed &&
        !context.pinned,
      /** bgetvp hashes the owner's unhashed buffer. */
      canAttach: ({ context }) => context.owner !== OWNER_NONE && !context.hashed,
      /** brelvp unhashes the owner's clean buffer: every caller has DELWRI clear (spec §1.8 vfs_vmio_release). */
      canDetach: ({ context }) => context.owner !== OWNER_NONE && context.hashed && !context.delwri,
      /** buf_deallocate may pin the owner's buffer with B_LOCKED. */
      canPin: ({ context }) => context.owner !== OWNER_NONE && !context.pinned,
      /** The owner of a pinned buffer may unpin it. */
      isPinned: ({ context }) => context.owner !== OWNER_NONE && context.pinned,
      /** brelse G1 / bqrelse Q1: a pinned buffer goes to LOCKED whatever else it is. */
      releasePinned: ({ context }) => context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE && context.pinned,
      /** brelse G2: EMPTY takes a clean, unhashed, unpinned buffer (KASSERTs vfs_bio.c:1553-1557). */
      releaseEmpty: ({ context }) =>
        context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE && !context.pinned && !context.delwri && !context.hashed,
      /** brelse G3/G6, bqrelse Q4: CLEAN takes an unpinned buffer without DELWRI. */
      releaseClean: ({ context }) =>
        context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE && !context.pinned && !context.delwri,
      /** brelse G4, bqrelse Q2, flushbufqueues' requeue: (DELWRI, HEAVY) = (1, 0), unpinned. */
      releaseDirty: ({ context }) =>
        context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE && !context.pinned && context.delwri && !context.heavy,
      /** brelse G5, bqrelse Q2, flushbufqueues' requeue: (DELWRI, HEAVY) = (1, 1), unpinned. */
      releaseDirtyHeavy: ({ context }) =>
        context.owner !== OWNER_NONE && context.cmd === BUF_CMD_DONE && !context.pinned && context.delwri && context.heavy,
    },
    actions: {
      lockByThread: assign({ owner: OWNER_THREAD }),
      handToKernproc: assign({ owner: OWNER_KERNPROC }),
      unlock: assign({ owner: OWNER_NONE }),
      setDelwri: assign({ delwri: true }),
      clearDelwri: assign({ delwri: false }),
      setHeavy: assign({ heavy: true }),
      issueRead: assign({ cmd: BUF_CMD_READ }),
      issueWrite: assign({ cmd: BUF_CMD_WRITE }),
      completeCmd: assign({ cmd: BUF_CMD_DONE }),
      // b_flags = B_BNOCLIP (vfs_bio.c:2095): of the abstract flags only HEAVY can still be set.
      resetHeader: assign({ heavy: false, pinned: false }),
      attachVnode: assign({ hashed: true }),
      detachVnode: assign({ hashed: false }),
      pin: assign({ pinned: true }),
      unpin: assign({ pinned: false }),
      takeRef: assign({ refs: ({ context }) => context.refs + 1 }),
      dropRef: assign({ refs: ({ context }) => context.refs - 1 }),
    },
  }).createMachine({
    id: 'buf',
    // bufinit: every header starts on EMPTY, B_INVAL, b_cmd DONE, unlocked (vfs_bio.c:631-649).
    initial: 'EMPTY',
    context: { owner: OWNER_NONE, cmd: BUF_CMD_DONE, delwri: false, heavy: false, hashed: false, pinned: false, refs: 0 },
    states: {
      NONE: {
        description:
          'off every queue (BQUEUE_NONE): locked by a thread or handed to I/O completion (KERNPROC); I/O, dirtying and identity changes happen only here',
        on: {
          BUF_KERNPROC: {
            target: 'NONE',
            guard: 'heldByThread',
            actions: 'handToKernproc',
            description: 'before an asynchronous vn_strategy the owner hands the lock to I/O completion, which will release the buffer',
            meta: { cite: ['vfs_bio.c:874', 'vfs_bio.c:937', 'vfs_bio.c:1045', 'vfs_bio.c:4576-4577'] },
          },
          STRATEGY_READ: {
            target: 'NONE',
            guard: 'canIssue',
            actions: 'issueRead',
            description: 'the issuer sets b_cmd = BUF_CMD_READ before vfs_busy_pages and vn_strategy',
            meta: { cite: ['vfs_bio.c:870', 'vfs_bio.c:918', 'vfs_bio.c:935', 'vfs_bio.c:3869'] },
          },
          STRATEGY_WRITE: {
            target: 'NONE',
            guard: 'canIssue',
            actions: 'issueWrite',
            description: 'bwrite/bawrite set b_cmd = BUF_CMD_WRITE before vfs_busy_pages and vn_strategy',
            meta: { cite: ['vfs_bio.c:987', 'vfs_bio.c:1035', 'vfs_bio.c:3869'] },
          },
          BPDONE: {
            target: 'NONE',
            guard: 'ioPending',
            actions: 'completeCmd',
            description: 'bpdone takes the command and sets b_cmd = BUF_CMD_DONE (the buffer is still locked and off-queue)',
            meta: { cite: ['vfs_bio.c:3527-3528', 'vfs_bio.c:3519-3521'] },
          },
          BDIRTY: {
            target: 'NONE',
            guard: 'canDirty',
            actions: 'setDelwri',
            description: 'bdirty of an off-queue buffer sets B_DELWRI under the vnode token and moves it to the dirty tree (bdwrite, failed-write redirty in bpdone)',
            meta: { cite: ['vfs_bio.c:1177-1181', 'vfs_bio.c:1166-1167', 'vfs_bio.c:3557-3560'] },
          },
          BUNDIRTY: {
            target: 'NONE',
            guard: 'canUndirty',
            actions: 'clearDelwri',
            description: 'bundirty clears B_DELWRI under the vnode token (bpdone after a good write, brelse phase A)',
            meta: { cite: ['vfs_bio.c:1225-1229', 'vfs_bio.c:3561-3564', 'vfs_bio.c:1287-1289'] },
          },
          BRELSE_UNDIRTY: {
            target: 'NONE',
            guard: 'canUndirty',
            actions: 'clearDelwri',
            description: "brelse's invalidation block B2 drops the dirty counters and clears B_DELWRI without reassignbuf",
            meta: { cite: ['vfs_bio.c:1311-1322'] },
          },
          BHEAVY: {
            target: 'NONE',
            guard: 'canHeavy',
            actions: 'setHeavy',
            description: 'bheavy (or getnewbuf for GETBLK_BHEAVY) sets B_HEAVY; it is never cleared except by the getnewbuf reset',
            meta: { cite: ['vfs_bio.c:1202-1207', 'vfs_bio.c:2107-2108'] },
          },
          GETNEWBUF_REUSE: {
            target: 'NONE',
            guard: 'reusable',
            actions: 'resetHeader',
            description: 'getnewbuf resets the stripped header: b_flags = B_BNOCLIP, b_cmd = BUF_CMD_DONE, b_vp = NULL',
            meta: { cite: ['vfs_bio.c:2095-2106', 'vfs_bio.c:2080-2084'] },
          },
          BGETVP: {
            target: 'NONE',
            guard: 'canAttach',
            actions: 'attachVnode',
            description: "getblk's miss path hashes the new buffer at (vp, loffset) with bgetvp (a collision leaves it unhashed)",
            meta: { cite: ['vfs_bio.c:2958-2966'] },
          },
          BRELVP: {
            target: 'NONE',
            guard: 'canDetach',
            actions: 'detachVnode',
            description: 'brelvp unhashes the buffer and clears b_vp: vfs_vmio_release, the non-VMIO brelse rundown, getnewbuf',
            meta: { cite: ['vfs_bio.c:1865-1866', 'vfs_bio.c:1520-1521', 'vfs_bio.c:2069-2071', 'vfs_bio.c:2089-2094'] },
          },
          SET_LOCKED: {
            target: 'NONE',
            guard: 'canPin',
            actions: 'pin',
            description: "the filesystem's buf_deallocate pins the buffer with B_LOCKED instead of resolving its dependencies",
            meta: { cite: ['vfs_bio.c:1305-1310', 'vfs_bio.c:1347-1350', 'vfs_bio.c:2051-2058'] },
          },
          CLEAR_LOCKED: {
            target: 'NONE',
            guard: 'isPinned',
            actions: 'unpin',
            description:
              'the filesystem (HAMMER) clears B_LOCKED on a buffer it reacquired with regetblk, once its dependencies are resolved (outside vfs_bio.c; the queue code only tests the flag)',
            meta: { cite: ['vfs_bio.c:2990-3006', 'vfs_bio.c:1538-1545'] },
          },
          BQHOLD: {
            target: 'NONE',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: 'bqhold by the owner, or findblk taking a ref on a buffer another thread has locked off-queue',
            meta: { cite: ['vfs_bio.c:1734-1738', 'vfs_bio.c:2576-2577'] },
          },
          BQDROP: {
            target: 'NONE',
            guard: 'refsHeld',
            actions: 'dropRef',
            description: 'bqdrop or findblk drops a ref (bqdrop asserts b_refs > 0)',
            meta: { cite: ['vfs_bio.c:1740-1745', 'vfs_bio.c:2590', 'vfs_bio.c:2610', 'vfs_bio.c:2618', 'vfs_bio.c:2776'] },
          },
          BRELSE_LOCKED: {
            target: 'LOCKED',
            guard: 'releasePinned',
            description: 'brelse G1: a B_LOCKED buffer goes to the LOCKED tail whatever its dirtiness (b_cmd was forced DONE)',
            meta: { cite: ['vfs_bio.c:1538-1545', 'vfs_bio.c:1363', 'vfs_bio.c:1525-1526'] },
          },
          BRELSE_EMPTY: {
            target: 'EMPTY',
            guard: 'releaseEmpty',
            description: 'brelse G2: a buffer without memory goes to the EMPTY head, B_INVAL, asserted unhashed with no vnode',
            meta: { cite: ['vfs_bio.c:1546-1560'] },
          },
          BRELSE_CLEAN: {
            target: 'CLEAN',
            guard: 'releaseClean',
            description: 'brelse G3 (junk, at the head, asserted unhashed) or G6 (clean and cached, at the tail)',
            meta: { cite: ['vfs_bio.c:1561-1574', 'vfs_bio.c:1591-1600'] },
          },
          BRELSE_DIRTY: {
            target: 'DIRTY',
            guard: 'releaseDirty',
            description: 'brelse G4: (DELWRI, HEAVY) = (1, 0) goes to the DIRTY tail',
            meta: { cite: ['vfs_bio.c:1580-1585'] },
          },
          BRELSE_DIRTY_HW: {
            target: 'DIRTY_HW',
            guard: 'releaseDirtyHeavy',
            description: 'brelse G5: (DELWRI, HEAVY) = (1, 1) goes to the DIRTY_HW tail',
            meta: { cite: ['vfs_bio.c:1586-1590'] },
          },
          BQRELSE_LOCKED: {
            target: 'LOCKED',
            guard: 'releasePinned',
            description: 'bqrelse Q1: a B_LOCKED buffer goes to the LOCKED tail, dirty or not (despite the comment)',
            meta: { cite: ['vfs_bio.c:1664-1673', 'vfs_bio.c:1656-1657'] },
          },
          BQRELSE_CLEAN: {
            target: 'CLEAN',
            guard: 'releaseClean',
            description: 'bqrelse Q4: a buffer without DELWRI goes to the CLEAN tail, even with INVAL/NOCACHE/ERROR set',
            meta: { cite: ['vfs_bio.c:1688-1692'] },
          },
          BQRELSE_DIRTY: {
            target: 'DIRTY',
            guard: 'releaseDirty',
            description: 'bqrelse Q2: DELWRI without HEAVY goes to the DIRTY tail (bdwrite ends here)',
            meta: { cite: ['vfs_bio.c:1674-1678'] },
          },
          BQRELSE_DIRTY_HW: {
            target: 'DIRTY_HW',
            guard: 'releaseDirtyHeavy',
            description: 'bqrelse Q2: DELWRI with HEAVY goes to the DIRTY_HW tail',
            meta: { cite: ['vfs_bio.c:1674-1678'] },
          },
          FLUSH_REQUEUE: [
            {
              target: 'DIRTY',
              guard: 'releaseDirty',
              description: 'flushbufqueues defers a buffer with pending dependencies: re-inserted at the tail of DIRTY, B_DEFERRED, then unlocked',
              meta: { cite: ['vfs_bio.c:2418-2430'] },
            },
            {
              target: 'DIRTY_HW',
              guard: 'releaseDirtyHeavy',
              description: 'flushbufqueues defers a heavy buffer with pending dependencies: re-inserted at the tail of DIRTY_HW',
              meta: { cite: ['vfs_bio.c:2418-2430'] },
            },
          ],
        },
      },
      LOCKED: {
        description: 'on BQUEUE_LOCKED: pinned by the filesystem (B_LOCKED), dirty or not; never scanned by getnewbuf or the flushers',
        on: queuedTransitions(),
      },
      CLEAN: {
        description: 'on BQUEUE_CLEAN: no delayed write; cached contents, normally still hashed; getnewbuf recycles from here',
        on: queuedTransitions(),
      },
      DIRTY: {
        description: 'on BQUEUE_DIRTY: a delayed write without B_HEAVY, waiting for buf_daemon',
        on: queuedTransitions(),
      },
      DIRTY_HW: {
        description: 'on BQUEUE_DIRTY_HW: a delayed write with B_HEAVY, waiting for buf_daemon_hw',
        on: queuedTransitions(),
      },
      EMPTY: {
        description: 'on BQUEUE_EMPTY: a header without memory or identity (unhashed, clean); getnewbuf takes these first',
        on: queuedTransitions(false),
      },
    },
  });
}

const QUEUED = ['LOCKED', 'CLEAN', 'DIRTY', 'DIRTY_HW', 'EMPTY'];

const show = (s: AbstractState): string => {
  const c = s.context;
  return `${s.value} owner=${c.owner} cmd=${c.cmd} delwri=${c.delwri} heavy=${c.heavy} hashed=${c.hashed} pinned=${c.pinned} refs=${c.refs}`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'BUFM-01',
    states: ['CLEAN', 'EMPTY'],
    statement: 'CLEAN ∨ EMPTY ⇒ ¬DELWRI: no delayed write on the queues getnewbuf recycles from (BUF-06)',
    cite: ['vfs_bio.c:1994-1995', 'vfs_bio.c:1546-1574', 'vfs_bio.c:1591-1600'],
    check: (s) =>
      (s.value !== 'CLEAN' && s.value !== 'EMPTY') || !s.context.delwri
        ? null
        : `B_DELWRI buffer on ${s.value} (${show(s)}): getnewbuf's KASSERT vfs_bio.c:1994 would fire and the delayed write is lost`,
  },
  {
    id: 'BUFM-02',
    states: ['EMPTY'],
    statement: 'EMPTY ⇒ ¬HASHED: an EMPTY header has no identity (BUF-09, BUF-10)',
    cite: ['vfs_bio.c:1553-1557', 'vfs_bio.c:2080-2084'],
    check: (s) =>
      s.value !== 'EMPTY' || !s.context.hashed ? null : `hashed buffer on EMPTY (${show(s)}): KKASSERT vfs_bio.c:1557`,
  },
  {
    id: 'BUFM-03',
    states: QUEUED,
    statement: 'queued ⇒ b_cmd == BUF_CMD_DONE: no queued buffer has an I/O in flight (BUF-12)',
    cite: ['vfs_bio.c:1363', 'vfs_bio.c:2811', 'vfs_bio.c:2975'],
    check: (s) =>
      s.value === 'NONE' || s.context.cmd === BUF_CMD_DONE ? null : `queued buffer with b_cmd ${s.context.cmd} (${show(s)})`,
  },
  {
    id: 'BUFM-04',
    states: ['NONE'],
    statement: 'NONE ⇒ locked: an off-queue buffer is owned by a thread or by I/O completion (BUF-03)',
    cite: ['vfs_bio.c:819-825', 'vfs_bio.c:1525-1526', 'vfs_bio.c:1656-1657'],
    check: (s) =>
      s.value !== 'NONE' || s.context.owner !== OWNER_NONE
        ? null
        : `unlocked buffer off every queue (${show(s)}): nobody can find or release it`,
  },
  {
    id: 'BUFM-05',
    statement: 'b_cmd ≠ DONE ⇒ locked ∧ NONE: a buffer with I/O in flight is locked (by its issuer or KERNPROC) and off-queue (BUF-13)',
    cite: ['vfs_bio.c:3519-3521', 'vfs_bio.c:972-973', 'vfs_bio.c:1021-1022'],
    check: (s) =>
      s.context.cmd === BUF_CMD_DONE || (s.value === 'NONE' && s.context.owner !== OWNER_NONE)
        ? null
        : `I/O in flight on a buffer that is unlocked or queued (${show(s)})`,
  },
  {
    id: 'BUFM-06',
    states: QUEUED,
    statement: 'queued ⇒ (LOCKED ⇔ B_LOCKED): a pinned buffer is released only to LOCKED, an unpinned one never (BUF-22)',
    cite: ['vfs_bio.c:1538-1545', 'vfs_bio.c:1664-1673'],
    check: (s) =>
      s.value === 'NONE' || (s.value === 'LOCKED') === s.context.pinned
        ? null
        : s.context.pinned
          ? `B_LOCKED buffer on ${s.value} (${show(s)}): getnewbuf or a flusher may take a pinned buffer`
          : `unpinned buffer on LOCKED (${show(s)}): nothing ever scans LOCKED`,
  },
  {
    id: 'BUFM-07',
    states: ['DIRTY', 'DIRTY_HW'],
    statement:
      'DIRTY ⇒ ¬HEAVY and DIRTY_HW ⇒ HEAVY: the dirty queue matches B_HEAVY, which is set (bheavy, getnewbuf) and cleared (getnewbuf reset) only on an off-queue buffer, so flushbufqueues re-inserts a deferred buffer where it came from',
    cite: ['vfs_bio.c:1580-1590', 'vfs_bio.c:1674-1678', 'vfs_bio.c:2095', 'vfs_bio.c:2107-2108', 'vfs_bio.c:2422-2423'],
    check: (s) =>
      (s.value !== 'DIRTY' || !s.context.heavy) && (s.value !== 'DIRTY_HW' || s.context.heavy)
        ? null
        : `${s.value} does not match B_HEAVY (${show(s)}): the wrong buffer daemon owns it`,
  },
  {
    id: 'BUFM-08',
    statement: 'DELWRI ⇒ HASHED: a delayed write stays attached to its vnode (bdirty/bundirty use b_vp; brelse clears DELWRI before the brelvp in vfs_vmio_release)',
    cite: ['vfs_bio.c:1178', 'vfs_bio.c:1226', 'vfs_bio.c:1322', 'vfs_bio.c:1865-1866'],
    check: (s) =>
      !s.context.delwri || s.context.hashed ? null : `B_DELWRI buffer without a vnode (${show(s)}): its data can never be written`,
  },
  {
    id: 'BUFM-09',
    statement: 'b_refs ≥ 0: every drop follows its hold (BUF-18)',
    cite: ['vfs_bio.c:1743', 'vfs_bio.c:2590', 'vfs_bio.c:2610', 'vfs_bio.c:2618'],
    check: (s) => (Number(s.context.refs) >= 0 ? null : `b_refs == ${s.context.refs} (${show(s)}): a drop without a hold`),
  },
];

export const buf: MachineModule<BufObject> = {
  name: 'buf',
  object: 'struct buf (a buffer header)',
  description:
    'A buffer header lives on one of the per-CPU queues (LOCKED, CLEAN, DIRTY, DIRTY_HW, EMPTY) or on none. ' +
    'To use a queued buffer a thread locks it (getnewbuf and flushbufqueues with `LK_NOWAIT` under the queue spin, ' +
    'findblk/getblk blocking) and `bremfree`s it; off-queue it is issued I/O (`b_cmd` READ/WRITE until `bpdone`), ' +
    'dirtied (`bdirty`) and cleaned (`bundirty`, brelse), hashed to and unhashed from its vnode (`bgetvp`, ' +
    '`brelvp`), pinned by the filesystem (`buf_deallocate` sets `B_LOCKED`) and reset for reuse by getnewbuf. An ' +
    'asynchronous issuer hands the lock to I/O completion (`BUF_KERNPROC`), whose `bpdone` releases the buffer. ' +
    '`brelse`, `bqrelse` and the flusher\'s deferral put it back on the queue its flags select, and the lock is ' +
    'released last. `b_refs` holds (findblk takes them under the vnode token without the buffer lock) keep ' +
    'getnewbuf from reusing it. Abstraction: state = `b_qindex`; owner = 0 unlocked, 1 a thread, 2 ' +
    '`LK_KERNPROC`; cmd = `b_cmd`; delwri, heavy, hashed, pinned = `B_DELWRI`, `B_HEAVY`, `B_HASHED`, ' +
    '`B_LOCKED`; refs = `b_refs` (bounded at 2 for traversal). "Every buffer on DIRTY/DIRTY_HW has B_DELWRI" is ' +
    'soft in the seed (flushbufqueues prints "Unexpected clean buffer", vfs_bio.c:2364-2366) because bundirty may ' +
    'run on a queued buffer (vfs_bio.c:1218-1220), so it is not a per-state invariant; nor is anything about a ' +
    'KERNPROC owner, since completion holds a buffer with `b_cmd` DONE off-queue through bpdone\'s page loop and ' +
    'a queued one until its final unlock.',
  machine: createBufMachine(2),
  conformanceMachine: createBufMachine(2 ** 30),
  events: [
    { type: 'BUF_LOCK' },
    { type: 'BUF_UNLOCK' },
    { type: 'BUF_KERNPROC' },
    { type: 'BREMFREE' },
    { type: 'BRELSE_LOCKED' },
    { type: 'BRELSE_EMPTY' },
    { type: 'BRELSE_CLEAN' },
    { type: 'BRELSE_DIRTY' },
    { type: 'BRELSE_DIRTY_HW' },
    { type: 'BQRELSE_LOCKED' },
    { type: 'BQRELSE_CLEAN' },
    { type: 'BQRELSE_DIRTY' },
    { type: 'BQRELSE_DIRTY_HW' },
    { type: 'FLUSH_REQUEUE' },
    { type: 'BDIRTY' },
    { type: 'BUNDIRTY' },
    { type: 'BRELSE_UNDIRTY' },
    { type: 'BHEAVY' },
    { type: 'STRATEGY_READ' },
    { type: 'STRATEGY_WRITE' },
    { type: 'BPDONE' },
    { type: 'GETNEWBUF_REUSE' },
    { type: 'BGETVP' },
    { type: 'BRELVP' },
    { type: 'SET_LOCKED' },
    { type: 'CLEAR_LOCKED' },
    { type: 'BQHOLD' },
    { type: 'BQDROP' },
  ],
  stateInvariants,
  abstract(obj: BufObject): AbstractState {
    const o = obj.b_lock.lk_owner;
    const f = obj.b_flags;
    return {
      value: BQUEUE_NAMES[obj.b_qindex] ?? `qindex ${obj.b_qindex}`,
      context: {
        owner: o === null ? OWNER_NONE : o === LK_KERNPROC ? OWNER_KERNPROC : OWNER_THREAD,
        cmd: obj.b_cmd,
        delwri: (f & B_DELWRI) !== 0,
        heavy: (f & B_HEAVY) !== 0,
        hashed: (f & B_HASHED) !== 0,
        pinned: (f & B_LOCKED) !== 0,
        refs: obj.b_refs,
      },
    };
  },
};
