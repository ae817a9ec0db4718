import { explore, type ExploreOptions } from '../explorer/explore.ts';
import { getScenario } from '../scenarios/index.ts';
import type { ExploreResult } from '../explorer/result.ts';

export const ctl = () => ({ timeLimit: null as number | null, abort: { aborted: false } });

export async function run(scenario: string, params: Record<string, number>, extra: Partial<ExploreOptions> = {}): Promise<ExploreResult> {
  const s = getScenario(scenario)!;
  const p: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) p[k] = params[k] ?? spec.default;
  return explore(
    { scenario: s, params: p, cpus: s.defaultCpus, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null, patch: null, ...extra },
    ctl(),
  );
}

const defaults = new Map<string, Promise<ExploreResult>>();
/** The exhaustive exploration of a scenario at its defaults, computed once per test file. */
export function runDefault(scenario: string): Promise<ExploreResult> {
  let r = defaults.get(scenario);
  if (!r) defaults.set(scenario, (r = run(scenario, {})));
  return r;
}
