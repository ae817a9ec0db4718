/**
 * `exhaustive`: stateful breadth-first search of every interleaving (SPEC "Exploring
 * executions"). States are the simulator's canonical encodings (encode.ts), stored once each
 * (store.ts); a state's index is its place in the breadth-first queue, so the first violation
 * found has a shortest counterexample. Parent pointers give the path back.
 *
 * Reductions that keep the verdict exact:
 * - --symmetry canonicalises states under permutations of interchangeable threads;
 * - partial-order reduction with sleep sets (Godefroid 1996), with --por: after exploring a
 *   step of thread t, the steps explored before it at the same state that are independent of t
 *   are not explored again after t (they would reach the same states in the other order).
 *   Sleep sets never remove states, only transitions, so `states` is unchanged (tests check it
 *   on every scenario and mutant, with and without --symmetry, whose canonical renumbering the
 *   sleep sets follow). With state caching, a state reached again with a smaller sleep set is
 *   expanded again for what it had skipped; states first found then may have a longer path
 *   than breadth-first, so only without --por is a counterexample guaranteed shortest.
 *   Independence (footprint.ts) uses the exact reads of each step (recorded) and its writes
 *   (measured), so it does not depend on kernel code following SPEC's step rule.
 */
import { StateCodec } from '../impl/sim/encode.ts';
import { choiceThread } from '../impl/sim/kernel.ts';
import { conflict, declared, taken, type Footprint } from './footprint.ts';
import { Checker, type Violation } from './checker.ts';
import { IntVec, StateStore } from './store.ts';
import { buildSim, type RunSpec } from './setup.ts';
import type { ExploreControl } from './result.ts';
import type { MachineCoverage } from './conformance.ts';

export interface SearchOutcome {
  complete: boolean;
  states: number;
  transitions: number;
  depth: number;
  stopped: string | null;
  violation: Violation | null;
  /** Canonical choices from the initial state to the violation. */
  path: number[] | null;
  coverage: Map<string, MachineCoverage>;
  bytes: number;
  /** Transitions not taken thanks to sleep sets. */
  slept: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Sleep sets: per state, a list of [thread id, read mask, write mask] triples, in a side array. */
class SleepSets {
  private readonly off = new IntVec();
  private readonly data = new IntVec();
  private used = 1; // offset 0 means "empty"

  get(i: number, out: number[]): number[] {
    out.length = 0;
    const o = this.off.a.length > i ? this.off.get(i) : 0;
    if (o === 0) return out;
    const n = this.data.get(o);
    for (let k = 0; k < 3 * n; k++) out.push(this.data.get(o + 1 + k));
    return out;
  }

