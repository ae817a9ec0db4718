/**
 * A HAMMER in-memory record (`struct hammer_record`) as hammer_inode.c flushes it: `flush_state`,
 * `type` (GENERAL / ADD / DEL / DATA), the flags DELETED_FE, DELETED_BE, COMMITTED, INTERLOCK_BE,
 * the target link and the flush-group placement. Protocol analysis: spec/hammer_inode.md §2
 * (record state), §5.5 (record flush lifecycle), §6.2 (HREC invariants).
 */
import { assign, setup } from 'xstate';
import { HAMMER_FST_FLUSH, HAMMER_FST_IDLE, HAMMER_FST_SETUP, type HammerFlushGroupObject } from './hammerInode.ts';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** hammer_record_type_t (hammer.h enum order). */
export const HAMMER_MEM_RECORD_GENERAL = 0;
export const HAMMER_MEM_RECORD_INODE = 1;
export const HAMMER_MEM_RECORD_ADD = 2;
export const HAMMER_MEM_RECORD_DEL = 3;
export const HAMMER_MEM_RECORD_DATA = 4;

/** record->flags (hammer.h). */
export const HAMMER_RECF_ALLOCDATA = 0x0001;
export const HAMMER_RECF_ONRBTREE = 0x0002;
export const HAMMER_RECF_DELETED_FE = 0x0004;
export const HAMMER_RECF_DELETED_BE = 0x0008;
export const HAMMER_RECF_COMMITTED = 0x0010;
export const HAMMER_RECF_INTERLOCK_BE = 0x0020;
export const HAMMER_RECF_WANTED = 0x0040;
export const HAMMER_RECF_CONVERT_DELETE = 0x0100;
export const HAMMER_RECF_REDO = 0x1000;

/** The implementation object the machine abstracts: `struct hammer_record` (not the transient INODE record). */
export interface HammerRecordObject {
  flush_state: number;
  flush_group: HammerFlushGroupObject | null;
  type: number;
  flags: number;
  /** The owner (record->ip); only its flush_group is read. */
  ip: { flush_group: HammerFlushGroupObject | null } | null;
  target_ip: object | null;
}

export interface HammerRecordContext {
  /** record->type: GENERAL 0, ADD 2, DEL 3, DATA 4 (INODE records are not modelled). */
  type: number;
  deletedFe: boolean;
  deletedBe: boolean;
  committed: boolean;
  interlockBe: boolean;
  /** target_ip != NULL (linked into the target's target_list). */
  target: boolean;
  /** flush_group != NULL. */
  inGroup: boolean;
  /** flush_group != NULL and == record->ip->flush_group. */
  ownerGroup: boolean;
}

export type HammerRecordEvent =
  | { type: 'MEM_ADD_GENERAL' }
  | { type: 'MEM_ADD_DATA' }
  | { type: 'IP_ADD_DIRECTORY' }
  | { type: 'IP_DEL_DIRECTORY' }
  | { type: 'DELETE_FE' }
  | { type: 'SETUP_CHILD' }
  | { type: 'SETUP_PARENT' }
  | { type: 'SYNC_RECORD' }
  | { type: 'SYNC_RECORD_DISPOSE' }
  | { type: 'RECORD_CONVERTED' }
  | { type: 'RECORD_COMMITTED' }
  | { type: 'TARGET_PRUNE' }
  | { type: 'FLUSH_RECORD_GROUP_DONE' }
  | { type: 'FLUSH_RECORD_DONE' }
  | { type: 'RECORD_UNINTERLOCK' }
  | { type: 'REL_MEM_RECORD' };

const F = 'hammer_inode.c';

const deleteFe = {
  guard: 'canDeleteFe' as const,
  actions: 'markDeletedFe' as const,
  description:
    'the frontend deletes the record (PFS replace, [ext] unlink/truncate): DELETED_FE, never under INTERLOCK_BE and never on a DEL',
  meta: { cite: [`${F}:1092-1099`, `${F}:2255-2258`, `${F}:2784-2785`] },
};

