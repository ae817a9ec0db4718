/**
 * Builders of the HAMMER catalog's checks (invariants/hammer*.ts): per-inode / per-record /
 * per-mount state checks with the [Q] scope, note checks, and end-of-workload checks.
 */
import type { Sim, Note, Thread } from '../impl/sim/kernel.ts';
import type { HammerInode, HammerMount, HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import type { PreparedCheck } from './types.ts';
import { hctx, loaded, liveRecords, quiescent, workloadEnded, nm, type HCtx } from './hammer-common.ts';

export type Prep = (sim: Sim) => PreparedCheck | null;

/** A check of the whole state; `q` restricts it to quiescent states. */
export function state(q: boolean, what: (sim: Sim, c: HCtx) => string | null): Prep {
  return (sim) => {
    const c = hctx(sim);
    if (!c) return null;
    return (s) => (q && !quiescent(s, c) ? null : what(s, c));
  };
}

/** A check of every loaded inode; `q` restricts it to quiescent states. */
export function eachInode(q: boolean, what: (sim: Sim, c: HCtx, ip: HammerInode) => string | null): Prep {
  return state(q, (s, c) => {
    for (const ip of loaded(c)) {
      const m = what(s, c, ip);
      if (m) return `${nm(s, ip)}: ${m}`;
    }
    return null;
  });
}

/** A check of every live record (handed out, inserted or in a flush state). */
export function eachRecord(q: boolean, what: (sim: Sim, c: HCtx, r: HammerRecord) => string | null): Prep {
  return state(q, (s, c) => {
    for (const r of liveRecords(c)) {
      const m = what(s, c, r);
      if (m) return `${nm(s, r)}: ${m}`;
    }
    return null;
  });
}

/** A check of every mount. */
export function eachMount(q: boolean, what: (sim: Sim, c: HCtx, hmp: HammerMount) => string | null): Prep {
  return state(q, (s, c) => {
    for (const hmp of c.mounts) {
      const m = what(s, c, hmp);
      if (m) return `${nm(s, hmp)}: ${m}`;
    }
    return null;
  });
}

/** A transition check on the notes of the given kinds (the state is the one after the step). */
export function onNote(kinds: string[], what: (sim: Sim, c: HCtx, d: Record<string, unknown>, t: Thread, n: Note, all: readonly Note[]) => string | null): Prep {
  return (sim) => {
    const c = hctx(sim);
    if (!c) return null;
    return (s, notes) => {
      for (const n of notes) {
        if (!kinds.includes(n.kind)) continue;
        const m = what(s, c, n.data, n.thread, n, notes);
        if (m) return `${n.kind} (${n.thread.name}): ${m}`;
      }
      return null;
    };
  };
}

/** A state check and a note check in one invariant ("safety Q + T" items of §6). */
export function both(a: Prep, b: Prep): Prep {
  return (sim) => {
    const x = a(sim);
    const y = b(sim);
    if (!x && !y) return null;
    return (s, notes) => (x ? x(s, notes) : null) ?? (y ? y(s, notes) : null);
  };
}

/** An end-of-workload check (the L invariants): applies to a mount once its workload ended. */
export function atEnd(what: (sim: Sim, c: HCtx, hmp: HammerMount) => string | null): Prep {
  return state(false, (s, c) => {
    for (const hmp of c.mounts) {
      if (!workloadEnded(s, hmp)) continue;
      const m = what(s, c, hmp);
      if (m) return `at the end of the workload (every thread done, the flusher idle): ${m}`;
    }
    return null;
  });
}

/** A value a note carries as of its emission, else the object's current one (after the step). */
export function at<T>(d: Record<string, unknown>, key: string, now: T): T {
  return key in d && d[key] !== undefined ? (d[key] as T) : now;
}

/**
 * The value of `key` carried by the first note after `n` in the same step that concerns the same
 * inode and carries it (e.g. hino_core_enter's `state`, hino_free's `refs`): the inode's value at
 * `n`, when nothing between changed it. Undefined when no such note follows.
 */
export function later(all: readonly Note[], n: Note, kinds: string[], key: string): unknown {
  const ip = n.data.ip;
  for (let i = all.indexOf(n) + 1; i < all.length; i++) {
    const m = all[i];
    if (kinds.includes(m.kind) && m.data.ip === ip && key in m.data && m.data[key] !== undefined) return m.data[key];
  }
  return undefined;
}
