/**
 * Machine infrastructure: state keys, transition tables, a memoised stepper for conformance
 * checking, exhaustive traversal with @xstate/graph, diagrams and generated doc pages.
 *
 * Everything here works on any MachineModule; nothing knows about a particular machine or
 * about the simulator.
 */
import {
  getInitialSnapshot,
  transition as pureTransition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type StateValue,
} from 'xstate';
import { getShortestPaths } from '@xstate/graph';
import type { AbstractState, AnyMachineModule, Cite } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Abstract states

/** Stable key of an abstract state: `active{count:2,wait:false}` (context keys sorted). */
export function stateKey(s: AbstractState): string {
  const keys = Object.keys(s.context).sort();
  let out = s.value + '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += keys[i] + ':' + String(s.context[keys[i]!]);
  }
  return out + '}';
}

/** XState state value -> dotted atomic path ('a' or 'a.b'). Parallel states are not supported. */
function valueToString(value: StateValue): string {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new Error(`parallel state values are not supported by AbstractState: ${JSON.stringify(value)}`);
  }
  const k = keys[0]!;
  const sub = value[k];
  return sub === undefined ? k : `${k}.${valueToString(sub)}`;
}

/** Dotted atomic path -> XState state value. */
function stringToValue(s: string): StateValue {
  const parts = s.split('.');
  let v: StateValue = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) v = { [parts[i]!]: v };
  return v;
}

const initialContextCache = new WeakMap<AnyStateMachine, Record<string, unknown>>();
function initialContext(machine: AnyStateMachine): Record<string, unknown> {
  let ctx = initialContextCache.get(machine);
  if (!ctx) {
    ctx = { ...(getInitialSnapshot(machine).context as Record<string, unknown>) };
    initialContextCache.set(machine, ctx);
  }
  return ctx;
}

/** The context fields that make up the abstract state (see MachineModule.abstractFields). */
export function abstractFieldsOf(mod: AnyMachineModule): readonly string[] {
  if (mod.abstractFields) return mod.abstractFields;
  const ctx = initialContext(mod.machine);
  return Object.keys(ctx).filter((k) => typeof ctx[k] === 'number' || typeof ctx[k] === 'boolean');
}

/** A machine snapshot as an AbstractState (same shape as MachineModule.abstract returns). */
export function snapshotToAbstract(mod: AnyMachineModule, snap: AnyMachineSnapshot): AbstractState {
  const context: Record<string, number | boolean> = {};
  const ctx = snap.context as Record<string, number | boolean>;
  for (const f of abstractFieldsOf(mod)) context[f] = ctx[f]!;
  return { value: valueToString(snap.value), context };
}

/** Failing per-state invariants of `s`, as 'ID: message'. */
export function checkStateInvariants(mod: AnyMachineModule, s: AbstractState): string[] {
  const out: string[] = [];
  for (const inv of mod.stateInvariants) {
    const msg = inv.check(s);
    if (msg !== null) out.push(`${inv.id}: ${msg}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structure: state nodes and transition definitions

/** Every state node below the root, in document order. */
function stateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      out.push(child);
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

function nodeName(node: AnyStateNode): string {
  return node.path.length ? node.path.join('.') : '(root)';
}

function isLeaf(node: AnyStateNode): boolean {
  return node.type === 'atomic' || node.type === 'final';
}

/** The atomic state names (dotted paths for nested states), in document order. */
export function statesOf(mod: AnyMachineModule): string[] {
  return stateNodes(mod.machine).filter(isLeaf).map(nodeName);
}

/** A transition definition of a machine, in plain data. */
export interface TransitionInfo {
  /** Structural id: `source:EVENT#i`, i = index among that event's candidates on the source. */
  id: string;
  source: string;
  event: string;
  /** The target state; the source itself for a targetless transition. */
  target: string;
  /** The guard's name, or null when unguarded. */
  guard: string | null;
  actions: string[];
  cite: Cite[];
  description: string;
}

// Guards and actions are shown by name; anything else is inline logic, which lintMachine flags.
const INLINE = '(inline)';

function guardName(g: unknown): string | null {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    // XState's higher-order guards (and/or/not) are functions named after the combinator
    // that keep their operands in `.guards`.
    const sub = (g as { guards?: unknown[] }).guards;
    if (Array.isArray(sub)) return `${g.name}(${sub.map(guardName).join(', ')})`;
    return INLINE;
  }
  if (typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') {
    return (g as { type: string }).type;
  }
  return INLINE;
}

function actionName(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { type?: unknown }).type === 'string') {
    return (a as { type: string }).type;
  }
  return INLINE;
}

