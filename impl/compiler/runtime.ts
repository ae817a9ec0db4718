/**
 * Runtime side of the kernel compiler (see docs/design.md, "Threads as data").
 *
 * Kernel code is written as ordinary `function*` generators whose every point of
 * interference is a `yield* prim(...)`. The compiler (compile.ts) rewrites each such
 * generator into a *procedure*: a `run(frame)` state machine whose locals live in
 * `frame.l` and whose resumption point is the label `frame.pc`. A thread is then a stack
 * of frames — plain data that the explorer can hash, store and restore.
 */

/** run() returned because the frame reached a `yield*` call site: callee/args are in the frame. */
export const SITE = 1;
/** run() returned because the procedure returned: the value is in `frame.rv`. */
export const RET = 2;

export const PROC: unique symbol = Symbol.for('vfsmodel.proc');

/** One activation of a compiled kernel procedure. */
export interface Frame {
  proc: Proc;
  /** The label to resume at (a block of the compiled state machine). */
  pc: number;
  /** Locals, by slot; parameters first. */
  l: unknown[];
  /** Result of the call site the frame is resuming from. */
  ret: unknown;
  /** Return value when run() returns RET. */
  rv: unknown;
  /** Set by run() at a call site: what to call, with which arguments. */
  callee: unknown;
  args: unknown[] | null;
}

export interface SiteInfo {
  /** Source line of the call site in the TypeScript module. */
  line: number;
  /** The seed citation on (or just above) that line, e.g. 'vfs_bio.c:547'; else 'file.ts:line'. */
  cite: string;
  /** The call as written, for traces. */
  text: string;
}

export interface ProcSpec {
  name: string;
  /** TypeScript module that holds the source. */
  file: string;
  line: number;
  /** The seed citation of the whole function, from its header comment. */
  cite: string;
  nparams: number;
  localNames: string[];
  /** live[pc] = slots live when the frame is suspended at label pc (resumption points only). */
  live: Record<number, number[]>;
  /** sites[pc] = the call site whose resumption label is pc. */
  sites: Record<number, SiteInfo>;
  run(f: Frame): number;
}

export interface Proc extends ProcSpec {
  /** Dense id, assigned at definition; used in state encodings. */
  id: number;
  fn: KernelFunction;
  /** Set on a patch module's replacement of a seed function (traces treat it as seed code). */
  replaces?: string;
}

/** What a compiled kernel function looks like from the outside. */
export interface KernelFunction {
  (...args: never[]): unknown;
  [PROC]?: Proc;
}

const procs: Proc[] = [];

export function allProcs(): readonly Proc[] {
  return procs;
}

/** Attach a compiled procedure to its (stub) function object. */
export function defineProc(fn: KernelFunction, spec: ProcSpec): KernelFunction {
  const proc: Proc = { ...spec, id: procs.length, fn };
  procs.push(proc);
  fn[PROC] = proc;
  return fn;
}

/** A generator function expression compiled in place: returns a fresh stub carrying the procedure. */
export function procExpr(spec: ProcSpec): KernelFunction {
  const stub = function compiledKernelFunction(): never {
    return directCall(spec.name);
  } as KernelFunction;
  Object.defineProperty(stub, 'name', { value: spec.name });
  return defineProc(stub, spec);
}

export function directCall(name: string): never {
  throw new Error(
    `kernel function ${name}() called directly: kernel functions run only inside the simulator (yield* ${name}(...))`,
  );
}

export function procOf(fn: unknown): Proc | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as KernelFunction)[PROC];
}

export function newFrame(proc: Proc, args: readonly unknown[]): Frame {
  const l = new Array<unknown>(proc.localNames.length);
  for (let i = 0; i < proc.nparams; i++) l[i] = args[i];
  return { proc, pc: 0, l, ret: undefined, rv: undefined, callee: null, args: null };
}
