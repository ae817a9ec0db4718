/**
 * Primitives: the only operations that are *steps*. Each is one point of interference
 * (an atomic, an unlocked read or write, a lock, sleep or wakeup operation, a device action).
 * Kernel code calls them with `yield* prim(args)`; the executor checks `enabled`, picks a
 * `variant` (e.g. a timed sleep may time out, a completion may fail), and runs `exec`.
 */
import type { Sim, Thread } from './kernel.ts';

export const PRIM: unique symbol = Symbol.for('vfsmodel.prim');

/** What kernel code gets back from `yield* p(...)`: typed as a generator for tsc. */
export type Kernel<R> = Generator<PrimCall, R, unknown>;

export interface PrimCall {
  prim: Prim;
  args: unknown[];
}

export type StepKind = 'read' | 'write' | 'atomic' | 'lock' | 'unlock' | 'sleep' | 'wakeup' | 'device' | 'spawn';

export interface Prim {
  id: number;
  name: string;
  kind: StepKind;
  /** The thread's LWKT tokens are released while it is suspended here (it may block). */
  sleeps: boolean;
  /** Shared objects the step reads or writes (for traces and independence). */
  touches(args: unknown[], t: Thread, sim: Sim): object[];
  enabled(args: unknown[], t: Thread, sim: Sim): boolean;
  variants(args: unknown[], t: Thread, sim: Sim): number;
  exec(args: unknown[], t: Thread, sim: Sim, variant: number): unknown;
  /** Human-readable name of a variant, for traces ('timeout', 'error'). */
  variantName(variant: number): string;
}

export interface PrimSpec<A extends unknown[], R> {
  name: string;
  kind: StepKind;
  sleeps?: boolean;
  touches(args: A, t: Thread, sim: Sim): object[];
  enabled?(args: A, t: Thread, sim: Sim): boolean;
  variants?(args: A, t: Thread, sim: Sim): number;
  exec(args: A, t: Thread, sim: Sim, variant: number): R;
  variantNames?: string[];
}

const prims: Prim[] = [];

export function allPrims(): readonly Prim[] {
  return prims;
}

export type PrimFunction<A extends unknown[], R> = ((...args: A) => Kernel<R>) & { [PRIM]: Prim };

/** Defines a primitive and returns the function kernel code calls with `yield*`. */
export function prim<A extends unknown[], R>(spec: PrimSpec<A, R>): PrimFunction<A, R> {
  const p: Prim = {
    id: prims.length,
    name: spec.name,
    kind: spec.kind,
    sleeps: spec.sleeps ?? false,
    touches: spec.touches as Prim['touches'],
    enabled: (spec.enabled ?? (() => true)) as Prim['enabled'],
    variants: (spec.variants ?? (() => 1)) as Prim['variants'],
    exec: spec.exec as Prim['exec'],
    variantName: (v) => spec.variantNames?.[v] ?? (v === 0 ? '' : `#${v}`),
  };
  prims.push(p);
  // Called directly (outside compiled code) it behaves as a one-step generator, which lets the
  // tests run a kernel generator natively and compare it with its compiled form.
  const fn = function* (...args: A): Kernel<R> {
    return (yield { prim: p, args }) as R;
  } as PrimFunction<A, R>;
  Object.defineProperty(fn, 'name', { value: spec.name });
  fn[PRIM] = p;
  return fn;
}

export function primOf(fn: unknown): Prim | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as { [PRIM]?: Prim })[PRIM];
}
