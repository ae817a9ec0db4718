'use kernel';
/**
 * ENVIRONMENT (not seed code): OpenBSD UVM as uvm_vnode.c (seed 002, rev 1.129) calls it —
 * uvm objects with their write-locked rwlock, pages with pg_flags and a ghost busy owner, the
 * global page-queue lock, the pmap of each page (its user mapping and modified bit), kernel VA
 * for pager I/O, the page allocator, uvm_pagewait, and KERNEL_LOCK (spec/uvm_vnode.md §7.1).
 *
 * Simplifications (spec §7.2), each noted where it applies:
 * - PAGE_SIZE is 2 bytes and MAXBSIZE two pages, so sizes can end inside a page (F12) while
 *   every page is one unit of data: a page holds one data version (ghost `g_data`).
 * - The page pool is a fixed array of page structures (`uvm().pool`); allocation takes the
 *   lowest free one, so equal sets of pages are equal states. A page on a flush's dead list is
 *   neither free nor in an object until `uvm_pglistfree`.
 * - The pmap of a page is one user mapping: none, read-only or writable (`g_mapping`), and the
 *   modified bit (`g_pmapModified`). A user store through a writable mapping is a step of the
 *   storing thread (`pmap_user_store`); a store through no or a read-only mapping faults.
 * - KERNEL_LOCK is an LWKT-style token: recursive, released while its holder sleeps and
 *   re-taken when it wakes — exactly the big lock's rule (§1.11).
 * - Page queues are the PQ_ACTIVE / PQ_INACTIVE bits only (no LRU order).
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { KernelPanic } from '../sim/panic.ts';
import { curthread, kernelOptions, kglobal, lifecycle, note } from '../sim/report.ts';
import { lwkt_gettoken, lwkt_reltoken, newToken, rw_exit_write, type RwLock } from '../sim/locks.ts';
import { tsleep_interlock, tsleep_wait } from '../sim/sleep.ts';
import type { LwktToken } from '../sim/thread.ts';

// ---------------------------------------------------------------- sizes

export const PAGE_SIZE = 2;
export const PAGE_SHIFT = 1;
export const MAXBSIZE = 2 * PAGE_SIZE;
export const trunc_page = (x: number): number => x - (x % PAGE_SIZE);
export const round_page = (x: number): number => trunc_page(x + PAGE_SIZE - 1);

// ---------------------------------------------------------------- pg_flags (uvm/uvm_page.h)

export const PG_BUSY = 0x00000001;
export const PG_WANTED = 0x00000002;
export const PG_TABLED = 0x00000004;
export const PG_CLEAN = 0x00000008;
export const PG_CLEANCHK = 0x00000010;
export const PG_RELEASED = 0x00000020;
export const PG_FAKE = 0x00000040;
export const PG_RDONLY = 0x00000080;
export const PQ_FREE = 0x00010000;
export const PQ_INACTIVE = 0x00020000;
export const PQ_ACTIVE = 0x00040000;

/** Ghost busy owner kinds (the UVM_PAGE_OWN tag; machines/uvmPage.ts uses the same values). */
export const OWNER_NONE = 0;
export const OWNER_CLIENT = 1;
export const OWNER_PAGEOUT = 2;
export const OWNER_AIO = 3;

/** pmap_page_protect protections and the ghost user mapping. */
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAPPING_NONE = 0;
export const MAPPING_READ = 1;
export const MAPPING_WRITE = 2;

/** Data version of a page whose contents are garbage (never read, or freed). */
export const GARBAGE = -1;

// ---------------------------------------------------------------- pager constants (uvm_pager.h)

export const PGO_CLEANIT = 0x001;
export const PGO_SYNCIO = 0x002;
export const PGO_DEACTIVATE = 0x004;
export const PGO_FREE = 0x008;
export const PGO_PDFREECLUST = 0x080;
export const PGO_ALLPAGES = 0x010;
export const PGO_DOACTCLUST = 0x020;
export const PGO_LOCKED = 0x040;
export const PGO_NOWAIT = 0x100;

export const VM_PAGER_OK = 0;
export const VM_PAGER_BAD = 1;
export const VM_PAGER_FAIL = 2;
export const VM_PAGER_PEND = 3;
export const VM_PAGER_ERROR = 4;
export const VM_PAGER_AGAIN = 5;
export const VM_PAGER_UNLOCK = 6;
export const VM_PAGER_NAMES = ['OK', 'BAD', 'FAIL', 'PEND', 'ERROR', 'AGAIN', 'UNLOCK'] as const;

