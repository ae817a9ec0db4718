/**
 * Helpers of the vnode-pager catalog (invariants/uvn.ts): finding the uvns, reading where each
 * thread is (spec/uvm_vnode.md §5.0's ghost program counters: the innermost frame of a seed
 * function and the uvm_vnode.c line of its current call site), the quiescence predicate [Q] of
 * §5.0, and the temporary reference holders of §3.4.
 */
import { choiceThread, type Sim, type Thread } from '../impl/sim/kernel.ts';
import type { Frame, Proc } from '../impl/compiler/runtime.ts';
import type { UvmVnode, UvnGlobals } from '../impl/kernel/uvm_vnode_state.ts';
import type { UvmGlobals, UvmPage } from '../impl/env/uvm.ts';
import { objectsWith } from './types.ts';

export interface UvnCtx {
  uvns: UvmVnode[];
  /** uvm_vnode.c's globals (uvn_wlist, uvn_sync_q, uvn_sync_lock). */
  g: UvnGlobals | undefined;
  /** UVM's globals (the page pool, the page-queue lock, KERNEL_LOCK). */
  u: UvmGlobals;
  single: boolean;
}

/** The uvns of a vnode-pager scenario, or null (the check does not apply). */
export function uvnCtx(sim: Sim): UvnCtx | null {
  const u = sim.globals.uvm as UvmGlobals | undefined;
  if (!u) return null;
  const uvns = objectsWith<UvmVnode>(sim, 'u_obj', 'u_flags', 'u_nio', 'g_vref');
  if (uvns.length === 0) return null;
  return { uvns, g: sim.globals.uvm_vnode as UvnGlobals | undefined, u, single: uvns.length === 1 };
}

// ------------------------------------------------------------------ frames and seed lines

/** The seed function a frame runs (a patch module's replacement counts as the function it replaces). */
export const fname = (f: Frame): string => f.proc.replaces ?? f.proc.name;

const lineCache = new WeakMap<Proc, Map<number, number>>();
/** The uvm_vnode.c line of the call site a frame is suspended at (the first line of a range), or -1. */
export function line(f: Frame): number {
  let m = lineCache.get(f.proc);
  if (!m) lineCache.set(f.proc, (m = new Map()));
  let n = m.get(f.pc);
  if (n === undefined) {
    const site = f.proc.sites[f.pc];
    const r = site ? /uvm_vnode\.c:(\d+)/.exec(site.cite) : null;
    n = r ? Number(r[1]) : -1;
    m.set(f.pc, n);
  }
  return n;
}

/** The text of the call a frame is suspended at. */
export const siteText = (f: Frame): string => f.proc.sites[f.pc]?.text ?? '';

const slotCache = new WeakMap<Proc, Map<string, number>>();
/** A local of a frame by name (undefined when it is dead at this suspension or does not exist). */
export function local(f: Frame, name: string): unknown {
  let m = slotCache.get(f.proc);
  if (!m) slotCache.set(f.proc, (m = new Map()));
  let i = m.get(name);
  if (i === undefined) {
    i = f.proc.localNames.indexOf(name);
    m.set(name, i);
  }
  return i < 0 ? undefined : f.l[i];
}

/** The uvn a seed frame works on, from its `uvn`, `uobj` or `vp` local; null when none is live. */
export function frameUvn(f: Frame): UvmVnode | null {
  for (const n of ['uvn', 'uobj', 'vp']) {
    const v = local(f, n) as Record<string, unknown> | undefined;
    if (!v || typeof v !== 'object') continue;
    if ('u_flags' in v) return v as unknown as UvmVnode;
    if ('uo_uvn' in v) return v.uo_uvn as UvmVnode;
    if ('v_uvm' in v) return v.v_uvm as UvmVnode;
  }
  return null;
}

/** Does frame f work on uvn (when f's uvn cannot be told, it does iff the scenario has one uvn)? */
export function onUvn(f: Frame, uvn: UvmVnode, c: UvnCtx): boolean {
  const x = frameUvn(f);
  return x === null ? c.single : x === uvn;
}

/** The innermost frame of seed function `fn` in t, or undefined. */
export function frameOf(t: Thread, fn: string): Frame | undefined {
  for (let i = t.frames.length - 1; i >= 0; i--) if (fname(t.frames[i]) === fn) return t.frames[i];
  return undefined;
}

