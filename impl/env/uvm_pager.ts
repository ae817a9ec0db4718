'use kernel';
/**
 * ENVIRONMENT (not seed code): the parts of OpenBSD UVM around the vnode pager that drive it
 * (spec/uvm_vnode.md §7.1 items 12-17):
 * - uvm_pager_put, simplified as §7.1 item 12 says: the cluster is the page itself unless the
 *   scenario turns forward clustering on (options.cluster); uvn_cluster is always asked for the
 *   range (uvm_mk_pcluster does), so its panic stays reachable; a failed put drops the cluster
 *   members other than the centre page; a page-daemon put (PGO_PDFREECLUST) that succeeds cleans
 *   and unbusies them.
 * - the asynchronous-pageout extension of §4.4 (options.asyncPageout): uvn_io hands a write made
 *   without PGO_SYNCIO to an aiodone thread and returns PEND; aiodone writes, then, holding the
 *   object lock for the whole completion, marks pages clean, wakes waiters, frees PG_RELEASED
 *   pages and only then drops u_nio (waking &u_nio under IOSYNC).
 * - the page daemon: try-locks the object (it never sleeps on it), busies a dirty unbusied page
 *   and pages it out with PGO_PDFREECLUST and no PGO_SYNCIO, holding no uvn or vnode reference.
 * - the fault client (uvm_fault as far as a vnode object goes): uvn_get with PGO_LOCKED, then
 *   without it; it checks PG_RELEASED, maps the page (read-only or writable), optionally wires
 *   it, unbusies and activates it (uvm_vnode.c:1111-1116); and user stores through a mapping.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { KernelPanic } from '../sim/panic.ts';
import { wakeup } from '../sim/sleep.ts';
import { rw_exit_write } from '../sim/locks.ts';
import { curthread, kernelOptions, lifecycle } from '../sim/report.ts';
import {
  uvmOf,
  rw_enter,
  rw_enter_write_try,
  PQ_ACTIVE,
  PQ_INACTIVE,
  uvm_lock_pageq,
  uvm_unlock_pageq,
  uvm_pagelookup,
  uvm_pagefree,
  uvm_pageactivate,
  atomic_setbits_int,
  atomic_clearbits_int,
  pmap_page_protect,
  pmap_is_modified,
  pmap_clear_modify,
  UVM_PAGE_OWN,
  PAGE_SIZE,
  PAGE_SHIFT,
  PG_BUSY,
  PG_WANTED,
  PG_CLEAN,
  PG_RELEASED,
  PG_FAKE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  MAPPING_READ,
  MAPPING_WRITE,
  OWNER_NONE,
  OWNER_PAGEOUT,
  OWNER_AIO,
  PGO_ALLPAGES,
  PGO_FREE,
  PGO_SYNCIO,
  PGO_PDFREECLUST,
  PGO_LOCKED,
  VM_PAGER_OK,
  VM_PAGER_AGAIN,
  VM_PAGER_PEND,
  UIO_WRITE,
  type UvmObject,
  type UvmPage,
} from './uvm.ts';
import { VOP_RDWR, type OVnode } from './ovnode.ts';
import { uvn_cluster, uvn_put, uvn_get, type PageSlot } from '../kernel/uvm_vnode.ts';

/** What the pager environment needs of a uvm_vnode (the seed's struct, without importing kernel state). */
interface UvnLike {
  u_obj: UvmObject;
  u_flags: number;
  u_nio: number;
  u_size: number;
  u_vnode: OVnode;
  g_nioChan: object;
}
const UVM_VNODE_IOSYNC = 0x080;

// ---------------------------------------------------------------- uvm_pager_put

/**
 * uvm_pager_put(uobj, pg, &ppsp, &npages, flags, start, stop) [ext-pager], with the object lock
 * and the page-queue lock held; returns [result, cluster, npages] with the object lock held and
 * the page-queue lock released.
 */
