/** The mutant zoo: every mutant meets its expectation and its counterexample replays. */
import { describe, it, expect } from 'vitest';
import { loadMutants, runMutant } from '../mutants/index.ts';
import { replay } from '../explorer/trace.ts';
import { getScenario } from '../scenarios/index.ts';
import { ctl } from './helpers.ts';

const mutants = await loadMutants();

describe('mutant zoo', () => {
  it('has the slice mutants the foundation issue asks for', () => {
    const ids = mutants.map((m) => m.meta.id);
    for (const id of ['M05', 'S01', 'M07b', 'S02', 'M08']) expect(ids).toContain(id);
    expect(mutants.some((m) => m.meta.expect === 'survives')).toBe(true);
  });

  for (const m of mutants) {
    it(`${m.meta.id}: ${m.meta.title} — ${m.meta.expect}`, async () => {
      const { row, result } = await runMutant(m, ctl());
      if (m.meta.expect === 'survives') {
        expect(row.killed).toBe(false);
        expect(result.complete).toBe(true);
        return;
      }
      expect(row.killed).toBe(true);
      expect(m.meta.killedBy).toContain(row.by);
      // The counterexample replays exactly: same violation after the same steps.
      const v = result.violation!;
      const rep = replay({ scenario: getScenario(result.scenario)!, params: result.params, cpus: result.cpus, patch: m.patch, workload: null }, v.trace.choices);
      expect(rep.error).toBeNull();
      expect(rep.violation?.id).toBe(v.id);
      expect(rep.executed).toBe(v.trace.choices.length);
      // Every step names a function and a source line.
      for (const s of v.trace.steps) expect(s.cite).toMatch(/:\d+/);
    });
  }
});