/** The frame t runs right below (called from) `f`, if any. */
export function calleeOf(t: Thread, f: Frame): Frame | undefined {
  const i = t.frames.indexOf(f);
  return i >= 0 ? t.frames[i + 1] : undefined;
}

/** Every live thread with a frame of `fn` on uvn, with that frame. */
export function framesOn(sim: Sim, c: UvnCtx, uvn: UvmVnode, fn: string): [Thread, Frame][] {
  const all = framesOf(sim, fn);
  if (all.length === 0) return all;
  const out: [Thread, Frame][] = [];
  for (const e of all) if (onUvn(e[1], uvn, c)) out.push(e);
  return out;
}

export function countAt(sim: Sim, c: UvnCtx, uvn: UvmVnode, fn: string, lines: readonly number[]): number {
  let n = 0;
  for (const [, f] of framesOf(sim, fn)) if (lines.includes(line(f)) && onUvn(f, uvn, c)) n++;
  return n;
}

// ------------------------------------------------------------------ pages

export const pagesOf = (c: UvnCtx, uvn: UvmVnode): UvmPage[] => c.u.pool.filter((p) => p.uobject === uvn.u_obj);

// ------------------------------------------------------------------ quiescence [Q]

/** Is t inside one of uvn_attach's KL-only critical sections (§5.0: :148-151, :172-182, :184-257)? */
function inAttachSection(sim: Sim, t: Thread, uvn: UvmVnode, c: UvnCtx): boolean {
  const f = frameIn(sim, t, 'uvn_attach');
  if (!f || !onUvn(f, uvn, c)) return false;
  const n = line(f);
  if (n >= 148 && n <= 151) return t.prim?.name !== 'tsleep_wait'; // asleep at :150: KL released, not inside
  return n >= 172 && n <= 257;
}

/** Is t in uvm_vnp_sync's step 2 (:1469-1494: the unlocked, KL-only walk of uvn_wlist)? */
function inSyncStep2(sim: Sim, t: Thread): boolean {
  const f = frameIn(sim, t, 'uvm_vnp_sync');
  if (!f) return false;
  const n = line(f);
  return n >= 1469 && n <= 1494;
}

/**
 * [Q] for U (spec §5.0): nobody holds U's lock or the page-queue lock, and no thread is inside a
 * KL-only critical section that touches U without the object lock (attach's, and uvm_vnp_sync's
 * step 2).
 */
export function quiescent(sim: Sim, c: UvnCtx, uvn: UvmVnode): boolean {
  const l = uvn.u_obj.vmobjlock;
  if (l.rwl_owner !== null || l.rwl_readers > 0) return false;
  if (c.u.pageq.pq_owner !== null) return false;
  const pc = cache(sim);
  let q = pc.quiet.get(uvn);
  if (q === undefined) {
    q = true;
    for (const t of sim.threads) if (!t.done && (inAttachSection(sim, t, uvn, c) || inSyncStep2(sim, t))) q = false;
    pc.quiet.set(uvn, q);
  }
  return q;
}

// ------------------------------------------------------------------ reference holders

/**
 * References of U held temporarily by uvm_vnp_sync (queued at :1493, dropped by the detach at
 * :1520); once that detach is called, it is the detach (waiting at :307) that owns the reference.
 */
export function syncHolds(sim: Sim, c: UvnCtx, uvn: UvmVnode): number {
  if (!c.g) return 0;
  let n = 0;
  for (const t of sim.threads) {
    if (t.done) continue;
    const f = frameIn(sim, t, 'uvm_vnp_sync');
    if (!f) continue;
    const at = line(f);
    if (![1498, 1504, 1517, 1520].includes(at)) continue;
    const i = local(f, 'i') as number | undefined;
    if (typeof i !== 'number') continue;
    const q = c.g.uvn_sync_q;
    for (let j = i + 1; j < q.length; j++) if (q[j] === uvn) n++;
    if (q[i] === uvn && at !== 1520) n++; // at :1520 the detach owns it (a uvn_detach at :307)
  }
  return n;
}

/** References of U held by uvm_vnp_uncache between the revival (:1366) and its detach (:1389). */
export function uncacheHolds(sim: Sim, c: UvnCtx, uvn: UvmVnode): number {
  let n = 0;
  for (const [, f] of framesOn(sim, c, uvn, 'uvm_vnp_uncache')) {
    const at = line(f);
    if (at === 1367 || at === 1388) n++; // at :1389 the detach owns it (a uvn_detach at :307)
  }
  return n;
}

