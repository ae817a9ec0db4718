/**
 * The HAMMER invariant catalog (invariants/hammer*.ts, spec/hammer_inode.md §6): a consistent
 * crafted state (a directory D flushing in group G1 with its ADD record R for the new file F, and
 * a clean cached file X) passes every check, and each invariant fires on a crafted state, crafted
 * notes, or a crafted deadlock that breaks it. The windows and scopes are shown to exclude what
 * they should.
 */
import { describe, it, expect } from 'vitest';
import { Sim, Thread, type Note } from '../impl/sim/kernel.ts';
import { newToken } from '../impl/sim/locks.ts';
import type { Frame } from '../impl/compiler/runtime.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { Checker } from '../explorer/checker.ts';
import { hammerInvariants } from '../invariants/hammer.ts';
import { getInvariant } from '../invariants/index.ts';
import { craftedIds, hammerCraftedIds } from './fixtures/crafted.ts';
import {
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_DDIRTY,
  HAMMER_INODE_DELETING,
  HAMMER_INODE_ONDISK,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RSV_INODES,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_INODE_XDIRTY,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_MEM_RECORD_DEL,
  HAMMER_MEM_RECORD_INODE,
  HAMMER_OBJTYPE_DIRECTORY,
  HAMMER_OBJTYPE_REGFILE,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_CONVERT_DELETE,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_RECF_INTERLOCK_BE,
  HAMMER_RECF_ONRBTREE,
  HAMMER_RECF_REDO,
  newFlushGroup,
  newHammerLock,
  newInode,
  newRecord,
  type HammerFlushGroup,
  type HammerGlobals,
  type HammerInode,
  type HammerMount,
  type HammerReclaim,
  type HammerRecord,
} from '../impl/kernel/hammer_inode_state.ts';
import { VISDIRTY } from '../impl/kernel/vfs_sync_state.ts';

interface X {
  sim: Sim;
  hmp: HammerMount;
  D: HammerInode;
  F: HammerInode;
  X: HammerInode;
  R: HammerRecord;
  G1: HammerFlushGroup;
  G2: HammerFlushGroup;
  vD: Vnode;
  vX: Vnode;
  rc: HammerReclaim;
  g: HammerGlobals;
  t: Thread;
  t2: Thread;
}

const SLEEP = { name: 'tsleep', kind: 'sleep', sleeps: true, enabled: () => false, variants: () => 1 } as unknown as Thread['prim'];
const RUN = { name: 'load', kind: 'read', sleeps: false, enabled: () => true, variants: () => 1 } as unknown as Thread['prim'];

function vnode(sim: Sim, name: string, ip: HammerInode): Vnode {
  return sim.world.add(name, { v_flag: 0, v_data: ip, v_mount: null, g_reclaimed: false } as unknown as Vnode);
}

/**
 * The consistent state: root directory D (obj 1, on disk, with a vnode) is FLUSH in the open fill
 * group G1 with its ADD record R (FLUSH in G1) for the new file F (obj 2, FLUSH in G1, held by
 * its creator); X (obj 3, on disk, named by D's committed entry) is clean and IDLE with a vnode.
 * Two threads sleep; nobody holds the fs token.
 */
