/**
 * Buffer-cache invariants added with mutants M20-M35, M45-M49
 * (spec/vfs_bio_sync.md §6 ids where the catalog has one; a 'b' suffix marks a stronger form of
 * an existing check). Domain 'buf-b': only the scenarios of scenarios/mutant-scenarios-b.ts list
 * it, because some of these checks assume those workloads (see each statement).
 */
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { Buf } from '../impl/env/bio.ts';
import type { VmPage } from '../impl/env/vm.ts';
import type { VfsBio } from '../impl/kernel/vfs_bio_state.ts';
import { B_DEFERRED, B_DELWRI, B_LOCKED, BQUEUE_LOCKED, BQUEUE_NONE, BUF_CMD_DONE, PAGE_SIZE } from '../impl/kernel/sys.ts';
import { biodone_sync } from '../impl/kernel/vfs_bio.ts';
import type { Invariant } from './types.ts';

const vbOf = (sim: Sim): VfsBio | undefined => sim.globals.vfs_bio as VfsBio | undefined;
const inFn = (t: Thread, names: string[]): boolean => t.frames.some((f) => names.includes(f.proc.name));
const local = (t: Thread, fn: string, name: string): unknown => {
  const f = t.frames.find((x) => x.proc.name === fn);
  if (!f) return undefined;
  const i = f.proc.localNames.indexOf(name);
  return i < 0 ? undefined : f.l[i];
};

/** The page a buffer slot stands for (bogus slots stand for their object's page). */
function home(g: VfsBio, bp: Buf, i: number): VmPage | null {
  const m = bp.b_xio.xio_pages[i];
  if (!m) return null;
  if (m !== g.bogus_page) return m;
  const obj = bp.b_vp?.v_object;
  return obj ? (obj.pages[Math.floor(bp.b_loffset / PAGE_SIZE) + i] ?? null) : null;
}