/** Is there an active teardown owner of U (§5.1 UVN-07), or the attach owner? */
export function teardownOwners(sim: Sim, c: UvnCtx, uvn: UvmVnode): Thread[] {
  const out: Thread[] = [];
  for (const [t, f] of framesOn(sim, c, uvn, 'uvn_detach')) {
    const at = line(f);
    if (at === 346 || (at === 360 && (uvn.u_flags & 0x010) !== 0)) out.push(t);
  }
  for (const [t, f] of framesOn(sim, c, uvn, 'uvm_vnp_terminate')) {
    const at = line(f);
    if (at === 472 || at === 494) out.push(t);
  }
  return out;
}

/** Where the attach owner can be suspended: its size query (:213), and on failure the wakeup (:219-220) and the unlocked clear (:221). */
const ALOCK_OWNER_LINES = [213, 219, 221];

/** The attach owners of U: uvn_attach threads between their ALOCK store (:194) and the commit (:238) or the clear (:221). */
export function attachOwners(sim: Sim, c: UvnCtx, uvn: UvmVnode): Thread[] {
  const out: Thread[] = [];
  for (const [t, f] of framesOn(sim, c, uvn, 'uvn_attach')) if (ALOCK_OWNER_LINES.includes(line(f))) out.push(t);
  return out;
}

/** Does t hold KERNEL_LOCK (an LWKT token: still listed while its holder sleeps)? */
export function holdsKL(c: UvnCtx, t: Thread): boolean {
  return t.tokens.some((h) => h.tok === c.u.kernel_lock);
}

/**
 * The thread that ran the last step of sim, and a generation number bumped by every step: the
 * checker checks a state only right after a step (or the initial state), so per-state caches
 * (frames by function, quiescence) are keyed by it. Installed by the first prepare on a sim, by
 * wrapping sim.step. Tests that change a state by hand call `invalidate` before checking it again.
 */
export interface StepBox {
  t: Thread | null;
  gen: number;
}
const steppers = new WeakMap<Sim, StepBox>();
export function stepper(sim: Sim): StepBox {
  let s = steppers.get(sim);
  if (s) return s;
  const box: StepBox = { t: null, gen: 0 };
  s = box;
  steppers.set(sim, box);
  const step = sim.step.bind(sim);
  sim.step = (choice: number) => {
    box.t = sim.threads[choiceThread(choice)] ?? null;
    box.gen++;
    step(choice);
  };
  return box;
}

/** Forget the per-state caches (a test changed the state without a step). */
export function invalidate(sim: Sim): void {
  stepper(sim).gen++;
}

interface PosCache {
  gen: number;
  frames: Map<Thread, Map<string, Frame>>;
  byFn: Map<string, [Thread, Frame][]> | null;
  quiet: Map<UvmVnode, boolean>;
}
const posCaches = new WeakMap<Sim, PosCache>();
function cache(sim: Sim): PosCache {
  const g = stepper(sim).gen;
  let c = posCaches.get(sim);
  if (!c || c.gen !== g) {
    c = { gen: g, frames: new Map(), byFn: null, quiet: new Map() };
    posCaches.set(sim, c);
  }
  return c;
}

const NONE: [Thread, Frame][] = [];
/** The live threads with a frame of seed function `fn` (the innermost one), cached for the current state. */
export function framesOf(sim: Sim, fn: string): [Thread, Frame][] {
  const c = cache(sim);
  if (c.byFn === null) {
    c.byFn = new Map();
    for (const t of sim.threads) {
      if (t.done) continue;
      for (const [name, f] of positions(c, t)) {
        let l = c.byFn.get(name);
        if (!l) c.byFn.set(name, (l = []));
        l.push([t, f]);
      }
    }
  }
  return c.byFn.get(fn) ?? NONE;
}

function positions(c: PosCache, t: Thread): Map<string, Frame> {
  let m = c.frames.get(t);
  if (!m) {
    m = new Map();
    for (const f of t.frames) m.set(fname(f), f); // innermost last: it wins
    c.frames.set(t, m);
  }
  return m;
}

/** frameOf, cached for the current state. */
export function frameIn(sim: Sim, t: Thread, fn: string): Frame | undefined {
  return positions(cache(sim), t).get(fn);
}
