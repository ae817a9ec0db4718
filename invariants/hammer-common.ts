/**
 * Helpers of the HAMMER catalog (invariants/hammer.ts, spec/hammer_inode.md §6): finding the
 * registered structures of impl/kernel/hammer_inode_state.ts, the quiescence predicate of §1.1,
 * the per-thread windows the Q* scopes exclude (read off the threads' frames), the dependency
 * components of HINO-18, the abstract media of HMED, and the end-of-workload predicate of the L
 * invariants.
 *
 * Quiescence (spec §1.1, "Q"): a state is quiescent when no thread is inside a non-blocking
 * critical section of the fs token — i.e. no thread that holds some hmp->fs_token is suspended
 * at a primitive that does not sleep (an LWKT token is released while its holder is suspended at
 * a sleeping primitive, so a holder at a non-sleeping one is mid-critical-section; the same
 * discipline invariants/sync.ts uses for sc_token).
 *
 * Windows ("Q*", transient holders): a thread "works on" an object when one of its live frames
 * of the named seed functions has a local (argument or variable) equal to the object — or, for
 * an inode, a local record whose owner or target is that inode. Kernel frames keep their
 * arguments as locals, so `hammer_sync_inode(trans, ip)` works on ip for its whole duration.
 */
import type { Sim } from '../impl/sim/kernel.ts';
import type { Frame } from '../impl/compiler/runtime.ts';
import {
  HAMMER_FST_IDLE,
  HAMMER_FST_NAMES,
  HAMMER_INODE_MODMASK,
  HAMMER_RECF_ONRBTREE,
  type HammerFlushGroup,
  type HammerGlobals,
  type HammerInode,
  type HammerMount,
  type HammerReclaim,
  type HammerRecord,
} from '../impl/kernel/hammer_inode_state.ts';
import { objectsWith, tokenBusy } from './types.ts';

/** HAMMER_OBJID_ROOT (hammer_disk.h): the PFS root directory, which has one link without a directory entry. */
export const HAMMER_OBJID_ROOT = 1;

export interface HCtx {
  mounts: HammerMount[];
  /** Every registered inode (loaded or not: the media of an obj_id survives the unload). */
  all: HammerInode[];
  records: HammerRecord[];
  groups: HammerFlushGroup[];
  reclaims: HammerReclaim[];
  g: HammerGlobals | undefined;
}

/** The HAMMER structures of a scenario, or null when it has none (the check does not apply). */
export function hctx(sim: Sim): HCtx | null {
  const mounts = objectsWith<HammerMount>(sim, 'rb_inos_root', 'flush_group_list', 'fs_token');
  const all = objectsWith<HammerInode>(sim, 'obj_id', 'rec_tree', 'target_list', 'g_loaded');
  if (mounts.length === 0 && all.length === 0) return null;
  return {
    mounts,
    all,
    records: objectsWith<HammerRecord>(sim, 'g_key', 'target_ip', 'g_child'),
    groups: objectsWith<HammerFlushGroup>(sim, 'flush_tree', 'total_count', 'g_done'),
    reclaims: objectsWith<HammerReclaim>(sim, 'count', 'g_queued'),
    g: sim.globals.hammer as HammerGlobals | undefined,
  };
}

export const loaded = (c: HCtx): HammerInode[] => c.all.filter((ip) => ip.g_loaded);

/** The loaded inodes of mount hmp (ip->hmp; all loaded ones when there is one mount). */
export function inodesOf(c: HCtx, hmp: HammerMount): HammerInode[] {
  if (c.mounts.length <= 1) return loaded(c);
  return loaded(c).filter((ip) => ip.hmp === hmp);
}

/** The mount a group belongs to (the pool it came from), or the only mount. */
export function mountOfGroup(c: HCtx, flg: HammerFlushGroup): HammerMount | undefined {
  if (c.mounts.length <= 1) return c.mounts[0];
  return c.mounts.find((m) => m.g_flg_pool.includes(flg) || m.flush_group_list.includes(flg));
}

/** A record in play: handed out, and inserted in its owner's rec_tree or in a flush state (not NEW, not DEAD). */
export function liveRecord(r: HammerRecord): boolean {
  if (!r.g_allocated) return false;
  return (r.flags & HAMMER_RECF_ONRBTREE) !== 0 || r.flush_state !== HAMMER_FST_IDLE;
}