export const mutantCatalogB: Invariant[] = [
  {
    id: 'WAKE-10',
    domain: 'buf-b',
    kind: 'safety',
    statement:
      'flushbufqueues terminates: it defers a buffer with dependencies at most once per dirtying, i.e. it asks buf_countdeps only about a buffer without B_DEFERRED (a second deferral re-inserts the buffer behind the marker forever)',
    cite: ['vfs_bio.c:2415-2430', 'vfs_bio.c:1243'],
    prepare(sim) {
      if (!vbOf(sim)) return null;
      return (s) => {
        for (const t of s.threads) {
          if (t.done || !inFn(t, ['flushbufqueues']) || !inFn(t, ['buf_countdeps'])) continue;
          // (buf_countdeps' own bp is dead at its nondet site; flushbufqueues' bp is live across the call.)
          const bp = local(t, 'flushbufqueues', 'bp') as Buf | undefined;
          if (bp && bp.b_flags & B_DEFERRED) return `${t.name}: flushbufqueues asks buf_countdeps about ${s.world.nameOf(bp)}, which it already deferred (B_DEFERRED)`;
        }
        return null;
      };
    },
  },
  {
    id: 'WAKE-13',
    domain: 'buf-b',
    kind: 'safety',
    statement:
      'flusher progress: when flushbufqueues finishes a complete pass over queue q of a CPU (marker unlinked, spin still held, scan ran off the end), no unlocked, dependency-free B_DELWRI buffer is left on that queue (in these workloads nobody else locks a queued dirty buffer and unlocks it in place)',
    cite: ['vfs_bio.c:2352-2463', 'vfs_bio.c:2250-2285'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      return (s) => {
        for (const t of s.threads) {
          if (t.done) continue;
          const f = t.frames.find((x) => x.proc.name === 'flushbufqueues');
          if (!f) continue;
          const marker = f.l[0] as Buf;
          const q = f.l[1] as number;
          const bi = f.proc.localNames.indexOf('bp');
          if (marker.b_qindex !== BQUEUE_NONE || bi < 0 || f.l[bi] !== null) continue;
          const pc = g.bufpcpu[marker.b_qcpu];
          if (pc.spin.s_owner !== t) continue;
          for (const bp of pc.bufqueues[q]) {
            if (bp.b_lock.lk_owner === null && bp.b_flags & B_DELWRI && !bp.b_dep) return `${t.name}: flushbufqueues finished a pass over bufpcpu[${marker.b_qcpu}] queue ${q} leaving ${s.world.nameOf(bp)} unlocked and dirty`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-14',
    domain: 'buf-b',
    kind: 'safety',
    statement:
      'an asynchronous I/O hands the buffer lock to KERNPROC before vn_strategy: a buf[] header whose issued I/O is tracked (bio_track set) and completes asynchronously (bio_done != biodone_sync) is owned by KERNPROC',
    cite: ['vfs_bio.c:874', 'vfs_bio.c:937', 'vfs_bio.c:1045', 'vfs_bio.c:4576-4577'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        for (const bp of g.buf) {
          const bio = bp.b_bio1;
          if (bio.bio_track === null || bp.b_cmd === BUF_CMD_DONE || (bio.bio_done as unknown) === biodone_sync) continue;
          if (bp.b_lock.lk_owner !== 'KERNPROC') return `${s.world.nameOf(bp)}: asynchronous I/O issued while the lock is owned by ${bp.b_lock.lk_owner === null ? 'nobody' : (bp.b_lock.lk_owner as Thread).name}`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-18b',
    domain: 'buf-b',
    kind: 'safety',
    statement: 'b_refs never exceeds the number of threads inside findblk or getblk (in these workloads the only ref holders; every ref taken is dropped)',
    cite: ['vfs_bio.c:1719-1745', 'vfs_bio.c:2576', 'vfs_bio.c:2776'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        const n = s.threads.filter((t) => !t.done && inFn(t, ['findblk', 'getblk'])).length;
        for (const bp of g.buf) if (bp.b_refs > n) return `${s.world.nameOf(bp)}: b_refs ${bp.b_refs} but only ${n} thread(s) in findblk/getblk`;
        return null;
      };
    },
  },
  {
    id: 'BUF-22b',
    domain: 'buf-b',
    kind: 'safety',
    statement: 'an unlocked buffer with B_LOCKED is on the LOCKED queue (a pinned buffer is released to BQUEUE_LOCKED, never to a dirty queue the daemons flush)',
    cite: ['vfs_bio.c:1538-1545', 'vfs_bio.c:1664-1673'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        for (const bp of g.buf) if (bp.b_lock.lk_owner === null && bp.b_flags & B_LOCKED && bp.b_qindex !== BQUEUE_LOCKED) return `${s.world.nameOf(bp)}: unlocked with B_LOCKED on queue ${bp.b_qindex}`;
        return null;
      };
    },
  },
  {
    id: 'VM-01b',
    domain: 'buf-b',
    kind: 'safety',
    statement:
      "no wire leak: when no thread is inside allocbuf or vfs_vmio_release, a page's wire_count equals the number of buffer slots that hold it (a bogus slot holds its object's page); buffers are the only wirers here",
    cite: ['vfs_bio.c:3147', 'vfs_bio.c:3159', 'vfs_bio.c:3074', 'vfs_bio.c:1795-1798'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      const pages = sim.world.objects.filter((o) => 'wire_count' in o && 'g_bogus' in o && (o as VmPage).object !== null) as VmPage[];
      return (s) => {
        if (s.threads.some((t) => !t.done && inFn(t, ['allocbuf', 'vfs_vmio_release']))) return null;
        const n = new Map<VmPage, number>();
        for (const bp of g.buf) for (let i = 0; i < bp.b_xio.xio_npages; i++) {
          const m = home(g, bp, i);
          if (m) n.set(m, (n.get(m) ?? 0) + 1);
        }
        for (const m of pages) if (m.wire_count !== (n.get(m) ?? 0)) return `${s.world.nameOf(m)}: wire_count ${m.wire_count} but held by ${n.get(m) ?? 0} buffer slot(s)`;
        return null;
      };
    },
  },
  {
    id: 'VM-05b',
    domain: 'buf-b',
    kind: 'safety',
    statement:
      "no soft-busy leak: when no thread is inside vfs_busy_pages, bpdone or vfs_unbusy_pages, a page's soft-busy count equals the number of buffers whose READ/WRITE is in flight over it (b_cmd != DONE, directly or via bogus_page)",
    cite: ['vfs_bio.c:3899-3906', 'vfs_bio.c:3665-3689', 'vfs_bio.c:3828-3831'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      const pages = sim.world.objects.filter((o) => 'busy_count' in o && 'g_bogus' in o && (o as VmPage).object !== null) as VmPage[];
      return (s) => {
        if (s.threads.some((t) => !t.done && inFn(t, ['vfs_busy_pages', 'bpdone', 'vfs_unbusy_pages']))) return null;
        const n = new Map<VmPage, number>();
        for (const bp of g.buf) {
          if (bp.g_io === 0 || bp.b_cmd === BUF_CMD_DONE) continue;
          for (let i = 0; i < bp.b_xio.xio_npages; i++) {
            const m = home(g, bp, i);
            if (m) n.set(m, (n.get(m) ?? 0) + 1);
          }
        }
        for (const m of pages) if (m.busy_count !== (n.get(m) ?? 0)) return `${s.world.nameOf(m)}: soft-busy count ${m.busy_count} but ${n.get(m) ?? 0} I/O(s) in flight over it`;
        return null;
      };
    },
  },
];
