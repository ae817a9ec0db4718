/**
 * The synchronous completion handshake of `b_bio1`: BIO_SYNC / BIO_WANT / BIO_DONE in
 * bio_flags, between the issuer waiting in _biowait (vfs_bio.c:3251-3290) and the completion
 * thread in biodone_sync (vfs_bio.c:3769-3789). Protocol analysis: spec/vfs_bio_sync.md §3.2.
 */
import { assign, setup } from 'xstate';
import { BIO_DONE, BIO_SYNC, BIO_WANT, BUF_CMD_DONE } from '../impl/kernel/sys.ts';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

export interface BioContext {
  /** bio_flags & BIO_SYNC: a synchronous I/O is armed. */
  sync: boolean;
  /** bio_flags & BIO_DONE: biodone_sync published completion. */
  done: boolean;
  /** bio_flags & BIO_WANT: the waiter published that it sleeps. */
  want: boolean;
  /** bio_buf.b_cmd == BUF_CMD_DONE: bpdone has run. */
  cmdDone: boolean;
}

export type BioEvent =
  | { type: 'SYNC_ISSUE' }
  | { type: 'ASYNC_ISSUE' }
  | { type: 'BPDONE' }
  | { type: 'SET_WANT' }
  | { type: 'BIODONE_SYNC' }
  | { type: 'BIOWAIT_FINISH' };

/** The implementation object the machine abstracts (`bp->b_bio1` and its buffer). */
export interface BioObject {
  bio_flags: number;
  bio_buf: { b_cmd: number };
}

