/**
 * Footprints of steps, for the partial-order reductions (sleep sets in `exhaustive`, `dpor`).
 *
 * A footprint is a pair of 30-bit masks (read, write) over resources: registered objects and
 * the sleep queues of wait channels (world.ts resourceId), hashed to bits, so distinct
 * resources may share a bit (conservative). What a step touches is what its primitive declares
 * (only read by `load`), what the step measurably wrote (state encodings compared), and the
 * thread's LWKT tokens; a step that spawns a thread conflicts with everything.
 *
 * Reads are recorded exactly: registered objects' fields are accessors (world.ts) and the
 * simulator logs every object a step reads, in its primitive and in the local code after it
 * (Sim.readSet). Writes are measured by comparing encodings. So independence does not rest on
 * SPEC's step rule: a patch that reads shared state without `load` is still handled soundly.
 */
import type { StateCodec } from '../impl/sim/encode.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { objectId, resourceId } from '../impl/sim/world.ts';

export interface Footprint {
  r: number;
  w: number;
}

/** Every step that writes registered state, when visibility is asked for (dpor). */
export const VISIBLE = 1 << 30;
export const ALL: Footprint = { r: -1, w: -1 };

const bit = (id: number): number => 1 << id % 30;

export const conflict = (a: Footprint, b: Footprint): boolean => (a.w & (b.r | b.w)) !== 0 || (b.w & a.r) !== 0;

export function maskOf(objs: object[]): number {
  let m = 0;
  for (const o of objs) {
    const id = resourceId(o);
    m |= id === undefined ? -1 : bit(id);
  }
  return m;
}

function tokenMask(sim: Sim, tid: number): number {
  let m = 0;
  const t = sim.threads[tid];
  if (t) for (const h of t.tokens) m |= bit(objectId(h.tok) ?? 0);
  return m;
}

/** What a thread's pending step declares before it runs. */
export function declared(sim: Sim, tid: number): Footprint {
  const t = sim.threads[tid];
  if (!t || t.done || !t.prim) return { r: 0, w: 0 };
  const m = maskOf(t.prim.touches(t.args!, t, sim));
  const tok = tokenMask(sim, tid);
  return t.prim.kind === 'read' ? { r: m, w: tok } : { r: 0, w: m | tok };
}

/**
 * The footprint of the step thread `tid` just took, from its declared footprint `before`:
 * adds the objects it read (Sim.readSet) and wrote (the codec's last encode compared with its
 * last decode), its tokens now, and everything if it spawned a thread. With `visible`, a step that wrote
 * registered state also takes VISIBLE.
 */
export function taken(sim: Sim, codec: StateCodec, tid: number, before: Footprint, threadsBefore: number, visible: boolean, scratch: number[]): Footprint {
  let r = before.r;
  if (sim.readSet) for (const id of sim.readSet) r |= bit(id);
  let w = before.w | tokenMask(sim, tid);
  const writes = codec.worldWrites(scratch);
  for (const id of writes) w |= bit(id);
  if (visible && writes.length > 0) w |= VISIBLE;
  if (sim.threads.length !== threadsBefore) w = -1;
  return { r, w };
}
