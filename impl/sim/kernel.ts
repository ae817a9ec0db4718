/**
 * The simulated SMP kernel: threads on CPUs, each suspended at its next primitive; a step runs
 * one enabled primitive and then the thread's code up to its next primitive (local computation
 * is atomic with the access that precedes it; see docs/design.md). Fully deterministic: the
 * only choices are which thread steps and which variant of its primitive happens.
 *
 * The simulator knows nothing about buffers or vnodes.
 */
import { RET, SITE, newFrame, procOf, type Frame, type KernelFunction, type Proc } from '../compiler/runtime.ts';
import { primOf } from './prim.ts';
import { Thread, type LwktToken } from './thread.ts';
import { World, recordReads } from './world.ts';

export { Thread };

export interface LifecycleEvent {
  obj: object;
  event: string;
}

/** Something a step said that a transition invariant may check (e.g. "biowait returned"). */
export interface Note {
  kind: string;
  thread: Thread;
  data: Record<string, unknown>;
}

export interface SpawnOptions {
  group?: string | null;
  intr?: boolean;
  daemon?: boolean;
}

interface ThreadDesc {
  name: string;
  cpu: number;
  group: string | null;
  intr: boolean;
  daemon?: boolean;
}

/** Choice encoding: thread id * 16 + variant. */
export const VARIANT_BITS = 4;
export const choiceOf = (tid: number, variant: number): number => (tid << VARIANT_BITS) | variant;
export const choiceThread = (c: number): number => c >> VARIANT_BITS;
export const choiceVariant = (c: number): number => c & ((1 << VARIANT_BITS) - 1);

let CURRENT: Sim | null = null;
const DESCS: ThreadDesc[] = [];
const DESC_IDS = new Map<string, number>();

/**
 * Runs plain (non-stepping) kernel code with `sim` as the current machine: boot-time
 * initialisation such as bufinit (a SYSINIT), which runs before any thread exists.
 */
export function withSim<R>(sim: Sim, fn: () => R): R {
  const saved = CURRENT;
  CURRENT = sim;
  try {
    return fn();
  } finally {
    CURRENT = saved;
  }
}

/** The simulator running the current step (kernel code's view of "the machine"). */
export function currentSim(): Sim {
  if (!CURRENT) throw new Error('no simulator is running');
  return CURRENT;
}

export class Sim {
  readonly world = new World();
  threads: Thread[] = [];
  current: Thread | null = null;
  /** Lifecycle events and notes of the step being run. */
  events: LifecycleEvent[] = [];
  notes: Note[] = [];
  /** Seed functions replaced by a patch module, by name. */
  readonly patches = new Map<string, Proc>();
  /** Thread descriptors, interned process-wide so encodings compare across simulators. */
  readonly descs: ThreadDesc[] = DESCS;
  readonly descIds: Map<string, number> = DESC_IDS;
  /** When not null, filled with the ids of the registered objects each step reads. */
  readSet: Set<number> | null = null;
  /** When not null, the kernel functions entered during a step, with their call sites (traces). */
  callLog: string[] | null = null;
  /** The value the last step's primitive returned (for traces). */
  lastResult: unknown = undefined;
  /**
   * Clear dead locals at every suspension (so a run frame equals a restored one). Tests turn it
   * off to check that liveness never drops a local that is still needed.
   */
  clearDeadLocals = true;
  /** Per-scenario options kernel code may read (fault injection, timeouts...). */
  options: Record<string, unknown> = {};
  /**
   * The modelled kernel's file-static state, by name (e.g. 'vfs_bio'): registered objects a
   * scenario creates and kernel code reaches through report.ts's kglobal(). The simulator never
   * looks inside.
   */
  readonly globals: Record<string, object> = {};

  constructor(readonly ncpus: number) {}

  resolve(fn: unknown): Proc | undefined {
    const p = procOf(fn);
    if (!p) return undefined;
    return this.patches.get(p.name) ?? p;
  }

  descId(d: ThreadDesc): number {
    const key = `${d.name}\u0000${d.cpu}\u0000${d.group ?? ''}\u0000${d.intr ? 1 : 0}\u0000${d.daemon ? 1 : 0}`;
    let id = this.descIds.get(key);
    if (id === undefined) {
      id = this.descs.length;
      this.descs.push(d);
      this.descIds.set(key, id);
    }
    return id;
  }

  /** Creates a thread running `fn(...args)` and runs it up to its first primitive. */
  spawn(name: string, cpu: number, fn: KernelFunction, args: unknown[], opts: SpawnOptions = {}): Thread {
    const proc = this.resolve(fn);
    if (!proc) throw new Error(`spawn ${name}: not a compiled kernel function`);
    // Thread names are unique (traces and replays name threads): a second intr(bp) is intr(bp)#2.
    let n = 1;
    for (const u of this.threads) if (u.name === name || u.name.startsWith(name + '#')) n++;
    if (n > 1) name = `${name}#${n}`;
    if (cpu < 0 || cpu >= this.ncpus) throw new Error(`spawn ${name}: no cpu ${cpu} (ncpus=${this.ncpus})`);
    const t = new Thread(this.threads.length, name, cpu, opts.group ?? null, opts.intr ?? false, opts.daemon ?? false);
    this.descId({ name, cpu, group: t.group, intr: t.intr, daemon: t.daemon });
    this.threads.push(t);
    t.frames.push(newFrame(proc, args));
    const saved = this.current;
    const savedSim = CURRENT;
    CURRENT = this;
    this.current = t;
    try {
      this.run(t);
    } finally {
      this.current = saved;
      CURRENT = savedSim;
    }
    return t;
  }

