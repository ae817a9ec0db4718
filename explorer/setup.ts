/** Building the simulator for one run of a scenario (with an optional patch installed). */
import { Sim } from '../impl/sim/kernel.ts';
import type { Proc } from '../impl/compiler/runtime.ts';
import type { Scenario } from '../scenarios/types.ts';

/** Seed functions replaced by a patch module. */
export interface PatchSet {
  file: string;
  functions: Map<string, Proc>;
}

export interface RunSpec {
  scenario: Scenario;
  params: Record<string, number>;
  cpus: number;
  patch?: PatchSet | null;
  /** fc: a generated workload (one operation per thread) instead of the parameters. */
  workload?: string[] | null;
}

export function buildSim(spec: RunSpec): Sim {
  const sim = new Sim(spec.cpus);
  if (spec.patch) for (const [name, proc] of spec.patch.functions) sim.patches.set(name, proc);
  if (spec.workload) {
    if (!spec.scenario.buildWorkload) throw new Error(`scenario ${spec.scenario.name} has no generated workloads`);
    spec.scenario.buildWorkload(sim, spec.workload);
  } else {
    spec.scenario.build(sim, spec.params);
  }
  sim.events.length = 0;
  sim.notes.length = 0;
  return sim;
}
