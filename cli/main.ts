/**
 * The `vfsmodel` command line (SPEC "The command-line interface"). Exit codes: 0 no violation,
 * 1 violation found (or a mutant missed its expectation), 2 bad usage or bad input — always
 * with a one-line reason and never a stack trace.
 */
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { getInitialSnapshot } from 'xstate';
import { machineRegistry, getMachine, traverse, statesOf, transitionsOf, eventTypesOf, diagram, shortestPathTo, stateKey, snapshotToAbstract } from '../machines/index.ts';
import { invariantRegistry } from '../invariants/index.ts';
import { scenarioRegistry, builtinScenarios, getScenario, resolveParams, type Scenario } from '../scenarios/index.ts';
import { explore, uncoveredBy, unionCoverage } from '../explorer/explore.ts';
import { STRATEGIES, type ExploreControl, type ExploreResult, type Strategy } from '../explorer/result.ts';
import { formatTrace, replay, type NamedChoice } from '../explorer/trace.ts';
import { loadPatch, PatchError } from '../explorer/patch.ts';
import type { PatchSet } from '../explorer/setup.ts';
import { ProgressBar, c, table } from './ui.ts';
import { ModelError } from '../impl/sim/panic.ts';
import { resolve as resolvePath } from 'node:path';

/** Bad usage or bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

const USAGE = `usage: vfsmodel <command> [options]

commands:
  machines [--json]                          lifecycle machines: states, transitions, events, reachable states
  graph MACHINE [--to STATE] [--json]        exhaustive traversal of a machine, per-state invariants, shortest paths
  diagram MACHINE [--format mermaid|dot] [--out FILE]
  invariants [--json]                        the invariant catalog with seed citations
  scenarios [--json]                         scenarios, parameters and defaults
  explore SCENARIO [--param k=v]... [--cpus N] [--strategy exhaustive|dpor|random|pct|fc] [--symmetry] [--por]
          [--seed S] [--max-executions N] [--max-steps N] [--time-limit SEC] [--patch FILE]
          [--trace-out FILE] [--json]
  replay TRACE.json [--json]                 re-execute a saved counterexample
  mutants [--only ID] [--trace-out FILE] [--json]
  check [--patch FILE] [--json]              all machine traversals and all scenarios at default bounds
  hazards [--json]                           hazards of the unmodified seeds, rerun
  docs [--check]                             regenerate (or check) the generated docs
  bench                                      run the benchmarks, write bench/results.json`;

type Opts = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>, positionals: number): { values: Opts; pos: string[] } {
  let r;
  try {
    r = parseArgs({ args, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''));
  }
  if (r.positionals.length > positionals) throw new UsageError(`unexpected argument '${r.positionals[positionals]}'`);
  return { values: r.values as Opts, pos: r.positionals };
}

function intOpt(v: unknown, name: string, min: number): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} ${String(v)}: expected a non-negative integer`);
  const n = Number(v);
  if (n < min) throw new UsageError(`--${name} ${n}: must be at least ${min}`);
  return n;
}

function numOpt(v: unknown, name: string): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} ${String(v)}: expected a positive number of seconds`);
  return n;
}

function out(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(data, null, 2) : human()) + '\n');
}

function needMachine(name: string | undefined) {
  if (!name) throw new UsageError(`missing MACHINE (one of: ${machineRegistry.map((m) => m.name).join(', ')})`);
  const m = getMachine(name);
  if (!m) throw new UsageError(`unknown machine '${name}' (one of: ${machineRegistry.map((m) => m.name).join(', ')})`);
  return m;
}

function needScenario(name: string | undefined): Scenario {
  if (!name) throw new UsageError(`missing SCENARIO (one of: ${scenarioRegistry.map((s) => s.name).join(', ')})`);
  const s = getScenario(name);
  if (!s) throw new UsageError(`unknown scenario '${name}' (one of: ${scenarioRegistry.map((s) => s.name).join(', ')})`);
  return s;
}

async function patchOpt(v: unknown): Promise<PatchSet | null> {
  if (v === undefined) return null;
  try {
    return await loadPatch(String(v));
  } catch (e) {
    if (e instanceof PatchError) throw new UsageError(e.message);
    throw e;
  }
}

/** Ctrl-C stops long work with a partial summary; a second Ctrl-C exits at once. */
function interruptible(): { ctl: ExploreControl; dispose(): void } {
  const abort = { aborted: false };
  const onInt = () => {
    if (abort.aborted) process.exit(130);
    abort.aborted = true;
  };
  process.on('SIGINT', onInt);
  return { ctl: { timeLimit: null, abort }, dispose: () => process.off('SIGINT', onInt) };
}

