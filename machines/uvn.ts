/**
 * An OpenBSD `struct uvm_vnode` (the vnode pager's object): its u_flags, its uvm references,
 * its resident-page count and its I/O in flight, as sys/uvm/uvm_vnode.c rev 1.129 drives them.
 * Protocol analysis: spec/uvm_vnode.md §1 (state, u_flags bits), §3 (the uvn lifecycle,
 * L01-L24, RELKILL wait vs terminate, temporary references), §4.4 (the asynchronous-pageout
 * extension), §5.1 (UVN-01..UVN-36).
 */
import { assign, setup } from 'xstate';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** uvm/uvm_vnode.h (rev 1.17) u_flags bits; the model does not import the simulator. */
export const UVM_VNODE_VALID = 0x001;
export const UVM_VNODE_CANPERSIST = 0x002;
export const UVM_VNODE_ALOCK = 0x004;
export const UVM_VNODE_DYING = 0x008;
export const UVM_VNODE_RELKILL = 0x010;
export const UVM_VNODE_WANTED = 0x020;
export const UVM_VNODE_VNISLOCKED = 0x040;
export const UVM_VNODE_IOSYNC = 0x080;
export const UVM_VNODE_IOSYNCWANTED = 0x100;
export const UVM_VNODE_WRITEABLE = 0x200;
/** Defined in uvm_vnode.h, never used by uvm_vnode.c rev 1.129 (not abstracted). */
export const UVM_VNODE_IOERROR = 0x400;
/** "Any condition that should keep new processes from touching the vnode" (uvm_vnode.h). */
export const UVM_VNODE_BLOCKED = UVM_VNODE_ALOCK | UVM_VNODE_DYING | UVM_VNODE_RELKILL;

export interface UvnContext {
  /** u_flags & UVM_VNODE_VALID: attached to its vnode. */
  valid: boolean;
  /** u_flags & UVM_VNODE_ALOCK: an attach owns the uvn while it queries the size. */
  alock: boolean;
  /** u_flags & UVM_VNODE_CANPERSIST: cache the uvn at the last detach instead of killing it. */
  canpersist: boolean;
  /** u_flags & UVM_VNODE_WRITEABLE: attached with write access (on uvn_wlist). */
  writeable: boolean;
  /** u_flags & UVM_VNODE_DYING: a teardown (detach's kill path or terminate) is in progress. */
  dying: boolean;
  /** u_flags & UVM_VNODE_RELKILL: detach waits for the last pages before it kills the uvn. */
  relkill: boolean;
  /** u_flags & UVM_VNODE_WANTED: an attach sleeps until BLOCKED clears. */
  wanted: boolean;
  /** u_flags & UVM_VNODE_VNISLOCKED: terminate holds the vnode lock, uvn_io must not take it. */
  vnislocked: boolean;
  /** u_flags & UVM_VNODE_IOSYNC: a thread waits for u_nio to drain; no new I/O is admitted. */
  iosync: boolean;
  /** u_flags & UVM_VNODE_IOSYNCWANTED: a uvn_io waits for IOSYNC to clear. */
  iosyncwanted: boolean;
  /** u_obj.uo_refs. */
  refs: number;
  /** u_obj.uo_npages: resident pages. */
  npages: number;
  /** u_nio: uvn_io calls (and, with the §4.4 extension, async I/Os) in flight. */
  nio: number;
  /** Ghost: the uvn is linked on the global uvn_wlist (LIST_INSERT_HEAD / LIST_REMOVE). */
  wlisted: boolean;
  /** Ghost: the vnode went dead under this live uvn (terminate case [2] returned with refs > 0). */
  dead: boolean;
}

export type UvnEvent =
  | { type: 'UVN_ATTACH' }
  | { type: 'UVN_ATTACH_WAIT' }
  | { type: 'UVN_ATTACH_FAIL' }
  | { type: 'UVN_ATTACH_DONE' }
  | { type: 'UVN_ATTACH_VALID' }
  | { type: 'UVN_WLIST_INSERT' }
  | { type: 'UVN_REFERENCE' }
  | { type: 'UVN_DETACH' }
  | { type: 'UVN_DETACH_PERSIST' }
  | { type: 'UVN_DETACH_DYING' }
  | { type: 'UVN_DETACH_RELKILL' }
  | { type: 'UVN_DETACH_KILL' }
  | { type: 'UVN_TERMINATE' }
  | { type: 'UVN_TERMINATE_FREE' }
  | { type: 'UVN_TERMINATE_LIVE' }
  | { type: 'UVN_UNCACHE' }
  | { type: 'UVN_UNCACHE_REVIVE' }
  | { type: 'UVN_SYNC_REF' }
  | { type: 'UVN_SYNC_WLIST_REMOVE' }
  | { type: 'UVN_PAGE_ALLOC' }
  | { type: 'UVN_PAGE_FREE' }
  | { type: 'UVN_IO_START' }
  | { type: 'UVN_IO_DONE' }
  | { type: 'UVN_IO_WAIT_IOSYNC' }
  | { type: 'UVN_IOSYNC_WAIT' }
  | { type: 'UVN_IOSYNC_CLEAR' }
  | { type: 'UVN_AIODONE' };

/**
 * The implementation object the machine abstracts: the fields of `struct uvm_vnode` that
 * uvm_vnode.c reads and writes, plus two ghosts the simulator maintains.
 */
