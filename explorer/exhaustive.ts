/**
 * `exhaustive`: stateful breadth-first search of every interleaving (SPEC "Exploring
 * executions"). States are the simulator's canonical encodings (encode.ts), stored once each
 * (store.ts); a state's index is its place in the breadth-first queue, so the first violation
 * found has a shortest counterexample. Parent pointers give the path back.
 *
 * Reductions: --symmetry canonicalises states under permutations of interchangeable threads.
 * Partial-order reduction is not applied to the stored states: every step of these protocols
 * touches a shared word, and the state counts must stay comparable with SPIN's.
 */
import { StateCodec } from '../impl/sim/encode.ts';
import { choiceThread } from '../impl/sim/kernel.ts';
import { Checker, type Violation } from './checker.ts';
import { IntVec, StateStore } from './store.ts';
import { buildSim, type RunSpec } from './setup.ts';
import type { ExploreControl } from './result.ts';
import type { MachineCoverage } from './conformance.ts';

export interface SearchOutcome {
  complete: boolean;
  states: number;
  transitions: number;
  depth: number;
  stopped: string | null;
  violation: Violation | null;
  /** Canonical choices from the initial state to the violation. */
  path: number[] | null;
  coverage: Map<string, MachineCoverage>;
  bytes: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function exhaustive(spec: RunSpec, symmetry: boolean, maxSteps: number | null, ctl: ExploreControl): Promise<SearchOutcome> {
  const t0 = performance.now();
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const codec = new StateCodec(sim, { symmetry });
  const store = new StateStore();
  const parent = new IntVec();
  const choiceIn = new IntVec();
  const depthOf = new IntVec();
  const cov = checker.conformance.coverage;

  const pathTo = (i: number): number[] => {
    const p: number[] = [];
    for (let k = i; k > 0; k = parent.get(k)) p.push(choiceIn.get(k));
    return p.reverse();
  };
  const done = (o: Partial<SearchOutcome>): SearchOutcome => ({
    complete: false,
    states: store.count,
    transitions,
    depth: maxDepth,
    stopped: null,
    violation: null,
    path: null,
    coverage: cov,
    bytes: store.bytes,
    ...o,
  });

  let transitions = 0;
  let maxDepth = 0;
  let boundHit = false;
  const initViolation = checker.checkInitial();
  store.add(codec.encode());
  parent.set(0, -1);
  depthOf.set(0, 0);
  if (initViolation) return done({ violation: initViolation, path: [] });

  const choices: number[] = [];
  let lastYield = performance.now();
  const deadline = ctl.timeLimit !== null ? t0 + ctl.timeLimit * 1000 : Infinity;
  for (let i = 0; i < store.count; i++) {
    if ((i & 255) === 0) {
      const now = performance.now();
      if (now - lastYield > 100) {
        await tick();
        lastYield = performance.now();
        ctl.onProgress?.({ states: store.count, transitions, executions: 1, depth: depthOf.get(i), queue: store.count - i, seconds: (now - t0) / 1000, fraction: null });
      }
      if (ctl.abort.aborted) return done({ stopped: 'interrupted' });
      if (now > deadline) return done({ stopped: 'time-limit' });
    }
    const s = store.get(i);
    const depth = depthOf.get(i);
    codec.decode(s);
    sim.choices(choices);
    if (choices.length === 0) {
      const v = checker.deadlock();
      if (v) return done({ violation: v, path: pathTo(i) });
      continue;
    }
    if (maxSteps !== null && depth >= maxSteps) {
      boundHit = true;
      continue;
    }
    const n = choices.length;
    const cs = choices.slice();
    for (let k = 0; k < n; k++) {
      const c = cs[k];
      if (k > 0) codec.restoreAfterStep(choiceThread(cs[k - 1]));
      const v = checker.step(c);
      transitions++;
      if (v) return done({ violation: v, path: [...pathTo(i), c], depth: Math.max(maxDepth, depth + 1) });
      const r = store.add(codec.encode(choiceThread(c)));
      if (r >= 0) {
        parent.set(r, i);
        choiceIn.set(r, c);
        depthOf.set(r, depth + 1);
        if (depth + 1 > maxDepth) maxDepth = depth + 1;
      }
    }
  }
  return done({ complete: !boundHit, stopped: boundHit ? 'step-bound' : null });
}