function fresh(): X {
  const sim = new Sim(2);
  const G1 = sim.world.add('G1', newFlushGroup());
  const G2 = sim.world.add('G2', newFlushGroup());
  const D = newInode(1, HAMMER_OBJTYPE_DIRECTORY, newHammerLock());
  const F = newInode(2, HAMMER_OBJTYPE_REGFILE, newHammerLock());
  const Xi = newInode(3, HAMMER_OBJTYPE_REGFILE, newHammerLock());
  const R = newRecord(1);
  const rc = sim.world.add('reclaim0', { count: 0, g_queued: false } as HammerReclaim);
  const hmp = sim.world.add('hmp', {
    fs_token: newToken('fs_token'),
    ronly: 0,
    flags: 0,
    rb_inos_root: [D, F, Xi],
    flush_group_list: [G1],
    fill_flush_group: G1,
    next_flush_group: G1,
    flusher_next: 2,
    flusher_group_lock: 0,
    flusher_signal: 0,
    flusher_done: 0,
    count_iqueued: 2,
    count_reclaims: 0,
    rsv_inodes: 0,
    undo_rec_limit: 100,
    reclaim_list: [],
    g_flg_pool: [G1, G2],
    g_rec_pool: [R],
    g_ino_pool: [D, F, Xi],
    g_fault_wouldblock: 0,
    g_fault_eio: 0,
    g_flusher_idle: false,
  } as HammerMount);
  Object.assign(G1, { seq: 1, total_count: 2, refs: 1, flush_tree: [D, F], g_allocated: true });
  Object.assign(R, { type: HAMMER_MEM_RECORD_ADD, flags: HAMMER_RECF_ONRBTREE, flush_state: HAMMER_FST_FLUSH, flush_group: G1, ip: D, target_ip: F, lock_refs: 1, g_child: 2, g_allocated: true });
  Object.assign(D, { flush_state: HAMMER_FST_FLUSH, flush_group: G1, rb_flsnode: G1, flags: HAMMER_INODE_ONDISK, sync_flags: HAMMER_INODE_XDIRTY, rec_tree: [R], ino_nlinks: 1, sync_ino_nlinks: 1, g_loaded: true, m_exists: true, m_nlinks: 1, m_dirents: [3] });
  D.lock.refs = 2;
  Object.assign(F, { flush_state: HAMMER_FST_FLUSH, flush_group: G1, rb_flsnode: G1, sync_flags: HAMMER_INODE_DDIRTY, target_list: [R], ino_nlinks: 1, sync_ino_nlinks: 1, g_loaded: true, g_holders: 1 });
  F.lock.refs = 2;
  Object.assign(Xi, { flags: HAMMER_INODE_ONDISK, ino_nlinks: 1, sync_ino_nlinks: 1, g_loaded: true, m_exists: true, m_nlinks: 1 });
  Xi.lock.refs = 1;
  for (const [n, o] of [['D.lock', D.lock], ['F.lock', F.lock], ['X.lock', Xi.lock]] as const) sim.world.add(n, o);
  sim.world.add('D', D);
  sim.world.add('F', F);
  sim.world.add('X', Xi);
  sim.world.add('R', R);
  const vD = vnode(sim, 'vD', D);
  const vX = vnode(sim, 'vX', Xi);
  D.vp = vD;
  Xi.vp = vX;
  const g = sim.world.add('hammer', { hammer_count_iqueued: 2, hammer_count_reclaims: 0, hammer_autoflush: 2000, hammer_limit_reclaims: 4000, hammer_debug_critical: 0 } as HammerGlobals);
  sim.globals.hammer = g;
  const t = new Thread(0, 'frontend', 0, null, false);
  const t2 = new Thread(1, 'flusher', 1, null, false, true);
  for (const th of [t, t2]) {
    th.prim = SLEEP;
    th.args = [];
    sim.threads.push(th);
  }
  return { sim, hmp, D, F, X: Xi, R, G1, G2, vD, vX, rc, g, t, t2 };
}

function check(sim: Sim, id: string, notes: Note[] = []): string | null {
  const inv = hammerInvariants.find((i) => i.id === id)!;
  expect(inv, id).toBeDefined();
  const c = inv.prepare!(sim);
  expect(c, id).not.toBeNull();
  return c!(sim, notes);
}