const release = {
  target: 'DEAD' as const,
  guard: 'releasable' as const,
  actions: 'unlinkTarget' as const,
  description:
    '[ext] hammer_rel_mem_record destroys a deleted or committed record at its last reference (also the deleted-inode cleanup and the teardown): unlinked from target_list and rec_tree',
  meta: { cite: [`${F}:1338`, `${F}:1556-1574`, `${F}:3157-3164`] },
};

export function createHammerRecordMachine() {
  return setup({
    types: {
      context: {} as HammerRecordContext,
      events: {} as HammerRecordEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      canDeleteFe: ({ context }) => !context.interlockBe && !context.deletedFe && context.type !== HAMMER_MEM_RECORD_DEL,
      /** The owner scan skips records deleted or committed (hammer_inode.c:2264-2273). */
      /** Placeable by the owner's scan: live, and not still finishing a previous flush (INTERLOCK_BE: its owner is FLUSH in the running group, so no scan reaches it). */
      live: ({ context }) => !context.interlockBe && !context.deletedFe && !context.deletedBe && !context.committed,
      /** Placeable by the target's upward helper: not still finishing a previous flush (no deletion check, A-15). */
      notInterlocked: ({ context }) => !context.interlockBe,
      /** The backend syncs a record of its owner's group only; a mismatch is skipped (hammer_inode.c:2704-2711). */
      canInterlock: ({ context }) => context.ownerGroup && !context.interlockBe,
      /** DATA/GENERAL of a DELETING owner, or a frontend-deleted non-ADD: disposed of without I/O. */
      disposable: ({ context }) =>
        context.interlockBe &&
        !context.deletedBe &&
        !context.committed &&
        (context.type === HAMMER_MEM_RECORD_DATA || context.type === HAMMER_MEM_RECORD_GENERAL),
      /** A frontend-deleted ADD is written and converted into a DEL (CONVERT_DELETE). */
      convertible: ({ context }) => context.interlockBe && context.type === HAMMER_MEM_RECORD_ADD && context.deletedFe,
      /** A live record is written to the media B-Tree. */
      committable: ({ context }) => context.interlockBe && !context.deletedFe && !context.deletedBe && !context.committed,
      prunable: ({ context }) => context.target && !context.deletedFe,
      /** [ext] hammer_flush_record_done: dead or untargeted records go IDLE. */
      hasTarget: ({ context }) => context.target,
      groupDone: ({ context }) => context.interlockBe && context.inGroup,
      doneIdle: ({ context }) => context.interlockBe && !context.inGroup && !context.target,
      doneSetup: ({ context }) => context.interlockBe && !context.inGroup && !context.deletedBe && !context.committed && context.target,
      interlocked: ({ context }) => context.interlockBe,
      releasable: ({ context }) => !context.interlockBe && (context.deletedFe || context.deletedBe || context.committed),
    },
    actions: {
      typeGeneral: assign({ type: HAMMER_MEM_RECORD_GENERAL }),
      typeData: assign({ type: HAMMER_MEM_RECORD_DATA }),
      typeAdd: assign({ type: HAMMER_MEM_RECORD_ADD, target: true }),
      typeDel: assign({ type: HAMMER_MEM_RECORD_DEL, target: true }),
      markDeletedFe: assign({ deletedFe: true }),
      /** record->flush_state = FLUSH, flush_group = the owner's group, ++flg->refs, +1 record ref. */
      placeInOwnerGroup: assign({ inGroup: true, ownerGroup: true }),
      interlock: assign({ interlockBe: true }),
      dispose: assign({ deletedBe: true }),
      /** [ext] the ADD is written, then turned into a DEL: FE cleared, not committed. */
      convertToDel: assign({ type: HAMMER_MEM_RECORD_DEL, deletedFe: false }),
      /** [ext] COMMITTED; a DEL is also DELETED_BE. */
      commit: assign({
        committed: true,
        deletedBe: ({ context }) => context.deletedBe || context.type === HAMMER_MEM_RECORD_DEL,
      }),
      unlinkTarget: assign({ target: false }),
      /** [ext] hammer_flush_record_done: --flg->refs, record->flush_group = NULL. */
      leaveGroup: assign({ inGroup: false, ownerGroup: false }),
      /** [ext] hammer_flush_record_done ends: INTERLOCK_BE cleared (after the tests, which may sleep). */
      uninterlock: assign({ interlockBe: false }),
    },
  }).createMachine({
    id: 'hammerRecord',
    // [ext] hammer_alloc_mem_record: an IDLE record not yet on any rec_tree.
    initial: 'NEW',
    context: {
      type: HAMMER_MEM_RECORD_GENERAL,
      deletedFe: false,
      deletedBe: false,
      committed: false,
      interlockBe: false,
      target: false,
      inGroup: false,
      ownerGroup: false,
    },
    states: {
      NEW: {
        description: 'allocated (flush_state IDLE) but not yet inserted into its owner\'s rec_tree (no RECF_ONRBTREE)',
        on: {
          MEM_ADD_GENERAL: {
            target: 'IDLE',
            actions: 'typeGeneral',
            description: 'a GENERAL record (the PFS record) is inserted into rec_tree by hammer_ip_add_record',
            meta: { cite: [`${F}:1108-1117`] },
          },
          MEM_ADD_DATA: {
            target: 'IDLE',
            actions: 'typeData',
            description: '[ext] a DATA record is inserted into rec_tree (bulk data; the only type allowed REDO)',
            meta: { cite: [`${F}:2834-2835`, `${F}:1640`] },
          },
          IP_ADD_DIRECTORY: {
            target: 'SETUP',
            actions: 'typeAdd',
            description: "[ext] hammer_ip_add_directory: an ADD record in the parent's rec_tree, linked into the child's target_list",
            meta: { cite: [`${F}:1848-1850`, `${F}:1908-1909`, `${F}:2305-2306`] },
          },
          IP_DEL_DIRECTORY: {
            target: 'SETUP',
            actions: 'typeDel',
            description: "[ext] hammer_ip_del_directory: a DEL record in the parent's rec_tree, linked into the child's target_list",
            meta: { cite: [`${F}:1848-1850`, `${F}:1908-1909`, `${F}:2305-2306`] },
          },
        },
      },
      IDLE: {
        description: 'HAMMER_FST_IDLE in rec_tree: no target, no flush group',
        on: {
          DELETE_FE: { target: 'IDLE', ...deleteFe },
          RECORD_UNINTERLOCK: {
            target: 'IDLE',
            guard: 'interlocked',
            actions: 'uninterlock',
            description: '[ext] hammer_flush_record_done clears INTERLOCK_BE once the record is IDLE/SETUP again (waiters woken, the FLUSH reference released next)',
            meta: { cite: [`${F}:2859`, `${F}:2714-2715`] },
          },
          SETUP_CHILD: {
            target: 'FLUSH',
            guard: 'live',
            actions: 'placeInOwnerGroup',
            description: "the owner's scan (hammer_setup_child_callback) puts a live untargeted record into the owner's group",
            meta: { cite: [`${F}:2264-2273`, `${F}:2279-2292`] },
          },
          REL_MEM_RECORD: release,
        },
      },
      SETUP: {
        description: 'HAMMER_FST_SETUP: a directory-entry record linked into a (non-IDLE) target inode\'s target_list',
        on: {
          DELETE_FE: { target: 'SETUP', ...deleteFe },
          RECORD_UNINTERLOCK: {
            target: 'SETUP',
            guard: 'interlocked',
            actions: 'uninterlock',
            description: '[ext] hammer_flush_record_done clears INTERLOCK_BE once the record is IDLE/SETUP again (waiters woken, the FLUSH reference released next)',
            meta: { cite: [`${F}:2859`, `${F}:2714-2715`] },
          },
          SETUP_CHILD: {
            target: 'FLUSH',
            guard: 'live',
            actions: 'placeInOwnerGroup',
            description: "the owner's scan places the record in the owner's group and pulls the target in with RECURSION",
            meta: { cite: [`${F}:2264-2273`, `${F}:2318`, `${F}:2348`, `${F}:2365-2374`, `${F}:2382-2391`] },
          },
          SETUP_PARENT: {
            target: 'FLUSH',
            guard: 'notInterlocked',
            actions: 'placeInOwnerGroup',
            description: "the target's upward helper places the record in flg once its parent is FLUSH in flg (no deletion check, A-15)",
            meta: { cite: [`${F}:2025-2034`] },
          },
          REL_MEM_RECORD: release,
        },
      },
      FLUSH: {
        description: "HAMMER_FST_FLUSH: in a flush group (its owner's), holding one record reference and one flg->refs",
        on: {
          DELETE_FE: { target: 'FLUSH', ...deleteFe },
          SYNC_RECORD: {
            target: 'FLUSH',
            guard: 'canInterlock',
            actions: 'interlock',
            description: 'hammer_sync_record_callback checks the group and sets INTERLOCK_BE (asserted clear)',
            meta: { cite: [`${F}:2704-2711`, `${F}:2721-2722`] },
          },
          SYNC_RECORD_DISPOSE: {
            target: 'FLUSH',
            guard: 'disposable',
            actions: 'dispose',
            description: 'the backend disposes of a DATA/GENERAL record of a DELETING owner (or a frontend-deleted one) without I/O: DELETED_BE',
            meta: { cite: [`${F}:2741-2759`, `${F}:2800-2810`] },
          },
          RECORD_CONVERTED: {
            target: 'FLUSH',
            guard: 'convertible',
            actions: 'convertToDel',
            description: 'a frontend-deleted ADD is written with CONVERT_DELETE and [ext] turned into a DEL',
            meta: { cite: [`${F}:2793-2799`, `${F}:2854`] },
          },
          RECORD_COMMITTED: {
            target: 'FLUSH',
            guard: 'committable',
            actions: 'commit',
            description: 'the record is written to the media B-Tree: [ext] COMMITTED (a DEL also DELETED_BE)',
            meta: { cite: [`${F}:2811-2853`] },
          },
          TARGET_PRUNE: {
            target: 'FLUSH',
            guard: 'hasTarget',
            actions: 'unlinkTarget',
            description:
              "the record leaves its target's target_list: the target's backend nlinks pass (same group, not frontend-deleted), or [ext] hammer_flush_record_done for a deleted or committed record",
            meta: { cite: [`${F}:2928-2934`, `${F}:2859`] },
          },
          FLUSH_RECORD_GROUP_DONE: {
            target: 'FLUSH',
            guard: 'groupDone',
            actions: 'leaveGroup',
            description: '[ext] hammer_flush_record_done starts: --flg->refs, record->flush_group = NULL (the record is still FLUSH and interlocked)',
            meta: { cite: [`${F}:2859`] },
          },
          FLUSH_RECORD_DONE: [
            {
              target: 'IDLE',
              guard: 'doneIdle',
              description: '[ext] hammer_flush_record_done: deleted, committed or untargeted records go IDLE (a dead record\'s target unlinked and tested first)',
              meta: { cite: [`${F}:2859`] },
            },
            {
              target: 'SETUP',
              guard: 'doneSetup',
              description: '[ext] hammer_flush_record_done: a live record still linked to its target goes back to SETUP (owner and target tested next)',
              meta: { cite: [`${F}:2859`] },
            },
          ],
        },
      },
      DEAD: {
        description: 'destroyed: off rec_tree and target_list, deleted or committed',
        type: 'final',
      },
    },
  });
}

