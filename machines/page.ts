/**
 * A DragonFly VM page as vfs_bio.c drives it: residency, wiring, hard busy, the soft-busy I/O
 * count, valid/dirty contents, PG_NEED_COMMIT and bogus_page substitution.
 * Protocol analysis: spec/vfs_bio_sync.md §4 (page state, effects per function, VM-01..VM-14).
 */
import { assign, setup } from 'xstate';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** vm/vm_page.h constants as impl/env/vm.ts defines them (machines do not import the simulator). */
export const PQ_FREE = 1;
export const PG_NEED_COMMIT = 0x0001;

export interface PageContext {
  /** Hard busy (PBUSY_LOCKED) held by some thread. */
  busy: boolean;
  /** Soft-busy I/O count (busy_count & PBUSY_MASK). */
  sbusy: number;
  /** wire_count. */
  wires: number;
  /** valid bits (one DEV_BSIZE unit per page in the model). */
  valid: boolean;
  /** dirty bits, with the pmap modified bit folded in. */
  dirty: boolean;
  /** flags & PG_NEED_COMMIT. */
  needCommit: boolean;
  /** Buffer slots where bogus_page stands in for this page (ghost g_bogus). */
  bogus: number;
}

export type PageEvent =
  | { type: 'ALLOC' }
  | { type: 'FREE' }
  | { type: 'BUSY' }
  | { type: 'UNBUSY' }
  | { type: 'WIRE' }
  | { type: 'UNWIRE' }
  | { type: 'IO_START' }
  | { type: 'IO_FINISH' }
  | { type: 'SET_VALIDCLEAN' }
  | { type: 'SET_INVALID' }
  | { type: 'SET_VALID' }
  | { type: 'USER_STORE' }
  | { type: 'NEED_COMMIT' }
  | { type: 'BOGUS_SUBST' }
  | { type: 'BOGUS_RESTORE' };

/** The implementation object the machine abstracts (impl/env/vm.ts VmPage; not bogus_page). */
export interface PageObject {
  queue: number;
  valid: number;
  dirty: number;
  flags: number;
  wire_count: number;
  busy: object | null;
  busy_count: number;
  g_bogus: number;
}

/**
 * Transitions on a page's hard busy and contents. A resident (unwired) page is touched by
 * vfs_bio.c only through the busy protocol and a user store through a mapping: the content
 * changes the seed makes (clean, invalidate, clrbuf, need-commit) all go through a buffer, which
 * holds the page wired (`wired` = true adds them). vm_page_set_validdirty is called only from
 * vfs_dirty_one_page, compiled out in the seed (vfs_bio.c:103-105), so it has no transition.
 */
function contentTransitions(wired: boolean) {
  const shared = {
    BUSY: {
      guard: 'notBusy' as const,
      actions: 'takeBusy' as const,
      description: 'a thread hard-busies the page (vm_page_busy_try / busy_wait / lookup_busy_try)',
      meta: { cite: ['vfs_bio.c:3887', 'vfs_bio.c:3130-3131', 'vfs_bio.c:1774', 'vfs_bio.c:3655'] },
    },
    UNBUSY: {
      guard: 'isBusy' as const,
      actions: 'releaseBusy' as const,
      description: 'vm_page_wakeup releases the hard busy (or vm_page_try_to_cache consumes it)',
      meta: { cite: ['vfs_bio.c:3988', 'vfs_bio.c:3688', 'vfs_bio.c:1838', 'vfs_bio.c:1830'] },
    },
    USER_STORE: {
      guard: 'storable' as const,
      actions: 'markValidDirty' as const,
      description:
        'a user store through a mapping dirties the page; during I/O the page is soft-busied and write-protected (the store faults and waits)',
      meta: { cite: ['vfs_bio.c:3949', 'vfs_bio.c:3899-3906'] },
    },
  };
  const throughBuffer = {
    SET_VALIDCLEAN: {
      actions: 'markValidClean' as const,
      description:
        'vfs_clean_one_page: the range becomes valid and clean (bdwrite without the page busy, write issue and read completion with it)',
      meta: { cite: ['vfs_bio.c:4149', 'vfs_bio.c:4144-4146', 'vfs_bio.c:3950', 'vfs_bio.c:3656-3657'] },
    },
    SET_INVALID: {
      actions: 'markInvalid' as const,
      description: 'brelse of a NOCACHE or ERROR buffer: vm_page_set_invalid clears the valid and dirty bits of its range',
      meta: { cite: ['vfs_bio.c:1481-1502'] },
    },
    SET_VALID: {
      actions: 'markValid' as const,
      description: 'vfs_bio_clrbuf zeroes the invalid chunks and ORs the valid bits in directly, without the page busy',
      meta: { cite: ['vfs_bio.c:4215', 'vfs_bio.c:4240'] },
    },
    NEED_COMMIT: {
      actions: 'markNeedCommit' as const,
      description: 'buwrite marks every page of a clean VMIO buffer need-commit: the pages carry the dirtiness',
      meta: { cite: ['vfs_bio.c:1144-1147'] },
    },
  };
  return wired ? { ...shared, ...throughBuffer } : shared;
}

