/**
 * The syncer (vfs_sync.c, issue 6): its invariant catalog fires where it should and nowhere else,
 * the syncerVnode machine is fully covered, the hazards' other parts reproduce, and the seed's
 * sysctl clamp holds. The default-scenario runs (exhaustive, POR, fc) are in test/explore.test.ts,
 * the mutants M36-M44 in test/mutants.test.ts, A-3/A-10/A-11 in test/hazards.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { getScenario } from '../scenarios/index.ts';
import { buildSim } from '../explorer/setup.ts';
import { explore, unionCoverage } from '../explorer/explore.ts';
import { syncInvariants } from '../invariants/sync.ts';
import { getInvariant } from '../invariants/index.ts';
import { craftedIds, syncCraftedIds } from './fixtures/crafted.ts';
import { ctl } from './helpers.ts';
import type { Sim, Note } from '../impl/sim/kernel.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { StandinInode } from '../impl/env/syncer_vops.ts';
import { sysctl_kern_syncdelay } from '../impl/kernel/vfs_sync.ts';
import { VISDIRTY, VONWORKLST, slotOf, type Mount, type SyncerCtx, type VfsSync } from '../impl/kernel/vfs_sync_state.ts';

async function run(name: string, params: Record<string, number> = {}) {
  const s = getScenario(name)!;
  const p: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) p[k] = params[k] ?? spec.default;
  return explore({ scenario: s, params: p, cpus: s.defaultCpus, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: null }, ctl());
}

interface Fresh {
  sim: Sim;
  g: VfsSync;
  mp: Mount;
  ctx: SyncerCtx;
  vp: Vnode;
  syncvp: Vnode;
}

/** A booted `syncer` simulator: the mount, its ctx and wheel, the syncer vnode (slot 16) and the vnode. */
function fresh(): Fresh {
  const s = getScenario('syncer')!;
  const p: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) p[k] = spec.default;
  const sim = buildSim({ scenario: s, params: p, cpus: s.defaultCpus, patch: null });
  const mp = sim.world.objects.find((o) => 'mnt_syncer_ctx' in o) as Mount;
  const vp = sim.world.objects.find((o) => 'v_flag' in o && (o as Vnode).v_data !== null) as Vnode;
  return { sim, g: sim.globals.vfs_sync as VfsSync, mp, ctx: mp.mnt_syncer_ctx!, vp, syncvp: mp.mnt_syncer! };
}

function check(x: Fresh, id: string, notes: Note[] = []): string | null {
  const inv = syncInvariants.find((i) => i.id === id)!;
  const c = inv.prepare!(x.sim);
  expect(c, id).not.toBeNull();
  return c!(x.sim, notes);
}

const note = (x: Fresh, kind: string, data: Record<string, unknown>): Note => ({ kind, thread: x.sim.threads[0], data });

describe('sync catalog', () => {
  it('has at least 20 syncer invariants, unique, registered, each with a check', () => {
    const ids = new Set(syncInvariants.map((i) => i.id));
    expect(ids.size).toBe(syncInvariants.length);
    expect(syncInvariants.length).toBeGreaterThanOrEqual(20);
    for (const i of syncInvariants) {
      expect(getInvariant(i.id)).toBe(i);
      expect(['sync', 'sync-comments']).toContain(i.domain);
      expect(i.kind === 'liveness' ? !!i.blockedIn : !!i.prepare).toBe(true);
    }
    // The two seed comments the seed does not keep are A-11's, in a domain only its scenario lists.
    for (const id of ['SYNC-24', 'SYNC-25']) expect(getInvariant(id)?.domain).toBe('sync-comments');
  });

  it('the booted mount: the syncer vnode is queued next % syncdelay = 16 s ahead, and every invariant holds', () => {
    const x = fresh();
    expect(slotOf(x.ctx, x.syncvp)).toBe(16);
    expect(x.ctx.syncer_count).toBe(1);
    expect(x.syncvp.v_flag & VONWORKLST).toBe(VONWORKLST);
    for (const i of syncInvariants) if (i.prepare) expect(i.prepare(x.sim)?.(x.sim, []) ?? null, i.id).toBeNull();
  });
});

