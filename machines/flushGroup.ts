/**
 * A HAMMER flush group (`struct hammer_flush_group`): open (filling), closed (queued), running
 * (the flusher's passes) and done (freed), with its member count (flush_tree) and record load
 * (refs). Protocol analysis: spec/hammer_inode.md §3 (flush groups, the hammer_flusher_async and
 * backend contracts), §5.6 (group lifecycle), §6.3 (HFLG invariants).
 */
import { assign, setup } from 'xstate';
import type { HammerFlushGroupObject } from './hammerInode.ts';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

export type { HammerFlushGroupObject } from './hammerInode.ts';

export interface FlushGroupContext {
  /** flg->closed != 0. */
  closed: boolean;
  /** flg->running != 0. */
  running: boolean;
  /** Member inodes: the size of flg->flush_tree. */
  members: number;
  /** flg->refs: records in FLUSH state belonging to the group. */
  refs: number;
}

export type FlushGroupEvent =
  | { type: 'GROUP_ALLOC' }
  | { type: 'FLUSH_INODE_CORE' }
  | { type: 'RECORD_JOIN' }
  | { type: 'GROUP_CLOSE' }
  | { type: 'GROUP_RUN' }
  | { type: 'FLUSH_RECORD_DONE' }
  | { type: 'FLUSH_INODE_DONE' }
  | { type: 'GROUP_DONE' };

const F = 'hammer_inode.c';

/** Filling: the group accepts members and records while it is not running, open or closed. */
function fillTransitions(state: 'OPEN' | 'CLOSED') {
  return {
    FLUSH_INODE_CORE: {
      target: state,
      guard: 'belowMaxMembers' as const,
      actions: 'addMember' as const,
      description: 'hammer_flush_inode_core inserts an inode into flush_tree (++total_count); asserted not running',
      meta: { cite: [`${F}:2076-2081`, `${F}:2215-2216`] },
    },
    RECORD_JOIN: {
      target: state,
      guard: 'belowMaxRefs' as const,
      actions: 'addRef' as const,
      description: 'a record is placed in FLUSH in this group: ++flg->refs (owner scan or upward helper)',
      meta: { cite: [`${F}:2031-2034`, `${F}:2289-2292`, `${F}:2369-2372`, `${F}:2386-2389`] },
    },
  };
}

export function createFlushGroupMachine(maxCount: number) {
  return setup({
    types: {
      context: {} as FlushGroupContext,
      events: {} as FlushGroupEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** Bounds that keep the traversal graph finite (not kernel conditions). */
      belowMaxMembers: ({ context }) => context.members < maxCount,
      belowMaxRefs: ({ context }) => context.refs < maxCount,
      hasRefs: ({ context }) => context.refs > 0,
      hasMembers: ({ context }) => context.members > 0,
      /** B-6: the tree is empty and every record completed ([ext] upstream asserts refs == 0). */
      drained: ({ context }) => context.members === 0 && context.refs === 0,
    },
    actions: {
      addMember: assign({ members: ({ context }) => context.members + 1 }),
      dropMember: assign({ members: ({ context }) => context.members - 1 }),
      addRef: assign({ refs: ({ context }) => context.refs + 1 }),
      dropRef: assign({ refs: ({ context }) => context.refs - 1 }),
      close: assign({ closed: true }),
      run: assign({ running: true }),
    },
  }).createMachine({
    id: 'flushGroup',
    // Not allocated until hammer_flush_inode needs a new group.
    initial: 'FREE',
    context: { closed: false, running: false, members: 0, refs: 0 },
    states: {
      FREE: {
        description: 'not allocated: no struct hammer_flush_group exists yet',
        on: {
          GROUP_ALLOC: {
            target: 'OPEN',
            description:
              'hammer_flush_inode allocates a zeroed group when no fill group is usable, gives it the next seq and appends it to flush_group_list',
            meta: { cite: [`${F}:1755-1764`] },
          },
        },
      },
      OPEN: {
        description: 'closed == 0, running == 0: the fill or next group, accepting inodes and records',
        on: {
          ...fillTransitions('OPEN'),
          GROUP_CLOSE: {
            target: 'CLOSED',
            actions: 'close',
            description:
              'hammer_flusher_async closes and queues the group (over-full fill group, signalled flush, auto-flush, a waiter)',
            meta: { cite: [`${F}:1752-1753`, `${F}:1824-1827`, `${F}:1840-1843`, `${F}:2224-2229`, `${F}:2471-2482`] },
          },
        },
      },
      CLOSED: {
        description: 'closed == 1, running == 0: queued for the flusher; it still accepts members as long as it is not running',
        on: {
          ...fillTransitions('CLOSED'),
          GROUP_RUN: {
            target: 'RUNNING',
            actions: 'run',
            description: '[ext] the flusher starts the group at the head of the list once group_lock == 0: running = 1',
            meta: { cite: [`${F}:2069-2070`, `${F}:1739-1741`, `${F}:1747`] },
          },
        },
      },
      RUNNING: {
        description: 'running == 1: the flusher syncs every member per pass; no new members or records',
        on: {
          FLUSH_RECORD_DONE: {
            target: 'RUNNING',
            guard: 'hasRefs',
            actions: 'dropRef',
            description: '[ext] hammer_flush_record_done after the record sync: --flg->refs',
            meta: { cite: [`${F}:2859`] },
          },
          FLUSH_INODE_DONE: {
            target: 'RUNNING',
            guard: 'hasMembers',
            actions: 'dropMember',
            description: 'hammer_flush_inode_done without WOULDBLOCK removes the inode from flush_tree (WOULDBLOCK members stay for a re-run)',
            meta: { cite: [`${F}:2595-2612`] },
          },
          GROUP_DONE: {
            target: 'DONE',
            guard: 'drained',
            description: '[ext] end of the last pass: flush_tree empty and refs == 0, the group is unlinked and freed',
            meta: { cite: [`${F}:2597-2604`] },
          },
        },
      },
      DONE: {
        description: 'freed: unlinked from flush_group_list after its last pass',
        type: 'final',
      },
    },
  });
}