/**
 * The page machine with wire_count bounded by `maxWires` (WIRE is disabled at the bound; the
 * soft-busy and bogus counts never exceed the wirings). The conformance machine uses an
 * effectively unbounded one.
 */
export function createPageMachine(maxWires: number) {
  return setup({
    types: {
      context: {} as PageContext,
      events: {} as PageEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      notBusy: ({ context }) => !context.busy,
      isBusy: ({ context }) => context.busy,
      /**
       * vm_page_try_to_free / try_to_cache free only an unbusied, unwired page without soft
       * busy, dirty bits or PG_NEED_COMMIT (vfs_bio.c:1804).
       */
      freeable: ({ context }) =>
        !context.busy && context.sbusy === 0 && context.wires === 0 && !context.dirty && !context.needCommit,
      /** allocbuf wires a page it holds busy; the bound keeps the traversal graph finite. */
      canWire: ({ context }) => context.busy && context.wires < maxWires,
      /**
       * A buffer drops its wiring while holding the page busy (vfs_bio.c:1774, vfs_bio.c:3072).
       * That buffer has no I/O in flight and no bogus slot, so the I/Os and bogus slots of the
       * other buffers keep their wirings: wires − 1 ≥ sbusy and wires − 1 ≥ bogus.
       */
      unwireKeepsWired: ({ context }) =>
        context.busy && context.wires > 1 && context.wires > context.sbusy && context.wires > context.bogus,
      /** The last wiring goes: nothing soft-busies or substitutes the page any more. */
      unwireLast: ({ context }) => context.busy && context.wires === 1 && context.sbusy === 0 && context.bogus === 0,
      /**
       * vfs_busy_pages adds the I/O's soft busy while holding every page busy; the issuing
       * buffer holds a wiring of its own that no other I/O uses: sbusy < wires.
       */
      canStartIo: ({ context }) => context.busy && context.sbusy < context.wires,
      /** bpdone/vfs_unbusy_pages finish one I/O (bpdone panics at 0, vfs_bio.c:3665-3686). */
      ioInFlight: ({ context }) => context.sbusy > 0,
      /** Stores through a mapping respect the busy protocol during I/O (write-protection, soft busy). */
      storable: ({ context }) => !context.busy && context.sbusy === 0,
      /**
       * vfs_busy_pages substitutes a fully valid page of a READ while holding it busy; the
       * substituting buffer keeps the original wired (vfs_bio.c:1416-1420): bogus < wires.
       */
      canSubstitute: ({ context }) => context.busy && context.valid && context.bogus < context.wires,
      hasBogus: ({ context }) => context.bogus > 0,
    },
    actions: {
      // vm_page_alloc: a new, busied page; valid, dirty and flags zero.
      allocate: assign({ busy: true, valid: false, dirty: false, needCommit: false }),
      release: assign({ valid: false, dirty: false, needCommit: false }),
      takeBusy: assign({ busy: true }),
      releaseBusy: assign({ busy: false }),
      wire: assign({ wires: ({ context }) => context.wires + 1 }),
      unwire: assign({ wires: ({ context }) => context.wires - 1 }),
      ioStart: assign({ sbusy: ({ context }) => context.sbusy + 1 }),
      ioFinish: assign({ sbusy: ({ context }) => context.sbusy - 1 }),
      markValidClean: assign({ valid: true, dirty: false }),
      markValidDirty: assign({ valid: true, dirty: true }),
      markInvalid: assign({ valid: false, dirty: false }),
      markValid: assign({ valid: true }),
      markNeedCommit: assign({ needCommit: true }),
      substitute: assign({ bogus: ({ context }) => context.bogus + 1 }),
      restore: assign({ bogus: ({ context }) => context.bogus - 1 }),
    },
  }).createMachine({
    id: 'page',
    // Every page structure starts on PQ_FREE: not resident (impl/env/vm.ts newVmPage).
    initial: 'free',
    context: { busy: false, sbusy: 0, wires: 0, valid: false, dirty: false, needCommit: false, bogus: 0 },
    states: {
      free: {
        description: 'PQ_FREE: not resident; vm_page_lookup does not find it; unbusied, unwired, invalid, clean',
        on: {
          ALLOC: {
            target: 'resident',
            actions: 'allocate',
            description: "bio_page_alloc's vm_page_alloc makes the page resident, busied, invalid, clean (allocbuf's grow path)",
            meta: { cite: ['vfs_bio.c:4289-4291', 'vfs_bio.c:3143-3146'] },
          },
        },
      },
      resident: {
        description: 'resident and unwired (on a paging queue): no buffer holds it',
        on: {
          ...contentTransitions(false),
          FREE: {
            target: 'free',
            guard: 'freeable',
            actions: 'release',
            description: 'vfs_vmio_release: vm_page_try_to_free (B_DIRECT) or try_to_cache frees an unwired, clean page',
            meta: { cite: ['vfs_bio.c:1806-1830'] },
          },
          WIRE: {
            target: 'wired',
            guard: 'canWire',
            actions: 'wire',
            description: "allocbuf's grow path wires the page it found or allocated busy, then unbusies it",
            meta: { cite: ['vfs_bio.c:3147-3148', 'vfs_bio.c:3159-3160'] },
          },
        },
      },
      wired: {
        description: 'wire_count ≥ 1: held in the page array of one or more buffers',
        on: {
          ...contentTransitions(true),
          WIRE: {
            target: 'wired',
            guard: 'canWire',
            actions: 'wire',
            description: "another buffer's allocbuf wires the page too (overlapping buffers)",
            meta: { cite: ['vfs_bio.c:3147-3148', 'vfs_bio.c:3159-3160'] },
          },
          UNWIRE: [
            {
              target: 'wired',
              guard: 'unwireKeepsWired',
              actions: 'unwire',
              description: 'a buffer drops its wiring (vfs_vmio_release, allocbuf shrink); other buffers still hold the page',
              meta: { cite: ['vfs_bio.c:1795-1798', 'vfs_bio.c:3072-3075'] },
            },
            {
              target: 'resident',
              guard: 'unwireLast',
              actions: 'unwire',
              description: 'the last wiring goes: vm_page_unwire puts the page on the active or inactive queue',
              meta: { cite: ['vfs_bio.c:1795-1798', 'vfs_bio.c:3072-3075'] },
            },
          ],
          IO_START: {
            target: 'wired',
            guard: 'canStartIo',
            actions: 'ioStart',
            description: 'vfs_busy_pages: vm_page_io_start (and pip_add) for every page of a non-cluster buffer, holding them all busy',
            meta: { cite: ['vfs_bio.c:3899-3906'] },
          },
          IO_FINISH: {
            target: 'wired',
            guard: 'ioInFlight',
            actions: 'ioFinish',
            description: 'bpdone or vfs_unbusy_pages: vm_page_io_finish after restoring any bogus slot',
            meta: { cite: ['vfs_bio.c:3665-3687', 'vfs_bio.c:3829'] },
          },
          BOGUS_SUBST: {
            target: 'wired',
            guard: 'canSubstitute',
            actions: 'substitute',
            description: 'vfs_busy_pages for a READ replaces a fully valid page by bogus_page, so the device cannot clobber it',
            meta: { cite: ['vfs_bio.c:3952-3967'] },
          },
          BOGUS_RESTORE: {
            target: 'wired',
            guard: 'hasBogus',
            actions: 'restore',
            description: 'bpdone, vfs_unbusy_pages or brelse looks the original up again and puts it back in the slot',
            meta: { cite: ['vfs_bio.c:3631-3637', 'vfs_bio.c:3821-3826', 'vfs_bio.c:1422-1438'] },
          },
        },
      },
    },
  });
}

