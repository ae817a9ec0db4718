'use kernel';
/**
 * The device: I/O requests complete by interrupt, at any later step and in any order among
 * the pending ones, and may fail with EIO when the scenario injects faults
 * (options.ioErrors). Starting an I/O spawns the interrupt thread that will deliver it; its
 * first step is the completion itself (a scheduler choice with a success and, with faults, an
 * error variant), after which it runs the completion routine (e.g. biodone) like any thread.
 * The device knows nothing about buffers: a request is any registered object.
 */
import { prim, type Kernel } from './prim.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import type { Sim, Thread } from './kernel.ts';
import { EIO } from './errno.ts';

export interface Device {
  d_inflight: number;
  d_completed: number;
}
export const newDevice = (): Device => ({ d_inflight: 0, d_completed: 0 });

/** The CPU interrupts are delivered on: options.intrCpu, else the last CPU. */
function intrCpu(sim: Sim): number {
  const c = sim.options.intrCpu;
  return typeof c === 'number' ? c : sim.ncpus - 1;
}

/** Queue `req` on `dev`; its completion will run `done(req, error)` in interrupt context. */
export const dev_start = prim({
  name: 'dev_start',
  kind: 'device',
  touches: ([dev]: [Device, object, KernelFunction]) => [dev],
  exec: ([dev, req, done]: [Device, object, KernelFunction], _t: Thread, sim: Sim) => {
    dev.d_inflight++;
    sim.spawn(`intr(${sim.world.nameOf(req)})`, intrCpu(sim), dev_intr as unknown as KernelFunction, [dev, req, done], { intr: true });
  },
});

/** The interrupt: the request completes, with EIO in the error variant. */
export const dev_complete = prim({
  name: 'dev_complete',
  kind: 'device',
  touches: ([dev]: [Device, object]) => [dev],
  variants: (_a: [Device, object], _t: Thread, sim: Sim) => (sim.options.ioErrors ? 2 : 1),
  variantNames: ['ok', 'EIO'],
  exec: ([dev]: [Device, object], _t: Thread, _sim: Sim, variant: number) => {
    dev.d_inflight--;
    dev.d_completed++;
    return variant === 1 ? EIO : 0;
  },
});

/** Body of an interrupt thread. */
export function* dev_intr(dev: Device, req: object, done: (req: object, error: number) => Kernel<void>): Kernel<void> {
  const error = yield* dev_complete(dev, req);
  yield* done(req, error);
}
