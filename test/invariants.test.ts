/**
 * Every invariant is shown to fire (by a mutant in test/mutants.test.ts, or here on a crafted
 * state), and holds on the unmodified model (test/explore.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { Sim } from '../impl/sim/kernel.ts';
import { newBioTrack, newBuf } from '../impl/env/bio.ts';
import { invariantRegistry } from '../invariants/index.ts';
import { Checker } from '../explorer/checker.ts';
import { loadMutants } from '../mutants/index.ts';
import { BIO_DONE, BIO_SYNC, BIO_WANT, BUF_CMD_WRITE } from '../impl/kernel/sys.ts';
import { track_waiter } from '../scenarios/bio-track.ts';
import { buildSim } from '../explorer/setup.ts';
import { getScenario } from '../scenarios/index.ts';
import { craftedIds, bufCraftedIds, uvnCraftedIds, syncCraftedIds, hammerCraftedIds } from './fixtures/crafted.ts';

function prepared(id: string, sim: Sim) {
  const inv = invariantRegistry.find((i) => i.id === id)!;
  const check = inv.prepare!(sim)!;
  expect(check, id).toBeTypeOf('function');
  return check;
}

describe('invariants fire on crafted states', () => {
  it('TRK-01: bk_active == 0x80000000', () => {
    const sim = new Sim(2);
    const t = sim.world.add('track', newBioTrack());
    const check = prepared('TRK-01', sim);
    expect(check(sim, [])).toBeNull();
    t.bk_active = 0x80000000 | 0;
    expect(check(sim, [])).toMatch(/0x80000000/);
  });

  it('TRK-02: count differs from the tracked I/Os in flight', () => {
    const sim = new Sim(2);
    const t = sim.world.add('track', newBioTrack());
    const check = prepared('TRK-02', sim);
    t.bk_active = 1;
    t.g_inflight = 1;
    expect(check(sim, [])).toBeNull();
    t.bk_active = (0x80000000 | 2) | 0;
    expect(check(sim, [])).toMatch(/count 2/);
  });

  it('TRK-04: bit 30 set (negative count)', () => {
    const sim = new Sim(2);
    const t = sim.world.add('track', newBioTrack());
    const check = prepared('TRK-04', sim);
    t.bk_active = -1;
    expect(check(sim, [])).toMatch(/bit 30/);
  });

  it('TRK-05: bio_track_wait returned 0 with I/O in flight', () => {
    const sim = new Sim(2);
    const t = sim.world.add('track', newBioTrack());
    const th = sim.spawn('w', 0, track_waiter, [t]);
    const check = prepared('TRK-05', sim);
    t.g_inflight = 1;
    expect(check(sim, [{ kind: 'track_wait_return', thread: th, data: { track: t, error: 35 } }])).toBeNull();
    expect(check(sim, [{ kind: 'track_wait_return', thread: th, data: { track: t, error: 0 } }])).toMatch(/in flight/);
  });

  it('IO-02: biowait returned before bpdone completed the buffer', () => {
    const sim = new Sim(2);
    const bp = sim.world.add('bp', newBuf());
    const th = sim.spawn('w', 0, track_waiter, [sim.world.add('track', newBioTrack())]);
    const check = prepared('IO-02', sim);
    expect(check(sim, [{ kind: 'biowait_return', thread: th, data: { bp, error: 0, bpdoneCompleted: false, b_cmd: BUF_CMD_WRITE } }])).toMatch(/before bpdone/);
  });

  it('IO-04: BIO_WANT and BIO_DONE both set', () => {
    const sim = new Sim(2);
    const bp = newBuf();
    sim.world.add('bio', bp.b_bio1);
    const check = prepared('IO-04', sim);
    bp.b_bio1.bio_flags = BIO_SYNC | BIO_DONE;
    expect(check(sim, [])).toBeNull();
    bp.b_bio1.bio_flags = BIO_SYNC | BIO_DONE | BIO_WANT;
    expect(check(sim, [])).toMatch(/both set/);
  });

  it('IO-13: a published BIO_DONE disappeared', () => {
    const sim = new Sim(2);
    const bp = newBuf();
    sim.world.add('bio', bp.b_bio1);
    const check = prepared('IO-13', sim);
    bp.b_bio1.g_done_published = true;
    bp.b_bio1.bio_flags = BIO_SYNC | BIO_WANT;
    expect(check(sim, [])).toMatch(/no longer set/);
  });

  it('SIM-01 and the liveness invariants: a thread asleep forever is a deadlock attributed to where it sleeps', () => {
    const sim = new Sim(2);
    sim.options.timeouts = false;
    const t = sim.world.add('track', newBioTrack());
    t.bk_active = 1; // a reference nobody will release
    t.g_inflight = 1;
    sim.spawn('w', 0, track_waiter, [t]);
    const checker = new Checker(sim, ['trk']);
    while (sim.choices().length) sim.step(sim.choices()[0]);
    const v = checker.deadlock();
    expect(v?.kind).toBe('deadlock');
    expect(v?.id).toBe('TRK-03');
    expect(v?.message).toMatch(/bio_track_wait/);
    const generic = new Checker(sim, []).deadlock();
    expect(generic?.id).toBe('SIM-01');
  });
});

describe('durability invariants fire on crafted states', () => {
  const build = (name: string, params: Record<string, number>) => buildSim({ scenario: getScenario(name)!, params, cpus: 2 });

  it('DUR-01: the latest version of a block lives nowhere', () => {
    const sim = build('buf-reuse', { lookups: 1 });
    const check = prepared('DUR-01', sim);
    expect(check(sim, [])).toBeNull();
    const vp = sim.world.objects.find((o) => 'v_disk' in o) as { v_disk: { g_latest: number[] } };
    vp.v_disk.g_latest[0] += 1; // a write whose data went nowhere
    expect(check(sim, [])).toMatch(/block 0: version 2 is lost/);
    craftedIds.add('DUR-01');
  });

  it('DUR-02: bwrite returned 0 with older data on disk', () => {
    const sim = build('buf-reuse', { lookups: 1 });
    const check = prepared('DUR-02', sim);
    const vp = sim.world.objects.find((o) => 'v_disk' in o) as { v_disk: { d_data: number[] } };
    const th = sim.threads[1];
    expect(check(sim, [{ kind: 'bwrite_return', thread: th, data: { vp, pindex: 0, versions: [1], error: 0 } }])).toBeNull();
    expect(check(sim, [{ kind: 'bwrite_return', thread: th, data: { vp, pindex: 0, versions: [2], error: 0 } }])).toMatch(/older than the 2/);
    expect(vp.v_disk.d_data[0]).toBe(1);
    craftedIds.add('DUR-02');
  });

  it('DATA-02: bread returned stale data', () => {
    const sim = build('buf-reuse', { lookups: 1 });
    const check = prepared('DATA-02', sim);
    const th = sim.threads[1];
    const bp = sim.world.objects.find((o) => 'b_qindex' in o)!;
    const ok = { bp, error: 0, flags: 0x20, versions: [3], latest: [3] };
    expect(check(sim, [{ kind: 'bread_return', thread: th, data: ok }])).toBeNull();
    expect(check(sim, [{ kind: 'bread_return', thread: th, data: { ...ok, versions: [2] } }])).toMatch(/not the latest 3/);
    expect(check(sim, [{ kind: 'bread_return', thread: th, data: { ...ok, flags: 0 } }])).toMatch(/not B_CACHE/);
    craftedIds.add('DATA-02');
  });
});

describe('catalog', () => {
  it('every invariant has an id, a statement, a kind, and (except the simulator\'s own) seed citations', () => {
    const ids = new Set<string>();
    for (const i of invariantRegistry) {
      expect(ids.has(i.id), i.id).toBe(false);
      ids.add(i.id);
      expect(i.statement.length).toBeGreaterThan(10);
      if (i.domain !== 'sim') expect(i.cite.length, i.id).toBeGreaterThan(0);
      for (const c of i.cite) expect(c).toMatch(/^[a-z_]+\.c:\d+(-\d+)?$/);
    }
    for (const id of ['TRK-01', 'TRK-02', 'TRK-03', 'TRK-04', 'TRK-05', 'IO-02', 'IO-04', 'IO-13', 'WAKE-06', 'SIM-01']) expect(ids.has(id), id).toBe(true);
  });

  it('each invariant is shown to fire by a mutant or by a crafted state above', async () => {
    const byMutant = new Set((await loadMutants()).flatMap((m) => m.meta.killedBy));
    const crafted = new Set(['TRK-01', 'TRK-02', 'TRK-04', 'TRK-05', 'IO-02', 'IO-04', 'IO-13', 'TRK-03', 'SIM-01', ...craftedIds, ...bufCraftedIds, ...uvnCraftedIds, ...syncCraftedIds, ...hammerCraftedIds]);
    for (const i of invariantRegistry) expect(byMutant.has(i.id) || crafted.has(i.id), i.id).toBe(true);
  });
});