/** A frame of seed function `fn` with the given locals (a thread placed inside it). */
function frame(fn: string, locals: Record<string, unknown> = {}): Frame {
  const names = Object.keys(locals);
  return {
    proc: { name: fn, file: 'impl/kernel/hammer_inode.ts', line: 0, cite: '', nparams: 0, localNames: names, live: {}, sites: { 0: { line: 0, cite: 'hammer_inode.c:1', text: fn } }, run: () => 0, id: -1, fn: () => 0 },
    pc: 0,
    l: names.map((n) => locals[n]),
    ret: undefined,
    rv: undefined,
    callee: null,
    args: null,
  } as unknown as Frame;
}
const place = (t: Thread, f: Frame): void => void t.frames.push(f);
const note = (kind: string, thread: Thread, data: Record<string, unknown>): Note[] => [{ kind, thread, data }];
/** The workload is over: every thread done, the flusher idle. */
function end(x: X): void {
  for (const t of x.sim.threads) t.done = true;
  x.hmp.g_flusher_idle = true;
}

type Mutation = (x: X) => Note[] | void;
const cases: [string, Mutation][] = [
  ['HINO-01', ({ F }) => void (F.flush_group = null)],
  ['HINO-02', ({ G1, D }) => void (G1.flush_tree = [D])],
  ['HINO-03', ({ X, G1 }) => void (X.flush_group = G1)],
  ['HINO-04', ({ X, G1 }) => { X.flush_state = HAMMER_FST_SETUP; X.flush_group = G1; }],
  ['HINO-05', ({ X }) => void (X.lock.refs = 2)],
  ['HINO-06', ({ vX, D }) => void (vX.v_data = D)],
  ['HINO-07', ({ F }) => void (F.flush_state = HAMMER_FST_IDLE)],
  ['HINO-08', ({ X, t }) => note('hino_unload', t, { ip: X })],
  ['HINO-08b', ({ X, t }) => { X.vp = null; X.flags |= HAMMER_INODE_RSV_INODES; return note('hino_unload', t, { ip: X }); }],
  ['HINO-09', ({ D }) => void (D.sync_flags = 0)],
  ['HINO-10', ({ X }) => void (X.sync_flags = HAMMER_INODE_DDIRTY)],
  ['HINO-11', ({ F, t }) => { F.flags = HAMMER_INODE_DDIRTY; return note('hino_snapshot', t, { ip: F, flagsBefore: HAMMER_INODE_DDIRTY, syncBefore: 0, truncatedBefore: false }); }],
  ['HINO-12', ({ X }) => void (X.flags |= HAMMER_INODE_WOULDBLOCK)],
  ['HINO-13', ({ F, t }) => note('hino_core_enter', t, { ip: F, flags: 0, state: HAMMER_FST_FLUSH })],
  ['HINO-14', ({ X }) => void (X.ino_nlinks = -1)],
  ['HINO-15', ({ F, t }) => note('hino_nlinks_pass', t, { ip: F, nlinksIn: 1, adds: 0, dels: 0, feAdds: 0, result: 2, leftInGroup: 0 })],
  ['HINO-16', ({ X }) => void (X.m_deleted = true)],
  ['HINO-17', ({ X }) => void (X.flags &= ~HAMMER_INODE_ONDISK)],
  ['HINO-18', ({ X }) => { X.flags |= HAMMER_INODE_DDIRTY; X.vp = null; X.lock.refs = 0; }],
  ['HINO-18strong', ({ X }) => void (X.flags |= HAMMER_INODE_DDIRTY)],
  ['HINO-19', ({ F, t }) => note('hino_flush_enter', t, { ip: F, refs: 1, state: HAMMER_FST_FLUSH })],
  ['HINO-20', ({ X, t }) => note('hino_rel_one', t, { ip: X })],
  ['HINO-21', ({ X, t }) => note('hino_free', t, { ip: X, refs: 2 })],
  ['HINO-22', ({ F, t }) => note('hino_setup_depth', t, { ip: F, depth: 21 })],
  ['HINO-23', ({ hmp }) => void (hmp.count_iqueued = 1)],
  ['HINO-24', ({ X, t }) => note('hino_conn_down', t, { ip: X })],
  ['HINO-25', ({ F, t }) => note('hino_done_exit', t, { ip: F, wouldblock: false, reflushSet: true, consumed: 0, clean: false, targetEmpty: false })],
  ['HINO-26', ({ F, t }) => note('hino_fsync_return', t, { ip: F, pending: 'DDIRTY' })],
  ['HINO-28', (x) => { end(x); x.X.flush_state = HAMMER_FST_SETUP; x.X.flags |= HAMMER_INODE_REFLUSH; }],
  ['HINO-29', (x) => end(x)],
  ['HINO-30', (x) => { end(x); x.X.vp = null; x.X.lock.refs = 0; }],
  ['HREC-01', ({ R, G2 }) => { G2.seq = 2; R.flush_group = G2; }],
  ['HREC-02', ({ R, G2, D, t }) => { G2.seq = 2; R.flush_group = G2; R.flags |= HAMMER_RECF_COMMITTED; return note('hino_core_enter', t, { ip: D, flags: 0, state: HAMMER_FST_IDLE }); }],
  ['HREC-03', ({ R, G2, D, t }) => { R.flush_group = G2; return note('hrec_sync', t, { record: R, ip: D }); }],
  ['HREC-04', ({ R }) => void (R.flush_state = HAMMER_FST_IDLE)],
  ['HREC-05', ({ F }) => void (F.target_list = [])],
  ['HREC-06', ({ R }) => void (R.lock_refs = 2)],
  ['HREC-07', ({ R }) => void (R.flags |= HAMMER_RECF_INTERLOCK_BE)],
  ['HREC-08', ({ R, t }) => { R.flags |= HAMMER_RECF_INTERLOCK_BE; return note('hrec_fe_set', t, { record: R }); }],
  ['HREC-09', ({ R }) => void (R.flags |= HAMMER_RECF_CONVERT_DELETE)],
  ['HREC-10', ({ R }) => void (R.flags |= HAMMER_RECF_REDO)],
  ['HREC-11', ({ R }) => { R.type = HAMMER_MEM_RECORD_DEL; R.flags |= HAMMER_RECF_DELETED_FE; }],
  ['HREC-12', ({ R, D, t }) => { D.sync_flags |= HAMMER_INODE_DELETING; return note('hrec_sync', t, { record: R, ip: D }); }],
  ['HREC-13', ({ R }) => { R.flush_state = HAMMER_FST_SETUP; R.flush_group = null; R.flags |= HAMMER_RECF_DELETED_BE; }],
  ['HREC-14', ({ R, G1, t }) => { G1.running = 1; return note('hrec_join', t, { record: R, flg: G1 }); }],
  ['HREC-15', ({ R }) => void (R.type = HAMMER_MEM_RECORD_INODE)],
  ['HREC-16', ({ D, G1, t }) => note('hino_leave_group', t, { ip: D, flg: G1 })],
  ['HREC-17', ({ F }) => void (F.flush_state = HAMMER_FST_IDLE)],
  ['HFLG-01', ({ G1 }) => void (G1.refs = 2)],
  ['HFLG-02', ({ F, G1, t }) => { G1.running = 1; return note('hflg_insert', t, { ip: F, flg: G1 }); }],
  ['HFLG-03', ({ G1 }) => void (G1.running = 1)],
  ['HFLG-04', ({ hmp }) => void (hmp.next_flush_group = null)],
  ['HFLG-05', ({ hmp, G1, G2 }) => { Object.assign(G2, { seq: 1, g_allocated: true }); hmp.flush_group_list = [G1, G2]; }],
  ['HFLG-06', ({ hmp }) => void (hmp.flusher_group_lock = 1)],
  ['HFLG-07', ({ G1 }) => void (G1.total_count = 1)],
  ['HFLG-08', ({ G1, t }) => note('hflg_free', t, { flg: G1 })],
  ['HFLG-09', ({ D, G2 }) => void (D.flush_group = G2)],
  ['HFLG-10', ({ G1, t }) => note('hflg_select', t, { flg: G1, total: 3000, refs: 0 })],
  ['HFLG-11', (x) => { end(x); x.G1.closed = 1; }],
  ['HFLG-12', (x) => end(x)],
  ['HFLG-13', ({ F, hmp, t }) => { F.flags |= HAMMER_INODE_WOULDBLOCK; return note('hmed_commit', t, { hmp }); }],
  ['HRCL-01', ({ hmp, rc }) => { rc.g_queued = true; hmp.reclaim_list = [rc]; }],
  ['HMED-01', ({ D, hmp, t }) => { D.m_dirents = [2, 3]; return note('hmed_commit', t, { hmp }); }],
  ['HMED-02', ({ X, hmp, t }) => { X.m_nlinks = 2; return note('hmed_commit', t, { hmp }); }],
  ['HMED-03', ({ X, hmp, t }) => { X.m_deleted = true; return note('hmed_commit', t, { hmp }); }],
];
/** The liveness invariants shown as deadlock attribution (below). */
const deadlockCases: [string, string][] = [
  ['HINO-27', 'hammer_wait_inode'],
  ['HRCL-02', 'hammer_inode_waitreclaims'],
];

