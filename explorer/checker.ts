/**
 * Everything checked on an execution: panics (thrown by KASSERT/KKASSERT/panic), the
 * invariants of the scenario's domains after every step, conformance to the machines, and
 * deadlock (attributed to the liveness invariant whose function a blocked thread is in).
 */
import { choiceThread, type Sim, type Thread } from '../impl/sim/kernel.ts';
import { KernelPanic, ModelError } from '../impl/sim/panic.ts';
import { invariantsFor, SIM_DEADLOCK } from '../invariants/index.ts';
import type { Invariant, PreparedCheck } from '../invariants/types.ts';
import { Conformance } from './conformance.ts';

export type ViolationKind = 'invariant' | 'panic' | 'deadlock' | 'conformance';

export interface Violation {
  kind: ViolationKind;
  id: string;
  message: string;
  cite: string[];
}

export class Checker {
  private readonly checks: { inv: Invariant; check: PreparedCheck }[] = [];
  private readonly liveness: Invariant[];
  readonly conformance: Conformance;

  constructor(
    private readonly sim: Sim,
    domains: readonly string[],
  ) {
    const invs = invariantsFor(domains);
    for (const inv of invs) {
      const check = inv.prepare?.(sim);
      if (check) this.checks.push({ inv, check });
    }
    this.liveness = invs.filter((i) => i.blockedIn);
    this.conformance = new Conformance(sim);
  }

  /** The initial state: invariants and machine initial states. */
  checkInitial(): Violation | null {
    const c = this.conformance.checkInitial();
    if (c) return { kind: 'conformance', id: `CONF:${c.machine}`, message: c.message, cite: [] };
    return this.checkState();
  }

  /** Runs the step, turning a kernel panic into a violation. */
  step(choice: number): Violation | null {
    this.conformance.beforeStep();
    const t = this.sim.threads[choiceThread(choice)];
    const frame = t?.top();
    const pc = frame?.pc ?? 0;
    const prim = t?.prim?.name ?? '?';
    try {
      this.sim.step(choice);
    } catch (e) {
      if (e instanceof KernelPanic) return { kind: 'panic', id: e.cite, message: e.message, cite: [e.cite] };
      if (e instanceof ModelError) throw e;
      // A bug in kernel code (typically a patch module): say where it was, in one line.
      const site = frame ? `${prim} at ${frame.proc.sites[pc]?.cite ?? frame.proc.cite} (${frame.proc.name})` : '?';
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new ModelError(`step of ${t?.name ?? 'a thread'} at ${site}: ${msg}`);
    }
    return this.afterStep();
  }

  afterStep(): Violation | null {
    const v = this.checkState();
    if (v) return v;
    const c = this.conformance.afterStep();
    if (c) return { kind: 'conformance', id: `CONF:${c.machine}`, message: c.message, cite: [] };
    return null;
  }

  private checkState(): Violation | null {
    const notes = this.sim.notes;
    for (const { inv, check } of this.checks) {
      const m = check(this.sim, notes);
      if (m) return { kind: 'invariant', id: inv.id, message: m, cite: inv.cite };
    }
    return null;
  }

  /** Call when no choice is enabled. */
  deadlock(): Violation | null {
    const sim = this.sim;
    if (sim.allDone()) return null;
    const blocked = sim.threads.filter((t) => !t.done);
    const where = blocked.map((t) => `${t.name} in ${describeWait(t)}`).join('; ');
    for (const inv of this.liveness) {
      for (const t of blocked) {
        if (t.frames.some((f) => inv.blockedIn!.includes(f.proc.name)) && (!inv.blockedWhen || inv.blockedWhen(sim, t))) {
          return { kind: 'deadlock', id: inv.id, message: `deadlock: ${where}`, cite: inv.cite };
        }
      }
    }
    return { kind: 'deadlock', id: SIM_DEADLOCK.id, message: `deadlock: ${where}`, cite: [] };
  }
}

/** Where a thread is: "tsleep at vfs_bio.c:590 (bio_track_wait)" — the innermost seed site. */
export function describeWait(t: Thread): string {
  const at = seedSite(t);
  return `${t.prim?.name ?? '?'} at ${at.cite} (${at.fn})`;
}

const SEED_MODULE = /[\\/]impl[\\/]kernel[\\/]/;
const ENV_MODULE = /[\\/]impl[\\/](env|sim)[\\/]/;
const SIM_MODULE = /[\\/]impl[\\/]sim[\\/]/;

/**
 * Where `t` is, for traces: the innermost frame in a seed module (impl/kernel/); failing that,
 * the call into the environment from the innermost workload frame (a scenario's call to
 * bio_track_ref carries the seed line of vn_strategy's reference); failing that, the innermost.
 */
export function seedSite(t: Thread): { fn: string; cite: string; text: string } {
  for (let i = t.frames.length - 1; i >= 0; i--) {
    const f = t.frames[i];
    const site = f.proc.sites[f.pc];
    if (site && (SEED_MODULE.test(f.proc.file) || f.proc.replaces)) return { fn: f.proc.name, cite: site.cite, text: site.text };
  }
  const top = t.top();
  let fn = top.proc.name;
  for (let i = t.frames.length - 1; i >= 0; i--) {
    if (!SIM_MODULE.test(t.frames[i].proc.file)) {
      fn = t.frames[i].proc.name;
      break;
    }
  }
  for (let i = t.frames.length - 1; i >= 0; i--) {
    const f = t.frames[i];
    const site = f.proc.sites[f.pc];
    if (site && !ENV_MODULE.test(f.proc.file)) return { fn, cite: site.cite, text: site.text };
  }
  const site = top.proc.sites[top.pc];
  return { fn: top.proc.name, cite: site?.cite ?? top.proc.cite, text: site?.text ?? '' };
}