describe('each syncer invariant fires on a crafted violating state', () => {
  const cases: [string, (x: Fresh) => Note[] | void][] = [
    ['SYNC-03', (x) => [note(x, 'sc_modify', { ctx: x.ctx, cite: 'vfs_sync.c:434-435' })]],
    ['SYNC-06', (x) => {
      x.ctx.syncer_delayno = 33;
    }],
    ['SYNC-08', (x) => [note(x, 'vsyncscan_requeue', { ctx: x.ctx, vp: x.syncvp, slot: 16, wasHead: true })]],
    ['SYNC-09', (x) => {
      x.ctx.syncer_workitem_pending[3].unshift(x.vp);
      x.vp.v_mount = { ...x.mp } as Mount;
    }],
    ['SYNC-10', (x) => {
      x.ctx.syncer_forced = 1;
    }],
    ['SYNC-11', (x) => {
      x.syncvp.v_type = 1;
    }],
    ['SYNC-15', (x) => {
      x.g.rushjob = 100;
      return [note(x, 'syncer_rush', { ctx: x.ctx })];
    }],
    ['SYNC-17', (x) => [note(x, 'vsyncscan_requeue', { ctx: x.ctx, vp: x.syncvp, slot: 3, wasHead: false })]],
    ['SYNC-19', (x) => {
      x.mp.mnt_syncer_ctx = null;
      return [note(x, 'vsyncscan_enter', { mp: x.mp })];
    }],
    ['SYNC-20', (x) => {
      x.ctx.syncer_workitem_pending[16].length = 0;
      x.ctx.syncer_count = 0;
      x.syncvp.v_flag &= ~VONWORKLST;
    }],
    ['SYNC-21', (x) => {
      x.ctx.g_quiet = 32;
      x.vp.v_flag |= VISDIRTY;
    }],
    ['SYNC-23', (x) => {
      x.ctx.g_freed = true;
    }],
    ['SYNC-24', (x) => [note(x, 'syncer_trigger_synced', { ctx: x.ctx, vp: x.syncvp })]],
    ['SYNC-25', (x) => [note(x, 'syncvnode_placed', { ctx: x.ctx, vp: x.syncvp, next: 3 })]],
    ['SYNC-26', (x) => {
      (x.vp.v_data as StandinInode).g_latest = 1;
    }],
  ];
  for (const [id, mutate] of cases) {
    it(id, () => {
      const x = fresh();
      expect(check(x, id)).toBeNull();
      const notes = mutate(x) ?? [];
      expect(typeof check(x, id, notes), id).toBe('string');
      craftedIds.add(id);
    });
  }

  it('SYNC-13 (liveness): with timeouts off, the unmount hangs on the wakeup(ctx) the syncer misses between vfs_sync.c:437 and vfs_sync.c:479', async () => {
    const r = await run('syncer', { writes: 0, trigger: 0, stop: 1, timeouts: 0 });
    expect(r.violation?.kind).toBe('deadlock');
    expect(r.violation?.id).toBe('SYNC-13');
    // With timeouts (the hz timeout of vfs_sync.c:482) the same unmount always completes.
    const ok = await run('syncer', { writes: 0, trigger: 0, stop: 1, timeouts: 1 });
    expect([ok.complete, ok.violation]).toEqual([true, null]);
    craftedIds.add('SYNC-13');
  });

  it('the fixture lists exactly these cases (the catalog test relies on it)', () => {
    expect([...syncCraftedIds].sort()).toEqual([...cases.map((c) => c[0]), 'SYNC-13'].sort());
  });
});

describe('hazard parts beyond the registered runs', () => {
  it('A-3 part=1: retrydelay 0 re-queues into the slot the syncer drains (SYNC-07)', async () => {
    const r = await run('hazard-A-3', { part: 1 });
    expect(r.violation?.id).toBe('SYNC-07');
  });
  it('A-11 part=0: next % syncdelay == 0 places the syncer vnode in the absolute slot 0 (SYNC-25)', async () => {
    const r = await run('hazard-A-11', { part: 0 });
    expect(r.violation?.id).toBe('SYNC-25');
  });
  it('A-10: speedup_syncer alone, racing the unmount, touches no freed ctx (only wakeup by address)', async () => {
    const r = await run('syncer', { writes: 0, trigger: 3, stop: 1 });
    expect([r.complete, r.violation]).toEqual([true, null]);
  });
});

describe('the sysctl and the wheel arithmetic', () => {
  it('sysctl_kern_syncdelay clamps to [1, 32] and allows 32 (A-3)', () => {
    expect([-5, 0, 1, 30, 32, 33, 100].map(sysctl_kern_syncdelay)).toEqual([1, 1, 1, 30, 32, 32, 32]);
  });
});

describe('syncerVnode coverage', () => {
  it('the built-in syncer scenarios, at their defaults, reach every state and transition of the machine', async () => {
    // HAMMER's reclaim clears VISDIRTY unconditionally on a vnode off the worklist (hammer_inode.c:245):
    // W1 (a chmod, then the vnode is reclaimed) takes that transition.
    const names = ['syncer', 'mixed', 'syncer-flags', 'syncer-umount', 'syncer-scan', 'syncer-rush', 'mixed-hammer', 'hammer-w1-solo-reclaim'];
    const results = [];
    for (const n of names) results.push(await run(n));
    for (const r of results) expect([r.scenario, r.complete, r.violation]).toEqual([r.scenario, true, null]);
    const cov = unionCoverage(results).syncerVnode;
    expect(cov.states[0]).toBe(cov.states[1]);
    expect(cov.transitions[0]).toBe(cov.transitions[1]);
  }, 120_000);

  it('syncer-flags prog=1 (bdwrite, then vclrisdirty) passes too', async () => {
    const r = await run('syncer-flags', { prog: 1 });
    expect([r.complete, r.violation]).toEqual([true, null]);
  });
});
