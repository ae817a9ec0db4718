/**
 * The vnode-pager invariant catalog (invariants/uvn.ts, spec/uvm_vnode.md §5): the three default
 * scenarios explore without any of them firing, and each one fires on a crafted state (or crafted
 * notes, or a thread placed at a seed line) that breaks it.
 */
import { describe, it, expect } from 'vitest';
import { getScenario } from '../scenarios/index.ts';
import { buildSim } from '../explorer/setup.ts';
import { Checker } from '../explorer/checker.ts';
import { uvnInvariants } from '../invariants/uvn.ts';
import { stepper, invalidate } from '../invariants/uvn-common.ts';
import { getInvariant } from '../invariants/index.ts';
import { UVN_DOMAINS } from '../scenarios/uvn.ts';
import { craftedIds, uvnCraftedIds } from './fixtures/crafted.ts';
import { run } from './helpers.ts';
import type { Sim, Thread, Note } from '../impl/sim/kernel.ts';
import type { Frame } from '../impl/compiler/runtime.ts';
import type { UvmVnode, UvnGlobals } from '../impl/kernel/uvm_vnode_state.ts';
import {
  UVM_VNODE_VALID,
  UVM_VNODE_CANPERSIST,
  UVM_VNODE_ALOCK,
  UVM_VNODE_DYING,
  UVM_VNODE_RELKILL,
  UVM_VNODE_WANTED,
  UVM_VNODE_VNISLOCKED,
  UVM_VNODE_IOSYNC,
  UVM_VNODE_IOSYNCWANTED,
  UVM_VNODE_WRITEABLE,
} from '../impl/kernel/uvm_vnode_state.ts';
import {
  PG_BUSY,
  PG_WANTED,
  PG_CLEAN,
  PG_RELEASED,
  PG_FAKE,
  MAPPING_WRITE,
  OWNER_PAGEOUT,
  PGO_CLEANIT,
  PGO_SYNCIO,
  PGO_DEACTIVATE,
  VM_PAGER_AGAIN,
  type UvmGlobals,
  type UvmPage,
} from '../impl/env/uvm.ts';
import { EBUSY } from '../impl/sim/errno.ts';

const ours = new Set(uvnInvariants.map((i) => i.id));

describe('uvn catalog', () => {
  it('has unique ids, all registered, at least 45 in uvn/upg/uenv, each a check or a deadlock attribution', () => {
    expect(ours.size).toBe(uvnInvariants.length);
    expect(uvnInvariants.filter((i) => UVN_DOMAINS.includes(i.domain)).length).toBeGreaterThanOrEqual(45);
    for (const i of uvnInvariants) {
      expect(getInvariant(i.id)).toBe(i);
      expect(['uvn', 'upg', 'uenv', 'uvn-strict']).toContain(i.domain);
      expect(!!i.prepare || !!i.blockedIn).toBe(true);
      if (i.kind === 'liveness') expect(i.blockedIn?.length).toBeGreaterThan(0);
    }
    // §5's ids, each present (ENV-05 is static configuration: out of scope)
    for (let n = 1; n <= 36; n++) expect(ours.has(`UVN-${String(n).padStart(2, '0')}`), `UVN-${n}`).toBe(true);
    for (let n = 1; n <= 14; n++) expect(ours.has(`UPG-${String(n).padStart(2, '0')}`), `UPG-${n}`).toBe(true);
    for (const id of ['ENV-01', 'ENV-02', 'ENV-03', 'ENV-04', 'ENV-06', 'UDUR-01', 'UVN-22b']) expect(ours.has(id), id).toBe(true);
  });
});

