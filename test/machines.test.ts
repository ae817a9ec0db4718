import { describe, it, expect } from 'vitest';
import {
  MachineStepper,
  diagram,
  getMachine,
  lintMachine,
  machineDocPage,
  machineRegistry,
  shortestPathTo,
  stateKey,
  statesOf,
  transitionsOf,
  traverse,
} from '../machines/index.ts';
import { bioTrack } from '../machines/bioTrack.ts';
import { bio } from '../machines/bio.ts';
import { buf, LK_KERNPROC as BUF_LK_KERNPROC } from '../machines/buf.ts';
import { page, PG_NEED_COMMIT as PAGE_PG_NEED_COMMIT, PQ_FREE as PAGE_PQ_FREE } from '../machines/page.ts';
import type { AbstractState, MachineModule } from '../machines/types.ts';
import {
  B_DELWRI,
  B_HASHED,
  B_HEAVY,
  B_INVAL,
  B_LOCKED,
  B_MARKER,
  BIO_DONE,
  BIO_SYNC,
  BIO_WANT,
  BK_WAIT,
  BQUEUE_CLEAN,
  BQUEUE_DIRTY,
  BQUEUE_EMPTY,
  BQUEUE_NAMES,
  BQUEUE_NONE,
  BUF_CMD_DONE,
  BUF_CMD_READ,
  BUF_CMD_WRITE,
  VM_PAGE_BITS_ALL,
} from '../impl/kernel/sys.ts';
import { newBuf, type Buf } from '../impl/env/bio.ts';
import { newVmObject, newVmPage, PG_NEED_COMMIT, PQ_ACTIVE, PQ_FREE, PQ_NONE, type VmPage } from '../impl/env/vm.ts';
import { LK_KERNPROC } from '../impl/sim/locks.ts';
import { World } from '../impl/sim/world.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { Conformance } from '../explorer/conformance.ts';

/** Reachable abstract states of the bounded buf and page machines (the docs quote them). */
// No BUNDIRTY on a queued buffer and no BQHOLD on EMPTY (unreachable in the seed, A-5 and findblk).
const BUF_REACHABLE = 342;
const PAGE_REACHABLE = 169;

/** A stand-in for a Thread as a lock or busy owner (the abstractions only test for null/KERNPROC). */
const someThread = { tid: 1 } as unknown as NonNullable<VmPage['busy']>;

/** A buffer header in the given abstract state (bufinit-style: B_INVAL on EMPTY). */
function craftBuf(s: AbstractState): Buf {
  const bp = newBuf();
  const c = s.context;
  bp.b_qindex = (BQUEUE_NAMES as readonly string[]).indexOf(s.value);
  bp.b_cmd = c.cmd as number;
  bp.b_flags =
    (c.delwri ? B_DELWRI : 0) | (c.heavy ? B_HEAVY : 0) | (c.hashed ? B_HASHED : 0) | (c.pinned ? B_LOCKED : 0) |
    (s.value === 'EMPTY' ? B_INVAL : 0);
  bp.b_refs = c.refs as number;
  bp.b_lock.lk_owner = c.owner === 0 ? null : c.owner === 2 ? LK_KERNPROC : someThread;
  return bp;
}

/** A page of a VM object in the given abstract state. */
function craftPage(s: AbstractState): VmPage {
  const m = newVmObject(1).pages[0]!;
  const c = s.context;
  m.queue = s.value === 'free' ? PQ_FREE : s.value === 'wired' ? PQ_NONE : PQ_ACTIVE;
  m.wire_count = c.wires as number;
  m.busy = c.busy ? someThread : null;
  m.busy_count = c.sbusy as number;
  m.valid = c.valid ? VM_PAGE_BITS_ALL : 0;
  m.dirty = c.dirty ? VM_PAGE_BITS_ALL : 0;
  m.flags = c.needCommit ? PG_NEED_COMMIT : 0;
  m.g_bogus = c.bogus as number;
  return m;
}

const bufState = (value: string, ctx: Partial<Record<string, number | boolean>> = {}): AbstractState => ({
  value,
  context: { owner: 0, cmd: 0, delwri: false, heavy: false, hashed: false, pinned: false, refs: 0, ...ctx } as Record<string, number | boolean>,
});
const pageState = (value: string, ctx: Partial<Record<string, number | boolean>> = {}): AbstractState => ({
  value,
  context: { busy: false, sbusy: 0, wires: 0, valid: false, dirty: false, needCommit: false, bogus: 0, ...ctx } as Record<string, number | boolean>,
});

/** An implementation object for each abstract state: witnesses that the abstraction is onto. */
const concretise: Record<string, (s: AbstractState) => unknown> = {
  bioTrack: (s) => ({ bk_active: ((s.context.count as number) | (s.context.wait ? BK_WAIT : 0)) >>> 0 }),
  bio: (s) => ({
    bio_flags: (s.context.sync ? BIO_SYNC : 0) | (s.context.done ? BIO_DONE : 0) | (s.context.want ? BIO_WANT : 0),
    bio_buf: { b_cmd: s.context.cmdDone ? BUF_CMD_DONE : BUF_CMD_READ },
  }),
  buf: craftBuf,
  page: craftPage,
};

