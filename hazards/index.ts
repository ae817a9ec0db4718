/**
 * Hazards of the unmodified seeds (SPEC §Hazards): each predicted hazard is confirmed by a
 * `hazard-<id>` scenario that reproduces it, or refuted with the bounds that show it cannot
 * happen. `vfsmodel hazards` reruns each and reports whether the outcome is still as recorded.
 *
 * The seed functions modelled so far (BIO tracking and the synchronous completion handshake)
 * have no predicted hazard: spec/vfs_bio_sync.md Appendix A lists none for vfs_bio.c:515-597 or
 * vfs_bio.c:3234-3390/3716-3789. Hazards arrive with the buffer cache, the vnode pager, HAMMER
 * and the syncer.
 */
import { explore } from '../explorer/explore.ts';
import { getScenario } from '../scenarios/index.ts';
import type { ExploreControl } from '../explorer/result.ts';

export interface Hazard {
  id: string;
  title: string;
  status: 'confirmed' | 'refuted';
  scenario: string;
  params: Record<string, number>;
  /** One line: why it happens (confirmed) or why it cannot (refuted). */
  reason: string;
  /** The violation a confirmed hazard reproduces; null for a refuted one. */
  expect: { kind: string; id: string } | null;
  cite: string[];
}

export const hazardRegistry: Hazard[] = [];

export interface HazardRow {
  id: string;
  title: string;
  status: string;
  scenario: string;
  reason: string;
  reproduced: boolean;
  ok: boolean;
  states: number;
  seconds: number;
}

export async function runHazard(h: Hazard, ctl: ExploreControl): Promise<HazardRow> {
  const scenario = getScenario(h.scenario);
  if (!scenario) throw new Error(`hazard ${h.id}: unknown scenario ${h.scenario}`);
  const r = await explore({ scenario, params: h.params, cpus: scenario.defaultCpus, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null }, ctl);
  const reproduced = r.violation !== null && h.expect !== null && r.violation.kind === h.expect.kind && r.violation.id === h.expect.id;
  const ok = h.status === 'confirmed' ? reproduced : r.violation === null && r.complete;
  return { id: h.id, title: h.title, status: h.status, scenario: h.scenario, reason: h.reason, reproduced, ok, states: r.states, seconds: r.seconds };
}