describe('the default uvn scenarios pass every uvn/upg/uenv invariant', () => {
  const runs: [string, Record<string, number>][] = [
    ['uvn-terminate', { async: 1, attacher: 1 }],
    ['uvn-terminate', { async: 0, attacher: 1 }],
    ['uvn-sync', { persist: 0, attacher: 1 }],
    ['uvn-sync', { persist: 1, attacher: 1 }],
    ['uvn-lifecycle', { daemon: 0 }],
  ];
  for (const [name, params] of runs) {
    it(`${name} ${JSON.stringify(params)}`, async () => {
      const r = await run(name, params);
      expect(r.violation).toBeNull();
      expect(r.complete).toBe(true);
    }, 120_000);
  }

  it('uvn-terminate async=1 takes the RELKILL-cancel exit: UVN-22 exempts its leak, the strict UVN-22b (hazard F9) reports it', async () => {
    const s = getScenario('uvn-terminate')!;
    const strict = { ...s, domains: [...UVN_DOMAINS, 'uvn-strict'] };
    const { explore } = await import('../explorer/explore.ts');
    const r = await explore(
      { scenario: strict, params: { async: 1, attacher: 0 }, cpus: s.defaultCpus, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null, patch: null },
      { timeLimit: null, abort: { aborted: false } },
    );
    expect(r.violation?.id).toBe('UVN-22b');
    expect(r.violation?.message).toMatch(/F9/);
  }, 60_000);
});

// ------------------------------------------------------------------------------- crafted states

interface X {
  sim: Sim;
  uvn: UvmVnode;
  pg: UvmPage;
  g: UvnGlobals;
  u: UvmGlobals;
  t: Thread;
  t2: Thread;
}

/** uvn-sync at its defaults, before any step: a writable mapping, page 0 stored to (dirty), the uvn VALID|CANPERSIST|WRITEABLE. */
function fresh(scenario = 'uvn-sync'): X {
  const s = getScenario(scenario)!;
  const p: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) p[k] = spec.default;
  const sim = buildSim({ scenario: s, params: p, cpus: s.defaultCpus, patch: null });
  const uvn = sim.world.objects.find((o) => 'u_nio' in o && 'g_vref' in o) as UvmVnode;
  const u = sim.globals.uvm as UvmGlobals;
  const pg = u.pool[0];
  const live = sim.threads.filter((t) => !t.done); // (set-up threads ran to completion at boot)
  return { sim, uvn, pg, u, g: sim.globals.uvm_vnode as UvnGlobals, t: live[0], t2: live[1] };
}

function check(sim: Sim, id: string, notes: Note[] = []): string | null {
  const inv = uvnInvariants.find((i) => i.id === id)!;
  const c = inv.prepare!(sim);
  expect(c, id).not.toBeNull();
  invalidate(sim); // the state was changed by hand, not by a step
  return c!(sim, notes);
}

/** A frame of seed function `fn` suspended at uvm_vnode.c:`line`, with the given locals (a thread placed at a seed line). */
function frame(fn: string, line: number, locals: Record<string, unknown> = {}): Frame {
  const names = Object.keys(locals);
  return {
    proc: { name: fn, file: 'impl/kernel/uvm_vnode.ts', line: 0, cite: '', nparams: 0, localNames: names, live: {}, sites: { 0: { line: 0, cite: `uvm_vnode.c:${line}`, text: fn } }, run: () => 0, id: -1, fn: () => 0 },
    pc: 0,
    l: names.map((n) => locals[n]),
    ret: undefined,
    rv: undefined,
    callee: null,
    args: null,
  } as unknown as Frame;
}
const place = (t: Thread, f: Frame): void => void t.frames.push(f);
const note = (kind: string, thread: Thread, data: Record<string, unknown>): Note[] => [{ kind, thread, data }];

