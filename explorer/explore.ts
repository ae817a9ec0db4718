/** One exploration of a scenario with a strategy, as `vfsmodel explore` runs it. */
import { exhaustive } from './exhaustive.ts';
import { sample } from './sampling.ts';
import { fcExplore } from './fc.ts';
import { dpor } from './dpor.ts';
import { machineRegistry, statesOf, transitionsOf } from '../machines/index.ts';
import { coverageReport, mergeCoverage, type CoverageReport, type MachineCoverage } from './conformance.ts';
import { nameChoices, replay } from './trace.ts';
import type { ExploreControl, ExploreResult, Strategy } from './result.ts';
import type { Violation } from './checker.ts';
import type { RunSpec } from './setup.ts';

export interface ExploreOptions extends RunSpec {
  strategy: Strategy;
  symmetry: boolean;
  seed: number;
  maxExecutions: number | null;
  maxSteps: number | null;
  /** exhaustive: partial-order reduction with sleep sets (default off; see explorer/footprint.ts). */
  por?: boolean;
}

/** The coverage sets behind each result's counts, for unions over several runs. */
const coverageSets = new WeakMap<ExploreResult, Map<string, MachineCoverage>>();

/** What no run reached: state names and transition ids per machine (for `check`'s report). */
export function uncoveredBy(results: ExploreResult[]): Record<string, { states: string[]; transitions: string[] }> {
  const all = new Map<string, MachineCoverage>();
  for (const r of results) {
    const c = coverageSets.get(r);
    if (c) mergeCoverage(all, c);
  }
  const out: Record<string, { states: string[]; transitions: string[] }> = {};
  for (const mod of machineRegistry) {
    const c = all.get(mod.name);
    if (!c) continue;
    const states = statesOf(mod).filter((x) => !c.states.has(x));
    const transitions = transitionsOf(mod)
      .map((t) => t.id)
      .filter((x) => !c.transitions.has(x));
    if (states.length || transitions.length) out[mod.name] = { states, transitions };
  }
  return out;
}

/** Machine coverage reached by any of the runs (SPEC: check's coverage is the union). */
export function unionCoverage(results: ExploreResult[]): CoverageReport {
  const all = new Map<string, MachineCoverage>();
  for (const r of results) {
    const c = coverageSets.get(r);
    if (c) mergeCoverage(all, c);
  }
  return coverageReport(all);
}

export async function explore(opts: ExploreOptions, ctl: ExploreControl): Promise<ExploreResult> {
  const t0 = performance.now();
  let complete = false;
  let states = 0;
  let transitions = 0;
  let executions = 0;
  let steps = 0;
  let depth = 0;
  let stopped: string | null = null;
  let violation: Violation | null = null;
  let path: number[] | null = null;
  let workload: string[] | null = opts.workload ?? null;
  let coverage: Map<string, MachineCoverage>;
  let canonical = false;
  let slept = 0;

  if (opts.strategy === 'exhaustive') {
    const r = await exhaustive(opts, opts.symmetry, opts.maxSteps, ctl, opts.por ?? false);
    ({ complete, states, transitions, depth, stopped, violation, path, coverage } = r);
    slept = r.slept;
    executions = 1;
    steps = transitions;
    canonical = true;
  } else if (opts.strategy === 'dpor') {
    const r = await dpor(opts, opts.maxExecutions ?? Number.MAX_SAFE_INTEGER, opts.maxSteps ?? 10_000, ctl);
    ({ complete, states, transitions, executions, depth, stopped, violation, path, coverage } = r);
    steps = transitions;
  } else if (opts.strategy === 'random' || opts.strategy === 'pct') {
    const r = await sample(opts, opts.strategy, opts.seed, opts.maxExecutions ?? 1000, opts.maxSteps ?? 1000, ctl);
    ({ states, transitions, executions, steps, depth, stopped, violation, path, coverage } = r);
  } else {
    const r = fcExplore(opts, opts.seed, opts.maxExecutions ?? 200, opts.maxSteps ?? 200, ctl);
    ({ executions, steps, depth, stopped, violation, path, coverage } = r);
    workload = r.workload;
    transitions = steps;
  }
  const seconds = (performance.now() - t0) / 1000;
  let vOut: ExploreResult['violation'] = null;
  if (violation && path) {
    const spec: RunSpec = { ...opts, workload };
    const named = nameChoices(spec, path, canonical && opts.symmetry);
    const rep = replay(spec, named);
    vOut = { ...violation, trace: rep.trace };
  }
  const result: ExploreResult = {
    scenario: opts.scenario.name,
    params: opts.params,
    cpus: opts.cpus,
    strategy: opts.strategy,
    seed: opts.seed,
    symmetry: opts.symmetry,
    por: opts.strategy === 'exhaustive' ? (opts.por ?? false) : false,
    slept,
    patch: opts.patch?.file ?? null,
    complete: complete && !violation,
    states,
    transitions,
    executions,
    steps,
    seconds: Math.round(seconds * 1000) / 1000,
    stopped,
    depth,
    violation: vOut,
    coverage: coverageReport(coverage),
    memoryMiB: Math.round(process.memoryUsage().rss / 1048576),
  };
  coverageSets.set(result, coverage);
  return result;
}
