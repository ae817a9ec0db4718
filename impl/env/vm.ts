'use kernel';
/**
 * ENVIRONMENT (not seed code): DragonFly's VM objects and pages as vfs_bio.c drives them
 * (vm/vm_page.c, vm/vm_object.c; spec/vfs_bio_sync.md §4.1 and the `vm_page_*` row of §0).
 *
 * Simplifications (spec §8): one page per DEV_BSIZE unit, so `valid` and `dirty` are one bit;
 * the pmap modified bit is folded into `dirty` (a user store through a mapping sets it); the
 * LRU (act_count, active vs inactive) is kept only as the queue a page lands on. Every page
 * index of an object has one page structure for the whole run: "free" (PQ_FREE) means not
 * resident, so vm_page_lookup returns NULL and the next vm_page_alloc reuses the structure.
 *
 * Ghost fields (g_) are the checker's: `g_data` is the version of the block's data the page
 * holds (the durability model), `g_bogus` counts buffer slots where bogus_page stands in for it.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { KernelPanic } from '../sim/panic.ts';
import { kernelOptions, lifecycle } from '../sim/report.ts';
import { nondet } from '../sim/nondet.ts';
import { lwkt_gettoken, lwkt_reltoken, newToken } from '../sim/locks.ts';
import type { LwktToken } from '../sim/thread.ts';
import { VM_PAGE_BITS_ALL } from '../kernel/sys.ts';

/** Page queues (vm/vm_page.h); PQ_FREE = not resident. */
export const PQ_NONE = 0;
export const PQ_FREE = 1;
export const PQ_CACHE = 2;
export const PQ_INACTIVE = 3;
export const PQ_ACTIVE = 4;
export const PQ_NAMES = ['NONE', 'FREE', 'CACHE', 'INACTIVE', 'ACTIVE'] as const;

/** m->flags (vm/vm_page.h). */
export const PG_NEED_COMMIT = 0x0001;
export const PG_NOTMETA = 0x0002;

/** Protection arguments of vm_page_protect (pmap is not modelled). */
export const VM_PROT_NONE = 0;
export const VM_PROT_READ = 1;

/** vm_page_alloc flags. */
export const VM_ALLOC_NORMAL = 0x01;
export const VM_ALLOC_SYSTEM = 0x02;
export const VM_ALLOC_INTERRUPT = 0x04;
export const VM_ALLOC_NULL_OK = 0x08;

/** Data version of a page whose contents are garbage (never written, or freed). */
export const GARBAGE = -1;

export interface VmObject {
  /** One page structure per index (see the module comment). */
  pages: VmPage[];
  paging_in_progress: number;
  /** vm_object_hold's token. */
  token: LwktToken;
}

export interface VmPage {
  object: VmObject | null;
  pindex: number;
  queue: number;
  valid: number;
  dirty: number;
  flags: number;
  wire_count: number;
  /** Hard busy (PBUSY_LOCKED): the owning thread, or null. */
  busy: Thread | null;
  /** Soft-busy / I/O count (busy_count & PBUSY_MASK, vfs_bio.c:3665). */
  busy_count: number;
  /** ghost: data version held (durability). */
  g_data: number;
  /** ghost: buffer slots currently holding bogus_page in place of this page. */
  g_bogus: number;
}

export function newVmObject(npages: number): VmObject {
  const obj: VmObject = { pages: [], paging_in_progress: 0, token: newToken('vm_object') };
  for (let i = 0; i < npages; i++) obj.pages.push(newVmPage(obj, i));
  return obj;
}

export function newVmPage(obj: VmObject | null, pindex: number): VmPage {
  return {
    object: obj,
    pindex,
    queue: PQ_FREE,
    valid: 0,
    dirty: 0,
    flags: 0,
    wire_count: 0,
    busy: null,
    busy_count: 0,
    g_data: GARBAGE,
    g_bogus: 0,
  };
}

/** A page is resident (lookup finds it) unless it is on the free queue. */
export function vm_page_resident(m: VmPage): boolean {
  return m.queue !== PQ_FREE;
}

/** vm_page_lookup(obj, pindex): the resident page at pindex or NULL (a plain read). */
export function vm_page_lookup(obj: VmObject, pindex: number): VmPage | null {
  const m = obj.pages[pindex];
  return m !== undefined && m.queue !== PQ_FREE ? m : null;
}

function busyConflict(m: VmPage, also_m_busy: boolean): boolean {
  return m.busy !== null || (also_m_busy && m.busy_count > 0);
}