export function createBioMachine() {
  return setup({
    types: {
      context: {} as BioContext,
      events: {} as BioEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      /** bpdone has not run yet for this I/O. */
      bpdonePending: ({ context }) => !context.cmdDone,
      /** bpdone has run: biodone_sync calls it before its cmpset (vfs_bio.c:3777). */
      bpdoneRan: ({ context }) => context.cmdDone,
    },
    actions: {
      armSync: assign({ sync: true, cmdDone: false }),
      armAsync: assign({ cmdDone: false }),
      completeCmd: assign({ cmdDone: true }),
      publishWant: assign({ want: true }),
      // One cmpset: (flags | BIO_DONE) & ~BIO_WANT (vfs_bio.c:3781).
      publishDone: assign({ done: true, want: false }),
      finishWait: assign({ done: false, sync: false }),
    },
  }).createMachine({
    id: 'bio',
    initial: 'idle',
    // A fresh buffer's b_cmd is BUF_CMD_DONE.
    context: { sync: false, done: false, want: false, cmdDone: true },
    states: {
      idle: {
        description: 'no synchronous I/O outstanding: SYNC, DONE and WANT clear',
        on: {
          SYNC_ISSUE: {
            target: 'issued',
            actions: 'armSync',
            description:
              'the issuer sets b_cmd to READ or WRITE, bio_done = biodone_sync and BIO_SYNC, then vn_strategy (which asserts BIO_DONE clear) starts the I/O',
            meta: { cite: ['vfs_bio.c:987-990', 'vfs_bio.c:918-920', 'vfs_bio.c:3385'] },
          },
          ASYNC_ISSUE: {
            target: 'idle',
            guard: 'bpdoneRan',
            actions: 'armAsync',
            description:
              'an asynchronous I/O (bawrite, read-ahead, breadcb, a nested sub-buffer) sets b_cmd without BIO_SYNC; its completion is bpdone(bp, 1) or a bio_done callback, not this handshake',
            meta: { cite: ['vfs_bio.c:1035', 'vfs_bio.c:935', 'vfs_bio.c:870', 'vfs_bio.c:4579'] },
          },
          BPDONE: {
            target: 'idle',
            guard: 'bpdonePending',
            actions: 'completeCmd',
            description: 'the asynchronous completion runs bpdone(bp, 1), which sets b_cmd = BUF_CMD_DONE',
            meta: { cite: ['vfs_bio.c:3759', 'vfs_bio.c:3527-3528'] },
          },
        },
      },
      issued: {
        description: 'SYNC set, DONE and WANT clear: the I/O is in flight',
        on: {
          BPDONE: {
            target: 'issued',
            guard: 'bpdonePending',
            actions: 'completeCmd',
            description: 'biodone_sync first calls bpdone, which sets b_cmd = BUF_CMD_DONE',
            meta: { cite: ['vfs_bio.c:3777', 'vfs_bio.c:3527-3528'] },
          },
          SET_WANT: {
            target: 'wanted',
            actions: 'publishWant',
            description: "_biowait saw DONE clear and its cmpset publishes BIO_WANT after tsleep_interlock",
            meta: { cite: ['vfs_bio.c:3261-3266'] },
          },
          BIODONE_SYNC: {
            target: 'done',
            guard: 'bpdoneRan',
            actions: 'publishDone',
            description: "biodone_sync's cmpset sets DONE (and clears WANT, absent here); no wakeup since nobody wanted",
            meta: { cite: ['vfs_bio.c:3779-3788'] },
          },
        },
      },
      wanted: {
        description: 'SYNC and WANT set, DONE clear: the waiter published BIO_WANT and sleeps or is about to',
        on: {
          BPDONE: {
            target: 'wanted',
            guard: 'bpdonePending',
            actions: 'completeCmd',
            description: 'biodone_sync first calls bpdone, which sets b_cmd = BUF_CMD_DONE',
            meta: { cite: ['vfs_bio.c:3777', 'vfs_bio.c:3527-3528'] },
          },
          // No SET_WANT here: tsleep returns 0 only after wakeup(bio), which biodone_sync issues
          // after publishing DONE, and a tsleep error makes _biowait return (vfs_bio.c:3273-3276);
          // so a waiter never re-publishes WANT over its own WANT (a stale wakeup from an earlier
          // completion cannot arrive: that completion's wakeup precedes the waiter's next I/O).
          BIODONE_SYNC: {
            target: 'done',
            guard: 'bpdoneRan',
            actions: 'publishDone',
            description: "biodone_sync's cmpset sets DONE and clears WANT atomically, then wakes the waiter because it had WANT",
            meta: { cite: ['vfs_bio.c:3779-3788'] },
          },
        },
      },
      done: {
        description: 'SYNC and DONE set, WANT clear, b_cmd == BUF_CMD_DONE: bpdone ran and completion is published',
        on: {
          BIOWAIT_FINISH: {
            target: 'idle',
            actions: 'finishWait',
            description:
              '_biowait leaves its loop on DONE, asserts b_cmd == BUF_CMD_DONE and clears DONE|SYNC with a plain store (the completer no longer touches bio_flags)',
            meta: { cite: ['vfs_bio.c:3262-3263', 'vfs_bio.c:3283-3284'] },
          },
        },
      },
    },
  });
}

const flags = (s: AbstractState): string =>
  `sync=${s.context.sync} done=${s.context.done} want=${s.context.want} cmdDone=${s.context.cmdDone}`;

