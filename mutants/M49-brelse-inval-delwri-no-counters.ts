'use kernel';
/** M49: brelse clears B_DELWRI of an invalidated buffer without dropping the dirty counters (vfs_bio.c:1311-1321). */
import { allocbuf, brelse_queue_row, bufcountwakeup, bufspacewakeup, bundirty, vfs_vmio_release } from '../impl/kernel/vfs_bio.ts';
import { type Buf, BUF_UNLOCK } from '../impl/env/bio.ts';
import { B_CACHE, B_CLUSTER, B_DELWRI, B_DIRECT, B_ERROR, B_HASBOGUS, B_HASHED, B_INVAL, B_KVABIO, B_LOCKED, B_NOCACHE, B_PAGING, B_RELBUF, B_VMIO, BQUEUE_CLEAN, BQUEUE_DIRTY, BQUEUE_DIRTY_HW, BQUEUE_EMPTY, BQUEUE_LOCKED, BQUEUE_NONE, BUF_CMD_DONE, KASSERT, type Kernel, KKASSERT, lifecycle, PAGE_MASK, PAGE_SIZE, panic, spin_lock, spin_unlock } from '../impl/api.ts';
import { type BufPcpu, TAILQ_INSERT_HEAD, TAILQ_INSERT_TAIL, vb } from '../impl/kernel/vfs_bio_state.ts';
import { buf_deallocate } from '../impl/env/softdep.ts';
import { vm_object_drop, vm_object_hold, vm_page_lookup, vm_page_set_invalid, vm_paging_min, type VmObject, type VmPage } from '../impl/env/vm.ts';
import { brelvp } from '../impl/env/vnode.ts';
import type { MutantMeta } from './types.ts';

export const meta: MutantMeta = {
  id: "M49",
  title: "brelse B2 forgets the dirty counters",
  description: "Destroying a delayed-write buffer (B_INVAL|B_DELWRI) clears B_DELWRI without the matching decrements: dirtybufcount, dirtybufspace and dirtykvaspace drift upwards (ACC-02..ACC-05), and the daemons keep seeing dirty space that does not exist.",
  cite: [
    "vfs_bio.c:1311-1321"
  ],
  expect: "killed",
  killedBy: [
    "ACC-02",
    "ACC-03",
    "ACC-05"
  ],
  scenario: "mb-trunc",
  params: {},
  cpus: 1
};

function OFF_TO_IDX(off: number): number {
  return Math.floor(off / PAGE_SIZE);
}

function bogus_restored(m: VmPage): void {
  m.g_bogus -= 1;
  lifecycle(m, 'BOGUS_RESTORE');
}

