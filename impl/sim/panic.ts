/**
 * Panics and assertions. Every KASSERT / KKASSERT / panic of the modelled code is a call here
 * with its seed citation; a failed one stops the run with a `panic` violation.
 */

export class KernelPanic extends Error {
  constructor(
    readonly cite: string,
    message: string,
  ) {
    super(message);
    this.name = 'KernelPanic';
  }
}

/**
 * Not a kernel panic: the model itself failed — a patch module threw, or kernel code reached a
 * path the model does not cover yet. Reported as one line (bad input when a patch is loaded).
 */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** A path of a seed function the model does not implement yet (say where, with the seed lines). */
export function unmodelled(where: string, message: string): never {
  throw new ModelError(`${where}: not modelled yet: ${message}`);
}

/** panic(fmt, ...) — cite is the seed line, e.g. 'vfs_bio.c:549'. */
export function panic(cite: string, message: string): never {
  throw new KernelPanic(cite, `panic: ${message}`);
}

/** KASSERT(cond, (msg)) at `cite`. */
export function KASSERT(cond: unknown, cite: string, message: string): void {
  if (!cond) throw new KernelPanic(cite, `KASSERT failed: ${message}`);
}

/** KKASSERT(cond) at `cite`; `expr` is the asserted C expression, for the report. */
export function KKASSERT(cond: unknown, cite: string, expr: string): void {
  if (!cond) throw new KernelPanic(cite, `KKASSERT failed: ${expr}`);
}