const show = (s: AbstractState): string => {
  const c = s.context;
  return `${s.value} busy=${c.busy} sbusy=${c.sbusy} wires=${c.wires} valid=${c.valid} dirty=${c.dirty} needCommit=${c.needCommit} bogus=${c.bogus}`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'PGM-01',
    states: ['free'],
    statement: 'free ⇒ ¬busy ∧ sbusy = 0 ∧ wires = 0 ∧ bogus = 0 ∧ ¬valid ∧ ¬dirty ∧ ¬needCommit: only a disposable page is freed, and freeing forgets its contents',
    cite: ['vfs_bio.c:1804', 'vfs_bio.c:1806-1830'],
    check: (s) => {
      if (s.value !== 'free') return null;
      const c = s.context;
      if (c.busy || c.sbusy !== 0 || c.wires !== 0 || c.bogus !== 0) return `free page still in use (${show(s)})`;
      if (c.dirty || c.needCommit) return `free page with unwritten data (${show(s)}): the data is lost`;
      return c.valid ? `free page with valid contents (${show(s)})` : null;
    },
  },
  {
    id: 'PGM-02',
    statement: 'bogus ≤ wires: a buffer that substitutes bogus_page keeps the original wired, so bogus > 0 ⇒ wired (VM-01, VM-03)',
    cite: ['vfs_bio.c:1416-1420', 'vfs_bio.c:3625-3628', 'vfs_bio.c:3816-3819'],
    check: (s) =>
      Number(s.context.bogus) <= Number(s.context.wires)
        ? null
        : `more bogus slots than wirings (${show(s)}): restoring the original may find it gone ("page missing" panic)`,
  },
  {
    id: 'PGM-03',
    statement: 'sbusy ≤ wires: each I/O soft-busying the page belongs to a buffer that holds it wired, so sbusy > 0 ⇒ not free (VM-05)',
    cite: ['vfs_bio.c:3899-3906', 'vfs_bio.c:3687', 'vfs_bio.c:3829'],
    check: (s) =>
      Number(s.context.sbusy) <= Number(s.context.wires) ? null : `soft-busy count above the wirings (${show(s)})`,
  },
  {
    id: 'PGM-04',
    statement: 'needCommit ⇒ not free: a need-commit page carries data the buffer does not (VM-14)',
    cite: ['vfs_bio.c:1144-1147', 'vfs_bio.c:1804'],
    check: (s) => (s.value !== 'free' || !s.context.needCommit ? null : `free page with PG_NEED_COMMIT (${show(s)})`),
  },
  {
    id: 'PGM-05',
    statement: 'dirty ⇒ valid: dirty bits only cover valid contents (vm_page_set_invalid clears both)',
    cite: ['vfs_bio.c:1481-1502', 'vfs_bio.c:4149'],
    check: (s) => (!s.context.dirty || s.context.valid ? null : `dirty page without valid contents (${show(s)})`),
  },
  {
    id: 'PGM-06',
    states: ['resident', 'wired'],
    statement: 'wired ⇔ wires > 0 for a resident page: vm_page_wire takes it off the paging queues, the last vm_page_unwire puts it back',
    cite: ['vfs_bio.c:1795-1798', 'vfs_bio.c:3147'],
    check: (s) =>
      s.value === 'free' || (s.value === 'wired') === Number(s.context.wires) > 0 ? null : `${s.value} with wire_count ${s.context.wires}`,
  },
];

