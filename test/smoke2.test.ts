import { describe, it, expect } from 'vitest';
import { explore } from '../explorer/explore.ts';
import { biowaitScenario } from '../scenarios/biowait.ts';
import { formatTrace } from '../explorer/trace.ts';

describe('smoke2', () => {
  it('explores biowait', async () => {
    for (const p of [{ ios: 1, write: 1, errors: 0 }, { ios: 2, write: 1, errors: 1 }, { ios: 2, write: 0, errors: 1 }]) {
      const r = await explore({ scenario: biowaitScenario, params: p, cpus: 2, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null }, { timeLimit: null, abort: { aborted: false } });
      console.log(p, r.states, r.transitions, r.seconds, r.complete, JSON.stringify(r.coverage));
      if (r.violation) console.log(formatTrace(r.violation.trace, r.violation));
    }
    expect(true).toBe(true);
  });
});