/** Crafted bad states, each of which must make exactly the named invariant fire. */
const bad: Array<{ mod: MachineModule<any>; id: string; state: AbstractState }> = [
  { mod: bioTrack, id: 'TRKM-01', state: bioTrack.abstract({ bk_active: 0x80000000 }) },
  { mod: bioTrack, id: 'TRKM-01', state: { value: 'idle', context: { count: 2, wait: false } } },
  { mod: bioTrack, id: 'TRKM-02', state: { value: 'active', context: { count: 0, wait: false } } },
  { mod: bioTrack, id: 'TRKM-02', state: { value: 'active', context: { count: 1, wait: true } } },
  { mod: bioTrack, id: 'TRKM-03', state: { value: 'waited', context: { count: 0, wait: true } } },
  { mod: bioTrack, id: 'TRKM-03', state: { value: 'waited', context: { count: 1, wait: false } } },
  // A release without a reference: (0 & 0x7FFFFFFF) - 1 = 0xFFFFFFFF (vfs_bio.c:544-546).
  { mod: bioTrack, id: 'TRKM-04', state: bioTrack.abstract({ bk_active: 0xffffffff }) },
  { mod: bio, id: 'BIOM-01', state: { value: 'idle', context: { sync: true, done: false, want: false, cmdDone: true } } },
  { mod: bio, id: 'BIOM-02', state: { value: 'issued', context: { sync: true, done: false, want: true, cmdDone: false } } },
  // WANT without SYNC.
  { mod: bio, id: 'BIOM-03', state: bio.abstract({ bio_flags: BIO_WANT, bio_buf: { b_cmd: BUF_CMD_READ } }) },
  // WANT survived completion (a non-atomic completer RMW would allow it).
  { mod: bio, id: 'BIOM-04', state: bio.abstract({ bio_flags: BIO_SYNC | BIO_DONE | BIO_WANT, bio_buf: { b_cmd: BUF_CMD_DONE } }) },
  // DONE published before bpdone (mutant M09: C3 before C1).
  { mod: bio, id: 'BIOM-05', state: bio.abstract({ bio_flags: BIO_SYNC | BIO_DONE, bio_buf: { b_cmd: BUF_CMD_READ } }) },
  // A delayed write released to CLEAN (a brelse that skipped the DELWRI queue choice).
  { mod: buf, id: 'BUFM-01', state: buf.abstract(craftBuf(bufState('CLEAN', { delwri: true, hashed: true }))) },
  { mod: buf, id: 'BUFM-01', state: bufState('EMPTY', { delwri: true, hashed: true }) },
  { mod: buf, id: 'BUFM-02', state: buf.abstract(craftBuf(bufState('EMPTY', { hashed: true }))) },
  // bqrelse of a buffer whose I/O is still in flight.
  { mod: buf, id: 'BUFM-03', state: bufState('DIRTY', { owner: 2, cmd: BUF_CMD_WRITE, delwri: true, hashed: true }) },
  // BUF_UNLOCK before the enqueue: nobody owns the off-queue buffer.
  { mod: buf, id: 'BUFM-04', state: buf.abstract(craftBuf(bufState('NONE', { hashed: true }))) },
  { mod: buf, id: 'BUFM-05', state: bufState('NONE', { owner: 0, cmd: BUF_CMD_READ }) },
  { mod: buf, id: 'BUFM-06', state: bufState('DIRTY', { delwri: true, hashed: true, pinned: true }) },
  { mod: buf, id: 'BUFM-06', state: bufState('LOCKED', { hashed: true }) },
  { mod: buf, id: 'BUFM-07', state: bufState('DIRTY', { delwri: true, heavy: true, hashed: true }) },
  { mod: buf, id: 'BUFM-07', state: bufState('DIRTY_HW', { delwri: true, hashed: true }) },
  // brelvp of a delayed write.
  { mod: buf, id: 'BUFM-08', state: bufState('NONE', { owner: 1, delwri: true }) },
  // An unbalanced atomic_subtract_int on b_refs.
  { mod: buf, id: 'BUFM-09', state: buf.abstract(craftBuf(bufState('CLEAN', { refs: -1, hashed: true }))) },
  // Freed while still wired / while dirty.
  { mod: page, id: 'PGM-01', state: page.abstract(craftPage(pageState('free', { wires: 1 }))) },
  { mod: page, id: 'PGM-01', state: pageState('free', { valid: true, dirty: true }) },
  // The original of a bogus slot unwired.
  { mod: page, id: 'PGM-02', state: page.abstract(craftPage(pageState('resident', { bogus: 1, sbusy: 0 }))) },
  { mod: page, id: 'PGM-03', state: pageState('wired', { wires: 1, sbusy: 2 }) },
  { mod: page, id: 'PGM-04', state: pageState('free', { needCommit: true }) },
  { mod: page, id: 'PGM-05', state: page.abstract(craftPage(pageState('wired', { wires: 1, dirty: true }))) },
  { mod: page, id: 'PGM-06', state: pageState('resident', { wires: 1 }) },
];