function paramsText(p: Record<string, number>): string {
  const s = Object.entries(p).map(([k, v]) => `${k}=${v}`).join(', ');
  return s ? ` (${s})` : '';
}

function coverageText(r: { coverage: ExploreResult['coverage'] }): string {
  return Object.entries(r.coverage)
    .map(([m, v]) => `${m}: states ${v.states[0]}/${v.states[1]}, transitions ${v.transitions[0]}/${v.transitions[1]}`)
    .join('; ');
}

export function summarize(r: ExploreResult): string {
  const head = `${r.scenario}${paramsText(r.params)} ${r.strategy}${r.symmetry ? ' --symmetry' : ''}, ${r.cpus} CPUs${r.patch ? `, patch ${r.patch}` : ''}`;
  const counts =
    r.strategy === 'exhaustive'
      ? `${r.states.toLocaleString('en-US')} states, ${r.transitions.toLocaleString('en-US')} transitions${r.slept ? ` (${r.slept.toLocaleString('en-US')} skipped by sleep sets)` : ''}, depth ${r.depth}`
      : `${r.executions.toLocaleString('en-US')} executions, ${r.steps.toLocaleString('en-US')} steps${r.states ? `, ${r.states.toLocaleString('en-US')} distinct states` : ''}${r.strategy === 'dpor' && r.complete ? ' (every Mazurkiewicz trace)' : ''}`;
  const lines = [head];
  if (r.violation) {
    lines.push(c.red(c.bold(`VIOLATION (${r.violation.kind} ${r.violation.id}) after ${counts}, ${r.seconds} s`)));
    lines.push('');
    lines.push(formatTrace(r.violation.trace, r.violation));
  } else {
    const how = r.complete ? c.green('complete') : c.yellow(`incomplete${r.stopped ? `: ${r.stopped}` : ''}`);
    lines.push(`${r.complete ? c.green('no violation') : 'no violation found'} in ${counts} (${how}) in ${r.seconds} s`);
  }
  const cov = coverageText(r);
  if (cov) lines.push(c.dim(`coverage: ${cov}`));
  return lines.join('\n');
}

