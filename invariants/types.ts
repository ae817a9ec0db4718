import type { Sim, Note, Thread } from '../impl/sim/kernel.ts';

export type InvariantKind = 'safety' | 'transition' | 'liveness';

/** A check prepared for one simulator: returns null when it holds, else a readable message. */
export type PreparedCheck = (sim: Sim, notes: readonly Note[]) => string | null;

export interface Invariant {
  /** Catalog id, e.g. 'TRK-01' (ids follow spec/vfs_bio_sync.md §6 where one exists). */
  id: string;
  /** The invariants of a domain apply to the scenarios that list the domain. */
  domain: string;
  kind: InvariantKind;
  statement: string;
  cite: string[];
  /** A confirmed hazard of the unmodified seed that this invariant exposes (SPEC §Hazards). */
  hazard?: string;
  /**
   * safety / transition: find the objects the check needs and return it (null when the
   * scenario has none of them). Safety checks look at the state after every step; transition
   * checks look at the notes the step produced.
   */
  prepare?(sim: Sim): PreparedCheck | null;
  /**
   * liveness, checked as "no deadlock": a deadlock with a thread blocked inside one of these
   * functions is reported as a violation of this invariant.
   */
  blockedIn?: string[];
  /**
   * liveness, optional refinement of blockedIn: a blocked thread inside one of those functions is
   * attributed to this invariant only when this also holds (e.g. it sleeps at one particular line,
   * or on a page nobody will unbusy), so that a deadlock with another cause keeps its own id.
   */
  blockedWhen?: (sim: Sim, t: Thread) => boolean;
}

/** Registered objects that have all the given fields. */
export function objectsWith<T>(sim: Sim, ...fields: string[]): T[] {
  return sim.world.objects.filter((o) => fields.every((f) => f in o)) as T[];
}

/**
 * A thread holds LWKT token `tok` and is running: suspended at a non-blocking primitive, so it is
 * mid-critical-section (LWKT releases a thread's tokens while it waits at a blocking one). The
 * syncer's and HAMMER's quiescence checks skip such states.
 */
export function tokenBusy(sim: Sim, tok: object): boolean {
  for (const t of sim.threads) {
    if (t.done || !t.prim || t.prim.sleeps) continue;
    for (const h of t.tokens) if (h.tok === tok) return true;
  }
  return false;
}
