/**
 * `dpor`: a stateless depth-first search with dynamic partial-order reduction and sleep sets
 * (Flanagan & Godefroid, POPL 2005 — the CHESS / Concuerror / Nidhugg / loom line). It keeps no
 * visited set: it explores one execution per Mazurkiewicz trace (up to sleep-set redundancy),
 * adding a backtrack point wherever a thread's next step depends on an earlier step of another
 * thread that does not happen-before it. It cross-checks `exhaustive`: both must give the same
 * verdict on every scenario (test/dpor.test.ts).
 *
 * Dependence uses the footprints of footprint.ts (exact reads, measured writes), and visibility: every
 * step that writes registered state depends on every other such step, since the invariants
 * read that state (otherwise an invariant broken only in the intermediate state of an
 * unexplored linearisation would be missed). Races are detected for pending steps (declared
 * footprints) and for executed ones (measured footprints). A thread's
 * environment variants (an I/O succeeding or failing) are all explored whenever the thread is.
 * Backtracking restores the encoded state of the stack level rather than replaying.
 */
import { StateCodec } from '../impl/sim/encode.ts';
import { choiceThread } from '../impl/sim/kernel.ts';
import { ALL, conflict, declared, taken, type Footprint } from './footprint.ts';
import { Checker, type Violation } from './checker.ts';
import { StateStore } from './store.ts';
import { buildSim, type RunSpec } from './setup.ts';
import type { ExploreControl } from './result.ts';
import type { MachineCoverage } from './conformance.ts';

export interface DporOutcome {
  complete: boolean;
  executions: number;
  transitions: number;
  states: number;
  depth: number;
  stopped: string | null;
  violation: Violation | null;
  /** Real choices (thread ids) from the initial state to the violation. */
  path: number[] | null;
  coverage: Map<string, MachineCoverage>;
}

interface Level {
  bytes: Uint8Array;
  /** Enabled choices at this state, by thread. */
  enabled: Map<number, number[]>;
  backtrack: Set<number>;
  done: Set<number>;
  sleep: Map<number, Footprint>;
  /** Pending steps' declared footprints at this state (for race detection). */
  pendingFp: Map<number, Footprint>;
  /** The step being explored from this level. */
  tid: number;
  choice: number;
  fp: Footprint;
  /** Vector clock of that step: clock[u] = index of the last step of u that happens-before it. */
  clock: number[];
}

