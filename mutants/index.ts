/**
 * The mutant zoo: patch modules that each reintroduce one known bug (or, for `expect:
 * 'survives'`, make a change that must not matter). `vfsmodel mutants` runs them all.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { explore } from '../explorer/explore.ts';
import { patchFromModule } from '../explorer/patch.ts';
import { getScenario } from '../scenarios/index.ts';
import type { ExploreControl, ExploreResult } from '../explorer/result.ts';
import type { MutantMeta } from './types.ts';
import type { PatchSet } from '../explorer/setup.ts';

export interface Mutant {
  meta: MutantMeta;
  file: string;
  patch: PatchSet;
}

const dir = fileURLToPath(new URL('.', import.meta.url));

export function mutantFiles(): string[] {
  return readdirSync(dir)
    .filter((f) => /^(?:[A-Z]+-)?[A-Z]\d+[a-z]?-.*\.ts$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export async function loadMutants(): Promise<Mutant[]> {
  const out: Mutant[] = [];
  for (const file of mutantFiles()) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown> & { meta: MutantMeta };
    const rel = `mutants/${file.split(/[\\/]/).pop()}`;
    out.push({ meta: mod.meta, file: rel, patch: patchFromModule(file, mod) });
  }
  return out;
}

/** `mutants --json` row (SPEC); extra fields are free. */
export interface MutantRow {
  id: string;
  title: string;
  expect: 'killed' | 'survives';
  killed: boolean;
  by: string | null;
  expectedBy: string[];
  ok: boolean;
  states: number;
  seconds: number;
  scenario: string;
  params: Record<string, number>;
  cite: string[];
}

export async function runMutant(m: Mutant, ctl: ExploreControl): Promise<{ row: MutantRow; result: ExploreResult }> {
  const scenario = getScenario(m.meta.scenario);
  if (!scenario) throw new Error(`mutant ${m.meta.id}: unknown scenario ${m.meta.scenario}`);
  const params: Record<string, number> = {};
  for (const [k, s] of Object.entries(scenario.params)) params[k] = m.meta.params[k] ?? s.default;
  const result = await explore(
    { scenario, params, cpus: m.meta.cpus ?? scenario.defaultCpus, patch: m.patch, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null },
    ctl,
  );
  const killed = result.violation !== null;
  const by = result.violation?.id ?? null;
  const ok = m.meta.expect === 'killed' ? killed && m.meta.killedBy.includes(by!) : !killed && result.complete;
  return {
    row: {
      id: m.meta.id,
      title: m.meta.title,
      expect: m.meta.expect,
      killed,
      by,
      expectedBy: m.meta.killedBy,
      ok,
      states: result.states,
      seconds: result.seconds,
      scenario: m.meta.scenario,
      params,
      cite: m.meta.cite,
    },
    result,
  };
}

export type { MutantMeta } from './types.ts';
