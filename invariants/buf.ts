/**
 * BUF / ACC / IO / VM / WAKE / NEST: the buffer-cache catalog (spec/vfs_bio_sync.md §6.1-§6.7)
 * over the state of the buffer-cache scenarios: vfs_bio.c's statics (impl/kernel/vfs_bio_state.ts),
 * the buffers, the vnodes' hash / clean / dirty trees and the VM pages.
 *
 * Ids follow the catalog; invariants the catalog does not list continue its numbering
 * (BUF-30.., ACC-11.., IO-14.., VM-15.., WAKE-14..). The counter laws ACC-01..06 hold at
 * quiescent points only: they are checked when the ghost g_acct_window is 0.
 */
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { Bio, Buf } from '../impl/env/bio.ts';
import type { VmPage } from '../impl/env/vm.ts';
import { PQ_FREE } from '../impl/env/vm.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { VfsBio } from '../impl/kernel/vfs_bio_state.ts';
import {
  B_BNOCLIP,
  B_CACHE,
  B_CLUSTER,
  B_DELWRI,
  B_ERROR,
  B_HASBOGUS,
  B_HASHED,
  B_HEAVY,
  B_INVAL,
  B_LOCKED,
  B_MARKER,
  B_NOCACHE,
  B_VMIO,
  B_VNCLEAN,
  B_VNDIRTY,
  BIO_DONE,
  BQUEUE_CLEAN,
  BQUEUE_DIRTY,
  BQUEUE_DIRTY_HW,
  BQUEUE_EMPTY,
  BQUEUE_LOCKED,
  BQUEUE_NAMES,
  BQUEUE_NONE,
  BUF_CMD_DONE,
  BUF_CMD_READ,
  BUF_CMD_WRITE,
  BUFFER_QUEUES,
  FINDBLK_REF,
  MAXBSIZE,
  NOOFFSET,
  PAGE_SIZE,
  VFS_BIO_NEED_ANY,
  VFS_BIO_NEED_BUFSPACE,
  VM_PAGE_BITS_ALL,
  XIO_INTERNAL_PAGES,
} from '../impl/kernel/sys.ts';
import { objectsWith, type Invariant, type PreparedCheck } from './types.ts';

// ------------------------------------------------------------------------------- helpers

const vbOf = (sim: Sim): VfsBio | undefined => sim.globals.vfs_bio as VfsBio | undefined;
const qname = (q: number): string => BQUEUE_NAMES[q] ?? `queue ${q}`;
const isMarker = (bp: Buf): boolean => (bp.b_flags & B_MARKER) !== 0;
const locked = (bp: Buf): boolean => bp.b_lock.lk_owner !== null;
const ownerName = (bp: Buf): string => {
  const o = bp.b_lock.lk_owner;
  return o === null ? 'nobody' : o === 'KERNPROC' ? 'KERNPROC' : o.name;
};
const OFF_TO_IDX = (off: number): number => Math.floor(off / PAGE_SIZE);

/** Every registered buffer (the buf[] headers, the markers, any pbufs). */
const allBufs = (sim: Sim): Buf[] => objectsWith<Buf>(sim, 'b_flags', 'b_xio', 'b_qindex');
const vnodes = (sim: Sim): Vnode[] => objectsWith<Vnode>(sim, 'v_rbhash_tree', 'v_rbdirty_tree', 'v_rbclean_tree');
const pages = (sim: Sim): VmPage[] => objectsWith<VmPage>(sim, 'busy_count', 'wire_count', 'g_bogus');

/** A safety check over the buf[] headers (not the markers). */
function eachHeader(what: (sim: Sim, g: VfsBio, bp: Buf) => string | null): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const g = vbOf(sim);
    if (!g || g.buf.length === 0) return null;
    return (s) => {
      for (const bp of g.buf) {
        const m = what(s, g, bp);
        if (m) return `${s.world.nameOf(bp)}: ${m}`;
      }
      return null;
    };
  };
}

/** A safety check over vfs_bio.c's statics. */
function globals(what: (sim: Sim, g: VfsBio) => string | null): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const g = vbOf(sim);
    if (!g) return null;
    return (s) => what(s, g);
  };
}

/** As globals, but only at quiescent points (no counter update pending, g_acct_window == 0). */
function quiescent(what: (sim: Sim, g: VfsBio) => string | null): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const g = vbOf(sim);
    if (!g || g.buf.length === 0) return null;
    return (s) => (g.g_acct_window === 0 ? what(s, g) : null);
  };
}

/** A transition check on the notes of one kind. */
function onNote(kind: string, what: (sim: Sim, data: Record<string, unknown>, thread: Thread) => string | null): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    if (!vbOf(sim)) return null;
    return (s, notes) => {
      for (const n of notes) {
        if (n.kind !== kind) continue;
        const m = what(s, n.data as Record<string, unknown>, n.thread);
        if (m) return m;
      }
      return null;
    };
  };
}

/** The non-null slots [0, npages) of a buffer's page array, with their index. */
function* slots(bp: Buf): Generator<[number, VmPage]> {
  for (let i = 0; i < bp.b_xio.xio_npages; i++) {
    const m = bp.b_xio.xio_pages[i];
    if (m) yield [i, m];
  }
}

/** The page of bp's object that slot i stands for, or undefined. */
function homePage(bp: Buf, i: number): VmPage | undefined {
  const obj = bp.b_vp?.v_object;
  if (!obj || bp.b_loffset === NOOFFSET) return undefined;
  return obj.pages[OFF_TO_IDX(bp.b_loffset) + i];
}

const SLEEPY_PRIMS = new Set(['lockmgr_sleep', 'lockmgr_release', 'lockmgr_try_wait', 'tsleep', 'vm_page_sleep_busy', 'vm_wait', 'lwkt_gettoken', 'lwkt_gettoken_shared', 'rw_enter_write', 'rw_enter_read']);

// ------------------------------------------------------------------------------- BUF

