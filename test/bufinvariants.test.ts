/**
 * The buffer-cache invariant catalog (invariants/buf.ts): every scenario explores without any of
 * them firing, and each of a selection fires on a crafted state that breaks it.
 */
import { describe, it, expect } from 'vitest';
import { getScenario } from '../scenarios/index.ts';
import { buildSim } from '../explorer/setup.ts';
import { bufInvariants } from '../invariants/buf.ts';
import { getInvariant } from '../invariants/index.ts';
import { craftedIds, bufCraftedIds } from './fixtures/crafted.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import type { VfsBio } from '../impl/kernel/vfs_bio_state.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { PQ_FREE, type VmPage } from '../impl/env/vm.ts';
import { BIO_DONE, B_CACHE, B_CLUSTER, B_INVAL, B_DELWRI, B_HASBOGUS, B_HASHED, B_HEAVY, B_MARKER, B_VMIO, B_VNCLEAN, B_VNDIRTY, BQUEUE_CLEAN, BQUEUE_DIRTY, BQUEUE_DIRTY_HW, BQUEUE_EMPTY, BQUEUE_LOCKED, BQUEUE_NONE, BUF_CMD_READ, BUF_CMD_WRITE } from '../impl/kernel/sys.ts';

const ours = new Set(bufInvariants.map((i) => i.id));

describe('buf catalog', () => {
  it('has unique ids, all registered, at least 60 of them', () => {
    expect(ours.size).toBe(bufInvariants.length);
    expect(bufInvariants.length).toBeGreaterThanOrEqual(60);
    for (const i of bufInvariants) {
      expect(getInvariant(i.id)).toBe(i);
      expect(i.domain).toBe('buf');
      expect(i.kind === 'liveness' ? !!i.blockedIn : !!i.prepare).toBe(true);
    }
  });
});

// The unmodified model passes every invariant on every scenario: test/explore.test.ts.

/** A fresh buf-delwri simulator (one buffer, a vnode with two blocks, the daemon's marker). */
function fresh(scenario = 'buf-delwri'): { sim: Sim; g: VfsBio; vp: Vnode } {
  const s = getScenario(scenario)!;
  const p: Record<string, number> = {};
  for (const [k, spec] of Object.entries(s.params)) p[k] = spec.default;
  const sim = buildSim({ scenario: s, params: p, cpus: s.defaultCpus, patch: null });
  const g = sim.globals.vfs_bio as VfsBio;
  const vp = sim.world.objects.find((o) => 'v_rbhash_tree' in o) as Vnode;
  return { sim, g, vp };
}

function check(sim: Sim, id: string, notes: Sim['notes'] = []): string | null {
  const inv = bufInvariants.find((i) => i.id === id)!;
  const c = inv.prepare!(sim);
  expect(c).not.toBeNull();
  return c!(sim, notes);
}

/** Detach buf0 from its queue so that it can be re-linked by a mutation. */
function unlink(g: VfsBio): void {
  const bp = g.buf[0];
  const q = g.bufpcpu[bp.b_qcpu].bufqueues[bp.b_qindex];
  q.splice(q.indexOf(bp), 1);
}
function relink(g: VfsBio, q: number): void {
  const bp = g.buf[0];
  bp.b_qindex = q;
  g.bufpcpu[bp.b_qcpu].bufqueues[q].push(bp);
}
const owner = (sim: Sim) => sim.threads[0];