describe('machine registry', () => {
  it('lists bioTrack, bio, buf and page and resolves names', () => {
    expect(machineRegistry.map((m) => m.name)).toEqual(expect.arrayContaining(['bioTrack', 'bio', 'buf', 'page']));
    expect(getMachine('bioTrack')).toBe(bioTrack);
    expect(getMachine('bio')).toBe(bio);
    expect(getMachine('buf')).toBe(buf);
    expect(getMachine('page')).toBe(page);
    expect(getMachine('nope')).toBeUndefined();
    expect(new Set(machineRegistry.map((m) => m.name)).size).toBe(machineRegistry.length);
  });

  it('stateKey is stable with sorted context keys', () => {
    expect(stateKey({ value: 'active', context: { wait: false, count: 2 } })).toBe('active{count:2,wait:false}');
  });
});

// The vfs_bio machines; the vnode pager's and HAMMER's have the same checks in
// test/machines-uvn.test.ts and test/machines-hammer.test.ts.
describe.each(machineRegistry.filter((m) => m.name in concretise).map((m) => [m.name, m] as const))('machine %s', (name, mod) => {
  const result = traverse(mod);

  it('is well-formed: cited and described transitions, named guards and actions', () => {
    expect(lintMachine(mod)).toEqual([]);
    for (const t of transitionsOf(mod)) {
      expect(t.cite.length, t.id).toBeGreaterThan(0);
      for (const c of t.cite) expect(c).toMatch(/^[a-z_]+\.c:\d+(-\d+)?$/);
    }
    const ids = transitionsOf(mod).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('traversal reaches every atomic state and every transition', () => {
    const reached = new Set(result.states.map((s) => s.state.value));
    for (const s of statesOf(mod)) expect(reached.has(s), `state ${s}`).toBe(true);
    for (const t of transitionsOf(mod)) expect(result.transitionsReached.has(t.id), `transition ${t.id}`).toBe(true);
    expect(new Set(result.states.map((s) => s.key)).size).toBe(result.states.length);
    expect(result.states[0]!.path).toEqual([]);
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
    const stepper = new MachineStepper(mod);
    const initial = result.states[0]!.state;
    for (const s of result.states) {
      let cur = initial;
      for (const ev of s.path) {
        const r = stepper.step(cur, ev);
        if (!r.ok) throw new Error(r.reason);
        cur = r.to;
      }
      expect(stateKey(cur)).toBe(s.key);
      expect(stateKey(mod.abstract(concretise[name]!(cur) as never))).toBe(stateKey(cur));
    }
  });

  it('the stepper agrees with the bounded machine wherever the bound does not bite', () => {
    const stepper = new MachineStepper(mod);
    const keys = new Set(result.states.map((s) => s.key));
    for (const s of result.states) {
      for (const ev of mod.events) {
        const r = stepper.step(s.state, ev.type);
        if (r.ok) {
          const t = transitionsOf(mod).find((x) => x.id === r.transitionId)!;
          expect(t.source).toBe(s.state.value);
          expect(t.target).toBe(r.to.value);
          expect(t.event).toBe(ev.type);
          // Targets outside the bounded graph are only counter overflows of the bound.
          if (!keys.has(stateKey(r.to))) expect(result.transitionsReached.has(r.transitionId)).toBe(true);
        }
      }
    }
  });

  it('renders mermaid and dot diagrams with every state and event', () => {
    for (const format of ['mermaid', 'dot'] as const) {
      const d = diagram(mod, format);
      for (const s of statesOf(mod)) expect(d).toContain(s);
      for (const t of transitionsOf(mod)) expect(d).toContain(t.event);
    }
    const mermaid = diagram(mod, 'mermaid');
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    // Mermaid's stateDiagram lexer ends a label at ':' or ';'.
    for (const line of mermaid.split('\n').slice(1)) {
      const i = line.indexOf(' : ');
      if (i >= 0) expect(line.slice(i + 3), line).not.toMatch(/[:;#<>{}"]/);
    }
  });

  it('has a deterministic doc page', () => {
    const page = machineDocPage(mod);
    expect(machineDocPage(mod)).toBe(page);
    expect(page).toContain('```mermaid\nstateDiagram-v2');
    for (const inv of mod.stateInvariants) expect(page).toContain(inv.id);
    for (const t of transitionsOf(mod)) expect(page).toContain(t.id);
    expect(page).toContain(`**${result.states.length}** abstract states`);
  });

  it('finds shortest paths to every state', () => {
    for (const s of statesOf(mod)) expect(shortestPathTo(mod, s, result)).toBeDefined();
    expect(shortestPathTo(mod, 'no-such-state', result)).toBeUndefined();
  });
});

describe('per-state invariants fire on crafted bad states', () => {
  it.each(bad.map((b) => [b.id, stateKey(b.state), b] as const))('%s on %s', (id, _key, b) => {
    const failing = b.mod.stateInvariants.filter((inv) => inv.check(b.state) !== null).map((inv) => inv.id);
    expect(failing).toContain(id);
  });

  it('every invariant is exercised by some crafted state', () => {
    for (const mod of [bioTrack, bio, buf, page]) {
      for (const inv of mod.stateInvariants) expect(bad.some((b) => b.id === inv.id), inv.id).toBe(true);
    }
  });
});

describe('bioTrack', () => {
  it('has 7 reachable abstract states at bound 3', () => {
    expect(traverse(bioTrack).states.length).toBe(7);
  });

  it('abstracts bk_active as an unsigned word', () => {
    expect(bioTrack.abstract({ bk_active: 0 })).toEqual({ value: 'idle', context: { count: 0, wait: false } });
    expect(bioTrack.abstract({ bk_active: 2 })).toEqual({ value: 'active', context: { count: 2, wait: false } });
    expect(bioTrack.abstract({ bk_active: 0x80000002 })).toEqual({ value: 'waited', context: { count: 2, wait: true } });
    // The same word stored as a signed int.
    expect(bioTrack.abstract({ bk_active: 0x80000002 | 0 })).toEqual(bioTrack.abstract({ bk_active: 0x80000002 }));
    expect(bioTrack.abstract({ bk_active: 0x80000000 })).toEqual({ value: 'idle', context: { count: 0, wait: true } });
  });

  it('the stepper rejects disabled events and names the transition taken', () => {
    const st = new MachineStepper(bioTrack);
    const w1: AbstractState = { value: 'waited', context: { count: 1, wait: true } };
    const shortcut = st.step(w1, 'TRACK_REL_SHORTCUT');
    expect(shortcut.ok).toBe(false);
    if (!shortcut.ok) expect(shortcut.reason).toContain('TRACK_REL_SHORTCUT');
    expect(st.step({ value: 'idle', context: { count: 0, wait: false } }, 'TRACK_REL').ok).toBe(false);
    expect(st.step({ value: 'idle', context: { count: 0, wait: false } }, 'TRACK_SET_WAIT').ok).toBe(false);
    expect(st.step({ value: 'active', context: { count: 2, wait: false } }, 'TRACK_REL_SHORTCUT').ok).toBe(false);
    expect(st.step(w1, 'NO_SUCH_EVENT').ok).toBe(false);
    expect(st.step({ value: 'nowhere', context: { count: 0, wait: false } }, 'TRACK_REF').ok).toBe(false);

    expect(st.step(w1, 'TRACK_REL')).toEqual({
      ok: true,
      to: { value: 'idle', context: { count: 0, wait: false } },
      transitionId: 'waited:TRACK_REL#1',
    });
    expect(st.step({ value: 'waited', context: { count: 3, wait: true } }, 'TRACK_REL')).toEqual({
      ok: true,
      to: { value: 'waited', context: { count: 2, wait: true } },
      transitionId: 'waited:TRACK_REL#0',
    });
    expect(st.step({ value: 'active', context: { count: 1, wait: false } }, 'TRACK_REL_SHORTCUT')).toEqual({
      ok: true,
      to: { value: 'idle', context: { count: 0, wait: false } },
      transitionId: 'active:TRACK_REL_SHORTCUT#0',
    });
    expect(st.step({ value: 'active', context: { count: 1, wait: false } }, 'TRACK_SET_WAIT')).toMatchObject({
      ok: true,
      to: { value: 'waited', context: { count: 1, wait: true } },
      transitionId: 'active:TRACK_SET_WAIT#0',
    });
  });

  it('the conformance machine does not bound the count at the traversal bound', () => {
    const st = new MachineStepper(bioTrack);
    const r = st.step({ value: 'active', context: { count: 3, wait: false } }, 'TRACK_REF');
    expect(r).toMatchObject({ ok: true, to: { value: 'active', context: { count: 4 } }, transitionId: 'active:TRACK_REF#0' });
    expect(st.step({ value: 'waited', context: { count: 1000, wait: true } }, 'TRACK_REF')).toMatchObject({ ok: true });
  });

  it('the stepper memoises and freezes its results', () => {
    const st = new MachineStepper(bioTrack);
    const a = st.step({ value: 'active', context: { count: 2, wait: false } }, 'TRACK_REL');
    const b = st.step({ value: 'active', context: { wait: false, count: 2 } }, 'TRACK_REL');
    expect(b).toBe(a);
    expect(st.memoSize).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
    if (a.ok) expect(Object.isFrozen(a.to.context)).toBe(true);
  });

  it('the stepper result compares with the abstraction of the implementation object', () => {
    const st = new MachineStepper(bioTrack);
    // A waiter's cmpset 0x00000002 -> 0x80000002, then two releases.
    let cur = bioTrack.abstract({ bk_active: 2 });
    let word = 2;
    for (const [ev, next] of [
      ['TRACK_SET_WAIT', 0x80000002],
      ['TRACK_REL', 0x80000001],
      ['TRACK_REL', 0],
    ] as const) {
      const r = st.step(cur, ev);
      if (!r.ok) throw new Error(r.reason);
      word = next;
      expect(stateKey(r.to)).toBe(stateKey(bioTrack.abstract({ bk_active: word })));
      cur = r.to;
    }
  });
});

describe('bio', () => {
  it('has 7 reachable abstract states (idle with an asynchronous I/O in flight included)', () => {
    expect(traverse(bio).states.length).toBe(7);
  });

  it('the stepper rejects disabled events and names the transition taken', () => {
    const st = new MachineStepper(bio);
    const wanted: AbstractState = { value: 'wanted', context: { sync: true, done: false, want: true, cmdDone: false } };
    expect(st.step(wanted, 'BIOWAIT_FINISH').ok).toBe(false);
    // biodone_sync's cmpset comes after bpdone (vfs_bio.c:3777).
    const early = st.step(wanted, 'BIODONE_SYNC');
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.reason).toContain('bpdoneRan');
    expect(st.step({ value: 'idle', context: { sync: false, done: false, want: false, cmdDone: true } }, 'BPDONE').ok).toBe(false);
    expect(st.step({ value: 'done', context: { sync: true, done: true, want: false, cmdDone: true } }, 'SET_WANT').ok).toBe(false);

    const afterBpdone = st.step(wanted, 'BPDONE');
    expect(afterBpdone).toEqual({
      ok: true,
      to: { value: 'wanted', context: { sync: true, done: false, want: true, cmdDone: true } },
      transitionId: 'wanted:BPDONE#0',
    });
    if (!afterBpdone.ok) return;
    const completed = st.step(afterBpdone.to, 'BIODONE_SYNC');
    expect(completed).toEqual({
      ok: true,
      to: { value: 'done', context: { sync: true, done: true, want: false, cmdDone: true } },
      transitionId: 'wanted:BIODONE_SYNC#0',
    });
    if (!completed.ok) return;
    expect(stateKey(completed.to)).toBe(
      stateKey(bio.abstract({ bio_flags: BIO_SYNC | BIO_DONE, bio_buf: { b_cmd: BUF_CMD_DONE } })),
    );
    expect(st.step(completed.to, 'BIOWAIT_FINISH')).toEqual({
      ok: true,
      to: { value: 'idle', context: { sync: false, done: false, want: false, cmdDone: true } },
      transitionId: 'done:BIOWAIT_FINISH#0',
    });
  });

  it('abstracts bio_flags and b_cmd', () => {
    expect(bio.abstract({ bio_flags: 0, bio_buf: { b_cmd: BUF_CMD_DONE } })).toEqual({
      value: 'idle',
      context: { sync: false, done: false, want: false, cmdDone: true },
    });
    expect(bio.abstract({ bio_flags: BIO_SYNC | BIO_WANT, bio_buf: { b_cmd: BUF_CMD_READ } }).value).toBe('wanted');
    expect(bio.abstract({ bio_flags: BIO_SYNC, bio_buf: { b_cmd: BUF_CMD_READ } }).value).toBe('issued');
  });
});

/** Replays `events` from `from` with the conformance machine; throws on a rejected event. */
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

describe('buf', () => {
  const result = traverse(buf);

  it('has the same KERNPROC marker as the simulator lock', () => {
    expect(BUF_LK_KERNPROC).toBe(LK_KERNPROC);
  });

  it('reaches every queue with the abstract states the seed allows', () => {
    expect(result.states.length).toBe(BUF_REACHABLE);
    const on = (q: string) => result.states.filter((s) => s.state.value === q).map((s) => s.state.context);
    // Every off-queue state is locked; some queued ones are owned by I/O completion (before the final unlock).
    expect(on('NONE').every((c) => c.owner !== 0)).toBe(true);
    expect(on('DIRTY').some((c) => c.owner === 2)).toBe(true);
    expect(on('NONE').some((c) => c.owner === 2 && c.cmd === BUF_CMD_DONE)).toBe(true);
    // brelse's phase H (bundirty after queueing, vfs_bio.c:1605-1610) is unreachable, so the
    // machine has no clean buffer on DIRTY; flushbufqueues' "Unexpected clean buffer" stays defensive.
    expect(on('DIRTY').every((c) => c.delwri)).toBe(true);
    // A pinned buffer goes to LOCKED whether dirty or not (brelse G1).
    expect(on('LOCKED').some((c) => c.delwri) && on('LOCKED').some((c) => !c.delwri)).toBe(true);
  });

  it('abstracts b_qindex, the lock owner, b_cmd, the four flags and b_refs', () => {
    // bufinit's header: EMPTY, B_INVAL, unlocked — the machine's initial state.
    const bp = newBuf();
    bp.b_qindex = BQUEUE_EMPTY;
    bp.b_flags = B_INVAL;
    expect(buf.abstract(bp)).toEqual(result.states[0]!.state);
    expect(buf.abstract(bp)).toEqual(bufState('EMPTY'));
    // getnewbuf locked and bremfree'd it; getblk hashed it and issued a read handed to KERNPROC.
    bp.b_qindex = BQUEUE_NONE;
    bp.b_flags = B_HASHED | B_HEAVY | 0x100;
    bp.b_cmd = BUF_CMD_READ;
    bp.b_lock.lk_owner = LK_KERNPROC;
    bp.b_refs = 1;
    expect(buf.abstract(bp)).toEqual(bufState('NONE', { owner: 2, cmd: BUF_CMD_READ, heavy: true, hashed: true, refs: 1 }));
    // A delayed write on DIRTY locked by a flusher; B_MARKER and other bits are not abstracted.
    bp.b_qindex = BQUEUE_DIRTY;
    bp.b_flags = B_DELWRI | B_HASHED | B_LOCKED | B_INVAL;
    bp.b_cmd = BUF_CMD_DONE;
    bp.b_lock.lk_owner = someThread as never;
    expect(buf.abstract(bp)).toEqual(bufState('DIRTY', { owner: 1, delwri: true, hashed: true, pinned: true, refs: 1 }));
    expect(buf.abstract(craftBuf(bufState('CLEAN', { hashed: true })))).toEqual(bufState('CLEAN', { hashed: true }));
  });

  it('follows a buffer through getblk, bdwrite, the flusher, an async write and reuse', () => {
    const empty = bufState('EMPTY');
    // getnewbuf: lock, bremfree, reset (heavy on request); getblk: bgetvp; bdwrite: bdirty, bqrelse, unlock.
    const dirty = replay(buf, empty, ['BUF_LOCK', 'BREMFREE', 'GETNEWBUF_REUSE', 'BHEAVY', 'BGETVP', 'BDIRTY', 'BQRELSE_DIRTY_HW', 'BUF_UNLOCK']);
    expect(dirty).toEqual(bufState('DIRTY_HW', { delwri: true, heavy: true, hashed: true }));
    // flushbufqueues: lock, _bremfree, defer (requeue, unlock); again, then bawrite (KERNPROC) and completion.
    const deferred = replay(buf, dirty, ['BUF_LOCK', 'BREMFREE', 'FLUSH_REQUEUE', 'BUF_UNLOCK']);
    expect(deferred).toEqual(dirty);
    const written = replay(buf, deferred, ['BUF_LOCK', 'BREMFREE', 'STRATEGY_WRITE', 'BUF_KERNPROC', 'BPDONE', 'BUNDIRTY', 'BQRELSE_CLEAN']);
    expect(written).toEqual(bufState('CLEAN', { owner: 2, heavy: true, hashed: true }));
    // Completion unlocks; getnewbuf takes it from CLEAN, brelvp, resets it.
    const reused = replay(buf, written, ['BUF_UNLOCK', 'BQHOLD', 'BQDROP', 'BUF_LOCK', 'BREMFREE', 'BRELVP', 'GETNEWBUF_REUSE']);
    expect(reused).toEqual(bufState('NONE', { owner: 1 }));
    expect(replay(buf, reused, ['BRELSE_EMPTY', 'BUF_UNLOCK'])).toEqual(empty);
  });

  it('rejects what the seed forbids, naming the guard', () => {
    const st = new MachineStepper(buf);
    const owned = bufState('NONE', { owner: 1, hashed: true });
    const dirtyOwned = bufState('NONE', { owner: 1, hashed: true, delwri: true });
    const reject = (s: AbstractState, ev: string, why: string) => {
      const r = st.step(s, ev);
      expect(r.ok, `${ev} in ${stateKey(s)}`).toBe(false);
      if (!r.ok) expect(r.reason).toContain(why);
    };
    reject(dirtyOwned, 'BRELSE_CLEAN', 'releaseClean'); // BUF-06
    reject(dirtyOwned, 'BQRELSE_CLEAN', 'releaseClean');
    reject(owned, 'BRELSE_EMPTY', 'releaseEmpty'); // still hashed: KKASSERT vfs_bio.c:1557
    reject(bufState('NONE', { owner: 1, hashed: true, delwri: true, pinned: true }), 'BRELSE_DIRTY', 'releaseDirty'); // G1 first
    reject(bufState('NONE', { owner: 2, cmd: BUF_CMD_WRITE, hashed: true, delwri: true }), 'BQRELSE_DIRTY', 'releaseDirty'); // I/O in flight
    reject(bufState('NONE', { owner: 1, cmd: BUF_CMD_READ }), 'STRATEGY_WRITE', 'canIssue');
    reject(owned, 'BPDONE', 'ioPending'); // KASSERT vfs_bio.c:3520
    reject(owned, 'BUF_UNLOCK', 'no transition'); // BUF-03
    reject(bufState('CLEAN', { hashed: true }), 'BREMFREE', 'lockHeld'); // KASSERT vfs_bio.c:819
    reject(bufState('CLEAN', { owner: 1, hashed: true }), 'BUF_LOCK', 'unlocked');
    reject(bufState('CLEAN', { owner: 1, hashed: true }), 'BDIRTY', 'no transition'); // KASSERT vfs_bio.c:1166
    reject(bufState('NONE', { owner: 2 }), 'BUF_KERNPROC', 'heldByThread');
    reject(bufState('NONE', { owner: 1, hashed: true }), 'GETNEWBUF_REUSE', 'reusable'); // KKASSERT vfs_bio.c:2084
    reject(dirtyOwned, 'BRELVP', 'canDetach');
    reject(bufState('NONE', { owner: 1 }), 'BDIRTY', 'canDirty');
    reject(bufState('EMPTY'), 'BQDROP', 'refsHeld'); // KKASSERT vfs_bio.c:1743
    reject(bufState('CLEAN', { owner: 1, hashed: true }), 'BUNDIRTY', 'no transition');
  });

  it('the conformance machine does not bound b_refs', () => {
    const st = new MachineStepper(buf);
    expect(st.step(bufState('CLEAN', { hashed: true, refs: 2 }), 'BQHOLD')).toMatchObject({
      ok: true,
      to: { value: 'CLEAN', context: { refs: 3 } },
      transitionId: 'CLEAN:BQHOLD#0',
    });
  });
});

describe('page', () => {
  const result = traverse(page);

  it('uses the constants of impl/env/vm.ts', () => {
    expect(PAGE_PQ_FREE).toBe(PQ_FREE);
    expect(PAGE_PG_NEED_COMMIT).toBe(PG_NEED_COMMIT);
  });

  it('has the expected reachable abstract states at wire bound 2', () => {
    expect(result.states.length).toBe(PAGE_REACHABLE);
    expect(result.states.filter((s) => s.state.value === 'free').length).toBe(1);
  });

  it('abstracts queue, wire_count, busy, busy_count, valid/dirty, PG_NEED_COMMIT and g_bogus', () => {
    const m = newVmObject(2).pages[1]!;
    expect(page.abstract(m)).toEqual(result.states[0]!.state);
    m.queue = PQ_NONE;
    m.busy = someThread;
    expect(page.abstract(m)).toEqual(pageState('resident', { busy: true }));
    m.wire_count = 2;
    m.busy_count = 1;
    m.valid = VM_PAGE_BITS_ALL;
    m.g_bogus = 1;
    m.flags = PG_NEED_COMMIT | 0x2;
    expect(page.abstract(m)).toEqual(pageState('wired', { busy: true, wires: 2, sbusy: 1, valid: true, needCommit: true, bogus: 1 }));
    m.queue = PQ_ACTIVE;
    m.wire_count = 0;
    m.busy = null;
    m.busy_count = 0;
    m.g_bogus = 0;
    m.dirty = VM_PAGE_BITS_ALL;
    expect(page.abstract(m).value).toBe('resident');
  });

  it('follows a page through allocbuf, a READ with a bogus slot, bdwrite and release', () => {
    const free = pageState('free');
    // allocbuf: alloc (busied), wire, unbusy; a read fills it: busy, io_start, unbusy; completion.
    const read = replay(page, free, ['ALLOC', 'WIRE', 'UNBUSY', 'BUSY', 'IO_START', 'UNBUSY', 'BUSY', 'SET_VALIDCLEAN', 'IO_FINISH', 'UNBUSY']);
    expect(read).toEqual(pageState('wired', { wires: 1, valid: true }));
    // Another buffer wires it and reads around it: bogus substitution, then restore before io_finish.
    const shared = replay(page, read, ['BUSY', 'WIRE', 'UNBUSY', 'BUSY', 'IO_START', 'BOGUS_SUBST', 'UNBUSY', 'BOGUS_RESTORE', 'BUSY', 'IO_FINISH', 'UNBUSY']);
    expect(shared).toEqual(pageState('wired', { wires: 2, valid: true }));
    // A user store dirties it; vfs_vmio_release of both buffers unwires it; it can be freed once clean.
    const back = replay(page, shared, ['USER_STORE', 'SET_VALIDCLEAN', 'BUSY', 'UNWIRE', 'UNWIRE', 'UNBUSY', 'FREE']);
    expect(back).toEqual(free);
  });

  it('rejects what the seed forbids, naming the guard', () => {
    const st = new MachineStepper(page);
    const reject = (s: AbstractState, ev: string, why: string) => {
      const r = st.step(s, ev);
      expect(r.ok, `${ev} in ${stateKey(s)}`).toBe(false);
      if (!r.ok) expect(r.reason).toContain(why);
    };
    reject(pageState('resident', { valid: true, dirty: true }), 'FREE', 'freeable');
    reject(pageState('resident', { valid: true, needCommit: true }), 'FREE', 'freeable'); // vfs_bio.c:1804
    reject(pageState('resident', { busy: true }), 'FREE', 'freeable');
    reject(pageState('wired', { wires: 1 }), 'FREE', 'no transition');
    reject(pageState('free'), 'BUSY', 'no transition');
    reject(pageState('resident'), 'WIRE', 'canWire'); // allocbuf holds the busy
    reject(pageState('wired', { wires: 1, busy: true, valid: true, bogus: 1, sbusy: 1 }), 'UNWIRE', 'unwireLast'); // VM-01
    reject(pageState('wired', { wires: 1 }), 'UNWIRE', 'unwireLast');
    reject(pageState('wired', { wires: 1 }), 'IO_START', 'canStartIo');
    reject(pageState('wired', { wires: 1, busy: true, sbusy: 1 }), 'IO_START', 'canStartIo');
    reject(pageState('wired', { wires: 1 }), 'IO_FINISH', 'ioInFlight'); // panic vfs_bio.c:3685
    reject(pageState('wired', { wires: 1, busy: true }), 'BOGUS_SUBST', 'canSubstitute'); // not fully valid
    reject(pageState('wired', { wires: 1, sbusy: 1, valid: true }), 'USER_STORE', 'storable');
    reject(pageState('wired', { wires: 1 }), 'BOGUS_RESTORE', 'hasBogus');
  });

  it('the conformance machine does not bound the wirings', () => {
    const st = new MachineStepper(page);
    expect(st.step(pageState('wired', { wires: 2, busy: true }), 'WIRE')).toMatchObject({
      ok: true,
      to: { value: 'wired', context: { wires: 3 } },
      transitionId: 'wired:WIRE#0',
    });
  });
});

describe('conformance bindings for buf and page', () => {
  function setup() {
    const world = new World();
    const sim = { world, events: [] as { obj: object; event: string }[] };
    const bp = world.add('buf0', craftBuf(bufState('EMPTY')));
    const marker = world.add('marker', newBuf());
    marker.b_flags = B_MARKER; // off-queue and unlocked: would fail checkInitial if bound
    const bogus = newVmPage(null, -1);
    bogus.queue = PQ_NONE;
    bogus.wire_count = 1;
    bogus.valid = VM_PAGE_BITS_ALL;
    world.add('bogus_page', bogus);
    const m = world.add('page0', newVmObject(1).pages[0]!);
    const conf = new Conformance(sim as unknown as Sim);
    return { sim, conf, bp, m };
  }

  it('binds buffer headers and vnode pages, not markers or bogus_page', () => {
    const { conf } = setup();
    expect(conf.checkInitial()).toBeNull();
    expect([...conf.coverage.keys()].sort()).toEqual(['buf', 'page']);
  });

  it('checks reported events against the machines and catches unreported changes', () => {
    const { sim, conf, bp, m } = setup();
    expect(conf.checkInitial()).toBeNull();
    // getnewbuf locks the EMPTY header; vm_page_alloc busies the page.
    conf.beforeStep();
    bp.b_lock.lk_owner = someThread as never;
    sim.events.push({ obj: bp, event: 'BUF_LOCK' });
    m.queue = PQ_NONE;
    m.busy = someThread;
    sim.events.push({ obj: m, event: 'ALLOC' });
    expect(conf.afterStep()).toBeNull();
    sim.events.length = 0;
    // A queue change without an event.
    conf.beforeStep();
    bp.b_qindex = BQUEUE_NONE;
    expect(conf.afterStep()?.message).toMatch(/buf0: changed from EMPTY\{.*\} to NONE\{.*\} without a lifecycle event/);
    // An event the machine forbids: a dirty buffer released to CLEAN.
    bp.b_flags = B_DELWRI | B_HASHED;
    conf.beforeStep();
    bp.b_qindex = BQUEUE_CLEAN;
    sim.events.push({ obj: bp, event: 'BRELSE_CLEAN' });
    expect(conf.afterStep()).toMatchObject({ machine: 'buf', message: expect.stringContaining('releaseClean') });
    sim.events.length = 0;
    expect(conf.coverage.get('buf')!.transitions.has('EMPTY:BUF_LOCK#0')).toBe(true);
    expect(conf.coverage.get('page')!.transitions.has('free:ALLOC#0')).toBe(true);
  });
});