const ours = new Set(hammerInvariants.map((i) => i.id));

describe('hammer catalog', () => {
  it('has unique, registered ids (≥ 60), each with a check or a deadlock attribution and hammer_inode.c citations', () => {
    expect(ours.size).toBe(hammerInvariants.length);
    expect(hammerInvariants.length).toBeGreaterThanOrEqual(60);
    for (const i of hammerInvariants) {
      expect(getInvariant(i.id), i.id).toBe(i);
      expect(i.domain, i.id).toBe(i.id === 'HINO-18strong' ? 'hammer-strict' : i.id === 'HINO-19' ? 'hammer-hx2' : 'hammer'); // HINO-19: hazard HX-2, only scenarios listing 'hammer-hx2' // HINO-18strong: only scenarios listing 'hammer-strict'
      expect(!!i.prepare || !!i.blockedIn, i.id).toBe(true);
      expect(i.cite.length, i.id).toBeGreaterThan(0);
      for (const c of i.cite) expect(c).toMatch(/^hammer_inode\.c:\d+(-\d+)?$/);
    }
    const want: string[] = ['HINO-08b', 'HINO-18strong'];
    for (let n = 1; n <= 30; n++) want.push(`HINO-${String(n).padStart(2, '0')}`);
    for (let n = 1; n <= 17; n++) want.push(`HREC-${String(n).padStart(2, '0')}`);
    for (let n = 1; n <= 13; n++) want.push(`HFLG-${String(n).padStart(2, '0')}`);
    want.push('HRCL-01', 'HRCL-02', 'HMED-01', 'HMED-02', 'HMED-03');
    expect([...ours].sort()).toEqual(want.sort());
  });

  it('the consistent crafted state passes every invariant (with and without the end-of-workload, with a commit note)', () => {
    const x = fresh();
    for (const i of hammerInvariants) if (i.prepare) expect(check(x.sim, i.id, note('hmed_commit', x.t, { hmp: x.hmp })), i.id).toBeNull();
    // At the end of a workload whose flusher ran everything: nothing flushing, nothing left over.
    const y = fresh();
    end(y);
    Object.assign(y.D, { flush_state: HAMMER_FST_IDLE, flush_group: null, rb_flsnode: null, sync_flags: 0, rec_tree: [], m_dirents: [2, 3] });
    Object.assign(y.F, { flags: HAMMER_INODE_ONDISK, flush_state: HAMMER_FST_IDLE, flush_group: null, rb_flsnode: null, sync_flags: 0, target_list: [], m_exists: true, m_nlinks: 1 });
    Object.assign(y.R, { flags: HAMMER_RECF_COMMITTED, flush_state: HAMMER_FST_IDLE, flush_group: null, target_ip: null, lock_refs: 0 });
    Object.assign(y.G1, { g_done: true, flush_tree: [] });
    y.hmp.flush_group_list = [];
    y.hmp.fill_flush_group = null;
    y.hmp.next_flush_group = null;
    y.hmp.count_iqueued = 0;
    y.g.hammer_count_iqueued = 0;
    y.D.lock.refs = 1;
    y.F.lock.refs = 1; // its creator still holds it
    for (const i of hammerInvariants) if (i.prepare) expect(check(y.sim, i.id, note('hmed_commit', y.t, { hmp: y.hmp })), i.id).toBeNull();
  });
});

