import type { Sim } from '../impl/sim/kernel.ts';

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  description: string;
}

/** What a workload thread does, for fc's workload generation and for docs. */
export interface ThreadOp {
  name: string;
  description: string;
}

export interface Scenario {
  name: string;
  description: string;
  /** Seed citations of the protocol the scenario exercises. */
  cite: string[];
  params: Record<string, ParamSpec>;
  defaultCpus: number;
  /** Options the scenario sets on the simulator (timeouts, ioErrors, ...), for docs. */
  options: Record<string, unknown>;
  /**
   * Set on a scenario that reproduces a hazard of the unmodified seed (SPEC §Hazards): the hazard
   * id. Such scenarios fail on purpose, so `check` and the default-scenario tests skip them.
   */
  hazard?: string;
  /** The invariant domains that apply (invariants/ registry). */
  domains: string[];
  /** Registers the objects and spawns the threads of the workload. */
  build(sim: Sim, params: Record<string, number>): void;
  /** fc: the operations a generated workload may give each thread. */
  ops?: ThreadOp[];
  /** fc: build from a generated workload (one op name per thread) instead of params. */
  buildWorkload?(sim: Sim, workload: string[]): void;
}