  set(i: number, z: number[]): void {
    if (z.length === 0) {
      this.off.set(i, 0);
      return;
    }
    const o = this.used;
    this.data.set(o, z.length / 3);
    for (let k = 0; k < z.length; k++) this.data.set(o + 1 + k, z[k]);
    this.used += 1 + z.length;
    this.off.set(i, o);
  }
}

function hasThread(z: number[], tid: number): boolean {
  for (let k = 0; k < z.length; k += 3) if (z[k] === tid) return true;
  return false;
}

/** Sleep-set entries renamed into a child's canonical numbering (perm[newTid] = oldTid). */
function renameSleepers(z: number[], perm: number[]): number[] {
  const inv: number[] = [];
  for (let n = 0; n < perm.length; n++) inv[perm[n]] = n;
  const out: number[] = [];
  for (let k = 0; k < z.length; k += 3) out.push(inv[z[k]] ?? z[k], z[k + 1], z[k + 2]);
  return out;
}

export async function exhaustive(spec: RunSpec, symmetry: boolean, maxSteps: number | null, ctl: ExploreControl, por = false): Promise<SearchOutcome> {
  const t0 = performance.now();
  const sim = buildSim(spec);
  const checker = new Checker(sim, spec.scenario.domains);
  const codec = new StateCodec(sim, { symmetry });
  if (por) sim.readSet = new Set();
  const store = new StateStore();
  const parent = new IntVec();
  const choiceIn = new IntVec();
  const depthOf = new IntVec();
  const expanded = new IntVec();
  const sleep = new SleepSets();
  const cov = checker.conformance.coverage;

  const pathTo = (i: number): number[] => {
    const p: number[] = [];
    for (let k = i; k > 0; k = parent.get(k)) p.push(choiceIn.get(k));
    return p.reverse();
  };
  let transitions = 0;
  let slept = 0;
  let maxDepth = 0;
  let boundHit = false;
  const done = (o: Partial<SearchOutcome>): SearchOutcome => ({
    complete: false,
    states: store.count,
    transitions,
    depth: maxDepth,
    stopped: null,
    violation: null,
    path: null,
    coverage: cov,
    bytes: store.bytes,
    slept,
    ...o,
  });

  const initViolation = checker.checkInitial();
  store.add(codec.encode());
  parent.set(0, -1);
  depthOf.set(0, 0);
  if (initViolation) return done({ violation: initViolation, path: [] });

  const choices: number[] = [];
  const z: number[] = [];
  const explored: number[] = [];
  const zc: number[] = [];
  const zold: number[] = [];
  const scratch: number[] = [];
  const revisit: number[] = [];
  let rv = 0;
  let lastYield = performance.now();
  const deadline = ctl.timeLimit !== null ? t0 + ctl.timeLimit * 1000 : Infinity;
  let next = 0;
  for (let iter = 0; ; iter++) {
    let i: number;
    if (next < store.count) i = next++;
    else if (rv < revisit.length) i = revisit[rv++];
    else break;
    if ((iter & 255) === 0) {
      const now = performance.now();
      if (now - lastYield > 100) {
        await tick();
        lastYield = performance.now();
        ctl.onProgress?.({ states: store.count, transitions, executions: 1, depth: depthOf.get(i), queue: store.count - next, seconds: (now - t0) / 1000, fraction: null });
      }
      if (ctl.abort.aborted) return done({ stopped: 'interrupted' });
      if (now > deadline) return done({ stopped: 'time-limit' });
    }
    const s = store.get(i);
    const depth = depthOf.get(i);
    const firstVisit = expanded.a.length <= i || expanded.get(i) === 0;
    expanded.set(i, 1);
    codec.decode(s);
    sim.choices(choices);
    if (choices.length === 0) {
      if (!firstVisit) continue;
      const v = checker.deadlock();
      if (v) return done({ violation: v, path: pathTo(i) });
      continue;
    }
    if (maxSteps !== null && depth >= maxSteps) {
      boundHit = true;
      continue;
    }
    if (por) sleep.get(i, z);
    else z.length = 0;
    explored.length = 0;
    const cs = choices.slice();
    let last = -1;
    for (let k = 0; k < cs.length; ) {
      const tid = choiceThread(cs[k]);
      let end = k;
      while (end < cs.length && choiceThread(cs[end]) === tid) end++;
      if (hasThread(z, tid)) {
        slept += end - k;
        k = end;
        continue;
      }
      let rmask = 0;
      let wmask = 0;
      const children: number[] = [];
      /** Per child, its canonical numbering: perm[newTid] = tid here (symmetry renames threads). */
      const perms: number[][] = [];
      for (let v = k; v < end; v++) {
        const c = cs[v];
        if (last >= 0) codec.restoreAfterStep(last);
        const before = por ? declared(sim, tid) : null;
        const threadsBefore = sim.threads.length;
        const vio = checker.step(c);
        last = tid;
        transitions++;
        if (vio) return done({ violation: vio, path: [...pathTo(i), c], depth: Math.max(maxDepth, depth + 1) });
        const enc = codec.encode(tid);
        if (before) {
          const fp = taken(sim, codec, tid, before, threadsBefore, false, scratch);
          rmask |= fp.r;
          wmask |= fp.w;
        }
        if (por && symmetry) perms.push(codec.lastPerm.slice());
        const r = store.add(enc);
        if (r >= 0) {
          parent.set(r, i);
          choiceIn.set(r, c);
          depthOf.set(r, depth + 1);
          if (depth + 1 > maxDepth) maxDepth = depth + 1;
          children.push(r, 1);
        } else {
          children.push(-r - 1, 0);
        }
      }
      if (por) {
        // Children inherit the sleeping and earlier-explored steps that are independent of t.
        zc.length = 0;
        const mine: Footprint = { r: rmask, w: wmask };
        for (let q = 0; q < z.length; q += 3) if (!conflict({ r: z[q + 1], w: z[q + 2] }, mine)) zc.push(z[q], z[q + 1], z[q + 2]);
        for (let q = 0; q < explored.length; q += 3) if (!conflict({ r: explored[q + 1], w: explored[q + 2] }, mine)) zc.push(explored[q], explored[q + 1], explored[q + 2]);
        for (let q = 0; q < children.length; q += 2) {
          const ci = children[q];
          // The child is stored in its own canonical thread numbering: rename the sleepers.
          const zchild = symmetry ? renameSleepers(zc, perms[q / 2]) : zc;
          if (children[q + 1] === 1) {
            sleep.set(ci, zchild);
            continue;
          }
          // Reached again: it may now explore only what every arrival left awake.
          sleep.get(ci, zold);
          let subset = true;
          for (let a = 0; a < zold.length; a += 3) if (!hasThread(zchild, zold[a])) subset = false;
          if (subset) continue;
          const inter: number[] = [];
          for (let a = 0; a < zold.length; a += 3) if (hasThread(zchild, zold[a])) inter.push(zold[a], zold[a + 1], zold[a + 2]);
          sleep.set(ci, inter);
          if (ci < next) revisit.push(ci);
        }
        explored.push(tid, rmask, wmask);
      }
      k = end;
    }
  }
  return done({ complete: !boundHit, stopped: boundHit ? 'step-bound' : null });
}