function saveTrace(file: string, r: ExploreResult, patch: PatchSet | null): void {
  if (!r.violation) return;
  const scenario = getScenario(r.scenario)!;
  const rep = replay({ scenario, params: r.params, cpus: r.cpus, patch, workload: r.violation.trace.workload }, r.violation.trace.choices);
  const meta = rep.itf['#meta'] as Record<string, unknown>;
  // The patch path is stored absolute, so the trace replays from any directory.
  meta.vfsmodel = { ...(meta.vfsmodel as object), strategy: r.strategy, seed: r.seed, patch: patch ? resolvePath(patch.file) : null };
  try {
    writeFileSync(file, JSON.stringify(rep.itf, null, 2) + '\n');
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

// ------------------------------------------------------------------ commands

async function cmdMachines(args: string[]): Promise<number> {
  const { values } = parse(args, {}, 0);
  const rows = machineRegistry.map((m) => ({
    name: m.name,
    object: m.object,
    states: statesOf(m).length,
    transitions: transitionsOf(m).length,
    events: eventTypesOf(m),
    reachable: traverse(m).states.length,
  }));
  out(!!values.json, { machines: rows }, () =>
    table(
      rows.map((r) => [r.name, r.object, String(r.states), String(r.transitions), String(r.reachable), r.events.join(' ')]),
      ['machine', 'object', 'states', 'transitions', 'reachable', 'events'],
    ),
  );
  return 0;
}

async function cmdGraph(args: string[]): Promise<number> {
  const { values, pos } = parse(args, { to: { type: 'string' } }, 1);
  const m = needMachine(pos[0]);
  const t = traverse(m);
  const to = values.to as string | undefined;
  let path: string[] | undefined;
  if (to !== undefined) {
    path = shortestPathTo(m, to, t);
    if (!path) throw new UsageError(`machine ${m.name} has no reachable state '${to}' (states: ${statesOf(m).join(', ')})`);
  }
  const bad = t.states.filter((s) => s.violations.length > 0);
  const data = {
    machine: m.name,
    reachable: t.states.length,
    states: t.states.map((s) => ({ key: s.key, path: s.path, violations: s.violations })),
    transitions: { reached: t.transitionsReached.size, total: transitionsOf(m).length },
    ...(to !== undefined ? { to, path } : {}),
    ok: bad.length === 0,
  };
  out(!!values.json, data, () => {
    const lines = [`${m.name}: ${t.states.length} reachable states, ${t.transitionsReached.size}/${transitionsOf(m).length} transitions exercised`];
    lines.push(table(t.states.map((s) => [s.key, s.violations.length ? c.red(s.violations.join('; ')) : c.green('ok'), s.path.join(' → ') || '(initial)']), ['state', 'invariants', 'shortest path']));
    if (path) lines.push('', `shortest path to ${to}: ${path.join(' → ') || '(initial state)'}`);
    return lines.join('\n');
  });
  return bad.length === 0 ? 0 : 1;
}

async function cmdDiagram(args: string[]): Promise<number> {
  const { values, pos } = parse(args, { format: { type: 'string' }, out: { type: 'string' } }, 1);
  const m = needMachine(pos[0]);
  const format = (values.format as string | undefined) ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format ${format}: expected mermaid or dot`);
  const text = diagram(m, format);
  if (values.out) {
    try {
      writeFileSync(String(values.out), text + '\n');
    } catch (e) {
      throw new UsageError(`cannot write ${String(values.out)}: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    process.stdout.write(text + '\n');
  }
  return 0;
}

async function cmdInvariants(args: string[]): Promise<number> {
  const { values } = parse(args, {}, 0);
  const rows = invariantRegistry.map((i) => ({ id: i.id, domain: i.domain, kind: i.kind, statement: i.statement, cite: i.cite, hazard: i.hazard ?? null }));
  out(!!values.json, { invariants: rows }, () => table(rows.map((r) => [r.id, r.kind, r.statement, r.cite.join(', ')]), ['id', 'kind', 'statement', 'seed lines']));
  return 0;
}

async function cmdScenarios(args: string[]): Promise<number> {
  const { values } = parse(args, {}, 0);
  const rows = scenarioRegistry.map((s) => ({ name: s.name, description: s.description, params: s.params, cpus: s.defaultCpus, domains: s.domains, cite: s.cite }));
  out(!!values.json, { scenarios: rows }, () =>
    rows
      .map((s) => {
        const ps = Object.entries(s.params).map(([k, p]) => `    --param ${k}=N   ${p.description} (default ${p.default}, ${p.min}..${p.max})`);
        return [`${c.bold(s.name)} — ${s.description}`, `    cpus ${s.cpus}; invariants: ${s.domains.join(', ')}; ${s.cite.join(', ')}`, ...ps].join('\n');
      })
      .join('\n\n'),
  );
  return 0;
}

async function cmdExplore(args: string[]): Promise<number> {
  const { values, pos } = parse(
    args,
    {
      param: { type: 'string', multiple: true },
      cpus: { type: 'string' },
      strategy: { type: 'string' },
      symmetry: { type: 'boolean' },
      por: { type: 'boolean' },
      seed: { type: 'string' },
      'max-executions': { type: 'string' },
      'max-steps': { type: 'string' },
      'time-limit': { type: 'string' },
      patch: { type: 'string' },
      'trace-out': { type: 'string' },
    },
    1,
  );
  const scenario = needScenario(pos[0]);
  const overrides: Record<string, string> = {};
  for (const p of (values.param as string[] | undefined) ?? []) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(p);
    if (!m) throw new UsageError(`--param ${p}: expected k=v`);
    if (m[1] in overrides) throw new UsageError(`--param ${m[1]} given twice`);
    overrides[m[1]] = m[2];
  }
  let params: Record<string, number>;
  try {
    params = resolveParams(scenario, overrides);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const strategy = ((values.strategy as string | undefined) ?? 'exhaustive') as Strategy;
  if (!STRATEGIES.includes(strategy)) throw new UsageError(`--strategy ${strategy}: expected one of ${STRATEGIES.join(', ')}`);
  if (strategy !== 'exhaustive' && (values.symmetry || values.por)) throw new UsageError(`--${values.symmetry ? 'symmetry' : 'por'} applies to the exhaustive strategy only`);
  const cpus = intOpt(values.cpus, 'cpus', 1) ?? scenario.defaultCpus;
  if (cpus > 8) throw new UsageError(`--cpus ${cpus}: at most 8`);
  const seed = intOpt(values.seed, 'seed', 0) ?? 1;
  const patch = await patchOpt(values.patch);
  const { ctl, dispose } = interruptible();
  ctl.timeLimit = numOpt(values['time-limit'], 'time-limit');
  const bar = new ProgressBar(`explore ${scenario.name}`);
  ctl.onProgress = (p) => bar.update(p);
  let r: ExploreResult;
  try {
    r = await explore(
      {
        scenario,
        params,
        cpus,
        patch,
        strategy,
        symmetry: !!values.symmetry,
        por: !!values.por,
        seed,
        maxExecutions: intOpt(values['max-executions'], 'max-executions', 1),
        maxSteps: intOpt(values['max-steps'], 'max-steps', 1),
      },
      ctl,
    );
  } finally {
    bar.done();
    dispose();
  }
  if (values['trace-out'] && r.violation) saveTrace(String(values['trace-out']), r, patch);
  out(!!values.json, r, () => summarize(r) + (values['trace-out'] && r.violation ? `\ntrace saved to ${String(values['trace-out'])} (vfsmodel replay ${String(values['trace-out'])})` : ''));
  return r.violation ? 1 : 0;
}

async function cmdReplay(args: string[]): Promise<number> {
  const { values, pos } = parse(args, {}, 1);
  const file = pos[0];
  if (!file) throw new UsageError('missing TRACE.json');
  if (!existsSync(file)) throw new UsageError(`cannot read trace file ${file}`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`malformed trace file ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const meta = (doc as { '#meta'?: { vfsmodel?: Record<string, unknown> } })?.['#meta']?.vfsmodel;
  if (!meta || typeof meta !== 'object') throw new UsageError(`malformed trace file ${file}: no "#meta".vfsmodel replay data (save traces with --trace-out)`);
  const scenario = getScenario(String(meta.scenario));
  if (!scenario) throw new UsageError(`malformed trace file ${file}: unknown scenario '${String(meta.scenario)}'`);
  const choices = meta.choices as NamedChoice[] | undefined;
  if (!Array.isArray(choices) || !choices.every((x) => x && typeof x.thread === 'string' && Number.isInteger(x.variant))) {
    throw new UsageError(`malformed trace file ${file}: "choices" must be a list of {thread, variant}`);
  }
  const rawParams = meta.params as Record<string, unknown> | undefined;
  if (!rawParams || typeof rawParams !== 'object') throw new UsageError(`malformed trace file ${file}: missing params`);
  let params: Record<string, number>;
  try {
    params = resolveParams(scenario, Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, String(v)])));
  } catch (e) {
    throw new UsageError(`malformed trace file ${file}: ${(e as Error).message}`);
  }
  const cpus = Number(meta.cpus);
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 8) throw new UsageError(`malformed trace file ${file}: bad cpus`);
  const patch = await patchOpt(meta.patch ?? undefined);
  const workload = Array.isArray(meta.workload) ? (meta.workload as string[]) : null;
  const expected = meta.violation as { kind?: string; id?: string } | null | undefined;
  let rep;
  try {
    rep = replay({ scenario, params, cpus, patch, workload }, choices);
  } catch (e) {
    throw new UsageError(`trace file ${file} does not fit scenario ${scenario.name}: ${(e as Error).message.split('\n')[0]}`);
  }
  const reproduced = rep.error === null && rep.executed === choices.length && (rep.violation?.id ?? null) === (expected?.id ?? null) && (rep.violation?.kind ?? null) === (expected?.kind ?? null);
  const data = { reproduced, violation: rep.violation, expected: expected ?? null, steps: rep.executed, error: rep.error };
  out(!!values.json, data, () => {
    const lines = [formatTrace(rep.trace, rep.violation), ''];
    if (rep.error) lines.push(c.red(rep.error));
    lines.push(reproduced ? c.green(`reproduced: ${expected ? `${expected.kind} ${expected.id}` : 'no violation'} after ${rep.executed} steps`) : c.red(`NOT reproduced (expected ${expected ? `${expected.kind} ${expected.id}` : 'no violation'})`));
    return lines.join('\n');
  });
  return rep.violation || !reproduced ? 1 : 0;
}

async function cmdMutants(args: string[]): Promise<number> {
  const { values } = parse(args, { only: { type: 'string' }, 'trace-out': { type: 'string' } }, 0);
  const { loadMutants, runMutant } = await import('../mutants/index.ts');
  let ms = await loadMutants();
  if (values.only !== undefined) {
    ms = ms.filter((m) => m.meta.id === values.only);
    if (ms.length === 0) throw new UsageError(`no mutant '${String(values.only)}' (see vfsmodel mutants)`);
  }
  if (values['trace-out'] && ms.length !== 1) throw new UsageError('--trace-out needs --only ID');
  const { ctl, dispose } = interruptible();
  const bar = new ProgressBar('mutants');
  const rows: Awaited<ReturnType<typeof runMutant>>['row'][] = [];
  try {
    for (const m of ms) {
      bar.message(`${m.meta.id} ...`);
      const { row, result } = await runMutant(m, ctl);
      rows.push(row);
      if (values['trace-out']) {
        if (result.violation) saveTrace(String(values['trace-out']), result, m.patch);
        else process.stderr.write(`vfsmodel: ${m.meta.id} was not killed: no counterexample to save\n`);
      }
      if (ctl.abort.aborted) break;
    }
  } finally {
    bar.done();
    dispose();
  }
  const allOk = rows.every((r) => r.ok) && rows.length === ms.length;
  out(!!values.json, { mutants: rows, ok: allOk }, () =>
    [
      table(
        rows.map((r) => [r.id, r.title, r.expect, r.killed ? 'killed' : 'survived', r.by ?? '-', r.ok ? c.green('ok') : c.red('UNEXPECTED'), String(r.states), `${r.seconds}s`]),
        ['id', 'mutant', 'expect', 'result', 'by', 'verdict', 'states', 'time'],
      ),
      '',
      allOk
        ? c.green(rows.length === 1 ? 'the mutant meets its expectation' : `all ${rows.length} mutants meet their expectation`)
        : c.red(`${rows.filter((r) => !r.ok).length} mutant(s) do not meet their expectation`),
    ].join('\n'),
  );
  return allOk ? 0 : 1;
}

async function cmdCheck(args: string[]): Promise<number> {
  const { values } = parse(args, { patch: { type: 'string' } }, 0);
  const patch = await patchOpt(values.patch);
  const machines = machineRegistry.map((m) => {
    const t = traverse(m);
    const init = stateKey(snapshotToAbstract(m, getInitialSnapshot(m.machine)));
    const bad = t.states.flatMap((s) => s.violations.map((v) => `${s.key}: ${v}`));
    return { name: m.name, reachable: t.states.length, initial: init, transitions: [t.transitionsReached.size, transitionsOf(m).length], violations: bad, ok: bad.length === 0 };
  });
  const { ctl, dispose } = interruptible();
  const scenarios: ExploreResult[] = [];
  try {
    for (const s of builtinScenarios) {
      const bar = new ProgressBar(`check ${s.name}`);
      ctl.onProgress = (p) => bar.update(p);
      const params = resolveParams(s, {});
      const r = await explore({ scenario: s, params, cpus: s.defaultCpus, patch, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null }, ctl);
      bar.done();
      scenarios.push(r);
      if (ctl.abort.aborted) break;
    }
  } finally {
    dispose();
  }
  const coverage = unionCoverage(scenarios);
  const uncovered = uncoveredBy(scenarios);
  const ok = machines.every((m) => m.ok) && scenarios.length === builtinScenarios.length && scenarios.every((r) => !r.violation && r.complete);
  out(!!values.json, { ok, machines, scenarios, coverage, uncovered }, () => {
    const lines = [c.bold('machines')];
    lines.push(table(machines.map((m) => [m.name, String(m.reachable), `${m.transitions[0]}/${m.transitions[1]}`, m.ok ? c.green('ok') : c.red(m.violations.join('; '))]), ['machine', 'reachable', 'transitions', 'per-state invariants']));
    lines.push('', c.bold('scenarios'));
    for (const r of scenarios) lines.push(summarize(r), '');
    lines.push(c.bold('coverage (union over scenarios)'));
    lines.push(table(Object.entries(coverage).map(([m, v]) => [m, `${v.states[0]}/${v.states[1]}`, `${v.transitions[0]}/${v.transitions[1]}`]), ['machine', 'states', 'transitions']));
    for (const [m, u] of Object.entries(uncovered)) lines.push(c.dim(`not reached in ${m}: ${[...u.states, ...u.transitions].join(', ')}`));
    lines.push('', ok ? c.green('ok: every machine and scenario passes') : c.red('NOT ok'));
    return lines.join('\n');
  });
  return ok ? 0 : 1;
}

async function cmdHazards(args: string[]): Promise<number> {
  const { values } = parse(args, {}, 0);
  const { hazardRegistry, runHazard } = await import('../hazards/index.ts');
  const { ctl, dispose } = interruptible();
  const rows: Awaited<ReturnType<typeof runHazard>>[] = [];
  try {
    for (const h of hazardRegistry) rows.push(await runHazard(h, ctl));
  } finally {
    dispose();
  }
  const ok = rows.every((r) => r.ok);
  out(!!values.json, { hazards: rows, ok }, () =>
    rows.length === 0
      ? 'no hazards are registered for the seed functions modelled so far'
      : table(rows.map((r) => [r.id, r.status, r.scenario, r.reason, r.status === 'deferred' ? c.dim('not run') : r.ok ? c.green('as recorded') : c.red('CHANGED')]), ['id', 'status', 'scenario', 'reason', 'rerun']),
  );
  return ok ? 0 : 1;
}

async function cmdDocs(args: string[]): Promise<number> {
  const { values } = parse(args, { check: { type: 'boolean' } }, 0);
  const root = new URL('..', import.meta.url).pathname;
  const { checkDocs, writeDocs } = await import('../docs/generate.ts');
  if (values.check) {
    const stale = await checkDocs(root);
    if (stale.length) {
      process.stdout.write(`stale or missing generated docs (run npm run docs): ${stale.join(', ')}\n`);
      return 1;
    }
    process.stdout.write('generated docs are up to date\n');
    return 0;
  }
  const written = await writeDocs(root);
  process.stdout.write(`wrote ${written.length} files under docs/\n`);
  return 0;
}

async function cmdBench(args: string[]): Promise<number> {
  parse(args, {}, 0);
  const root = new URL('..', import.meta.url).pathname;
  const { runBench, writeBench } = await import('../bench/run.ts');
  const bar = new ProgressBar('bench');
  const results = await runBench((msg: string) => {
    bar.message(msg);
    if (!process.stderr.isTTY) process.stderr.write(`bench: ${msg}\n`);
  });
  bar.done();
  await writeBench(`${root}bench/results.json`, results);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return 0;
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  machines: cmdMachines,
  graph: cmdGraph,
  diagram: cmdDiagram,
  invariants: cmdInvariants,
  scenarios: cmdScenarios,
  explore: cmdExplore,
  replay: cmdReplay,
  mutants: cmdMutants,
  check: cmdCheck,
  hazards: cmdHazards,
  docs: cmdDocs,
  bench: cmdBench,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  const run = commands[cmd];
  try {
    if (!run) throw new UsageError(`unknown command '${cmd}' (commands: ${Object.keys(commands).join(', ')})`);
    if (rest.includes('--help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ModelError) {
      // A ModelError is a patch module (or a model path) failing at run time: one line, and the
      // stack only when asked for.
      process.stderr.write(`vfsmodel: ${e.message}\n`);
      if (e instanceof ModelError && process.env.VFSMODEL_DEBUG) process.stderr.write(`${e.stack}\n`);
      return 2;
    }
    throw e;
  }
}
