/**
 * The reductions stay exact where footprints are easy to get wrong: local code that reads or
 * writes shared state outside a primitive, and sleep sets combined with --symmetry.
 */
import { describe, it, expect } from 'vitest';
import { exhaustive } from '../explorer/exhaustive.ts';
import { dpor } from '../explorer/dpor.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { plain_reader, writer, checker, plain_writer, observer, worker } from './fixtures/por.ts';
import { ctl } from './helpers.ts';

const scenario = (build: (sim: Sim) => void): Scenario => ({ name: 't', description: '', cite: [], params: {}, defaultCpus: 1, options: {}, domains: [], build });
const obj = () => ({ f: 0, g: 0, n: 0 });

const readScenario = scenario((sim) => {
  const o1 = sim.world.add('o1', obj());
  const o2 = sim.world.add('o2', obj());
  sim.spawn('A', 0, plain_reader, [o1, o2]);
  sim.spawn('B', 0, writer, [o2]);
  sim.spawn('C', 0, checker, [o1]);
});
const writeScenario = scenario((sim) => {
  const o1 = sim.world.add('o1', obj());
  const o2 = sim.world.add('o2', obj());
  sim.spawn('B', 0, observer, [o2]);
  sim.spawn('A', 0, plain_writer, [o1, o2]);
});
const symScenario = scenario((sim) => {
  const c = sim.world.add('c', obj());
  const x = sim.world.add('x', obj());
  const y = sim.world.add('y', obj());
  sim.spawn('w0', 0, worker, [c, x, y], { group: 'w' });
  sim.spawn('w1', 0, worker, [c, x, y], { group: 'w' });
});

describe('partial-order reductions find what the full search finds', () => {
  for (const [what, s, id] of [
    ['a plain read in local code', readScenario, 'demo:2'],
    ['a plain write in local code', writeScenario, 'demo:3'],
  ] as const) {
    it(`${what}: exhaustive, --por and dpor all report ${id}`, async () => {
      const spec = { scenario: s, params: {}, cpus: 1 };
      expect((await exhaustive(spec, false, null, ctl(), false)).violation?.id).toBe(id);
      expect((await exhaustive(spec, false, null, ctl(), true)).violation?.id).toBe(id);
      expect((await dpor(spec, 1e9, 1000, ctl())).violation?.id).toBe(id);
    });
  }

  it('sleep sets with --symmetry on threads that work on different objects', async () => {
    const spec = { scenario: symScenario, params: {}, cpus: 1 };
    for (const symmetry of [false, true]) {
      for (const por of [false, true]) {
        const r = await exhaustive(spec, symmetry, null, ctl(), por);
        expect(r.violation?.id, `symmetry=${symmetry} por=${por}`).toBe('demo:1');
      }
    }
  });
});
