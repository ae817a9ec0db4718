/**
 * An environment choice the seeds treat as an input: a dependency hook's answer, whether free
 * memory is below the minimum (vm_paging_min), whether an allocation fails. It is a step whose
 * variants are the possible answers, so the explorer tries each (a scheduler choice like any
 * other) and traces name the answer.
 */
import { prim } from './prim.ts';
import type { Thread } from './kernel.ts';

/** nondet(what, n, obj?): a step answering 0..n-1; `obj` is the object the answer is about. */
export const nondet = prim({
  name: 'nondet',
  kind: 'read',
  touches: ([, , obj]: [string, number, object?]) => (obj ? [obj] : []),
  variants: ([, n]: [string, number, object?]) => n,
  exec: (_a: [string, number, object?], _t: Thread, _s: unknown, variant: number) => variant,
});
