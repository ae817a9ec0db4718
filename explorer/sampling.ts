/**
 * `random` (a seeded uniformly random scheduler) and `pct` (probabilistic concurrency testing:
 * random thread priorities with d-1 priority change points, Burckhardt et al. 2010). Each
 * execution starts from the initial state and runs until every thread is done, a violation,
 * a deadlock, or the step bound. Distinct states seen are counted with the same encoder as the
 * exhaustive search.
 */
import { StateCodec } from '../impl/sim/encode.ts';
import { choiceThread } from '../impl/sim/kernel.ts';
import { Checker, type Violation } from './checker.ts';
import { Rng } from './rng.ts';
import { StateStore } from './store.ts';
import { buildSim, type RunSpec } from './setup.ts';
import type { ExploreControl } from './result.ts';
import type { MachineCoverage } from './conformance.ts';

export interface SamplingOutcome {
  executions: number;
  steps: number;
  states: number;
  transitions: number;
  depth: number;
  stopped: string | null;
  violation: Violation | null;
  /** Choices (real thread ids) of the failing execution. */
  path: number[] | null;
  coverage: Map<string, MachineCoverage>;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function sample(
  spec: RunSpec,
  strategy: 'random' | 'pct',
  seed: number,
  maxExecutions: number,
  maxSteps: number,
  ctl: ExploreControl,
  pctDepth = 3,
): Promise<SamplingOutcome> {
  const t0 = performance.now();
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const codec = new StateCodec(sim, { symmetry: false });
  const init = codec.encode().slice();
  const seen = new StateStore();
  seen.add(init);
  const rng = new Rng(seed);
  let steps = 0;
  let transitions = 0;
  let depth = 0;
  let boundHits = 0;
  const choices: number[] = [];
  const out = (o: Partial<SamplingOutcome>): SamplingOutcome => ({
    executions: e,
    steps,
    states: seen.count,
    transitions,
    depth,
    stopped: null,
    violation: null,
    path: null,
    coverage: checker.conformance.coverage,
    ...o,
  });
  const initV = checker.checkInitial();
  let e = 0;
  if (initV) return out({ violation: initV, path: [] });
  let lastYield = performance.now();
  const deadline = ctl.timeLimit !== null ? t0 + ctl.timeLimit * 1000 : Infinity;
  for (; e < maxExecutions; ) {
    const now = performance.now();
    if (now - lastYield > 100) {
      await tick();
      lastYield = performance.now();
      ctl.onProgress?.({ states: seen.count, transitions, executions: e, depth, queue: 0, seconds: (now - t0) / 1000, fraction: e / maxExecutions });
    }
    if (ctl.abort.aborted) return out({ stopped: 'interrupted' });
    if (now > deadline) return out({ stopped: 'time-limit' });
    e++;
    codec.decode(init);
    const path: number[] = [];
    // PCT: distinct random priorities, and d-1 change points over the expected length.
    const prio = new Map<number, number>();
    const changeAt = new Set<number>();
    if (strategy === 'pct') for (let k = 0; k < pctDepth - 1; k++) changeAt.add(1 + rng.int(Math.max(1, maxSteps)));
    let lowered = 0;
    for (let step = 0; ; step++) {
      sim.choices(choices);
      if (choices.length === 0) {
        const v = checker.deadlock();
        if (v) return out({ violation: v, path });
        break;
      }
      if (step >= maxSteps) {
        boundHits++;
        break;
      }
      let c: number;
      if (strategy === 'random') {
        c = choices[rng.int(choices.length)];
      } else {
        for (const t of sim.threads) if (!prio.has(t.id)) prio.set(t.id, pctDepth + rng.next());
        let best = choices[0];
        for (const x of choices) if (prio.get(choiceThread(x))! > prio.get(choiceThread(best))!) best = x;
        const same = choices.filter((x) => choiceThread(x) === choiceThread(best));
        c = same[rng.int(same.length)];
        if (changeAt.has(step)) prio.set(choiceThread(c), ++lowered / (pctDepth + 1));
      }
      path.push(c);
      const v = checker.step(c);
      steps++;
      transitions++;
      if (step + 1 > depth) depth = step + 1;
      if (v) return out({ violation: v, path });
      seen.add(codec.encode());
    }
  }
  return out({ stopped: boundHits > 0 ? 'step-bound' : null });
}