export async function dpor(
  spec: RunSpec,
  maxExecutions: number,
  maxSteps: number,
  ctl: ExploreControl,
  /** Called with the encoding of every final state reached (all threads done). */
  onFinal?: (bytes: Uint8Array) => void,
): Promise<DporOutcome> {
  const t0 = performance.now();
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const codec = new StateCodec(sim, { symmetry: false });
  sim.readSet = new Set();
  const seen = new StateStore();
  const cov = checker.conformance.coverage;
  const stack: Level[] = [];
  const deadline = ctl.timeLimit !== null ? t0 + ctl.timeLimit * 1000 : Infinity;
  let executions = 0;
  let transitions = 0;
  let depth = 0;
  let boundHit = false;
  let stopped: string | null = null;
  let lastYield = performance.now();
  const scratch: number[] = [];

  const result = (o: Partial<DporOutcome>): DporOutcome => ({
    complete: false,
    executions,
    transitions,
    states: seen.count,
    depth,
    stopped,
    violation: null,
    path: null,
    coverage: cov,
    ...o,
  });
  const pathTo = (extra?: number): number[] => {
    const p = stack.slice(0, -1).map((l) => l.choice);
    if (extra !== undefined) p.push(extra);
    return p;
  };
  /** Clock of thread p's last step on the stack below the top level. */
  const lastClock = (p: number): number[] => {
    for (let i = stack.length - 2; i >= 0; i--) if (stack[i].tid === p) return stack[i].clock;
    return [];
  };

  /** Pushes the simulator's current state, then adds backtrack points for the races it exposes. */
  const push = (sleep: Map<number, Footprint>): Level => {
    const bytes = codec.encode().slice();
    seen.add(bytes);
    const enabled = new Map<number, number[]>();
    for (const c of sim.choices()) {
      const t = choiceThread(c);
      let l = enabled.get(t);
      if (!l) enabled.set(t, (l = []));
      l.push(c);
    }
    const pendingFp = new Map<number, Footprint>();
    for (const t of sim.threads) if (!t.done) pendingFp.set(t.id, declared(sim, t.id));
    const lvl: Level = { bytes, enabled, backtrack: new Set(), done: new Set(), sleep, pendingFp, tid: -1, choice: -1, fp: ALL, clock: [] };
    stack.push(lvl);
    if (stack.length - 1 > depth) depth = stack.length - 1;
    for (const [p, fp] of pendingFp) addBacktrack(p, fp, stack.length - 1);
    return lvl;
  };

  /**
   * The latest step below level `top` of another thread that conflicts with `fp` (a step of p)
   * and does not happen-before it: p (or, if p was not enabled there, every enabled thread)
   * must also be tried first at that point.
   */
  function addBacktrack(p: number, fp: Footprint, top: number): void {
    let cp: number[] = [];
    for (let i = top - 1; i >= 0; i--) {
      if (stack[i].tid === p) {
        cp = stack[i].clock;
        break;
      }
    }
    for (let i = top - 1; i >= 0; i--) {
      const li = stack[i];
      if (li.tid === p || !conflict(li.fp, fp)) continue;
      if (i <= (cp[li.tid] ?? -1)) continue; // ordered before p's step already
      if (li.enabled.has(p)) li.backtrack.add(p);
      else for (const q of li.enabled.keys()) li.backtrack.add(q);
      return;
    }
  }

  const explore = async (lvl: Level): Promise<DporOutcome | null> => {
    const now = performance.now();
    if (now - lastYield > 100) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = performance.now();
      ctl.onProgress?.({ states: seen.count, transitions, executions, depth, queue: stack.length, seconds: (now - t0) / 1000, fraction: null });
    }
    if (ctl.abort.aborted) stopped = 'interrupted';
    else if (now > deadline) stopped = 'time-limit';
    else if (executions >= maxExecutions) stopped = 'max-executions';
    if (stopped) return null;
    if (lvl.enabled.size === 0) {
      codec.decode(lvl.bytes);
      const v = checker.deadlock();
      if (v) return result({ violation: v, path: pathTo() });
      onFinal?.(lvl.bytes);
      executions++;
      return null;
    }
    if (stack.length - 1 >= maxSteps) {
      boundHit = true;
      executions++;
      return null;
    }
    for (const p of lvl.enabled.keys()) {
      if (!lvl.sleep.has(p)) {
        lvl.backtrack.add(p);
        break;
      }
    }
    for (;;) {
      let p = -1;
      for (const q of lvl.backtrack) {
        if (!lvl.done.has(q) && !lvl.sleep.has(q) && lvl.enabled.has(q)) {
          p = q;
          break;
        }
      }
      if (p < 0) break;
      lvl.done.add(p);
      let fpAll: Footprint = { r: 0, w: 0 };
      for (const c of lvl.enabled.get(p)!) {
        codec.decode(lvl.bytes);
        const pre = lvl.pendingFp.get(p)!;
        const n0 = sim.threads.length;
        const v = checker.step(c);
        transitions++;
        if (v) return result({ violation: v, path: pathTo(c) });
        codec.encode();
        const fp = taken(sim, codec, p, pre, n0, true, scratch);
        fpAll = { r: fpAll.r | fp.r, w: fpAll.w | fp.w };
        lvl.tid = p;
        lvl.choice = c;
        lvl.fp = fp;
        // Races of the step just taken, with its measured footprint (which may exceed what the
        // primitive declared while pending: local code after it writes what its locks protect).
        addBacktrack(p, fp, stack.length - 1);
        const clock = lastClock(p).slice();
        for (let i = 0; i < stack.length - 1; i++) {
          const li = stack[i];
          if (conflict(li.fp, fp)) for (let k = 0; k < li.clock.length; k++) clock[k] = Math.max(clock[k] ?? -1, li.clock[k] ?? -1);
        }
        clock[p] = stack.length - 1;
        lvl.clock = clock;
        const childSleep = new Map<number, Footprint>();
        for (const [q, f] of lvl.sleep) if (!conflict(f, fp)) childSleep.set(q, f);
        const child = push(childSleep);
        const r = await explore(child);
        stack.pop();
        if (r) return r;
        if (stopped) return null;
      }
      lvl.sleep.set(p, fpAll);
      lvl.tid = -1;
    }
    return null;
  };

  const initV = checker.checkInitial();
  if (initV) return result({ violation: initV, path: [] });
  const r = await explore(push(new Map()));
  if (r) return r;
  return result({ complete: !boundHit && !stopped, stopped: stopped ?? (boundHit ? 'step-bound' : null) });
}
