/**
 * `fc`: fast-check drives both the workload (which operation each thread performs, from the
 * scenario's operation set) and the schedule (an index into the enabled choices at each step);
 * on failure it shrinks both, so the counterexample is small in threads and in steps.
 */
import fc from 'fast-check';
import { Checker, type Violation } from './checker.ts';
import { buildSim, type RunSpec } from './setup.ts';
import type { ExploreControl } from './result.ts';
import { mergeCoverage, type MachineCoverage } from './conformance.ts';

export interface FcOutcome {
  executions: number;
  steps: number;
  depth: number;
  stopped: string | null;
  violation: Violation | null;
  path: number[] | null;
  workload: string[] | null;
  coverage: Map<string, MachineCoverage>;
}

interface RunResult {
  violation: Violation | null;
  path: number[];
}

function runOnce(spec: RunSpec, schedule: readonly number[], maxSteps: number, cov: Map<string, MachineCoverage>, counters: { steps: number; depth: number }): RunResult {
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const path: number[] = [];
  let violation = checker.checkInitial();
  const choices: number[] = [];
  for (let i = 0; !violation && i < maxSteps; i++) {
    sim.choices(choices);
    if (choices.length === 0) {
      violation = checker.deadlock();
      break;
    }
    const c = choices[i < schedule.length ? schedule[i] % choices.length : 0];
    path.push(c);
    violation = checker.step(c);
    counters.steps++;
    if (i + 1 > counters.depth) counters.depth = i + 1;
  }
  mergeCoverage(cov, checker.conformance.coverage);
  return { violation, path };
}

export function fcExplore(spec: RunSpec, seed: number, numRuns: number, maxSteps: number, ctl: ExploreControl): FcOutcome {
  const scenario = spec.scenario;
  const cov = new Map<string, MachineCoverage>();
  const counters = { steps: 0, depth: 0 };
  const total = Object.values(spec.params).reduce((a, b) => a + b, 0);
  const workloadArb: fc.Arbitrary<string[] | null> =
    scenario.ops && scenario.buildWorkload
      ? fc.array(fc.constantFrom(...scenario.ops.map((o) => o.name)), { minLength: 1, maxLength: Math.max(1, Math.min(6, total)) })
      : fc.constant(null);
  const scheduleArb = fc.array(fc.nat({ max: 63 }), { maxLength: maxSteps });
  let executions = 0;
  const prop = fc.property(workloadArb, scheduleArb, (workload, schedule) => {
    executions++;
    const r = runOnce({ ...spec, workload }, schedule, maxSteps, cov, counters);
    return r.violation === null;
  });
  const res = fc.check(prop, {
    seed,
    numRuns,
    interruptAfterTimeLimit: ctl.timeLimit !== null ? ctl.timeLimit * 1000 : undefined,
    markInterruptAsFailure: false,
  });
  const stopped = res.interrupted ? 'time-limit' : null;
  if (!res.failed || !res.counterexample) {
    return { executions, steps: counters.steps, depth: counters.depth, stopped, violation: null, path: null, workload: null, coverage: cov };
  }
  const [workload, schedule] = res.counterexample;
  if (res.errorInstance && !(res.errorInstance instanceof Error && res.errorInstance.message.startsWith('Property failed'))) {
    // an exception in the model itself (not a violation): surface it
    if (res.errorInstance instanceof Error && !/^Property failed/.test(res.errorInstance.message)) throw res.errorInstance;
  }
  const r = runOnce({ ...spec, workload }, schedule, maxSteps, cov, counters);
  return { executions, steps: counters.steps, depth: counters.depth, stopped, violation: r.violation, path: r.path, workload, coverage: cov };
}
