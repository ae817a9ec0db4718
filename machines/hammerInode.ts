/**
 * A HAMMER in-memory inode (`struct hammer_inode`) as hammer_inode.c flushes it: `flush_state`
 * IDLE / SETUP / FLUSH crossed with the dirty (MODMASK) bits, `sync_flags`, the control bits
 * REFLUSH, RESIGNAL, CONN_DOWN, WOULDBLOCK, RECLAIM, the vnode association and `ip->lock.refs`.
 * Protocol analysis: spec/hammer_inode.md §1 (inode state), §5.1-§5.4 (the inode machine,
 * re-triggering, the go_count == 0 fallback, upward resolution), §6.1 (HINO invariants).
 */
import { and, assign, setup } from 'xstate';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** hammer_inode_state_t (hammer.h: enum order IDLE, SETUP, FLUSH). */
export const HAMMER_FST_IDLE = 0;
export const HAMMER_FST_SETUP = 1;
export const HAMMER_FST_FLUSH = 2;
export const HAMMER_FST_NAMES = ['IDLE', 'SETUP', 'FLUSH'] as const;

/** ip->flags bits (hammer.h of the seed's era; spec/hammer_inode.md §1.4). */
export const HAMMER_INODE_DDIRTY = 0x0001;
export const HAMMER_INODE_RSV_INODES = 0x0002;
export const HAMMER_INODE_CONN_DOWN = 0x0004;
export const HAMMER_INODE_XDIRTY = 0x0008;
export const HAMMER_INODE_ONDISK = 0x0010;
export const HAMMER_INODE_DELETED = 0x0080;
export const HAMMER_INODE_DELONDISK = 0x0100;
export const HAMMER_INODE_RO = 0x0200;
export const HAMMER_INODE_BUFS = 0x1000;
export const HAMMER_INODE_REFLUSH = 0x2000;
export const HAMMER_INODE_RECLAIM = 0x4000;
export const HAMMER_INODE_FLUSHW = 0x8000;
export const HAMMER_INODE_TRUNCATED = 0x00010000;
export const HAMMER_INODE_DELETING = 0x00020000;
export const HAMMER_INODE_RESIGNAL = 0x00040000;
export const HAMMER_INODE_ATIME = 0x00100000;
export const HAMMER_INODE_MTIME = 0x00200000;
export const HAMMER_INODE_WOULDBLOCK = 0x00400000;
export const HAMMER_INODE_DUMMY = 0x00800000;
export const HAMMER_INODE_SDIRTY = 0x01000000;
export const HAMMER_INODE_REDO = 0x02000000;
export const HAMMER_INODE_RDIRTY = 0x04000000;
export const HAMMER_INODE_SLAVEFLUSH = 0x08000000;
export const HAMMER_INODE_MODMASK =
  HAMMER_INODE_DDIRTY |
  HAMMER_INODE_SDIRTY |
  HAMMER_INODE_XDIRTY |
  HAMMER_INODE_BUFS |
  HAMMER_INODE_ATIME |
  HAMMER_INODE_MTIME |
  HAMMER_INODE_TRUNCATED |
  HAMMER_INODE_DELETING;
export const HAMMER_INODE_MODMASK_NOXDIRTY = HAMMER_INODE_MODMASK & ~HAMMER_INODE_XDIRTY;

/** hammer_flush_inode flags. */
export const HAMMER_FLUSH_SIGNAL = 0x0001;
export const HAMMER_FLUSH_RECURSION = 0x0002;

/** `struct hammer_flush_group` as the abstractions read it (flushGroup.ts abstracts it fully). */
export interface HammerFlushGroupObject {
  seq: number;
  total_count: number;
  running: number;
  closed: number;
  /** Records in FLUSH state belonging to the group (spec §3.1). */
  refs: number;
  /** The member inodes (RB tree flush_tree, an array sorted by obj_id). */
  flush_tree: readonly object[];
  /** Ghost: handed out by kmalloc (hammer_inode.c:1756). */
  g_allocated: boolean;
  /** Ghost: unlinked from flush_group_list and freed by the flusher at the end of its last pass (B-6). */
  g_done: boolean;
}

/** The implementation object the machine abstracts: `struct hammer_inode`. */
export interface HammerInodeObject {
  /** Ghost: in rb_inos_root (instantiated and not unloaded). */
  g_loaded: boolean;
  flush_state: number;
  flags: number;
  sync_flags: number;
  /** ip->lock: the reference count lives in lock.refs (hammer_ref / hammer_rel). */
  lock: { refs: number };
  flush_group: HammerFlushGroupObject | null;
  /** The group whose flush_tree the inode is linked into through rb_flsnode, or null. */
  rb_flsnode: HammerFlushGroupObject | null;
  vp: object | null;
  /** In-memory records owned by the inode. */
  rec_tree: readonly object[];
  /** Records owned by parents whose target_ip is this inode. */
  target_list: readonly object[];
}

export interface HammerInodeContext {
  /** flags & MODMASK_NOXDIRTY: frontend modifications other than in-memory records. */
  dirty: boolean;
  /** flags & XDIRTY: in-memory records not yet handed to a flush. */
  xdirty: boolean;
  /** sync_flags != 0: the snapshot the backend works from. */
  syncDirty: boolean;
  /** rec_tree non-empty. */
  recs: boolean;
  /** target_list non-empty: parents' directory-entry records reference this inode. */
  deps: boolean;
  reflush: boolean;
  resignal: boolean;
  wouldblock: boolean;
  /** ip->vp != NULL. */
  vp: boolean;
  reclaim: boolean;
  /** flush_group != NULL. */
  inGroup: boolean;
  /** rb_flsnode linked in some flush tree. */
  inTree: boolean;
  /** Linked in flush_group's own flush_tree. */
  ownTree: boolean;
  /** flush_group->running != 0. */
  running: boolean;
  /** ip->lock.refs. */
  refs: number;
}