describe('each hammer invariant fires on a crafted violating state', () => {
  it('the fixture lists exactly these cases, and every invariant of the catalog is crafted', () => {
    const all = [...cases.map((c) => c[0]), ...deadlockCases.map((c) => c[0])];
    expect([...hammerCraftedIds].sort()).toEqual([...new Set(all)].sort());
    for (const id of ours) expect(hammerCraftedIds, id).toContain(id);
  });
  for (const [id, mutate] of cases) {
    it(id, () => {
      const x = fresh();
      expect(check(x.sim, id), `${id} holds before the mutation`).toBeNull();
      const notes = mutate(x) ?? [];
      const m = check(x.sim, id, notes);
      expect(typeof m, `${id} fires`).toBe('string');
      craftedIds.add(id);
    });
  }
  for (const [id, fn] of deadlockCases) {
    it(`${id}: a deadlock with a thread asleep in ${fn} is attributed to it`, () => {
      const x = fresh();
      for (const t of x.sim.threads) t.done = true;
      x.t.done = false;
      place(x.t, frame('hammer_vop_fsync', {}));
      expect(new Checker(x.sim, ['hammer']).deadlock()?.id).toBe('SIM-01');
      place(x.t, frame(fn, { ip: x.F }));
      expect(new Checker(x.sim, ['hammer']).deadlock()?.id).toBe(id);
      craftedIds.add(id);
    });
  }
});

