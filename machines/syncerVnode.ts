/**
 * A vnode as DragonFly's per-mount syncer sees it (vfs_sync.c): off the worklist or on it (on
 * exactly one slot of the wheel: SYNC-01 checks the slot lists), with what keeps it there —
 * VISDIRTY (a dirty inode), VOBJDIRTY (a dirty VM object) and a non-empty dirty-buffer tree —
 * and the window in which a thread has made it dirty but not yet done the locked membership check
 * that follows (vsetisdirty/vsetobjdirty, reassignbuf). The syncer vnode (type VNON) is such a
 * vnode too: it is only ever added, moved and, at unmount, unlinked by sync_reclaim.
 * Protocol analysis: spec/vfs_bio_sync.md §5 (§5.3 for why "dirty ⇒ listed" holds).
 */
import { assign, setup } from 'xstate';
import type { AbstractState, MachineModule, StateInvariant, TransitionMeta } from './types.ts';

/** v_flag bits as impl/kernel/vfs_sync_state.ts defines them (machines do not import the simulator). */
export const VONWORKLST = 0x00200000;
export const VOBJDIRTY = 0x00040000;
export const VISDIRTY = 0x04000000;

export interface SyncerVnodeContext {
  /** VISDIRTY. */
  isdirty: boolean;
  /** VOBJDIRTY. */
  objdirty: boolean;
  /** The dirty-buffer tree (v_rbdirty_tree) is not empty. */
  bufdirty: boolean;
  /** Threads between making the vnode dirty and their locked worklist check (ghost g_dirtying). */
  dirtying: number;
  /** Removed by force (forced unmount) or reclaimed (ghost g_gone): "dirty ⇒ listed" no longer applies. */
  forced: boolean;
}

export type SyncerVnodeEvent =
  | { type: 'VN_SYNCER_ADD' }
  | { type: 'VN_SYNCER_REMOVE' }
  | { type: 'VN_SYNCER_REMOVE_FORCE' }
  | { type: 'SYNC_RECLAIM_UNLINK' }
  | { type: 'SET_ISDIRTY' }
  | { type: 'CLR_ISDIRTY' }
  | { type: 'SET_OBJDIRTY' }
  | { type: 'CLR_OBJDIRTY' }
  | { type: 'BUF_TREE_DIRTY' }
  | { type: 'BUF_TREE_CLEAN' }
  | { type: 'DIRTY_WINDOW_CLOSE' };

/** The implementation object (impl/env/vnode.ts Vnode, on a mount). */
export interface SyncerVnodeObject {
  v_flag: number;
  v_rbdirty_tree: unknown[];
  g_dirtying: number;
  g_gone: boolean;
}

const flagEvents = (on: boolean) => ({
  SET_ISDIRTY: {
    target: on ? 'on' : 'off',
    guard: 'notIsdirty' as const,
    actions: ['setIsdirty' as const, 'openWindow' as const],
    description: on
      ? 'vsetisdirty sets VISDIRTY (atomic) on a listed vnode and heads for its locked check'
      : 'vsetisdirty sets VISDIRTY (atomic) first and heads for its locked check, which will add the vnode (the window)',
    meta: { cite: ['vfs_sync.c:281-284'] },
  },
  SET_OBJDIRTY: {
    target: on ? 'on' : 'off',
    guard: 'notObjdirty' as const,
    actions: ['setObjdirty' as const, 'openWindow' as const],
    description: 'vsetobjdirty sets VOBJDIRTY (atomic) first, then checks membership under sc_token (the window)',
    meta: { cite: ['vfs_sync.c:296-299'] },
  },
  BUF_TREE_DIRTY: {
    target: on ? 'on' : 'off',
    guard: 'notBufdirty' as const,
    actions: on ? (['setBufdirty'] as const) : (['setBufdirty', 'openWindow'] as const),
    description: on
      ? 'reassignbuf [ext] moves the first B_DELWRI buffer onto the dirty tree of a listed vnode (bdirty, under v_token)'
      : 'reassignbuf [ext] moves the first B_DELWRI buffer onto the dirty tree and, the vnode being unlisted, heads for vn_syncer_add (the window)',
    meta: { cite: ['vfs_bio.c:1178-1180'] },
  },
});