export type HammerInodeEvent =
  | { type: 'GET_INODE' }
  | { type: 'CREATE_INODE' }
  | { type: 'UNLOAD' }
  | { type: 'MODIFY_INODE' }
  | { type: 'MODIFY_XDIRTY' }
  | { type: 'RECORD_ADD' }
  | { type: 'RECORD_GONE' }
  | { type: 'TARGET_LINK' }
  | { type: 'TARGET_UNLINK' }
  | { type: 'HAMMER_REF' }
  | { type: 'HAMMER_REL' }
  | { type: 'GET_VNODE' }
  | { type: 'VOP_RECLAIM' }
  | { type: 'FLUSH_INODE_CORE' }
  | { type: 'FLUSH_INODE_FALLBACK' }
  | { type: 'FLUSH_INODE_FALLBACK_SIGNAL' }
  | { type: 'FLUSH_INODE_CLEAN' }
  | { type: 'SETUP_CONN_DOWN' }
  | { type: 'SETUP_CONN_DOWN_SIGNAL' }
  | { type: 'SETUP_PARENT' }
  | { type: 'SETUP_CHILD' }
  | { type: 'DEFER_REFLUSH' }
  | { type: 'DEFER_RESIGNAL' }
  | { type: 'REFLUSH' }
  | { type: 'RESIGNAL' }
  | { type: 'TEST_INODE' }
  | { type: 'GROUP_RUN' }
  | { type: 'SYNC_CLEAN' }
  | { type: 'SYNC_INODE_WOULDBLOCK' }
  | { type: 'DONE_MERGE' }
  | { type: 'DONE_REFLUSH_RULE' }
  | { type: 'FLUSH_INODE_DONE' }
  | { type: 'FLUSH_INODE_DONE_SETUP' }
  | { type: 'FLUSH_INODE_DONE_WOULDBLOCK' }
  | { type: 'CONSUME_REFLUSH' };

const F = 'hammer_inode.c';

/** The context of ABSENT (and of the machine's initial state). */
const ABSENT_CONTEXT: HammerInodeContext = {
  dirty: false,
  xdirty: false,
  syncDirty: false,
  recs: false,
  deps: false,
  reflush: false,
  resignal: false,
  wouldblock: false,
  vp: false,
  reclaim: false,
  inGroup: false,
  inTree: false,
  ownTree: false,
  running: false,
  refs: 0,
};

/** Transitions every flush_state has (frontend modifications, records, links, references, vnode). */
function commonTransitions(state: 'IDLE' | 'SETUP' | 'FLUSH') {
  const active = state !== 'IDLE';
  return {
    MODIFY_INODE: {
      target: state,
      actions: 'setDirty' as const,
      description:
        'hammer_modify_inode ORs MODMASK bits into ip->flags (also the completion redirty of nlinks/BUFS, and DELETING|TRUNCATED from the unloadable check)',
      meta: { cite: [`${F}:1645-1675`, `${F}:2542-2549`, `${F}:3247-3251`] },
    },
    MODIFY_XDIRTY: {
      target: state,
      guard: 'hasRecords' as const,
      actions: 'setXdirty' as const,
      description: '[ext] hammer_mem_add calls hammer_modify_inode(ip, XDIRTY) right after inserting a record',
      meta: { cite: [`${F}:1640`, `${F}:1672-1674`] },
    },
    RECORD_ADD: {
      target: state,
      actions: 'addRecord' as const,
      description: 'a record is inserted into rec_tree (hammer_ip_add_record / [ext] hammer_mem_add); XDIRTY follows (MODIFY_XDIRTY)',
      meta: { cite: [`${F}:1108-1117`, `${F}:1640`] },
    },
    RECORD_GONE: {
      target: state,
      guard: 'hasRecords' as const,
      actions: 'dropRecords' as const,
      description:
        'the last record of rec_tree is destroyed ([ext] hammer_rel_mem_record): XDIRTY is cleared in flags and sync_flags',
      meta: { cite: [`${F}:1338`, `${F}:1573`, `${F}:3157-3164`, `${F}:2557-2560`] },
    },
    HAMMER_REF: {
      target: state,
      guard: 'belowMaxRefs' as const,
      actions: 'takeRef' as const,
      description: 'a caller or temporary reference (hammer_get_inode hit, hammer_find_inode, hammer_test_inode)',
      meta: { cite: [`${F}:452`, `${F}:736`, `${F}:3279`] },
    },
    HAMMER_REL: {
      target: state,
      guard: active ? ('canRelActive' as const) : ('canRelIdle' as const),
      actions: 'dropRef' as const,
      description: 'hammer_rel_inode returns a caller reference; the state and vnode references stay (HINO-05)',
      meta: { cite: [`${F}:1469-1506`, `${F}:3286`] },
    },
    GET_VNODE: {
      target: state,
      guard: 'canGetVnode' as const,
      actions: 'attachVnode' as const,
      description: 'hammer_get_vnode attaches a vnode: +1 reference, RECLAIM cleared by hammer_inode_wakereclaims',
      meta: { cite: [`${F}:295-310`, `${F}:3304-3309`] },
    },
    VOP_RECLAIM: {
      target: state,
      guard: 'hasVnode' as const,
      actions: 'detachVnode' as const,
      description: 'hammer_vop_reclaim clears ip->vp and sets RECLAIM; the vnode\'s reference is then returned by hammer_rel_inode(ip, 1), which also requests a flush',
      meta: { cite: [`${F}:235-246`] },
    },
    DEFER_REFLUSH: {
      target: state,
      actions: 'setReflush' as const,
      description:
        'a dependency could not be resolved now: REFLUSH on the parent (upward helper) or on the owner/target (owner-scan deferral)',
      meta: { cite: [`${F}:1943-1947`, `${F}:1979-1983`, `${F}:2046-2056`, `${F}:2318-2323`] },
    },
  };
}

