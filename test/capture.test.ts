/**
 * State capture is complete: a state reached by different paths behaves identically afterwards.
 * For every revisit found by a breadth-first search, the revisiting path is replayed from
 * scratch in a fresh simulator (no decoding involved) and its enabled steps and their successor
 * states are compared with those of the stored state restored by decode().
 */
import { describe, it, expect } from 'vitest';
import { Sim, choiceThread, choiceVariant, choiceOf } from '../impl/sim/kernel.ts';
import { StateCodec } from '../impl/sim/encode.ts';
import { StateStore } from '../explorer/store.ts';
import { getScenario } from '../scenarios/index.ts';

type Named = [string, number];

function fresh(name: string, params: Record<string, number>, clearDeadLocals = true): { sim: Sim; codec: StateCodec } {
  const sim = new Sim(2);
  sim.clearDeadLocals = clearDeadLocals;
  getScenario(name)!.build(sim, params);
  return { sim, codec: new StateCodec(sim, { symmetry: false }) };
}

/**
 * Runs named choices from the initial state, keeping dead locals (true JavaScript semantics), so
 * a liveness analysis that dropped a needed local would make this run differ from decode().
 */
function replayPath(name: string, params: Record<string, number>, path: Named[]): { sim: Sim; codec: StateCodec } {
  const r = fresh(name, params, false);
  for (const [thread, v] of path) {
    const t = r.sim.threads.find((x) => x.name === thread)!;
    r.sim.step(choiceOf(t.id, v));
  }
  return r;
}

/** Enabled steps (by thread name) and the successor encodings, from the live state of `mk()`. */
function behaviour(mk: () => { sim: Sim; codec: StateCodec }): string[] {
  const { sim } = mk();
  const out: string[] = [];
  for (const c of [...sim.choices()]) {
    const t = sim.threads[choiceThread(c)].name;
    const r = mk();
    r.sim.step(choiceOf(r.sim.threads.find((x) => x.name === t)!.id, choiceVariant(c)));
    out.push(`${t}/${choiceVariant(c)} -> ${Buffer.from(r.codec.encode()).toString('hex')}`);
  }
  return out.sort();
}

function checkCapture(name: string, params: Record<string, number>, maxRevisits: number): number {
  const base = fresh(name, params);
  const store = new StateStore();
  const paths: Named[][] = [];
  store.add(base.codec.encode());
  paths.push([]);
  let checked = 0;
  for (let i = 0; i < store.count && checked < maxRevisits; i++) {
    base.codec.decode(store.get(i));
    for (const c of [...base.sim.choices()]) {
      base.codec.decode(store.get(i));
      const tname = base.sim.threads[choiceThread(c)].name;
      base.sim.step(c);
      const path: Named[] = [...paths[i], [tname, choiceVariant(c)]];
      const r = store.add(base.codec.encode());
      if (r >= 0) {
        paths[r] = path;
        continue;
      }
      const j = -r - 1;
      if (checked++ >= maxRevisits) break;
      // The same state, reached by `path` and by paths[j]: both live runs must behave alike,
      // and like the stored state restored from its bytes.
      const stored = store.get(j).slice();
      const viaNew = behaviour(() => replayPath(name, params, path));
      const viaOld = behaviour(() => replayPath(name, params, paths[j]));
      const viaDecode = behaviour(() => {
        const f = fresh(name, params);
        f.codec.decode(stored);
        return f;
      });
      expect(viaNew).toEqual(viaOld);
      expect(viaNew).toEqual(viaDecode);
    }
  }
  return checked;
}

describe('state capture is complete', () => {
  it('bio-track ios=1 waiters=2: every revisit', () => {
    expect(checkCapture('bio-track', { ios: 1, waiters: 2 }, 10_000)).toBeGreaterThan(100);
  });
  it('bio-track ios=2 waiters=1: every revisit', () => {
    expect(checkCapture('bio-track', { ios: 2, waiters: 1 }, 10_000)).toBeGreaterThan(100);
  });
  it('biowait ios=2 errors=1: every revisit', () => {
    expect(checkCapture('biowait', { ios: 2, write: 1, errors: 1 }, 10_000)).toBeGreaterThan(10);
  });
});

describe('the explorer\'s shortcuts restore and encode exactly', () => {
  // exhaustive.ts copies the bytes of threads that did not step (encode(tid)) and restores only
  // what a step can change (restoreAfterStep): both must agree with the full operations.
  for (const [name, params, symmetry] of [
    ['bio-track', { ios: 2, waiters: 2 }, false],
    ['bio-track', { ios: 3, waiters: 1 }, true],
    ['biowait', { ios: 2, write: 1, errors: 1 }, false],
  ] as const) {
    it(`${name} ${JSON.stringify(params)}${symmetry ? ' --symmetry' : ''}`, () => {
      const sim = new Sim(2);
      getScenario(name)!.build(sim, params);
      const codec = new StateCodec(sim, { symmetry });
      const store = new StateStore();
      store.add(codec.encode());
      let checked = 0;
      for (let i = 0; i < store.count; i++) {
        const s = store.get(i).slice();
        codec.decode(s);
        for (const c of [...sim.choices()]) {
          sim.step(c);
          const fast = codec.encode(choiceThread(c)).slice();
          const full = codec.encode().slice();
          expect(Buffer.from(fast).equals(Buffer.from(full))).toBe(true);
          store.add(full);
          // restoreAfterStep gives back exactly the state the step started from
          codec.restoreAfterStep(choiceThread(c));
          expect(Buffer.from(codec.encode()).equals(Buffer.from(s))).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }
});
