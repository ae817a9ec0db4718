import { describe, it, expect } from 'vitest';
import { explore } from '../explorer/explore.ts';
import { bioTrackScenario } from '../scenarios/bio-track.ts';
import { formatTrace } from '../explorer/trace.ts';

describe('smoke', () => {
  it('explores bio-track', async () => {
    for (const [ios, waiters] of [[1, 1], [2, 1], [2, 2], [3, 1], [3, 2]] as const) {
      for (const symmetry of [false, true]) {
        const r = await explore({ scenario: bioTrackScenario, params: { ios, waiters }, cpus: 2, strategy: 'exhaustive', symmetry, seed: 1, maxExecutions: null, maxSteps: null }, { timeLimit: null, abort: { aborted: false } });
        console.log(ios, waiters, symmetry, r.states, r.transitions, r.seconds, r.complete, r.violation?.id, JSON.stringify(r.coverage));
      }
    }
    const r = await explore({ scenario: bioTrackScenario, params: { ios: 2, waiters: 2 }, cpus: 2, strategy: 'random', symmetry: false, seed: 1, maxExecutions: 200, maxSteps: 100 }, { timeLimit: null, abort: { aborted: false } });
    console.log('random', r.states, r.steps, r.executions, r.violation);
    const r2 = await explore({ scenario: bioTrackScenario, params: { ios: 2, waiters: 2 }, cpus: 2, strategy: 'fc', symmetry: false, seed: 1, maxExecutions: 100, maxSteps: 100 }, { timeLimit: null, abort: { aborted: false } });
    console.log('fc', r2.steps, r2.executions, r2.violation);
    expect(true).toBe(true);
  });
});
