/**
 * Counterexamples: re-executing a list of choices with full tracing, the readable table, and
 * the saved form (ITF, the Informal Trace Format of Quint/Apalache, with vfsmodel's replay data
 * in "#meta").
 */
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import { choiceOf, choiceThread, choiceVariant } from '../impl/sim/kernel.ts';
import { StateCodec } from '../impl/sim/encode.ts';
import { Checker, seedSite, type Violation } from './checker.ts';
import { buildSim, type RunSpec } from './setup.ts';

export interface NamedChoice {
  thread: string;
  variant: number;
}

export interface TraceStep {
  step: number;
  cpu: number;
  thread: string;
  function: string;
  cite: string;
  op: string;
  changes: string[];
}

export type ItfValue = number | string | boolean | { '#bigint': string } | ItfValue[] | { [k: string]: ItfValue };

export interface Trace {
  scenario: string;
  params: Record<string, number>;
  cpus: number;
  patch: string | null;
  workload: string[] | null;
  choices: NamedChoice[];
  steps: TraceStep[];
}

/** Turns the explorer's canonical choices (thread ids of canonical states) into thread names. */
export function nameChoices(spec: RunSpec, path: number[], symmetry: boolean): NamedChoice[] {
  const sim = buildSim(spec);
  const codec = new StateCodec(sim, { symmetry });
  const out: NamedChoice[] = [];
  for (const c of path) {
    codec.encode();
    const tid = codec.lastPerm[choiceThread(c)];
    const t = sim.threads[tid];
    out.push({ thread: t.name, variant: choiceVariant(c) });
    try {
      sim.step(choiceOf(tid, choiceVariant(c)));
    } catch {
      break; // the last step of a panic trace
    }
  }
  return out;
}

// ---------------------------------------------------------------- formatting values

function fmtNum(v: number): string {
  if (!Number.isInteger(v)) return String(v);
  if (v >= 0 && v < 16) return String(v);
  return '0x' + (v >>> 0).toString(16);
}

export function fmtValue(sim: Sim, v: unknown): string {
  if (v === null) return 'NULL';
  if (v === undefined) return '-';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return v.name || 'fn';
  if (Array.isArray(v)) return `[${v.map((x) => fmtValue(sim, x)).join(', ')}]`;
  if (typeof v === 'object' && v && 'frames' in v && 'name' in v) return (v as Thread).name;
  if (typeof v === 'object') return sim.world.nameOf(v);
  return String(v);
}

function itfValue(sim: Sim, v: unknown): ItfValue {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : { '#bigint': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'function') return v.name || 'fn';
  if (Array.isArray(v)) return v.map((x) => itfValue(sim, x));
  return fmtValue(sim, v);
}

function fmtOp(sim: Sim, prim: string, args: unknown[], result: unknown, variant: string): string {
  let a: string;
  if (args.length >= 2 && typeof args[0] === 'object' && args[0] && typeof args[1] === 'string' && args[1] in (args[0] as object)) {
    a = [`${sim.world.nameOf(args[0] as object)}.${args[1]}`, ...args.slice(2).map((x) => fmtValue(sim, x))].join(', ');
  } else {
    a = args.map((x) => fmtValue(sim, x)).join(', ');
  }
  const r = result === undefined ? '' : ` → ${fmtValue(sim, result)}`;
  return `${prim}(${a})${r}${variant ? ` [${variant}]` : ''}`;
}

/** Every world field, as `object.field` → value. */
function snapshotWorld(sim: Sim): Map<string, unknown> {
  const m = new Map<string, unknown>();
  const w = sim.world;
  w.objects.forEach((o, i) => {
    for (const f of w.fields[i]) m.set(`${w.names[i]}.${f}`, (o as Record<string, unknown>)[f]);
  });
  return m;
}