const TYPE_NAMES: Record<number, string> = { 0: 'GENERAL', 1: 'INODE', 2: 'ADD', 3: 'DEL', 4: 'DATA' };

const show = (s: AbstractState): string => {
  const c = s.context;
  const on = Object.keys(c)
    .filter((k) => c[k] === true)
    .join(',');
  return `${s.value} ${TYPE_NAMES[Number(c.type)] ?? c.type} [${on}]`;
};

const stateInvariants: StateInvariant[] = [
  {
    id: 'HRECM-01',
    states: ['FLUSH'],
    statement:
      "FLUSH ⇒ flush_group ≠ NULL ∧ flush_group == record->ip->flush_group: a FLUSH record belongs to its owner's group (HREC-01, without the vestigial directory exception A-6), except during its completion, which has already left the group while the record is still FLUSH and interlocked",
    cite: [`${F}:2279-2292`, `${F}:2369-2371`, `${F}:2386-2388`, `${F}:2025-2033`, `${F}:2704-2711`, `${F}:2859`],
    check: (s) =>
      s.value !== 'FLUSH' || (s.context.inGroup && s.context.ownerGroup) || (!s.context.inGroup && s.context.interlockBe)
        ? null
        : `FLUSH record outside its owner's group (${show(s)}): the backend skips it and the group's refs never drain`,
  },
  {
    id: 'HRECM-02',
    statement: '¬FLUSH ⇒ flush_group == NULL: the group is set together with FLUSH and cleared at record completion',
    cite: [`${F}:2289-2291`, `${F}:2031-2033`, `${F}:2859`],
    check: (s) =>
      s.value === 'FLUSH' || (!s.context.inGroup && !s.context.ownerGroup)
        ? null
        : `${s.value} record with a flush group (${show(s)}): flg->refs leaks`,
  },
  {
    id: 'HRECM-03',
    statement:
      'INTERLOCK_BE ⇒ FLUSH, or IDLE/SETUP out of any group: the backend interlock exists only inside the sync of a flushing record and its completion (HREC-07), never on a destroyed one',
    cite: [`${F}:2721-2722`, `${F}:1092-1096`, `${F}:2859`],
    check: (s) =>
      !s.context.interlockBe || s.value === 'FLUSH' || ((s.value === 'IDLE' || s.value === 'SETUP') && !s.context.inGroup)
        ? null
        : `INTERLOCK_BE on a ${s.value} record (${show(s)})`,
  },
  {
    id: 'HRECM-04',
    states: ['IDLE', 'SETUP'],
    statement: 'IDLE ⇒ target_ip == NULL; SETUP ⇒ target_ip ≠ NULL (HREC-04)',
    cite: [`${F}:2288`, `${F}:2305`, `${F}:1557-1560`],
    check: (s) =>
      (s.value !== 'IDLE' || !s.context.target) && (s.value !== 'SETUP' || s.context.target)
        ? null
        : `${s.value} record with target=${s.context.target} (${show(s)}): KKASSERT ${s.value === 'IDLE' ? 'hammer_inode.c:2288' : 'hammer_inode.c:2305'}`,
  },
  {
    id: 'HRECM-05',
    statement: 'a DEL record is never DELETED_FE (HREC-11)',
    cite: [`${F}:2784-2785`, `${F}:2805`],
    check: (s) =>
      s.context.type !== HAMMER_MEM_RECORD_DEL || !s.context.deletedFe ? null : `frontend-deleted DEL record (${show(s)})`,
  },
  {
    id: 'HRECM-06',
    states: ['DEAD'],
    statement: 'DEAD ⇒ (DELETED_FE ∨ DELETED_BE ∨ COMMITTED) ∧ no target ∧ no group: only dead records are destroyed, fully unlinked',
    cite: [`${F}:1563-1574`, `${F}:3157-3164`],
    check: (s) => {
      if (s.value !== 'DEAD') return null;
      const c = s.context;
      if (!(c.deletedFe || c.deletedBe || c.committed)) return `a live record was destroyed (${show(s)}): its data is lost`;
      return c.target || c.inGroup ? `destroyed record still linked (${show(s)})` : null;
    },
  },
  {
    id: 'HRECM-07',
    states: ['NEW'],
    statement: 'NEW ⇒ no flag, no target, no group: a fresh record',
    cite: [`${F}:1108-1117`],
    check: (s) => {
      if (s.value !== 'NEW') return null;
      const c = s.context;
      return c.deletedFe || c.deletedBe || c.committed || c.interlockBe || c.target || c.inGroup ? `NEW record with state (${show(s)})` : null;
    },
  },
];