const transitionIdCache = new WeakMap<object, string>();

/** The structural id of a transition definition (identical for machine and conformanceMachine). */
function transitionId(t: AnyTransitionDefinition): string {
  let id = transitionIdCache.get(t);
  if (id === undefined) {
    const candidates = t.source.transitions.get(t.eventType) ?? [];
    id = `${nodeName(t.source)}:${t.eventType}#${candidates.indexOf(t)}`;
    transitionIdCache.set(t, id);
  }
  return id;
}

function toInfo(t: AnyTransitionDefinition): TransitionInfo {
  const meta = t.meta as { cite?: unknown } | undefined;
  const cite = Array.isArray(meta?.cite) ? (meta.cite as Cite[]) : [];
  return {
    id: transitionId(t),
    source: nodeName(t.source),
    event: t.eventType,
    target: t.target && t.target.length ? t.target.map(nodeName).join(',') : nodeName(t.source),
    guard: guardName(t.guard),
    actions: t.actions.map(actionName),
    cite,
    description: t.description ?? '',
  };
}

function transitionDefinitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  const out: AnyTransitionDefinition[] = [];
  for (const node of [machine.root, ...stateNodes(machine)]) {
    for (const list of node.transitions.values()) out.push(...list);
    // Eventless transitions are not used by the lifecycle machines; lintMachine rejects them.
  }
  return out;
}

/** Every transition definition of `mod.machine`, in document order. */
export function transitionsOf(mod: AnyMachineModule): TransitionInfo[] {
  return transitionDefinitions(mod.machine).map(toInfo);
}

/** The event types a machine reacts to, in first-use order. */
export function eventTypesOf(mod: AnyMachineModule): string[] {
  return [...new Set(transitionsOf(mod).map((t) => t.event))];
}

const CITE_RE = /^[\w.\-/]+:\d+(-\d+)?$/;

/**
 * Structural checks of a module: every transition cites the seed and is described, guards and
 * actions are named, states are described, the traversal event set covers every event, and
 * the bounded and conformance machines have the same shape. Returns the problems found.
 */
