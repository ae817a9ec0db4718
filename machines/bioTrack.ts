/**
 * `struct bio_track` (vfs_bio.c:515-597): the in-flight I/O counter of a vnode, with a wait
 * flag in bit 31 of the same word so that releases and waiters synchronise with one CAS.
 * Protocol analysis: spec/vfs_bio_sync.md §3.1.
 */
import { assign, setup } from 'xstate';
import { BK_COUNT_MASK, BK_UNDERFLOW, BK_WAIT } from '../impl/kernel/sys.ts';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

export interface BioTrackContext {
  /** bk_active & 0x7FFFFFFF: in-flight tracked bios. */
  count: number;
  /** bk_active & 0x80000000: some waiter published its wait. */
  wait: boolean;
}

export type BioTrackEvent =
  | { type: 'TRACK_REF' }
  | { type: 'TRACK_REL_SHORTCUT' }
  | { type: 'TRACK_REL' }
  | { type: 'TRACK_SET_WAIT' };

/** The implementation object the machine abstracts. */
export interface BioTrackObject {
  bk_active: number;
}

/**
 * The bio_track machine with the reference count bounded by `maxCount` (TRACK_REF is disabled
 * at the bound). Small bounds make the graph finite for traversal and docs; the conformance
 * machine uses an effectively unbounded one.
 */
export function createBioTrackMachine(maxCount: number) {
  return setup({
    types: {
      context: {} as BioTrackContext,
      events: {} as BioTrackEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** The bound that keeps the traversal graph finite (not a kernel condition). */
      belowMax: ({ context }) => context.count < maxCount,
      /** This release drops the last reference. */
      lastRef: ({ context }) => context.count === 1,
      /** Other references remain after this release. */
      notLastRef: ({ context }) => context.count > 1,
    },
    actions: {
      takeRef: assign({ count: ({ context }) => context.count + 1 }),
      dropRef: assign({ count: ({ context }) => context.count - 1 }),
      // WAIT goes with the last reference in the same CAS (vfs_bio.c:544-546).
      dropLastRef: assign({ count: 0, wait: false }),
      publishWait: assign({ wait: true }),
    },
  }).createMachine({
    id: 'bioTrack',
    initial: 'idle',
    context: { count: 0, wait: false },
    states: {
      idle: {
        description: 'bk_active == 0: no tracked bio in flight, WAIT clear',
        on: {
          TRACK_REF: {
            target: 'active',
            actions: 'takeRef',
            description: 'vn_strategy records the track in the bio and takes the first reference (atomic add)',
            meta: { cite: ['vfs_bio.c:3386-3387'] },
          },
        },
      },
      active: {
        description: 'count ≥ 1, WAIT clear: I/O in flight, nobody waiting',
        on: {
          TRACK_REF: {
            target: 'active',
            guard: 'belowMax',
            actions: 'takeRef',
            description: 'vn_strategy takes another reference (atomic add)',
            meta: { cite: ['vfs_bio.c:3386-3387'] },
          },
          TRACK_REL_SHORTCUT: {
            target: 'idle',
            guard: 'lastRef',
            actions: 'dropLastRef',
            description: "bio_track_rel's fast path: cmpset 1 -> 0, no wakeup needed since WAIT is clear",
            meta: { cite: ['vfs_bio.c:532-534'] },
          },
          TRACK_REL: [
            {
              target: 'active',
              guard: 'notLastRef',
              actions: 'dropRef',
              description: "bio_track_rel's full cmpset: count - 1, WAIT (clear) carried over",
              meta: { cite: ['vfs_bio.c:543-553'] },
            },
            {
              target: 'idle',
              guard: 'lastRef',
              actions: 'dropLastRef',
              description: "bio_track_rel's full cmpset of the last reference: 1 -> 0 (after a failed or skipped shortcut)",
              meta: { cite: ['vfs_bio.c:543-553'] },
            },
          ],
          TRACK_SET_WAIT: {
            target: 'waited',
            actions: 'publishWait',
            description: "bio_track_wait's cmpset publishes WAIT against the nonzero word it read, after tsleep_interlock",
            meta: { cite: ['vfs_bio.c:585-589'] },
          },
        },
      },
      waited: {
        description: 'count ≥ 1, WAIT set: a waiter published its wait and sleeps or is about to',
        on: {
          TRACK_REF: {
            target: 'waited',
            guard: 'belowMax',
            actions: 'takeRef',
            description: 'vn_strategy takes another reference; WAIT stays set',
            meta: { cite: ['vfs_bio.c:3386-3387'] },
          },
          // No TRACK_REL_SHORTCUT: the word is 0x80000001 here, never 1 (vfs_bio.c:533).
          TRACK_REL: [
            {
              target: 'waited',
              guard: 'notLastRef',
              actions: 'dropRef',
              description: 'a non-final release keeps WAIT: desired |= active & 0x80000000; waiters are woken and re-arm',
              meta: { cite: ['vfs_bio.c:543-553', 'vfs_bio.c:545-546'] },
            },
            {
              target: 'idle',
              guard: 'lastRef',
              actions: 'dropLastRef',
              description: 'the last release drops WAIT in the same cmpset (bk_active never stays 0x80000000) and wakes the waiters',
              meta: { cite: ['vfs_bio.c:543-553', 'vfs_bio.c:537-538', 'vfs_bio.c:550-551'] },
            },
          ],
          TRACK_SET_WAIT: {
            target: 'waited',
            actions: 'publishWait',
            description: 'another (or a re-looping) waiter CASes a word that already has WAIT; the cmpset is not skipped (vfs_bio.c:581-582)',
            meta: { cite: ['vfs_bio.c:585-589', 'vfs_bio.c:581-582'] },
          },
        },
      },
    },
  });
}