export function* uvm_pager_put(uobj: UvmObject, pg: UvmPage, flags: number, start: number, stop: number): Kernel<[number, UvmPage[], number]> {
  const t = curthread();
  let pps: UvmPage[] = [pg];
  let npages = 1;
  let result: number;
  let range: [number, number];
  let hi: number;
  let off: number;
  let p: UvmPage | null;
  let i: number;

  /* uvm_mk_pcluster: the pager says how far the cluster may reach (pgo_cluster = uvn_cluster) */
  range = yield* uvn_cluster(uobj, pg.offset);
  hi = range[1];
  if ((flags & PGO_ALLPAGES) === 0) hi = Math.min(hi, stop);
  void start;
  if (kernelOptions().cluster) {
    /* forward only (uvn_cluster's low bound is the page itself): resident, unbusied, dirty pages */
    for (off = pg.offset + PAGE_SIZE; off < hi; off += PAGE_SIZE) {
      p = uvm_pagelookup(uobj, off);
      if (p === null || (p.pg_flags & PG_BUSY) !== 0) break;
      if ((p.pg_flags & PG_CLEAN) !== 0 && pmap_is_modified(p)) {
        atomic_clearbits_int(p, PG_CLEAN);
        lifecycle(p, 'FLUSH_DIRTYCHECK');
      }
      if ((p.pg_flags & PG_CLEAN) !== 0) break;
      atomic_setbits_int(p, PG_BUSY);
      UVM_PAGE_OWN(p, OWNER_PAGEOUT, t);
      lifecycle(p, 'PAGEOUT_START');
      if ((flags & (PGO_FREE | PGO_SYNCIO)) === PGO_FREE) {
        atomic_setbits_int(p, PG_RELEASED);
        lifecycle(p, 'PG_RELEASED');
      }
      pmap_page_protect(p, PROT_READ);
      pps.push(p);
      npages++;
    }
  }
  yield* uvm_unlock_pageq();

  result = yield* uvn_put(uobj, pps.slice(), npages, flags); // (a copy: every kernel frame owns its arrays)

  if (result !== VM_PAGER_OK && result !== VM_PAGER_PEND) {
    /* uvm_pager_dropcluster: every page but pg is given back, still dirty; shrink to pg */
    for (i = 1; i < npages; i++) {
      p = pps[i];
      if (p.pg_flags & PG_WANTED) yield* wakeup(p);
      atomic_clearbits_int(p, PG_BUSY | PG_WANTED | PG_FAKE | PG_RELEASED);
      UVM_PAGE_OWN(p, OWNER_NONE, null);
      lifecycle(p, 'PAGEOUT_ABORT');
    }
    pps = [pg];
    npages = 1;
  } else if ((flags & PGO_PDFREECLUST) !== 0 && result === VM_PAGER_OK) {
    /* the daemon's put: the other cluster pages are clean now and given back */
    for (i = 1; i < npages; i++) {
      p = pps[i];
      if (p.pg_flags & PG_WANTED) yield* wakeup(p);
      atomic_clearbits_int(p, PG_BUSY | PG_WANTED);
      UVM_PAGE_OWN(p, OWNER_NONE, null);
      atomic_setbits_int(p, PG_CLEAN);
      pmap_clear_modify(p);
      lifecycle(p, 'PAGEOUT_DONE');
    }
  }
  return [result, pps, npages];
}

// ---------------------------------------------------------------- the asynchronous-pageout extension (§4.4)

/** Start an asynchronous write: the pages now belong to the I/O, and an aiodone thread will complete it. */
const aio_start = prim({
  name: 'aio_start',
  kind: 'device',
  touches: ([uvn]: [UvnLike, UvmPage[], number]) => [uvn.u_vnode],
  exec: ([uvn, pps, npages]: [UvnLike, UvmPage[], number], _t: Thread, sim: Sim) => {
    for (const pg of pps) {
      UVM_PAGE_OWN(pg, OWNER_AIO, null);
      lifecycle(pg, 'PAGEOUT_PEND');
    }
    sim.spawn(`aiodone(${sim.world.nameOf(pps[0])})`, sim.ncpus - 1, uvn_aiodone as unknown as KernelFunction, [uvn, pps.slice(), npages], { intr: true });
  },
});

/** uvn_io's hand-off to aiodone (called with the object lock held, after u_nio++). */
export const uvn_io_async = aio_start;

/**
 * uvn_aiodone (the outline at uvm_vnode.c:554-565, with §4.4's obligations): write the pages,
 * then in one critical section under the object lock: mark them clean (an error taints them, as
 * the synchronous path's F11 does), wake PG_WANTED, free PG_RELEASED pages ("aiodoned deals with
 * the freeing", :716-718, :768-771) or unbusy the others, and only then drop u_nio, waking &u_nio
 * when IOSYNC is set and it reached 0 (:561-562).
 */