export function createSyncerVnodeMachine(maxDirtying: number) {
  return setup({
    types: {
      context: {} as SyncerVnodeContext,
      events: {} as SyncerVnodeEvent,
      transitionMeta: {} as TransitionMeta,
    },
    guards: {
      notIsdirty: ({ context }) => !context.isdirty,
      notObjdirty: ({ context }) => !context.objdirty,
      notBufdirty: ({ context }) => !context.bufdirty,
      isBufdirty: ({ context }) => context.bufdirty,
      inWindow: ({ context }) => context.dirtying > 0,
      /**
       * vn_syncer_remove's test (vfs_sync.c:240-241) passed under sc_token with v_token held: the
       * dirty tree is empty (v_token keeps it so); VISDIRTY/VOBJDIRTY were clear at the test but
       * may have been set since by a setter (no token), which is then in its window.
       */
      removable: ({ context }) => !context.bufdirty && ((!context.isdirty && !context.objdirty) || context.dirtying > 0),
    },
    actions: {
      setIsdirty: assign({ isdirty: true }),
      clrIsdirty: assign({ isdirty: false }),
      setObjdirty: assign({ objdirty: true }),
      clrObjdirty: assign({ objdirty: false }),
      setBufdirty: assign({ bufdirty: true }),
      clrBufdirty: assign({ bufdirty: false }),
      openWindow: assign({ dirtying: ({ context }) => Math.min(context.dirtying + 1, maxDirtying) }),
      closeWindow: assign({ dirtying: ({ context }) => context.dirtying - 1 }),
      markForced: assign({ forced: true }),
    },
  }).createMachine({
    id: 'syncerVnode',
    initial: 'off',
    context: { isdirty: false, objdirty: false, bufdirty: false, dirtying: 0, forced: false },
    states: {
      off: {
        description: '¬VONWORKLST: on no slot of the wheel',
        on: {
          VN_SYNCER_ADD: {
            target: 'on',
            description: 'vn_syncer_add inserts the vnode at the head of slot (delayno + min(delay, 30)) or, for delay ≤ 0, the absolute slot −delay, and sets VONWORKLST',
            meta: { cite: ['vfs_sync.c:208-218'] },
          },
          ...flagEvents(false),
          CLR_ISDIRTY: {
            target: 'off',
            actions: 'clrIsdirty',
            description: 'vclrisdirty on a vnode off the worklist: the atomic clear is unconditional (hammer_vop_reclaim calls it on every reclaim, hammer_inode.c:245), there is nothing to remove',
            meta: { cite: ['vfs_sync.c:260-262', 'hammer_inode.c:245'] },
          },
        },
      },
      on: {
        description: 'VONWORKLST: linked on exactly one slot of the mount\'s wheel (SYNC-01)',
        on: {
          VN_SYNCER_ADD: {
            target: 'on',
            description: 'vn_syncer_add moves a listed vnode: unlink from its slot, insert at the new one (the syncer, vn_syncer_one, vsyncscan, sync_fsync)',
            meta: { cite: ['vfs_sync.c:204-218'] },
          },
          VN_SYNCER_REMOVE: {
            target: 'off',
            guard: 'removable',
            description: 'vn_syncer_remove: under sc_token, with v_token held, no VISDIRTY/VOBJDIRTY and an empty dirty tree: unlink',
            meta: { cite: ['vfs_sync.c:240-244'] },
          },
          VN_SYNCER_REMOVE_FORCE: {
            target: 'off',
            actions: 'markForced',
            description: 'vn_syncer_remove(vp, 1): a forced unmount unlinks the vnode whatever it holds',
            meta: { cite: ['vfs_sync.c:245-249'] },
          },
          SYNC_RECLAIM_UNLINK: {
            target: 'off',
            actions: 'markForced',
            description: 'sync_reclaim unlinks the syncer vnode being destroyed (the wheel holds no reference)',
            meta: { cite: ['vfs_sync.c:742-746'] },
          },
          ...flagEvents(true),
          // Only here: the window closes after the locked check found the vnode listed or added it,
          // still holding sc_token, so nothing can have removed it in between.
          DIRTY_WINDOW_CLOSE: {
            target: 'on',
            guard: 'inWindow',
            actions: 'closeWindow',
            description: 'the locked check is done: the vnode was found listed or has been added, and sc_token is still held (ghost)',
            meta: { cite: ['vfs_sync.c:285-287', 'vfs_sync.c:300-302'] },
          },
          CLR_ISDIRTY: {
            target: 'on',
            actions: 'clrIsdirty',
            description: 'vclrisdirty clears VISDIRTY (set or not: the atomic clear is unconditional); vn_syncer_remove follows if still listed',
            meta: { cite: ['vfs_sync.c:260-262'] },
          },
          CLR_OBJDIRTY: {
            target: 'on',
            actions: 'clrObjdirty',
            description: 'vclrobjdirty clears VOBJDIRTY (set or not); vn_syncer_remove follows if still listed',
            meta: { cite: ['vfs_sync.c:268-270'] },
          },
          BUF_TREE_CLEAN: {
            target: 'on',
            guard: 'isBufdirty',
            actions: 'clrBufdirty',
            description: 'reassignbuf / brelvp [ext] take the last buffer off the dirty tree (bundirty, a write, a truncation); vn_syncer_remove follows',
            meta: { cite: ['vfs_bio.c:1226-1228'] },
          },
        },
      },
    },
  });
}