/** The word an abstract state stands for, for messages. */
function word(s: AbstractState): string {
  const count = Number(s.context.count);
  const w = ((count & BK_COUNT_MASK) | (s.context.wait ? BK_WAIT : 0)) >>> 0;
  return '0x' + w.toString(16).padStart(8, '0');
}

const stateInvariants: StateInvariant[] = [
  {
    id: 'TRKM-01',
    states: ['idle'],
    statement: 'idle ⇒ count == 0 ∧ ¬WAIT: bk_active is never exactly 0x80000000 (WAIT is released atomically with the last reference)',
    cite: ['vfs_bio.c:518-520', 'vfs_bio.c:544-546'],
    check: (s) => {
      if (s.value !== 'idle') return null;
      if (s.context.count === 0 && s.context.wait === false) return null;
      return s.context.wait === true && s.context.count === 0
        ? `bk_active == ${word(s)}: the wait flag survived the last release, so bio_track_wait never sees 0`
        : `idle with bk_active == ${word(s)}`;
    },
  },
  {
    id: 'TRKM-02',
    states: ['active'],
    statement: 'active ⇒ count ≥ 1 ∧ ¬WAIT',
    cite: ['vfs_bio.c:3386-3387', 'vfs_bio.c:543-553'],
    check: (s) =>
      s.value !== 'active' || (Number(s.context.count) >= 1 && s.context.wait === false)
        ? null
        : `active with bk_active == ${word(s)}`,
  },
  {
    id: 'TRKM-03',
    states: ['waited'],
    statement: 'waited ⇒ count ≥ 1 ∧ WAIT: the wait flag may only be set while the count is nonzero',
    cite: ['vfs_bio.c:577-579', 'vfs_bio.c:585-589'],
    check: (s) =>
      s.value !== 'waited' || (Number(s.context.count) >= 1 && s.context.wait === true)
        ? null
        : `waited with bk_active == ${word(s)}`,
  },
  {
    id: 'TRKM-04',
    statement: 'the count never has bit 30 set (no underflow: more releases than references)',
    cite: ['vfs_bio.c:540-541', 'vfs_bio.c:548-549'],
    check: (s) =>
      (Number(s.context.count) & BK_UNDERFLOW) === 0
        ? null
        : `bk_active == ${word(s)}: count underflowed (bit 30 set), bio_track_rel panics "bad count"`,
  },
];

export const bioTrack: MachineModule<BioTrackObject> = {
  name: 'bioTrack',
  object: 'struct bio_track',
  description:
    'A `struct bio_track` counts the tracked bios in flight on a vnode (`v_track_read`, `v_track_write`) ' +
    'in bits 0-30 of `bk_active`; bit 31 is the WAIT flag that a thread in `bio_track_wait` publishes before ' +
    'sleeping until the count drains. Every operation is one atomic access to the same word: `vn_strategy` ' +
    'takes a reference with an atomic add, `bio_track_rel` releases with a compare-and-set (a 1 → 0 shortcut ' +
    'and a full loop that drops WAIT only together with the last reference and wakes the waiters), and ' +
    '`bio_track_wait` sets WAIT with a compare-and-set against the nonzero value it read, after ' +
    '`tsleep_interlock`. Abstraction: count = `bk_active & 0x7FFFFFFF`, wait = `bk_active & 0x80000000`, ' +
    'state = idle when the count is 0, else waited or active by the wait bit (so a stuck `0x80000000` ' +
    'abstracts to idle with wait set, which TRKM-01 rejects). The traversal bounds the count at 3.',
  machine: createBioTrackMachine(3),
  conformanceMachine: createBioTrackMachine(2 ** 30),
  events: [{ type: 'TRACK_REF' }, { type: 'TRACK_REL_SHORTCUT' }, { type: 'TRACK_REL' }, { type: 'TRACK_SET_WAIT' }],
  stateInvariants,
  abstract(obj: BioTrackObject): AbstractState {
    const w = obj.bk_active >>> 0; // unsigned 32-bit, whether stored signed or not
    const count = w & BK_COUNT_MASK;
    const wait = (w & BK_WAIT) !== 0;
    return { value: count === 0 ? 'idle' : wait ? 'waited' : 'active', context: { count, wait } };
  },
};