/**
 * The hammerInode machine with ip->lock.refs bounded by `maxRefs` (transitions that add a
 * reference are disabled at the bound). The conformance machine uses an effectively unbounded one.
 */
export function createHammerInodeMachine(maxRefs: number) {
  return setup({
    types: {
      context: {} as HammerInodeContext,
      events: {} as HammerInodeEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** The bound that keeps the traversal graph finite (not a kernel condition). */
      belowMaxRefs: ({ context }) => context.refs < maxRefs,
      hasRecords: ({ context }) => context.recs,
      /** hammer_unload_inode's KKASSERTs (hammer_inode.c:1519-1528) as far as the abstraction sees them. */
      unloadable: ({ context }) =>
        context.refs === 1 && !context.vp && !context.dirty && !context.xdirty && !context.syncDirty && !context.recs && !context.deps,
      hasDeps: ({ context }) => context.deps,
      hasVnode: ({ context }) => context.vp,
      canGetVnode: ({ context }) => !context.vp && context.refs < maxRefs,
      /** An IDLE inode keeps its vnode reference: only holder references can go. */
      canRelIdle: ({ context }) => context.refs > (context.vp ? 1 : 0),
      /** A SETUP/FLUSH inode keeps the state and vnode references. */
      canRelActive: ({ context }) => context.refs > (context.vp ? 2 : 1),
      /** hammer_flush_inode returns early on a clean IDLE inode (hammer_inode.c:1774-1782). */
      modified: ({ context }) => context.dirty || context.xdirty,
      /** The core keeps FLUSH when go_count != 0 or a NOXDIRTY bit is set (hammer_inode.c:2143-2144). */
      coreFlushable: ({ context }) => context.dirty || context.xdirty,
      /** IDLE fallback: the only MODMASK bit is XDIRTY and no record could be flushed. */
      /** SETUP fallback: no NOXDIRTY bit; the SETUP inode reached the core (records or a parent dependency). */
      setupFallback: ({ context }) => !context.dirty && (context.xdirty || context.deps),
      /** SETUP -> IDLE shortcut: clean and target_list empty (hammer_inode.c:1774-1778). */
      setupClean: ({ context }) => !context.dirty && !context.xdirty && !context.deps,
      /** The parent owns the record being resolved, so its rec_tree is non-empty. */
      ownsRecord: ({ context }) => context.recs,
      hasReflush: ({ context }) => context.reflush,
      notRunning: ({ context }) => !context.running,
      /** The backend syncs members of the running group only (B-9). */
      syncable: ({ context }) => context.running && !context.wouldblock,
      doneWouldblock: ({ context }) => context.running && context.wouldblock,
      /** The snapshot drains (the backend, or a record release clearing XDIRTY from sync_flags). */
      syncing: ({ context }) => context.syncDirty,
      /** The backend's completion of a member of the running group. */
      completing: ({ context }) => context.running,
      /** B-4: an unfinished snapshot (a truncation kept in sync_flags) comes with WOULDBLOCK, so a leaving inode has none. */
      doneIdle: ({ context }) => context.running && !context.wouldblock && !context.syncDirty && !context.deps && !context.recs,
      doneSetup: ({ context }) => context.running && !context.wouldblock && !context.syncDirty && (context.deps || context.recs),
    },
    actions: {
      instantiate: assign({ refs: 1 }),
      instantiateDirty: assign({ refs: 1, dirty: true }),
      /** The freed inode: nothing of it is abstracted any more. */
      forget: assign({
        dirty: false,
        xdirty: false,
        syncDirty: false,
        recs: false,
        deps: false,
        reflush: false,
        resignal: false,
              wouldblock: false,
        vp: false,
        reclaim: false,
        inGroup: false,
        inTree: false,
        ownTree: false,
        running: false,
        refs: 0,
      }),
      setDirty: assign({ dirty: true }),
      addRecord: assign({ recs: true }),
      setXdirty: assign({ xdirty: true }),
      dropRecords: assign({ recs: false, xdirty: false }),
      linkTarget: assign({ deps: true }),
      unlinkTarget: assign({ deps: false }),
      takeRef: assign({ refs: ({ context }) => context.refs + 1 }),
      dropRef: assign({ refs: ({ context }) => context.refs - 1 }),
      attachVnode: assign({ vp: true, reclaim: false, refs: ({ context }) => context.refs + 1 }),
      /** The vnode's reference is returned afterwards by hammer_rel_inode(ip, 1) (HAMMER_REL / UNLOAD). */
      detachVnode: assign({ vp: false, reclaim: true }),
      setReflush: assign({ reflush: true }),
      setResignal: assign({ reflush: true, resignal: true }),
      setConnDown: assign({ reflush: true }),
      setConnDownSignal: assign({ reflush: true, resignal: true }),
      consumeReflush: assign({ reflush: false, resignal: false }),
      /**
       * hammer_flush_inode_core placing the inode (hammer_inode.c:2076-2081, 2216) and the
       * snapshot (2186-2206): MODMASK moves to sync_flags.
       */
      enterFlush: assign({
        syncDirty: ({ context }) => context.syncDirty || context.dirty || context.xdirty,
        dirty: false,
        xdirty: false,
        inGroup: true,
        inTree: true,
        ownTree: true,
        running: false,
      }),
      fallbackToSetup: assign({ reflush: true }),
      fallbackToSetupSignal: assign({ reflush: true, resignal: true }),
      groupRuns: assign({ running: true }),
      syncWouldblock: assign({ wouldblock: true }),
      /** Leaving the group (hammer_inode.c:2611-2612). */
      leaveGroup: assign({ inGroup: false, inTree: false, ownTree: false, running: false }),
      syncClean: assign({ syncDirty: false }),
      /** hammer_inode.c:2527-2528: leftover sync bits ask for another flush. */
      reflushLeftovers: assign({ reflush: ({ context }) => context.reflush || context.syncDirty }),
      /** hammer_inode.c:2570-2575, after the merge: dirty without a vnode ⇒ REFLUSH; clean ⇒ no REFLUSH. */
      reflushRule: assign({
        reflush: ({ context }) => (context.dirty || context.xdirty ? (context.vp ? context.reflush : true) : false),
      }),
      clearWouldblock: assign({ wouldblock: false }),
      /** dorel: the state reference is released last (hammer_inode.c:2680-2681). */
      takeStateRef: assign({ refs: ({ context }) => context.refs + 1 }),
    },
  }).createMachine({
    id: 'hammerInode',
    // Not in memory until hammer_get_inode / hammer_create_inode instantiates it.
    initial: 'ABSENT',
    context: {
      dirty: false,
      xdirty: false,
      syncDirty: false,
      recs: false,
      deps: false,
      reflush: false,
      resignal: false,
          wouldblock: false,
      vp: false,
      reclaim: false,
      inGroup: false,
      inTree: false,
      ownTree: false,
      running: false,
      refs: 0,
    },
    states: {
      ABSENT: {
        description: 'not in rb_inos_root: no in-memory inode for this obj_id (never loaded, or unloaded and freed)',
        on: {
          GET_INODE: {
            target: 'IDLE',
            actions: 'instantiate',
            description: 'hammer_get_inode misses the cache: a zeroed inode (IDLE, clean, no group) with the caller\'s reference',
            meta: { cite: [`${F}:460-478`, `${F}:578-583`] },
          },
          CREATE_INODE: {
            target: 'IDLE',
            actions: 'instantiateDirty',
            description: 'hammer_create_inode: a new inode, IDLE with DDIRTY|ATIME|MTIME, nlinks 0 and the caller\'s reference',
            meta: { cite: [`${F}:776-811`, `${F}:911`, `${F}:931`] },
          },
        },
      },
      IDLE: {
        description: 'HAMMER_FST_IDLE: no flush activity, no state reference, in no flush group and no flush tree',
        on: {
          ...commonTransitions('IDLE'),
          TARGET_LINK: {
            target: 'SETUP',
            guard: 'belowMaxRefs',
            actions: ['linkTarget', 'takeStateRef'],
            description: '[ext] a directory-entry record of a parent links this inode as its target: IDLE -> SETUP with the state reference',
            meta: { cite: [`${F}:1848-1850`, `${F}:2071`, `${F}:2305-2306`] },
          },
          FLUSH_INODE_CORE: {
            target: 'FLUSH',
            guard: and(['belowMaxRefs', 'coreFlushable']),
            actions: ['takeStateRef', 'enterFlush'],
            description:
              'hammer_flush_inode on a dirty IDLE inode: hammer_flush_inode_core refs it, places it in the fill group, snapshots MODMASK into sync_flags and inserts it into flush_tree',
            meta: { cite: [`${F}:1788-1795`, `${F}:2073-2081`, `${F}:2186-2206`, `${F}:2215-2216`] },
          },
          SETUP_PARENT: {
            target: 'FLUSH',
            guard: and(['belowMaxRefs', 'ownsRecord']),
            actions: ['takeStateRef', 'enterFlush'],
            description:
              "the upward helper pulls the IDLE parent owning the child's record into the flush group with HAMMER_FLUSH_RECURSION (go_count = 1, no fallback)",
            meta: { cite: [`${F}:1991-1993`, `${F}:2103-2108`, `${F}:2073-2081`] },
          },
          UNLOAD: {
            target: 'ABSENT',
            guard: 'unloadable',
            actions: 'forget',
            description:
              'hammer_unload_inode (from hammer_rel_inode on the last reference, or a failed lookup freeing its new inode): one reference, no vnode, clean, no records, no dependencies; removed from rb_inos_root and freed',
            meta: { cite: [`${F}:1487-1489`, `${F}:1519-1536`, `${F}:584-592`] },
          },
          DEFER_RESIGNAL: {
            target: 'IDLE',
            actions: 'setResignal',
            description:
              "the owner scan of hammer_flush_inode_core (the inode already tentatively FLUSH, reported once the core places it) aborts on an over-full group: RESIGNAL | REFLUSH, the directory is forced through more groups",
            meta: { cite: [`${F}:2348-2361`] },
          },
          CONSUME_REFLUSH: {
            target: 'IDLE',
            guard: 'hasReflush',
            actions: 'consumeReflush',
            description: 'hammer_flush_inode_done, after leaving the group, consumes REFLUSH (and RESIGNAL) and re-issues hammer_flush_inode (reported by its own events)',
            meta: { cite: [`${F}:2652-2660`] },
          },
        },
      },
      SETUP: {
        description: 'HAMMER_FST_SETUP: a dependency or a fallen-back flush; holds the state reference; in no flush group',
        on: {
          ...commonTransitions('SETUP'),
          TARGET_LINK: {
            target: 'SETUP',
            actions: 'linkTarget',
            description: '[ext] another directory-entry record links this inode as its target',
            meta: { cite: [`${F}:1848-1850`, `${F}:2305-2306`] },
          },
          TARGET_UNLINK: {
            target: 'SETUP',
            guard: 'hasDeps',
            actions: 'unlinkTarget',
            description: '[ext] the last record of target_list completes or is destroyed and unlinks itself',
            meta: { cite: [`${F}:1556-1561`, `${F}:2931-2933`] },
          },
          FLUSH_INODE_CORE: {
            target: 'FLUSH',
            guard: 'coreFlushable',
            actions: 'enterFlush',
            description:
              'hammer_flush_inode on SETUP: upward connectivity good >= 0, then hammer_flush_inode_core places it in the fill group; the state reference is kept',
            meta: { cite: [`${F}:1796-1813`, `${F}:2073-2081`, `${F}:2186-2206`, `${F}:2215-2216`] },
          },
          FLUSH_INODE_FALLBACK: {
            target: 'SETUP',
            guard: 'setupFallback',
            actions: 'fallbackToSetup',
            description: 'good >= 0 but go_count == 0 with no NOXDIRTY bit: back to SETUP with REFLUSH',
            meta: { cite: [`${F}:1805-1813`, `${F}:2143-2172`] },
          },
          FLUSH_INODE_FALLBACK_SIGNAL: {
            target: 'SETUP',
            guard: 'setupFallback',
            actions: 'fallbackToSetupSignal',
            description: 'the fallback of a HAMMER_FLUSH_SIGNAL request: REFLUSH and RESIGNAL',
            meta: { cite: [`${F}:2143-2156`] },
          },
          FLUSH_INODE_CLEAN: {
            target: 'IDLE',
            guard: 'setupClean',
            description:
              'hammer_flush_inode on a clean SETUP inode with an empty target_list: back to IDLE; the state reference is released right after by hammer_rel_inode(ip, 0) (HAMMER_REL)',
            meta: { cite: [`${F}:1774-1778`] },
          },
          SETUP_CONN_DOWN: {
            target: 'SETUP',
            guard: 'hasDeps',
            actions: 'setConnDown',
            description: 'no upward connectivity (good < 0, or the depth-20 limit): CONN_DOWN | REFLUSH',
            meta: { cite: [`${F}:1814-1823`, `${F}:1873-1880`, `${F}:1945`, `${F}:1981`, `${F}:2054`] },
          },
          SETUP_CONN_DOWN_SIGNAL: {
            target: 'SETUP',
            guard: 'hasDeps',
            actions: 'setConnDownSignal',
            description: 'no upward connectivity for a HAMMER_FLUSH_SIGNAL request: also RESIGNAL, and the fill group is queued',
            meta: { cite: [`${F}:1822-1827`] },
          },
          SETUP_PARENT: {
            target: 'FLUSH',
            actions: 'enterFlush',
            description: 'the upward helper pulls the SETUP parent into the flush group with HAMMER_FLUSH_RECURSION',
            meta: { cite: [`${F}:1991-1993`, `${F}:2103-2108`] },
          },
          SETUP_CHILD: {
            target: 'FLUSH',
            actions: 'enterFlush',
            description:
              "the owner's record scan pulls the (never IDLE) target into the owner's group with HAMMER_FLUSH_RECURSION",
            meta: { cite: [`${F}:2305-2306`, `${F}:2365-2374`, `${F}:2382-2391`] },
          },
          DEFER_RESIGNAL: {
            target: 'SETUP',
            actions: 'setResignal',
            description:
              "the owner scan of hammer_flush_inode_core (the inode already tentatively FLUSH, reported once the core places it) aborts on an over-full group: RESIGNAL | REFLUSH, the directory is forced through more groups",
            meta: { cite: [`${F}:2348-2361`] },
          },
          CONSUME_REFLUSH: {
            target: 'SETUP',
            guard: 'hasReflush',
            actions: 'consumeReflush',
            description: 'hammer_flush_inode_done, after leaving the group, consumes REFLUSH (and RESIGNAL) and re-issues hammer_flush_inode (reported by its own events)',
            meta: { cite: [`${F}:2652-2660`] },
          },
          TEST_INODE: {
            target: 'SETUP',
            guard: 'hasReflush',
            actions: 'consumeReflush',
            description: 'hammer_test_inode consumes REFLUSH (and RESIGNAL) and re-issues hammer_flush_inode (reported as its own event)',
            meta: { cite: [`${F}:3277-3287`] },
          },
        },
      },
      FLUSH: {
        description: "HAMMER_FST_FLUSH: a member of exactly one flush group's flush_tree, holding the state reference",
        on: {
          ...commonTransitions('FLUSH'),
          TARGET_LINK: {
            target: 'FLUSH',
            actions: 'linkTarget',
            description: '[ext] a directory-entry record links this (flushing) inode as its target',
            meta: { cite: [`${F}:1848-1850`] },
          },
          TARGET_UNLINK: {
            target: 'FLUSH',
            guard: 'hasDeps',
            actions: 'unlinkTarget',
            description: "the backend's nlinks pass prunes same-group records from target_list (or [ext] record completion)",
            meta: { cite: [`${F}:2928-2934`] },
          },
          TEST_INODE: {
            target: 'FLUSH',
            guard: 'hasReflush',
            actions: 'consumeReflush',
            description:
              'hammer_test_inode on a flushing inode (a record of its group completed): REFLUSH consumed, the re-issued hammer_flush_inode records it again (REFLUSH / RESIGNAL)',
            meta: { cite: [`${F}:3277-3287`, `${F}:1830-1843`] },
          },
          REFLUSH: {
            target: 'FLUSH',
            actions: 'setReflush',
            description: 'hammer_flush_inode on a FLUSH inode records a pipelined re-flush: REFLUSH',
            meta: { cite: [`${F}:1830-1839`] },
          },
          RESIGNAL: {
            target: 'FLUSH',
            actions: 'setResignal',
            description: 'a HAMMER_FLUSH_SIGNAL request on a FLUSH inode: REFLUSH | RESIGNAL, and the fill group is queued',
            meta: { cite: [`${F}:1838-1843`] },
          },
          GROUP_RUN: {
            target: 'FLUSH',
            guard: 'notRunning',
            actions: 'groupRuns',
            description: "[ext] the flusher starts the inode's (closed) group: running = 1",
            meta: { cite: [`${F}:2069-2070`, `${F}:1739-1741`] },
          },
          SYNC_CLEAN: {
            target: 'FLUSH',
            guard: 'syncing',
            actions: 'syncClean',
            description:
              'hammer_sync_inode (or hammer_update_inode / hammer_update_itimes, or a record release clearing XDIRTY) clears the last bit of sync_flags: the snapshot is written',
            meta: { cite: [`${F}:1346-1349`, `${F}:1377-1380`, `${F}:1451`, `${F}:3036`, `${F}:3090-3091`, `${F}:3122`, `${F}:3141-3156`] },
          },
          SYNC_INODE_WOULDBLOCK: {
            target: 'FLUSH',
            guard: 'syncable',
            actions: 'syncWouldblock',
            description: 'hammer_sync_inode could not finish (truncation EWOULDBLOCK, or [ext] the flusher on any error): WOULDBLOCK, leftovers stay in sync_flags',
            meta: { cite: [`${F}:2995-3006`] },
          },
          DONE_MERGE: {
            target: 'FLUSH',
            guard: 'completing',
            actions: 'reflushLeftovers',
            description:
              'hammer_flush_inode_done: leftover sync bits set REFLUSH, then are merged back into flags (reported as MODIFY_INODE / MODIFY_XDIRTY, and SYNC_CLEAN unless a truncation is still held)',
            meta: { cite: [`${F}:2527-2536`] },
          },
          DONE_REFLUSH_RULE: {
            target: 'FLUSH',
            guard: 'completing',
            actions: 'reflushRule',
            description: 'hammer_flush_inode_done: a dirty inode without a vnode gets REFLUSH; a clean one loses it ("set superfluously")',
            meta: { cite: [`${F}:2562-2575`] },
          },
          FLUSH_INODE_DONE_WOULDBLOCK: {
            target: 'FLUSH',
            guard: 'doneWouldblock',
            actions: 'clearWouldblock',
            description: 'hammer_flush_inode_done with WOULDBLOCK: cleared, the inode stays in its group for another pass, nothing released',
            meta: { cite: [`${F}:2595-2606`] },
          },
          FLUSH_INODE_DONE: {
            target: 'IDLE',
            guard: 'doneIdle',
            actions: 'leaveGroup',
            description:
              'hammer_flush_inode_done: leave the group; no record and no dependency left, so IDLE; the state reference is now held by the completion and released at its end (HAMMER_REL)',
            meta: { cite: [`${F}:2611-2631`, `${F}:2680-2681`] },
          },
          FLUSH_INODE_DONE_SETUP: {
            target: 'SETUP',
            guard: 'doneSetup',
            actions: 'leaveGroup',
            description: 'hammer_flush_inode_done with records or dependencies left: SETUP, keeping the state reference',
            meta: { cite: [`${F}:2611-2612`, `${F}:2629-2635`] },
          },
        },
      },
    },
  });
}