export interface UvnObject {
  u_flags: number;
  u_obj: { uo_refs: number; uo_npages: number };
  u_nio: number;
  /** Not abstracted (unbounded); UVN-27 is a global invariant. */
  u_size: number;
  /** Ghost: linked on uvn_wlist. Defaults to the WRITEABLE bit when absent. */
  g_onWriteableList?: boolean;
  /** Ghost: the vnode is dead (deadfs) under this uvn: set where terminate lets it live on (uvm_vnode.c:505-511). */
  g_vnodeDead?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Transitions shared by several states

const PAGE_ALLOC = {
  guard: 'canAllocPage' as const,
  actions: 'pageAlloc' as const,
  description:
    "uvn_get allocates a page for a caller that holds a mapping (refs > 0); it never tests u_flags, so DYING and dead-vnode uvns get pages too (F3)",
  meta: { cite: ['uvm_vnode.c:1036-1052', 'uvm_vnode.c:1028-1029'] },
};

/*
 * NO_RELEASED_PAGES: PG_RELEASED is set only by a flush with PGO_FREE and without PGO_SYNCIO
 * (uvm_vnode.c:716-718; the cluster builder likewise): the kill flush (:346) and terminate's
 * (:472). msync always adds PGO_SYNCIO (sys_msync: "XXXCDC: force sync for now!" [ext]),
 * setsize's flush has no PGO_CLEANIT, sync's no PGO_FREE, the page daemon's neither. Such a page
 * leaves only through aiodone (:768-771), and neither teardown leaves DETACH_FLUSH, RELKILL or
 * TERMINATING_* while the uvn has pages (:358-378, :478-505). So aiodone frees pages
 * (UVN_AIODONE) only in those four states; elsewhere it only cleans them (UVN_IO_DONE).
 */

/**
 * Page-level activity of a VALID uvn (spec §3.2 last paragraph): counts only. Every state takes
 * the ones its options allow; the options that are off are seed paths that cannot happen in that
 * state (each state says why where it turns one off):
 * - `admitIo`: uvn_io admission (UVN_IO_START) and its IOSYNC wait (UVN_IO_WAIT_IOSYNC);
 * - `ioWaitIosync` (default on with `admitIo`): the IOSYNC wait of a uvn_io with PGO_SYNCIO;
 * - `clearIosync`: the flush's IOSYNC clear;
 * - `iosyncWait` (default on): a waiter sets IOSYNC;
 * - `aiodoneFree` (default on): aiodone frees a PG_RELEASED page;
 * - `freeAndDone` (default on): a page leaves without aiodone, an I/O completes without a free.
 */
function pageTransitions(opts: { admitIo: boolean; clearIosync: boolean; ioWaitIosync?: boolean; iosyncWait?: boolean; aiodoneFree?: boolean; freeAndDone?: boolean }) {
  const free = {
    UVN_PAGE_FREE: {
      guard: 'canFreePage' as const,
      actions: 'pageFree' as const,
      description:
        'a page not held by an I/O leaves the object: uvm_pageclean in a PGO_FREE flush, or uvn_get freeing a page whose read failed',
      meta: { cite: ['uvm_vnode.c:695-700', 'uvm_vnode.c:831-833', 'uvm_vnode.c:1092-1103'] },
    },
  };
  const done = {
    UVN_IO_DONE: {
      guard: 'ioInFlight' as const,
      actions: 'ioDone' as const,
      description: 'uvn_io re-takes the lock and drops u_nio; it wakes &u_nio if IOSYNC is set and u_nio reached 0',
      meta: { cite: ['uvm_vnode.c:1276-1280'] },
    },
  };
  const aiodone = {
    UVN_AIODONE: {
      guard: 'ioInFlight' as const,
      actions: ['pageFree', 'ioDone'] as const,
      description:
        '(§4.4 extension) aiodone frees the PG_RELEASED page of an async write, then drops u_nio and wakes &u_nio if IOSYNC is set and it reached 0, in one critical section',
      meta: { cite: ['uvm_vnode.c:554-565', 'uvm_vnode.c:716-718', 'uvm_vnode.c:768-771'] },
    },
  };
  const iosyncWait = {
    UVN_IOSYNC_WAIT: {
      guard: 'hasPages' as const,
      actions: 'setIosync' as const,
      description:
        "a waiter sets IOSYNC before it sleeps on &u_nio: uvn_flush's iosync wait, terminate's and detach's wait loops",
      meta: { cite: ['uvm_vnode.c:845-847', 'uvm_vnode.c:478-495', 'uvm_vnode.c:358-360'] },
    },
  };
  const admit = {
    UVN_IO_START: {
      guard: 'canStartIo' as const,
      actions: 'ioStart' as const,
      description:
        'uvn_io passes admission (IOSYNC clear), the EOF check and the mapping, and bumps u_nio for busy pages of the object, then unlocks',
      meta: { cite: ['uvm_vnode.c:1160-1189'] },
    },
  };
  const ioWait = {
    UVN_IO_WAIT_IOSYNC: {
      guard: 'iosyncSet' as const,
      actions: 'setIosyncWanted' as const,
      description: 'a synchronous uvn_io finds IOSYNC set: it sets IOSYNCWANTED and sleeps on &u_flags',
      meta: { cite: ['uvm_vnode.c:1160-1166'] },
    },
  };
  const clear = {
    UVN_IOSYNC_CLEAR: {
      guard: 'iosyncDrained' as const,
      actions: 'clearIosync' as const,
      description:
        'uvn_flush saw u_nio reach 0: it wakes &u_flags if IOSYNCWANTED and clears IOSYNC and IOSYNCWANTED together',
      meta: { cite: ['uvm_vnode.c:845-852'] },
    },
  };
  return {
    ...(opts.freeAndDone !== false ? free : {}),
    ...(opts.freeAndDone !== false ? done : {}),
    ...(opts.aiodoneFree !== false ? aiodone : {}),
    ...(opts.iosyncWait !== false ? iosyncWait : {}),
    ...(opts.admitIo ? admit : {}),
    ...(opts.admitIo && opts.ioWaitIosync !== false ? ioWait : {}),
    ...(opts.clearIosync ? clear : {}),
  };
}

const ATTACH_WAIT = {
  actions: 'setWanted' as const,
  description: 'uvn_attach finds the uvn BLOCKED (ALOCK, DYING or RELKILL): it sets WANTED, without the object lock, and sleeps on the uvn',
  meta: { cite: ['uvm_vnode.c:148-151'] },
};

const UNCACHE_NOOP = {
  description: 'uvm_vnp_uncache clears an already-clear CANPERSIST; the uvn still has references, so it returns FALSE',
  meta: { cite: ['uvm_vnode.c:1355-1359'] },
};

/** The uvn machine with uo_refs bounded by `maxRefs` and uo_npages by `maxPages` (u_nio ≤ uo_npages). */
export function createUvnMachine(maxRefs: number, maxPages: number) {
  return setup({
    types: {
      context: {} as UvnContext,
      events: {} as UvnEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      belowMaxRefs: ({ context }) => context.refs < maxRefs,
      refsAboveOne: ({ context }) => context.refs > 1,
      lastRef: ({ context }) => context.refs === 1,
      /** TERMINATING with references: the last detach takes the persist path while CANPERSIST is still set (L21). */
      lastRefPersist: ({ context }) => context.refs === 1 && context.canpersist,
      notWriteable: ({ context }) => !context.writeable,
      isWriteable: ({ context }) => context.writeable,
      /** uvm_vnp_sync only walks uvn_wlist (uvm_vnode.c:1469); the bound keeps the graph finite. */
      syncRefable: ({ context }) => context.writeable && context.refs < maxRefs,
      /** uvm_vnp_sync holds the only reference to a writeable uvn (uvm_vnode.c:1512-1513). */
      soleRefWriteable: ({ context }) => context.refs === 1 && context.writeable,
      hasPages: ({ context }) => context.npages > 0,
      noPages: ({ context }) => context.npages === 0,
      /** Terminate panics if IOSYNCWANTED is set when it frees a zero-reference uvn (uvm_vnode.c:517-518). */
      noPagesNoIosyncWanted: ({ context }) => context.npages === 0 && !context.iosyncwanted,
      canAllocPage: ({ context }) => context.npages < maxPages,
      /** Each in-flight I/O holds a busy page that cannot leave the object (UVN-14). */
      canFreePage: ({ context }) => context.npages > context.nio,
      /** Admission: IOSYNC clear; the I/O needs a busy page of its own (UVN-14, UVN-21). */
      canStartIo: ({ context }) => !context.iosync && context.nio < context.npages,
      ioInFlight: ({ context }) => context.nio > 0,
      iosyncSet: ({ context }) => context.iosync,
      iosyncDrained: ({ context }) => context.iosync && context.nio === 0,
    },
    actions: {
      // uvn->u_flags = UVM_VNODE_ALOCK (whole word).
      takeAlock: assign({
        alock: true,
        valid: false,
        canpersist: false,
        writeable: false,
        dying: false,
        relkill: false,
        wanted: false,
        vnislocked: false,
        iosync: false,
        iosyncwanted: false,
      }),
      // uo_refs = 1; u_flags = VALID|CANPERSIST (whole word, drops WANTED after the wakeup); u_nio = 0.
      commitAttach: assign({
        refs: 1,
        nio: 0,
        alock: false,
        valid: true,
        canpersist: true,
        writeable: false,
        dying: false,
        relkill: false,
        wanted: false,
        vnislocked: false,
        iosync: false,
        iosyncwanted: false,
      }),
      // u_flags = 0 (whole word), after any LIST_REMOVE; a killed uvn is no longer dead-vnode.
      clearFlags: assign({
        alock: false,
        valid: false,
        canpersist: false,
        writeable: false,
        dying: false,
        relkill: false,
        wanted: false,
        vnislocked: false,
        iosync: false,
        iosyncwanted: false,
        wlisted: false,
        dead: false,
      }),
      setWanted: assign({ wanted: true }),
      takeRef: assign({ refs: ({ context }) => context.refs + 1 }),
      dropRef: assign({ refs: ({ context }) => context.refs - 1 }),
      // A persisting uvn gains its first reference again (vref + uo_refs = 1).
      reviveRef: assign({ refs: 1 }),
      insertWlist: assign({ writeable: true, wlisted: true }),
      removeWlist: assign({ writeable: false, wlisted: false }),
      setDying: assign({ dying: true }),
      // RELKILL, then the wait loop's IOSYNC, in one critical section.
      setRelkill: assign({ relkill: true, iosync: true }),
      // Cancel RELKILL; DYING|VNISLOCKED.
      beginTerminate: assign({ relkill: false, dying: true, vnislocked: true }),
      // u_flags &= ~(DYING|VNISLOCKED|WANTED|CANPERSIST); IOSYNC and IOSYNCWANTED survive (F4).
      liveOnDead: assign({ dying: false, vnislocked: false, wanted: false, canpersist: false, dead: true }),
      clearCanpersist: assign({ canpersist: false }),
      pageAlloc: assign({ npages: ({ context }) => context.npages + 1 }),
      pageFree: assign({ npages: ({ context }) => context.npages - 1 }),
      ioStart: assign({ nio: ({ context }) => context.nio + 1 }),
      ioDone: assign({ nio: ({ context }) => context.nio - 1 }),
      setIosync: assign({ iosync: true }),
      setIosyncWanted: assign({ iosyncwanted: true }),
      clearIosync: assign({ iosync: false, iosyncwanted: false }),
    },
  }).createMachine({
    id: 'uvn',
    // A fresh uvm_vnode is zeroed (u_flags 0, no references, no pages).
    initial: 'FREE',
    context: {
      valid: false,
      alock: false,
      canpersist: false,
      writeable: false,
      dying: false,
      relkill: false,
      wanted: false,
      vnislocked: false,
      iosync: false,
      iosyncwanted: false,
      refs: 0,
      npages: 0,
      nio: 0,
      wlisted: false,
      dead: false,
    },
    states: {
      FREE: {
        description: 'u_flags == 0: never attached or killed; no references, pages or I/O, off uvn_wlist, no vnode reference',
        on: {
          UVN_ATTACH: {
            target: 'ATTACHING',
            actions: 'takeAlock',
            description: 'uvn_attach finds the uvn neither BLOCKED nor VALID: it unlocks and overwrites u_flags with ALOCK',
            meta: { cite: ['uvm_vnode.c:148-165', 'uvm_vnode.c:184-194'] },
          },
        },
      },
      ATTACHING: {
        description: 'ALOCK (WANTED optional), VALID clear: one attach owns the uvn while it queries the size with no lock held',
        on: {
          UVN_ATTACH_WAIT: ATTACH_WAIT,
          UVN_ATTACH_FAIL: {
            target: 'FREE',
            actions: 'clearFlags',
            description: 'the size query failed: wake the uvn if WANTED, u_flags = 0, return NULL',
            meta: { cite: ['uvm_vnode.c:218-223'] },
          },
          UVN_ATTACH_DONE: {
            target: 'ACTIVE',
            actions: 'commitAttach',
            description:
              'the ALOCK owner commits: KASSERT uo_refs == 0, uo_refs = 1, u_flags = VALID|CANPERSIST, u_nio = 0, u_size set, vref, wake if WANTED',
            meta: { cite: ['uvm_vnode.c:234-240', 'uvm_vnode.c:248-257'] },
          },
        },
      },
      ACTIVE: {
        description: 'VALID and CANPERSIST, refs > 0, not DYING: mapped; cached at its last detach',
        on: {
          UVN_ATTACH_VALID: {
            target: 'ACTIVE',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: "uvn_attach's VALID path bumps uo_refs",
            meta: { cite: ['uvm_vnode.c:164-172'] },
          },
          UVN_WLIST_INSERT: {
            target: 'ACTIVE',
            guard: 'notWriteable',
            actions: 'insertWlist',
            description: 'an attach with PROT_WRITE puts a not yet WRITEABLE uvn on uvn_wlist and sets WRITEABLE (no object lock; KL)',
            meta: { cite: ['uvm_vnode.c:174-180', 'uvm_vnode.c:242-246'] },
          },
          UVN_REFERENCE: {
            target: 'ACTIVE',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: 'uvn_reference (fork) bumps uo_refs for a caller that already holds one',
            meta: { cite: ['uvm_vnode.c:272-289'] },
          },
          UVN_SYNC_REF: {
            target: 'ACTIVE',
            guard: 'syncRefable',
            actions: 'takeRef',
            description: 'uvm_vnp_sync takes a temporary reference on an unblocked uvn of uvn_wlist and queues it',
            meta: { cite: ['uvm_vnode.c:1469-1494'] },
          },
          UVN_SYNC_WLIST_REMOVE: {
            target: 'ACTIVE',
            guard: 'soleRefWriteable',
            actions: 'removeWlist',
            description: "after its flush uvm_vnp_sync holds the only reference: it takes the uvn off uvn_wlist and clears WRITEABLE",
            meta: { cite: ['uvm_vnode.c:1504-1516'] },
          },
          UVN_DETACH: {
            target: 'ACTIVE',
            guard: 'refsAboveOne',
            actions: 'dropRef',
            description: 'uvn_detach drops a reference that is not the last',
            meta: { cite: ['uvm_vnode.c:307-312'] },
          },
          UVN_DETACH_PERSIST: {
            target: 'PERSIST',
            guard: 'lastRef',
            actions: 'dropRef',
            description:
              'the last uvn_detach of a CANPERSIST uvn: deactivate flush (never sleeps), unlock, vrele; the uvn stays VALID with its pages',
            meta: { cite: ['uvm_vnode.c:307-332', 'uvm_vnode.c:383-387'] },
          },
          UVN_UNCACHE: {
            target: 'ACTIVE_NOPERSIST',
            actions: 'clearCanpersist',
            description: 'uvm_vnp_uncache clears CANPERSIST of a referenced uvn and returns FALSE: the last detach will kill it',
            meta: { cite: ['uvm_vnode.c:1344-1359'] },
          },
          UVN_TERMINATE: {
            target: 'TERMINATING_REFS',
            actions: 'beginTerminate',
            description: 'uvm_vnp_terminate case [2] (forced unmount) on a mapped uvn: DYING|VNISLOCKED, then the C|F|A flush',
            meta: { cite: ['uvm_vnode.c:425-429', 'uvm_vnode.c:455-472'] },
          },
          UVN_PAGE_ALLOC: PAGE_ALLOC,
          // No PG_RELEASED page here (NO_RELEASED_PAGES): aiodone only cleans pages.
          ...pageTransitions({ admitIo: true, clearIosync: true, aiodoneFree: false }),
        },
      },
      ACTIVE_NOPERSIST: {
        description: 'VALID, refs > 0, CANPERSIST clear, vnode alive: uncached; killed at its last detach',
        on: {
          UVN_ATTACH_VALID: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: "uvn_attach's VALID path bumps uo_refs (CANPERSIST is never set again there)",
            meta: { cite: ['uvm_vnode.c:164-172'] },
          },
          UVN_WLIST_INSERT: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'notWriteable',
            actions: 'insertWlist',
            description: 'an attach with PROT_WRITE puts a not yet WRITEABLE uvn on uvn_wlist and sets WRITEABLE',
            meta: { cite: ['uvm_vnode.c:174-180'] },
          },
          UVN_REFERENCE: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: 'uvn_reference bumps uo_refs',
            meta: { cite: ['uvm_vnode.c:272-289'] },
          },
          UVN_SYNC_REF: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'syncRefable',
            actions: 'takeRef',
            description: 'uvm_vnp_sync takes a temporary reference on a writeable uvn',
            meta: { cite: ['uvm_vnode.c:1469-1494'] },
          },
          UVN_SYNC_WLIST_REMOVE: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'soleRefWriteable',
            actions: 'removeWlist',
            description: 'uvm_vnp_sync holds the only reference: off uvn_wlist, WRITEABLE cleared',
            meta: { cite: ['uvm_vnode.c:1504-1516'] },
          },
          UVN_DETACH: {
            target: 'ACTIVE_NOPERSIST',
            guard: 'refsAboveOne',
            actions: 'dropRef',
            description: 'uvn_detach drops a reference that is not the last',
            meta: { cite: ['uvm_vnode.c:307-312'] },
          },
          UVN_DETACH_DYING: {
            target: 'DETACH_FLUSH',
            guard: 'lastRef',
            actions: ['dropRef', 'setDying'],
            description: "the last uvn_detach of an uncached uvn: \"it's a goner\": DYING, then the C|F|A kill flush",
            meta: { cite: ['uvm_vnode.c:307-312', 'uvm_vnode.c:328', 'uvm_vnode.c:334-346'] },
          },
          UVN_UNCACHE: { target: 'ACTIVE_NOPERSIST', ...UNCACHE_NOOP },
          UVN_TERMINATE: {
            target: 'TERMINATING_REFS',
            actions: 'beginTerminate',
            description: 'uvm_vnp_terminate case [2] on a mapped, uncached uvn: DYING|VNISLOCKED, then the flush',
            meta: { cite: ['uvm_vnode.c:425-429', 'uvm_vnode.c:455-472'] },
          },
          UVN_PAGE_ALLOC: PAGE_ALLOC,
          // No PG_RELEASED page here (NO_RELEASED_PAGES).
          ...pageTransitions({ admitIo: true, clearIosync: true, aiodoneFree: false }),
        },
      },
      ZOMBIE: {
        description: 'VALID, refs > 0, CANPERSIST clear, vnode dead: terminated with mappings; every VOP fails; IOSYNC may be stuck on (F4)',
        on: {
          UVN_ATTACH_VALID: {
            target: 'ZOMBIE',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: "uvn_attach's VALID path bumps uo_refs of a terminated-but-alive uvn",
            meta: { cite: ['uvm_vnode.c:164-172'] },
          },
          UVN_WLIST_INSERT: {
            target: 'ZOMBIE',
            guard: 'notWriteable',
            actions: 'insertWlist',
            description: 'an attach with PROT_WRITE adds WRITEABLE even on a dead vnode',
            meta: { cite: ['uvm_vnode.c:174-180'] },
          },
          UVN_REFERENCE: {
            target: 'ZOMBIE',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: 'uvn_reference bumps uo_refs',
            meta: { cite: ['uvm_vnode.c:272-289'] },
          },
          UVN_SYNC_REF: {
            target: 'ZOMBIE',
            guard: 'syncRefable',
            actions: 'takeRef',
            description: 'uvm_vnp_sync takes a temporary reference; its flush gets I/O errors (F11)',
            meta: { cite: ['uvm_vnode.c:1469-1494'] },
          },
          UVN_SYNC_WLIST_REMOVE: {
            target: 'ZOMBIE',
            guard: 'soleRefWriteable',
            actions: 'removeWlist',
            description: 'uvm_vnp_sync holds the only reference: off uvn_wlist, WRITEABLE cleared',
            meta: { cite: ['uvm_vnode.c:1504-1516'] },
          },
          UVN_DETACH: {
            target: 'ZOMBIE',
            guard: 'refsAboveOne',
            actions: 'dropRef',
            description: 'uvn_detach drops a reference that is not the last',
            meta: { cite: ['uvm_vnode.c:307-312'] },
          },
          UVN_DETACH_DYING: {
            target: 'DETACH_FLUSH',
            guard: 'lastRef',
            actions: ['dropRef', 'setDying'],
            description: 'the last uvn_detach of a terminated-but-alive uvn (CANPERSIST was cleared by terminate): DYING, then the kill flush',
            meta: { cite: ['uvm_vnode.c:307-312', 'uvm_vnode.c:328', 'uvm_vnode.c:334-346'] },
          },
          UVN_UNCACHE: { target: 'ZOMBIE', ...UNCACHE_NOOP },
          // No UVN_TERMINATE: uvm_vnp_terminate is called only from vclean, which runs once per
          // vnode — vgonel makes the vnode a VBAD deadfs vnode off its mount, getnewvnode does not
          // vgone a VBAD vnode again, and no name reaches it ([ext-vfs]) — so a uvn is terminated
          // at most once while it lives (uvm_vnode.c:393-416 lists the two callers).
          UVN_PAGE_ALLOC: PAGE_ALLOC,
          // Pages come and go only through reads that fail: terminate left no page (:478-505) and
          // every VOP of the dead vnode fails, so each page uvn_get allocates is freed again
          // (:1092-1103) and no page is ever written: no aiodone at all (NO_RELEASED_PAGES).
          ...pageTransitions({ admitIo: true, clearIosync: true, aiodoneFree: false }),
        },
      },
      PERSIST: {
        description: 'VALID and CANPERSIST, refs == 0, not DYING: cached with its (deactivated) pages and no vnode reference',
        on: {
          UVN_ATTACH_VALID: {
            target: 'ACTIVE',
            actions: 'reviveRef',
            description: "uvn_attach's VALID path on a persisting uvn: vref (regain the vnode reference) and uo_refs = 1",
            meta: { cite: ['uvm_vnode.c:164-172'] },
          },
          UVN_SYNC_REF: {
            target: 'ACTIVE',
            guard: 'isWriteable',
            actions: 'reviveRef',
            description: 'uvm_vnp_sync finds a persisting uvn on uvn_wlist: vref (F8: the vnode may be unused) and uo_refs = 1 without the object lock',
            meta: { cite: ['uvm_vnode.c:1482-1493'] },
          },
          UVN_UNCACHE_REVIVE: {
            target: 'ACTIVE_NOPERSIST',
            actions: ['clearCanpersist', 'reviveRef'],
            description:
              'uvm_vnp_uncache on a persisting uvn: clear CANPERSIST, vref, uo_refs = 1, so that its uvn_detach (after VOP_UNLOCK) kills it',
            meta: { cite: ['uvm_vnode.c:1344-1367', 'uvm_vnode.c:1388-1389'] },
          },
          UVN_TERMINATE: {
            target: 'TERMINATING_0',
            actions: 'beginTerminate',
            description: 'uvm_vnp_terminate case [1] (vnode recycled): DYING|VNISLOCKED, then the C|F|A flush',
            meta: { cite: ['uvm_vnode.c:425-429', 'uvm_vnode.c:455-472'] },
          },
          // The page daemon's writes (no reference, no PGO_SYNCIO) and truncation's frees only.
          // IOSYNC is never set here: it is set by a flush with PGO_CLEANIT|PGO_SYNCIO meeting a
          // busy page (:656-661, :843-847) — msync, which holds a mapping, or a sync/kill/terminate
          // flush switched to PGO_SYNCIO (:753), whose callers hold a reference or have set DYING —
          // and by the detach and terminate wait loops (:359, :493), which end in FREE or ZOMBIE;
          // a waiter clears it (:852) before it drops its reference, and no state with IOSYNC
          // leads here (a ZOMBIE never persists). So no IOSYNC wait, no uvn_io IOSYNC wait and
          // no clear; and no PG_RELEASED page (NO_RELEASED_PAGES).
          ...pageTransitions({ admitIo: true, clearIosync: false, ioWaitIosync: false, iosyncWait: false, aiodoneFree: false }),
        },
      },
      DETACH_FLUSH: {
        description: 'VALID and DYING, RELKILL and VNISLOCKED clear, refs == 0: the last detach runs its kill flush',
        on: {
          UVN_ATTACH_WAIT: ATTACH_WAIT,
          UVN_DETACH_RELKILL: {
            target: 'RELKILL',
            guard: 'hasPages',
            actions: 'setRelkill',
            description:
              'the kill flush returned with pages left (async I/O, or F16): RELKILL, then the wait loop sets IOSYNC and sleeps on &u_nio',
            meta: { cite: ['uvm_vnode.c:356-362'] },
          },
          UVN_DETACH_KILL: {
            target: 'FREE',
            guard: 'noPages',
            actions: 'clearFlags',
            description:
              'the kill flush left no pages: RELKILL is set and the loop is skipped; LIST_REMOVE if WRITEABLE, KASSERT empty tree, u_flags = 0, wake if WANTED, unlock, vrele',
            meta: { cite: ['uvm_vnode.c:356-358', 'uvm_vnode.c:364', 'uvm_vnode.c:373-387'] },
          },
          // No uvn_io waits for IOSYNC here: with no reference there is no fault (uvn_get), the
          // page daemon has no PGO_SYNCIO (AGAIN at :1161-1162 instead), and the only flush is the
          // detach's own, which sets IOSYNC only after its last uvn_io (:843-847). (An IOSYNC left
          // on by F4 cannot meet a write either: a ZOMBIE has no dirty page.)
          ...pageTransitions({ admitIo: true, clearIosync: true, ioWaitIosync: false }),
        },
      },
      RELKILL: {
        description: 'VALID, DYING and RELKILL, refs == 0: the detach sleeps on &u_nio until the last pages are gone',
        on: {
          UVN_ATTACH_WAIT: ATTACH_WAIT,
          UVN_DETACH_KILL: {
            target: 'FREE',
            guard: 'noPages',
            actions: 'clearFlags',
            description:
              'the waiting detach wakes with no pages and RELKILL still set: LIST_REMOVE if WRITEABLE, u_flags = 0, wake if WANTED, unlock, vrele',
            meta: { cite: ['uvm_vnode.c:358-364', 'uvm_vnode.c:373-387'] },
          },
          UVN_TERMINATE: {
            target: 'TERMINATING_0',
            actions: 'beginTerminate',
            description:
              'uvm_vnp_terminate takes over: it cancels RELKILL (the detach becomes a cancelled waiter that returns without a vrele, F9), sets DYING|VNISLOCKED and flushes',
            meta: { cite: ['uvm_vnode.c:447-456', 'uvm_vnode.c:470-472', 'uvm_vnode.c:364-367'] },
          },
          // No new I/O is admitted (IOSYNC is set on entry and nobody flushes a RELKILL uvn). The
          // pages left are the kill flush's own single-page PEND writes, all PG_RELEASED: the
          // flush waits (:687-694) for every busy page it meets — so for the second page of each
          // of its clusters and for everyone else's I/O — and frees every other page; nobody
          // can add a page (no reference). So each completion is aiodone freeing exactly one page
          // before it drops u_nio (§4.4): no page leaves otherwise, no I/O ends without a free,
          // and u_nio reaches 0 only with the last page gone, so the detach's wait loop never
          // goes round again (no second IOSYNC wait at :359).
          ...pageTransitions({ admitIo: false, clearIosync: false, iosyncWait: false, freeAndDone: false }),
        },
      },
      TERMINATING_0: {
        description: 'VALID, DYING and VNISLOCKED, refs == 0: terminate flushes and waits, then frees the uvn',
        on: {
          UVN_ATTACH_WAIT: ATTACH_WAIT,
          UVN_TERMINATE_FREE: {
            target: 'FREE',
            guard: 'noPagesNoIosyncWanted',
            actions: 'clearFlags',
            description:
              'no pages left and no references: panic if IOSYNCWANTED, LIST_REMOVE if WRITEABLE, u_flags = 0, wake if WANTED; no vrele',
            meta: { cite: ['uvm_vnode.c:478', 'uvm_vnode.c:504-505', 'uvm_vnode.c:512-529'] },
          },
          // No uvn_io waits for IOSYNC here: no reference means no fault; the page daemon has no
          // PGO_SYNCIO; terminate's flush sets IOSYNC only after its last uvn_io (:843-847, :493),
          // and the IOSYNC a cancelled RELKILL detach left (:359) meets no write — the pages
          // left are that detach's busy PEND pages, which terminate's flush waits for.
          ...pageTransitions({ admitIo: true, clearIosync: true, ioWaitIosync: false }),
        },
      },
      TERMINATING_REFS: {
        description: 'VALID, DYING and VNISLOCKED, refs > 0: a forced unmount terminates a mapped uvn',
        on: {
          UVN_ATTACH_WAIT: ATTACH_WAIT,
          UVN_REFERENCE: {
            target: 'TERMINATING_REFS',
            guard: 'belowMaxRefs',
            actions: 'takeRef',
            description: 'uvn_reference (fork) does not test BLOCKED: a mapping holder duplicates its reference',
            meta: { cite: ['uvm_vnode.c:272-289'] },
          },
          UVN_SYNC_WLIST_REMOVE: {
            target: 'TERMINATING_REFS',
            guard: 'soleRefWriteable',
            actions: 'removeWlist',
            description: 'a sync queued before terminate flushes while terminate sleeps (DEBUG "dying vnode on sync list") and holds the only reference',
            meta: { cite: ['uvm_vnode.c:1498-1516'] },
          },
          UVN_DETACH: {
            target: 'TERMINATING_REFS',
            guard: 'refsAboveOne',
            actions: 'dropRef',
            description: 'uvn_detach drops a reference that is not the last while terminate sleeps',
            meta: { cite: ['uvm_vnode.c:307-312'] },
          },
          UVN_DETACH_PERSIST: {
            target: 'TERMINATING_0',
            guard: 'lastRefPersist',
            actions: 'dropRef',
            description:
              'the last detach while terminate sleeps, CANPERSIST still set (terminate clears it only at the end): the non-sleeping persist path and vrele; terminate then frees the uvn',
            meta: { cite: ['uvm_vnode.c:307-332', 'uvm_vnode.c:383-387'] },
          },
          // No UVN_DETACH_DYING: the last detach of an uncached uvn while terminate sleeps
          // (:307-346) starts a kill flush that races terminate — hazard F16 — and every way it
          // can end (RELKILL at :356-362, the kill at :373-378, or a wait that never ends) is a
          // second teardown owner. Conformance reports F16 at that detach.
          UVN_TERMINATE_LIVE: {
            target: 'ZOMBIE',
            guard: 'noPages',
            actions: 'liveOnDead',
            description:
              'no pages left, refs > 0: the uvn lives on over a dead vnode; DYING, VNISLOCKED, WANTED and CANPERSIST cleared (not IOSYNC/IOSYNCWANTED, F4), wake if WANTED',
            meta: { cite: ['uvm_vnode.c:478', 'uvm_vnode.c:498-511', 'uvm_vnode.c:526-529'] },
          },
          UVN_PAGE_ALLOC: PAGE_ALLOC,
          ...pageTransitions({ admitIo: true, clearIosync: true }),
        },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The state predicates of spec §3.1 and the invariants

/** The §3.1 state a uvn's flags, references and vnode put it in. */
export function uvnStateOf(c: Record<string, number | boolean>): string {
  if (!c.valid) return c.alock ? 'ATTACHING' : 'FREE';
  if (c.relkill) return 'RELKILL';
  if (c.dying && c.vnislocked) return Number(c.refs) > 0 ? 'TERMINATING_REFS' : 'TERMINATING_0';
  if (c.dying) return 'DETACH_FLUSH';
  if (Number(c.refs) === 0) return 'PERSIST';
  if (c.canpersist) return 'ACTIVE';
  return c.dead ? 'ZOMBIE' : 'ACTIVE_NOPERSIST';
}

const FLAG_NAMES = [
  ['valid', 'VALID'],
  ['alock', 'ALOCK'],
  ['canpersist', 'CANPERSIST'],
  ['writeable', 'WRITEABLE'],
  ['dying', 'DYING'],
  ['relkill', 'RELKILL'],
  ['wanted', 'WANTED'],
  ['vnislocked', 'VNISLOCKED'],
  ['iosync', 'IOSYNC'],
  ['iosyncwanted', 'IOSYNCWANTED'],
] as const;

const show = (s: AbstractState): string => {
  const c = s.context;
  const flags = FLAG_NAMES.filter(([k]) => c[k]).map(([, n]) => n).join('|') || '0';
  return `${s.value} u_flags=${flags} refs=${c.refs} npages=${c.npages} nio=${c.nio} wlisted=${c.wlisted} dead=${c.dead}`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'UVNM-01',
    statement: 'ALOCK and VALID are exclusive: an attach owns only an invalid uvn, and its commit replaces ALOCK by VALID in one store (UVN-01)',
    cite: ['uvm_vnode.c:194', 'uvm_vnode.c:238', 'uvm_vnode.c:431-435'],
    check: (s) => (s.context.alock && s.context.valid ? `ALOCK and VALID both set (${show(s)})` : null),
  },
  {
    id: 'UVNM-02',
    states: ['FREE', 'ATTACHING'],
    statement: '¬VALID ⇒ u_flags ∈ {0, ALOCK, ALOCK|WANTED}: every teardown and failed attach stores a whole zero word (UVN-02)',
    cite: ['uvm_vnode.c:194', 'uvm_vnode.c:221', 'uvm_vnode.c:378', 'uvm_vnode.c:523', 'uvm_vnode.c:148-149'],
    check: (s) => {
      const c = s.context;
      if (c.valid) return null;
      const stray = FLAG_NAMES.filter(([k]) => c[k] && k !== 'alock' && k !== 'wanted').map(([, n]) => n);
      if (stray.length) return `invalid uvn with ${stray.join('|')} (${show(s)})`;
      return c.wanted && !c.alock ? `WANTED on a free uvn (${show(s)}): nobody will wake the attacher` : null;
    },
  },
  {
    id: 'UVNM-03',
    states: ['ATTACHING'],
    statement: 'ALOCK ⇒ refs = 0 ∧ npages = 0 ∧ u_nio = 0 ∧ ¬WRITEABLE ∧ off uvn_wlist: the attach owner starts from a dead uvn (UVN-03)',
    cite: ['uvm_vnode.c:235', 'uvm_vnode.c:186-194', 'uvm_vnode.c:218-222'],
    check: (s) => {
      const c = s.context;
      if (!c.alock) return null;
      return Number(c.refs) === 0 && Number(c.npages) === 0 && Number(c.nio) === 0 && !c.writeable && !c.wlisted
        ? null
        : `ALOCK uvn in use (${show(s)}): KASSERT uvm_vnode.c:235 would fire`;
    },
  },
  {
    id: 'UVNM-04',
    statement: 'refs > 0 ⇒ VALID: references exist only on an attached uvn (UVN-04)',
    cite: ['uvm_vnode.c:165-171', 'uvm_vnode.c:236-238', 'uvm_vnode.c:279-285', 'uvm_vnode.c:505-511'],
    check: (s) => (Number(s.context.refs) > 0 && !s.context.valid ? `references on an invalid uvn (${show(s)})` : null),
  },
  {
    id: 'UVNM-05',
    states: ['RELKILL'],
    statement: 'RELKILL ⇒ zero references: RELKILL is set after the last detach and blocks every way of gaining one (UVN-05)',
    cite: ['uvm_vnode.c:452-453', 'uvm_vnode.c:308', 'uvm_vnode.c:356', 'uvm_vnode.c:148', 'uvm_vnode.c:1345-1346', 'uvm_vnode.c:1482'],
    check: (s) => (s.context.relkill && Number(s.context.refs) !== 0 ? `RELKILL with references (${show(s)})` : null),
  },
  {
    id: 'UVNM-06',
    states: ['RELKILL'],
    statement: 'RELKILL ⇒ DYING ∧ VALID: detach sets RELKILL after DYING, terminate cancels it while setting DYING (UVN-06)',
    cite: ['uvm_vnode.c:335', 'uvm_vnode.c:356', 'uvm_vnode.c:455-456', 'uvm_vnode.c:470'],
    check: (s) => (s.context.relkill && !(s.context.dying && s.context.valid) ? `RELKILL without DYING or VALID (${show(s)})` : null),
  },
  {
    id: 'UVNM-07',
    states: ['DETACH_FLUSH', 'RELKILL', 'TERMINATING_0', 'TERMINATING_REFS'],
    statement: 'DYING ⇒ VALID, and VNISLOCKED ⇒ DYING: only a teardown of an attached uvn sets them, and terminate clears VNISLOCKED with DYING (UVN-07, UVN-08)',
    cite: ['uvm_vnode.c:335', 'uvm_vnode.c:470', 'uvm_vnode.c:510-511', 'uvm_vnode.c:523'],
    check: (s) => {
      const c = s.context;
      if (c.dying && !c.valid) return `DYING on an invalid uvn (${show(s)})`;
      return c.vnislocked && !c.dying ? `VNISLOCKED outside a terminate (${show(s)}): uvn_io skips the vnode lock` : null;
    },
  },
  {
    id: 'UVNM-08',
    states: ['DETACH_FLUSH', 'RELKILL'],
    statement:
      'DYING ∧ ¬VNISLOCKED ⇒ refs = 0: a detach kills only an unreferenced uvn and BLOCKED keeps new references out until it is done (UVN-25; F1 breaks it)',
    cite: ['uvm_vnode.c:308-312', 'uvm_vnode.c:335-345', 'uvm_vnode.c:148'],
    check: (s) =>
      s.context.dying && !s.context.vnislocked && Number(s.context.refs) !== 0
        ? `a detach's teardown with references (${show(s)}): the kill at uvm_vnode.c:378 frees a referenced uvn`
        : null,
  },
  {
    id: 'UVNM-09',
    statement: 'CANPERSIST ⇒ VALID, and VALID ∧ refs = 0 ∧ ¬DYING ⇒ CANPERSIST: an unreferenced live uvn is a persisting one (UVN-09)',
    cite: ['uvm_vnode.c:238', 'uvm_vnode.c:328-335', 'uvm_vnode.c:1355-1366', 'uvm_vnode.c:510-511'],
    check: (s) => {
      const c = s.context;
      if (c.canpersist && !c.valid) return `CANPERSIST on an invalid uvn (${show(s)})`;
      return c.valid && Number(c.refs) === 0 && !c.dying && !c.canpersist
        ? `unreferenced, uncached, live uvn (${show(s)}): nobody will ever kill it`
        : null;
    },
  },
  {
    id: 'UVNM-10',
    statement: 'WRITEABLE ⇔ on uvn_wlist, and WRITEABLE ⇒ VALID: the list insert/remove and the flag change go together (UVN-10, UVN-11)',
    cite: ['uvm_vnode.c:177-179', 'uvm_vnode.c:244-245', 'uvm_vnode.c:373-378', 'uvm_vnode.c:520-523', 'uvm_vnode.c:1514-1515'],
    check: (s) => {
      const c = s.context;
      if (c.writeable !== c.wlisted) return `WRITEABLE=${c.writeable} but on uvn_wlist=${c.wlisted} (${show(s)})`;
      return c.writeable && !c.valid ? `WRITEABLE on an invalid uvn (${show(s)})` : null;
    },
  },
  {
    id: 'UVNM-11',
    states: ['FREE'],
    statement:
      'a killed uvn (neither VALID nor ALOCK) has no pages, no I/O in flight and no references, and is off the writeable list (UVN-12)',
    cite: ['uvm_vnode.c:373-378', 'uvm_vnode.c:376', 'uvm_vnode.c:517-523'],
    check: (s) => {
      const c = s.context;
      if (c.valid || c.alock) return null;
      if (Number(c.npages) !== 0) return `killed uvn with ${c.npages} resident pages (${show(s)}): KASSERT uvm_vnode.c:376`;
      if (Number(c.nio) !== 0 || Number(c.refs) !== 0) return `killed uvn still in use (${show(s)})`;
      return c.wlisted || c.writeable ? `killed uvn on uvn_wlist (${show(s)}): uvm_vnp_sync will touch it` : null;
    },
  },
  {
    id: 'UVNM-12',
    statement: '0 ≤ u_nio ≤ npages and refs ≥ 0: each I/O in flight holds a busy page of the object, so u_nio > 0 ⇒ npages > 0 (UVN-13, UVN-14, UVN-24)',
    cite: ['uvm_vnode.c:1188', 'uvm_vnode.c:1277', 'uvm_vnode.c:593-594', 'uvm_vnode.c:1194-1197', 'uvm_vnode.c:308'],
    check: (s) => {
      const c = s.context;
      const nio = Number(c.nio);
      if (nio < 0 || Number(c.refs) < 0 || Number(c.npages) < 0) return `negative count (${show(s)})`;
      return nio > Number(c.npages) ? `more I/O in flight than resident pages (${show(s)})` : null;
    },
  },
  {
    id: 'UVNM-13',
    statement: 'IOSYNCWANTED ⇒ IOSYNC: uvn_io sets it only inside the IOSYNC loop, and both are cleared together (UVN-15)',
    cite: ['uvm_vnode.c:1160-1164', 'uvm_vnode.c:852'],
    check: (s) =>
      s.context.iosyncwanted && !s.context.iosync ? `IOSYNCWANTED without IOSYNC (${show(s)}): the uvn_io sleeper is never woken` : null,
  },
  {
    id: 'UVNM-14',
    statement: 'WANTED ⇒ BLOCKED (ALOCK, DYING or RELKILL): an attacher waits only for a blocked uvn, and every unblocking store clears WANTED (UVN-32)',
    cite: ['uvm_vnode.c:148-150', 'uvm_vnode.c:219-221', 'uvm_vnode.c:237-238', 'uvm_vnode.c:377-382', 'uvm_vnode.c:504-527'],
    check: (s) => {
      const c = s.context;
      return c.wanted && !(c.alock || c.dying || c.relkill) ? `WANTED on an unblocked uvn (${show(s)})` : null;
    },
  },
  {
    id: 'UVNM-15',
    states: ['ZOMBIE'],
    statement: 'a dead vnode ⇒ VALID ∧ ¬CANPERSIST: terminate lets a uvn live on its dead vnode only uncached, and it is never cached again',
    cite: ['uvm_vnode.c:505-511', 'uvm_vnode.c:165-182'],
    check: (s) => {
      const c = s.context;
      if (!c.dead) return null;
      return c.valid && !c.canpersist ? null : `dead vnode under ${c.valid ? 'a cacheable' : 'an invalid'} uvn (${show(s)})`;
    },
  },
  {
    id: 'UVNM-16',
    statement: 'the state is the §3.1 predicate of the flags, refs and the vnode (FREE, ATTACHING, ACTIVE, ACTIVE_NOPERSIST, ZOMBIE, PERSIST, DETACH_FLUSH, RELKILL, TERMINATING_0/REFS)',
    cite: ['uvm_vnode.c:148', 'uvm_vnode.c:328', 'uvm_vnode.c:356', 'uvm_vnode.c:470', 'uvm_vnode.c:505'],
    check: (s) => {
      const want = uvnStateOf(s.context);
      return s.value === want ? null : `state ${s.value} but the flags say ${want} (${show(s)})`;
    },
  },
];

