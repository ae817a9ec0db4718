/**
 * The stateful explorer: state counts equal the independent SPIN model's (crosscheck/), symmetry
 * reduction counts orbits exactly, results are deterministic, every strategy runs every scenario.
 */
import { describe, it, expect } from 'vitest';
import { run, runDefault } from './helpers.ts';
import { Sim } from '../impl/sim/kernel.ts';
import { StateCodec } from '../impl/sim/encode.ts';
import { StateStore } from '../explorer/store.ts';
import { builtinScenarios, getScenario } from '../scenarios/index.ts';
import { unionCoverage } from '../explorer/explore.ts';
import { loadMutants } from '../mutants/index.ts';

// crosscheck/RESULTS.md: SPIN 6.5.2, -DNOREDUCE. SPIN's "transitions" counts the initial store too.
const SPIN: [number, number, number, number][] = [
  [1, 1, 25, 34],
  [2, 1, 449, 999],
  [1, 2, 241, 473],
  [2, 2, 7595, 22195],
  [3, 1, 7357, 22646],
  [4, 1, 132901, 524597],
  [3, 2, 182939, 698137],
];

describe('exhaustive search agrees with SPIN on bio-track', () => {
  for (const [ios, waiters, states, spinTransitions] of SPIN) {
    it(`ios=${ios} waiters=${waiters}: ${states} states`, async () => {
      // The transitions match too; --por's sleep sets skip transitions, never states.
      const full = await run('bio-track', { ios, waiters });
      expect(full.violation).toBeNull();
      expect(full.complete).toBe(true);
      expect(full.states).toBe(states);
      expect(full.transitions).toBe(spinTransitions - 1);
      const r = await run('bio-track', { ios, waiters }, { por: true });
      expect(r.states).toBe(states);
      expect(r.transitions).toBeLessThanOrEqual(full.transitions);
    });
  }
});

/** All states of the full (unreduced) space, explored here independently of explorer/. */
function allStates(ios: number, waiters: number): Uint8Array[] {
  const sim = new Sim(2);
  getScenario('bio-track')!.build(sim, { ios, waiters });
  const codec = new StateCodec(sim, { symmetry: false });
  const store = new StateStore();
  store.add(codec.encode());
  for (let i = 0; i < store.count; i++) {
    codec.decode(store.get(i));
    for (const c of [...sim.choices()]) {
      codec.decode(store.get(i));
      sim.step(c);
      store.add(codec.encode());
    }
  }
  return Array.from({ length: store.count }, (_, i) => store.get(i).slice());
}

describe('--symmetry', () => {
  for (const [ios, waiters] of [
    [2, 2],
    [3, 1],
    [3, 2],
  ]) {
    it(`ios=${ios} waiters=${waiters}: the symmetric search visits exactly one state per orbit`, async () => {
      const full = allStates(ios, waiters);
      const sim = new Sim(2);
      getScenario('bio-track')!.build(sim, { ios, waiters });
      const plain = new StateCodec(sim, { symmetry: false });
      const sym = new StateCodec(sim, { symmetry: true });
      const orbits = new StateStore();
      for (const s of full) {
        plain.decode(s);
        orbits.add(sym.encode());
      }
      const r = await run('bio-track', { ios, waiters }, { symmetry: true });
      expect(r.violation).toBeNull();
      expect(r.complete).toBe(true);
      expect(r.states).toBe(orbits.count);
      expect(r.states).toBeLessThan(full.length);
    });
  }

  it('finds the same violations as the full search', async () => {
    for (const m of await loadMutants()) {
      if (m.meta.expect !== 'killed') continue;
      const plain = await run(m.meta.scenario, m.meta.params, { patch: m.patch });
      const sym = await run(m.meta.scenario, m.meta.params, { patch: m.patch, symmetry: true });
      expect(sym.violation?.id, m.meta.id).toBe(plain.violation?.id);
      expect(sym.violation?.trace.steps.length, m.meta.id).toBe(plain.violation?.trace.steps.length);
    }
  });
});

/** Smaller parameters for the scenarios whose defaults take more than a few seconds. */
const SMALL: Record<string, Record<string, number>> = {
  'buf-delwri': { deps: 0 },
  'buf-readwrite': { peeker: 0 },
  'buf-deps': { trunc: 0 },
  'uvn-lifecycle': { daemon: 1, errors: 0 },
};