const recordMachine = createHammerRecordMachine();

export const hammerRecord: MachineModule<HammerRecordObject> = {
  name: 'hammerRecord',
  object: 'struct hammer_record (an in-memory record) as hammer_inode.c flushes it',
  description:
    'An in-memory record is allocated (NEW), inserted into its owner\'s `rec_tree` as an IDLE GENERAL or DATA ' +
    'record, or as a SETUP directory entry (ADD/DEL) linked into its target inode\'s `target_list`. The owner\'s ' +
    'scan (`hammer_setup_child_callback`) puts live records into the owner\'s flush group (FLUSH, one record ' +
    'reference, `++flg->refs`); the target\'s upward helper places a SETUP record once its parent is in the group. ' +
    'The backend interlocks it (INTERLOCK_BE), disposes of it (DELETED_BE), writes and commits it (COMMITTED), or ' +
    'converts a frontend-deleted ADD into a DEL; `hammer_flush_record_done` returns it to IDLE or SETUP. A deleted ' +
    'or committed record is destroyed at its last release (DEAD). The transient INODE record of ' +
    '`hammer_update_inode` is not modelled (HREC-15). Abstraction: state = NEW if IDLE without RECF_ONRBTREE and ' +
    'without FE/BE/COMMITTED, DEAD if IDLE without RECF_ONRBTREE and with one of them, else `flush_state`; type = ' +
    '`record->type`; the four flags; target = `target_ip != NULL`; inGroup = `flush_group != NULL`; ownerGroup = ' +
    '`flush_group == record->ip->flush_group`.',
  machine: recordMachine,
  conformanceMachine: recordMachine, // no counters
  events: [
    { type: 'MEM_ADD_GENERAL' },
    { type: 'MEM_ADD_DATA' },
    { type: 'IP_ADD_DIRECTORY' },
    { type: 'IP_DEL_DIRECTORY' },
    { type: 'DELETE_FE' },
    { type: 'SETUP_CHILD' },
    { type: 'SETUP_PARENT' },
    { type: 'SYNC_RECORD' },
    { type: 'SYNC_RECORD_DISPOSE' },
    { type: 'RECORD_CONVERTED' },
    { type: 'RECORD_COMMITTED' },
    { type: 'TARGET_PRUNE' },
    { type: 'FLUSH_RECORD_GROUP_DONE' },
    { type: 'FLUSH_RECORD_DONE' },
    { type: 'RECORD_UNINTERLOCK' },
    { type: 'REL_MEM_RECORD' },
  ],
  stateInvariants,
  abstract(rec: HammerRecordObject): AbstractState {
    const f = rec.flags;
    const dead = (f & (HAMMER_RECF_DELETED_FE | HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) !== 0;
    const off = rec.flush_state === HAMMER_FST_IDLE && (f & HAMMER_RECF_ONRBTREE) === 0;
    if (off && !dead) {
      // NEW: in the pool or allocated but not yet inserted; nothing of it is abstracted yet.
      return {
        value: 'NEW',
        context: { type: HAMMER_MEM_RECORD_GENERAL, deletedFe: false, deletedBe: false, committed: false, interlockBe: false, target: false, inGroup: false, ownerGroup: false },
      };
    }
    const value = off
      ? 'DEAD'
      : rec.flush_state === HAMMER_FST_SETUP
        ? 'SETUP'
        : rec.flush_state === HAMMER_FST_FLUSH
          ? 'FLUSH'
          : rec.flush_state === HAMMER_FST_IDLE
            ? 'IDLE'
            : `flush_state ${rec.flush_state}`;
    return {
      value,
      context: {
        type: rec.type,
        deletedFe: (f & HAMMER_RECF_DELETED_FE) !== 0,
        deletedBe: (f & HAMMER_RECF_DELETED_BE) !== 0,
        committed: (f & HAMMER_RECF_COMMITTED) !== 0,
        interlockBe: (f & HAMMER_RECF_INTERLOCK_BE) !== 0,
        target: rec.target_ip !== null,
        inGroup: rec.flush_group !== null,
        ownerGroup: rec.flush_group !== null && rec.ip !== null && rec.flush_group === rec.ip.flush_group,
      },
    };
  },
};