export default {
  *brelse(bp: Buf): Kernel<void> {
    const g = vb();
    let pcpu: BufPcpu;
    const saved_flags = bp.b_flags; // vfs_bio.c:1271-1273 (INVARIANTS)

    KASSERT(!(bp.b_flags & (B_CLUSTER | B_PAGING)), 'vfs_bio.c:1275-1276', 'brelse: inappropriate B_PAGING or B_CLUSTER bp');

    // B_NOCACHE: destroy the buffer and its backing store; clear B_DELWRI (vfs_bio.c:1278-1289).
    if ((bp.b_flags & (B_NOCACHE | B_DELWRI)) === (B_NOCACHE | B_DELWRI)) yield* bundirty(bp);

    if ((bp.b_flags & (B_INVAL | B_DELWRI)) === B_DELWRI) {
      // A re-dirtied buffer is only subject to destruction by B_INVAL: leave it intact (vfs_bio.c:1291-1296).
    } else if (bp.b_flags & (B_NOCACHE | B_INVAL | B_ERROR) || bp.b_bufsize <= 0) {
      // A failed read, or free / do not cache (vfs_bio.c:1297-1323). B_DELWRI can be set here only
      // with B_INVAL already set. HAMMER may set B_LOCKED in buf_deallocate.
      bp.b_flags |= B_INVAL; // vfs_bio.c:1308
      if (bp.b_dep) yield* buf_deallocate(bp); // vfs_bio.c:1309-1310
      // MUTANT: the counter block of vfs_bio.c:1311-1321 (dirtybufcount/kvaspace/bufspace[hw] decrements, bd_signal) is deleted
      if (bp.b_flags & B_DELWRI) lifecycle(bp, 'BRELSE_UNDIRTY');
      bp.b_flags &= ~(B_DELWRI | B_CACHE); // vfs_bio.c:1322
    }

    // B_RELBUF (vfs_bio.c:1325-1354).
    if (bp.b_flags & (B_DELWRI | B_LOCKED) || bp.b_refs) {
      bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1346
    } else if (yield* vm_paging_min()) { // vfs_bio.c:1347
      if (bp.b_dep) yield* buf_deallocate(bp); // can set B_LOCKED (vfs_bio.c:1348-1349)
      if (bp.b_flags & (B_DELWRI | B_LOCKED)) bp.b_flags &= ~B_RELBUF; // vfs_bio.c:1350-1351
      else bp.b_flags |= B_RELBUF; // vfs_bio.c:1353
    }

    // Make sure b_cmd is clear; destruction is now governed by B_INVAL / B_RELBUF (vfs_bio.c:1356-1364).
    bp.b_cmd = BUF_CMD_DONE;

    // VMIO rundown (vfs_bio.c:1366-1507): restore bogus pages, invalidate on NOCACHE/ERROR, release.
    if (bp.b_flags & B_VMIO) {
      let i: number;
      let j: number;
      let resid: number;
      let m: VmPage;
      let foff: number;
      let poff: number;
      let obj: VmObject;
      const vp = bp.b_vp!;

      resid = bp.b_bufsize; // vfs_bio.c:1409
      foff = bp.b_loffset; // vfs_bio.c:1410

      for (i = 0; i < bp.b_xio.xio_npages; i++) {
        m = bp.b_xio.xio_pages[i]!;

        // On a bogus page, fix up *all* of them now; the originals were left wired (vfs_bio.c:1415-1453).
        if (m === g.bogus_page) {
          obj = vp.v_object!;
          poff = OFF_TO_IDX(bp.b_loffset);

          yield* vm_object_hold(obj); // vfs_bio.c:1426
          for (j = i; j < bp.b_xio.xio_npages; j++) {
            let mtmp: VmPage | null;

            mtmp = bp.b_xio.xio_pages[j];
            if (mtmp === g.bogus_page) {
              if ((bp.b_flags & B_HASBOGUS) === 0) panic('vfs_bio.c:1433', 'brelse: bp corrupt bogus');
              mtmp = vm_page_lookup(obj, poff + j);
              if (!mtmp) panic('vfs_bio.c:1436', `brelse: bp page ${j} missing`);
              bp.b_xio.xio_pages[j] = mtmp;
              bogus_restored(mtmp!);
            }
          }
          yield* vm_object_drop(obj); // vfs_bio.c:1440

          if (bp.b_flags & B_HASBOGUS || (bp.b_flags & B_INVAL) === 0) { // vfs_bio.c:1442-1451
            bp.b_flags &= ~B_HASBOGUS; // (pmap_qenter_noinval and bkvareset are not modelled)
            bp.b_flags |= B_KVABIO;
          }
          m = bp.b_xio.xio_pages[i]!;
        }

        // Invalidate the backing store on B_NOCACHE / B_ERROR (vfs_bio.c:1455-1502). One page is
        // one unit, so the NFS whole-page special case and the residual arithmetic collapse.
        if (bp.b_flags & (B_NOCACHE | B_ERROR)) {
          const poffset = foff & PAGE_MASK;
          let presid = PAGE_SIZE - poffset;
          if (presid > resid) presid = resid;
          KASSERT(presid >= 0, 'vfs_bio.c:1492', 'brelse: extra page');
          vm_page_set_invalid(m, poffset, presid); // vfs_bio.c:1493
          // swap_pager_unswapped(m) (vfs_bio.c:1501): no swapcache in the model.
        }
        resid -= PAGE_SIZE - (foff & PAGE_MASK); // vfs_bio.c:1503
        foff = (foff + PAGE_SIZE) & ~PAGE_MASK; // vfs_bio.c:1504
      }
      if (bp.b_flags & (B_INVAL | B_RELBUF)) yield* vfs_vmio_release(bp); // vfs_bio.c:1506-1507
    } else {
      // Rundown for non-VMIO buffers (vfs_bio.c:1508-1523).
      if (bp.b_flags & (B_INVAL | B_RELBUF)) {
        if (bp.b_bufsize) yield* allocbuf(bp, 0);
        KKASSERT(!bp.b_dep, 'vfs_bio.c:1519', 'LIST_FIRST(&bp->b_dep) == NULL');
        if (bp.b_vp) yield* brelvp(bp);
      }
    }

    if (bp.b_qindex !== BQUEUE_NONE) panic('vfs_bio.c:1526', 'brelse: free buffer onto another queue???');

    // Return the buffer to its original pcpu area, on the queue its state calls for (vfs_bio.c:1528-1603).
    pcpu = g.bufpcpu[bp.b_qcpu];
    yield* spin_lock(pcpu.spin); // vfs_bio.c:1536

    switch (brelse_queue_row(bp.b_flags, bp.b_bufsize)) {
      case 'G1_LOCKED':
        // Locked buffers go to the locked queue, whatever their state (vfs_bio.c:1538-1545).
        bp.b_qindex = BQUEUE_LOCKED;
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BRELSE_LOCKED');
        break;
      case 'G2_EMPTY':
        // No memory: should already be B_INVAL and disassociated (vfs_bio.c:1546-1560).
        bp.b_flags |= B_INVAL;
        KASSERT(bp.b_vp === null, 'vfs_bio.c:1553-1556', `bp1 flags ${saved_flags}/${bp.b_flags}: vnode unexpectedly still associated`);
        KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:1557', '(bp->b_flags & B_HASHED) == 0');
        bp.b_qindex = BQUEUE_EMPTY;
        TAILQ_INSERT_HEAD(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BRELSE_EMPTY');
        break;
      case 'G3_JUNK':
        // Junk contents: must already be disassociated (vfs_bio.c:1561-1574).
        KASSERT(bp.b_vp === null, 'vfs_bio.c:1566-1569', `bp2 flags ${saved_flags}/${bp.b_flags}: vnode unexpectedly still associated`);
        KKASSERT((bp.b_flags & B_HASHED) === 0, 'vfs_bio.c:1570', '(bp->b_flags & B_HASHED) == 0');
        bp.b_flags |= B_INVAL;
        bp.b_qindex = BQUEUE_CLEAN;
        TAILQ_INSERT_HEAD(pcpu.bufqueues[bp.b_qindex], bp);
        // Unreachable in the seed: INVAL/RELBUF always empty the buffer first. The buf
        // machine has no transition for it, so a run that gets here fails conformance.
        lifecycle(bp, 'BRELSE_JUNK');
        break;
      case 'G4_DIRTY':
        bp.b_qindex = BQUEUE_DIRTY; // vfs_bio.c:1581-1585
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BRELSE_DIRTY');
        break;
      case 'G5_DIRTY_HW':
        bp.b_qindex = BQUEUE_DIRTY_HW; // vfs_bio.c:1586-1590
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BRELSE_DIRTY_HW');
        break;
      case 'G6_CLEAN':
        // Always at the end: without B_AGE the buffer cycles through twice (vfs_bio.c:1591-1600).
        bp.b_qindex = BQUEUE_CLEAN;
        TAILQ_INSERT_TAIL(pcpu.bufqueues[bp.b_qindex], bp);
        lifecycle(bp, 'BRELSE_CLEAN');
        break;
    }
    yield* spin_unlock(pcpu.spin); // vfs_bio.c:1603

    // B_INVAL: clear B_DELWRI, queued but still locked (vfs_bio.c:1605-1610).
    if ((bp.b_flags & (B_INVAL | B_DELWRI)) === (B_INVAL | B_DELWRI)) yield* bundirty(bp);

    // Not locked or dirty: wake threads waiting for buffers (vfs_bio.c:1612-1620).
    if ((bp.b_flags & (B_LOCKED | B_DELWRI)) === 0) yield* bufcountwakeup();

    // Something we can maybe free or reuse (vfs_bio.c:1622-1626).
    if (bp.b_bufsize || bp.b_kvasize) yield* bufspacewakeup();

    // Clean up temporary flags and unlock the buffer (vfs_bio.c:1628-1632).
    bp.b_flags &= ~(B_NOCACHE | B_RELBUF | B_DIRECT);
    yield* BUF_UNLOCK(bp);
  },
};
