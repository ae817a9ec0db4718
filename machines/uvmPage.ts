/**
 * A UVM page (struct vm_page) of a uvm_vnode as the OpenBSD vnode pager drives it: PG_BUSY,
 * PG_WANTED, PG_CLEAN, PG_RELEASED, PG_FAKE, the paging queue and wire_count, plus the pmap
 * modified bit. Protocol analysis: spec/uvm_vnode.md §4 (page lifecycle, P01-P19, the
 * asynchronous-pageout extension §4.4) and §5.2 (UPG-01..UPG-15).
 */
import { assign, setup } from 'xstate';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** uvm/uvm_page.h pg_flags bits (OpenBSD); the model does not import the simulator. */
export const PG_BUSY = 0x00000001;
export const PG_WANTED = 0x00000002;
export const PG_TABLED = 0x00000004;
export const PG_CLEAN = 0x00000008;
/** PG_CLEANCHK is a hint only (uvm_vnode.c:622-629): not abstracted. */
export const PG_CLEANCHK = 0x00000010;
export const PG_RELEASED = 0x00000020;
export const PG_FAKE = 0x00000040;
export const PG_RDONLY = 0x00000080;
export const PQ_FREE = 0x00010000;
export const PQ_INACTIVE = 0x00020000;
export const PQ_ACTIVE = 0x00040000;

/** Abstract paging queue. */
export const QUEUE_NONE = 0;
export const QUEUE_ACTIVE = 1;
export const QUEUE_INACTIVE = 2;

/** Ghost busy owner (the UVM_PAGE_OWN tag): who holds PG_BUSY. */
export const OWNER_NONE = 0;
/** uvn_get, for the fault client it returns the page to (FILLING while PG_FAKE, then HELD). */
export const OWNER_CLIENT = 1;
/** A flush or the page daemon writing the page (uvm_pager_put → uvn_io). */
export const OWNER_PAGEOUT = 2;
/** (§4.4 extension) an asynchronous write that returned VM_PAGER_PEND. */
export const OWNER_AIO = 3;

export interface UvmPageContext {
  /** pg_flags & PG_BUSY. */
  busy: boolean;
  /** pg_flags & PG_WANTED: a thread sleeps in uvm_pagewait. */
  wanted: boolean;
  /** pg_flags & PG_CLEAN. */
  clean: boolean;
  /** pmap_is_modified: a store through a writable mapping since the last pmap_clear_modify. */
  modified: boolean;
  /** pg_flags & PG_RELEASED: free the page when its I/O completes. */
  released: boolean;
  /** pg_flags & PG_FAKE: allocated, contents not read yet. */
  fake: boolean;
  /** QUEUE_NONE, QUEUE_ACTIVE (PQ_ACTIVE) or QUEUE_INACTIVE (PQ_INACTIVE). */
  queue: number;
  /** wire_count. */
  wires: number;
}

export type UvmPageEvent =
  | { type: 'PG_ALLOC' }
  | { type: 'GET_READ_OK' }
  | { type: 'GET_READ_FAIL' }
  | { type: 'PG_BUSY' }
  | { type: 'PG_UNBUSY' }
  | { type: 'PG_WANTED' }
  | { type: 'PG_DIRTY' }
  | { type: 'FLUSH_DIRTYCHECK' }
  | { type: 'PG_DEACTIVATE' }
  | { type: 'PG_WIRE' }
  | { type: 'PG_UNWIRE' }
  | { type: 'PAGEOUT_START' }
  | { type: 'PG_RELEASED' }
  | { type: 'PAGEOUT_RETRY' }
  | { type: 'PAGEOUT_ABORT' }
  | { type: 'PAGEOUT_DONE' }
  | { type: 'PAGEOUT_DONE_FREE' }
  | { type: 'PAGEOUT_PEND' }
  | { type: 'AIODONE' }
  | { type: 'FLUSH_FREE' }
  | { type: 'PG_FREE' };

