/**
 * Benchmarks (SPEC "Benchmarks"): a fixed set of exhaustive explorations and every machine's
 * traversal, timed. `vfsmodel bench` (npm run bench) writes bench/results.json. Timing belongs
 * here, never in pass/fail tests.
 */
import { cpus as osCpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { explore } from '../explorer/explore.ts';
import type { ExploreControl, ExploreResult } from '../explorer/result.ts';
import { getScenario, builtinScenarios } from '../scenarios/index.ts';
import { machineRegistry, traverse } from '../machines/index.ts';

/** One exploration of the fixed set. */
export interface BenchRunSpec {
  name: string;
  scenario: string;
  params: Record<string, number>;
  symmetry: boolean;
}

export interface BenchRun extends BenchRunSpec {
  cpus: number;
  /** The scenario's default parameters (it is also the "each scenario at default bounds" run). */
  defaults: boolean;
  complete: boolean;
  stopped: string | null;
  states: number;
  transitions: number;
  steps: number;
  depth: number;
  seconds: number;
  statesPerSecond: number;
  stepsPerSecond: number;
  /** Peak resident set size sampled during the run (process.memoryUsage().rss), MiB. */
  peakRssMiB: number;
  /** Peak V8 heap in use sampled during the run (process.memoryUsage().heapUsed), MiB. */
  peakHeapUsedMiB: number;
  /** Peak memory of ArrayBuffers (process.memoryUsage().arrayBuffers: the explorer's state store), MiB. */
  peakArrayBuffersMiB: number;
  /**
   * RSS when the run started, MiB. The allocator rarely returns memory to the OS, so a run's
   * peak RSS includes what earlier runs left behind: compare with this baseline.
   */
  startRssMiB: number;
  /** A violation in a benchmark run means the model changed: recorded, not hidden. */
  violation: string | null;
}

export interface BenchMachine {
  name: string;
  reachableStates: number;
  transitionsReached: number;
  seconds: number;
}

export interface BenchResults {
  date: string;
  node: string;
  cpu: string;
  cpus: number;
  platform: string;
  /** Whether global.gc was available (node --expose-gc): then the heap is collected before each run. */
  gcBetweenRuns: boolean;
  timeLimit: number;
  runs: BenchRun[];
  machines: BenchMachine[];
  totalSeconds: number;
}

export const BENCH_TIME_LIMIT = 600;

const MiB = 1048576;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function paramsName(params: Record<string, number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The fixed set: bio-track at three bounds with and without symmetry, then each scenario at its defaults. */
export function benchRuns(): (BenchRunSpec & { defaults: boolean })[] {
  const runs: (BenchRunSpec & { defaults: boolean })[] = [];
  const add = (scenario: string, params: Record<string, number>, symmetry: boolean, defaults: boolean): void => {
    const same = runs.find((r) => r.scenario === scenario && r.symmetry === symmetry && paramsName(r.params) === paramsName(params));
    if (same) {
      same.defaults ||= defaults;
      return;
    }
    runs.push({ name: `${scenario} ${paramsName(params)}${symmetry ? ' --symmetry' : ''}`.replace(/\s+/g, ' ').trim(), scenario, params, symmetry, defaults });
  };
  const bt = getScenario('bio-track');
  if (bt) {
    const btDefaults = Object.fromEntries(Object.entries(bt.params).map(([k, p]) => [k, p.default]));
    for (const [ios, waiters] of [
      [3, 1],
      [3, 2],
      [4, 2],
    ] as const) {
      for (const symmetry of [false, true]) {
        const params = { ...btDefaults, ios, waiters };
        add('bio-track', params, symmetry, paramsName(params) === paramsName(btDefaults));
      }
    }
  }
  for (const s of builtinScenarios) {
    const params = Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, p.default]));
    add(s.name, params, false, true);
  }
  return runs;
}