export function* uvn_aiodone(uvn: UvnLike, pps: UvmPage[], npages: number): Kernel<void> {
  const uobj = uvn.u_obj;
  let r: [number, number];
  let error: number;
  let i: number;
  let pg: UvmPage;
  let freed = 0;
  let wanted: number;

  wanted = Math.min(npages << PAGE_SHIFT, uvn.u_size - pps[0].offset);
  r = yield* VOP_RDWR(uvn.u_vnode, UIO_WRITE, pps.slice(), pps[0].offset, wanted); // (a copy: frames own their arrays)
  error = r[0];
  yield* rw_enter(uobj.vmobjlock);
  /*
   * The wakeups first (each a step), then every page and u_nio in one step: a freed page leaves
   * the object with the uvn's UVN_PAGE_FREE/UVN_AIODONE event in the step that frees it (a wakeup
   * step between two frees would show the uvn machine a page count change without an event).
   * Nobody can tell the order inside the critical section: a woken waiter needs the object lock.
   */
  for (i = 0; i < npages; i++) {
    if (pps[i].pg_flags & PG_WANTED) yield* wakeup(pps[i]);
  }
  for (i = 0; i < npages; i++) {
    pg = pps[i];
    atomic_setbits_int(pg, PG_CLEAN);
    if (error !== 0) pg.g_tainted = true;
    pmap_clear_modify(pg);
    if (pg.pg_flags & PG_RELEASED) {
      pmap_page_protect(pg, PROT_NONE);
      uvm_pagefree(pg, null, 'AIODONE', freed === 0 ? null : 'UVN_PAGE_FREE');
      freed++;
    } else {
      atomic_clearbits_int(pg, PG_BUSY | PG_WANTED);
      UVM_PAGE_OWN(pg, OWNER_NONE, null);
      lifecycle(pg, 'AIODONE');
    }
  }
  if (uvn.u_nio <= 0) throw new KernelPanic('uvn_aiodone', 'u_nio underflow');
  uvn.u_nio--;
  lifecycle(uobj.uo_uvn, freed > 0 ? 'UVN_AIODONE' : 'UVN_IO_DONE');
  if ((uvn.u_flags & UVM_VNODE_IOSYNC) !== 0 && uvn.u_nio === 0) yield* wakeup(uvn.g_nioChan);
  yield* rw_exit_write(uobj.vmobjlock);
}

// ---------------------------------------------------------------- the page daemon

/**
 * The page daemon paging out the page at `off` of `uobj`, `rounds` times (uvmpd_scan_inactive
 * reduced to one candidate; active pages count as candidates too, standing for the aging that
 * would deactivate them): with the page queues locked it finds the page on a paging queue, then
 * try-locks its object, and if the page
 * is resident, unbusied and dirty (after folding in the pmap modified bit) it busies it, unmaps
 * it and puts it with PGO_ALLPAGES|PGO_PDFREECLUST: no PGO_SYNCIO, so uvn_io may say AGAIN
 * (IOSYNC set, no KVA). OK cleans and unbusies the page; anything else gives it back still dirty.
 */
export function* uvmpd_pageout(uobj: UvmObject, off: number, rounds: number): Kernel<void> {
  const t = curthread();
  let i: number;
  let pg: UvmPage | null;
  let put: [number, UvmPage[], number];
  let result: number;

  for (i = 0; i < rounds; i++) {
    yield* uvm_lock_pageq();
    /* the scan finds the page on a paging queue first, and only then try-locks its object */
    pg = uvm_pagelookup(uobj, off);
    if (pg === null || (pg.pg_flags & (PQ_ACTIVE | PQ_INACTIVE)) === 0) {
      yield* uvm_unlock_pageq();
      continue;
    }
    if (!(yield* rw_enter_write_try(uobj.vmobjlock))) {
      yield* uvm_unlock_pageq();
      continue;
    }
    pg = uvm_pagelookup(uobj, off);
    if (pg !== null && (pg.pg_flags & PG_BUSY) === 0 && pg.wire_count === 0) {
      if ((pg.pg_flags & PG_CLEAN) !== 0 && pmap_is_modified(pg)) {
        atomic_clearbits_int(pg, PG_CLEAN);
        lifecycle(pg, 'FLUSH_DIRTYCHECK');
      }
      if ((pg.pg_flags & PG_CLEAN) === 0) {
        atomic_setbits_int(pg, PG_BUSY);
        UVM_PAGE_OWN(pg, OWNER_PAGEOUT, t);
        lifecycle(pg, 'PAGEOUT_START');
        pmap_page_protect(pg, PROT_NONE);
        put = yield* uvm_pager_put(uobj, pg, PGO_ALLPAGES | PGO_PDFREECLUST, 0, 0);
        result = put[0];
        yield* uvm_lock_pageq();
        if (result !== VM_PAGER_PEND) {
          if (pg.pg_flags & PG_WANTED) yield* wakeup(pg);
          atomic_clearbits_int(pg, PG_BUSY | PG_WANTED);
          UVM_PAGE_OWN(pg, OWNER_NONE, null);
          if (result === VM_PAGER_OK) {
            atomic_setbits_int(pg, PG_CLEAN);
            pmap_clear_modify(pg);
            lifecycle(pg, 'PAGEOUT_DONE');
          } else {
            lifecycle(pg, 'PAGEOUT_ABORT');
          }
        }
      }
    }
    yield* uvm_unlock_pageq();
    yield* rw_exit_write(uobj.vmobjlock);
  }
}