const stateInvariants: StateInvariant[] = [
  {
    id: 'BIOM-01',
    states: ['idle'],
    statement: 'idle ⇒ ¬SYNC ∧ ¬DONE ∧ ¬WANT: _biowait clears DONE|SYNC when it finishes, so the next vn_strategy finds DONE clear',
    cite: ['vfs_bio.c:3284', 'vfs_bio.c:3385'],
    check: (s) =>
      s.value !== 'idle' || (!s.context.sync && !s.context.done && !s.context.want) ? null : `idle with ${flags(s)}`,
  },
  {
    id: 'BIOM-02',
    states: ['issued'],
    statement: 'issued ⇒ SYNC ∧ ¬DONE ∧ ¬WANT',
    cite: ['vfs_bio.c:919-920', 'vfs_bio.c:989-990', 'vfs_bio.c:3385'],
    check: (s) =>
      s.value !== 'issued' || (s.context.sync && !s.context.done && !s.context.want) ? null : `issued with ${flags(s)}`,
  },
  {
    id: 'BIOM-03',
    states: ['wanted'],
    statement: 'wanted ⇒ SYNC ∧ WANT ∧ ¬DONE: WANT is only published against a word without DONE',
    cite: ['vfs_bio.c:3261-3266'],
    check: (s) =>
      s.value !== 'wanted' || (s.context.sync && s.context.want && !s.context.done) ? null : `wanted with ${flags(s)}`,
  },
  {
    id: 'BIOM-04',
    states: ['done'],
    statement: 'done ⇒ SYNC ∧ DONE ∧ ¬WANT: BIO_WANT and BIO_DONE are never both set (one cmpset sets DONE and clears WANT)',
    cite: ['vfs_bio.c:3779-3788', 'vfs_bio.c:3261-3266'],
    check: (s) => {
      if (s.value !== 'done') return null;
      if (s.context.want) return `BIO_WANT and BIO_DONE both set (${flags(s)}): a waiter's WANT survived completion`;
      if (!s.context.sync) return `BIO_DONE without BIO_SYNC (${flags(s)})`;
      return s.context.done ? null : `done with ${flags(s)}`;
    },
  },
  {
    id: 'BIOM-05',
    states: ['done'],
    statement: 'done ⇒ b_cmd == BUF_CMD_DONE: biowait finds bpdone completed (bpdone precedes the DONE cmpset)',
    cite: ['vfs_bio.c:3777', 'vfs_bio.c:3283'],
    check: (s) =>
      s.value !== 'done' || s.context.cmdDone
        ? null
        : `BIO_DONE published before bpdone set b_cmd = BUF_CMD_DONE (${flags(s)}): KKASSERT vfs_bio.c:3283 would fire`,
  },
];

const bioMachine = createBioMachine();

export const bio: MachineModule<BioObject> = {
  name: 'bio',
  object: 'the synchronous completion handshake of `b_bio1`',
  description:
    'A synchronous I/O (bread, bwrite) arms `b_bio1` with `bio_done = biodone_sync` and `BIO_SYNC`, ' +
    'starts it through `vn_strategy`, and waits in `_biowait`. The waiter and the completion thread meet on ' +
    '`bio_flags`: the waiter publishes `BIO_WANT` with a compare-and-set against a word without `BIO_DONE` ' +
    '(after `tsleep_interlock`) and sleeps; `biodone_sync` first runs `bpdone` (which sets `b_cmd = ' +
    'BUF_CMD_DONE`), then sets `BIO_DONE` and clears `BIO_WANT` in one compare-and-set and wakes the waiter if ' +
    'it had wanted. The waiter leaves its loop on `BIO_DONE`, asserts `b_cmd == BUF_CMD_DONE` and clears ' +
    '`BIO_DONE | BIO_SYNC` with a plain store. Abstraction: the three flags of `bio_flags` and ' +
    '`cmdDone = (bio_buf.b_cmd == BUF_CMD_DONE)`; state = done if DONE, else wanted if WANT, else issued if ' +
    'SYNC, else idle.',
  machine: bioMachine,
  conformanceMachine: bioMachine, // no counters: the traversal machine is already exact
  events: [
    { type: 'SYNC_ISSUE' },
    { type: 'ASYNC_ISSUE' },
    { type: 'BPDONE' },
    { type: 'SET_WANT' },
    { type: 'BIODONE_SYNC' },
    { type: 'BIOWAIT_FINISH' },
  ],
  stateInvariants,
  abstract(obj: BioObject): AbstractState {
    const f = obj.bio_flags >>> 0;
    const sync = (f & BIO_SYNC) !== 0;
    const done = (f & BIO_DONE) !== 0;
    const want = (f & BIO_WANT) !== 0;
    const cmdDone = obj.bio_buf.b_cmd === BUF_CMD_DONE;
    return {
      value: done ? 'done' : want ? 'wanted' : sync ? 'issued' : 'idle',
      context: { sync, done, want, cmdDone },
    };
  },
};
