/**
 * Conformance (refinement) checking: every lifecycle event the implementation reports is applied
 * to the object's machine state; the step fails if the event is not enabled there, or if the
 * abstraction of the object afterwards differs from the machine's new state (which also catches
 * an object that changed without reporting an event). The machine state before a step is the
 * abstraction of the object (they agree after every checked step), so it is not stored.
 */
import { getInitialSnapshot } from 'xstate';
import { bio, bioTrack, buf, page, uvn, uvmPage, hammerInode, hammerRecord, flushGroup, traverse, MachineStepper, snapshotToAbstract, stateKey, statesOf, transitionsOf, type AbstractState, type MachineModule } from '../machines/index.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import type { Bio, BioTrack, Buf } from '../impl/env/bio.ts';
import type { VmPage } from '../impl/env/vm.ts';
import { PG_NEED_COMMIT, PQ_FREE } from '../machines/page.ts';
import { B_DELWRI, B_HASHED, B_HEAVY, B_LOCKED, B_MARKER } from '../impl/kernel/sys.ts';
import { LK_KERNPROC } from '../impl/sim/locks.ts';
import type { UvnObject } from '../machines/uvn.ts';
import type { UvmPageObject } from '../machines/uvmPage.ts';
import type { HammerFlushGroup, HammerInode, HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import { syncerVnode, VONWORKLST as SVN_ONWORKLST, VISDIRTY as SVN_ISDIRTY, VOBJDIRTY as SVN_OBJDIRTY, type SyncerVnodeObject } from '../machines/syncerVnode.ts';

/** The b_flags bits the buf machine abstracts. */
const BUF_MACHINE_FLAGS = B_DELWRI | B_HEAVY | B_HASHED | B_LOCKED;

interface Binding {
  machine: MachineModule<never>;
  matches(o: object): boolean;
  /** Everything the abstraction reads, as one string or number (a memo key). */
  raw(o: object): string | number;
}

/** Which machine specifies which implementation objects. */
const bindings: Binding[] = [
  {
    machine: bioTrack as MachineModule<never>,
    matches: (o) => 'bk_active' in o,
    raw: (o) => (o as BioTrack).bk_active,
  },
  {
    machine: bio as MachineModule<never>,
    matches: (o) => 'bio_flags' in o && 'bio_buf' in o,
    raw: (o) => `${(o as Bio).bio_flags}:${(o as Bio).bio_buf.b_cmd}`,
  },
  {
    // Buffer headers; flushbufqueues' markers (B_MARKER) are not buffers (BUF-11).
    machine: buf as MachineModule<never>,
    matches: (o) => 'b_qindex' in o && ((o as Buf).b_flags & B_MARKER) === 0,
    raw: (o) => {
      const bp = o as Buf;
      const owner = bp.b_lock.lk_owner;
      const lk = owner === null ? 0 : owner === LK_KERNPROC ? 2 : 1;
      return `${bp.b_qindex}:${lk}:${bp.b_cmd}:${bp.b_flags & BUF_MACHINE_FLAGS}:${bp.b_refs}`;
    },
  },
  {
    // VM pages of vnode objects; bogus_page (object == null) is not abstracted.
    machine: page as MachineModule<never>,
    matches: (o) => 'busy_count' in o && (o as VmPage).object !== null,
    raw: (o) => {
      const m = o as VmPage;
      return `${m.queue === PQ_FREE ? 1 : 0}:${m.wire_count}:${m.busy === null ? 0 : 1}:${m.busy_count}:${m.valid}:${m.dirty}:${m.flags & PG_NEED_COMMIT}:${m.g_bogus}`;
    },
  },
  {
    // OpenBSD uvm_vnodes (uvm_vnode.c): the flags, the object's counts and the ghosts the abstraction reads.
    machine: uvn as MachineModule<never>,
    matches: (o) => 'u_flags' in o && 'u_obj' in o,
    raw: (o) => {
      const u = o as UvnObject;
      return `${u.u_flags}:${u.u_obj.uo_refs}:${u.u_obj.uo_npages}:${u.u_nio}:${u.g_onWriteableList ? 1 : 0}:${u.g_vnodeDead ? 1 : 0}`;
    },
  },
  {
    // OpenBSD vm_pages of the page pool (env/uvm.ts).
    machine: uvmPage as MachineModule<never>,
    matches: (o) => 'pg_flags' in o && 'g_busyOwner' in o,
    raw: (o) => {
      const pg = o as UvmPageObject;
      return `${pg.pg_flags}:${pg.wire_count}:${pg.uobject === null ? 0 : 1}:${pg.g_busyOwner}:${pg.g_pmapModified ? 1 : 0}`;
    },
  },
  {
    // DragonFly vnodes on a mount with a syncer (vfs_sync.c); a vnode of no modelled mount (the
    // buffer-cache scenarios') is not bound.
    machine: syncerVnode as MachineModule<never>,
    matches: (o) => 'v_flag' in o && 'v_rbdirty_tree' in o && (o as unknown as { v_mount: unknown }).v_mount !== null,
    raw: (o) => {
      const vp = o as SyncerVnodeObject;
      return `${vp.v_flag & (SVN_ONWORKLST | SVN_ISDIRTY | SVN_OBJDIRTY)}:${vp.v_rbdirty_tree.length > 0 ? 1 : 0}:${vp.g_dirtying}:${vp.g_gone ? 1 : 0}`;
    },
  },
  {
    // HAMMER in-memory inodes (hammer_inode.c): the flush state, flags, refs, vnode, trees and group.
    machine: hammerInode as MachineModule<never>,
    matches: (o) => 'rec_tree' in o && 'target_list' in o && 'flush_state' in o,
    raw: (o) => {
      const ip = o as HammerInode;
      const g = ip.flush_group;
      const own = g !== null && ip.rb_flsnode === g && g.flush_tree.includes(ip) ? 1 : 0;
      return `${ip.g_loaded ? 1 : 0}:${ip.flush_state}:${ip.flags}:${ip.sync_flags}:${ip.lock.refs}:${ip.vp === null ? 0 : 1}:${ip.rec_tree.length > 0 ? 1 : 0}:${ip.target_list.length > 0 ? 1 : 0}:${g === null ? 0 : g.running ? 2 : 1}:${ip.rb_flsnode === null ? 0 : 1}:${own}`;
    },
  },
  {
    // HAMMER in-memory records of the record pool (not the transient INODE record, which is not pooled).
    machine: hammerRecord as MachineModule<never>,
    matches: (o) => 'g_key' in o && 'target_ip' in o,
    raw: (o) => {
      const r = o as HammerRecord;
      return `${r.flush_state}:${r.type}:${r.flags}:${r.target_ip === null ? 0 : 1}:${r.flush_group === null ? 0 : r.ip !== null && r.flush_group === r.ip.flush_group ? 2 : 1}`;
    },
  },
  {
    // HAMMER flush groups of the group pool.
    machine: flushGroup as MachineModule<never>,
    matches: (o) => 'flush_tree' in o && 'total_count' in o,
    raw: (o) => {
      const g = o as HammerFlushGroup;
      return `${g.g_allocated ? 1 : 0}:${g.g_done ? 1 : 0}:${g.closed}:${g.running}:${g.flush_tree.length}:${g.refs}`;
    },
  },
];

export interface MachineCoverage {
  states: Set<string>;
  transitions: Set<string>;
}

export type CoverageReport = Record<string, { states: [number, number]; transitions: [number, number] }>;

interface Bound {
  obj: object;
  name: string;
  binding: Binding;
  stepper: MachineStepper;
  memo: Map<string | number, { abs: AbstractState; key: string }>;
  cov: MachineCoverage;
}

const reachable = new WeakMap<object, Set<string>>();
/** The abstract states the machine's traversal reaches (memoised per machine). */
function reachableKeys(mod: MachineModule<never>): Set<string> {
  let r = reachable.get(mod);
  if (!r) reachable.set(mod, (r = new Set(traverse(mod).states.map((s) => s.key))));
  return r;
}

export class Conformance {
  private readonly bound: Bound[] = [];
  private readonly pre: (string | number)[] = [];
  readonly coverage = new Map<string, MachineCoverage>();

  constructor(private readonly sim: Sim) {
    const steppers = new Map<Binding, MachineStepper>();
    const memos = new Map<Binding, Map<string | number, { abs: AbstractState; key: string }>>();
    sim.world.objects.forEach((obj, i) => {
      const binding = bindings.find((b) => b.matches(obj));
      if (!binding) return;
      let stepper = steppers.get(binding);
      if (!stepper) steppers.set(binding, (stepper = new MachineStepper(binding.machine)));
      let memo = memos.get(binding);
      if (!memo) memos.set(binding, (memo = new Map()));
      let cov = this.coverage.get(binding.machine.name);
      if (!cov) this.coverage.set(binding.machine.name, (cov = { states: new Set(), transitions: new Set() }));
      this.bound.push({ obj, name: sim.world.names[i], binding, stepper, memo, cov });
    });
  }

  private abstractOf(b: Bound): { abs: AbstractState; key: string } {
    const raw = b.binding.raw(b.obj);
    let r = b.memo.get(raw);
    if (!r) {
      const abs = b.binding.machine.abstract(b.obj as never);
      r = { abs, key: stateKey(abs) };
      b.memo.set(raw, r);
    }
    return r;
  }

  /**
   * The objects start in their machines' initial states — or, when the scenario booted (ran set-up
   * code to completion before the search, scenarios/bufcache.ts `boot`), in a state the machine
   * can reach.
   */
  checkInitial(): { machine: string; message: string } | null {
    for (const b of this.bound) {
      const init = snapshotToAbstract(b.binding.machine, getInitialSnapshot(b.binding.machine.conformanceMachine));
      const cur = this.abstractOf(b);
      const ok = stateKey(init) === cur.key || (this.sim.options.booted === true && reachableKeys(b.binding.machine).has(cur.key));
      if (!ok) return { machine: b.binding.machine.name, message: `${b.name}: starts as ${cur.key}, but ${b.binding.machine.name} starts in ${stateKey(init)}` };
      b.cov.states.add(cur.abs.value);
    }
    return null;
  }

  beforeStep(): void {
    for (let i = 0; i < this.bound.length; i++) {
      const b = this.bound[i];
      this.pre[i] = b.binding.raw(b.obj);
      if (!b.memo.has(this.pre[i])) this.abstractOf(b);
    }
  }

  /** Checks the step just run; returns a message on a conformance violation. */
  afterStep(): { machine: string; message: string } | null {
    const events = this.sim.events;
    for (let i = 0; i < this.bound.length; i++) {
      const b = this.bound[i];
      let hasEvents = false;
      for (const e of events) if (e.obj === b.obj) hasEvents = true;
      const postRaw = b.binding.raw(b.obj);
      if (!hasEvents && postRaw === this.pre[i]) continue;
      let cur = b.memo.get(this.pre[i])!.abs;
      for (const e of events) {
        if (e.obj !== b.obj) continue;
        const r = b.stepper.step(cur, e.event);
        if (!r.ok) return { machine: b.binding.machine.name, message: `${b.name}: ${r.reason}` };
        b.cov.transitions.add(r.transitionId);
        cur = r.to;
        b.cov.states.add(cur.value);
      }
      const post = this.abstractOf(b);
      if (post.key !== stateKey(cur)) {
        return {
          machine: b.binding.machine.name,
          message: hasEvents
            ? `${b.name}: after the reported events ${b.binding.machine.name} is in ${stateKey(cur)}, but the object abstracts to ${post.key}`
            : `${b.name}: changed from ${stateKey(cur)} to ${post.key} without a lifecycle event`,
        };
      }
    }
    return null;
  }
}

export function coverageTotals(): Record<string, { states: number; transitions: number }> {
  const out: Record<string, { states: number; transitions: number }> = {};
  for (const b of bindings) out[b.machine.name] = { states: statesOf(b.machine).length, transitions: transitionsOf(b.machine).length };
  return out;
}

/** Merges coverage sets into `into`. */
export function mergeCoverage(into: Map<string, MachineCoverage>, from: Map<string, MachineCoverage>): void {
  for (const [m, c] of from) {
    let t = into.get(m);
    if (!t) into.set(m, (t = { states: new Set(), transitions: new Set() }));
    for (const s of c.states) t.states.add(s);
    for (const s of c.transitions) t.transitions.add(s);
  }
}

export function coverageReport(cov: Map<string, MachineCoverage>): CoverageReport {
  const totals = coverageTotals();
  const out: CoverageReport = {};
  for (const [m, c] of cov) out[m] = { states: [c.states.size, totals[m].states], transitions: [c.transitions.size, totals[m].transitions] };
  return out;
}