/** The implementation object the machine abstracts: the vm_page fields the pager touches, plus ghosts. */
export interface UvmPageObject {
  pg_flags: number;
  wire_count: number;
  /** The owning object (null once uvm_pageclean took the page out of it). */
  uobject: object | null;
  /** Ghost UVM_PAGE_OWN: OWNER_NONE, OWNER_CLIENT, OWNER_PAGEOUT or OWNER_AIO. */
  g_busyOwner: number;
  /** Ghost pmap_is_modified(pg) for a page of the object (the simulator's pmap clears it when the page leaves). */
  g_pmapModified: boolean;
}

// ---------------------------------------------------------------------------------------------
// Transitions shared by several states

const WANTED = {
  actions: 'setWanted' as const,
  description: 'uvm_pagewait on the busy page: PG_WANTED, then sleep on the page with the object lock released (uvn_flush F wait, uvn_get)',
  meta: { cite: ['uvm_vnode.c:687-694', 'uvm_vnode.c:1056-1060'] },
};

function deactivate(busy: boolean) {
  return {
    guard: 'unwired' as const,
    actions: 'deactivate' as const,
    description: busy
      ? 'a PGO_DEACTIVATE flush moves an unwired page to the inactive queue even while it is busy (uvm_pagedeactivate)'
      : 'a PGO_DEACTIVATE flush (the persist path, or after a pageout) removes the mappings and deactivates an unwired page',
    meta: { cite: ['uvm_vnode.c:651-654', 'uvm_vnode.c:680-685', 'uvm_vnode.c:807-811'] },
  };
}

const UNWIRE = [
  {
    guard: 'unwireKeepsWired' as const,
    actions: 'unwire' as const,
    description: 'the fault layer drops one of several wirings (uvm_pageunwire); this file only tests wire_count',
    meta: { cite: ['uvm_vnode.c:682', 'uvm_vnode.c:808'] },
  },
  {
    guard: 'unwireLast' as const,
    actions: ['unwire', 'activate'] as const,
    description: 'the last uvm_pageunwire puts the page on the active queue',
    meta: { cite: ['uvm_vnode.c:682', 'uvm_vnode.c:808'] },
  },
];

const FLUSH_FREE = {
  target: 'DEAD' as const,
  actions: 'pageclean' as const,
  description:
    'a PGO_FREE flush finds the page unbusied and not in need of cleaning (or has no PGO_CLEANIT: truncation drops dirty data): pmap_page_protect NONE, uvm_pageclean, onto the dead list',
  meta: { cite: ['uvm_vnode.c:686-700'] },
};

/**
 * The page machine with wire_count bounded by `maxWires` (PG_WIRE is disabled at the bound).
 * The conformance machine uses an effectively unbounded one.
 */