export const UIO_READ = 0;
export const UIO_WRITE = 1;

// ---------------------------------------------------------------- structures

/** struct uvm_object: the first member of struct uvm_vnode (uvm_vnode.c:315). */
export interface UvmObject {
  uo_refs: number;
  uo_npages: number;
  vmobjlock: RwLock;
  /** The uvm_vnode this object is the first member of: the C cast `(struct uvm_vnode *)uobj`. */
  uo_uvn: object;
}

/** struct vm_page, as far as the pager and the ghosts need it. */
export interface UvmPage {
  pg_flags: number;
  wire_count: number;
  uobject: UvmObject | null;
  offset: number;
  /** Ghost UVM_PAGE_OWN: OWNER_NONE, _CLIENT, _PAGEOUT or _AIO (the machine's abstraction). */
  g_busyOwner: number;
  /** Ghost: the thread that set PG_BUSY (null for an asynchronous I/O). */
  g_owner: Thread | null;
  /** Ghost pmap: the user mapping (MAPPING_*) and the modified bit. */
  g_mapping: number;
  g_pmapModified: boolean;
  /** Ghost data version the page holds (durability; spec §4.5). */
  g_data: number;
  /** Ghost: a write of this page failed; it was marked clean anyway (F11). */
  g_tainted: boolean;
}

/** The page-queue lock (uvm.pageqlock), a mutex: spinning on it keeps KERNEL_LOCK. */
export interface PageqLock {
  pq_owner: Thread | null;
}

/** UVM's globals in the simulator. */
export interface UvmGlobals {
  pool: UvmPage[];
  pageq: PageqLock;
  kernel_lock: LwktToken;
}

export const uvm = (): UvmGlobals => kglobal<UvmGlobals>('uvm');
/** UVM's globals of a given simulator (for enabledness and footprints, evaluated outside a step). */
export const uvmOf = (sim: Sim): UvmGlobals => sim.globals.uvm as UvmGlobals;

export function newUvmPage(): UvmPage {
  return {
    pg_flags: PQ_FREE,
    wire_count: 0,
    uobject: null,
    offset: 0,
    g_busyOwner: OWNER_NONE,
    g_owner: null,
    g_mapping: MAPPING_NONE,
    g_pmapModified: false,
    g_data: GARBAGE,
    g_tainted: false,
  };
}

/** Registers UVM's globals: `npages` page structures, the page-queue lock and KERNEL_LOCK. */
export function setupUvm(sim: Sim, npages: number): UvmGlobals {
  const pool: UvmPage[] = [];
  for (let i = 0; i < npages; i++) pool.push(sim.world.add(`pg${i}`, newUvmPage()));
  const g: UvmGlobals = {
    pool,
    pageq: sim.world.add('uvm.pageqlock', { pq_owner: null }),
    kernel_lock: sim.world.add('kernel_lock', newToken('kernel_lock')),
  };
  sim.globals.uvm = g;
  return g;
}

/** The uvm_vnode behind a uvm object (the cast the seed writes at uvm_vnode.c:315 and elsewhere). */
export function uvnOf<T>(uobj: UvmObject): T {
  return uobj.uo_uvn as T;
}

// ---------------------------------------------------------------- KERNEL_LOCK

/**
 * KERNEL_LOCK() by a thread that already holds it: the big lock is recursive and taking it again
 * never sleeps, so this is a step that keeps it (a plain token acquisition is a potentially
 * blocking step, at which the simulator counts the holder's tokens as released).
 */
const kernel_lock_recurse = prim({
  name: 'KERNEL_LOCK',
  kind: 'lock',
  touches: (_a: [], _t: Thread, sim: Sim) => [uvmOf(sim).kernel_lock],
  exec: (_a: [], t: Thread, sim: Sim) => {
    const h = t.tokens.find((x) => x.tok === uvmOf(sim).kernel_lock);
    if (!h) throw new KernelPanic('kern_lock.c', 'KERNEL_LOCK: recursion without the lock');
    h.count++;
  },
});

export function* KERNEL_LOCK(): Kernel<void> {
  if (kernel_lock_held(curthread())) yield* kernel_lock_recurse();
  else yield* lwkt_gettoken(uvm().kernel_lock);
}
export function* KERNEL_UNLOCK(): Kernel<void> {
  yield* lwkt_reltoken(uvm().kernel_lock);
}
/** Does the running thread hold KERNEL_LOCK? */
export function kernel_lock_held(t: Thread): boolean {
  const kl = uvm().kernel_lock;
  return t.tokens.some((h) => h.tok === kl);
}