describe('partial-order reduction (sleep sets)', () => {
  it('visits exactly the same states and reaches the same verdicts, on every scenario and mutant', async () => {
    for (const s of builtinScenarios) {
      // The largest buffer-cache scenarios are compared at smaller parameters (CI time).
      const params = SMALL[s.name] ?? {};
      const on = await run(s.name, params, { por: true });
      const off = await run(s.name, params, { por: false });
      expect(on.states, s.name).toBe(off.states);
      expect(on.violation).toBeNull();
      // Transitions are not compared: a state reached again with a smaller sleep set is expanded
      // again for the transitions that woke up, so the count can exceed the plain search's on
      // some buffer-cache scenarios; states and verdicts must agree exactly.
    }
    for (const m of await loadMutants()) {
      const on = await run(m.meta.scenario, m.meta.params, { patch: m.patch, por: true });
      const off = await run(m.meta.scenario, m.meta.params, { patch: m.patch, por: false });
      expect(on.violation === null, m.meta.id).toBe(off.violation === null);
      if (on.violation) expect(m.meta.killedBy, m.meta.id).toContain(on.violation.id);
      if (!on.violation) expect(on.states, m.meta.id).toBe(off.states);
    }
  });

  it('with --symmetry too (sleepers are renamed into each state\'s canonical numbering)', async () => {
    for (const [ios, waiters] of [[2, 2], [3, 2], [4, 1]]) {
      const on = await run('bio-track', { ios, waiters }, { symmetry: true, por: true });
      const off = await run('bio-track', { ios, waiters }, { symmetry: true, por: false });
      expect(on.states).toBe(off.states);
      expect(on.slept).toBeGreaterThan(0);
    }
  });

  it('skips transitions in bio-track: loads commute, and so do sleep-queue operations with the word', async () => {
    const r = await run('bio-track', { ios: 3, waiters: 2 }, { por: true });
    expect(r.slept).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  it('the same exploration twice gives the same result apart from timings', async () => {
    for (const strategy of ['exhaustive', 'random', 'pct', 'fc'] as const) {
      const a = await run('bio-track', { ios: 2, waiters: 2 }, { strategy, seed: 7, maxExecutions: 50, maxSteps: 60 });
      const b = await run('bio-track', { ios: 2, waiters: 2 }, { strategy, seed: 7, maxExecutions: 50, maxSteps: 60 });
      const strip = (r: typeof a) => ({ ...r, seconds: 0, memoryMiB: 0 });
      expect(strip(a)).toEqual(strip(b));
    }
  });
});

describe('every scenario, every strategy', () => {
  for (const s of builtinScenarios) {
    it(`${s.name}: exhaustive at defaults completes with no violation`, async () => {
      const r = await runDefault(s.name);
      expect(r.violation).toBeNull();
      expect(r.complete).toBe(true);
    });
    for (const strategy of ['random', 'pct', 'fc'] as const) {
      it(`${s.name}: ${strategy} finds no violation`, async () => {
        const r = await run(s.name, {}, { strategy, seed: 3, maxExecutions: 150, maxSteps: 200 });
        expect(r.violation).toBeNull();
        expect(r.executions).toBeGreaterThan(0);
        expect(r.steps).toBeGreaterThan(0);
      });
    }
  }

  it('the explorations reach every state and transition of every machine', async () => {
    const results = [];
    for (const s of builtinScenarios) results.push(await runDefault(s.name));
    const cov = unionCoverage(results);
    for (const m of ['bioTrack', 'bio', 'buf', 'page', 'uvn', 'uvmPage', 'syncerVnode', 'hammerInode', 'hammerRecord', 'flushGroup']) {
      expect(cov[m].states[0], m).toBe(cov[m].states[1]);
      expect(cov[m].transitions[0], m).toBe(cov[m].transitions[1]);
    }
  });
});

describe('bounds', () => {
  it('--max-steps leaves the search incomplete (step-bound), not violated', async () => {
    const r = await run('bio-track', { ios: 2, waiters: 2 }, { maxSteps: 5 });
    expect(r.complete).toBe(false);
    expect(r.stopped).toBe('step-bound');
    expect(r.violation).toBeNull();
  });

  it('fc explores hammer-flush (HAMMER, issue 5) with its default schedule and fault choices, finding nothing', async () => {
    const r = await run('hammer-flush', {}, { strategy: 'fc', seed: 11, maxExecutions: 300, maxSteps: 400 });
    expect(r.violation).toBeNull();
    expect(r.executions).toBe(300);
  });

  it('fc and random find and shrink a real bug', async () => {
    const m = (await loadMutants()).find((x) => x.meta.id === 'M07b')!;
    const f = await run('bio-track', { ios: 1, waiters: 1 }, { patch: m.patch, strategy: 'fc', seed: 1, maxExecutions: 500, maxSteps: 60 });
    expect(f.violation?.id).toBe('TRK-03');
    // shrunk: one I/O and one waiter are enough
    expect(f.violation!.trace.workload!.length).toBeLessThanOrEqual(2);
    const r = await run('bio-track', { ios: 1, waiters: 1 }, { patch: m.patch, strategy: 'random', seed: 1, maxExecutions: 2000, maxSteps: 60 });
    expect(r.violation?.id).toBe('TRK-03');
  });
});
