import { describe, it, expect } from 'vitest';
import { MachineStepper, lintMachine, stateKey, statesOf, transitionsOf, traverse } from '../machines/core.ts';
import {
  hammerInode,
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_ATIME,
  HAMMER_INODE_CONN_DOWN,
  HAMMER_INODE_DDIRTY,
  HAMMER_INODE_DELETING,
  HAMMER_INODE_MODMASK,
  HAMMER_INODE_MODMASK_NOXDIRTY,
  HAMMER_INODE_ONDISK,
  HAMMER_INODE_RECLAIM,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RESIGNAL,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_INODE_XDIRTY,
  type HammerFlushGroupObject,
  type HammerInodeObject,
} from '../machines/hammerInode.ts';
import {
  hammerRecord,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_MEM_RECORD_DATA,
  HAMMER_MEM_RECORD_DEL,
  HAMMER_MEM_RECORD_GENERAL,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_RECF_INTERLOCK_BE,
  HAMMER_RECF_ONRBTREE,
  type HammerRecordObject,
} from '../machines/hammerRecord.ts';
import { flushGroup } from '../machines/flushGroup.ts';
import type { AbstractState, MachineModule } from '../machines/types.ts';

const MODULES = [hammerInode, hammerRecord, flushGroup] as const;

// ---------------------------------------------------------------------------------------------
// Crafting implementation objects

function newGroup(over: Partial<HammerFlushGroupObject> = {}): HammerFlushGroupObject {
  return { seq: 0, total_count: 0, running: 0, closed: 0, refs: 0, flush_tree: new Set(), g_done: false, ...over };
}

/** An inode in the given abstract state (group, tree and records built to match). */
function craftInode(s: AbstractState): HammerInodeObject {
  const c = s.context;
  const flush_state = s.value === 'IDLE' ? HAMMER_FST_IDLE : s.value === 'SETUP' ? HAMMER_FST_SETUP : HAMMER_FST_FLUSH;
  const g = c.inGroup ? newGroup({ closed: 1, running: c.running ? 1 : 0 }) : null;
  const ip: HammerInodeObject = {
    flush_state,
    flags:
      HAMMER_INODE_ONDISK |
      (c.dirty ? HAMMER_INODE_DDIRTY | HAMMER_INODE_ATIME : 0) |
      (c.xdirty ? HAMMER_INODE_XDIRTY : 0) |
      (c.reflush ? HAMMER_INODE_REFLUSH : 0) |
      (c.resignal ? HAMMER_INODE_RESIGNAL : 0) |
      (c.connDown ? HAMMER_INODE_CONN_DOWN : 0) |
      (c.wouldblock ? HAMMER_INODE_WOULDBLOCK : 0) |
      (c.reclaim ? HAMMER_INODE_RECLAIM : 0),
    sync_flags: c.syncDirty ? HAMMER_INODE_DDIRTY : 0,
    lock: { refs: c.refs as number },
    flush_group: g,
    rb_flsnode: null,
    vp: c.vp ? {} : null,
    rec_tree: new Set(c.recs ? [{}] : []),
    target_list: c.deps ? [{}] : [],
  };
  if (c.inTree) {
    const tree = c.ownTree && g ? g : newGroup();
    (tree.flush_tree as Set<object>).add(ip);
    ip.rb_flsnode = tree;
  }
  return ip;
}

function craftRecord(s: AbstractState): HammerRecordObject {
  const c = s.context;
  const owner = { flush_group: newGroup() as HammerFlushGroupObject | null };
  const flush_state = s.value === 'SETUP' ? HAMMER_FST_SETUP : s.value === 'FLUSH' ? HAMMER_FST_FLUSH : HAMMER_FST_IDLE;
  return {
    flush_state,
    flush_group: c.inGroup ? (c.ownerGroup ? owner.flush_group : newGroup()) : null,
    type: c.type as number,
    flags:
      (s.value === 'NEW' || s.value === 'DEAD' ? 0 : HAMMER_RECF_ONRBTREE) |
      (c.deletedFe ? HAMMER_RECF_DELETED_FE : 0) |
      (c.deletedBe ? HAMMER_RECF_DELETED_BE : 0) |
      (c.committed ? HAMMER_RECF_COMMITTED : 0) |
      (c.interlockBe ? HAMMER_RECF_INTERLOCK_BE : 0),
    ip: owner,
    target_ip: c.target ? {} : null,
  };
}