// ---------------------------------------------------------------- the object rwlock

/** rw_enter(lock, RW_WRITE) without sleeping: takes the lock if it is free (also RW_NOSLEEP's try-lock). */
export const rw_enter_write_try = prim({
  name: 'rw_enter',
  kind: 'lock',
  touches: ([rw]: [RwLock]) => [rw],
  exec: ([rw]: [RwLock], t: Thread): boolean => {
    if (rw.rwl_owner === t) throw new KernelPanic('kern_rwlock.c', 'rw_enter: locking against myself');
    if (rw.rwl_owner !== null || rw.rwl_readers > 0) return false;
    rw.rwl_owner = t;
    return true;
  },
});

/** The contended rw_enter: sleep until the lock is free and take it (KERNEL_LOCK is released meanwhile). */
const rw_enter_sleep = prim({
  name: 'rw_enter(sleep)',
  kind: 'lock',
  sleeps: true,
  touches: ([rw]: [RwLock]) => [rw],
  enabled: ([rw]: [RwLock]) => rw.rwl_owner === null && rw.rwl_readers === 0,
  exec: ([rw]: [RwLock], t: Thread) => {
    rw.rwl_owner = t;
  },
});

/**
 * rw_enter(lock, RW_WRITE): OpenBSD's rwlock sleeps only when the lock is contended — and only
 * then does its caller give up KERNEL_LOCK (§1.11). So the uncontended acquisition is a step that
 * keeps KERNEL_LOCK, and only a failed try is followed by a sleeping one.
 */
export function* rw_enter(rw: RwLock): Kernel<void> {
  if (!(yield* rw_enter_write_try(rw))) yield* rw_enter_sleep(rw);
}

// ---------------------------------------------------------------- the page-queue lock

export const uvm_lock_pageq = prim({
  name: 'uvm_lock_pageq',
  kind: 'lock',
  touches: (_a: [], _t: Thread, sim: Sim) => [uvmOf(sim).pageq],
  enabled: (_a: [], t: Thread, sim: Sim) => uvmOf(sim).pageq.pq_owner === null || uvmOf(sim).pageq.pq_owner === t,
  exec: (_a: [], t: Thread) => {
    const pq = uvm().pageq;
    if (pq.pq_owner === t) throw new KernelPanic('uvm_page.c', 'uvm_lock_pageq: locking against myself');
    pq.pq_owner = t;
  },
});

export const uvm_unlock_pageq = prim({
  name: 'uvm_unlock_pageq',
  kind: 'unlock',
  touches: (_a: [], _t: Thread, sim: Sim) => [uvmOf(sim).pageq],
  exec: (_a: [], t: Thread) => {
    const pq = uvm().pageq;
    if (pq.pq_owner !== t) throw new KernelPanic('uvm_page.c', 'uvm_unlock_pageq: not the owner');
    pq.pq_owner = null;
  },
});

// ---------------------------------------------------------------- pages (plain code under the object lock)

/** uvm_pagelookup(uobj, off): the page of the object at `off`, or NULL. */
export function uvm_pagelookup(uobj: UvmObject, off: number): UvmPage | null {
  for (const pg of uvm().pool) if (pg.uobject === uobj && pg.offset === off) return pg;
  return null;
}

/** The resident pages of an object (its RB tree), by offset. */
export function uvm_objpages(uobj: UvmObject): UvmPage[] {
  return uvm()
    .pool.filter((pg) => pg.uobject === uobj)
    .sort((a, b) => a.offset - b.offset);
}

export function atomic_setbits_int(pg: UvmPage, bits: number): void {
  pg.pg_flags |= bits;
}
export function atomic_clearbits_int(pg: UvmPage, bits: number): void {
  pg.pg_flags &= ~bits;
}

/** UVM_PAGE_OWN(pg, tag): the ghost owner (debugging code in the kernel). */
export function UVM_PAGE_OWN(pg: UvmPage, owner: number, t: Thread | null): void {
  pg.g_busyOwner = owner;
  pg.g_owner = t;
}

/** pmap_page_protect(pg, prot): PROT_NONE removes the mapping, PROT_READ write-protects it. */
export function pmap_page_protect(pg: UvmPage, prot: number): void {
  if (prot === PROT_NONE) pg.g_mapping = MAPPING_NONE;
  else if (prot === PROT_READ && pg.g_mapping === MAPPING_WRITE) pg.g_mapping = MAPPING_READ;
}

