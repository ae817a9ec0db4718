'use kernel';
/** E10 (equivalent): getnewbuf rechecks only b_refs after locking, not b_qindex (vfs_bio.c:2031). */
import { allocbuf, bd_speedup, bqrelse, brelse, bremfree_locked, vfs_vmio_release } from '../impl/kernel/vfs_bio.ts';
import { atomic_fetchadd_int, atomic_set_int, B_AGE, B_BNOCLIP, B_DELWRI, B_HASHED, B_HEAVY, B_INVAL, B_LOCKED, B_VMIO, B_VNCLEAN, B_VNDIRTY, BQUEUE_CLEAN, BQUEUE_EMPTY, BUF_CMD_DONE, GETBLK_BHEAVY, GETBLK_PCATCH, NOOFFSET, KASSERT, type Kernel, KKASSERT, lifecycle, LK_EXCLUSIVE, LK_NOWAIT, load, mycpu, note, panic, PCATCH, PINTERLOCKED, spin_lock, spin_unlock, tsleep, tsleep_interlock, VFS_BIO_NEED_ANY, VFS_BIO_NEED_BUFSPACE } from '../impl/api.ts';
import { type Buf, BUF_LOCK, BUF_UNLOCK } from '../impl/env/bio.ts';
import { type BufPcpu, TAILQ_FIRST, TAILQ_INSERT_TAIL, TAILQ_NEXT, TAILQ_REMOVE, vb } from '../impl/kernel/vfs_bio_state.ts';
import { buf_deallocate } from '../impl/env/softdep.ts';
import { brelvp } from '../impl/env/vnode.ts';
import { currentSim } from '../impl/sim/kernel.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "E10",
  title: "getnewbuf without the b_qindex half of its recheck (equivalent)",
  description: "After BUF_LOCK(LK_NOWAIT) succeeds, getnewbuf rechecks only b_refs.",
  cite: [
    "vfs_bio.c:2031-2037"
  ],
  expect: "survives",
  killedBy: [],
  scenario: "buf-reuse",
  params: {
    lookups: 1,
    pressure: 0
  },
  why: "The scan holds bufpcpu->spin continuously from reading bp off queue qindex to the recheck, and every requeue (bremfree, brelse, bqrelse, the B_AGE move) needs that spin; a successful non-blocking BUF_LOCK also means no lock holder exists that could requeue bp in between. So b_qindex == qindex always holds at the recheck, despite the comment at vfs_bio.c:2020-2022; only the b_refs half (findblk refs without the buffer lock) can fail."
};

function currentOptions(): Record<string, unknown> {
  return currentSim().options;
}

const hz = 100;

