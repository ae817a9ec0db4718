'use kernel';
/** M23: flushbufqueues resumes from bp instead of the marker after dropping the spin (vfs_bio.c:2457). */
import { _bremfree, brelse } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_LOCK, BUF_UNLOCK } from '../impl/env/bio.ts';
import { B_AGE, B_DEFERRED, B_DELWRI, B_ERROR, B_INVAL, B_KVABIO, B_MARKER, BQUEUE_NONE, type Kernel, KKASSERT, lifecycle, LK_EXCLUSIVE, LK_NOWAIT, note, spin_lock, spin_unlock, tsleep } from '../impl/api.ts';
import { type BufPcpu, TAILQ_INSERT_AFTER, TAILQ_INSERT_HEAD, TAILQ_INSERT_TAIL, TAILQ_NEXT, TAILQ_REMOVE, vb } from '../impl/kernel/vfs_bio_state.ts';
import { buf_checkwrite, buf_countdeps } from '../impl/env/softdep.ts';
import { cluster_awrite } from '../impl/env/cluster.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M23",
  title: "flushbufqueues resumes the scan from bp, not the marker",
  description: "After writing bp (cluster_awrite: bawrite, so bp is off-queue and KERNPROC-owned) the scan follows bp's queue link instead of the marker's. bp is on no queue any more (or, once its write completed, on another one): the model reports following a stale TAILQ link (sys/queue.h) on the first resume; on a requeued bp the KKASSERT of vfs_bio.c:2370 or BUF-01 would fire.",
  cite: [
    "vfs_bio.c:2451-2457"
  ],
  expect: "killed",
  killedBy: [
    "sys/queue.h",
    "vfs_bio.c:2370",
    "BUF-01",
    "BUF-07"
  ],
  scenario: "mb-flush",
  params: {
    n: 1,
    deps: 0
  }
};

export default {
  *flushbufqueues(marker: Buf, q: number): Kernel<number> {
    const g = vb();
    let pcpu: BufPcpu;
    let bp: Buf | null;
    let r = 0;
    let loops = g.flushperqueue;
    const lcpu = marker.b_qcpu;

    KKASSERT(marker.b_qindex === BQUEUE_NONE, 'vfs_bio.c:2343', 'marker->b_qindex == BQUEUE_NONE');
    KKASSERT((marker.b_flags & B_MARKER) !== 0, 'vfs_bio.c:2344', 'marker->b_flags & B_MARKER');

    again: for (;;) {
      // The spinlock may be held through a non-blocking BUF_LOCK but not through BUF_UNLOCK or
      // any other major operation (vfs_bio.c:2347-2351).
      pcpu = g.bufpcpu[marker.b_qcpu];
      yield* spin_lock(pcpu.spin); // vfs_bio.c:2353
      marker.b_qindex = q;
      TAILQ_INSERT_HEAD(pcpu.bufqueues[q], marker); // vfs_bio.c:2355
      bp = marker;

      while ((bp = TAILQ_NEXT(bp)) !== null) {
        // NOTE: spinlock is always held at the top of the loop (vfs_bio.c:2359-2361).
        if (bp.b_flags & B_MARKER) continue;
        if ((bp.b_flags & B_DELWRI) === 0) {
          note('unexpected_clean_buffer', { bp }); // kprintf, vfs_bio.c:2364-2367
          continue;
        }
        if (yield* BUF_LOCK(bp, LK_EXCLUSIVE | LK_NOWAIT)) continue; // vfs_bio.c:2368-2369
        KKASSERT(bp.b_qcpu === marker.b_qcpu && bp.b_qindex === q, 'vfs_bio.c:2370', 'bp->b_qcpu == marker->b_qcpu && bp->b_qindex == q');

        // Move the marker just after bp now, before the spinlock can be dropped (vfs_bio.c:2372-2379).
        TAILQ_REMOVE(pcpu.bufqueues[q], marker);
        TAILQ_INSERT_AFTER(pcpu.bufqueues[q], bp, marker);

        // Must recheck B_DELWRI after successfully locking the buffer (vfs_bio.c:2381-2391).
        if ((bp.b_flags & B_DELWRI) === 0) {
          yield* spin_unlock(pcpu.spin);
          yield* BUF_UNLOCK(bp);
          yield* spin_lock(pcpu.spin);
          bp = marker;
          continue;
        }

        // Remove the buffer from its queue; we still own the spinlock (vfs_bio.c:2393-2397).
        yield* _bremfree(bp);

        if (bp.b_flags & B_INVAL) {
          // Disposing of an invalid buffer counts as a flush op (vfs_bio.c:2399-2406).
          yield* spin_unlock(pcpu.spin);
          yield* brelse(bp);
        } else {
          // Release the spinlock for the complex ops (vfs_bio.c:2408-2413); lwkt_yield() is a
          // scheduling hint, and the model's scheduler may switch threads at any step anyway.
          yield* spin_unlock(pcpu.spin);

          // Dependencies not ready: requeue once behind the marker (B_DEFERRED) (vfs_bio.c:2415-2430).
          if (bp.b_dep && (bp.b_flags & B_DEFERRED) === 0 && (yield* buf_countdeps(bp, 0))) {
            yield* spin_lock(pcpu.spin);
            TAILQ_INSERT_TAIL(pcpu.bufqueues[q], bp);
            bp.b_qindex = q;
            bp.b_flags |= B_DEFERRED;
            lifecycle(bp, 'FLUSH_REQUEUE');
            yield* spin_unlock(pcpu.spin);
            yield* BUF_UNLOCK(bp);
            yield* spin_lock(pcpu.spin);
            bp = marker;
            continue;
          }

          // buf_checkwrite() must also allow the write; B_ERROR buffers may be requeued over and
          // over, so wait a tick to avoid a live lock (vfs_bio.c:2432-2450).
          if (bp.b_dep && (yield* buf_checkwrite(bp))) {
            yield* brelse(bp);
          } else if (bp.b_flags & B_ERROR) {
            yield* tsleep(bp, 0, 'bioer', 1);
            bp.b_flags &= ~B_AGE;
            yield* cluster_awrite(bp);
          } else {
            bp.b_flags |= B_AGE | B_KVABIO;
            yield* cluster_awrite(bp);
          }
        }
        // doloop: bp invalid but needs to be NULL-tested if we break out (vfs_bio.c:2451-2457).
        yield* spin_lock(pcpu.spin);
        ++r;
        if (--loops === 0) break;
        // MUTANT: was bp = marker; (vfs_bio.c:2457)
      }
      // bp is invalid here but can be NULL-tested to advance (vfs_bio.c:2459-2463).
      TAILQ_REMOVE(pcpu.bufqueues[q], marker);
      marker.b_qindex = BQUEUE_NONE;
      yield* spin_unlock(pcpu.spin);

      // Advance the marker to be fair (vfs_bio.c:2465-2472).
      marker.b_qcpu = (marker.b_qcpu + 1) % g.ncpus;
      if (bp === null) {
        if (marker.b_qcpu !== lcpu) continue again;
      }
      return r;
    }
  },
};