// ---------------------------------------------------------------- the fault client and user stores

export const FAULT_READ = 0;
export const FAULT_WRITE = 1;
export const FAULT_WIRE = 2;

/**
 * uvm_fault on a vnode object (a thread holding a mapping, hence a uvn reference): uvn_get with
 * PGO_LOCKED under the write lock, then the main path (which unlocks); then, with the lock taken
 * again, the caller's duties of uvm_vnode.c:1111-1116: map the page (writable for a write fault),
 * wire it if asked, unbusy it (waking PG_WANTED) and activate it. Returns the pager's result.
 */
export function* uvm_fault(uobj: UvmObject, off: number, how: number): Kernel<number> {
  let r: [number, PageSlot[], number];
  let pg: UvmPage;

  let tries = 0;
  for (;;) {
    yield* rw_enter(uobj.vmobjlock);
    r = yield* uvn_get(uobj, off, [null], 1, 0, how === FAULT_READ ? PROT_READ : PROT_WRITE, 0, PGO_LOCKED);
    if (r[0] === VM_PAGER_OK) break;
    r = yield* uvn_get(uobj, off, [null], 1, 0, how === FAULT_READ ? PROT_READ : PROT_WRITE, 0, 0);
    /* uvm_fault refaults after VM_PAGER_AGAIN (F10: vn_lock was busy); the model retries once */
    if (r[0] === VM_PAGER_AGAIN && ++tries < 2) continue;
    if (r[0] !== VM_PAGER_OK) return r[0];
    yield* rw_enter(uobj.vmobjlock);
    break;
  }
  pg = r[1][0] as UvmPage;
  if (pg.pg_flags & PG_RELEASED) throw new KernelPanic('uvm_fault', 'a released page returned by uvn_get');
  pg.g_mapping = how === FAULT_READ ? MAPPING_READ : MAPPING_WRITE;
  if (how === FAULT_WIRE) {
    pg.wire_count++;
    pg.pg_flags &= ~(PQ_ACTIVE | PQ_INACTIVE);
    lifecycle(pg, 'PG_WIRE');
  }
  if (pg.pg_flags & PG_WANTED) yield* wakeup(pg);
  atomic_clearbits_int(pg, PG_BUSY | PG_WANTED);
  UVM_PAGE_OWN(pg, OWNER_NONE, null);
  uvm_pageactivate(pg);
  lifecycle(pg, 'PG_UNBUSY');
  yield* rw_exit_write(uobj.vmobjlock);
  return VM_PAGER_OK;
}

/** uvm_fault_unwire: drop the wiring of the page at `off` (under the object lock). */
export function* uvm_fault_unwire(uobj: UvmObject, off: number): Kernel<void> {
  let pg: UvmPage | null;
  yield* rw_enter(uobj.vmobjlock);
  pg = uvm_pagelookup(uobj, off);
  if (pg !== null && pg.wire_count > 0) {
    pg.wire_count--;
    if (pg.wire_count === 0) uvm_pageactivate(pg);
    lifecycle(pg, 'PG_UNWIRE');
  }
  yield* rw_exit_write(uobj.vmobjlock);
}

/**
 * A user store to the page at `off` through an existing writable mapping: a new data version and
 * the pmap modified bit (a step of the storing thread; no lock). False when there is no writable
 * mapping — the store would fault instead.
 */
export const pmap_user_store = prim({
  name: 'user_store',
  kind: 'write',
  touches: ([uobj]: [UvmObject, number], _t: Thread, sim: Sim) => [...uvmOf(sim).pool, (uobj.uo_uvn as UvnLike).u_vnode],
  exec: ([uobj, off]: [UvmObject, number]): boolean => {
    const pg = uvm_pagelookup(uobj, off);
    if (pg === null || pg.g_mapping !== MAPPING_WRITE) return false;
    const d = (uobj.uo_uvn as UvnLike).u_vnode.v_disk;
    const b = off / PAGE_SIZE;
    d.g_latest[b] += 1;
    pg.g_data = d.g_latest[b];
    pg.g_pmapModified = true;
    lifecycle(pg, 'PG_DIRTY');
    return true;
  },
});

/** Store to `off`, faulting the page in writable first when there is no writable mapping (bounded retries). */
export function* user_write(uobj: UvmObject, off: number, tries: number): Kernel<boolean> {
  let i: number;
  for (i = 0; i < tries; i++) {
    if (yield* pmap_user_store(uobj, off)) return true;
    if ((yield* uvm_fault(uobj, off, FAULT_WRITE)) !== VM_PAGER_OK) return false;
  }
  return false;
}