export default {
  *getnewbuf(blkflags: number, slptimeo: number, _size: number, _maxsize: number): Kernel<Buf | null> {
    const g = vb();
    let pcpu: BufPcpu;
    let bp: Buf | null = null;
    let nbp: Buf | null;
    let nqindex: number;
    let nqcpu: number;
    const slpflags = blkflags & GETBLK_PCATCH ? PCATCH : 0;
    let maxloops = 200000;
    let restart_reason = 0;
    const debug_bufbio = currentOptions().debug_bufbio === true;

    nqcpu = mycpu(); // vfs_bio.c:1907
    const flushingp = nqcpu; // &flushingbufs[nqcpu] (vfs_bio.c:1908)
    restart: for (;;) {
      if (g.bufspace < g.lobufspace) g.flushingbufs[flushingp] = 0; // vfs_bio.c:1910-1911

      // debug_bufbio (a sysctl, off by default; scenario option) bounds the restarts (vfs_bio.c:1913-1915).
      // The C prints restart_reason/restart_bp; the model's message leaves them out so that those
      // locals stay dead (not part of the state) — they only document the reasons below.
      if (debug_bufbio && --maxloops === 0) panic('vfs_bio.c:1914', `getnewbuf, excessive loops on cpu ${mycpu()}`);

      // Setup for scan: EMPTY, then CLEAN (vfs_bio.c:1917-1938).
      pcpu = g.bufpcpu[nqcpu];
      yield* spin_lock(pcpu.spin); // vfs_bio.c:1926

      nqindex = BQUEUE_EMPTY;
      nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_EMPTY]);
      if (nbp === null || g.flushingbufs[flushingp]) {
        nqindex = BQUEUE_CLEAN;
        nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_CLEAN]);
      }

      // Run the scan. WARNING! spin is held (vfs_bio.c:1940-1946).
      while ((bp = nbp) !== null) {
        const qindex = nqindex;

        nbp = TAILQ_NEXT(bp); // vfs_bio.c:1949

        // BQUEUE_CLEAN - B_AGE special case: cycle through twice (vfs_bio.c:1951-1963). Note the
        // unlocked read-modify-write of b_flags.
        if (qindex === BQUEUE_CLEAN && (bp.b_flags & B_AGE) === 0 && nbp) {
          bp.b_flags |= B_AGE;
          TAILQ_REMOVE(pcpu.bufqueues[qindex], bp);
          TAILQ_INSERT_TAIL(pcpu.bufqueues[qindex], bp);
          continue;
        }

        // Calculate the next bp (vfs_bio.c:1965-1982).
        if (nbp === null && qindex === BQUEUE_EMPTY) {
          nqindex = BQUEUE_CLEAN;
          nbp = TAILQ_FIRST(pcpu.bufqueues[BQUEUE_CLEAN]);
        }

        // Sanity checks (vfs_bio.c:1984-1995).
        KASSERT(bp.b_qindex === qindex, 'vfs_bio.c:1987-1988', `getnewbuf: inconsistent queue ${qindex}`);
        KASSERT((bp.b_flags & B_DELWRI) === 0, 'vfs_bio.c:1994-1995', `delwri buffer found in queue ${qindex}`);

        // Do not try to reuse a buffer with a non-zero b_refs: unsynchronized test (vfs_bio.c:1997-2003).
        if (bp.b_refs) continue;

        // Lock it; b_refs and the queue are rechecked after locking (vfs_bio.c:2005-2037).
        if ((yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) !== 0) {
          yield* spin_unlock(pcpu.spin);
          yield* tsleep(g.bd_request, 0, 'gnbxxx', Math.trunc((hz + 99) / 100)); // vfs_bio.c:2026
          restart_reason = 1;
          continue restart;
        }
        if (bp.b_refs) { // EQUIVALENT: was bp->b_qindex != qindex || bp->b_refs (vfs_bio.c:2031)
          yield* spin_unlock(pcpu.spin);
          yield* BUF_UNLOCK(bp);
          restart_reason = 2;
          continue restart;
        }
        yield* bremfree_locked(bp); // vfs_bio.c:2038
        yield* spin_unlock(pcpu.spin); // vfs_bio.c:2039

        // Dependencies must be handled before we disassociate the vnode; HAMMER may refuse by
        // setting B_LOCKED (vfs_bio.c:2041-2060). spin is UNLOCKED now.
        if (bp.b_dep) {
          yield* buf_deallocate(bp);
          if (bp.b_flags & B_LOCKED) {
            yield* bqrelse(bp);
            restart_reason = 3;
            continue restart;
          }
          KKASSERT(!bp.b_dep, 'vfs_bio.c:2059', 'LIST_FIRST(&bp->b_dep) == NULL');
        }

        // CLEAN buffers have content or associations to clean out (vfs_bio.c:2062-2071).
        if (qindex === BQUEUE_CLEAN) {
          if (bp.b_flags & B_VMIO) yield* vfs_vmio_release(bp);
          if (bp.b_vp) yield* brelvp(bp);
        }

        // nbp is now invalid: only a restart is possible from here (vfs_bio.c:2073-2084).
        KASSERT(bp.b_vp === null, 'vfs_bio.c:2080-2083', `bp3 qindex ${qindex}: vnode unexpectedly still associated`);
        KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:2084', '(bp->b_flags & B_HASHED) == 0');

        if (bp.b_bufsize) yield* allocbuf(bp, 0); // vfs_bio.c:2086-2087

        if (bp.b_flags & (B_VNDIRTY | B_VNCLEAN | B_HASHED)) { // vfs_bio.c:2089-2094
          // kprintf("getnewbuf: caught bug vp queue")
          yield* brelvp(bp);
        }
        // Reset the header (vfs_bio.c:2095-2108).
        bp.b_flags = B_BNOCLIP;
        bp.b_cmd = BUF_CMD_DONE;
        bp.b_vp = null;
        bp.b_error = 0;
        bp.b_resid = 0;
        bp.b_bcount = 0;
        bp.b_xio.xio_npages = 0;
        bp.b_bio1.bio_done = null; // reinitbufbio (vfs_bio.c:743-751): bio_done and the bio2 offset, not bio_flags
        bp.b_bio2_offset = NOOFFSET;
        KKASSERT(!bp.b_dep, 'vfs_bio.c:2105', 'LIST_FIRST(&bp->b_dep) == NULL');
        lifecycle(bp, 'GETNEWBUF_REUSE');
        if (blkflags & GETBLK_BHEAVY) {
          bp.b_flags |= B_HEAVY;
          lifecycle(bp, 'BHEAVY');
        }

        // Space hysteresis (vfs_bio.c:2110-2120).
        if (g.bufspace >= g.hibufspace) g.flushingbufs[flushingp] = 1;
        if (g.bufspace < g.lobufspace) g.flushingbufs[flushingp] = 0;
        if (g.flushingbufs[flushingp]) {
          bp.b_flags |= B_INVAL;
          yield* brelse(bp);
          restart_reason = 5;
          continue restart;
        }

        // A findblk() may have ref'd it before our brelvp() unhashed it: destroy its contents but
        // do not reuse it (vfs_bio.c:2122-2138).
        if (bp.b_refs) {
          bp.b_flags |= B_INVAL;
          yield* brelse(bp);
          restart_reason = 6;
          continue restart;
        }

        // We found our buffer! (vfs_bio.c:2140-2143)
        break;
      }

      // Exhausted this CPU: try the others, then sleep for space (vfs_bio.c:2146-2189). The spin
      // is held if bp is NULL.
      if (bp === null) {
        let flags: number;
        let waitmsg: string;

        yield* spin_unlock(pcpu.spin); // vfs_bio.c:2159

        nqcpu = (nqcpu + 1) % g.ncpus; // vfs_bio.c:2161
        if (nqcpu !== mycpu()) {
          restart_reason = 7;
          continue restart;
        }

        if (g.bufspace >= g.hibufspace) { // vfs_bio.c:2168-2174
          waitmsg = 'bufspc';
          flags = VFS_BIO_NEED_BUFSPACE;
        } else {
          waitmsg = 'newbuf';
          flags = VFS_BIO_NEED_ANY;
        }

        yield* bd_speedup(); // heeeelp (vfs_bio.c:2176)
        yield* atomic_set_int(g.needsbuffer, 'v', flags); // vfs_bio.c:2177
        while ((yield* load(g.needsbuffer, 'v')) & flags) { // vfs_bio.c:2178
          let value: number;

          yield* tsleep_interlock(g.needsbuffer, 0); // vfs_bio.c:2181
          value = yield* atomic_fetchadd_int(g.needsbuffer, 'v', 0); // vfs_bio.c:2182
          if (value & flags) {
            if (yield* tsleep(g.needsbuffer, PINTERLOCKED | slpflags, waitmsg, slptimeo)) return null; // vfs_bio.c:2184-2186
          }
        }
      }
      // else: we finally have a valid bp; reset b_data (vfs_bio.c:2196, KVA: not modelled).
      if (bp !== null) note('getnewbuf_return', { bp });
      return bp;
    }
  },
};