export const uvn: MachineModule<UvnObject> = {
  name: 'uvn',
  object: 'an OpenBSD `struct uvm_vnode` (the vnode pager object)',
  description:
    'A uvm_vnode is FREE (`u_flags == 0`) until `uvn_attach` takes it over with ALOCK, queries the size without ' +
    'locks and commits it VALID|CANPERSIST with one reference (or clears it on failure). Attaches of a VALID uvn, ' +
    '`uvn_reference` and the temporary references of `uvm_vnp_sync` and `uvm_vnp_uncache` count in `uo_refs`; the ' +
    'last `uvn_detach` either caches the uvn (PERSIST: CANPERSIST set, pages kept, vnode reference dropped) or kills ' +
    'it: DYING, a C|F|A flush, then RELKILL and a sleep on `&u_nio` while pages remain (reachable only with the async ' +
    'pageout extension of spec §4.4 or through F16), then `u_flags = 0`. `uvm_vnp_uncache` clears CANPERSIST ' +
    '(ACTIVE_NOPERSIST) or revives a persisting uvn just to kill it. `uvm_vnp_terminate` sets DYING|VNISLOCKED, ' +
    'cancelling a detach\'s RELKILL (the detach becomes a cancelled waiter that returns without touching the uvn), ' +
    'flushes, waits for the pages and frees the uvn, or, with references left (forced unmount), lets it live on over ' +
    'a dead vnode (ZOMBIE). Pages and I/O are counted: `uvn_get` allocates (only with references), flushes and aiodone ' +
    'free, `uvn_io` admits I/O only while IOSYNC is clear. Abstraction: the context is the ten `u_flags` bits, ' +
    '`uo_refs`, `uo_npages`, `u_nio`, the ghost list membership and the ghost dead-vnode bit (only while VALID); the ' +
    'state is the §3.1 predicate of those (`uvnStateOf`). The traversal bounds refs at 2 and pages at 2. Not ' +
    'modelled as transitions: the cancelled waiter\'s exit (L20) and the no-op paths (L22) change nothing; setsize ' +
    '(L23) only frees pages. Two seed paths are deliberately absent, so conformance reports them: an attach that ' +
    'takes a reference after a teardown began (F1) and a terminate that joins a detach\'s kill flush or a last detach ' +
    'that starts a kill flush during a terminate (F16). Page activity the seed cannot produce in a state is left out ' +
    'there (each state\'s comment argues it): aiodone frees PG_RELEASED pages only in DETACH_FLUSH, RELKILL and ' +
    'TERMINATING_* (only kill and terminate flushes set PG_RELEASED, msync always adds PGO_SYNCIO); IOSYNC is never set ' +
    'on a persisting uvn; no uvn_io waits for IOSYNC in DETACH_FLUSH or TERMINATING_0 (no fault without a reference, ' +
    'and the teardown\'s own flush sets IOSYNC after its last uvn_io); in RELKILL every completion is aiodone freeing ' +
    'one page, so the detach\'s wait loop never goes round again; and a ZOMBIE is never terminated again (vclean runs ' +
    'once per vnode).',
  machine: createUvnMachine(2, 2),
  conformanceMachine: createUvnMachine(2 ** 30, 2 ** 30),
  events: [
    { type: 'UVN_ATTACH' },
    { type: 'UVN_ATTACH_WAIT' },
    { type: 'UVN_ATTACH_FAIL' },
    { type: 'UVN_ATTACH_DONE' },
    { type: 'UVN_ATTACH_VALID' },
    { type: 'UVN_WLIST_INSERT' },
    { type: 'UVN_REFERENCE' },
    { type: 'UVN_DETACH' },
    { type: 'UVN_DETACH_PERSIST' },
    { type: 'UVN_DETACH_DYING' },
    { type: 'UVN_DETACH_RELKILL' },
    { type: 'UVN_DETACH_KILL' },
    { type: 'UVN_TERMINATE' },
    { type: 'UVN_TERMINATE_FREE' },
    { type: 'UVN_TERMINATE_LIVE' },
    { type: 'UVN_UNCACHE' },
    { type: 'UVN_UNCACHE_REVIVE' },
    { type: 'UVN_SYNC_REF' },
    { type: 'UVN_SYNC_WLIST_REMOVE' },
    { type: 'UVN_PAGE_ALLOC' },
    { type: 'UVN_PAGE_FREE' },
    { type: 'UVN_IO_START' },
    { type: 'UVN_IO_DONE' },
    { type: 'UVN_IO_WAIT_IOSYNC' },
    { type: 'UVN_IOSYNC_WAIT' },
    { type: 'UVN_IOSYNC_CLEAR' },
    { type: 'UVN_AIODONE' },
  ],
  stateInvariants,
  abstract(obj: UvnObject): AbstractState {
    const f = obj.u_flags;
    const writeable = (f & UVM_VNODE_WRITEABLE) !== 0;
    const valid = (f & UVM_VNODE_VALID) !== 0;
    const context: Record<string, number | boolean> = {
      valid,
      alock: (f & UVM_VNODE_ALOCK) !== 0,
      canpersist: (f & UVM_VNODE_CANPERSIST) !== 0,
      writeable,
      dying: (f & UVM_VNODE_DYING) !== 0,
      relkill: (f & UVM_VNODE_RELKILL) !== 0,
      wanted: (f & UVM_VNODE_WANTED) !== 0,
      vnislocked: (f & UVM_VNODE_VNISLOCKED) !== 0,
      iosync: (f & UVM_VNODE_IOSYNC) !== 0,
      iosyncwanted: (f & UVM_VNODE_IOSYNCWANTED) !== 0,
      refs: obj.u_obj.uo_refs,
      npages: obj.u_obj.uo_npages,
      nio: obj.u_nio,
      wlisted: obj.g_onWriteableList ?? writeable,
      // The vnode's death matters only while the uvn lives on it; a killed uvn forgets it.
      dead: valid && (obj.g_vnodeDead ?? false),
    };
    return { value: uvnStateOf(context), context };
  },
};
