import { bioTrackScenario } from './bio-track.ts';
import { bufcacheScenarios } from './bufcache.ts';
import { mutantScenariosA } from './mutant-scenarios-a.ts';
import { mutantScenariosB } from './mutant-scenarios-b.ts';
import { hazardScenarios } from './hazard-scenarios.ts';
import { uvnScenarios } from './uvn.ts';
import { uvnHazardScenarios } from './uvn-hazard-scenarios.ts';
import { uvnMutantScenarios } from './uvn-mutant-scenarios.ts';
import { uvnCoverageScenarios } from './uvn-coverage-scenarios.ts';
import { syncerScenarios } from './syncer.ts';
import { syncerHazardScenarios } from './syncer-hazards.ts';
import { hammerScenarios } from './hammer.ts';
import { hammerWorkloadsA } from './hammer-workloads-a.ts';
import { hammerWorkloadsB } from './hammer-workloads-b.ts';
import { hammerHazardScenarios } from './hammer-hazards.ts';
import { hammerCoverageScenarios } from './hammer-coverage.ts';
import type { Scenario } from './types.ts';

export const scenarioRegistry: Scenario[] = [bioTrackScenario, ...bufcacheScenarios, ...mutantScenariosA, ...mutantScenariosB, ...hazardScenarios, ...uvnScenarios, ...uvnHazardScenarios, ...uvnMutantScenarios, ...uvnCoverageScenarios, ...syncerScenarios, ...syncerHazardScenarios, ...hammerScenarios, ...hammerWorkloadsA, ...hammerWorkloadsB, ...hammerCoverageScenarios, ...hammerHazardScenarios];

/** The scenarios the unmodified model must pass (`check`, the default-scenario tests, bench): all but hazard reproductions. */
export const builtinScenarios: Scenario[] = scenarioRegistry.filter((s) => !s.hazard);

export function getScenario(name: string): Scenario | undefined {
  return scenarioRegistry.find((s) => s.name === name);
}

/** Validated parameters: defaults, overridden by `overrides`; throws a one-line message. */
export function resolveParams(s: Scenario, overrides: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) out[k] = spec.default;
  for (const [k, raw] of Object.entries(overrides)) {
    const spec = s.params[k];
    if (!spec) throw new Error(`scenario ${s.name} has no parameter '${k}' (parameters: ${Object.keys(s.params).join(', ') || 'none'})`);
    if (!/^-?\d+$/.test(raw)) throw new Error(`parameter ${k}=${raw}: expected an integer`);
    const v = Number(raw);
    if (v < spec.min || v > spec.max) throw new Error(`parameter ${k}=${v}: must be between ${spec.min} and ${spec.max}`);
    out[k] = v;
  }
  return out;
}

export type { Scenario } from './types.ts';