export const page: MachineModule<PageObject> = {
  name: 'page',
  object: 'a VM page (struct vm_page) as vfs_bio.c drives it',
  description:
    "A page of a vnode's VM object is free (not resident), resident on a paging queue, or wired into the page " +
    "arrays of buffers. allocbuf's grow path looks a page up or allocates it (busied), wires it and unbusies it; " +
    'vfs_vmio_release and the shrink path unwire it while holding it busy, and an unwired, clean page without ' +
    'PG_NEED_COMMIT may then be freed. For I/O, vfs_busy_pages hard-busies all pages of the buffer, adds one soft ' +
    'busy per page (the I/O count) and, for a READ, substitutes `bogus_page` for every fully valid page so the ' +
    "device cannot overwrite it; bpdone (or vfs_unbusy_pages) restores the originals, which the buffer kept wired, " +
    'and drops the soft busy. Contents: valid/dirty change through vfs_clean_one_page, brelse\'s invalidation, ' +
    "vfs_bio_clrbuf, buwrite's need-commit and user stores through mappings. Abstraction: state = free if " +
    '`queue == PQ_FREE`, else wired if `wire_count > 0`, else resident; busy = hard busy held; sbusy = ' +
    '`busy_count`; wires = `wire_count`; valid, dirty = nonzero bits; needCommit = `PG_NEED_COMMIT`; bogus = ' +
    '`g_bogus` (a count, not a flag: a restore leaves the page substituted while another buffer still has a bogus ' +
    'slot for it). `bogus_page` itself is not abstracted. The traversal bounds the wirings at 2.',
  machine: createPageMachine(2),
  conformanceMachine: createPageMachine(2 ** 30),
  events: [
    { type: 'ALLOC' },
    { type: 'FREE' },
    { type: 'BUSY' },
    { type: 'UNBUSY' },
    { type: 'WIRE' },
    { type: 'UNWIRE' },
    { type: 'IO_START' },
    { type: 'IO_FINISH' },
    { type: 'SET_VALIDCLEAN' },
    { type: 'SET_INVALID' },
    { type: 'SET_VALID' },
    { type: 'USER_STORE' },
    { type: 'NEED_COMMIT' },
    { type: 'BOGUS_SUBST' },
    { type: 'BOGUS_RESTORE' },
  ],
  stateInvariants,
  abstract(obj: PageObject): AbstractState {
    return {
      value: obj.queue === PQ_FREE ? 'free' : obj.wire_count > 0 ? 'wired' : 'resident',
      context: {
        busy: obj.busy !== null,
        sbusy: obj.busy_count,
        wires: obj.wire_count,
        valid: obj.valid !== 0,
        dirty: obj.dirty !== 0,
        needCommit: (obj.flags & PG_NEED_COMMIT) !== 0,
        bogus: obj.g_bogus,
      },
    };
  },
};