const show = (s: AbstractState): string => {
  const c = s.context;
  const on = Object.keys(c)
    .filter((k) => c[k] === true)
    .join(',');
  return `${s.value} refs=${c.refs} [${on}]`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'HINOM-01',
    states: ['IDLE'],
    statement: 'IDLE ⇒ flush_group == NULL ∧ in no flush tree (HINO-03)',
    cite: [`${F}:795`, `${F}:1777`, `${F}:2611-2612`, `${F}:2630`, `${F}:1585-1591`],
    check: (s) =>
      s.value !== 'IDLE' || (!s.context.inGroup && !s.context.inTree && !s.context.running)
        ? null
        : `IDLE inode still in a flush group or flush tree (${show(s)})`,
  },
  {
    id: 'HINOM-02',
    states: ['SETUP'],
    statement: 'SETUP ⇒ flush_group == NULL ∧ in no flush tree (HINO-04)',
    cite: [`${F}:2149-2150`, `${F}:2611-2612`, `${F}:2633`],
    check: (s) =>
      s.value !== 'SETUP' || (!s.context.inGroup && !s.context.inTree && !s.context.running)
        ? null
        : `SETUP inode in a flush group or flush tree (${show(s)})`,
  },
  {
    id: 'HINOM-03',
    states: ['FLUSH'],
    statement: "FLUSH ⇒ flush_group ≠ NULL ∧ the inode is linked in flush_group's own flush_tree (HINO-01, HINO-02)",
    cite: [`${F}:2076-2077`, `${F}:2212-2216`, `${F}:2595-2606`],
    check: (s) =>
      s.value !== 'FLUSH' || (s.context.inGroup && s.context.inTree && s.context.ownTree)
        ? null
        : `FLUSH inode not in its group's flush_tree (${show(s)}): the flusher never syncs it`,
  },
  {
    id: 'HINOM-04',
    statement:
      'refs ≥ [vp ≠ NULL] + [flush_state ≠ IDLE]: SETUP and FLUSH own one extra (state) reference, the vnode one more (HINO-05)',
    cite: [`${F}:1580-1581`, `${F}:2071-2075`, `${F}:1777-1778`, `${F}:2680-2681`, `${F}:303-305`, `${F}:236-246`],
    check: (s) => {
      const need = (s.context.vp ? 1 : 0) + (s.value === 'SETUP' || s.value === 'FLUSH' ? 1 : 0);
      return Number(s.context.refs) >= need ? null : `refs ${s.context.refs} below ${need} (${show(s)}): a reference was lost`;
    },
  },
  {
    id: 'HINOM-05',
    statement: "WOULDBLOCK ⇒ FLUSH in the running group: only the backend sets it, and completion clears it on the path that keeps FLUSH (HINO-12)",
    cite: [`${F}:3000`, `${F}:2595-2606`, `${F}:2102`],
    check: (s) =>
      !s.context.wouldblock || (s.value === 'FLUSH' && s.context.running)
        ? null
        : `WOULDBLOCK outside a running flush (${show(s)}): KKASSERT hammer_inode.c:2102 would fire`,
  },
  {
    id: 'HINOM-06',
    statement: 'flush_state ≠ FLUSH ⇒ sync_flags == 0: the backend snapshot exists only while flushing (HINO-10, given B-4)',
    cite: [`${F}:2535-2536`, `${F}:2187`, `${F}:2202-2206`],
    check: (s) =>
      s.value === 'FLUSH' || !s.context.syncDirty
        ? null
        : `sync_flags left on a ${s.value} inode (${show(s)}): the next snapshot trips hammer_inode.c:2187 or loses bits`,
  },
  {
    id: 'HINOM-07',
    states: ['IDLE'],
    statement: 'target_list non-empty ⇒ flush_state ≠ IDLE (HINO-07)',
    cite: [`${F}:2306`, `${F}:2629`, `${F}:1775-1777`],
    check: (s) => (s.value !== 'IDLE' || !s.context.deps ? null : `IDLE inode with a non-empty target_list (${show(s)})`),
  },
  {
    id: 'HINOM-08',
    statement:
      'XDIRTY in flags ⇒ rec_tree non-empty (HINO-09; the converse holds only once hammer_mem_add has OR\'ed XDIRTY in after the insert, and in FLUSH the bit may sit in sync_flags)',
    cite: [`${F}:2557-2560`, `${F}:2202-2206`, `${F}:2535-2536`],
    check: (s) => (s.context.xdirty && !s.context.recs ? `XDIRTY with an empty rec_tree (${show(s)})` : null),
  },
  {
    id: 'HINOM-09',
    statement: 'RECLAIM ⇒ ip->vp == NULL (HINO-06)',
    cite: [`${F}:235-243`, `${F}:303-310`, `${F}:3304-3309`],
    check: (s) => (!s.context.reclaim || !s.context.vp ? null : `RECLAIM with a vnode attached (${show(s)})`),
  },
  {
    id: 'HINOM-10',
    statement: 'flush_group running ⇒ FLUSH: only a member inode sees its group run',
    cite: [`${F}:2077`, `${F}:2612`, `${F}:2150`],
    check: (s) => (!s.context.running || s.value === 'FLUSH' ? null : `running group on a ${s.value} inode (${show(s)})`),
  },
];

