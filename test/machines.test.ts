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
import type { AbstractState, MachineModule } from '../machines/types.ts';
import { BIO_DONE, BIO_SYNC, BIO_WANT, BK_WAIT, BUF_CMD_DONE, BUF_CMD_READ } from '../impl/kernel/sys.ts';

/** An implementation object for each abstract state: witnesses that the abstraction is onto. */
const concretise: Record<string, (s: AbstractState) => unknown> = {
  bioTrack: (s) => ({ bk_active: ((s.context.count as number) | (s.context.wait ? BK_WAIT : 0)) >>> 0 }),
  bio: (s) => ({
    bio_flags: (s.context.sync ? BIO_SYNC : 0) | (s.context.done ? BIO_DONE : 0) | (s.context.want ? BIO_WANT : 0),
    bio_buf: { b_cmd: s.context.cmdDone ? BUF_CMD_DONE : BUF_CMD_READ },
  }),
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
];

describe('machine registry', () => {
  it('lists bioTrack and bio and resolves names', () => {
    expect(machineRegistry.map((m) => m.name)).toEqual(expect.arrayContaining(['bioTrack', 'bio']));
    expect(getMachine('bioTrack')).toBe(bioTrack);
    expect(getMachine('bio')).toBe(bio);
    expect(getMachine('nope')).toBeUndefined();
    expect(new Set(machineRegistry.map((m) => m.name)).size).toBe(machineRegistry.length);
  });

  it('stateKey is stable with sorted context keys', () => {
    expect(stateKey({ value: 'active', context: { wait: false, count: 2 } })).toBe('active{count:2,wait:false}');
  });
});

describe.each(machineRegistry.map((m) => [m.name, m] as const))('machine %s', (name, mod) => {
  const result = traverse(mod);

  it('is well-formed: cited and described transitions, named guards and actions', () => {
    expect(lintMachine(mod)).toEqual([]);
    for (const t of transitionsOf(mod)) {
      expect(t.cite.length, t.id).toBeGreaterThan(0);
      for (const c of t.cite) expect(c).toMatch(/^vfs_bio\.c:\d+(-\d+)?$/);
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
    for (const mod of [bioTrack, bio]) {
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
  it('has 6 reachable abstract states', () => {
    expect(traverse(bio).states.length).toBe(6);
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