export function lintMachine(mod: AnyMachineModule): string[] {
  const problems: string[] = [];
  for (const node of stateNodes(mod.machine)) {
    if (!node.description) problems.push(`state ${nodeName(node)} has no description`);
    if (node.always && node.always.length) problems.push(`state ${nodeName(node)} has eventless transitions`);
  }
  for (const t of transitionsOf(mod)) {
    if (t.cite.length === 0) problems.push(`${t.id}: no meta.cite`);
    for (const c of t.cite) if (!CITE_RE.test(c)) problems.push(`${t.id}: malformed cite '${c}'`);
    if (!t.description) problems.push(`${t.id}: no description`);
    if (t.guard !== null && t.guard.includes(INLINE)) problems.push(`${t.id}: inline guard`);
    if (t.actions.includes(INLINE)) problems.push(`${t.id}: inline action`);
  }
  const eventTypes = new Set(mod.events.map((e) => e.type));
  for (const e of eventTypesOf(mod)) {
    if (!eventTypes.has(e)) problems.push(`event ${e} is missing from the traversal event set`);
  }
  for (const inv of mod.stateInvariants) {
    if (inv.cite.length === 0) problems.push(`${inv.id}: no cite`);
    for (const c of inv.cite) if (!CITE_RE.test(c)) problems.push(`${inv.id}: malformed cite '${c}'`);
  }
  const shape = (m: AnyStateMachine): string =>
    transitionDefinitions(m)
      .map((t) => `${transitionId(t)}->${toInfo(t).target}`)
      .join(' ');
  if (shape(mod.machine) !== shape(mod.conformanceMachine)) {
    problems.push('machine and conformanceMachine differ in their transitions');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Stepping (conformance checking)

export type StepResult =
  | { ok: true; to: AbstractState; transitionId: string }
  | { ok: false; reason: string };

/**
 * Applies one event to an abstract state with `mod.conformanceMachine`. Results are memoised on
 * (state, eventType) and frozen, because the model checker calls this for every lifecycle step
 * of every explored execution. Context fields other than the abstract fields are ignored.
 */
export class MachineStepper {
  private readonly memo = new Map<string, StepResult>();
  private readonly machine: AnyStateMachine;
  private readonly fields: readonly string[];
  private readonly leaves: Map<string, AnyStateNode>;
  private readonly baseContext: Record<string, unknown>;

  constructor(readonly mod: AnyMachineModule) {
    this.machine = mod.conformanceMachine;
    this.fields = abstractFieldsOf(mod);
    this.leaves = new Map(stateNodes(this.machine).filter(isLeaf).map((n) => [nodeName(n), n]));
    this.baseContext = initialContext(this.machine);
  }

  step(from: AbstractState, eventType: string): StepResult {
    // Same information as stateKey(from) + event, without sorting keys on the hot path: only
    // the abstract fields, in a fixed order, take part in the step.
    let key = from.value + '|' + eventType;
    const ctx = from.context;
    for (let i = 0; i < this.fields.length; i++) key += '|' + ctx[this.fields[i]!];
    let r = this.memo.get(key);
    if (r === undefined) {
      r = this.compute(from, eventType);
      this.memo.set(key, r);
    }
    return r;
  }

  /** Number of memoised (state, event) pairs. */
  get memoSize(): number {
    return this.memo.size;
  }

  private compute(from: AbstractState, eventType: string): StepResult {
    const name = this.mod.name;
    const node = this.leaves.get(from.value);
    if (!node) return { ok: false, reason: `${name}: unknown state '${from.value}'` };
    const context: Record<string, unknown> = { ...this.baseContext };
    for (const f of this.fields) {
      if (typeof from.context[f] !== typeof this.baseContext[f]) {
        return { ok: false, reason: `${name}: state ${stateKey(from)} lacks context field '${f}'` };
      }
      context[f] = from.context[f];
    }
    const snap = this.machine.resolveState({ value: stringToValue(from.value), context });
    const event = { type: eventType };
    const taken = this.machine.getTransitionData(snap, event);
    if (taken.length === 0) return { ok: false, reason: this.whyDisabled(node, from, eventType) };
    const [next] = pureTransition(this.machine, snap, event);
    const to = snapshotToAbstract(this.mod, next);
    Object.freeze(to.context);
    return Object.freeze({ ok: true as const, to: Object.freeze(to), transitionId: transitionId(taken[0]!) });
  }

  private whyDisabled(node: AnyStateNode, from: AbstractState, eventType: string): string {
    const guards: string[] = [];
    for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
      for (const t of n.transitions.get(eventType) ?? []) guards.push(guardName(t.guard) ?? 'true');
    }
    const where = `${this.mod.name}: ${eventType} in ${stateKey(from)}`;
    return guards.length === 0
      ? `${where}: no transition for this event from state '${from.value}'`
      : `${where}: every guard is false (${guards.join(', ')})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Exhaustive traversal

export interface TraversedState {
  key: string;
  state: AbstractState;
  /** Event types of a shortest path from the initial state. */
  path: string[];
  /** Failing per-state invariants as 'ID: message'. */
  violations: string[];
}

export interface TraversalResult {
  states: TraversedState[];
  /** Ids of the transition definitions exercised during traversal. */
  transitionsReached: Set<string>;
  seconds: number;
}

/** Exhaustive traversal of `mod.machine` with `mod.events` (shortest paths, @xstate/graph). */
export function traverse(mod: AnyMachineModule): TraversalResult {
  const t0 = performance.now();
  const machine = mod.machine;
  const paths = getShortestPaths(machine, {
    events: mod.events,
    serializeState: (snap) => stateKey(snapshotToAbstract(mod, snap as AnyMachineSnapshot)),
  });
  const states: TraversedState[] = [];
  const transitionsReached = new Set<string>();
  // Shortest paths first (stable: ties keep @xstate/graph's discovery order), for readable docs.
  const ordered = paths.map((p, i) => ({ p, i })).sort((a, b) => a.p.steps.length - b.p.steps.length || a.i - b.i);
  for (const { p } of ordered) {
    const snap = p.state as AnyMachineSnapshot;
    const state = snapshotToAbstract(mod, snap);
    // After alterPath, steps[0] is the initial state under 'xstate.init' and steps[i] (i ≥ 1)
    // is the state reached by steps[i].event.
    const path = p.steps.slice(1).map((s) => (s.event as { type: string }).type);
    states.push({ key: stateKey(state), state, path, violations: checkStateInvariants(mod, state) });
    // Every event was tried from every reachable state, so the transitions exercised are the
    // ones selected at (reachable state, event).
    for (const ev of mod.events) {
      const taken = machine.getTransitionData(snap, ev);
      if (taken.length) transitionsReached.add(transitionId(taken[0]!));
    }
  }
  return { states, transitionsReached, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A shortest event path from the initial state to a state named `target` (an atomic state name
 * or a full state key), or undefined when unreachable.
 */
export function shortestPathTo(mod: AnyMachineModule, target: string, result?: TraversalResult): string[] | undefined {
  let best: string[] | undefined;
  for (const s of (result ?? traverse(mod)).states) {
    if ((s.state.value === target || s.key === target) && (!best || s.path.length < best.length)) best = s.path;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Diagrams

/** The file most cites of a machine refer to: short edge labels omit it. */
function primaryFile(mod: AnyMachineModule): string {
  const counts = new Map<string, number>();
  for (const t of transitionsOf(mod)) {
    for (const c of t.cite) {
      const f = c.slice(0, c.lastIndexOf(':'));
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
  }
  let best = '';
  let n = 0;
  for (const [f, k] of counts) if (k > n) [best, n] = [f, k];
  return best;
}

/** 'vfs_bio.c:543-553' -> 'L543-553' for the primary file, 'other.c L12' otherwise. */
function shortCite(c: Cite, primary: string): string {
  const i = c.lastIndexOf(':');
  const file = c.slice(0, i);
  return file === primary ? `L${c.slice(i + 1)}` : `${file} L${c.slice(i + 1)}`;
}

/**
 * Mermaid's stateDiagram lexer ends a label at ':' or ';' and treats '#...;' as an entity, and
 * GitHub's renderer sanitises HTML: keep labels to a safe alphabet.
 */
function mermaidText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/:\s/g, ', ')
    .replace(/:/g, ' ')
    .replace(/;/g, ',')
    .replace(/#/g, 'no. ')
    .replace(/"/g, "'")
    .replace(/</g, 'lt ')
    .replace(/>/g, 'gt ')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function edgeLabel(t: TransitionInfo, primary: string): { event: string; cite: string } {
  const event = t.guard ? `${t.event} [${t.guard}]` : t.event;
  const cite = t.cite.length ? shortCite(t.cite[0]!, primary) : '';
  return { event, cite };
}

/** The state diagram: mermaid stateDiagram-v2 (renders on GitHub) or Graphviz dot. */
export function diagram(mod: AnyMachineModule, format: 'mermaid' | 'dot'): string {
  const machine = mod.machine;
  const leaves = stateNodes(machine).filter(isLeaf);
  const initial = valueToString(getInitialSnapshot(machine).value as StateValue);
  const transitions = transitionsOf(mod);
  const primary = primaryFile(mod);
  const lines: string[] = [];
  if (format === 'mermaid') {
    lines.push('stateDiagram-v2');
    lines.push(`  [*] --> ${mermaidId(initial)}`);
    for (const n of leaves) {
      if (n.description) lines.push(`  ${mermaidId(nodeName(n))} : ${mermaidText(n.description)}`);
    }
    for (const t of transitions) {
      const { event, cite } = edgeLabel(t, primary);
      lines.push(`  ${mermaidId(t.source)} --> ${mermaidId(t.target)} : ${mermaidText(`${event} ${cite}`)}`);
    }
    for (const n of leaves) if (n.type === 'final') lines.push(`  ${mermaidId(nodeName(n))} --> [*]`);
  } else {
    lines.push(`digraph ${JSON.stringify(mod.name)} {`);
    lines.push('  rankdir=LR;');
    lines.push('  node [shape=box, style=rounded, fontname="Helvetica"];');
    lines.push('  edge [fontname="Helvetica", fontsize=10];');
    lines.push('  "__initial" [shape=point, label=""];');
    lines.push(`  "__initial" -> "${dotText(initial)}";`);
    for (const n of leaves) {
      const label = n.description ? `${nodeName(n)}\n${n.description}` : nodeName(n);
      const shape = n.type === 'final' ? ', peripheries=2' : '';
      lines.push(`  "${dotText(nodeName(n))}" [label="${dotText(label)}"${shape}];`);
    }
    for (const t of transitions) {
      const { event, cite } = edgeLabel(t, primary);
      lines.push(`  "${dotText(t.source)}" -> "${dotText(t.target)}" [label="${dotText(cite ? `${event}\n${cite}` : event)}"];`);
    }
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Generated doc page

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** The markdown docs page of a machine. Deterministic: no timings, no dates. */
export function machineDocPage(mod: AnyMachineModule): string {
  const transitions = transitionsOf(mod);
  const result = traverse(mod);
  const leaves = stateNodes(mod.machine).filter(isLeaf);
  const primary = primaryFile(mod);
  const out: string[] = [];
  out.push(`# \`${mod.name}\`: ${mod.object}`);
  out.push('');
  out.push('<!-- Generated from machines/ by `vfsmodel docs`. Do not edit by hand. -->');
  out.push('');
  out.push(mod.description);
  out.push('');
  out.push('## State diagram');
  out.push('');
  out.push(`Edges are labelled \`EVENT [guard]\` and the first seed line of the transition${primary ? ` (\`L\` = ${primary})` : ''}.`);
  out.push('');
  out.push('```mermaid');
  out.push(diagram(mod, 'mermaid').trimEnd());
  out.push('```');
  out.push('');
  out.push('## States');
  out.push('');
  out.push('| state | meaning | reachable abstract states |');
  out.push('|---|---|---|');
  for (const n of leaves) {
    const name = nodeName(n);
    const count = result.states.filter((s) => s.state.value === name).length;
    out.push(`| \`${name}\` | ${md(n.description ?? '')} | ${count} |`);
  }
  out.push('');
  out.push('## Transitions');
  out.push('');
  out.push('| id | event | source | target | guard | actions | seed lines | description |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const t of transitions) {
    out.push(
      `| \`${t.id}\` | \`${t.event}\` | \`${t.source}\` | \`${t.target}\` | ${t.guard ? `\`${md(t.guard)}\`` : ''} | ` +
        `${t.actions.map((a) => `\`${md(a)}\``).join(', ')} | ${t.cite.map(md).join(', ')} | ${md(t.description)} |`,
    );
  }
  out.push('');
  out.push('## Per-state invariants');
  out.push('');
  out.push('| id | states | statement | seed lines |');
  out.push('|---|---|---|---|');
  for (const inv of mod.stateInvariants) {
    const states = inv.states ? inv.states.map((s) => `\`${s}\``).join(', ') : 'all';
    out.push(`| ${inv.id} | ${states} | ${md(inv.statement)} | ${inv.cite.map(md).join(', ')} |`);
  }
  out.push('');
  out.push('## Traversal');
  out.push('');
  const violations = result.states.reduce((n, s) => n + s.violations.length, 0);
  out.push(
    `Exhaustive traversal of the bounded machine with the events ${mod.events.map((e) => `\`${e.type}\``).join(', ')} ` +
      `reaches **${result.states.length}** abstract states and ${result.transitionsReached.size} of ${transitions.length} transitions; ` +
      `${violations === 0 ? 'every per-state invariant holds in every one of them' : `**${violations} invariant violations**`}.`,
  );
  out.push('');
  // Large machines list only the first states (shortest paths first); the rest are in
  // `vfsmodel graph <machine>`.
  const LISTED = 300;
  out.push('| abstract state | shortest path from the initial state | invariants |');
  out.push('|---|---|---|');
  for (const s of result.states.slice(0, LISTED)) {
    const path = s.path.length ? s.path.map((e) => `\`${e}\``).join(' → ') : '(initial)';
    out.push(`| \`${md(s.key)}\` | ${path} | ${s.violations.length ? md(s.violations.join('; ')) : 'hold'} |`);
  }
  out.push('');
  if (result.states.length > LISTED) {
    out.push(`The other ${result.states.length - LISTED} abstract states (longer paths): \`vfsmodel graph ${mod.name} --json\`.`);
    out.push('');
  }
  return out.join('\n');
}