type Mutation = (x: X) => Note[] | void;
const cases: [string, Mutation][] = [
  ['UVN-01', ({ uvn }) => void (uvn.u_flags |= UVM_VNODE_ALOCK)],
  ['UVN-02', ({ uvn }) => void (uvn.u_flags = UVM_VNODE_WANTED)],
  ['UVN-03', ({ uvn }) => void (uvn.u_flags = UVM_VNODE_ALOCK)],
  ['UVN-04', ({ uvn }) => void (uvn.u_flags = 0)],
  ['UVN-05', ({ uvn }) => void (uvn.u_flags |= UVM_VNODE_DYING | UVM_VNODE_RELKILL)],
  ['UVN-06', ({ uvn }) => { uvn.u_obj.uo_refs = 0; uvn.u_flags = UVM_VNODE_VALID | UVM_VNODE_RELKILL; }],
  ['UVN-07', ({ uvn }) => void (uvn.u_flags |= UVM_VNODE_DYING)],
  ['UVN-08', ({ uvn }) => void (uvn.u_flags |= UVM_VNODE_VNISLOCKED)],
  ['UVN-09', ({ uvn }) => { uvn.u_obj.uo_refs = 0; uvn.u_flags &= ~UVM_VNODE_CANPERSIST; }],
  ['UVN-10', ({ uvn }) => void (uvn.u_flags &= ~UVM_VNODE_WRITEABLE)],
  ['UVN-11', ({ uvn }) => void (uvn.u_flags = UVM_VNODE_WRITEABLE)],
  ['UVN-12', ({ uvn }) => { uvn.u_flags = 0; uvn.u_obj.uo_refs = 0; uvn.g_onWriteableList = false; }],
  ['UVN-13', ({ uvn }) => void (uvn.u_nio = 1)],
  ['UVN-14', ({ uvn }) => void (uvn.u_nio = 1)],
  ['UVN-15', ({ uvn }) => void (uvn.u_flags |= UVM_VNODE_IOSYNCWANTED)],
  ['UVN-16', ({ uvn, t }) => void (t.interlock = uvn.g_nioChan)],
  ['UVN-17', ({ uvn, t }) => void (t.interlock = uvn.g_flagsChan)],
  ['UVN-18', ({ uvn, t }) => { uvn.u_flags |= UVM_VNODE_IOSYNC; t.interlock = uvn.g_nioChan; }],
  ['UVN-19', ({ uvn, t }) => place(t, frame('uvm_vnp_terminate', 494, { uvn }))],
  ['UVN-20', ({ sim, uvn, t }) => { t.interlock = uvn.g_flagsChan; sim.events.push({ obj: uvn, event: 'UVN_TERMINATE_FREE' }); }],
  ['UVN-21', ({ uvn, t }) => note('uvn_nio_inc', t, { uvn, flags: UVM_VNODE_VALID | UVM_VNODE_IOSYNC })],
  ['UVN-22', ({ uvn }) => void (uvn.g_vref = 0)],
  ['UVN-23', ({ uvn, t }) => note('uvn_refs_raised', t, { uvn, site: 'uvm_vnode.c:1491', refs: 1, flags: UVM_VNODE_VALID | UVM_VNODE_DYING, checkedUnblocked: true })],
  ['UVN-24', ({ uvn, t }) => note('uvn_refs_dropped', t, { uobj: uvn.u_obj, refs: -1 })],
  ['UVN-25', ({ uvn, t }) => note('uvn_refs_raised', t, { uvn, site: 'uvm_vnode.c:171', refs: 1, flags: UVM_VNODE_VALID | UVM_VNODE_DYING, checkedUnblocked: false })],
  ['UVN-26', ({ uvn, t, t2 }) => { place(t, frame('uvn_detach', 307, { uobj: uvn.u_obj })); place(t2, frame('uvn_reference', 286, { uobj: uvn.u_obj })); }],
  ['UVN-27', ({ uvn }) => void (uvn.u_size = 0)],
  ['UVN-28', ({ uvn, t }) => note('uvn_unlocked_write', t, { uvn, site: 'uvm_vnode.c:194', kl: false })],
  ['UVN-29', ({ uvn, t }) => { uvn.u_obj.vmobjlock.rwl_owner = t; return note('uvn_vrele', t, { uvn, vp: uvn.u_vnode }); }],
  ['UVN-30', ({ u, t }) => { u.pageq.pq_owner = t; t.prim = { name: 'tsleep_wait', kind: 'sleep', sleeps: true } as unknown as Thread['prim']; }],
  ['UVN-31', ({ t, t2 }) => { place(t, frame('uvm_vnp_sync', 1504)); place(t2, frame('uvm_vnp_sync', 1504)); }],
  ['UVN-32', ({ uvn, t }) => void (t.interlock = uvn)],
  ['UVN-33', ({ uvn, t }) => note('uvn_io_return', t, { uvn, flags: PGO_SYNCIO, result: VM_PAGER_AGAIN })],
  ['UVN-34', ({ uvn, t }) => place(t, frame('uvn_flush', 641, { uvn, flags: PGO_DEACTIVATE }))],
  ['UVN-35', ({ uvn, t }) => note('uvn_detach_flushed', t, { uvn, npages: 1 })],
  ['UVN-36', ({ uvn }) => void (uvn.u_flags &= ~UVM_VNODE_WRITEABLE)],
  ['UPG-01', ({ pg }) => void (pg.pg_flags |= PG_RELEASED)],
  ['UPG-02', ({ pg }) => void (pg.pg_flags |= PG_WANTED)],
  ['UPG-03', ({ pg, t }) => void (t.interlock = pg)],
  ['UPG-04', ({ pg }) => void (pg.pg_flags |= PG_FAKE)],
  ['UPG-05', ({ pg }) => void (pg.pg_flags |= PG_BUSY)],
  ['UPG-06', ({ pg, t, t2 }) => note('uvm_pageclean', t, { pg, busy: true, owner: t2, by: t, data: pg.g_data, tainted: false })],
  ['UPG-07', ({ pg, t }) => note('uvm_pagedeactivate', t, { pg, wired: true, busy: false, inactive: false })],
  ['UPG-08', ({ uvn, pg, t }) => place(t, frame('uvn_flush', 641, { uvn, flags: PGO_CLEANIT, dead: [pg] }))],
  ['UPG-09', ({ pg, t }) => { pg.pg_flags |= PG_BUSY; pg.g_busyOwner = OWNER_PAGEOUT; pg.g_owner = t; pg.g_mapping = MAPPING_WRITE; }],
  ['UPG-10', ({ pg }) => { pg.pg_flags |= PG_CLEAN; pg.g_pmapModified = false; }],
  ['UPG-11', ({ pg, t }) => note('uvm_pageclean', t, { pg, busy: false, owner: null, by: t, data: pg.g_data, tainted: false })],
  ['UPG-12', ({ uvn, pg, t }) => { uvn.u_size = 0; place(t, frame('uvm_pager_put', -1, { pg })); }],
  ['UPG-13', ({ uvn, t }) => { uvn.u_nio = 1; return note('uvn_flush_return', t, { uvn, flags: PGO_CLEANIT | PGO_SYNCIO, finalFlags: PGO_CLEANIT | PGO_SYNCIO, retval: true, need_iosync: true }); }],
  ['UPG-14', ({ pg, t }) => note('pmap_clear_modify', t, { pg, busy: false, mapping: MAPPING_WRITE })],
  ['UDUR-01', ({ pg }) => { pg.pg_flags |= PG_CLEAN; pg.g_pmapModified = false; }],
  ['ENV-01', ({ uvn, t }) => note('vref', t, { vp: uvn.u_vnode, usecount: 1, kl: false })],
  ['ENV-02', ({ uvn, t }) => place(t, frame('uvn_io', 1246, { uvn }))],
  ['ENV-03', ({ uvn, t }) => place(t, frame('uvm_vnp_terminate', 472, { uvn }))],
  ['ENV-04', ({ uvn, t }) => place(t, frame('uvn_io', 1245, { uvn, result: EBUSY }))],
  ['ENV-06', ({ uvn }) => void (uvn.g_vref = uvn.u_vnode.v_usecount + 1)],
];

