import type { Violation } from './checker.ts';
import type { CoverageReport } from './conformance.ts';
import type { Trace } from './trace.ts';

export type Strategy = 'exhaustive' | 'dpor' | 'random' | 'pct' | 'fc';
export const STRATEGIES: Strategy[] = ['exhaustive', 'dpor', 'random', 'pct', 'fc'];

/** `explore --json` (SPEC "The command-line interface"); field names are stable. */
export interface ExploreResult {
  scenario: string;
  params: Record<string, number>;
  cpus: number;
  strategy: Strategy;
  seed: number;
  symmetry: boolean;
  /** Partial-order reduction (sleep sets) was on; `slept` transitions were skipped by it. */
  por: boolean;
  slept: number;
  patch: string | null;
  complete: boolean;
  states: number;
  transitions: number;
  executions: number;
  steps: number;
  seconds: number;
  /** Why the run stopped early, if it did: 'time-limit', 'interrupted', 'step-bound', 'max-executions'. */
  stopped: string | null;
  /** Longest execution (exhaustive: breadth-first depth reached). */
  depth: number;
  violation: (Violation & { trace: Trace }) | null;
  coverage: CoverageReport;
  /** Resident memory of the process when the run ended, in MiB (varies between runs). */
  memoryMiB: number;
}

export interface Progress {
  states: number;
  transitions: number;
  executions: number;
  depth: number;
  queue: number;
  seconds: number;
  /** 0..1 when known. */
  fraction: number | null;
}

export interface ExploreControl {
  timeLimit: number | null;
  onProgress?: (p: Progress) => void;
  /** Set to true (e.g. by Ctrl-C) to stop with a partial summary. */
  abort: { aborted: boolean };
}