/** vm_page_busy_try(m, also_m_busy): TRUE if the page could not be busied. */
export const vm_page_busy_try = prim({
  name: 'vm_page_busy_try',
  kind: 'lock',
  touches: ([m]: [VmPage, boolean]) => [m],
  exec: ([m, also]: [VmPage, boolean], t: Thread) => {
    if (busyConflict(m, also)) return true;
    m.busy = t;
    lifecycle(m, 'BUSY');
    return false;
  },
});

/** vm_page_sleep_busy(m, also_m_busy, msg): sleep until the page is not (hard/soft) busy. */
export const vm_page_sleep_busy = prim({
  name: 'vm_page_sleep_busy',
  kind: 'sleep',
  sleeps: true,
  touches: ([m]: [VmPage, boolean, string]) => [m],
  enabled: ([m, also]: [VmPage, boolean, string]) => !busyConflict(m, also),
  exec: () => undefined,
});

/** vm_page_busy_wait(m, also_m_busy, msg): busy the page, sleeping as long as needed. */
export function* vm_page_busy_wait(m: VmPage, also_m_busy: boolean, msg: string): Kernel<void> {
  while (yield* vm_page_busy_try(m, also_m_busy)) yield* vm_page_sleep_busy(m, also_m_busy, msg);
}

/** vm_page_wakeup(m): release the hard busy (waiters are woken by it). */
export const vm_page_wakeup = prim({
  name: 'vm_page_wakeup',
  kind: 'unlock',
  touches: ([m]: [VmPage]) => [m],
  exec: ([m]: [VmPage], t: Thread) => {
    if (m.busy !== t) throw new KernelPanic('vm_page.c', 'vm_page_wakeup: page not busied by this thread');
    m.busy = null;
    lifecycle(m, 'UNBUSY');
  },
});

/**
 * vm_page_lookup_busy_try(obj, pindex, also_m_busy, &error): [m, error]. With error set, m is
 * the resident page somebody else has busy (not busied by the caller).
 */
export const vm_page_lookup_busy_try = prim({
  name: 'vm_page_lookup_busy_try',
  kind: 'lock',
  touches: ([obj, pindex]: [VmObject, number, boolean]) => [obj.pages[pindex]],
  exec: ([obj, pindex, also]: [VmObject, number, boolean], t: Thread): [VmPage | null, number] => {
    const m = vm_page_lookup(obj, pindex);
    if (m === null) return [null, 0];
    if (busyConflict(m, also)) return [m, 1];
    m.busy = t;
    lifecycle(m, 'BUSY');
    return [m, 0];
  },
});

/**
 * vm_page_alloc(obj, pindex, flags): a new busied page at pindex, or NULL when memory is short
 * (a scheduler choice under the scenario's memory pressure) or the index is already resident.
 */
export const vm_page_alloc = prim({
  name: 'vm_page_alloc',
  kind: 'lock',
  touches: ([obj, pindex]: [VmObject, number, number]) => [obj.pages[pindex]],
  variants: (_a: [VmObject, number, number], _t: Thread, sim: Sim) => (sim.options.memoryPressure ? 2 : 1),
  variantNames: ['', 'ENOMEM'],
  exec: ([obj, pindex]: [VmObject, number, number], t: Thread, _s: Sim, variant: number) => {
    const m = obj.pages[pindex];
    if (variant === 1 || m.queue !== PQ_FREE) return null;
    m.queue = PQ_NONE;
    m.valid = 0;
    m.dirty = 0;
    m.flags = 0;
    m.busy = t;
    m.g_data = GARBAGE;
    lifecycle(m, 'ALLOC');
    return m;
  },
});

/** vm_wait(timo): wait for the pageout daemon to free memory (it always eventually does). */
export const vm_wait = prim({
  name: 'vm_wait',
  kind: 'sleep',
  sleeps: true,
  touches: () => [],
  exec: () => undefined,
});

/** vm_paging_min(): free memory below the minimum — an input (spec §0 "P"). */
export function* vm_paging_min(): Kernel<boolean> {
  if (!kernelOptions().memoryPressure) return false;
  return (yield* nondet('vm_paging_min', 2)) === 1;
}

/** vm_paging_severe(): like vm_paging_min, for bio_page_alloc's retry ladder. */
export function* vm_paging_severe(): Kernel<boolean> {
  return yield* vm_paging_min();
}


/** vm_object_hold / vm_object_drop: the object's token. */
export function* vm_object_hold(obj: VmObject): Kernel<void> {
  yield* lwkt_gettoken(obj.token);
}
export function* vm_object_drop(obj: VmObject): Kernel<void> {
  yield* lwkt_reltoken(obj.token);
}