describe('each uvn invariant fires on a crafted violating state', () => {
  it('the fixture lists exactly these cases (the catalog test relies on it)', () => {
    const all = cases.map((c) => c[0]);
    all.push('UVN-22b');
    expect([...uvnCraftedIds].sort()).toEqual([...new Set(all)].sort());
    // every invariant of the catalog is crafted here
    for (const id of ours) expect(uvnCraftedIds, id).toContain(id);
  });
  for (const [id, mutate] of cases) {
    it(id, () => {
      const x = fresh();
      expect(check(x.sim, id), `${id} holds before the mutation`).toBeNull();
      const notes = mutate(x) ?? [];
      const m = check(x.sim, id, notes);
      expect(typeof m, `${id} fires`).toBe('string');
      craftedIds.add(id);
    });
  }

  it('UVN-22b: strict where UVN-22 exempts the F9 leak of a terminated vnode', () => {
    const x = fresh();
    expect(check(x.sim, 'UVN-22b')).toBeNull();
    x.uvn.g_vref = 2; // one reference more than refs 1 accounts for
    expect(check(x.sim, 'UVN-22')).toMatch(/holds 2 vnode reference/);
    x.uvn.u_vnode.g_dead = true; // ... on a vnode vclean has cleaned: F9's leak
    expect(check(x.sim, 'UVN-22')).toBeNull();
    expect(check(x.sim, 'UVN-22b')).toMatch(/F9/);
    craftedIds.add('UVN-22b');
  });

  it('UVN-28: an event of U by a thread that does not hold U\'s lock', () => {
    const x = fresh();
    const who = stepper(x.sim);
    who.t = x.t;
    x.sim.events.push({ obj: x.uvn, event: 'UVN_IO_DONE' });
    expect(check(x.sim, 'UVN-28')).toMatch(/without holding its object lock/);
    x.uvn.u_obj.vmobjlock.rwl_owner = x.t;
    expect(check(x.sim, 'UVN-28')).toBeNull();
  });

  it('[Q] checks wait while U\'s lock is held', () => {
    const x = fresh();
    x.uvn.u_flags = 0;
    expect(check(x.sim, 'UVN-04')).toMatch(/VALID clear/);
    x.uvn.u_obj.vmobjlock.rwl_owner = x.t;
    expect(check(x.sim, 'UVN-04')).toBeNull();
  });
});