export function pmap_is_modified(pg: UvmPage): boolean {
  return pg.g_pmapModified;
}

/** pmap_clear_modify(pg): UPG-14 — only on a page the caller holds busy. */
export function pmap_clear_modify(pg: UvmPage): void {
  note('pmap_clear_modify', { pg, busy: (pg.pg_flags & PG_BUSY) !== 0, mapping: pg.g_mapping });
  pg.g_pmapModified = false;
}

/** uvm_pageactivate(pg): onto the active queue unless wired. */
export function uvm_pageactivate(pg: UvmPage): void {
  pg.pg_flags &= ~(PQ_ACTIVE | PQ_INACTIVE);
  if (pg.wire_count === 0) pg.pg_flags |= PQ_ACTIVE;
}

/**
 * uvm_pagedeactivate(pg): onto the inactive queue. Unmapped first by every caller here, it
 * re-syncs PG_CLEAN with the pmap (an inactive page's PG_CLEAN is up to date, uvm_vnode.c:627-628).
 */
export function uvm_pagedeactivate(pg: UvmPage): void {
  note('uvm_pagedeactivate', { pg, wired: pg.wire_count > 0, busy: (pg.pg_flags & PG_BUSY) !== 0, inactive: (pg.pg_flags & PQ_INACTIVE) !== 0 });
  if ((pg.pg_flags & PG_CLEAN) !== 0 && pg.g_pmapModified) pg.pg_flags &= ~PG_CLEAN;
  pg.pg_flags &= ~PQ_ACTIVE;
  pg.pg_flags |= PQ_INACTIVE;
  lifecycle(pg, 'PG_DEACTIVATE');
}

/**
 * Take a page out of its object (npages--), reporting it to the uvn machine (`uvnEvent`; aiodone
 * reports the free and its u_nio drop as one event, so it passes null here).
 */
function remove_from_object(pg: UvmPage, uvnEvent: string | null): void {
  const uobj = pg.uobject;
  if (uobj === null) throw new KernelPanic('uvm_page.c', 'uvm_pageclean: page in no object');
  uobj.uo_npages -= 1;
  if (uvnEvent !== null) lifecycle(uobj.uo_uvn, uvnEvent);
  pg.uobject = null;
  pg.g_mapping = MAPPING_NONE;
  pg.g_pmapModified = false;
}

/**
 * uvm_pageclean(pg): take the page out of its object and off the queues, clear its flags (the
 * caller then puts it on a dead list for uvm_pglistfree). A busy page may be cleaned only by its
 * owner (UPG-06), which the checker sees through the note.
 */
export function uvm_pageclean(pg: UvmPage, t: Thread | null, event: string | null, uvnEvent: string | null = 'UVN_PAGE_FREE'): void {
  note('uvm_pageclean', { pg, busy: (pg.pg_flags & PG_BUSY) !== 0, owner: pg.g_owner, by: t, data: pg.g_data, tainted: pg.g_tainted });
  remove_from_object(pg, uvnEvent);
  pg.pg_flags = 0;
  pg.wire_count = 0;
  UVM_PAGE_OWN(pg, OWNER_NONE, null);
  if (event !== null) lifecycle(pg, event);
}

/** uvm_pagefree(pg): uvm_pageclean, then back to the free pool. */
export function uvm_pagefree(pg: UvmPage, t: Thread | null, event: string, uvnEvent: string | null = 'UVN_PAGE_FREE'): void {
  uvm_pageclean(pg, t, event, uvnEvent);
  pg.pg_flags = PQ_FREE;
  pg.g_data = GARBAGE;
  pg.g_tainted = false;
}

/** uvm_pglistfree(list): a flush's dead pages return to the free pool (uvm_vnode.c:855). */
export function uvm_pglistfree(dead: UvmPage[]): void {
  for (const pg of dead) {
    pg.pg_flags = PQ_FREE;
    pg.g_data = GARBAGE;
    pg.g_tainted = false;
    lifecycle(pg, 'PG_FREE');
  }
}

/**
 * uvm_pagealloc(uobj, off, anon, flags): a free page put in the object at `off`, BUSY|FAKE|CLEAN
 * and owned by the caller (uvm_vnode.c:1028-1029), or NULL when memory is short: a scheduler
 * choice under the scenario's memory pressure, or no free page structure left.
 */