export const hammerInode: MachineModule<HammerInodeObject> = {
  name: 'hammerInode',
  object: 'struct hammer_inode (a HAMMER in-memory inode) as hammer_inode.c flushes it',
  description:
    'An in-memory HAMMER inode is ABSENT (not instantiated), IDLE, SETUP (a directory-entry dependency, or a flush ' +
    'that fell back) or FLUSH (a member of one flush group). `hammer_get_inode` / `hammer_create_inode` instantiate it ' +
    'and `hammer_unload_inode` frees it at its last reference. `hammer_flush_inode` flushes a dirty IDLE inode at once: ' +
    '`hammer_flush_inode_core` takes the state reference, joins the fill group, snapshots the MODMASK bits into ' +
    '`sync_flags` and inserts the inode into the group\'s `flush_tree`; when no record could be flushed and only ' +
    'XDIRTY is set it falls back to SETUP with REFLUSH. A SETUP inode resolves its parents upward first ' +
    '(`SETUP_CONN_DOWN` when it has no connectivity) and is pulled into a group by a relative with ' +
    'HAMMER_FLUSH_RECURSION (`SETUP_PARENT`, `SETUP_CHILD`). A request on a FLUSH inode is recorded as REFLUSH ' +
    '(RESIGNAL for a signalled one). Once its group runs, the backend writes the snapshot (SYNC_CLEAN when ' +
    '`sync_flags` drains) or sets WOULDBLOCK; `hammer_flush_inode_done` merges leftovers back (DONE_MERGE, with ' +
    'MODIFY_INODE / MODIFY_XDIRTY for what came back), applies the REFLUSH rule, and either keeps the inode for a ' +
    're-run (WOULDBLOCK) or leaves the group for IDLE or SETUP, consumes REFLUSH with an immediate re-flush (its own ' +
    'events) and finally returns the state reference (HAMMER_REL): the inode lock, the wakeup and the re-flush\'s ' +
    'group allocation are steps in between, so each is its own event. Abstraction: state = `flush_state` (ABSENT ' +
    'when not in rb_inos_root and unreferenced); dirty = `flags & MODMASK_NOXDIRTY`, xdirty = `flags & XDIRTY`, ' +
    'syncDirty = `sync_flags != 0`; recs, deps = `rec_tree`, `target_list` non-empty; the control bits REFLUSH, ' +
    'RESIGNAL, WOULDBLOCK, RECLAIM; vp = `ip->vp != NULL`; inGroup = `flush_group != NULL`; inTree / ownTree = ' +
    '`rb_flsnode` linked (in flush_group\'s tree); running = `flush_group->running`; refs = `ip->lock.refs` (bounded ' +
    'at 3 for traversal). CONN_DOWN is not abstracted: nothing reads it (A-7). Transitions the seed cannot take are ' +
    'left out, so conformance reports them if a change makes them happen: the go_count == 0 fallback from IDLE ' +
    '(every frontend path adding a directory record also sets MTIME on the directory, IDLE GENERAL/DATA records ' +
    'always join the group, and an owner that keeps records leaves FLUSH as SETUP), hammer_test_inode on an IDLE ' +
    'inode (REFLUSH is set only on FLUSH inodes or on SETUP inodes with a dependency, and consumed when the last ' +
    'dependency goes), the over-full abort on a FLUSH owner (the core is never entered on FLUSH, hammer_inode.c:2073), ' +
    'and DDIRTY refilling a drained `sync_flags` (SYNC_DIRTY: a never-written inode keeps DDIRTY until its first ' +
    'write, a WOULDBLOCK re-dirty keeps TRUNCATED).',
  machine: createHammerInodeMachine(3),
  conformanceMachine: createHammerInodeMachine(2 ** 30),
  events: [
    { type: 'GET_INODE' },
    { type: 'CREATE_INODE' },
    { type: 'UNLOAD' },
    { type: 'MODIFY_INODE' },
    { type: 'MODIFY_XDIRTY' },
    { type: 'RECORD_ADD' },
    { type: 'RECORD_GONE' },
    { type: 'TARGET_LINK' },
    { type: 'TARGET_UNLINK' },
    { type: 'HAMMER_REF' },
    { type: 'HAMMER_REL' },
    { type: 'GET_VNODE' },
    { type: 'VOP_RECLAIM' },
    { type: 'FLUSH_INODE_CORE' },
    { type: 'FLUSH_INODE_FALLBACK' },
    { type: 'FLUSH_INODE_FALLBACK_SIGNAL' },
    { type: 'FLUSH_INODE_CLEAN' },
    { type: 'SETUP_CONN_DOWN' },
    { type: 'SETUP_CONN_DOWN_SIGNAL' },
    { type: 'SETUP_PARENT' },
    { type: 'SETUP_CHILD' },
    { type: 'DEFER_REFLUSH' },
    { type: 'DEFER_RESIGNAL' },
    { type: 'REFLUSH' },
    { type: 'RESIGNAL' },
    { type: 'TEST_INODE' },
    { type: 'GROUP_RUN' },
    { type: 'SYNC_CLEAN' },
    { type: 'SYNC_INODE_WOULDBLOCK' },
    { type: 'DONE_MERGE' },
    { type: 'DONE_REFLUSH_RULE' },
    { type: 'FLUSH_INODE_DONE' },
    { type: 'FLUSH_INODE_DONE_SETUP' },
    { type: 'FLUSH_INODE_DONE_WOULDBLOCK' },
    { type: 'CONSUME_REFLUSH' },
  ],
  stateInvariants,
  abstract(ip: HammerInodeObject): AbstractState {
    const f = ip.flags;
    const g = ip.flush_group;
    // A structure no one references and rb_inos_root does not hold: no in-memory inode.
    if (!ip.g_loaded && ip.lock.refs === 0) return { value: 'ABSENT', context: { ...ABSENT_CONTEXT } };
    return {
      value: HAMMER_FST_NAMES[ip.flush_state] ?? `flush_state ${ip.flush_state}`,
      context: {
        dirty: (f & HAMMER_INODE_MODMASK_NOXDIRTY) !== 0,
        xdirty: (f & HAMMER_INODE_XDIRTY) !== 0,
        syncDirty: ip.sync_flags !== 0,
        recs: ip.rec_tree.length > 0,
        deps: ip.target_list.length > 0,
        reflush: (f & HAMMER_INODE_REFLUSH) !== 0,
        resignal: (f & HAMMER_INODE_RESIGNAL) !== 0,
        wouldblock: (f & HAMMER_INODE_WOULDBLOCK) !== 0,
        vp: ip.vp !== null,
        reclaim: (f & HAMMER_INODE_RECLAIM) !== 0,
        inGroup: g !== null,
        inTree: ip.rb_flsnode !== null,
        ownTree: g !== null && ip.rb_flsnode === g && g.flush_tree.includes(ip),
        running: g !== null && g.running !== 0,
        refs: ip.lock.refs,
      },
    };
  },
};