describe('liveness: deadlocks are attributed by where the thread sleeps', () => {
  const inv = (id: string) => uvnInvariants.find((i) => i.id === id)!;

  it('UVN-18: asleep on &u_nio with u_nio 0 (but not with I/O in flight)', () => {
    const x = fresh();
    place(x.t, frame('uvn_detach', 360, { uobj: x.uvn.u_obj }));
    x.t.interlock = x.uvn.g_nioChan;
    expect(inv('UVN-18').blockedWhen!(x.sim, x.t)).toBe(true);
    x.uvn.u_nio = 1;
    expect(inv('UVN-18').blockedWhen!(x.sim, x.t)).toBe(false);
  });

  it('UVN-17(b): asleep in uvn_io\'s IOSYNC wait (:1165), not in its vn_lock (F13 keeps SIM-01)', () => {
    const x = fresh();
    place(x.t, frame('uvn_io', 1165, { uvn: x.uvn }));
    expect(inv('UVN-17').blockedWhen!(x.sim, x.t)).toBe(true);
    x.t.frames.pop();
    place(x.t, frame('uvn_io', 1235, { uvn: x.uvn }));
    expect(inv('UVN-17').blockedWhen!(x.sim, x.t)).toBe(false);
  });

  it('UVN-32: an attach asleep on a uvn that is not BLOCKED, or that nobody is tearing down', () => {
    const x = fresh();
    place(x.t, frame('uvn_attach', 150, { uvn: x.uvn }));
    expect(inv('UVN-32').blockedWhen!(x.sim, x.t)).toBe(true);
    x.uvn.u_flags |= UVM_VNODE_DYING | UVM_VNODE_WANTED;
    place(x.t2, frame('uvm_vnp_terminate', 494, { uvn: x.uvn }));
    expect(inv('UVN-32').blockedWhen!(x.sim, x.t)).toBe(false);
  });

  it('UPG-03: asleep on a page nobody will unbusy', () => {
    const x = fresh();
    x.t.interlock = x.pg;
    expect(inv('UPG-03').blockedWhen!(x.sim, x.t)).toBe(true);
    x.pg.pg_flags |= PG_BUSY | PG_WANTED;
    x.pg.g_busyOwner = OWNER_PAGEOUT;
    x.pg.g_owner = x.t2;
    expect(inv('UPG-03').blockedWhen!(x.sim, x.t)).toBe(false);
  });

  it('the checker uses blockedWhen: a deadlock in uvn_io outside its IOSYNC wait is SIM-01', () => {
    const x = fresh();
    for (const t of x.sim.threads) t.done = true;
    x.t.done = false;
    x.t.prim = { name: 'vn_xlock_sleep', kind: 'sleep', sleeps: true, enabled: () => false, variants: () => 1 } as unknown as Thread['prim'];
    x.t.args = [];
    place(x.t, frame('uvn_io', 1235, { uvn: x.uvn }));
    const checker = new Checker(x.sim, UVN_DOMAINS);
    expect(checker.deadlock()?.id).toBe('SIM-01');
    x.t.frames.pop();
    place(x.t, frame('uvn_io', 1165, { uvn: x.uvn }));
    expect(checker.deadlock()?.id).toBe('UVN-17');
  });
});