export const liveRecords = (c: HCtx): HammerRecord[] => c.records.filter(liveRecord);

/** A group handed out and not yet freed. */
export const liveGroup = (g: HammerFlushGroup): boolean => g.g_allocated && !g.g_done;

export const nm = (sim: Sim, o: object | null | undefined): string => (o ? sim.world.nameOf(o) : 'NULL');
export const st = (s: number): string => HAMMER_FST_NAMES[s] ?? String(s);
export const dirty = (ip: HammerInode): boolean => (ip.flags & HAMMER_INODE_MODMASK) !== 0 || ip.sync_flags !== 0;

// ------------------------------------------------------------------ quiescence

/** [Q] (spec §1.1): no thread is inside a non-blocking fs-token critical section of any HAMMER mount. */
export function quiescent(sim: Sim, c: HCtx): boolean {
  for (const m of c.mounts) if (tokenBusy(sim, m.fs_token)) return false;
  return true;
}

// ------------------------------------------------------------------ frames

/** The seed function a frame runs (a patch module's replacement counts as the function it replaces). */
export const fname = (f: Frame): string => f.proc.replaces ?? f.proc.name;

function frameOn(f: Frame, obj: object): boolean {
  for (const v of f.l) {
    if (v === obj) return true;
    if (v !== null && typeof v === 'object' && 'g_key' in v && 'target_ip' in v) {
      const r = v as HammerRecord;
      if (r.ip === obj || r.target_ip === obj) return true;
    }
  }
  return false;
}

/** Does some live thread have a frame of one of `fns` working on `obj` (see the header)? */
export function worksOn(sim: Sim, fns: readonly string[], obj: object): boolean {
  for (const t of sim.threads) {
    if (t.done) continue;
    for (const f of t.frames) if (fns.includes(fname(f)) && frameOn(f, obj)) return true;
  }
  return false;
}

/** Does some live thread have a frame (of any function) with `obj` in a local? (a transient holder) */
export function heldInFrame(sim: Sim, obj: object): boolean {
  for (const t of sim.threads) {
    if (t.done) continue;
    for (const f of t.frames) for (const v of f.l) if (v === obj) return true;
  }
  return false;
}

// ------------------------------------------------------------------ HINO-18 components

/**
 * The dependency component of every loaded inode (spec HINO-18): inodes linked through
 * directory-entry records in either direction (a live record's owner ip and its target_ip).
 * Returns a map inode -> component id.
 */
export function components(c: HCtx): Map<HammerInode, number> {
  const ips = loaded(c);
  const parent = new Map<HammerInode, HammerInode>();
  for (const ip of ips) parent.set(ip, ip);
  const find = (x: HammerInode): HammerInode => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const r of liveRecords(c)) {
    if (!r.ip || !r.target_ip || !parent.has(r.ip) || !parent.has(r.target_ip)) continue;
    const a = find(r.ip);
    const b = find(r.target_ip);
    if (a !== b) parent.set(a, b);
  }
  const ids = new Map<HammerInode, number>();
  const roots = new Map<HammerInode, number>();
  for (const ip of ips) {
    const root = find(ip);
    if (!roots.has(root)) roots.set(root, roots.size);
    ids.set(ip, roots.get(root)!);
  }
  return ids;
}

// ------------------------------------------------------------------ end of workload (L)

/**
 * The L invariants' evaluation point (spec §6, context "Liveness"): every non-daemon thread has
 * finished, the flusher of the mount waits with nothing startable (hmp.g_flusher_idle, kept by
 * the flusher environment), and no daemon has work in hand — each live daemon is either unable to
 * step or still queued in a sleep that only its timeout would end (a woken or running daemon,
 * e.g. the vfs syncer mid-iteration, may still close a group or flush an inode).
 */
export function workloadEnded(sim: Sim, hmp: HammerMount): boolean {
  if (!sim.allDone() || !hmp.g_flusher_idle) return false;
  for (const t of sim.threads) {
    if (t.done || !t.daemon || !t.prim) continue;
    const queued = t.prim.kind === 'sleep' && t.args !== null && t.interlock !== null && t.interlock === t.args[0];
    if (!queued && sim.isEnabled(t)) return false;
  }
  return true;
}