const bufCatalog: Invariant[] = [
  {
    id: 'BUF-01',
    domain: 'buf',
    kind: 'safety',
    statement: 'b_qindex == q != NONE iff the buffer is linked on bufpcpu[b_qcpu].bufqueues[q]; a buffer is linked on at most one queue, once',
    cite: ['vfs_bio.c:813-826', 'vfs_bio.c:1987-1988', 'vfs_bio.c:2370', 'vfs_bio.c:644-645'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const bufs = allBufs(sim);
      return (s) => {
        const seen = new Set<Buf>();
        for (let c = 0; c < g.bufpcpu.length; c++) {
          const qs = g.bufpcpu[c].bufqueues;
          for (let q = 0; q < qs.length; q++) {
            for (const bp of qs[q]) {
              const nm = s.world.nameOf(bp);
              if (q === BQUEUE_NONE) return `${nm} is linked on bufpcpu[${c}].bufqueues[NONE]`;
              if (seen.has(bp)) return `${nm} is linked twice (second time on bufpcpu[${c}] ${qname(q)})`;
              seen.add(bp);
              if (bp.b_qindex !== q || bp.b_qcpu !== c) return `${nm} is linked on bufpcpu[${c}] ${qname(q)} but has b_qcpu ${bp.b_qcpu}, b_qindex ${qname(bp.b_qindex)}`;
            }
          }
        }
        for (const bp of bufs) {
          if (bp.b_qindex !== BQUEUE_NONE && !seen.has(bp)) return `${s.world.nameOf(bp)} has b_qindex ${qname(bp.b_qindex)} but is linked on no queue`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-02',
    domain: 'buf',
    kind: 'safety',
    statement: 'b_qcpu of a buf[] header never changes after bufinit (the round-robin home CPU), and is a valid CPU',
    cite: ['vfs_bio.c:637', 'vfs_bio.c:647-648', 'vfs_bio.c:1533-1536', 'vfs_bio.c:1661-1662'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      const home = g.buf.map((_bp, n) => n % g.ncpus);
      return (s) => {
        for (let n = 0; n < g.buf.length; n++) {
          const bp = g.buf[n];
          if (bp.b_qcpu !== home[n]) return `${s.world.nameOf(bp)}: b_qcpu is ${bp.b_qcpu}, bufinit gave it CPU ${home[n]}`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-03',
    domain: 'buf',
    kind: 'safety',
    statement: 'an off-queue buf[] header is locked (b_qindex == NONE => BUF_LOCKINUSE): every unlocked header is on a queue',
    cite: ['vfs_bio.c:819', 'vfs_bio.c:822-825', 'vfs_bio.c:1525-1526', 'vfs_bio.c:1656-1657'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_qindex === BQUEUE_NONE && !locked(bp) ? 'off-queue but not locked' : null)),
  },
  {
    id: 'BUF-05',
    domain: 'buf',
    kind: 'safety',
    statement: 'a thread holding a bufpcpu spinlock never blocks: it is not suspended at a sleeping primitive, a token, BUF_UNLOCK or a buffer-lock sleep',
    cite: ['vfs_bio.c:2347-2350', 'vfs_bio.c:2024-2030', 'vfs_bio.c:2032-2033', 'vfs_bio.c:2386-2388', 'vfs_bio.c:2425-2427'],
    prepare: globals((_s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        const t = g.bufpcpu[c].spin.s_owner;
        if (!t) continue;
        if (t.done) return `${t.name} finished holding bufpcpu[${c}].spin`;
        const p = t.prim;
        if (p && (p.sleeps || SLEEPY_PRIMS.has(p.name))) return `${t.name} is at ${p.name} while holding bufpcpu[${c}].spin`;
      }
      return null;
    }),
  },
  {
    id: 'BUF-06',
    domain: 'buf',
    kind: 'safety',
    statement: 'no buffer on a CLEAN or EMPTY queue has B_DELWRI',
    cite: ['vfs_bio.c:1994-1995', 'vfs_bio.c:75'],
    prepare: globals((s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        for (const q of [BQUEUE_CLEAN, BQUEUE_EMPTY]) {
          for (const bp of g.bufpcpu[c].bufqueues[q]) if (bp.b_flags & B_DELWRI) return `${s.world.nameOf(bp)} is on bufpcpu[${c}] ${qname(q)} with B_DELWRI`;
        }
      }
      return null;
    }),
  },
  {
    id: 'BUF-07',
    domain: 'buf',
    kind: 'safety',
    statement: 'every unlocked buffer on DIRTY or DIRTY_HW has B_DELWRI (flushbufqueues would print "Unexpected clean buffer")',
    cite: ['vfs_bio.c:76-77', 'vfs_bio.c:2364-2366', 'vfs_bio.c:1580-1590', 'vfs_bio.c:1674-1678'],
    prepare: globals((s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        for (const q of [BQUEUE_DIRTY, BQUEUE_DIRTY_HW]) {
          for (const bp of g.bufpcpu[c].bufqueues[q]) {
            if (!isMarker(bp) && !locked(bp) && !(bp.b_flags & B_DELWRI)) return `${s.world.nameOf(bp)} is on bufpcpu[${c}] ${qname(q)}, unlocked, without B_DELWRI`;
          }
        }
      }
      return null;
    }),
  },
  {
    id: 'BUF-09',
    domain: 'buf',
    kind: 'safety',
    statement: 'every buffer on EMPTY has b_bufsize 0, B_INVAL, no vnode, not B_HASHED, not B_DELWRI and no pages',
    cite: ['vfs_bio.c:634-636', 'vfs_bio.c:1546-1560', 'vfs_bio.c:2009-2010', 'vfs_bio.c:1862'],
    prepare: globals((s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        for (const bp of g.bufpcpu[c].bufqueues[BQUEUE_EMPTY]) {
          const bad: string[] = [];
          if (bp.b_bufsize !== 0) bad.push(`b_bufsize ${bp.b_bufsize}`);
          if (!(bp.b_flags & B_INVAL)) bad.push('no B_INVAL');
          if (bp.b_vp) bad.push(`b_vp ${s.world.nameOf(bp.b_vp)}`);
          if (bp.b_flags & B_HASHED) bad.push('B_HASHED');
          if (bp.b_flags & B_DELWRI) bad.push('B_DELWRI');
          if (bp.b_xio.xio_npages !== 0) bad.push(`${bp.b_xio.xio_npages} page(s)`);
          if (bad.length) return `${s.world.nameOf(bp)} is on bufpcpu[${c}] EMPTY with ${bad.join(', ')}`;
        }
      }
      return null;
    }),
  },
  {
    id: 'BUF-11',
    domain: 'buf',
    kind: 'safety',
    statement: 'a flush marker carries B_MARKER, is linked only on DIRTY/DIRTY_HW, is never locked, held or given memory or identity; no buf[] header has B_MARKER',
    cite: ['vfs_bio.c:2235-2238', 'vfs_bio.c:2343-2344', 'vfs_bio.c:2354-2355', 'vfs_bio.c:2362-2363', 'vfs_bio.c:2461-2462'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const headers = new Set(g.buf);
      const markers = allBufs(sim).filter((b) => isMarker(b) && !headers.has(b));
      return (s) => {
        for (const bp of g.buf) if (isMarker(bp)) return `buf[] header ${s.world.nameOf(bp)} has B_MARKER`;
        for (const mk of markers) {
          const nm = s.world.nameOf(mk);
          if (!isMarker(mk)) return `${nm} lost B_MARKER`;
          if (mk.b_qindex !== BQUEUE_NONE && mk.b_qindex !== BQUEUE_DIRTY && mk.b_qindex !== BQUEUE_DIRTY_HW) return `${nm} is on ${qname(mk.b_qindex)}`;
          if (locked(mk)) return `${nm} is locked by ${ownerName(mk)}`;
          if (mk.b_refs !== 0) return `${nm} has b_refs ${mk.b_refs}`;
          if (mk.b_vp || mk.b_bufsize !== 0 || mk.b_xio.xio_npages !== 0 || mk.b_cmd !== BUF_CMD_DONE) return `${nm} was given a vnode, memory or a command`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-12',
    domain: 'buf',
    kind: 'safety',
    statement: 'every queued buffer has b_cmd == BUF_CMD_DONE (no queued buffer has I/O prepared or in flight)',
    cite: ['vfs_bio.c:635', 'vfs_bio.c:1363', 'vfs_bio.c:2096', 'vfs_bio.c:3528', 'vfs_bio.c:2811', 'vfs_bio.c:2975'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_qindex !== BQUEUE_NONE && bp.b_cmd !== BUF_CMD_DONE ? `on ${qname(bp.b_qindex)} with b_cmd ${bp.b_cmd}` : null)),
  },
  {
    id: 'BUF-13',
    domain: 'buf',
    kind: 'safety',
    statement: 'a buffer with I/O prepared or in flight (b_cmd != DONE) is locked (by its issuer or KERNPROC) and off-queue',
    cite: ['vfs_bio.c:972-973', 'vfs_bio.c:1021-1022', 'vfs_bio.c:3519', 'vfs_bio.c:1525-1526'],
    prepare: eachHeader((_s, _g, bp) => {
      if (bp.b_cmd === BUF_CMD_DONE) return null;
      if (!locked(bp)) return `b_cmd ${bp.b_cmd} but not locked`;
      if (bp.b_qindex !== BQUEUE_NONE) return `b_cmd ${bp.b_cmd} but on ${qname(bp.b_qindex)}`;
      return null;
    }),
  },
  {
    id: 'BUF-15',
    domain: 'buf',
    kind: 'transition',
    statement: 'getnewbuf returns a buffer locked by the caller, off-queue, without vnode, not hashed, unreferenced, without memory or pages, b_cmd DONE, flags within B_BNOCLIP|B_HEAVY',
    cite: ['vfs_bio.c:2080-2108', 'vfs_bio.c:2122-2143', 'vfs_bio.c:2196'],
    prepare: onNote('getnewbuf_return', (s, d, t) => {
      const bp = d.bp as Buf;
      const bad: string[] = [];
      if (bp.b_lock.lk_owner !== t) bad.push(`locked by ${ownerName(bp)}`);
      if (bp.b_qindex !== BQUEUE_NONE) bad.push(`on ${qname(bp.b_qindex)}`);
      if (bp.b_vp) bad.push('has a vnode');
      if (bp.b_flags & B_HASHED) bad.push('B_HASHED');
      if (bp.b_refs !== 0) bad.push(`b_refs ${bp.b_refs}`);
      if (bp.b_bufsize !== 0) bad.push(`b_bufsize ${bp.b_bufsize}`);
      if (bp.b_xio.xio_npages !== 0) bad.push(`${bp.b_xio.xio_npages} page(s)`);
      if (bp.b_cmd !== BUF_CMD_DONE) bad.push(`b_cmd ${bp.b_cmd}`);
      if (bp.b_flags & ~(B_BNOCLIP | B_HEAVY)) bad.push(`b_flags 0x${(bp.b_flags >>> 0).toString(16)}`);
      return bad.length ? `${t.name}: getnewbuf returned ${s.world.nameOf(bp)} with ${bad.join(', ')}` : null;
    }),
  },
  {
    id: 'BUF-16',
    domain: 'buf',
    kind: 'transition',
    statement: 'getblk(vp, off, size) returns a buffer locked by the caller, off-queue, B_VMIO, with identity (vp, off) and b_bcount == size',
    cite: ['vfs_bio.c:2784-2792', 'vfs_bio.c:2810-2811', 'vfs_bio.c:2835', 'vfs_bio.c:2852-2867', 'vfs_bio.c:2958-2977'],
    prepare: onNote('getblk_return', (s, d, t) => {
      const bp = d.bp as Buf | null;
      if (!bp) return null;
      const bad: string[] = [];
      if (bp.b_lock.lk_owner !== t) bad.push(`locked by ${ownerName(bp)}`);
      if (bp.b_qindex !== BQUEUE_NONE) bad.push(`on ${qname(bp.b_qindex)}`);
      if (!(bp.b_flags & B_VMIO)) bad.push('not B_VMIO');
      if (bp.b_vp !== d.vp || bp.b_loffset !== d.loffset) bad.push(`identity (${bp.b_vp ? s.world.nameOf(bp.b_vp) : 'NULL'}, ${bp.b_loffset})`);
      if (bp.b_bcount !== d.size) bad.push(`b_bcount ${bp.b_bcount} != ${d.size as number}`);
      // (b_cmd == DONE at return is not checked here: the caller may issue its I/O within the same step.)
      return bad.length ? `${t.name}: getblk(${s.world.nameOf(d.vp as Vnode)}, ${d.loffset as number}) returned ${s.world.nameOf(bp)} with ${bad.join(', ')}` : null;
    }),
  },
  {
    id: 'BUF-17',
    domain: 'buf',
    kind: 'transition',
    statement: 'a non-TEST findblk returns NULL or a buffer locked by the caller with identity (vp, loffset), holding a ref only if FINDBLK_REF was passed',
    cite: ['vfs_bio.c:2603-2609', 'vfs_bio.c:2617-2618'],
    prepare: onNote('findblk_return', (s, d, t) => {
      const bp = d.bp as Buf | null;
      if (!bp) return null;
      const bad: string[] = [];
      if (bp.b_lock.lk_owner !== t) bad.push(`locked by ${ownerName(bp)}`);
      if (bp.b_vp !== d.vp || bp.b_loffset !== d.loffset) bad.push(`identity (${bp.b_vp ? s.world.nameOf(bp.b_vp) : 'NULL'}, ${bp.b_loffset})`);
      if ((d.flags as number) & FINDBLK_REF && bp.b_refs < 1) bad.push('no ref although FINDBLK_REF');
      return bad.length ? `${t.name}: findblk returned ${s.world.nameOf(bp)} with ${bad.join(', ')}` : null;
    }),
  },
  {
    id: 'BUF-18',
    domain: 'buf',
    kind: 'safety',
    statement: 'b_refs >= 0 always',
    cite: ['vfs_bio.c:1743', 'vfs_bio.c:2590', 'vfs_bio.c:2610', 'vfs_bio.c:2617-2618'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_refs < 0 ? `b_refs ${bp.b_refs}` : null)),
  },
  {
    id: 'BUF-21',
    domain: 'buf',
    kind: 'safety',
    statement: 'every B_DELWRI buffer has b_bufsize > 0',
    cite: ['vfs_bio.c:1291-1296', 'vfs_bio.c:1546-1556', 'vfs_bio.c:1609-1610'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_flags & B_DELWRI && bp.b_bufsize <= 0 ? `B_DELWRI with b_bufsize ${bp.b_bufsize}` : null)),
  },
  {
    id: 'BUF-22',
    domain: 'buf',
    kind: 'safety',
    statement: 'every buffer on a LOCKED queue has B_LOCKED (it was released with B_LOCKED)',
    cite: ['vfs_bio.c:1538-1545', 'vfs_bio.c:1664-1673'],
    prepare: globals((s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        for (const bp of g.bufpcpu[c].bufqueues[BQUEUE_LOCKED]) if (!(bp.b_flags & B_LOCKED)) return `${s.world.nameOf(bp)} is on bufpcpu[${c}] LOCKED without B_LOCKED`;
      }
      return null;
    }),
  },
  {
    id: 'BUF-25',
    domain: 'buf',
    kind: 'safety',
    statement: 'B_VMIO implies b_vp != NULL and b_vp->v_object != NULL',
    cite: ['vfs_bio.c:2738-2739', 'vfs_bio.c:2804-2810', 'vfs_bio.c:2968-2974', 'vfs_bio.c:3042', 'vfs_bio.c:4201'],
    prepare: eachHeader((s, _g, bp) => {
      if (!(bp.b_flags & B_VMIO)) return null;
      if (!bp.b_vp) return 'B_VMIO without a vnode';
      if (!bp.b_vp.v_object) return `B_VMIO but ${s.world.nameOf(bp.b_vp)} has no VM object`;
      return null;
    }),
  },
  {
    id: 'BUF-26',
    domain: 'buf',
    kind: 'safety',
    statement: 'at most one hashed buffer per (vp, loffset); a vnode hash tree holds exactly the B_HASHED buffers with that b_vp',
    cite: ['vfs_bio.c:2949-2966', 'vfs_bio.c:1557', 'vfs_bio.c:2084'],
    prepare(sim) {
      const g = vbOf(sim);
      const vps = vnodes(sim);
      if (!g || vps.length === 0) return null;
      const bufs = allBufs(sim);
      return (s) => {
        for (const vp of vps) {
          const offs = new Set<number>();
          for (const bp of vp.v_rbhash_tree) {
            if (offs.has(bp.b_loffset)) return `two buffers hashed at (${s.world.nameOf(vp)}, ${bp.b_loffset})`;
            offs.add(bp.b_loffset);
            if (!(bp.b_flags & B_HASHED) || bp.b_vp !== vp) return `${s.world.nameOf(bp)} is in ${s.world.nameOf(vp)}'s hash tree without B_HASHED or with another b_vp`;
          }
        }
        for (const bp of bufs) {
          if (bp.b_flags & B_HASHED && !(bp.b_vp && bp.b_vp.v_rbhash_tree.includes(bp))) return `${s.world.nameOf(bp)} has B_HASHED but is not in its vnode's hash tree`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-28',
    domain: 'buf',
    kind: 'safety',
    statement: 'size bounds: b_kvasize == MAXBSIZE, 0 <= b_bufsize <= b_kvasize, 0 <= b_bcount <= MAXBSIZE, npages <= XIO_INTERNAL_PAGES',
    cite: ['vfs_bio.c:640', 'vfs_bio.c:2736-2737', 'vfs_bio.c:3039-3047', 'vfs_bio.c:3229-3230'],
    prepare: eachHeader((_s, _g, bp) => {
      if (bp.b_kvasize !== MAXBSIZE) return `b_kvasize ${bp.b_kvasize} != MAXBSIZE`;
      if (bp.b_bufsize < 0 || bp.b_bufsize > bp.b_kvasize) return `b_bufsize ${bp.b_bufsize} outside [0, ${bp.b_kvasize}]`;
      if (bp.b_bcount < 0 || bp.b_bcount > MAXBSIZE) return `b_bcount ${bp.b_bcount} outside [0, MAXBSIZE]`;
      if (bp.b_xio.xio_npages < 0 || bp.b_xio.xio_npages > XIO_INTERNAL_PAGES) return `xio_npages ${bp.b_xio.xio_npages}`;
      return null;
    }),
  },
  // ---- the model's own BUF invariants (not in the catalog)
  {
    id: 'BUF-30',
    domain: 'buf',
    kind: 'safety',
    statement: 'vnode trees agree with the flags: B_VNDIRTY iff in b_vp->v_rbdirty_tree, B_VNCLEAN iff in v_rbclean_tree, never both; tree members have that b_vp',
    cite: ['vfs_bio.c:1180', 'vfs_bio.c:1228', 'vfs_bio.c:1866', 'vfs_bio.c:2962'],
    prepare(sim) {
      const vps = vnodes(sim);
      if (!vbOf(sim) || vps.length === 0) return null;
      const bufs = allBufs(sim);
      return (s) => {
        for (const vp of vps) {
          for (const [tree, flag, nm] of [[vp.v_rbdirty_tree, B_VNDIRTY, 'dirty'], [vp.v_rbclean_tree, B_VNCLEAN, 'clean']] as const) {
            for (const bp of tree) if (!(bp.b_flags & flag) || bp.b_vp !== vp) return `${s.world.nameOf(bp)} is in ${s.world.nameOf(vp)}'s ${nm} tree without the flag or with another b_vp`;
          }
        }
        for (const bp of bufs) {
          if (bp.b_flags & B_VNDIRTY && bp.b_flags & B_VNCLEAN) return `${s.world.nameOf(bp)} has both B_VNDIRTY and B_VNCLEAN`;
          if (bp.b_flags & B_VNDIRTY && !bp.b_vp?.v_rbdirty_tree.includes(bp)) return `${s.world.nameOf(bp)} has B_VNDIRTY but is not in its vnode's dirty tree`;
          if (bp.b_flags & B_VNCLEAN && !bp.b_vp?.v_rbclean_tree.includes(bp)) return `${s.world.nameOf(bp)} has B_VNCLEAN but is not in its vnode's clean tree`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-31',
    domain: 'buf',
    kind: 'safety',
    statement: "a vnode's hash, clean and dirty trees are sorted by b_loffset without duplicates (RB-tree order)",
    cite: ['vfs_bio.c:2962', 'vfs_bio.c:2555-2577'],
    prepare(sim) {
      const vps = vnodes(sim);
      if (!vbOf(sim) || vps.length === 0) return null;
      return (s) => {
        for (const vp of vps) {
          for (const [tree, nm] of [[vp.v_rbhash_tree, 'hash'], [vp.v_rbclean_tree, 'clean'], [vp.v_rbdirty_tree, 'dirty']] as const) {
            for (let i = 1; i < tree.length; i++) if (!(tree[i - 1].b_loffset < tree[i].b_loffset)) return `${s.world.nameOf(vp)}'s ${nm} tree is not strictly ordered at ${tree[i].b_loffset}`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-32',
    domain: 'buf',
    kind: 'safety',
    statement:
      'at quiescent points, an unlocked B_DELWRI buffer is on its vnode dirty tree (B_VNDIRTY) and an unlocked clean one is not (brelse B2 clears B_DELWRI without reassignbuf; the brelvp in vfs_vmio_release fixes the trees before the unlock)',
    cite: ['vfs_bio.c:1177-1181', 'vfs_bio.c:1225-1229', 'vfs_bio.c:1311-1322', 'vfs_bio.c:1865-1866'],
    prepare: quiescent((s, g) => {
      for (const bp of g.buf) {
        if (bp.b_lock.lk_owner !== null) continue;
        if (bp.b_flags & B_DELWRI && !(bp.b_flags & B_VNDIRTY)) return `${s.world.nameOf(bp)} has B_DELWRI but not B_VNDIRTY`;
        if (bp.b_flags & B_VNDIRTY && !(bp.b_flags & B_DELWRI)) return `${s.world.nameOf(bp)} has B_VNDIRTY but not B_DELWRI`;
      }
      return null;
    }),
  },
  {
    id: 'BUF-33',
    domain: 'buf',
    kind: 'safety',
    statement: 'a B_HASHED buffer has a vnode and an offset (b_loffset != NOOFFSET)',
    cite: ['vfs_bio.c:2958-2962', 'vfs_bio.c:2089-2094'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_flags & B_HASHED && (!bp.b_vp || bp.b_loffset === NOOFFSET) ? 'B_HASHED without a vnode or offset' : null)),
  },
  {
    id: 'BUF-34',
    domain: 'buf',
    kind: 'safety',
    statement: 'an unlocked buf[] header is idle: b_cmd DONE, no I/O in flight (g_io 0), no running-space charge, no bogus page',
    cite: ['vfs_bio.c:1363', 'vfs_bio.c:3528', 'vfs_bio.c:264', 'vfs_bio.c:3693-3699'],
    prepare: eachHeader((_s, _g, bp) => {
      if (locked(bp)) return null;
      if (bp.b_cmd !== BUF_CMD_DONE) return `unlocked with b_cmd ${bp.b_cmd}`;
      if (bp.g_io !== 0) return `unlocked with an I/O in flight (${bp.g_io})`;
      if (bp.b_runningbufspace !== 0) return `unlocked with b_runningbufspace ${bp.b_runningbufspace}`;
      return null;
    }),
  },
  {
    id: 'BUF-35',
    domain: 'buf',
    kind: 'safety',
    statement: 'an unlocked buf[] header with a vnode is hashed and VMIO, and its page count matches its size (npages == b_bufsize / PAGE_SIZE)',
    cite: ['vfs_bio.c:2958-2977', 'vfs_bio.c:3039-3047', 'vfs_bio.c:3229'],
    prepare: eachHeader((_s, _g, bp) => {
      if (locked(bp)) return null;
      if (bp.b_vp && !(bp.b_flags & B_HASHED)) return 'unlocked with a vnode but not hashed';
      if (bp.b_vp && !(bp.b_flags & B_VMIO)) return 'unlocked with a vnode but not B_VMIO';
      if (bp.b_flags & B_VMIO && bp.b_xio.xio_npages !== Math.ceil(bp.b_bufsize / PAGE_SIZE)) return `unlocked with ${bp.b_xio.xio_npages} page(s) for b_bufsize ${bp.b_bufsize}`;
      return null;
    }),
  },
  {
    id: 'BUF-36',
    domain: 'buf',
    kind: 'safety',
    statement: 'a buffer on DIRTY_HW has B_HEAVY and one on DIRTY has not (HEAVY is never cleared while dirty)',
    cite: ['vfs_bio.c:1581-1590', 'vfs_bio.c:1674-1678', 'vfs_bio.c:2107-2108'],
    prepare: globals((s, g) => {
      for (let c = 0; c < g.bufpcpu.length; c++) {
        for (const bp of g.bufpcpu[c].bufqueues[BQUEUE_DIRTY_HW]) if (!isMarker(bp) && !(bp.b_flags & B_HEAVY)) return `${s.world.nameOf(bp)} is on DIRTY_HW without B_HEAVY`;
        for (const bp of g.bufpcpu[c].bufqueues[BQUEUE_DIRTY]) if (!isMarker(bp) && bp.b_flags & B_HEAVY) return `${s.world.nameOf(bp)} is on DIRTY with B_HEAVY`;
      }
      return null;
    }),
  },
  {
    id: 'BUF-37',
    domain: 'buf',
    kind: 'safety',
    statement: 'buf[] headers never carry B_CLUSTER (pbuf kinds are not cache buffers); a header without B_VMIO has no pages',
    cite: ['vfs_bio.c:1275-1276', 'vfs_bio.c:1653-1654', 'vfs_bio.c:1862-1863'],
    prepare: eachHeader((_s, _g, bp) => {
      if (bp.b_flags & B_CLUSTER) return 'B_CLUSTER on a buf[] header';
      if (!(bp.b_flags & B_VMIO) && bp.b_xio.xio_npages !== 0) return `${bp.b_xio.xio_npages} page(s) without B_VMIO`;
      return null;
    }),
  },
  {
    id: 'BUF-38',
    domain: 'buf',
    kind: 'safety',
    statement: 'a buffer lock owned by KERNPROC belongs to an I/O that has been issued and whose completion has not released it (b_cmd != DONE or bpdone running)',
    cite: ['vfs_bio.c:874', 'vfs_bio.c:937', 'vfs_bio.c:1045', 'vfs_bio.c:3716-3760'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        for (const bp of g.buf) {
          if (bp.b_lock.lk_owner !== 'KERNPROC') continue;
          if (bp.b_cmd !== BUF_CMD_DONE || bp.g_io !== 0) continue;
          // bpdone(bp, 1) of an async I/O: the completion thread is running bpdone/brelse on it.
          const completing = s.threads.some((t) => !t.done && t.frames.some((f) => f.proc.name === 'bpdone' || f.proc.name === 'biodone' || f.proc.name === 'brelse'));
          if (!completing) return `${s.world.nameOf(bp)} is owned by KERNPROC with no I/O and no completion running`;
        }
        return null;
      };
    },
  },
  {
    id: 'BUF-39',
    domain: 'buf',
    kind: 'safety',
    statement: 'a buffer lock is never held by a thread that has finished',
    cite: ['vfs_bio.c:1632', 'vfs_bio.c:1716'],
    prepare: eachHeader((_s, _g, bp) => {
      const o = bp.b_lock.lk_owner;
      return o !== null && o !== 'KERNPROC' && o.done ? `still locked by finished thread ${o.name}` : null;
    }),
  },
  {
    id: 'BUF-40',
    domain: 'buf',
    kind: 'safety',
    statement: 'a buffer with a vnode has a valid offset (b_loffset >= 0)',
    cite: ['vfs_bio.c:2958-2962', 'vfs_bio.c:3876-3877'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_vp && bp.b_loffset < 0 ? `b_vp set with b_loffset ${bp.b_loffset}` : null)),
  },
  {
    id: 'BUF-41',
    domain: 'buf',
    kind: 'safety',
    statement: 'b_cmd is DONE, READ or WRITE (the only commands the slice issues)',
    cite: ['vfs_bio.c:870', 'vfs_bio.c:987', 'vfs_bio.c:1035', 'vfs_bio.c:3528'],
    prepare: eachHeader((_s, _g, bp) => (bp.b_cmd !== BUF_CMD_DONE && bp.b_cmd !== BUF_CMD_READ && bp.b_cmd !== BUF_CMD_WRITE ? `b_cmd ${bp.b_cmd}` : null)),
  },
  {
    id: 'BUF-42',
    domain: 'buf',
    kind: 'safety',
    statement: 'bufpcpu[c].bufqueues has exactly BUFFER_QUEUES queues per CPU and holds only registered buffers (buf[] headers or markers)',
    cite: ['vfs_bio.c:90-93', 'vfs_bio.c:628-649'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const known = new Set(allBufs(sim));
      return (s) => {
        for (let c = 0; c < g.bufpcpu.length; c++) {
          if (g.bufpcpu[c].bufqueues.length !== BUFFER_QUEUES) return `bufpcpu[${c}] has ${g.bufpcpu[c].bufqueues.length} queues`;
          for (const q of g.bufpcpu[c].bufqueues) for (const bp of q) if (!known.has(bp)) return `bufpcpu[${c}] holds an unregistered buffer ${s.world.nameOf(bp)}`;
        }
        return null;
      };
    },
  },
];

// ------------------------------------------------------------------------------- ACC

const sumOf = (bufs: Buf[], pred: (bp: Buf) => boolean, f: (bp: Buf) => number): number => bufs.reduce((a, bp) => a + (pred(bp) ? f(bp) : 0), 0);
const isDirty = (bp: Buf): boolean => (bp.b_flags & B_DELWRI) !== 0;
const isDirtyHeavy = (bp: Buf): boolean => (bp.b_flags & (B_DELWRI | B_HEAVY)) === (B_DELWRI | B_HEAVY);

const accCatalog: Invariant[] = [
  {
    id: 'ACC-01',
    domain: 'buf',
    kind: 'safety',
    statement: 'bufspace == sum of b_bufsize over the buf[] headers (at quiescent points)',
    cite: ['vfs_bio.c:1857-1859', 'vfs_bio.c:3218', 'vfs_bio.c:3229'],
    prepare: quiescent((_s, g) => {
      const sum = sumOf(g.buf, () => true, (bp) => bp.b_bufsize);
      return g.bufspace !== sum ? `bufspace ${g.bufspace} but the buffers hold ${sum}` : null;
    }),
  },
  {
    id: 'ACC-02',
    domain: 'buf',
    kind: 'safety',
    statement: 'dirtybufcount == number of B_DELWRI buf[] headers (at quiescent points)',
    cite: ['vfs_bio.c:1183', 'vfs_bio.c:1231', 'vfs_bio.c:1312'],
    prepare: quiescent((_s, g) => {
      const n = g.buf.filter(isDirty).length;
      return g.dirtybufcount !== n ? `dirtybufcount ${g.dirtybufcount} but ${n} buffer(s) have B_DELWRI` : null;
    }),
  },
  {
    id: 'ACC-03',
    domain: 'buf',
    kind: 'safety',
    statement: 'dirtybufspace == sum of b_bufsize over B_DELWRI buffers (at quiescent points)',
    cite: ['vfs_bio.c:1185', 'vfs_bio.c:1233', 'vfs_bio.c:1314', 'vfs_bio.c:3220-3223'],
    prepare: quiescent((_s, g) => {
      const sum = sumOf(g.buf, isDirty, (bp) => bp.b_bufsize);
      return g.dirtybufspace !== sum ? `dirtybufspace ${g.dirtybufspace} but B_DELWRI buffers hold ${sum}` : null;
    }),
  },
  {
    id: 'ACC-04',
    domain: 'buf',
    kind: 'safety',
    statement: 'dirtybufcounthw == #(B_DELWRI and B_HEAVY) and dirtybufspacehw == their b_bufsize sum (at quiescent points)',
    cite: ['vfs_bio.c:1186-1189', 'vfs_bio.c:1204-1207', 'vfs_bio.c:1234-1237', 'vfs_bio.c:1315-1319', 'vfs_bio.c:3224-3227'],
    prepare: quiescent((_s, g) => {
      const n = g.buf.filter(isDirtyHeavy).length;
      const sum = sumOf(g.buf, isDirtyHeavy, (bp) => bp.b_bufsize);
      if (g.dirtybufcounthw !== n) return `dirtybufcounthw ${g.dirtybufcounthw} but ${n} buffer(s) are B_DELWRI|B_HEAVY`;
      if (g.dirtybufspacehw !== sum) return `dirtybufspacehw ${g.dirtybufspacehw} but B_DELWRI|B_HEAVY buffers hold ${sum}`;
      return null;
    }),
  },
  {
    id: 'ACC-05',
    domain: 'buf',
    kind: 'safety',
    statement: 'dirtykvaspace == sum of b_kvasize over B_DELWRI buffers == MAXBSIZE * dirtybufcount (at quiescent points)',
    cite: ['vfs_bio.c:640', 'vfs_bio.c:1184', 'vfs_bio.c:1232', 'vfs_bio.c:1313', 'vfs_bio.c:3222'],
    prepare: quiescent((_s, g) => {
      const sum = sumOf(g.buf, isDirty, (bp) => bp.b_kvasize);
      if (g.dirtykvaspace !== sum) return `dirtykvaspace ${g.dirtykvaspace} but B_DELWRI buffers have ${sum} of KVA`;
      if (g.dirtykvaspace !== MAXBSIZE * g.dirtybufcount) return `dirtykvaspace ${g.dirtykvaspace} != MAXBSIZE * dirtybufcount (${g.dirtybufcount})`;
      return null;
    }),
  },
  {
    id: 'ACC-06',
    domain: 'buf',
    kind: 'safety',
    statement: 'runningbufspace == sum of b_runningbufspace and runningbufcount == #(b_runningbufspace != 0), over all buffers (at quiescent points)',
    cite: ['vfs_bio.c:1253-1257', 'vfs_bio.c:261-264'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const bufs = allBufs(sim);
      return () => {
        if (g.g_acct_window !== 0) return null;
        const sum = sumOf(bufs, () => true, (bp) => bp.b_runningbufspace);
        const n = bufs.filter((bp) => bp.b_runningbufspace !== 0).length;
        if (g.runningbufspace !== sum) return `runningbufspace ${g.runningbufspace} but buffers are charged ${sum}`;
        if (g.runningbufcount !== n) return `runningbufcount ${g.runningbufcount} but ${n} buffer(s) are charged`;
        return null;
      };
    },
  },
  {
    id: 'ACC-07',
    domain: 'buf',
    kind: 'safety',
    statement: 'b_runningbufspace != 0 only while a WRITE issued by bwrite/bawrite is in flight (g_io == WRITE); it is never negative',
    cite: ['vfs_bio.c:997', 'vfs_bio.c:1044', 'vfs_bio.c:1253', 'vfs_bio.c:3724', 'vfs_bio.c:3803'],
    prepare: eachHeader((_s, _g, bp) => {
      if (bp.b_runningbufspace < 0) return `b_runningbufspace ${bp.b_runningbufspace}`;
      if (bp.b_runningbufspace !== 0 && bp.g_io !== BUF_CMD_WRITE) return `b_runningbufspace ${bp.b_runningbufspace} without a WRITE in flight`;
      return null;
    }),
  },
  {
    id: 'ACC-08',
    domain: 'buf',
    kind: 'safety',
    statement: 'every counter (bufspace, the dirty counters, runningbufspace/count) and every b_refs is >= 0 at all times',
    cite: ['vfs_bio.c:1743', 'vfs_bio.c:262', 'vfs_bio.c:1231-1237', 'vfs_bio.c:1312-1318', 'vfs_bio.c:1857-1859'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const bufs = allBufs(sim);
      const names = ['bufspace', 'dirtykvaspace', 'dirtybufspace', 'dirtybufcount', 'dirtybufspacehw', 'dirtybufcounthw', 'runningbufspace', 'runningbufcount'] as const;
      return (s) => {
        for (const k of names) if (g[k] < 0) return `${k} is ${g[k]}`;
        for (const bp of bufs) if (bp.b_refs < 0) return `${s.world.nameOf(bp)}: b_refs ${bp.b_refs}`;
        return null;
      };
    },
  },
  {
    id: 'ACC-11',
    domain: 'buf',
    kind: 'safety',
    statement: 'the getnewbuf hysteresis flags flushingbufs[c] are 0 or 1',
    cite: ['vfs_bio.c:1896', 'vfs_bio.c:1910-1911', 'vfs_bio.c:2110-2113'],
    prepare: globals((_s, g) => {
      for (let c = 0; c < g.flushingbufs.length; c++) if (g.flushingbufs[c] !== 0 && g.flushingbufs[c] !== 1) return `flushingbufs[${c}] is ${g.flushingbufs[c]}`;
      return null;
    }),
  },
  {
    id: 'ACC-12',
    domain: 'buf',
    kind: 'safety',
    statement: 'the counters are bounded by the pool: dirtybufcount <= nbuf, dirtykvaspace <= nbuf * MAXBSIZE, hw counts <= their totals, bufspace <= maxbufspace (quiescent)',
    cite: ['vfs_bio.c:663', 'vfs_bio.c:1183-1189'],
    prepare: quiescent((_s, g) => {
      if (g.dirtybufcount > g.nbuf) return `dirtybufcount ${g.dirtybufcount} > nbuf ${g.nbuf}`;
      if (g.dirtykvaspace > g.nbuf * MAXBSIZE) return `dirtykvaspace ${g.dirtykvaspace} > nbuf * MAXBSIZE`;
      if (g.dirtybufcounthw > g.dirtybufcount) return `dirtybufcounthw ${g.dirtybufcounthw} > dirtybufcount ${g.dirtybufcount}`;
      if (g.dirtybufspacehw > g.dirtybufspace) return `dirtybufspacehw ${g.dirtybufspacehw} > dirtybufspace ${g.dirtybufspace}`;
      if (g.dirtybufspace > g.bufspace) return `dirtybufspace ${g.dirtybufspace} > bufspace ${g.bufspace}`;
      if (g.bufspace > g.maxbufspace) return `bufspace ${g.bufspace} > maxbufspace ${g.maxbufspace}`;
      return null;
    }),
  },
  {
    id: 'ACC-13',
    domain: 'buf',
    kind: 'safety',
    statement: 'the dirty counters never exceed the pool, even between a flag change and its counter update: dirtybufcount <= nbuf, runningbufcount <= number of buffers',
    cite: ['vfs_bio.c:1183', 'vfs_bio.c:1256'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const nb = allBufs(sim).length;
      return () => {
        if (g.dirtybufcount > g.nbuf) return `dirtybufcount ${g.dirtybufcount} > nbuf ${g.nbuf}`;
        if (g.dirtybufcounthw > g.nbuf) return `dirtybufcounthw ${g.dirtybufcounthw} > nbuf ${g.nbuf}`;
        if (g.runningbufcount > nb) return `runningbufcount ${g.runningbufcount} > ${nb} buffers`;
        return null;
      };
    },
  },
  {
    id: 'ACC-14',
    domain: 'buf',
    kind: 'safety',
    statement: 'needsbuffer holds only VFS_BIO_NEED_ANY | VFS_BIO_NEED_BUFSPACE',
    cite: ['vfs_bio.c:216-219', 'vfs_bio.c:2177', 'vfs_bio.c:235-246', 'vfs_bio.c:297-307'],
    prepare: globals((_s, g) => ((g.needsbuffer.v & ~(VFS_BIO_NEED_ANY | VFS_BIO_NEED_BUFSPACE)) !== 0 ? `needsbuffer is 0x${(g.needsbuffer.v >>> 0).toString(16)}` : null)),
  },
  {
    id: 'ACC-15',
    domain: 'buf',
    kind: 'safety',
    statement: 'the wakeup words are non-negative: runningbufreq, bd_request, bd_request_hw, bd_wake_index and every bd_wake_ary[i]',
    cite: ['vfs_bio.c:330', 'vfs_bio.c:269-279', 'vfs_bio.c:395-406', 'vfs_bio.c:2283', 'vfs_bio.c:481', 'vfs_bio.c:506-508'],
    prepare: globals((_s, g) => {
      if (g.runningbufreq.v < 0) return `runningbufreq is ${g.runningbufreq.v}`;
      if (g.bd_request.v < 0) return `bd_request is ${g.bd_request.v}`;
      if (g.bd_request_hw.v < 0) return `bd_request_hw is ${g.bd_request_hw.v}`;
      if (g.bd_wake_index.v < 0) return `bd_wake_index is ${g.bd_wake_index.v}`;
      for (let i = 0; i < g.bd_wake_ary.length; i++) if (g.bd_wake_ary[i].v < 0) return `bd_wake_ary[${i}] is ${g.bd_wake_ary[i].v}`;
      return null;
    }),
  },
  {
    id: 'ACC-16',
    domain: 'buf',
    kind: 'safety',
    statement: 'the space thresholds keep their order: lobufspace < hibufspace <= maxbufspace and lodirtybufspace <= hidirtybufspace',
    cite: ['vfs_bio.c:663-669', 'vfs_bio.c:683', 'vfs_bio.c:692'],
    prepare: globals((_s, g) => {
      if (!(g.lobufspace < g.hibufspace && g.hibufspace <= g.maxbufspace)) return `lobufspace ${g.lobufspace}, hibufspace ${g.hibufspace}, maxbufspace ${g.maxbufspace} out of order`;
      if (g.lodirtybufspace > g.hidirtybufspace) return `lodirtybufspace ${g.lodirtybufspace} > hidirtybufspace ${g.hidirtybufspace}`;
      return null;
    }),
  },
];

// ------------------------------------------------------------------------------- IO

const ioCatalog: Invariant[] = [
  {
    id: 'IO-06',
    domain: 'buf',
    kind: 'transition',
    statement: "after bpdone settles a WRITE on a buffer with a vnode: success => not B_DELWRI; error and not B_INVAL => B_DELWRI without B_NOCACHE",
    cite: ['vfs_bio.c:3541-3565'],
    prepare: onNote('bpdone_write_settled', (s, d, t) => {
      const bp = d.bp as Buf;
      if (d.cmd !== BUF_CMD_WRITE || !bp.b_vp) return null;
      const f = bp.b_flags;
      if ((f & (B_ERROR | B_INVAL)) === B_ERROR) {
        if (!(f & B_DELWRI) || f & B_NOCACHE) return `${t.name}: a failed write left ${s.world.nameOf(bp)} ${f & B_DELWRI ? 'with B_NOCACHE' : 'without B_DELWRI'}`;
      } else if (!(f & B_ERROR) && f & B_DELWRI) {
        return `${t.name}: a successful write left ${s.world.nameOf(bp)} B_DELWRI`;
      }
      return null;
    }),
  },
  {
    id: 'IO-12',
    domain: 'buf',
    kind: 'safety',
    statement: 'a WRITE in flight on a non-INVAL buffer has B_CACHE (bwrite/bawrite set it at issue)',
    cite: ['vfs_bio.c:986', 'vfs_bio.c:1034', 'vfs_bio.c:957-961'],
    prepare: eachHeader((_s, _g, bp) => (bp.g_io === BUF_CMD_WRITE && bp.b_cmd === BUF_CMD_WRITE && !(bp.b_flags & (B_INVAL | B_CACHE)) ? 'WRITE in flight without B_CACHE' : null)),
  },
  {
    id: 'IO-14',
    domain: 'buf',
    kind: 'safety',
    statement: 'the I/O in flight (g_io) is READ or WRITE, agrees with b_cmd until bpdone starts, and is on a locked, off-queue buffer',
    cite: ['vfs_bio.c:3353', 'vfs_bio.c:3519-3528'],
    prepare: eachHeader((_s, _g, bp) => {
      if (bp.g_io === 0) return null;
      if (bp.g_io !== BUF_CMD_READ && bp.g_io !== BUF_CMD_WRITE) return `g_io ${bp.g_io}`;
      if (bp.b_cmd !== BUF_CMD_DONE && bp.b_cmd !== bp.g_io) return `b_cmd ${bp.b_cmd} but the I/O in flight is ${bp.g_io}`;
      if (!locked(bp)) return 'I/O in flight on an unlocked buffer';
      if (bp.b_qindex !== BQUEUE_NONE) return `I/O in flight while on ${qname(bp.b_qindex)}`;
      return null;
    }),
  },
  {
    id: 'IO-15',
    domain: 'buf',
    kind: 'transition',
    statement: 'bread returns its buffer locked by the caller (sync reads keep the issuer as owner)',
    cite: ['vfs_bio.c:890-946', 'vfs_bio.c:915-924'],
    prepare: onNote('bread_return', (s, d, t) => {
      const bp = d.bp as Buf | null;
      if (!bp) return null;
      // Only the owner is checked: the caller may change flags and b_cmd within the same step.
      if (bp.b_lock.lk_owner !== t) return `${t.name}: bread returned ${s.world.nameOf(bp)} locked by ${ownerName(bp)}`;
      return null;
    }),
  },
  {
    id: 'IO-16',
    domain: 'buf',
    kind: 'transition',
    statement: 'bwrite returns only after its write completed: b_cmd DONE and no I/O in flight on the buffer',
    cite: ['vfs_bio.c:998-1000', 'vfs_bio.c:3283'],
    prepare: onNote('bwrite_return', (s, d, t) => {
      const bp = d.bp as Buf;
      if (bp.b_cmd !== BUF_CMD_DONE || bp.g_io !== 0) return `${t.name}: bwrite returned with ${s.world.nameOf(bp)} still in I/O (b_cmd ${bp.b_cmd}, g_io ${bp.g_io})`;
      return null;
    }),
  },
];

// ------------------------------------------------------------------------------- VM

/** A check over the VMIO buffers' page slots. */
function eachSlot(what: (sim: Sim, g: VfsBio, bp: Buf, i: number, m: VmPage) => string | null): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const g = vbOf(sim);
    if (!g || g.buf.length === 0) return null;
    return (s) => {
      for (const bp of g.buf) {
        for (const [i, m] of slots(bp)) {
          const r = what(s, g, bp, i, m);
          if (r) return `${s.world.nameOf(bp)} slot ${i}: ${r}`;
        }
      }
      return null;
    };
  };
}

const vmCatalog: Invariant[] = [
  {
    id: 'VM-01',
    domain: 'buf',
    kind: 'safety',
    statement: "each non-bogus page in a buffer's xio holds a wiring from it: wire_count(m) >= number of buffers containing m",
    cite: ['vfs_bio.c:3147', 'vfs_bio.c:3159', 'vfs_bio.c:3074', 'vfs_bio.c:1795-1798'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        const n = new Map<VmPage, number>();
        for (const bp of g.buf) for (const [, m] of slots(bp)) if (m !== g.bogus_page) n.set(m, (n.get(m) ?? 0) + 1);
        for (const [m, k] of n) if (m.wire_count < k) return `${s.world.nameOf(m)}: wire_count ${m.wire_count} but in ${k} buffer(s)`;
        return null;
      };
    },
  },
  {
    id: 'VM-02',
    domain: 'buf',
    kind: 'safety',
    statement: "xio_pages[i] is bogus_page or the page of b_vp->v_object at OFF_TO_IDX(b_loffset) + i",
    cite: ['vfs_bio.c:3121-3122', 'vfs_bio.c:1434-1436', 'vfs_bio.c:3634-3636', 'vfs_bio.c:3822-3825', 'vfs_bio.c:4027'],
    prepare: eachSlot((s, g, bp, i, m) => {
      if (m === g.bogus_page) return null;
      const want = homePage(bp, i);
      return m !== want ? `holds ${s.world.nameOf(m)}, not the object's page at ${OFF_TO_IDX(bp.b_loffset) + i}` : null;
    }),
  },
  {
    id: 'VM-03',
    domain: 'buf',
    kind: 'safety',
    statement: 'a bogus_page slot implies B_HASBOGUS, and only a READ buffer has bogus slots',
    cite: ['vfs_bio.c:1432-1433', 'vfs_bio.c:3632-3633', 'vfs_bio.c:3952-3967'],
    prepare: eachSlot((_s, g, bp, _i, m) => {
      if (m !== g.bogus_page) return null;
      if (!(bp.b_flags & B_HASBOGUS)) return 'bogus_page without B_HASBOGUS';
      if (bp.b_cmd === BUF_CMD_WRITE || bp.g_io === BUF_CMD_WRITE) return 'bogus_page in a WRITE buffer';
      return null;
    }),
  },
  {
    id: 'VM-04',
    domain: 'buf',
    kind: 'safety',
    statement: 'an unlocked buffer has no bogus slot and no B_HASBOGUS',
    cite: ['vfs_bio.c:3693-3699', 'vfs_bio.c:3833-3838', 'vfs_bio.c:1422-1453'],
    prepare: eachHeader((s, g, bp) => {
      if (locked(bp)) return null;
      if (bp.b_flags & B_HASBOGUS) return 'unlocked with B_HASBOGUS';
      for (const [i, m] of slots(bp)) if (m === g.bogus_page) return `unlocked with bogus_page in slot ${i}`;
      void s;
      return null;
    }),
  },
  {
    id: 'VM-05',
    domain: 'buf',
    kind: 'safety',
    statement: "a page's soft-busy count is at least the number of buffers whose READ/WRITE is in flight past vfs_busy_pages and that contain it (directly or via bogus_page)",
    cite: ['vfs_bio.c:3899-3906', 'vfs_bio.c:3665-3689', 'vfs_bio.c:3828-3831'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        // Only buffers that have reached vn_strategy (the issuer has left vfs_busy_pages) and
        // whose bpdone has not started its page loop: b_cmd != DONE, nobody inside vfs_busy_pages.
        const busying = s.threads.some((t) => !t.done && t.frames.some((f) => f.proc.name === 'vfs_busy_pages'));
        if (busying) return null;
        const n = new Map<VmPage, number>();
        for (const bp of g.buf) {
          if (bp.g_io === 0 || bp.b_cmd === BUF_CMD_DONE || !(bp.b_flags & B_VMIO)) continue;
          for (const [i, m] of slots(bp)) {
            const p = m === g.bogus_page ? homePage(bp, i) : m;
            if (p) n.set(p, (n.get(p) ?? 0) + 1);
          }
        }
        for (const [m, k] of n) if (m.busy_count < k) return `${s.world.nameOf(m)}: busy_count ${m.busy_count} but ${k} I/O(s) in flight over it`;
        return null;
      };
    },
  },
  {
    id: 'VM-12',
    domain: 'buf',
    kind: 'transition',
    statement: 'after vfs_vmio_release: no pages, b_bufsize 0, not B_VMIO',
    cite: ['vfs_bio.c:1767-1866'],
    prepare: onNote('vmio_release_done', (s, d, t) => {
      const bp = d.bp as Buf;
      if (bp.b_xio.xio_npages !== 0 || bp.b_bufsize !== 0 || bp.b_flags & B_VMIO) return `${t.name}: vfs_vmio_release left ${s.world.nameOf(bp)} with ${bp.b_xio.xio_npages} page(s), b_bufsize ${bp.b_bufsize}${bp.b_flags & B_VMIO ? ', B_VMIO' : ''}`;
      return null;
    }),
  },
  {
    id: 'VM-15',
    domain: 'buf',
    kind: 'safety',
    statement: 'bogus_page belongs to no object, stays wired and fully valid, and is never busied',
    cite: ['vfs_bio.c:115-122', 'vfs_bio.c:701-708', 'vfs_bio.c:3952-3967'],
    prepare(sim) {
      const g = vbOf(sim);
      if (!g) return null;
      const objs = objectsWith<{ pages: VmPage[]; paging_in_progress: number }>(sim, 'pages', 'paging_in_progress');
      return () => {
        const b = g.bogus_page;
        if (b.object !== null) return 'bogus_page belongs to an object';
        if (b.wire_count < 1) return `bogus_page wire_count ${b.wire_count}`;
        if (b.valid !== VM_PAGE_BITS_ALL) return 'bogus_page is not fully valid';
        if (b.busy !== null || b.busy_count !== 0) return `bogus_page is busied (${b.busy?.name ?? ''} / ${b.busy_count})`;
        for (const o of objs) if (o.pages.includes(b)) return 'bogus_page is in an object';
        return null;
      };
    },
  },
  {
    id: 'VM-16',
    domain: 'buf',
    kind: 'safety',
    statement: "a page's g_bogus equals the number of buffer slots where bogus_page stands in for it",
    cite: ['vfs_bio.c:3952-3967', 'vfs_bio.c:1434-1436', 'vfs_bio.c:3634-3636', 'vfs_bio.c:3822-3825'],
    prepare(sim) {
      const g = vbOf(sim);
      const ps = pages(sim);
      if (!g || g.buf.length === 0) return null;
      return (s) => {
        const n = new Map<VmPage, number>();
        for (const bp of g.buf) {
          for (const [i, m] of slots(bp)) {
            if (m !== g.bogus_page) continue;
            const p = homePage(bp, i);
            if (!p) return `${s.world.nameOf(bp)} slot ${i}: bogus_page stands in for no page`;
            n.set(p, (n.get(p) ?? 0) + 1);
          }
        }
        for (const m of ps) if (m !== g.bogus_page && m.g_bogus !== (n.get(m) ?? 0)) return `${s.world.nameOf(m)}: g_bogus ${m.g_bogus} but ${n.get(m) ?? 0} bogus slot(s) stand in for it`;
        return null;
      };
    },
  },
  {
    id: 'VM-17',
    domain: 'buf',
    kind: 'safety',
    statement: 'page and object counts are non-negative: wire_count, busy_count, g_bogus and paging_in_progress >= 0',
    cite: ['vfs_bio.c:3665', 'vfs_bio.c:3685', 'vfs_bio.c:3899-3906'],
    prepare(sim) {
      const ps = pages(sim);
      const objs = objectsWith<{ paging_in_progress: number }>(sim, 'pages', 'paging_in_progress');
      if (!vbOf(sim) || ps.length === 0) return null;
      return (s) => {
        for (const m of ps) if (m.wire_count < 0 || m.busy_count < 0 || m.g_bogus < 0) return `${s.world.nameOf(m)}: wire_count ${m.wire_count}, busy_count ${m.busy_count}, g_bogus ${m.g_bogus}`;
        for (const o of objs) if (o.paging_in_progress < 0) return `${s.world.nameOf(o)}: paging_in_progress ${o.paging_in_progress}`;
        return null;
      };
    },
  },
  {
    id: 'VM-18',
    domain: 'buf',
    kind: 'safety',
    statement: "a page held by a buffer is resident (not free) and is its object's page at its pindex",
    cite: ['vfs_bio.c:1434-1436', 'vfs_bio.c:3121-3122'],
    prepare: eachSlot((s, g, _bp, _i, m) => {
      if (m === g.bogus_page) return null;
      if (m.queue === PQ_FREE) return `${s.world.nameOf(m)} is free`;
      if (!m.object || m.object.pages[m.pindex] !== m) return `${s.world.nameOf(m)} is not its object's page at ${m.pindex}`;
      return null;
    }),
  },
  {
    id: 'VM-19',
    domain: 'buf',
    kind: 'safety',
    statement: 'a wired or busied page is resident',
    cite: ['vfs_bio.c:3147', 'vfs_bio.c:3899-3906'],
    prepare(sim) {
      const g = vbOf(sim);
      const ps = pages(sim);
      if (!g || ps.length === 0) return null;
      return (s) => {
        for (const m of ps) if (m !== g.bogus_page && m.queue === PQ_FREE && (m.wire_count > 0 || m.busy_count > 0 || m.busy !== null)) return `${s.world.nameOf(m)} is free but wired/busied`;
        return null;
      };
    },
  },
  {
    id: 'VM-20',
    domain: 'buf',
    kind: 'safety',
    statement: 'a page is hard-busied only by a live thread',
    cite: ['vfs_bio.c:3880-3893', 'vfs_bio.c:3988', 'vfs_bio.c:1771-1774'],
    prepare(sim) {
      const ps = pages(sim);
      if (!vbOf(sim) || ps.length === 0) return null;
      return (s) => {
        for (const m of ps) if (m.busy && m.busy.done) return `${s.world.nameOf(m)} is still busied by finished thread ${m.busy.name}`;
        return null;
      };
    },
  },
];

// ------------------------------------------------------------------------------- WAKE, NEST

const wakeCatalog: Invariant[] = [
  {
    id: 'WAKE-01',
    domain: 'buf',
    kind: 'liveness',
    statement: 'a getnewbuf waiter that set its needsbuffer bit is woken by a later release (no lost wakeup: checked as no deadlock in getnewbuf)',
    cite: ['vfs_bio.c:2177-2189', 'vfs_bio.c:227-247', 'vfs_bio.c:292-308', 'vfs_bio.c:1619-1626', 'vfs_bio.c:1699-1708'],
    hazard: 'A-1',
    blockedIn: ['getnewbuf'],
  },
  {
    id: 'WAKE-03',
    domain: 'buf',
    kind: 'liveness',
    statement: 'a thread asleep in waitrunningbufspace is woken by the next runningbufwakeup (checked as no deadlock in waitrunningbufspace)',
    cite: ['vfs_bio.c:322-334', 'vfs_bio.c:255-282'],
    hazard: 'A-2',
    blockedIn: ['waitrunningbufspace'],
  },
  {
    id: 'WAKE-05',
    domain: 'buf',
    kind: 'liveness',
    statement: 'a bd_wait waiter registered for ticket i is woken when bd_wake_index passes i (checked as no deadlock in bd_wait)',
    cite: ['vfs_bio.c:466-484', 'vfs_bio.c:502-511'],
    blockedIn: ['bd_wait'],
  },
  {
    id: 'WAKE-11',
    domain: 'buf',
    kind: 'safety',
    statement: 'buffer daemons never wait in bd_wait (no daemon self-wait)',
    cite: ['vfs_bio.c:454-455'],
    prepare(sim) {
      if (!vbOf(sim)) return null;
      return (s) => {
        for (const t of s.threads) if (t.daemon && !t.done && t.frames.some((f) => f.proc.name === 'bd_wait')) return `daemon ${t.name} is in bd_wait`;
        return null;
      };
    },
  },
  {
    id: 'NEST-01',
    domain: 'buf',
    kind: 'safety',
    statement: "a bio's nested-I/O count (bio_driver_info) is never negative",
    cite: ['vfs_bio.c:4510-4519', 'vfs_bio.c:4574', 'vfs_bio.c:4535-4541'],
    prepare(sim) {
      const bios = objectsWith<Bio>(sim, 'bio_flags', 'bio_driver_info');
      if (!vbOf(sim) || bios.length === 0) return null;
      return (s) => {
        for (const b of bios) if (b.bio_driver_info < 0) return `${s.world.nameOf(b)}: bio_driver_info ${b.bio_driver_info}`;
        return null;
      };
    },
  },
  {
    id: 'IO-17',
    domain: 'buf',
    kind: 'safety',
    statement: 'while an issued I/O has not reached bpdone (b_cmd != DONE and g_io set), its b_bio1 has no BIO_DONE',
    cite: ['vfs_bio.c:3385', 'vfs_bio.c:3284', 'vfs_bio.c:854-856', 'vfs_bio.c:3779-3788'],
    prepare: eachHeader((_s, _g, bp) => (bp.g_io !== 0 && bp.b_cmd !== BUF_CMD_DONE && bp.b_bio1.bio_flags & BIO_DONE ? 'BIO_DONE set while the I/O has not completed' : null)),
  },
];

/** the restart reasons getnewbuf can take (a transition check on its restart notes). */
const restartReason: Invariant = {
    id: 'BUF-43',
    domain: 'buf',
    kind: 'transition',
    statement: 'getnewbuf restarts its scan only for reasons 1, 2, 3, 5, 6 and 7 (there is no reason 4 in this revision, A-7)',
    cite: ['vfs_bio.c:2027', 'vfs_bio.c:2034', 'vfs_bio.c:2055', 'vfs_bio.c:2117', 'vfs_bio.c:2134', 'vfs_bio.c:2163'],
    hazard: 'A-7',
    prepare(sim) {
      if (!vbOf(sim)) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'getnewbuf_restart') continue;
          const r = n.data.reason as number;
          if (![1, 2, 3, 5, 6, 7].includes(r)) return `${n.thread.name}: getnewbuf restarted for reason ${r}`;
        }
        return null;
      };
    },
  };

export const bufInvariants: Invariant[] = [...bufCatalog, ...accCatalog, ...ioCatalog, ...vmCatalog, ...wakeCatalog, restartReason];