export function createUvmPageMachine(maxWires: number) {
  return setup({
    types: {
      context: {} as UvmPageContext,
      events: {} as UvmPageEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** The page is IDLE_CLEAN once unbusied: PG_CLEAN and the pmap does not report it modified. */
      cleanUnmodified: ({ context }) => context.clean && !context.modified,
      dirtyOrModified: ({ context }) => !context.clean || context.modified,
      /** uvn_flush's pmap check: PG_CLEAN but modified through a mapping (uvm_vnode.c:671-673). */
      cleanButModified: ({ context }) => context.clean && context.modified,
      /** The flush and the cluster builder write only pages whose PG_CLEAN the pmap check cleared. */
      notClean: ({ context }) => !context.clean,
      unwired: ({ context }) => context.wires === 0,
      canWire: ({ context }) => context.wires < maxWires,
      unwireKeepsWired: ({ context }) => context.wires > 1,
      unwireLast: ({ context }) => context.wires === 1,
      isReleased: ({ context }) => context.released,
      notReleased: ({ context }) => !context.released,
    },
    actions: {
      // uvm_pagealloc for uvn_get: a BUSY, FAKE, CLEAN page on no queue.
      allocate: assign({
        busy: true,
        wanted: false,
        clean: true,
        modified: false,
        released: false,
        fake: true,
        queue: QUEUE_NONE,
        wires: 0,
      }),
      // uvm_pageclean / uvm_pagefree: clear BUSY, FAKE, RELEASED, CLEAN; dequeue; unwire. The
      // flush's unbusy has cleared WANTED; the pmap forgets the page once it leaves the object.
      pageclean: assign({
        busy: false,
        wanted: false,
        clean: false,
        modified: false,
        released: false,
        fake: false,
        queue: QUEUE_NONE,
        wires: 0,
      }),
      // uvn_get success: clear PG_FAKE and the pmap modified bit; the page stays busy for the caller.
      readDone: assign({ fake: false, modified: false }),
      takeBusy: assign({ busy: true }),
      // Wake if WANTED, clear WANTED|BUSY.
      unbusy: assign({ busy: false, wanted: false }),
      // uvm_pageactivate: onto the active queue unless wired.
      activate: assign({ queue: ({ context }) => (context.wires > 0 ? QUEUE_NONE : QUEUE_ACTIVE) }),
      // uvm_pagedeactivate: onto the inactive queue; it re-syncs PG_CLEAN with the pmap.
      deactivate: assign({ queue: QUEUE_INACTIVE, clean: ({ context }) => context.clean && !context.modified }),
      setWanted: assign({ wanted: true }),
      store: assign({ modified: true }),
      clearClean: assign({ clean: false }),
      wire: assign({ wires: ({ context }) => context.wires + 1, queue: QUEUE_NONE }),
      unwire: assign({ wires: ({ context }) => context.wires - 1 }),
      setReleased: assign({ released: true }),
      clearReleased: assign({ released: false }),
      // Pageout completion (any result but PEND): unbusy, PG_CLEAN; without PGO_FREE pmap_clear_modify.
      cleaned: assign({ busy: false, wanted: false, clean: true, modified: false }),
      // uvm_pager_dropcluster / the daemon after VM_PAGER_AGAIN: unbusied, still dirty.
      abandon: assign({ busy: false, wanted: false, released: false }),
    },
  }).createMachine({
    id: 'uvmPage',
    initial: 'FREE',
    context: {
      busy: false,
      wanted: false,
      clean: false,
      modified: false,
      released: false,
      fake: false,
      queue: QUEUE_NONE,
      wires: 0,
    },
    states: {
      FREE: {
        description: 'PQ_FREE: in the free pool, in no object (absent at its offset)',
        on: {
          PG_ALLOC: {
            target: 'FILLING',
            actions: 'allocate',
            description: 'uvn_get finds no page at the offset and uvm_pagealloc gives it one: BUSY, FAKE and CLEAN, owned by uvn_get',
            meta: { cite: ['uvm_vnode.c:1036-1052', 'uvm_vnode.c:1028-1029'] },
          },
        },
      },
      FILLING: {
        description: 'BUSY and FAKE: allocated by uvn_get, which reads it with uvn_io',
        on: {
          PG_WANTED: { target: 'FILLING', ...WANTED },
          GET_READ_OK: {
            target: 'HELD',
            actions: 'readDone',
            description: 'the read succeeded: clear PG_FAKE and the pmap modified bit; the page stays busy for the caller',
            meta: { cite: ['uvm_vnode.c:1118-1120'] },
          },
          GET_READ_FAIL: {
            target: 'FREE',
            actions: 'pageclean',
            description: 'the read failed (BAD, ERROR, AGAIN): wake if WANTED, clear WANTED|BUSY, uvm_pagefree',
            meta: { cite: ['uvm_vnode.c:1092-1103'] },
          },
          // A PGO_DEACTIVATE flush (madvise MADV_DONTNEED) deactivates every unwired page it finds,
          // busy or not (:680-685), so also one a fault is still filling: the seed's comment
          // (:651-654) only speaks of active pages, but the code does not distinguish.
          PG_DEACTIVATE: { target: 'FILLING', ...deactivate(true) },
        },
      },
      HELD: {
        description: 'BUSY, not FAKE: owned by the fault client that uvn_get returned it to',
        on: {
          PG_WANTED: { target: 'HELD', ...WANTED },
          PG_UNBUSY: [
            {
              target: 'IDLE_CLEAN',
              guard: 'cleanUnmodified',
              actions: ['unbusy', 'activate'],
              description: 'the fault client unbusies (waking PG_WANTED) and activates the page, as uvn_get requires of it',
              meta: { cite: ['uvm_vnode.c:1111-1114', 'uvm_vnode.c:916'] },
            },
            {
              target: 'IDLE_DIRTY',
              guard: 'dirtyOrModified',
              actions: ['unbusy', 'activate'],
              description: 'the fault client unbusies and activates a page that was stored to while held',
              meta: { cite: ['uvm_vnode.c:1111-1114', 'uvm_vnode.c:916'] },
            },
          ],
          PG_DIRTY: {
            target: 'HELD',
            actions: 'store',
            description: 'a store through an existing writable mapping sets (or keeps) the pmap modified bit',
            meta: { cite: ['uvm_vnode.c:671-673'] },
          },
          PG_WIRE: {
            target: 'HELD',
            guard: 'canWire',
            actions: 'wire',
            description: 'the fault layer wires the page it holds busy (uvm_pagewire dequeues it); this file only tests wire_count',
            meta: { cite: ['uvm_vnode.c:682', 'uvm_vnode.c:808'] },
          },
          PG_DEACTIVATE: { target: 'HELD', ...deactivate(true) },
          // munlock(2) (uvm_fault_unwire → uvm_pageunwire) does not look at PG_BUSY: it may unwire
          // a page another thread's fault holds busy.
          PG_UNWIRE: UNWIRE.map((t) => ({ target: 'HELD' as const, ...t })),
        },
      },
      IDLE_CLEAN: {
        description: 'not BUSY, PG_CLEAN, not modified in the pmap: the page matches the file',
        on: {
          PG_BUSY: {
            target: 'HELD',
            actions: 'takeBusy',
            description: 'uvn_get finds the page unbusied and busies it for its caller (PGO_LOCKED or the main path)',
            meta: { cite: ['uvm_vnode.c:956-971', 'uvm_vnode.c:1062-1070'] },
          },
          PG_DIRTY: {
            target: 'IDLE_DIRTY',
            actions: 'store',
            description: 'a user store through a writable mapping sets the pmap modified bit',
            meta: { cite: ['uvm_vnode.c:671-673'] },
          },
          PG_DEACTIVATE: { target: 'IDLE_CLEAN', ...deactivate(false) },
          PG_UNWIRE: UNWIRE.map((t) => ({ target: 'IDLE_CLEAN' as const, ...t })),
          FLUSH_FREE,
        },
      },
      IDLE_DIRTY: {
        description: 'not BUSY; PG_CLEAN clear or the pmap reports it modified: it needs a write',
        on: {
          PG_BUSY: {
            target: 'HELD',
            actions: 'takeBusy',
            description: 'uvn_get finds the page unbusied and busies it for its caller',
            meta: { cite: ['uvm_vnode.c:956-971', 'uvm_vnode.c:1062-1070'] },
          },
          PG_DIRTY: {
            target: 'IDLE_DIRTY',
            actions: 'store',
            description: 'a user store through a writable mapping sets (or keeps) the pmap modified bit',
            meta: { cite: ['uvm_vnode.c:671-673'] },
          },
          FLUSH_DIRTYCHECK: {
            target: 'IDLE_DIRTY',
            guard: 'cleanButModified',
            actions: 'clearClean',
            description: 'a PGO_CLEANIT flush checks the pmap: the page is modified, so it clears PG_CLEAN (and sets PG_CLEANCHK)',
            meta: { cite: ['uvm_vnode.c:662-676'] },
          },
          PAGEOUT_START: {
            target: 'CLEANING',
            guard: 'notClean',
            actions: 'takeBusy',
            description: 'the flush (or the page daemon, or the cluster builder) busies a dirty page and write-protects it for uvm_pager_put',
            meta: { cite: ['uvm_vnode.c:705-715', 'uvm_vnode.c:723-724'] },
          },
          PG_DEACTIVATE: { target: 'IDLE_DIRTY', ...deactivate(false) },
          PG_UNWIRE: UNWIRE.map((t) => ({ target: 'IDLE_DIRTY' as const, ...t })),
          FLUSH_FREE,
        },
      },
      CLEANING: {
        description: 'BUSY, owned by a flush or the page daemon, write-protected: queued for or inside uvn_io',
        on: {
          PG_WANTED: { target: 'CLEANING', ...WANTED },
          PG_RELEASED: {
            target: 'CLEANING',
            guard: 'notReleased',
            actions: 'setReleased',
            description: 'PGO_FREE without PGO_SYNCIO: "if we\'re async, free the page in aiodoned" (the cluster builder does the same)',
            meta: { cite: ['uvm_vnode.c:716-718'] },
          },
          PAGEOUT_RETRY: {
            target: 'CLEANING',
            guard: 'isReleased',
            actions: 'clearReleased',
            description: 'uvm_pager_put returned AGAIN: the flush switches to PGO_SYNCIO, clears PG_RELEASED and retries with the page still busy',
            meta: { cite: ['uvm_vnode.c:741-758'] },
          },
          PAGEOUT_ABORT: {
            target: 'IDLE_DIRTY',
            actions: 'abandon',
            description:
              'a cluster page dropped after a failed put, or the page daemon\'s page after AGAIN (IOSYNC or no KVA): unbusied, still dirty',
            meta: { cite: ['uvm_vnode.c:1160-1162', 'uvm_vnode.c:1179-1181'] },
          },
          PAGEOUT_DONE: {
            target: 'IDLE_CLEAN',
            guard: 'notReleased',
            actions: 'cleaned',
            description:
              'the write returned (OK, or ERROR/BAD: F11): wake if WANTED, clear WANTED|BUSY, set PG_CLEAN|PG_CLEANCHK, pmap_clear_modify without PGO_FREE',
            meta: { cite: ['uvm_vnode.c:793-804'] },
          },
          PAGEOUT_DONE_FREE: {
            target: 'DEAD',
            actions: 'pageclean',
            description: 'the write returned with PGO_FREE: the page is unbusied, marked clean, unmapped and uvm_pageclean\'d onto the dead list',
            meta: { cite: ['uvm_vnode.c:793-801', 'uvm_vnode.c:812-833'] },
          },
          PAGEOUT_PEND: {
            target: 'CLEANING_ASYNC',
            description: '(§4.4 extension) uvn_io returned PEND: the flush moves on and the page now belongs to the asynchronous I/O',
            meta: { cite: ['uvm_vnode.c:772-773', 'uvm_vnode.c:784-785'] },
          },
          PG_DEACTIVATE: { target: 'CLEANING', ...deactivate(true) },
        },
      },
      CLEANING_ASYNC: {
        description: '(§4.4 extension) BUSY, owned by an asynchronous write that returned PEND; RELEASED if the flush had PGO_FREE',
        on: {
          PG_WANTED: { target: 'CLEANING_ASYNC', ...WANTED },
          PG_DEACTIVATE: { target: 'CLEANING_ASYNC', ...deactivate(true) },
          AIODONE: [
            {
              target: 'FREE',
              guard: 'isReleased',
              actions: 'pageclean',
              description: 'aiodone frees a PG_RELEASED page (wakes it if WANTED, unmaps it, takes it out of the object): the promise of uvm_vnode.c:716',
              meta: { cite: ['uvm_vnode.c:554-565', 'uvm_vnode.c:716-718', 'uvm_vnode.c:768-771'] },
            },
            {
              target: 'IDLE_CLEAN',
              guard: 'notReleased',
              actions: 'cleaned',
              description: 'aiodone completes the write: PG_CLEAN, pmap_clear_modify, wake if WANTED, clear WANTED|BUSY',
              meta: { cite: ['uvm_vnode.c:554-565', 'uvm_vnode.c:893'] },
            },
          ],
        },
      },
      DEAD: {
        description: "uvm_pageclean'd: in no object, unbusied, on a flush's dead list until uvm_pglistfree",
        on: {
          PG_FREE: {
            target: 'FREE',
            description: 'uvn_flush frees its whole dead list when it is done',
            meta: { cite: ['uvm_vnode.c:855'] },
          },
        },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// State predicates and invariants

const BUSY_STATES = ['FILLING', 'HELD', 'CLEANING', 'CLEANING_ASYNC'];
const OUT_OF_OBJECT = ['FREE', 'DEAD'];

const show = (s: AbstractState): string => {
  const c = s.context;
  return `${s.value} busy=${c.busy} wanted=${c.wanted} clean=${c.clean} modified=${c.modified} released=${c.released} fake=${c.fake} queue=${c.queue} wires=${c.wires}`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'UPGM-01',
    statement: 'PG_RELEASED ⇒ PG_BUSY: RELEASED is set only on a page the flush busied, and its unbusy frees it (UPG-01)',
    cite: ['uvm_vnode.c:716-718', 'uvm_vnode.c:754-756', 'uvm_vnode.c:797-798', 'uvm_vnode.c:831-833'],
    check: (s) => (s.context.released && !s.context.busy ? `PG_RELEASED on an unbusied page (${show(s)})` : null),
  },
  {
    id: 'UPGM-02',
    statement: 'PG_WANTED ⇒ PG_BUSY: uvm_pagewait sets WANTED only on a busy page and every unbusy clears it with a wakeup (UPG-02)',
    cite: ['uvm_vnode.c:689', 'uvm_vnode.c:1057', 'uvm_vnode.c:794-798', 'uvm_vnode.c:1093-1097'],
    check: (s) => (s.context.wanted && !s.context.busy ? `PG_WANTED on an unbusied page (${show(s)}): the sleeper is never woken` : null),
  },
  {
    id: 'UPGM-03',
    statement: 'PG_FAKE ⇒ PG_BUSY ∧ FILLING: a page whose contents were never read is never unbusied or returned while FAKE (UPG-04)',
    cite: ['uvm_vnode.c:1037', 'uvm_vnode.c:1082', 'uvm_vnode.c:1092-1103', 'uvm_vnode.c:1118'],
    check: (s) => (s.context.fake && !(s.context.busy && s.value === 'FILLING') ? `PG_FAKE outside uvn_get's read (${show(s)})` : null),
  },
  {
    id: 'UPGM-04',
    states: OUT_OF_OBJECT,
    statement: 'FREE ∨ DEAD ⇒ no flags, no queue, no wiring: uvm_pageclean clears BUSY, FAKE, RELEASED, CLEAN, dequeues and unwires (UPG-08)',
    cite: ['uvm_vnode.c:698-699', 'uvm_vnode.c:831-833', 'uvm_vnode.c:855', 'uvm_vnode.c:1100'],
    check: (s) => {
      if (!OUT_OF_OBJECT.includes(s.value)) return null;
      const c = s.context;
      return c.busy || c.wanted || c.clean || c.modified || c.released || c.fake || Number(c.queue) !== QUEUE_NONE || Number(c.wires) !== 0
        ? `page out of the object still carries state (${show(s)})`
        : null;
    },
  },
  {
    id: 'UPGM-05',
    statement: 'wire_count > 0 ⇒ on no paging queue: uvm_pagewire dequeues, uvm_pageactivate skips wired pages, and the pager never deactivates a wired page (UPG-07)',
    cite: ['uvm_vnode.c:681-685', 'uvm_vnode.c:807-811'],
    check: (s) =>
      Number(s.context.wires) > 0 && Number(s.context.queue) !== QUEUE_NONE ? `wired page on a paging queue (${show(s)})` : null,
  },
  {
    id: 'UPGM-06',
    states: ['CLEANING', 'CLEANING_ASYNC'],
    statement: 'CLEANING ∨ CLEANING_ASYNC ⇒ ¬PG_CLEAN: a page is written because it is not clean, and only the completion sets PG_CLEAN',
    cite: ['uvm_vnode.c:671-676', 'uvm_vnode.c:713-718', 'uvm_vnode.c:800-801'],
    check: (s) =>
      (s.value === 'CLEANING' || s.value === 'CLEANING_ASYNC') && s.context.clean ? `PG_CLEAN on a page being written (${show(s)})` : null,
  },
  {
    id: 'UPGM-07',
    states: ['FILLING'],
    statement:
      'FILLING ⇒ PG_CLEAN ∧ ¬modified ∧ ¬RELEASED ∧ unwired ∧ on no queue but the inactive one: a fresh page belongs to uvn_get alone (only a PGO_DEACTIVATE flush may move it to the inactive queue)',
    cite: ['uvm_vnode.c:1028-1029', 'uvm_vnode.c:1036-1052', 'uvm_vnode.c:680-685'],
    check: (s) => {
      if (s.value !== 'FILLING') return null;
      const c = s.context;
      return c.clean && !c.modified && !c.released && Number(c.queue) !== QUEUE_ACTIVE && Number(c.wires) === 0
        ? null
        : `a filling page touched by someone else (${show(s)})`;
    },
  },
  {
    id: 'UPGM-08',
    statement: 'PG_RELEASED ⇒ CLEANING ∨ CLEANING_ASYNC: only the PGO_FREE flush sets RELEASED, on the pages it writes',
    cite: ['uvm_vnode.c:716-718', 'uvm_vnode.c:754-756'],
    check: (s) =>
      s.context.released && s.value !== 'CLEANING' && s.value !== 'CLEANING_ASYNC' ? `PG_RELEASED on a ${s.value} page (${show(s)})` : null,
  },
  {
    id: 'UPGM-09',
    statement: 'the state agrees with the flags: busy states ⇔ PG_BUSY, FILLING ⇔ PG_FAKE, IDLE_CLEAN ⇔ PG_CLEAN ∧ ¬modified among the unbusied pages of the object',
    cite: ['uvm_vnode.c:656-677', 'uvm_vnode.c:1056-1070'],
    check: (s) => {
      const c = s.context;
      const busyState = BUSY_STATES.includes(s.value);
      if (busyState !== c.busy) return `${s.value} with PG_BUSY=${c.busy} (${show(s)})`;
      if ((s.value === 'FILLING') !== Boolean(c.fake)) return `${s.value} with PG_FAKE=${c.fake} (${show(s)})`;
      if (s.value === 'IDLE_CLEAN' && !(c.clean && !c.modified)) return `IDLE_CLEAN page needing a write (${show(s)})`;
      if (s.value === 'IDLE_DIRTY' && c.clean && !c.modified) return `IDLE_DIRTY page that is clean (${show(s)})`;
      return null;
    },
  },
];

export const uvmPage: MachineModule<UvmPageObject> = {
  name: 'uvmPage',
  object: 'a UVM page (struct vm_page) as the OpenBSD vnode pager drives it',
  description:
    'A page of a uvm_vnode is FREE until `uvn_get` allocates it (BUSY, FAKE, CLEAN) and reads it; a failed read frees ' +
    'it, a good one clears FAKE and hands it, still busy, to the fault client (HELD), which unbusies and activates it. ' +
    'Unbusied pages are IDLE_CLEAN or IDLE_DIRTY (PG_CLEAN clear or the pmap reports a store). A PGO_CLEANIT flush ' +
    'folds the pmap modified bit into PG_CLEAN, busies a dirty page and write-protects it (CLEANING; PG_RELEASED when it ' +
    'frees without PGO_SYNCIO, cleared again when the put returns AGAIN); completion marks it CLEAN and unbusies it, or ' +
    'with PGO_FREE `uvm_pageclean`s it onto the dead list (DEAD) that the flush frees at its end. A PGO_FREE flush ' +
    'cleans unbusied pages out directly (dirty data is lost without PGO_CLEANIT: truncation), a PGO_DEACTIVATE flush ' +
    'moves unwired pages to the inactive queue. With the asynchronous-pageout extension (spec §4.4) a PEND write leaves ' +
    'the page to aiodone (CLEANING_ASYNC), which frees it if RELEASED or marks it clean. Abstraction: state = FREE if ' +
    '`PQ_FREE`; DEAD if in no object; else by PG_BUSY: FILLING if PG_FAKE, CLEANING or CLEANING_ASYNC by the ghost busy ' +
    'owner, HELD otherwise; unbusied pages IDLE_CLEAN or IDLE_DIRTY. Context: the five flags, the ghost pmap modified ' +
    'bit, the queue (from PQ_ACTIVE/PQ_INACTIVE) and `wire_count` (bounded at 2 for traversal). PG_CLEANCHK is a hint ' +
    'and is not abstracted.',
  machine: createUvmPageMachine(2),
  conformanceMachine: createUvmPageMachine(2 ** 30),
  events: [
    { type: 'PG_ALLOC' },
    { type: 'GET_READ_OK' },
    { type: 'GET_READ_FAIL' },
    { type: 'PG_BUSY' },
    { type: 'PG_UNBUSY' },
    { type: 'PG_WANTED' },
    { type: 'PG_DIRTY' },
    { type: 'FLUSH_DIRTYCHECK' },
    { type: 'PG_DEACTIVATE' },
    { type: 'PG_WIRE' },
    { type: 'PG_UNWIRE' },
    { type: 'PAGEOUT_START' },
    { type: 'PG_RELEASED' },
    { type: 'PAGEOUT_RETRY' },
    { type: 'PAGEOUT_ABORT' },
    { type: 'PAGEOUT_DONE' },
    { type: 'PAGEOUT_DONE_FREE' },
    { type: 'PAGEOUT_PEND' },
    { type: 'AIODONE' },
    { type: 'FLUSH_FREE' },
    { type: 'PG_FREE' },
  ],
  stateInvariants,
  abstract(obj: UvmPageObject): AbstractState {
    const f = obj.pg_flags;
    const busy = (f & PG_BUSY) !== 0;
    const fake = (f & PG_FAKE) !== 0;
    const clean = (f & PG_CLEAN) !== 0;
    const inObject = obj.uobject !== null;
    const modified = inObject && obj.g_pmapModified;
    let value: string;
    if ((f & PQ_FREE) !== 0) value = 'FREE';
    else if (!inObject) value = 'DEAD';
    else if (busy) {
      value = fake
        ? 'FILLING'
        : obj.g_busyOwner === OWNER_PAGEOUT
          ? 'CLEANING'
          : obj.g_busyOwner === OWNER_AIO
            ? 'CLEANING_ASYNC'
            : 'HELD';
    } else value = clean && !modified ? 'IDLE_CLEAN' : 'IDLE_DIRTY';
    return {
      value,
      context: {
        busy,
        wanted: (f & PG_WANTED) !== 0,
        clean,
        modified,
        released: (f & PG_RELEASED) !== 0,
        fake,
        queue: (f & PQ_ACTIVE) !== 0 ? QUEUE_ACTIVE : (f & PQ_INACTIVE) !== 0 ? QUEUE_INACTIVE : QUEUE_NONE,
        wires: obj.wire_count,
      },
    };
  },
};
