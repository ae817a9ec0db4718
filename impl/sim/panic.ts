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