function craftGroup(s: AbstractState): HammerFlushGroupObject {
  const c = s.context;
  const tree = new Set<object>();
  for (let i = 0; i < (c.members as number); i++) tree.add({});
  return newGroup({
    closed: c.closed ? 1 : 0,
    running: c.running ? 1 : 0,
    refs: c.refs as number,
    flush_tree: tree,
    g_done: s.value === 'DONE',
  });
}

const concretise: Record<string, (s: AbstractState) => unknown> = {
  hammerInode: craftInode,
  hammerRecord: craftRecord,
  flushGroup: craftGroup,
};

const INODE0 = {
  dirty: false,
  xdirty: false,
  syncDirty: false,
  recs: false,
  deps: false,
  reflush: false,
  resignal: false,
  connDown: false,
  wouldblock: false,
  vp: false,
  reclaim: false,
  inGroup: false,
  inTree: false,
  ownTree: false,
  running: false,
  refs: 1,
};
const inodeState = (value: string, ctx: Partial<typeof INODE0> = {}): AbstractState => ({ value, context: { ...INODE0, ...ctx } });
const FLUSHING = { inGroup: true, inTree: true, ownTree: true };

const REC0 = {
  type: HAMMER_MEM_RECORD_GENERAL,
  deletedFe: false,
  deletedBe: false,
  committed: false,
  interlockBe: false,
  target: false,
  inGroup: false,
  ownerGroup: false,
};
const recState = (value: string, ctx: Partial<typeof REC0> = {}): AbstractState => ({ value, context: { ...REC0, ...ctx } });

const groupState = (value: string, ctx: Partial<{ closed: boolean; running: boolean; members: number; refs: number }> = {}): AbstractState => ({
  value,
  context: { closed: false, running: false, members: 0, refs: 0, ...ctx },
});