type Mutation = (x: { sim: Sim; g: VfsBio; vp: Vnode }) => Sim['notes'] | void;
const cases: [string, Mutation][] = [
  ['BUF-01', ({ g }) => void (g.buf[0].b_qindex = BQUEUE_DIRTY)],
  ['BUF-02', ({ g }) => void (g.buf[0].b_qcpu = 1)],
  ['BUF-03', ({ g }) => { unlink(g); g.buf[0].b_qindex = BQUEUE_NONE; }],
  ['BUF-05', ({ sim, g }) => { const t = owner(sim); g.bufpcpu[0].spin.s_owner = t; t.done = true; }],
  ['BUF-06', ({ g }) => { unlink(g); relink(g, BQUEUE_CLEAN); g.buf[0].b_flags |= B_DELWRI; g.buf[0].b_bufsize = 1; }],
  ['BUF-07', ({ g }) => { unlink(g); relink(g, BQUEUE_DIRTY); }],
  ['BUF-09', ({ g }) => void (g.buf[0].b_bufsize = 1)],
  ['BUF-11', ({ sim }) => { const mk = sim.world.objects.find((o) => 'b_flags' in o && ((o as { b_flags: number }).b_flags & B_MARKER)) as { b_qindex: number }; mk.b_qindex = BQUEUE_CLEAN; }],
  ['BUF-12', ({ g }) => void (g.buf[0].b_cmd = BUF_CMD_READ)],
  ['BUF-13', ({ g }) => { unlink(g); g.buf[0].b_qindex = BQUEUE_NONE; g.buf[0].b_lock.lk_owner = 'KERNPROC'; g.buf[0].b_cmd = BUF_CMD_WRITE; relink(g, BQUEUE_EMPTY); g.buf[0].b_cmd = BUF_CMD_WRITE; }],
  ['BUF-15', ({ sim, g }) => [{ kind: 'getnewbuf_return', thread: owner(sim), data: { bp: g.buf[0] } }] as unknown as Sim['notes']],
  ['BUF-16', ({ sim, g, vp }) => [{ kind: 'getblk_return', thread: owner(sim), data: { bp: g.buf[0], vp, loffset: 0, size: 1 } }] as unknown as Sim['notes']],
  ['BUF-17', ({ sim, g, vp }) => [{ kind: 'findblk_return', thread: owner(sim), data: { bp: g.buf[0], vp, loffset: 0, flags: 0 } }] as unknown as Sim['notes']],
  ['BUF-18', ({ g }) => void (g.buf[0].b_refs = -1)],
  ['BUF-21', ({ g }) => { unlink(g); g.buf[0].b_qindex = BQUEUE_NONE; g.buf[0].b_lock.lk_owner = 'KERNPROC'; g.buf[0].b_flags |= B_DELWRI; }],
  ['BUF-22', ({ g }) => { unlink(g); relink(g, BQUEUE_LOCKED); }],
  ['BUF-25', ({ g }) => void (g.buf[0].b_flags |= B_VMIO)],
  ['BUF-26', ({ g }) => void (g.buf[0].b_flags |= B_HASHED)],
  ['BUF-28', ({ g }) => void (g.buf[0].b_bcount = 3)],
  ['BUF-30', ({ g }) => void (g.buf[0].b_flags |= B_VNDIRTY | B_VNCLEAN)],
  ['BUF-36', ({ g }) => { unlink(g); relink(g, BQUEUE_DIRTY_HW); g.buf[0].b_flags |= B_DELWRI; g.buf[0].b_flags &= ~B_HEAVY; }],
  ['BUF-39', ({ sim, g }) => { const t = owner(sim); g.buf[0].b_lock.lk_owner = t; t.done = true; }],
  ['ACC-01', ({ g }) => void (g.bufspace = 2)],
  ['ACC-02', ({ g }) => void (g.dirtybufcount = 5)],
  ['ACC-03', ({ g }) => void (g.dirtybufspace = 1)],
  ['ACC-04', ({ g }) => void (g.dirtybufcounthw = 1)],
  ['ACC-05', ({ g }) => void (g.dirtykvaspace = 2)],
  ['ACC-06', ({ g }) => void (g.runningbufspace = 1)],
  ['ACC-07', ({ g }) => void (g.buf[0].b_runningbufspace = 1)],
  ['ACC-08', ({ g }) => { g.runningbufspace = -1; g.g_acct_window = 1; }],
  ['ACC-11', ({ g }) => void (g.flushingbufs[0] = 2)],
  ['ACC-14', ({ g }) => void (g.needsbuffer.v = 0x4)],
  ['ACC-15', ({ g }) => void (g.bd_request.v = -1)],
  ['VM-03', ({ g }) => { const bp = g.buf[0]; bp.b_xio.xio_npages = 1; bp.b_xio.xio_pages = [g.bogus_page]; }],
  ['VM-04', ({ g }) => void (g.buf[0].b_flags |= B_HASBOGUS)],
  ['VM-15', ({ g }) => void (g.bogus_page.busy_count = 1)],
  ['VM-17', ({ vp }) => void (vp.v_object!.paging_in_progress = -1)],
  ['VM-19', ({ vp }) => void ((vp.v_object!.pages[0] as VmPage).wire_count = 1)],
];