export const uvm_pagealloc = prim({
  name: 'uvm_pagealloc',
  kind: 'lock',
  touches: (_a: [UvmObject, number], _t: Thread, sim: Sim) => uvmOf(sim).pool,
  variants: (_a: [UvmObject, number], _t: Thread, sim: Sim) => (sim.options.memoryPressure ? 2 : 1),
  variantNames: ['', 'ENOMEM'],
  exec: ([uobj, off]: [UvmObject, number], t: Thread, _s: Sim, variant: number): UvmPage | null => {
    if (variant === 1) return null;
    const pg = uvm().pool.find((p) => (p.pg_flags & PQ_FREE) !== 0);
    if (pg === undefined) return null;
    pg.pg_flags = PG_BUSY | PG_FAKE | PG_CLEAN | PG_TABLED;
    pg.wire_count = 0;
    pg.uobject = uobj;
    pg.offset = off;
    pg.g_mapping = MAPPING_NONE;
    pg.g_pmapModified = false;
    pg.g_data = GARBAGE;
    pg.g_tainted = false;
    UVM_PAGE_OWN(pg, OWNER_CLIENT, t);
    uobj.uo_npages += 1;
    lifecycle(uobj.uo_uvn, 'UVN_PAGE_ALLOC');
    lifecycle(pg, 'PG_ALLOC');
    return pg;
  },
});

/**
 * uvm_wait(msg): wait for the page daemon to free memory. The seed calls it with the object lock
 * held (uvm_vnode.c:1042, F14); memory always comes back, so this is one blocking step.
 */
export const uvm_wait = prim({
  name: 'uvm_wait',
  kind: 'sleep',
  sleeps: true,
  touches: () => [],
  exec: () => undefined,
});

/**
 * uvm_pagewait(pg, lock, msg) [ext-page]: the page must be busy and the lock held; set PG_WANTED
 * and sleep on the page, releasing the lock and NOT re-taking it (PNORELOCK).
 */
export function* uvm_pagewait(pg: UvmPage, lock: RwLock, msg: string): Kernel<void> {
  yield* tsleep_interlock(pg, 0);
  if ((pg.pg_flags & PG_BUSY) === 0) throw new KernelPanic('uvm_page.c', 'uvm_pagewait: page not busy');
  pg.pg_flags |= PG_WANTED;
  lifecycle(pg, 'PG_WANTED');
  yield* rw_exit_write(lock);
  yield* tsleep_wait(pg, 0, msg, 0);
}

/**
 * uvm_pagermapin(pps, npages, flags): kernel VA for pager I/O. Without WAITOK it may fail when the
 * scenario allows a KVA shortage (options.kvaShortage): the main source of VM_PAGER_AGAIN and so
 * of the flush's AGAIN→PGO_SYNCIO path (spec §7.2). With WAITOK it always succeeds (a sleep).
 */
export const UVMPAGER_MAPIN_WAITOK = 0x01;
export const uvm_pagermapin = prim({
  name: 'uvm_pagermapin',
  kind: 'sleep',
  sleeps: true,
  touches: () => [],
  variants: ([, , flags]: [UvmPage[], number, number], _t: Thread, sim: Sim) =>
    (flags & UVMPAGER_MAPIN_WAITOK) === 0 && sim.options.kvaShortage ? 2 : 1,
  variantNames: ['', 'no KVA'],
  exec: (_a: [UvmPage[], number, number], _t: Thread, _s: Sim, variant: number) => (variant === 1 ? 0 : 1),
});

/** uvm_pagermapin without UVMPAGER_MAPIN_WAITOK never sleeps: a choice, not a blocking step (KERNEL_LOCK is kept). */
const uvm_pagermapin_try = prim({
  name: 'uvm_pagermapin',
  kind: 'read',
  touches: () => [],
  variants: () => 2,
  variantNames: ['', 'no KVA'],
  exec: (_a: [UvmPage[], number], _t: Thread, _s: Sim, variant: number) => (variant === 1 ? 0 : 1),
});

/** uvm_pagermapin without waiting: a step only when the scenario allows a KVA shortage. */
export function* uvm_pagermapin_nowait(pps: UvmPage[], npages: number): Kernel<number> {
  if (!kernelOptions().kvaShortage) return 1;
  return yield* uvm_pagermapin_try(pps, npages);
}

/** uvm_pagermapout(kva, npages): nothing to model. */
export function uvm_pagermapout(_kva: number, _npages: number): void {}

/** The scenario's option `name` as a number (0 when unset). */
export function optionNumber(name: string): number {
  const v = kernelOptions()[name];
  return typeof v === 'number' ? v : v ? 1 : 0;
}