/** The part of an ExploreResult a bench entry needs. */
export type BenchExploreStats = Pick<ExploreResult, 'states' | 'transitions' | 'steps' | 'seconds' | 'complete' | 'stopped' | 'depth' | 'cpus'> & {
  violation?: ExploreResult['violation'];
};

/** One bench entry from an exploration's result and the peak memory (bytes) sampled during it. */
export function benchEntry(
  spec: BenchRunSpec & { defaults?: boolean },
  r: BenchExploreStats,
  peak: { rss: number; heapUsed: number; arrayBuffers?: number; startRss?: number },
): BenchRun {
  const rate = (n: number): number => (r.seconds > 0 ? Math.round(n / r.seconds) : 0);
  return {
    name: spec.name,
    scenario: spec.scenario,
    params: spec.params,
    symmetry: spec.symmetry,
    cpus: r.cpus,
    defaults: spec.defaults ?? false,
    complete: r.complete,
    stopped: r.stopped,
    states: r.states,
    transitions: r.transitions,
    steps: r.steps,
    depth: r.depth,
    seconds: round(r.seconds, 3),
    statesPerSecond: rate(r.states),
    stepsPerSecond: rate(r.steps),
    peakRssMiB: round(peak.rss / MiB, 1),
    peakHeapUsedMiB: round(peak.heapUsed / MiB, 1),
    peakArrayBuffersMiB: round((peak.arrayBuffers ?? 0) / MiB, 1),
    startRssMiB: round((peak.startRss ?? 0) / MiB, 1),
    violation: r.violation ? r.violation.id : null,
  };
}

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') {
    gc();
    return true;
  }
  return false;
}

export async function runBench(onProgress?: (msg: string) => void): Promise<BenchResults> {
  const t0 = performance.now();
  const runs: BenchRun[] = [];
  const specs = benchRuns();
  let gcBetweenRuns = false;
  for (const [i, spec] of specs.entries()) {
    const scenario = getScenario(spec.scenario);
    if (!scenario) throw new Error(`bench: unknown scenario ${spec.scenario}`);
    gcBetweenRuns = collectGarbage() || gcBetweenRuns;
    const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0, startRss: process.memoryUsage().rss };
    const sample = (): void => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
      peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    };
    sample();
    const label = `[${i + 1}/${specs.length}] ${spec.name}`;
    onProgress?.(`${label} ...`);
    const ctl: ExploreControl = {
      timeLimit: BENCH_TIME_LIMIT,
      abort: { aborted: false },
      onProgress: (p) => {
        sample();
        onProgress?.(`${label}: ${p.states} states, ${p.transitions} transitions, ${p.seconds.toFixed(0)}s`);
      },
    };
    const r = await explore(
      { scenario, params: spec.params, cpus: scenario.defaultCpus, patch: null, workload: null, strategy: 'exhaustive', symmetry: spec.symmetry, seed: 1, maxExecutions: null, maxSteps: null },
      ctl,
    );
    sample();
    const entry = benchEntry(spec, r, peak);
    runs.push(entry);
    onProgress?.(
      `${label}: ${entry.states} states in ${entry.seconds}s (${entry.statesPerSecond} states/s)${entry.complete ? '' : ` — stopped: ${entry.stopped ?? 'violation'}`}`,
    );
  }
  const machines: BenchMachine[] = [];
  for (const mod of machineRegistry) {
    onProgress?.(`machine ${mod.name} ...`);
    const t = traverse(mod);
    machines.push({ name: mod.name, reachableStates: t.states.length, transitionsReached: t.transitionsReached.size, seconds: round(t.seconds, 4) });
  }
  const cpuList = osCpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuList[0]?.model ?? 'unknown',
    cpus: cpuList.length,
    platform: `${process.platform}-${process.arch}`,
    gcBetweenRuns,
    timeLimit: BENCH_TIME_LIMIT,
    runs,
    machines,
    totalSeconds: round((performance.now() - t0) / 1000, 3),
  };
}

export async function writeBench(path: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(results, null, 2) + '\n');
}