function threadStatus(sim: Sim, t: Thread): string {
  if (t.done) return 'done';
  const at = seedSite(t);
  const enabled = sim.isEnabled(t);
  const st = enabled ? 'ready' : t.prim?.sleeps || t.prim?.kind === 'sleep' ? 'asleep' : 'blocked';
  return `${st} at ${at.fn} ${at.cite}${t.interlock ? ` (on ${sim.world.nameOf(t.interlock)}'s sleep queue)` : ''}`;
}

function itfState(sim: Sim, index: number): Record<string, ItfValue> {
  const s: Record<string, ItfValue> = { '#meta': { index } };
  for (const [k, v] of snapshotWorld(sim)) s[k] = itfValue(sim, v);
  for (const t of sim.threads) s[`thread:${t.name}`] = threadStatus(sim, t);
  return s;
}

export interface ReplayOutcome {
  trace: Trace;
  violation: Violation | null;
  itf: Record<string, unknown>;
  /** Steps actually executed (a choice naming a disabled thread stops the replay). */
  executed: number;
  error: string | null;
}

/** Re-executes named choices with tracing and checking. */
export function replay(spec: RunSpec, choices: NamedChoice[]): ReplayOutcome {
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const steps: TraceStep[] = [];
  const states: Record<string, ItfValue>[] = [itfState(sim, 0)];
  let violation = checker.checkInitial();
  let error: string | null = null;
  let executed = 0;
  for (const ch of choices) {
    if (violation) break;
    const t = sim.threads.find((x) => x.name === ch.thread);
    if (!t) {
      error = `step ${executed + 1}: no thread named ${ch.thread}`;
      break;
    }
    if (!sim.isEnabled(t) || ch.variant >= t.prim!.variants(t.args!, t, sim)) {
      error = `step ${executed + 1}: thread ${ch.thread} cannot take that step`;
      break;
    }
    const before = snapshotWorld(sim);
    const at = seedSite(t);
    const prim = t.prim!;
    const args = t.args!;
    const nthreads = sim.threads.length;
    const interlockBefore = sim.threads.map((x) => x.interlock);
    sim.callLog = [];
    violation = checker.step(choiceOf(t.id, ch.variant));
    const calls = sim.callLog;
    sim.callLog = null;
    executed++;
    const after = snapshotWorld(sim);
    const changes: string[] = [];
    // The code that ran after the primitive, in the same step: which kernel functions it entered.
    if (calls.length) changes.push(`then ${calls.join(' → ')}`);
    for (const [k, v] of after) if (before.get(k) !== v) changes.push(`${k}: ${fmtValue(sim, before.get(k))} → ${fmtValue(sim, v)}`);
    sim.threads.forEach((x, i) => {
      if (i >= nthreads) changes.push(`spawned ${x.name} on cpu${x.cpu}`);
      else if (interlockBefore[i] !== x.interlock) {
        changes.push(x.interlock ? `${x.name} queued on ${sim.world.nameOf(x.interlock)}` : `${x.name} off ${sim.world.nameOf(interlockBefore[i]!)}'s sleep queue`);
      }
    });
    if (t.done) changes.push(`${t.name} finished`);
    else if (violation?.kind !== 'panic') changes.push(`${t.name} → ${threadStatus(sim, t)}`);
    steps.push({
      step: executed,
      cpu: t.cpu,
      thread: t.name,
      function: at.fn,
      cite: at.cite,
      op: fmtOp(sim, prim.name, args, violation?.kind === 'panic' ? undefined : sim.lastResult, prim.variantName(ch.variant)),
      changes,
    });
    states.push(itfState(sim, executed));
  }
  if (!violation && !error && sim.choices().length === 0) violation = checker.deadlock();
  const trace: Trace = {
    scenario: spec.scenario.name,
    params: spec.params,
    cpus: spec.cpus,
    patch: spec.patch?.file ?? null,
    workload: spec.workload ?? null,
    choices: choices.slice(0, executed),
    steps,
  };
  const vars = states.length ? Object.keys(states[states.length - 1]).filter((k) => k !== '#meta') : [];
  const itf = {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'vfsmodel',
      vfsmodel: { ...trace, violation },
    },
    vars,
    states,
  };
  return { trace, violation, itf, executed, error };
}

/** The readable counterexample table. */
export function formatTrace(trace: Trace, violation: Violation | null): string {
  const lines: string[] = [];
  const w = Math.max(6, ...trace.steps.map((s) => s.thread.length));
  lines.push(`${'step'.padStart(4)}  cpu  ${'thread'.padEnd(w)}  ${'function'.padEnd(16)} ${'seed line'.padEnd(20)} operation`);
  for (const s of trace.steps) {
    lines.push(`${String(s.step).padStart(4)}  ${String(s.cpu).padStart(3)}  ${s.thread.padEnd(w)}  ${s.function.padEnd(16)} ${s.cite.padEnd(20)} ${s.op}`);
    for (const c of s.changes) lines.push(`${' '.repeat(11 + w)}    ${c}`);
  }
  if (violation) {
    lines.push('');
    lines.push(`${violation.kind.toUpperCase()} ${violation.id}: ${violation.message}`);
    if (violation.cite.length) lines.push(`  see ${violation.cite.join(', ')}`);
  }
  return lines.join('\n');
}