function replay(mod: MachineModule<any>, from: AbstractState, events: string[]): AbstractState {
  const st = new MachineStepper(mod);
  let cur = from;
  for (const ev of events) {
    const r = st.step(cur, ev);
    if (!r.ok) throw new Error(r.reason);
    cur = r.to;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------

describe.each(MODULES.map((m) => [m.name, m] as const))('machine %s', (name, mod) => {
  const result = traverse(mod as MachineModule<any>);

  it('is well-formed: lintMachine passes, cites are hammer_inode.c lines, ids unique', () => {
    expect(lintMachine(mod as MachineModule<any>)).toEqual([]);
    for (const t of transitionsOf(mod as MachineModule<any>)) {
      expect(t.cite.length, t.id).toBeGreaterThan(0);
      for (const c of t.cite) expect(c).toMatch(/^hammer_inode\.c:\d+(-\d+)?$/);
    }
    for (const inv of mod.stateInvariants) for (const c of inv.cite) expect(c).toMatch(/^hammer_inode\.c:\d+(-\d+)?$/);
    const ids = transitionsOf(mod as MachineModule<any>).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('traversal reaches every atomic state and every transition', () => {
    const reached = new Set(result.states.map((s) => s.state.value));
    for (const s of statesOf(mod as MachineModule<any>)) expect(reached.has(s), `state ${s}`).toBe(true);
    for (const t of transitionsOf(mod as MachineModule<any>)) expect(result.transitionsReached.has(t.id), `transition ${t.id}`).toBe(true);
  });

  it('every per-state invariant holds on every reachable state', () => {
    for (const s of result.states) expect(s.violations, s.key).toEqual([]);
  });

  it('the abstraction is onto the reachable states', () => {
    for (const s of result.states) {
      const obj = concretise[name]!(s.state);
      expect(stateKey(mod.abstract(obj as never)), s.key).toBe(s.key);
    }
  });

  it('the stepper replays every shortest path with the conformance machine', () => {
    const stepper = new MachineStepper(mod as MachineModule<any>);
    const initial = result.states[0]!.state;
    for (const s of result.states) {
      let cur = initial;
      for (const ev of s.path) {
        const r = stepper.step(cur, ev);
        if (!r.ok) throw new Error(r.reason);
        cur = r.to;
      }
      expect(stateKey(cur)).toBe(s.key);
    }
  });
});

describe('reachable state counts', () => {
  it('hammerInode, hammerRecord, flushGroup', () => {
    expect(traverse(hammerInode).states.length).toBe(5216);
    expect(traverse(hammerRecord).states.length).toBe(66);
    expect(traverse(flushGroup).states.length).toBe(28);
  });
});

// ---------------------------------------------------------------------------------------------

const bad: Array<{ mod: MachineModule<any>; id: string; state: AbstractState }> = [
  // A completion that forgot RB_REMOVE / flush_group = NULL.
  { mod: hammerInode, id: 'HINOM-01', state: inodeState('IDLE', { ...FLUSHING, refs: 1 }) },
  { mod: hammerInode, id: 'HINOM-01', state: inodeState('IDLE', { inTree: true }) },
  // The fallback that forgot flush_group = NULL (hammer_inode.c:2150).
  { mod: hammerInode, id: 'HINOM-02', state: hammerInode.abstract(craftInode(inodeState('SETUP', { inGroup: true, refs: 1, xdirty: true, recs: true }))) },
  // FLUSH without the tree insert, or linked in another group's tree.
  { mod: hammerInode, id: 'HINOM-03', state: inodeState('FLUSH', { inGroup: true, refs: 1 }) },
  { mod: hammerInode, id: 'HINOM-03', state: hammerInode.abstract(craftInode(inodeState('FLUSH', { inGroup: true, inTree: true, refs: 1 }))) },
  // IDLE -> FLUSH without hammer_ref (hammer_inode.c:2075 removed).
  { mod: hammerInode, id: 'HINOM-04', state: inodeState('FLUSH', { ...FLUSHING, refs: 0 }) },
  { mod: hammerInode, id: 'HINOM-04', state: inodeState('SETUP', { vp: true, refs: 1, deps: true }) },
  // WOULDBLOCK surviving into SETUP (hammer_inode.c:2605 removed).
  { mod: hammerInode, id: 'HINOM-05', state: inodeState('SETUP', { wouldblock: true, deps: true, refs: 2 }) },
  { mod: hammerInode, id: 'HINOM-05', state: inodeState('FLUSH', { ...FLUSHING, wouldblock: true, refs: 2 }) },
  // Merge-back forgotten: sync_flags left on an IDLE inode.
  { mod: hammerInode, id: 'HINOM-06', state: hammerInode.abstract(craftInode(inodeState('IDLE', { syncDirty: true }))) },
  { mod: hammerInode, id: 'HINOM-07', state: inodeState('IDLE', { deps: true }) },
  { mod: hammerInode, id: 'HINOM-08', state: inodeState('IDLE', { xdirty: true }) },
  { mod: hammerInode, id: 'HINOM-08', state: inodeState('SETUP', { recs: true, refs: 2 }) },
  { mod: hammerInode, id: 'HINOM-09', state: hammerInode.abstract(craftInode(inodeState('IDLE', { vp: true, reclaim: true, refs: 2 }))) },
  { mod: hammerInode, id: 'HINOM-10', state: inodeState('SETUP', { running: true, deps: true, refs: 2 }) },
  // A record placed in a group that is not its owner's.
  { mod: hammerRecord, id: 'HRECM-01', state: hammerRecord.abstract(craftRecord(recState('FLUSH', { inGroup: true }))) },
  { mod: hammerRecord, id: 'HRECM-01', state: recState('FLUSH') },
  { mod: hammerRecord, id: 'HRECM-02', state: recState('IDLE', { inGroup: true, ownerGroup: true }) },
  { mod: hammerRecord, id: 'HRECM-03', state: recState('SETUP', { interlockBe: true, target: true, type: HAMMER_MEM_RECORD_ADD }) },
  { mod: hammerRecord, id: 'HRECM-04', state: recState('IDLE', { target: true }) },
  { mod: hammerRecord, id: 'HRECM-04', state: recState('SETUP', { type: HAMMER_MEM_RECORD_ADD }) },
  { mod: hammerRecord, id: 'HRECM-05', state: recState('SETUP', { type: HAMMER_MEM_RECORD_DEL, deletedFe: true, target: true }) },
  { mod: hammerRecord, id: 'HRECM-06', state: recState('DEAD') },
  { mod: hammerRecord, id: 'HRECM-06', state: recState('DEAD', { committed: true, target: true }) },
  { mod: hammerRecord, id: 'HRECM-07', state: recState('NEW', { target: true }) },
  // A group freed with a member left / with flushing records.
  { mod: flushGroup, id: 'HFLGM-01', state: flushGroup.abstract(craftGroup(groupState('DONE', { closed: true, running: true, members: 1 }))) },
  { mod: flushGroup, id: 'HFLGM-01', state: groupState('DONE', { closed: true, running: true, refs: 1 }) },
  { mod: flushGroup, id: 'HFLGM-02', state: groupState('RUNNING', { closed: true, running: true, refs: -1 }) },
  { mod: flushGroup, id: 'HFLGM-03', state: groupState('OPEN', { closed: true }) },
  { mod: flushGroup, id: 'HFLGM-03', state: groupState('CLOSED') },
  // Started without being closed.
  { mod: flushGroup, id: 'HFLGM-04', state: flushGroup.abstract(craftGroup(groupState('RUNNING', { running: true }))) },
];

describe('per-state invariants fire on crafted bad states', () => {
  it.each(bad.map((b) => [b.id, stateKey(b.state), b] as const))('%s on %s', (id, _key, b) => {
    const failing = b.mod.stateInvariants.filter((inv) => inv.check(b.state) !== null).map((inv) => inv.id);
    expect(failing).toContain(id);
  });

  it('every invariant is exercised by some crafted state', () => {
    for (const mod of MODULES) for (const inv of mod.stateInvariants) expect(bad.some((b) => b.id === inv.id), inv.id).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('abstraction functions', () => {
  it('uses HAMMER’s constants', () => {
    expect([HAMMER_FST_IDLE, HAMMER_FST_SETUP, HAMMER_FST_FLUSH]).toEqual([0, 1, 2]);
    expect(HAMMER_INODE_MODMASK).toBe(0x01331009);
    expect(HAMMER_INODE_MODMASK_NOXDIRTY).toBe(0x01331001);
    expect(HAMMER_INODE_DELETING & HAMMER_INODE_MODMASK).not.toBe(0);
    expect(HAMMER_INODE_REFLUSH & HAMMER_INODE_MODMASK).toBe(0);
    expect([HAMMER_RECF_DELETED_FE, HAMMER_RECF_DELETED_BE, HAMMER_RECF_COMMITTED, HAMMER_RECF_INTERLOCK_BE]).toEqual([0x4, 0x8, 0x10, 0x20]);
    expect([HAMMER_MEM_RECORD_GENERAL, HAMMER_MEM_RECORD_ADD, HAMMER_MEM_RECORD_DEL, HAMMER_MEM_RECORD_DATA]).toEqual([0, 2, 3, 4]);
  });

  it('abstracts a hammer_inode', () => {
    // hammer_get_inode: zeroed, ONDISK, the caller's reference.
    const ip: HammerInodeObject = {
      flush_state: HAMMER_FST_IDLE,
      flags: HAMMER_INODE_ONDISK,
      sync_flags: 0,
      lock: { refs: 1 },
      flush_group: null,
      rb_flsnode: null,
      vp: null,
      rec_tree: new Set(),
      target_list: [],
    };
    expect(hammerInode.abstract(ip)).toEqual(traverse(hammerInode).states[0]!.state);
    // Queued: FLUSH in its group's tree, snapshot in sync_flags, a vnode, REFLUSH|RESIGNAL, running group.
    const g = newGroup({ closed: 1, running: 1 });
    ip.flush_state = HAMMER_FST_FLUSH;
    ip.flush_group = g;
    ip.rb_flsnode = g;
    (g.flush_tree as Set<object>).add(ip);
    ip.sync_flags = HAMMER_INODE_DDIRTY | HAMMER_INODE_XDIRTY;
    ip.flags = HAMMER_INODE_ONDISK | HAMMER_INODE_REFLUSH | HAMMER_INODE_RESIGNAL | HAMMER_INODE_XDIRTY;
    ip.vp = {};
    ip.lock.refs = 3;
    ip.rec_tree = new Set([{}]);
    expect(hammerInode.abstract(ip)).toEqual(
      inodeState('FLUSH', { ...FLUSHING, running: true, syncDirty: true, xdirty: true, recs: true, reflush: true, resignal: true, vp: true, refs: 3 }),
    );
    // RECLAIM and CONN_DOWN on a SETUP inode with a parent record; TRUNCATED-only dirt is dirty.
    const s: HammerInodeObject = { ...ip, flush_state: HAMMER_FST_SETUP, flush_group: null, rb_flsnode: null, vp: null, sync_flags: 0, rec_tree: new Set(), target_list: [{}] };
    s.flags = HAMMER_INODE_RECLAIM | HAMMER_INODE_CONN_DOWN | HAMMER_INODE_REFLUSH | 0x00010000;
    s.lock = { refs: 1 };
    expect(hammerInode.abstract(s)).toEqual(inodeState('SETUP', { dirty: true, deps: true, reclaim: true, connDown: true, reflush: true, refs: 1 }));
  });

  it('abstracts a hammer_record and a flush group', () => {
    const g = newGroup({ closed: 1 });
    const rec: HammerRecordObject = {
      flush_state: HAMMER_FST_IDLE,
      flush_group: null,
      type: HAMMER_MEM_RECORD_ADD,
      flags: 0,
      ip: { flush_group: g },
      target_ip: {},
    };
    expect(hammerRecord.abstract(rec).value).toBe('NEW');
    rec.flags = HAMMER_RECF_ONRBTREE;
    rec.flush_state = HAMMER_FST_SETUP;
    expect(hammerRecord.abstract(rec)).toEqual(recState('SETUP', { type: HAMMER_MEM_RECORD_ADD, target: true }));
    rec.flush_state = HAMMER_FST_FLUSH;
    rec.flush_group = g;
    rec.flags |= HAMMER_RECF_INTERLOCK_BE;
    expect(hammerRecord.abstract(rec)).toEqual(
      recState('FLUSH', { type: HAMMER_MEM_RECORD_ADD, target: true, inGroup: true, ownerGroup: true, interlockBe: true }),
    );
    // The owner moved on: the record's group is no longer its owner's.
    rec.ip = { flush_group: newGroup() };
    expect(hammerRecord.abstract(rec).context.ownerGroup).toBe(false);
    rec.flush_state = HAMMER_FST_IDLE;
    rec.flush_group = null;
    rec.target_ip = null;
    rec.flags = HAMMER_RECF_COMMITTED;
    expect(hammerRecord.abstract(rec).value).toBe('DEAD');

    expect(flushGroup.abstract(newGroup())).toEqual(traverse(flushGroup).states[0]!.state);
    expect(flushGroup.abstract(newGroup({ closed: 1, refs: 2, flush_tree: new Set([{}]) }))).toEqual(
      groupState('CLOSED', { closed: true, members: 1, refs: 2 }),
    );
    expect(flushGroup.abstract(newGroup({ closed: 1, running: 1, g_done: true })).value).toBe('DONE');
  });
});

// ---------------------------------------------------------------------------------------------

describe('event replays', () => {
  it('dirty -> SETUP -> FLUSH -> IDLE', () => {
    const idle = inodeState('IDLE');
    // A directory entry links the new inode; a chmod dirties it; hammer_flush_inode resolves the
    // parent (good >= 0) and the core queues it; the flusher runs, syncs and completes it.
    const setupState = replay(hammerInode, idle, ['TARGET_LINK', 'MODIFY_INODE']);
    expect(setupState).toEqual(inodeState('SETUP', { deps: true, dirty: true, refs: 2 }));
    const flushing = replay(hammerInode, setupState, ['FLUSH_INODE_CORE']);
    expect(flushing).toEqual(inodeState('FLUSH', { ...FLUSHING, deps: true, syncDirty: true, refs: 2 }));
    const synced = replay(hammerInode, flushing, ['GROUP_RUN', 'SYNC_INODE', 'TARGET_UNLINK']);
    expect(synced).toEqual(inodeState('FLUSH', { ...FLUSHING, running: true, refs: 2 }));
    // The inode has a vnode-less holder; completion releases the state reference.
    expect(replay(hammerInode, synced, ['FLUSH_INODE_DONE'])).toEqual(idle);
  });

  it('re-flush during FLUSH: REFLUSH is consumed at completion and the inode is queued again', () => {
    const st = new MachineStepper(hammerInode);
    const flushing = replay(hammerInode, inodeState('IDLE'), ['GET_VNODE', 'MODIFY_INODE', 'FLUSH_INODE_CORE']);
    expect(flushing).toEqual(inodeState('FLUSH', { ...FLUSHING, vp: true, syncDirty: true, refs: 3 }));
    // fsync-like SIGNAL request and a new modification while flushing.
    const pending = replay(hammerInode, flushing, ['RESIGNAL', 'MODIFY_INODE', 'GROUP_RUN', 'SYNC_INODE']);
    expect(pending.context).toMatchObject({ reflush: true, resignal: true, dirty: true, running: true, syncDirty: false });
    // Completion must re-flush: neither plain IDLE completion nor SETUP is enabled.
    const idle = st.step(pending, 'FLUSH_INODE_DONE');
    expect(idle.ok).toBe(false);
    if (!idle.ok) expect(idle.reason).toContain('doneIdle');
    const again = replay(hammerInode, pending, ['FLUSH_INODE_DONE_REFLUSH']);
    expect(again).toEqual(inodeState('FLUSH', { ...FLUSHING, vp: true, syncDirty: true, refs: 3 }));
    // A WOULDBLOCK pass keeps it in the same group; the merged-back leftovers set REFLUSH (2527-2528).
    const rerun = replay(hammerInode, again, ['GROUP_RUN', 'SYNC_INODE_WOULDBLOCK', 'FLUSH_INODE_DONE_WOULDBLOCK']);
    expect(rerun).toEqual(inodeState('FLUSH', { ...FLUSHING, vp: true, running: true, syncDirty: true, dirty: true, reflush: true, refs: 3 }));
    // The re-run completes and re-queues the leftovers; the next group completes clean.
    const back = replay(hammerInode, rerun, ['SYNC_INODE', 'FLUSH_INODE_DONE_REFLUSH', 'GROUP_RUN', 'SYNC_INODE', 'FLUSH_INODE_DONE']);
    expect(back).toEqual(inodeState('IDLE', { vp: true, refs: 2 }));
  });

  it('the go_count == 0 fallback and hammer_test_inode', () => {
    const fallen = replay(hammerInode, inodeState('IDLE'), ['RECORD_ADD', 'FLUSH_INODE_FALLBACK_SIGNAL']);
    expect(fallen).toEqual(inodeState('SETUP', { recs: true, xdirty: true, reflush: true, resignal: true, refs: 2 }));
    const tested = replay(hammerInode, fallen, ['TEST_INODE', 'FLUSH_INODE_CORE']);
    expect(tested).toEqual(inodeState('FLUSH', { ...FLUSHING, recs: true, syncDirty: true, refs: 2 }));
  });

  it('a record flushed with its inode', () => {
    // Owner: a directory with one ADD record; the record and the group follow the same steps.
    const dir = replay(hammerInode, inodeState('IDLE'), ['RECORD_ADD', 'FLUSH_INODE_CORE']);
    const rec = replay(hammerRecord, recState('NEW'), ['IP_ADD_DIRECTORY', 'SETUP_CHILD']);
    expect(rec).toEqual(recState('FLUSH', { type: HAMMER_MEM_RECORD_ADD, target: true, inGroup: true, ownerGroup: true }));
    const grp = replay(flushGroup, groupState('OPEN'), ['FLUSH_INODE_CORE', 'RECORD_JOIN', 'GROUP_CLOSE', 'GROUP_RUN']);
    expect(grp).toEqual(groupState('RUNNING', { closed: true, running: true, members: 1, refs: 1 }));
    // Backend: interlock, commit, record done (target unlinked), then the inode completes.
    const recDone = replay(hammerRecord, rec, ['SYNC_RECORD', 'RECORD_COMMITTED', 'FLUSH_RECORD_DONE']);
    expect(recDone).toEqual(recState('IDLE', { type: HAMMER_MEM_RECORD_ADD, committed: true }));
    expect(replay(hammerRecord, recDone, ['REL_MEM_RECORD']).value).toBe('DEAD');
    const dirDone = replay(hammerInode, dir, ['GROUP_RUN', 'SYNC_INODE', 'RECORD_GONE', 'FLUSH_INODE_DONE']);
    expect(dirDone).toEqual(inodeState('IDLE'));
    const grpDone = replay(flushGroup, grp, ['FLUSH_RECORD_DONE', 'FLUSH_INODE_DONE', 'GROUP_DONE']);
    expect(grpDone).toEqual(groupState('DONE', { closed: true, running: true }));
  });

  it('rejects what the seed forbids, naming the guard', () => {
    const reject = (mod: MachineModule<any>, s: AbstractState, ev: string, why: string) => {
      const r = new MachineStepper(mod).step(s, ev);
      expect(r.ok, `${ev} in ${stateKey(s)}`).toBe(false);
      if (!r.ok) expect(r.reason).toContain(why);
    };
    reject(hammerInode, inodeState('IDLE'), 'FLUSH_INODE_CORE', 'coreFlushable'); // clean: hammer_inode.c:1780-1781
    reject(hammerInode, inodeState('IDLE', { dirty: true }), 'FLUSH_INODE_FALLBACK', 'idleFallback'); // NOXDIRTY bit
    reject(hammerInode, inodeState('FLUSH', { ...FLUSHING, refs: 1 }), 'SYNC_INODE', 'syncable'); // group not running
    reject(hammerInode, inodeState('FLUSH', { ...FLUSHING, refs: 1 }), 'FLUSH_INODE_DONE', 'doneIdle');
    reject(hammerInode, inodeState('SETUP', { refs: 1, deps: true }), 'FLUSH_INODE_CLEAN', 'setupClean');
    reject(hammerInode, inodeState('IDLE'), 'SETUP_CHILD', 'no transition'); // hammer_inode.c:2306
    reject(hammerInode, inodeState('FLUSH', { ...FLUSHING, refs: 1, running: true }), 'GROUP_RUN', 'notRunning');
    reject(hammerInode, inodeState('FLUSH', { ...FLUSHING, refs: 1, running: true }), 'DEFER_RESIGNAL', 'notRunning');
    reject(hammerRecord, recState('IDLE', { deletedFe: true }), 'SETUP_CHILD', 'live'); // hammer_inode.c:2264
    reject(hammerRecord, recState('FLUSH', { inGroup: true }), 'SYNC_RECORD', 'canInterlock'); // hammer_inode.c:2704
    reject(hammerRecord, recState('FLUSH', { inGroup: true, ownerGroup: true, interlockBe: true }), 'SYNC_RECORD', 'canInterlock'); // 2721
    reject(hammerRecord, recState('FLUSH', { inGroup: true, ownerGroup: true, interlockBe: true }), 'DELETE_FE', 'canDeleteFe'); // 2255-2258
    reject(hammerRecord, recState('SETUP', { type: HAMMER_MEM_RECORD_DEL, target: true }), 'DELETE_FE', 'canDeleteFe');
    reject(hammerRecord, recState('SETUP', { type: HAMMER_MEM_RECORD_ADD, target: true }), 'REL_MEM_RECORD', 'releasable');
    reject(flushGroup, groupState('RUNNING', { closed: true, running: true }), 'FLUSH_INODE_CORE', 'no transition'); // 2215
    reject(flushGroup, groupState('RUNNING', { closed: true, running: true, refs: 1 }), 'GROUP_DONE', 'drained');
    reject(flushGroup, groupState('OPEN'), 'GROUP_RUN', 'no transition');
  });

  it('the conformance machines do not bound the counters', () => {
    const st = new MachineStepper(hammerInode);
    expect(st.step(inodeState('IDLE', { refs: 3 }), 'HAMMER_REF')).toMatchObject({ ok: true, to: { context: { refs: 4 } } });
    expect(new MachineStepper(flushGroup).step(groupState('OPEN', { members: 2 }), 'FLUSH_INODE_CORE')).toMatchObject({
      ok: true,
      to: { context: { members: 3 } },
    });
  });
});