describe('scopes and windows', () => {
  it('[Q]: a state inside a running fs-token critical section is not checked', () => {
    const x = fresh();
    x.hmp.count_iqueued = 1;
    expect(check(x.sim, 'HINO-23')).toMatch(/count_iqueued 1/);
    x.t.tokens.push({ tok: x.hmp.fs_token, exclusive: true, count: 1 });
    expect(check(x.sim, 'HINO-23')).toMatch(/count_iqueued 1/); // asleep: the token is released
    x.t.prim = RUN;
    expect(check(x.sim, 'HINO-23')).toBeNull(); // running with the token: mid-critical-section
  });

  it('HINO-18: weak holds with any attached vnode, strong needs VISDIRTY or a reclaimed vnode; a holder or a FLUSH inode in the component triggers', () => {
    const x = fresh();
    x.X.flags |= HAMMER_INODE_DDIRTY;
    expect(check(x.sim, 'HINO-18')).toBeNull();
    expect(check(x.sim, 'HINO-18strong')).toMatch(/no trigger/);
    x.vX.v_flag |= VISDIRTY;
    expect(check(x.sim, 'HINO-18strong')).toBeNull();
    x.vX.v_flag = 0;
    x.vX.g_reclaimed = true;
    expect(check(x.sim, 'HINO-18strong')).toBeNull();
    // F (no vnode) is dirty, D is its component's trigger through R even when F itself has none.
    x.F.flush_state = HAMMER_FST_SETUP;
    x.F.g_holders = 0;
    expect(check(x.sim, 'HINO-18')).toBeNull();
  });

  it('HINO-05: one reference of slack while a completion runs on the inode', () => {
    const x = fresh();
    x.F.lock.refs = 3;
    expect(check(x.sim, 'HINO-05')).toMatch(/refs 3/);
    place(x.t, frame('hammer_flush_inode_done', { ip: x.F, dorel: 1 }));
    expect(check(x.sim, 'HINO-05')).toBeNull();
  });

  it('HREC-07 / HREC-09: INTERLOCK_BE and CONVERT_DELETE hold inside the record\'s backend sync', () => {
    const x = fresh();
    x.R.flags |= HAMMER_RECF_INTERLOCK_BE | HAMMER_RECF_DELETED_FE | HAMMER_RECF_CONVERT_DELETE;
    expect(check(x.sim, 'HREC-07')).toMatch(/outside/);
    expect(check(x.sim, 'HREC-09')).toMatch(/outside/);
    place(x.t2, frame('hammer_sync_record_callback', { record: x.R }));
    expect(check(x.sim, 'HREC-07')).toBeNull();
    expect(check(x.sim, 'HREC-09')).toBeNull();
  });

  it('HREC-01 / HREC-07: the record-completion window (hammer_flush_record_done testing inodes, A-4) excuses only that record', () => {
    const x = fresh();
    // Group cleared, still FLUSH (the deleted/committed branch before its IDLE).
    x.R.flush_group = null;
    x.G1.refs = 0;
    expect(check(x.sim, 'HREC-01')).toMatch(/FLUSH without a flush group/);
    // A completion of another record, or another function holding R, does not excuse it.
    const other = x.sim.world.add('R2', newRecord(2));
    place(x.t2, frame('hammer_flush_record_done', { record: other }));
    expect(check(x.sim, 'HREC-01')).toMatch(/FLUSH without a flush group/);
    place(x.t, frame('hammer_test_inode', { record: x.R, ip: x.D }));
    expect(check(x.sim, 'HREC-01')).toMatch(/FLUSH without a flush group/);
    // Inside hammer_flush_record_done(R): excused.
    const inDone = frame('hammer_flush_record_done', { record: x.R, error: 0, target_ip: x.F });
    place(x.t2, inDone);
    expect(check(x.sim, 'HREC-01')).toBeNull();
    // ... but the group-mismatch clause stays strict inside the window.
    Object.assign(x.G2, { seq: 2, g_allocated: true });
    x.R.flush_group = x.G2;
    expect(check(x.sim, 'HREC-01')).toMatch(/but its owner/);
    // HREC-07: SETUP with INTERLOCK_BE (state set before INTERLOCK_BE is cleared).
    x.R.flush_group = null;
    x.R.flush_state = HAMMER_FST_SETUP;
    x.R.flags |= HAMMER_RECF_INTERLOCK_BE;
    expect(check(x.sim, 'HREC-07')).toBeNull();
    x.t2.frames.splice(x.t2.frames.indexOf(inDone), 1);
    expect(check(x.sim, 'HREC-07')).toMatch(/INTERLOCK_BE on a SETUP record/);
  });

  it('HINO-09: the record helpers\' window and the completion-exit form', () => {
    const x = fresh();
    x.D.sync_flags = 0;
    expect(check(x.sim, 'HINO-09')).toMatch(/XDIRTY clear/);
    place(x.t, frame('hammer_mem_add', { record: x.R }));
    expect(check(x.sim, 'HINO-09')).toBeNull();
    expect(check(x.sim, 'HINO-09', note('hino_done_exit', x.t, { ip: x.D, wouldblock: false, reflushSet: false, consumed: 0, clean: true, targetEmpty: true }))).toMatch(/end of its completion/);
  });

  it('HINO-24: MUT-06\'s signature — completion returns with an empty target_list and CONN_DOWN set', () => {
    const x = fresh();
    const exit = { ip: x.X, wouldblock: false, reflushSet: false, consumed: 0, clean: true, targetEmpty: true };
    expect(check(x.sim, 'HINO-24', note('hino_done_exit', x.t, exit))).toBeNull();
    x.X.flags |= 0x0004; // CONN_DOWN
    expect(check(x.sim, 'HINO-24', note('hino_done_exit', x.t, exit))).toMatch(/CONN_DOWN/);
    expect(check(x.sim, 'HINO-24', note('hino_conn_down', x.t, { ip: x.F }))).toBeNull(); // F has R in its target_list
  });

  it('HINO-19 / HINO-20: the state at the note is taken from the core entry that follows it in the step', () => {
    const x = fresh();
    // F is FLUSH after the step, but hammer_rel_inode saw one reference on the IDLE F and flushed it.
    const steps: Note[] = [
      { kind: 'hino_rel_one', thread: x.t, data: { ip: x.F } },
      { kind: 'hino_flush_enter', thread: x.t, data: { ip: x.F, refs: 1 } },
      { kind: 'hino_core_enter', thread: x.t, data: { ip: x.F, flags: 0, state: HAMMER_FST_IDLE } },
    ];
    expect(check(x.sim, 'HINO-20', steps)).toBeNull();
    expect(check(x.sim, 'HINO-19', steps)).toBeNull();
    expect(check(x.sim, 'HINO-20', steps.slice(0, 1))).toMatch(/FLUSH/);
    steps[2].data.state = HAMMER_FST_SETUP;
    expect(check(x.sim, 'HINO-19', steps)).toMatch(/refs 1 in SETUP/);
  });

  it('HREC-01: the directory exception (record in an older group than its directory owner) is allowed', () => {
    const x = fresh();
    Object.assign(x.G2, { seq: 0, g_allocated: true });
    x.R.flush_group = x.G2;
    expect(check(x.sim, 'HREC-01')).toBeNull();
  });

  it('HINO-25: a consumed or discarded REFLUSH passes; WOULDBLOCK exits are exempt', () => {
    const x = fresh();
    const d = { ip: x.F, wouldblock: false, reflushSet: true, consumed: 1, clean: false, targetEmpty: false };
    expect(check(x.sim, 'HINO-25', note('hino_done_exit', x.t, d))).toBeNull();
    expect(check(x.sim, 'HINO-25', note('hino_done_exit', x.t, { ...d, consumed: 0, clean: true }))).toBeNull();
    expect(check(x.sim, 'HINO-25', note('hino_done_exit', x.t, { ...d, consumed: 0, wouldblock: true }))).toBeNull();
    expect(check(x.sim, 'HINO-25', note('hino_done_exit', x.t, { ...d, consumed: 2 }))).toMatch(/2 times/);
  });

  it('L invariants wait for the end of the workload', () => {
    const x = fresh();
    expect(check(x.sim, 'HINO-29')).toBeNull(); // F and D FLUSH, but the workload runs
    for (const t of x.sim.threads) t.done = true;
    expect(check(x.sim, 'HINO-29')).toBeNull(); // the flusher is not idle yet
    x.hmp.g_flusher_idle = true;
    expect(check(x.sim, 'HINO-29')).toMatch(/still FLUSH/);
    // a daemon with work in hand (runnable, not merely queued in a timed sleep) may still act
    x.t2.done = false;
    x.t2.prim = RUN;
    expect(check(x.sim, 'HINO-29')).toBeNull();
    x.t2.prim = { name: 'tsleep_wait', kind: 'sleep', sleeps: true, enabled: () => true, variants: () => 1 } as unknown as Thread['prim'];
    x.t2.args = [x.hmp];
    x.t2.interlock = x.hmp; // queued: only the timeout would end the sleep
    expect(check(x.sim, 'HINO-29')).toMatch(/still FLUSH/);
  });

  it('HMED-02 counts the implicit link of the PFS root, and HMED-01 names unknown children', () => {
    const x = fresh();
    x.D.m_dirents = [3, 9];
    expect(check(x.sim, 'HMED-01', note('hmed_commit', x.t, { hmp: x.hmp }))).toMatch(/no inode/);
    x.D.m_dirents = [3];
    x.D.m_nlinks = 0;
    expect(check(x.sim, 'HMED-02', note('hmed_commit', x.t, { hmp: x.hmp }))).toMatch(/1 committed link/);
    expect(check(x.sim, 'HMED-02')).toBeNull(); // only at commit points
  });

  it('record types used by the crafted cases are the machine\'s', () => {
    expect([HAMMER_MEM_RECORD_ADD, HAMMER_MEM_RECORD_DEL, HAMMER_MEM_RECORD_INODE]).toEqual([2, 3, 1]);
  });
});