/** Cases on a booted buf-reuse simulator: buf0 caches block 0 (clean, hashed, one page). */
const cachedCases: [string, Mutation][] = [
  ['ACC-12', ({ g }) => void (g.dirtybufcount = 5)],
  ['ACC-13', ({ g }) => void (g.dirtybufcount = 5)],
  ['ACC-16', ({ g }) => void (g.lobufspace = g.hibufspace + 1)],
  ['BUF-31', ({ vp }) => void vp.v_rbhash_tree.push(vp.v_rbhash_tree[0])],
  ['BUF-32', ({ g }) => void (g.buf[0].b_flags |= B_DELWRI)],
  ['BUF-33', ({ g }) => void (g.buf[0].b_loffset = -1)],
  ['BUF-34', ({ g }) => void (g.buf[0].b_cmd = BUF_CMD_READ)],
  ['BUF-35', ({ g }) => void (g.buf[0].b_flags &= ~B_HASHED)],
  ['BUF-37', ({ g }) => void (g.buf[0].b_flags |= B_CLUSTER)],
  ['BUF-38', ({ g }) => void (g.buf[0].b_lock.lk_owner = 'KERNPROC')],
  ['BUF-40', ({ g }) => void (g.buf[0].b_loffset = -5)],
  ['BUF-41', ({ g }) => void (g.buf[0].b_cmd = 3)],
  ['BUF-42', ({ g }) => void g.bufpcpu[0].bufqueues.push([])],
  ['IO-12', ({ g }) => { const bp = g.buf[0]; bp.g_io = BUF_CMD_WRITE; bp.b_cmd = BUF_CMD_WRITE; bp.b_flags &= ~(B_CACHE | B_INVAL); }],
  ['IO-14', ({ g }) => void (g.buf[0].g_io = 5)],
  ['IO-15', ({ sim, g }) => [{ kind: 'bread_return', thread: sim.threads[1], data: { bp: g.buf[0], error: 0 } }] as unknown as Sim['notes']],
  ['IO-16', ({ sim, g }) => { g.buf[0].b_cmd = BUF_CMD_WRITE; return [{ kind: 'bwrite_return', thread: sim.threads[1], data: { bp: g.buf[0], error: 0 } }] as unknown as Sim['notes']; }],
  ['IO-17', ({ g }) => { const bp = g.buf[0]; bp.g_io = BUF_CMD_READ; bp.b_cmd = BUF_CMD_READ; bp.b_bio1.bio_flags |= BIO_DONE; }],
  ['BUF-43', ({ sim }) => [{ kind: 'getnewbuf_restart', thread: sim.threads[1], data: { reason: 4 } }] as unknown as Sim['notes']],
  ['VM-01', ({ g }) => void (g.buf[0].b_xio.xio_pages[0]!.wire_count = 0)],
  ['VM-02', ({ g, vp }) => void (g.buf[0].b_xio.xio_pages[0] = vp.v_object!.pages[1])],
  ['VM-05', ({ g }) => { g.buf[0].g_io = BUF_CMD_READ; g.buf[0].b_cmd = BUF_CMD_READ; }],
  ['VM-12', ({ sim, g }) => [{ kind: 'vmio_release_done', thread: sim.threads[1], data: { bp: g.buf[0] } }] as unknown as Sim['notes']],
  ['VM-16', ({ vp }) => void (vp.v_object!.pages[1].g_bogus = 1)],
  ['VM-18', ({ g }) => void (g.buf[0].b_xio.xio_pages[0]!.queue = PQ_FREE)],
  ['VM-20', ({ sim, vp }) => void (vp.v_object!.pages[1].busy = sim.threads[0])],
];

describe('each invariant fires on a crafted violating state (a cached block)', () => {
  for (const [id, mutate] of cachedCases) {
    it(id, () => {
      const x = fresh('buf-reuse');
      expect(check(x.sim, id)).toBeNull();
      const notes = mutate(x) ?? [];
      expect(typeof check(x.sim, id, notes)).toBe('string');
      craftedIds.add(id);
    });
  }

  it('WAKE-11: a daemon inside bd_wait', () => {
    const x = fresh('buf-delwri');
    expect(check(x.sim, 'WAKE-11')).toBeNull();
    const d = x.sim.threads.find((t) => t.daemon)!;
    d.frames.push({ proc: { name: 'bd_wait' } } as unknown as (typeof d.frames)[number]);
    expect(check(x.sim, 'WAKE-11')).toMatch(/bd_wait/);
    craftedIds.add('WAKE-11');
  });
});

describe('each invariant fires on a crafted violating state', () => {
  it('the fixture lists exactly these cases (the catalog test relies on it)', () => {
    const all = [...cases, ...cachedCases].map((c) => c[0]);
    all.push('WAKE-11');
    expect([...bufCraftedIds].sort()).toEqual([...new Set(all)].sort());
  });
  for (const [id, mutate] of cases) {
    it(id, () => {
      const x = fresh();
      expect(check(x.sim, id)).toBeNull();
      const notes = mutate(x) ?? [];
      const m = check(x.sim, id, notes);
      expect(typeof m).toBe('string');
      craftedIds.add(id);
    });
  }
});