/** vm_object_pip_add / vm_object_pip_wakeup: paging-in-progress count (atomic in the kernel). */
export function vm_object_pip_add(obj: VmObject, n: number): void {
  obj.paging_in_progress += n;
}
export function vm_object_pip_wakeup(obj: VmObject): void {
  if (obj.paging_in_progress <= 0) throw new KernelPanic('vm_object.c', 'vm_object_pip_wakeup: pip underflow');
  obj.paging_in_progress -= 1;
}

/** vm_page_io_start / vm_page_io_finish: the soft-busy I/O count (caller holds the hard busy). */
export function vm_page_io_start(m: VmPage): void {
  m.busy_count += 1;
  lifecycle(m, 'IO_START');
}
export function vm_page_io_finish(m: VmPage): void {
  if (m.busy_count <= 0) throw new KernelPanic('vm_page.c', 'vm_page_io_finish: soft-busy underflow');
  m.busy_count -= 1;
  lifecycle(m, 'IO_FINISH');
}

/** vm_page_wire(m): one more wiring (the page leaves the paging queues). */
export function vm_page_wire(m: VmPage): void {
  m.wire_count += 1;
  m.queue = PQ_NONE;
  lifecycle(m, 'WIRE');
}

/** vm_page_unwire(m, activate): drop a wiring; at zero the page goes to a paging queue. */
export function vm_page_unwire(m: VmPage, activate: number): void {
  if (m.wire_count <= 0) throw new KernelPanic('vm_page.c', 'vm_page_unwire: invalid wire count');
  m.wire_count -= 1;
  if (m.wire_count === 0) m.queue = activate ? PQ_ACTIVE : PQ_INACTIVE;
  lifecycle(m, 'UNWIRE');
}

/** vm_page_protect(m, prot): pmap protection — not modelled (spec §8); stores respect I/O busy. */
export function vm_page_protect(_m: VmPage, _prot: number): void {}

/** vm_page_test_dirty(m): fold the pmap modified bit into m->dirty (already folded here). */
export function vm_page_test_dirty(_m: VmPage): void {}

export function vm_page_is_valid(m: VmPage, _base: number, _size: number): boolean {
  return m.valid === VM_PAGE_BITS_ALL;
}

export function vm_page_set_validclean(m: VmPage, _base: number, _size: number): void {
  m.valid = VM_PAGE_BITS_ALL;
  m.dirty = 0;
  lifecycle(m, 'SET_VALIDCLEAN');
}

/** vm_page_set_invalid(m, base, size): valid and dirty bits of the range are cleared. */
export function vm_page_set_invalid(m: VmPage, _base: number, _size: number): void {
  m.valid = 0;
  m.dirty = 0;
  lifecycle(m, 'SET_INVALID');
}

export function vm_page_need_commit(m: VmPage): void {
  m.flags |= PG_NEED_COMMIT;
  lifecycle(m, 'NEED_COMMIT');
}

export function vm_page_flag_set(m: VmPage, flag: number): void {
  m.flags |= flag;
}

/** A page may be freed or cached only if nothing pins its contents (VM-14). */
function disposable(m: VmPage): boolean {
  return m.wire_count === 0 && m.busy_count === 0 && m.dirty === 0 && (m.flags & PG_NEED_COMMIT) === 0;
}

function freePage(m: VmPage): void {
  m.queue = PQ_FREE;
  m.valid = 0;
  m.dirty = 0;
  m.flags = 0;
  m.g_data = GARBAGE;
  lifecycle(m, 'FREE');
}

/**
 * vm_page_try_to_free(m): free an unbusied, clean, unwired page. It busies the page itself (a
 * try), so it is a step of its own: another thread may busy or look up the page first.
 */
export const vm_page_try_to_free = prim({
  name: 'vm_page_try_to_free',
  kind: 'lock',
  touches: ([m]: [VmPage]) => [m],
  exec: ([m]: [VmPage]) => {
    if (m.busy !== null || !disposable(m)) return false;
    freePage(m);
    return true;
  },
});

/**
 * vm_page_try_to_cache(m): consumes the caller's hard busy (spec §0: no vm_page_wakeup follows
 * it at vfs_bio.c:1830). A disposable page becomes a cache page (which the VM may free at any
 * time; the model frees it, the harsher choice); else it just loses the busy.
 */
export function vm_page_try_to_cache(m: VmPage, t: Thread): boolean {
  if (m.busy !== t) throw new KernelPanic('vm_page.c', 'vm_page_try_to_cache: page not busied by this thread');
  m.busy = null;
  lifecycle(m, 'UNBUSY');
  if (!disposable(m)) return false;
  freePage(m);
  return true;
}