  // ------------------------------------------------------------------ scheduling

  /** Can `t` take its next step now? */
  isEnabled(t: Thread): boolean {
    if (t.done || !t.prim) return false;
    if (!t.prim.enabled(t.args!, t, this)) return false;
    // A thread that slept must get its tokens back before it resumes.
    if (t.prim.sleeps && t.tokens.length > 0) {
      for (const h of t.tokens) if (!this.tokenAvailable(h.tok, t, h.exclusive)) return false;
    }
    return true;
  }

  /** Every enabled choice, in thread order then variant order. */
  choices(out: number[] = []): number[] {
    out.length = 0;
    for (const t of this.threads) {
      if (!this.isEnabled(t)) continue;
      const n = t.prim!.variants(t.args!, t, this);
      for (let v = 0; v < n; v++) out.push(choiceOf(t.id, v));
    }
    return out;
  }

  /** Has the workload finished? Daemons do not count: they run (or sleep) forever. */
  allDone(): boolean {
    for (const t of this.threads) if (!t.done && !t.daemon) return false;
    return true;
  }

  /** Runs one step. Throws KernelPanic when an assertion of the modelled code fails. */
  step(choice: number): void {
    const t = this.threads[choiceThread(choice)];
    const variant = choiceVariant(choice);
    if (!t || !this.isEnabled(t) || variant >= t.prim!.variants(t.args!, t, this)) {
      throw new Error(`step: choice ${choiceThread(choice)}/${variant} is not enabled`);
    }
    this.events.length = 0;
    this.notes.length = 0;
    const savedSim = CURRENT;
    CURRENT = this;
    this.current = t;
    if (this.readSet) {
      this.readSet.clear();
      recordReads(this.readSet);
    }
    try {
      const p = t.prim!;
      const args = t.args!;
      t.prim = null;
      t.args = null;
      const r = p.exec(args, t, this, variant);
      this.lastResult = r;
      t.top().ret = r;
      this.run(t);
    } finally {
      if (this.readSet) recordReads(null);
      this.current = null;
      CURRENT = savedSim;
    }
  }

  /** Runs t's code until it reaches a primitive or finishes. */
  private run(t: Thread): void {
    let f = t.top();
    for (;;) {
      const code = f.proc.run(f);
      if (code === SITE) {
        const callee = f.callee;
        const args = f.args!;
        f.callee = null;
        f.args = null;
        const proc = this.resolve(callee);
        if (proc) {
          if (this.callLog) this.callLog.push(`${proc.name} (${f.proc.sites[f.pc]?.cite ?? f.proc.name})`);
          if (this.clearDeadLocals) clearDead(f);
          const nf = newFrame(proc, args);
          t.frames.push(nf);
          f = nf;
          continue;
        }
        const p = primOf(callee);
        if (!p) {
          throw new Error(`${f.proc.name}: yield* of something that is neither a kernel function nor a primitive (${String(callee)})`);
        }
        if (this.clearDeadLocals) clearDead(f);
        t.prim = p;
        t.args = args;
        return;
      }
      if (code !== RET) throw new Error(`${f.proc.name}: bad run() result ${code}`);
      const rv = f.rv;
      t.frames.pop();
      if (t.frames.length === 0) {
        t.done = true;
        // A finished thread's stale sleep-queue entry is unobservable: normalise it away.
        t.interlock = null;
        return;
      }
      f = t.top();
      f.ret = rv;
    }
  }

  // ------------------------------------------------------------------ tokens

  /** May `t` hold `tok` (exclusively or shared) now? Holders that are asleep do not count. */
  tokenAvailable(tok: LwktToken, t: Thread, exclusive: boolean): boolean {
    for (const u of this.threads) {
      if (u === t || u.done || u.tokens.length === 0) continue;
      if (u.prim?.sleeps) continue; // released while it sleeps
      for (const h of u.tokens) {
        if (h.tok !== tok) continue;
        if (exclusive || h.exclusive) return false;
      }
    }
    return true;
  }
}

/** Dead locals are not part of the state: clear them so a restored frame equals a run one. */
export function clearDead(f: Frame): void {
  const live = f.proc.live[f.pc];
  if (!live) return;
  const l = f.l;
  let k = 0;
  for (let i = 0; i < l.length; i++) {
    if (k < live.length && live[k] === i) {
      k++;
      continue;
    }
    l[i] = undefined;
  }
}