const dirtyOf = (s: AbstractState): boolean => s.context.isdirty === true || s.context.objdirty === true || s.context.bufdirty === true;

const stateInvariants: StateInvariant[] = [
  {
    id: 'SVN-01',
    states: ['off'],
    statement: 'off the worklist ⇒ clean (no VISDIRTY, VOBJDIRTY or dirty buffer), unless a thread is in its dirtying window or the vnode was removed by force / reclaimed (SYNC-04)',
    cite: ['vfs_sync.c:240-249', 'vfs_sync.c:277-304'],
    check: (s) => (s.value !== 'off' || !dirtyOf(s) || Number(s.context.dirtying) > 0 || s.context.forced === true ? null : 'a dirty vnode is off the worklist and nobody is about to add it'),
  },
  {
    id: 'SVN-02',
    statement: 'the dirtying window count is never negative',
    cite: ['vfs_sync.c:283-287'],
    check: (s) => (Number(s.context.dirtying) >= 0 ? null : `dirtying = ${s.context.dirtying}`),
  },
];

export const syncerVnode: MachineModule<SyncerVnodeObject> = {
  name: 'syncerVnode',
  object: 'a vnode on a mount with a syncer (struct vnode: v_flag, v_synclist, v_rbdirty_tree)',
  description:
    'A vnode as the per-mount syncer (vfs_sync.c) sees it: `off` the worklist or `on` it — linked on exactly one ' +
    'of the 32 slots of its mount\'s wheel, which SYNC-01 checks on the lists themselves — with the reasons to be ' +
    'there: VISDIRTY (set by `vsetisdirty`, e.g. from HAMMER\'s inode-dirty path), VOBJDIRTY (`vsetobjdirty`) and a ' +
    'non-empty dirty-buffer tree (maintained by `reassignbuf` [ext] for the buffer cache). A setter sets its flag ' +
    'first and checks membership under `sc_token` after (vfs_sync.c:281-287); the machine follows that window ' +
    '(`dirtying`, a ghost count: SET_ISDIRTY, SET_OBJDIRTY and, on an unlisted vnode, BUF_TREE_DIRTY open it; ' +
    'DIRTY_WINDOW_CLOSE, only on a listed vnode, ends it) so that SVN-01 — off ⇒ clean, unless in a window or removed by force — is the ' +
    'per-vnode form of SYNC-04. `vn_syncer_remove` tests clean under the token but clears VONWORKLST in a later ' +
    'atomic: a setter may set its flag in between, which is why its guard accepts a dirty flag inside a window. ' +
    'The syncer vnode (VNON) is added by `vfs_allocate_syncvnode`, moved by the syncer and `sync_fsync`, and ' +
    'unlinked by `sync_reclaim`. Abstraction: state = VONWORKLST ? on : off; isdirty/objdirty = the v_flag bits; ' +
    'bufdirty = dirty tree non-empty; dirtying = ghost g_dirtying; forced = ghost g_gone. The traversal bounds ' +
    'dirtying at 2.',
  machine: createSyncerVnodeMachine(2),
  conformanceMachine: createSyncerVnodeMachine(2 ** 30),
  events: [
    { type: 'VN_SYNCER_ADD' },
    { type: 'VN_SYNCER_REMOVE' },
    { type: 'VN_SYNCER_REMOVE_FORCE' },
    { type: 'SYNC_RECLAIM_UNLINK' },
    { type: 'SET_ISDIRTY' },
    { type: 'CLR_ISDIRTY' },
    { type: 'SET_OBJDIRTY' },
    { type: 'CLR_OBJDIRTY' },
    { type: 'BUF_TREE_DIRTY' },
    { type: 'BUF_TREE_CLEAN' },
    { type: 'DIRTY_WINDOW_CLOSE' },
  ],
  stateInvariants,
  abstract(vp: SyncerVnodeObject): AbstractState {
    return {
      value: vp.v_flag & VONWORKLST ? 'on' : 'off',
      context: {
        isdirty: (vp.v_flag & VISDIRTY) !== 0,
        objdirty: (vp.v_flag & VOBJDIRTY) !== 0,
        bufdirty: vp.v_rbdirty_tree.length > 0,
        dirtying: vp.g_dirtying,
        forced: vp.g_gone,
      },
    };
  },
};