const show = (s: AbstractState): string =>
  `${s.value} closed=${s.context.closed} running=${s.context.running} members=${s.context.members} refs=${s.context.refs}`;

const stateInvariants: StateInvariant[] = [
  {
    id: 'HFLGM-01',
    states: ['DONE'],
    statement: 'DONE ⇒ flush_tree empty ∧ refs == 0: a group is freed only without members or flushing records (HFLG-08)',
    cite: [`${F}:2597-2604`, `${F}:2611`],
    check: (s) =>
      s.value !== 'DONE' || (s.context.members === 0 && s.context.refs === 0)
        ? null
        : `freed group still has members or records (${show(s)}): their flush_group dangles`,
  },
  {
    id: 'HFLGM-02',
    statement: 'members ≥ 0 ∧ refs ≥ 0: every removal follows its insertion (HFLG-01)',
    cite: [`${F}:2033`, `${F}:2611`],
    check: (s) =>
      Number(s.context.members) >= 0 && Number(s.context.refs) >= 0 ? null : `negative count (${show(s)})`,
  },
  {
    id: 'HFLGM-03',
    states: ['OPEN', 'CLOSED'],
    statement: 'OPEN ⇒ ¬closed ∧ ¬running; CLOSED ⇒ closed ∧ ¬running: a group that receives inodes is not running (HFLG-02)',
    cite: [`${F}:1747`, `${F}:2215`],
    check: (s) => {
      if (s.value === 'OPEN' && (s.context.closed || s.context.running)) return `OPEN with ${show(s)}`;
      if (s.value === 'CLOSED' && (!s.context.closed || s.context.running)) return `CLOSED with ${show(s)}`;
      return null;
    },
  },
  {
    id: 'HFLGM-04',
    states: ['RUNNING', 'DONE'],
    statement: 'RUNNING ∨ DONE ⇒ closed ∧ running: only closed groups are started (B-2)',
    cite: [`${F}:2069-2070`, `${F}:2473`],
    check: (s) =>
      (s.value !== 'RUNNING' && s.value !== 'DONE') || (s.context.closed && s.context.running)
        ? null
        : `${s.value} group that was never closed and started (${show(s)})`,
  },
];

export const flushGroup: MachineModule<HammerFlushGroupObject> = {
  name: 'flushGroup',
  object: 'struct hammer_flush_group (a HAMMER flush group)',
  description:
    'A flush group is allocated open by `hammer_flush_inode` when no fill group is usable, and fills with inodes ' +
    '(`hammer_flush_inode_core` inserts them into `flush_tree`) and records (each FLUSH record adds to `refs`). ' +
    '`hammer_flusher_async` closes and queues it; a closed group may still be filled until the flusher starts it ' +
    '(`running`), after which nothing joins. The flusher syncs every member per pass: completing inodes leave the ' +
    'tree, WOULDBLOCK ones stay for another pass, completed records drop `refs`; when the tree is empty and ' +
    '`refs == 0` the group is freed. Abstraction: state = DONE if the ghost `g_done`, else RUNNING if `running`, ' +
    'else CLOSED if `closed`, else OPEN; closed, running = the fields; members = `flush_tree` size; refs = ' +
    '`flg->refs` (both bounded at 2 for traversal).',
  machine: createFlushGroupMachine(2),
  conformanceMachine: createFlushGroupMachine(2 ** 30),
  events: [
    { type: 'GROUP_ALLOC' },
    { type: 'FLUSH_INODE_CORE' },
    { type: 'RECORD_JOIN' },
    { type: 'GROUP_CLOSE' },
    { type: 'GROUP_RUN' },
    { type: 'FLUSH_RECORD_DONE' },
    { type: 'FLUSH_INODE_DONE' },
    { type: 'GROUP_DONE' },
  ],
  stateInvariants,
  abstract(flg: HammerFlushGroupObject): AbstractState {
    return {
      value: !flg.g_allocated ? 'FREE' : flg.g_done ? 'DONE' : flg.running !== 0 ? 'RUNNING' : flg.closed !== 0 ? 'CLOSED' : 'OPEN',
      context: {
        closed: flg.closed !== 0,
        running: flg.running !== 0,
        members: flg.flush_tree.length,
        refs: flg.refs,
      },
    };
  },
};
