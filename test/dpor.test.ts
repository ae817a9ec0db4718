/**
 * `dpor` (stateless, dynamic partial-order reduction) cross-checks `exhaustive` (stateful):
 * the same verdict on every scenario and mutant, and the same set of final states.
 */
import { describe, it, expect } from 'vitest';
import { dpor } from '../explorer/dpor.ts';
import { buildSim } from '../explorer/setup.ts';
import { StateCodec } from '../impl/sim/encode.ts';
import { StateStore } from '../explorer/store.ts';
import { getScenario } from '../scenarios/index.ts';
import { loadMutants } from '../mutants/index.ts';
import { ctl, run } from './helpers.ts';

/** Final states (every thread done) of the full state space, by breadth-first search. */
function finals(name: string, params: Record<string, number>): Set<string> {
  const sim = buildSim({ scenario: getScenario(name)!, params, cpus: 2 });
  const codec = new StateCodec(sim, { symmetry: false });
  const store = new StateStore();
  const out = new Set<string>();
  store.add(codec.encode());
  for (let i = 0; i < store.count; i++) {
    codec.decode(store.get(i));
    const cs = [...sim.choices()];
    if (cs.length === 0 && sim.allDone()) out.add(Buffer.from(store.get(i)).toString('hex'));
    for (const c of cs) {
      codec.decode(store.get(i));
      sim.step(c);
      store.add(codec.encode());
    }
  }
  return out;
}

const SMALL: [string, Record<string, number>][] = [
  ['bio-track', { ios: 1, waiters: 1 }],
  ['bio-track', { ios: 2, waiters: 1 }],
  ['bio-track', { ios: 1, waiters: 2 }],
  ['biowait', { ios: 1, write: 1, errors: 1 }],
  ['biowait', { ios: 2, write: 0, errors: 1 }],
];

describe('dpor agrees with exhaustive', () => {
  for (const [name, params] of SMALL) {
    it(`${name} ${JSON.stringify(params)}: no violation, complete, the same final states`, async () => {
      const got = new Set<string>();
      const r = await dpor({ scenario: getScenario(name)!, params, cpus: 2 }, Number.MAX_SAFE_INTEGER, 10_000, ctl(), (b) => got.add(Buffer.from(b).toString('hex')));
      expect(r.violation).toBeNull();
      expect(r.complete).toBe(true);
      expect(got).toEqual(finals(name, params));
    });
  }

  it('the same verdict on every mutant of the timeout-free BIO scenarios', async () => {
    // dpor is stateless: on scenarios with timed sleeps (daemons polling at hz, getnewbuf's
    // short sleep) executions are unbounded, so the comparison covers the acyclic ones.
    for (const m of (await loadMutants()).filter((x) => x.meta.scenario === 'bio-track' || x.meta.scenario === 'biowait')) {
      // Equivalent mutants are checked at a size the stateless search finishes quickly.
      const params = m.meta.expect === 'survives' ? { ...m.meta.params, ios: 2, waiters: 1 } : m.meta.params;
      const ex = await run(m.meta.scenario, params, { patch: m.patch });
      const dp = await run(m.meta.scenario, params, { patch: m.patch, strategy: 'dpor' });
      expect(dp.violation === null, m.meta.id).toBe(ex.violation === null);
      if (dp.violation) expect(m.meta.killedBy, m.meta.id).toContain(dp.violation.id);
      else expect(dp.complete, m.meta.id).toBe(true);
    }
  });
});
