'use kernel';
/**
 * uvm_vnode.c — OpenBSD's vnode pager (seed 002, rev 1.129 2022/09/21), all thirteen functions in
 * the seed's order, with the seed's names and control flow. The seed's comments are summarised
 * with their lines cited, not copied. Analysis: spec/uvm_vnode.md.
 *
 * Step granularity (docs/design.md): every lock operation, sleep, wakeup, VOP and every access
 * the seed makes WITHOUT the object lock is a step: the unlocked u_flags reads and writes of
 * uvn_attach (:148, :149, :176, :179, :194, :221; F1/F2 live there), uvm_vnp_sync's uo_refs
 * read and increment (:1489-1491, F7), the unlocked u_size read of uvn_io (:1202, F6; the C
 * reads it at :1202 and :1203, a compiler once — so does the model) and its two VNISLOCKED reads
 * (:1234, :1245, F5). Plain code under the object lock (flag and page updates) is folded into the
 * step before it. The ALOCK owner's unlocked commit (:235-253) is folded into the step that
 * returned the size: exact under KERNEL_LOCK (spec §7.1 item 4), where nothing interleaves with
 * it; without it (a literal-mode scenario) an attacher's :149 store racing :237-238 is modelled
 * only as landing before or after the whole commit. One reordering: uvn_get takes the page-queue
 * lock (:1099) before unbusying a page whose read failed (:1093-1098), so that the unbusy and the
 * free are one step; the object lock is held throughout, so nobody can tell.
 *
 * Out-parameters (uvn_get's pps and npagesp, uvn_cluster's bounds, uvm_pager_put's cluster) are
 * returned as tuples: kernel frames own their locals.
 *
 * Left out (spec §7.2): NET_LOCK (:1213-1220, :1251-1252; only a scheduling point), block
 * devices (:154-156, :196-211: every vnode is VREG), VTEXT's meaning (:322 clears it), DEBUG
 * printfs and ratecheck (:815-828; retval is kept), the reboot park (:1288-1293 is kept as code
 * but `rebooting` is never set), uio/iovec set-up beyond the transfer length, and PG_CLEANCHK's
 * use by the cluster builder (a hint, :622-629; the bits are still set and cleared).
 */
import { match } from 'ts-pattern';
import type { Kernel } from '../sim/prim.ts';
import { load, store } from '../sim/atomics.ts';
import { wakeup, tsleep } from '../sim/sleep.ts';
import { rw_exit_write, rwsleep, newRwLock } from '../sim/locks.ts';
import { KASSERT, panic } from '../sim/panic.ts';
import { EBUSY, EIO } from '../sim/errno.ts';
import { lifecycle, note, curthread, kernelOptions } from '../sim/report.ts';
import {
  KERNEL_LOCK,
  rw_enter,
  KERNEL_UNLOCK,
  kernel_lock_held,
  uvm_lock_pageq,
  uvm_unlock_pageq,
  uvm_pagelookup,
  uvm_objpages,
  uvm_pagealloc,
  uvm_wait,
  uvm_pagewait,
  uvm_pageclean,
  uvm_pagefree,
  uvm_pglistfree,
  uvm_pagedeactivate,
  uvm_pagermapin,
  uvm_pagermapin_nowait,
  uvm_pagermapout,
  UVMPAGER_MAPIN_WAITOK,
  atomic_setbits_int,
  atomic_clearbits_int,
  pmap_page_protect,
  pmap_is_modified,
  pmap_clear_modify,
  UVM_PAGE_OWN,
  uvnOf,
  trunc_page,
  round_page,
  PAGE_SIZE,
  PAGE_SHIFT,
  MAXBSIZE,
  PG_BUSY,
  PG_WANTED,
  PG_CLEAN,
  PG_CLEANCHK,
  PG_RELEASED,
  PG_FAKE,
  PQ_ACTIVE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  OWNER_CLIENT,
  OWNER_PAGEOUT,
  OWNER_NONE,
  PGO_CLEANIT,
  PGO_SYNCIO,
  PGO_DEACTIVATE,
  PGO_FREE,
  PGO_ALLPAGES,
  PGO_DOACTCLUST,
  PGO_LOCKED,
  PGO_NOWAIT,
  PGO_PDFREECLUST,
  VM_PAGER_OK,
  VM_PAGER_BAD,
  VM_PAGER_PEND,
  VM_PAGER_ERROR,
  VM_PAGER_AGAIN,
  VM_PAGER_UNLOCK,
  UIO_READ,
  UIO_WRITE,
  type UvmObject,
  type UvmPage,
} from '../env/uvm.ts';
import { vref, vrele, vn_lock, VOP_UNLOCK, VOP_GETATTR, VOP_RDWR, VOP_ISLOCKED, LK_EXCLUSIVE, LK_RECURSEFAIL, LK_NOWAIT, LK_RETRY, VTEXT, VBLK, VLOCKSWORK, type OVnode } from '../env/ovnode.ts';
import { uvm_pager_put, uvn_io_async } from '../env/uvm_pager.ts';
import {
  UVM_VNODE_VALID,
  UVM_VNODE_CANPERSIST,
  UVM_VNODE_ALOCK,
  UVM_VNODE_DYING,
  UVM_VNODE_RELKILL,
  UVM_VNODE_WANTED,
  UVM_VNODE_VNISLOCKED,
  UVM_VNODE_IOSYNC,
  UVM_VNODE_IOSYNCWANTED,
  UVM_VNODE_WRITEABLE,
  UVM_VNODE_BLOCKED,
  uvnGlobals,
  type UvmVnode,
} from './uvm_vnode_state.ts';

/** A slot of uvn_get's pps array the caller does not care about (uvm/uvm_pager.h). */
export const PGO_DONTCARE = 'DONTCARE';
export type PageSlot = UvmPage | null | typeof PGO_DONTCARE;

export const M_WAITOK = 1;
export const M_NOWAIT = 0;

// ---------------------------------------------------------------- helpers (list macros, ghosts)

/** LIST_INSERT_HEAD(&uvn_wlist, uvn, u_wlist). */
export function wlist_insert_head(uvn: UvmVnode): void {
  uvnGlobals().uvn_wlist.unshift(uvn);
  uvn.g_onWriteableList = true;
}

/** LIST_REMOVE(uvn, u_wlist). */
export function wlist_remove(uvn: UvmVnode): void {
  const l = uvnGlobals().uvn_wlist;
  const i = l.indexOf(uvn);
  if (i < 0) panic('queue.h', 'LIST_REMOVE of a uvn that is not on uvn_wlist');
  l.splice(i, 1);
  uvn.g_onWriteableList = false;
}

/** The transition assertions UVN-24/UVN-25 read: who raised uo_refs, from what, and whether BLOCKED was seen clear in the same critical section. */
export function refs_raised(uvn: UvmVnode, site: string, checkedUnblocked: boolean): void {
  note('uvn_refs_raised', { uvn, site, refs: uvn.u_obj.uo_refs, flags: uvn.u_flags, checkedUnblocked });
}

/** The (ghost) page-disposal decision of uvn_flush for a page that needs no cleaning (uvm_vnode.c:680-702). */
export type Disposal = 'DEACTIVATE' | 'KEEP' | 'WAIT_BUSY' | 'FREE';
export function flush_disposal(flags: number, pp: UvmPage): Disposal {
  return match({
    deactivate: (flags & PGO_DEACTIVATE) !== 0,
    free: (flags & PGO_FREE) !== 0,
    busy: (pp.pg_flags & PG_BUSY) !== 0,
    wired: pp.wire_count > 0,
  })
    .returnType<Disposal>()
    .with({ deactivate: true, wired: false }, () => 'DEACTIVATE') // :681-685, busy or not (:651-654)
    .with({ deactivate: true, wired: true }, () => 'KEEP') // :682
    .with({ deactivate: false, free: true, busy: true }, () => 'WAIT_BUSY') // :687-694
    .with({ deactivate: false, free: true, busy: false }, () => 'FREE') // :695-700: clean or dirty, wired or not
    .with({ deactivate: false, free: false }, () => 'KEEP') // neither D nor F
    .exhaustive();
}

/** What uvn_flush does with each page of a finished pageout (uvm_vnode.c:806-834). */
export type Completion = 'DEACTIVATE' | 'KEEP' | 'FREE';
export function flush_completion(flags: number, result: number, ptmp: UvmPage): Completion {
  return match({ deactivate: (flags & PGO_DEACTIVATE) !== 0, free: (flags & PGO_FREE) !== 0, pend: result === VM_PAGER_PEND, wired: ptmp.wire_count > 0 })
    .returnType<Completion>()
    .with({ deactivate: true, wired: false }, () => 'DEACTIVATE') // :807-811
    .with({ deactivate: true, wired: true }, () => 'KEEP')
    .with({ deactivate: false, free: true, pend: false }, () => 'FREE') // :812-834
    .with({ deactivate: false, free: true, pend: true }, () => 'KEEP') // aiodone frees it (:768-771)
    .with({ deactivate: false, free: false }, () => 'KEEP')
    .exhaustive();
}

// ---------------------------------------------------------------- the functions, in the seed's order

/**
 * uvn_init (uvm_vnode.c:116-123): pgo_init at boot — an empty writeable list and the sync lock;
 * uvn_sync_q is initialised by every uvm_vnp_sync run instead (:121).
 */
export function* uvn_init(): Kernel<void> {
  const g = uvnGlobals();
  g.uvn_wlist = []; // :120
  g.uvn_sync_lock = newRwLock(); // :122 rw_init_flags(&uvn_sync_lock, "uvnsync", RWL_IS_VNODE)
}

/**
 * uvn_attach (uvm_vnode.c:138-258): attach a vnode to its VM object, or just take another
 * reference if it is already attached. Waits (unlocked test, :148) while the uvn is BLOCKED; a
 * VALID uvn gets a reference (regaining the vnode reference a persisting uvn gave up, :167-170)
 * and joins uvn_wlist if the caller wants write access. Otherwise the caller takes the uvn over
 * with ALOCK, asks the vnode for its size with no lock held (it may sleep on I/O, :186-193), and
 * commits it VALID|CANPERSIST with one reference and a vnode reference held as long as there are
 * mappings (:248-252). After the lock at :164, which can sleep, BLOCKED is not re-tested (F1).
 */
export function* uvn_attach(vp: OVnode, accessprot: number): Kernel<UvmObject | null> {
  const uvn = vp.v_uvm as UvmVnode;
  let oldflags: number;
  let result: number;
  let used_vnode_size = 0;
  let flags: number;
  let r: [number, number];

  /* first get a lock on the uvn. */
  for (;;) {
    flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:148
    if ((flags & UVM_VNODE_BLOCKED) === 0) break;
    flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:149 (|=: an unlocked read-modify-write)
    yield* store(uvn, 'u_flags', flags | UVM_VNODE_WANTED); // uvm_vnode.c:149
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:149', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_ATTACH_WAIT');
    yield* tsleep(uvn, 0, 'uvn_attach', 0); // uvm_vnode.c:150
  }

  /*
   * a block device must be a disk (:153-156). The model has regular files only, so this test
   * (which in the C returns NULL only for a non-disk driver) is never true.
   */
  if (vp.v_type === VBLK) return null;

  yield* rw_enter(uvn.u_obj.vmobjlock); // uvm_vnode.c:164
  if (uvn.u_flags & UVM_VNODE_VALID) {
    /* regain vref if we were persisting (:167-170) */
    if (uvn.u_obj.uo_refs === 0) {
      vref(vp);
      uvn.g_vref++;
    }
    uvn.u_obj.uo_refs++; // :171 bump uvn ref
    refs_raised(uvn, 'uvm_vnode.c:171', false);
    lifecycle(uvn, 'UVN_ATTACH_VALID');
    yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:172

    /* check for new writeable uvn (:174-180), without the object lock */
    flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:176
    if ((accessprot & PROT_WRITE) !== 0 && (flags & UVM_VNODE_WRITEABLE) === 0) {
      /*
       * :177 LIST_INSERT_HEAD (KERNEL_LOCK-protected) and :179's unlocked |=: the insert is
       * folded into :179's store step so that the list and WRITEABLE change together.
       */
      flags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:179
      yield* store(uvn, 'u_flags', flags | UVM_VNODE_WRITEABLE); // uvm_vnode.c:179 we are now on wlist
      wlist_insert_head(uvn); // :177
      note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:179', kl: kernel_lock_held(curthread()) });
      lifecycle(uvn, 'UVN_WLIST_INSERT');
    }
    return uvn.u_obj; // :182
  }
  yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:184

  /*
   * VOP_GETATTR may block on I/O, so unlock the object; ALOCK keeps anyone else from attaching
   * meanwhile (:186-193).
   */
  yield* store(uvn, 'u_flags', UVM_VNODE_ALOCK); // uvm_vnode.c:194
  note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:194', kl: kernel_lock_held(curthread()) });
  lifecycle(uvn, 'UVN_ATTACH');

  r = yield* VOP_GETATTR(vp); // uvm_vnode.c:213
  result = r[0];
  if (result === 0) used_vnode_size = r[1]; // :214-215

  if (result !== 0) {
    if (uvn.u_flags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:219-220
    yield* store(uvn, 'u_flags', 0); // uvm_vnode.c:221 (unlocked)
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:221', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_ATTACH_FAIL');
    return null; // :222
  }

  /* now set up the uvn (:234-240), as the ALOCK owner, without the object lock */
  KASSERT(uvn.u_obj.uo_refs === 0, 'uvm_vnode.c:235', 'uvn->u_obj.uo_refs == 0');
  uvn.u_obj.uo_refs++; // :236
  refs_raised(uvn, 'uvm_vnode.c:236', true);
  oldflags = uvn.u_flags; // :237
  uvn.u_flags = UVM_VNODE_VALID | UVM_VNODE_CANPERSIST; // :238
  uvn.u_nio = 0; // :239
  uvn.u_size = used_vnode_size; // :240
  note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:236-240', kl: kernel_lock_held(curthread()) });
  lifecycle(uvn, 'UVN_ATTACH_DONE');

  /* if write access, we need to add it to the wlist (:242-246) */
  if (accessprot & PROT_WRITE) {
    wlist_insert_head(uvn); // :244
    uvn.u_flags |= UVM_VNODE_WRITEABLE; // :245 we are on wlist
    lifecycle(uvn, 'UVN_WLIST_INSERT');
  }

  /* the vnode reference lives as long as there is a mapping (:248-253) */
  vref(vp); // :253
  uvn.g_vref++;
  if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:254-255

  return uvn.u_obj; // :257
}

/**
 * uvn_reference (uvm_vnode.c:272-289): duplicate a reference. The caller already holds one, so the
 * uvn cannot die meanwhile and BLOCKED need not be tested (:263-266); it uses the same access as
 * at attach time, so WRITEABLE needs no update (:268). DEBUG kernels check VALID without the lock.
 */
export function* uvn_reference(uobj: UvmObject): Kernel<void> {
  const uvn = uvnOf<UvmVnode>(uobj);
  if ((uvn.u_flags & UVM_VNODE_VALID) === 0) panic('uvm_vnode.c:283', 'uvn_reference: invalid state'); // :279-285 (DEBUG)
  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:286
  uobj.uo_refs++; // :287
  refs_raised(uvn, 'uvm_vnode.c:287', false);
  lifecycle(uvn, 'UVN_REFERENCE');
  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:288
}

/**
 * uvn_detach (uvm_vnode.c:300-390): drop a reference. The last one either lets the uvn persist
 * (CANPERSIST: deactivate its pages, a flush that never sleeps, :328-332) or kills it: DYING
 * blocks attaches while the C|F|A flush writes and frees the pages, possibly sleeping (:334-346);
 * then RELKILL, and a wait while pages remain in async I/O (:348-362). If terminate cancelled
 * RELKILL meanwhile it has taken the uvn over, and detach just leaves (:364-367) — without the
 * vrele (F9). Otherwise the uvn is killed (:369-382). The vnode reference goes last, after the
 * object lock is dropped, because vrele can re-enter the pager (:383-387).
 */
export function* uvn_detach(uobj: UvmObject): Kernel<void> {
  let uvn: UvmVnode;
  let vp: OVnode;
  let oldflags: number;
  let waited = false;

  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:307
  uobj.uo_refs--; // :308 drop ref
  note('uvn_refs_dropped', { uobj, refs: uobj.uo_refs });
  if (uobj.uo_refs) {
    lifecycle(uobj.uo_uvn, 'UVN_DETACH');
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:310
    return; // :311
  }

  /* get other pointers (:314-316) */
  uvn = uvnOf<UvmVnode>(uobj);
  vp = uvn.u_vnode;

  /* no mappings left: clear VTEXT (:318-322) */
  vp.v_flag &= ~VTEXT;

  /* the last reference is gone: can the uvn stick around? (:324-332) */
  if (uvn.u_flags & UVM_VNODE_CANPERSIST) {
    lifecycle(uvn, 'UVN_DETACH_PERSIST');
    /* won't block */
    yield* uvn_flush(uobj, 0, 0, PGO_DEACTIVATE | PGO_ALLPAGES); // uvm_vnode.c:330
  } else {
    /* its a goner! (:334-335) */
    uvn.u_flags |= UVM_VNODE_DYING;
    lifecycle(uvn, 'UVN_DETACH_DYING');

    /* nobody can gain a reference until DYING clears, even while the flush unlocks (:337-345) */
    yield* uvn_flush(uobj, 0, 0, PGO_CLEANIT | PGO_FREE | PGO_ALLPAGES); // uvm_vnode.c:346

    /*
     * every page is freed or busy in async I/O; RELKILL tells a terminate to leave the uvn
     * alone, and we kill it when it is empty (:348-356)
     */
    uvn.u_flags |= UVM_VNODE_RELKILL; // :356
    note('uvn_detach_flushed', { uvn, npages: uobj.uo_npages });
    /* wait on any outstanding io (:357-362) */
    while (uobj.uo_npages && uvn.u_flags & UVM_VNODE_RELKILL) {
      lifecycle(uvn, waited ? 'UVN_IOSYNC_WAIT' : 'UVN_DETACH_RELKILL');
      waited = true;
      uvn.u_flags |= UVM_VNODE_IOSYNC; // :359
      yield* rwsleep(uvn.g_nioChan, uobj.vmobjlock, 0, 'uvn_term', 0); // uvm_vnode.c:360
    }

    if ((uvn.u_flags & UVM_VNODE_RELKILL) === 0) {
      note('uvn_relkill_cancelled', { uvn });
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:365
      return; // :366
    }

    /* kill object now; no references, so not on the sync queue (:369-372) */
    if (uvn.u_flags & UVM_VNODE_WRITEABLE) {
      wlist_remove(uvn); // :374
    }
    KASSERT(uobj.uo_npages === 0, 'uvm_vnode.c:376', 'RBT_EMPTY(uvm_objtree, &uobj->memt)');
    oldflags = uvn.u_flags; // :377
    uvn.u_flags = 0; // :378
    uvn.g_vnodeDead = false;
    lifecycle(uvn, 'UVN_DETACH_KILL');

    /* wake up any sleepers (:380-382) */
    if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:381-382
  }
  /* out: */
  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:384

  /* drop our reference to the vnode (:386-387) */
  note('uvn_vrele', { uvn: uobj.uo_uvn, vp });
  (uobj.uo_uvn as UvmVnode).g_vref--;
  yield* vrele(vp); // uvm_vnode.c:387
}

/**
 * uvm_vnp_terminate (uvm_vnode.c:417-530): clear out a vnode's VM when vclean recycles the vnode
 * (case [1], a persisting uvn) or a forced unmount kills an active one (case [2], :393-416). It
 * takes over from a detach waiting in RELKILL (:447-456), blocks the uvn with DYING and tells
 * uvn_io the vnode is already locked (VNISLOCKED, :458-470), flushes, and waits for pages still
 * in I/O (:474-496). A uvn without references is freed — its vnode reference went when it
 * started persisting (:513-515); one with mappings lives on over the dead vnode (:498-511).
 */
export function* uvm_vnp_terminate(vp: OVnode): Kernel<void> {
  const uvn = vp.v_uvm as UvmVnode;
  const uobj = uvn.u_obj;
  let oldflags: number;
  let pg: UvmPage;

  /* check if it is valid (:424-429) */
  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:425
  if ((uvn.u_flags & UVM_VNODE_VALID) === 0) {
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:427
    return; // :428
  }

  /* the uvn may be in RELKILL (waiting for async I/O): take it over (:447-456) */
  if (uvn.u_flags & UVM_VNODE_RELKILL) uvn.u_flags &= ~UVM_VNODE_RELKILL; // :455-456 cancel RELKILL

  /* block the uvn and tell uvn_io we hold the vnode lock (:458-470) */
  uvn.u_flags |= UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED; // :470
  note('uvn_terminate_begin', { uvn });
  lifecycle(uvn, 'UVN_TERMINATE');

  yield* uvn_flush(uobj, 0, 0, PGO_CLEANIT | PGO_FREE | PGO_ALLPAGES); // uvm_vnode.c:472

  /* all pages are gone or going: wait for the rest via iosync (:474-496) */
  while (uvn.u_obj.uo_npages) {
    /* DEBUG (:479-486): every page left must be busy in I/O */
    for (pg of uvm_objpages(uobj)) {
      if ((pg.pg_flags & PG_BUSY) === 0) panic('uvm_vnode.c:483', 'uvm_vnp_terminate: detected unbusy pg');
    }
    if (uvn.u_nio === 0) panic('uvm_vnode.c:486', 'uvm_vnp_terminate: no I/O to wait for?');
    uvn.u_flags |= UVM_VNODE_IOSYNC; // :493
    lifecycle(uvn, 'UVN_IOSYNC_WAIT');
    yield* rwsleep(uvn.g_nioChan, uobj.vmobjlock, 0, 'uvn_term', 0); // uvm_vnode.c:494-495
  }

  /* free the uvn if nothing references it, else let it live on a dead vnode (:498-524) */
  oldflags = uvn.u_flags; // :504
  if (uvn.u_obj.uo_refs) {
    /* live on in dead-vnode state until the references go (:506-511) */
    uvn.u_flags &= ~(UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED | UVM_VNODE_WANTED | UVM_VNODE_CANPERSIST); // :510-511
    uvn.g_vnodeDead = true;
    lifecycle(uvn, 'UVN_TERMINATE_LIVE');
  } else {
    /* free the uvn now; the vref went when it started persisting (:513-515) */
    if (uvn.u_flags & UVM_VNODE_IOSYNCWANTED) panic('uvm_vnode.c:518', 'uvm_vnp_terminate: io sync wanted bit set'); // :517-518
    if (uvn.u_flags & UVM_VNODE_WRITEABLE) {
      wlist_remove(uvn); // :521
    }
    uvn.u_flags = 0; // :523 uvn is history, clear all bits
    uvn.g_vnodeDead = false;
    lifecycle(uvn, 'UVN_TERMINATE_FREE');
  }
  note('uvn_terminate_end', { uvn });

  if (oldflags & UVM_VNODE_WANTED) yield* wakeup(uvn); // uvm_vnode.c:526-527

  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:529
}

/*
 * uvm_vnode.c:532-566: the pager is synchronous (VOP_READ/VOP_WRITE); an asynchronous completion
 * ("uvn_aiodone") is only outlined there. The model's optional asynchronous-pageout extension
 * (spec §4.4, options.asyncPageout) implements that outline in env/uvm_pager.ts.
 */

/**
 * uvn_flush (uvm_vnode.c:596-858): flush pages of a uvm object — clean (PGO_CLEANIT), free
 * (PGO_FREE) or deactivate (PGO_DEACTIVATE) them, in [start, stop) or all (PGO_ALLPAGES). It holds
 * the object lock on entry and return, but drops it to wait for a busy page it must free
 * (:687-694), inside every pageout (uvm_pager_put → uvn_io), and in the final iosync wait. A busy
 * page it does not own is in someone else's I/O: it cannot be dirty if it is being paged in, and
 * if it is being paged out somebody is cleaning it for us, so a PGO_SYNCIO flush just waits for
 * all I/O at the end (:582-594). Returns FALSE only for a failed pageout with PGO_FREE (F11).
 */
export function* uvn_flush(uobj: UvmObject, start: number, stop: number, flags: number): Kernel<boolean> {
  const uvn = uvnOf<UvmVnode>(uobj);
  const t = curthread();
  let pp: UvmPage | null;
  let ptmp: UvmPage;
  let ppsp: UvmPage[] = [];
  const dead: UvmPage[] = [];
  let npages = 0;
  let result = VM_PAGER_OK;
  let lcv: number;
  let retval: boolean;
  let need_iosync: boolean;
  let g_busy_seen = false; // ghost (UPG-13): the scan met a page busy in someone else's I/O, with C|S
  let needs_clean: boolean;
  let curoff: number;
  let put: [number, UvmPage[], number];
  let disposal: Disposal;
  const entryFlags = flags;

  KASSERT(uobj.vmobjlock.rwl_owner === t, 'uvm_vnode.c:607', 'rw_write_held(uobj->vmobjlock)');

  /* get init vals and determine how we are going to traverse object (:610-619) */
  need_iosync = false;
  retval = true;
  if (flags & PGO_ALLPAGES) {
    start = 0;
    stop = round_page(uvn.u_size);
  } else {
    start = trunc_page(start);
    stop = Math.min(round_page(stop), round_page(uvn.u_size));
  }

  /* PG_CLEANCHK is only a clustering hint; clear it in range (:621-638) */
  if ((flags & PGO_CLEANIT) !== 0) {
    /* :632 KASSERT(uobj->pgops->pgo_mk_pcluster != 0): static configuration (ENV-05), always true here */
    for (curoff = start; curoff < stop; curoff += PAGE_SIZE) {
      pp = uvm_pagelookup(uobj, curoff);
      if (pp !== null) atomic_clearbits_int(pp, PG_CLEANCHK); // :634-636
    }
  }

  yield* uvm_lock_pageq(); // uvm_vnode.c:641
  for (curoff = start; curoff < stop; curoff += PAGE_SIZE) {
    pp = uvm_pagelookup(uobj, curoff); // :644
    if (pp === null) continue;

    /*
     * Step A (:646-677): a page needs cleaning only if we clean, it is not busy, and it is not
     * clean once the pmap's modified bit is folded in. A busy page is someone else's I/O: with
     * PGO_SYNCIO we will wait for it after the scan.
     */
    if ((flags & PGO_CLEANIT) === 0 || (pp.pg_flags & PG_BUSY) !== 0) {
      needs_clean = false;
      if ((pp.pg_flags & PG_BUSY) !== 0 && (flags & (PGO_CLEANIT | PGO_SYNCIO)) === (PGO_CLEANIT | PGO_SYNCIO)) need_iosync = true; // :658-661
      if ((pp.pg_flags & PG_BUSY) !== 0 && (flags & (PGO_CLEANIT | PGO_SYNCIO)) === (PGO_CLEANIT | PGO_SYNCIO)) g_busy_seen = true; // ghost, independent of :658-661
    } else {
      /* freeing: nuke all mappings so we can sync PG_CLEAN bit with no race (:663-670) */
      if ((pp.pg_flags & PG_CLEAN) !== 0 && (flags & PGO_FREE) !== 0 && (pp.pg_flags & PQ_ACTIVE) !== 0) pmap_page_protect(pp, PROT_NONE);
      if ((pp.pg_flags & PG_CLEAN) !== 0 && pmap_is_modified(pp)) {
        atomic_clearbits_int(pp, PG_CLEAN); // :673
        lifecycle(pp, 'FLUSH_DIRTYCHECK');
      }
      atomic_setbits_int(pp, PG_CLEANCHK); // :674
      needs_clean = (pp.pg_flags & PG_CLEAN) === 0; // :676
    }

    /* Step B (:679-703): no cleaning needed — deactivate, or free (waiting for a busy page), and go on */
    if (!needs_clean) {
      disposal = flush_disposal(flags, pp);
      if (disposal === 'DEACTIVATE') {
        pmap_page_protect(pp, PROT_NONE); // :683
        uvm_pagedeactivate(pp); // :684
      } else if (disposal === 'WAIT_BUSY') {
        yield* uvm_unlock_pageq(); // uvm_vnode.c:688
        yield* uvm_pagewait(pp, uobj.vmobjlock, 'uvn_flsh'); // uvm_vnode.c:689-690
        yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:691
        yield* uvm_lock_pageq(); // uvm_vnode.c:692
        curoff -= PAGE_SIZE; // :693 look the same offset up again
        continue;
      } else if (disposal === 'FREE') {
        pmap_page_protect(pp, PROT_NONE); // :696
        uvm_pageclean(pp, t, 'FLUSH_FREE'); // :698 removed page from object
        dead.unshift(pp); // :699 TAILQ_INSERT_HEAD(&dead, pp, pageq)
      }
      continue;
    }

    /*
     * Step C (:705-724): pp is ours to clean: busy it, write-protect it, and (freeing without
     * PGO_SYNCIO) mark it RELEASED so that an async completion would free it; then a clustered
     * pageout through uvm_pager_put.
     */
    atomic_setbits_int(pp, PG_BUSY); // :713
    UVM_PAGE_OWN(pp, OWNER_PAGEOUT, t); // :714
    lifecycle(pp, 'PAGEOUT_START');
    pmap_page_protect(pp, PROT_READ); // :715
    /* if we're async, free the page in aiodoned (:716-718) */
    if ((flags & (PGO_FREE | PGO_SYNCIO)) === PGO_FREE) {
      atomic_setbits_int(pp, PG_RELEASED);
      lifecycle(pp, 'PG_RELEASED');
    }
    for (;;) {
      /* ReTry: (:719-724) */
      put = yield* uvm_pager_put(uobj, pp, flags | PGO_DOACTCLUST, start, stop); // uvm_vnode.c:723-724
      result = put[0];
      ppsp = put[1];
      npages = put[2];

      /* the page may have been freed by an async completion: touch it only when it cannot be (:726-733) */
      yield* uvm_lock_pageq(); // uvm_vnode.c:733

      /*
       * VM_PAGER_AGAIN (:735-759): async I/O could not map the pages (or IOSYNC was set):
       * drop back to synchronous I/O for the rest of this flush, and do not free in aiodone.
       */
      if (result !== VM_PAGER_AGAIN) break;
      if (flags & PGO_SYNCIO) panic('uvm_vnode.c:751', 'uvn_flush: PGO_SYNCIO return \'try again\' error (impossible)'); // :749-752 (DIAGNOSTIC)
      flags |= PGO_SYNCIO; // :753
      if (flags & PGO_FREE) {
        atomic_clearbits_int(pp, PG_RELEASED); // :754-756
        lifecycle(pp, 'PAGEOUT_RETRY');
      }
      /* goto ReTry (:758) */
    }

    /*
     * The pageout is done (:761-774): on error uvm_pager_put has dropped the cluster but pp; a
     * pending async write owns its pages now, so without PGO_DEACTIVATE move on.
     */
    if (result === VM_PAGER_PEND && (flags & PGO_DEACTIVATE) === 0) continue; // :772-773

    /* look at each page of the I/O (:775-836) */
    for (lcv = 0; lcv < npages; lcv++) {
      ptmp = ppsp[lcv];
      /* verify the page didn't get moved (:781-785) */
      if (result === VM_PAGER_PEND && ptmp.uobject !== uobj) continue;

      /* unbusy the page if I/O is done (:787-804): marked clean even after an error (F11) */
      if (result !== VM_PAGER_PEND) {
        if (ptmp.pg_flags & PG_WANTED) yield* wakeup(ptmp); // uvm_vnode.c:794-795
        atomic_clearbits_int(ptmp, PG_WANTED | PG_BUSY); // :797-798
        UVM_PAGE_OWN(ptmp, OWNER_NONE, null); // :799
        atomic_setbits_int(ptmp, PG_CLEAN | PG_CLEANCHK); // :800-801
        if (result !== VM_PAGER_OK) ptmp.g_tainted = true;
        if ((flags & PGO_FREE) === 0) pmap_clear_modify(ptmp); // :802-803
        lifecycle(ptmp, (flags & PGO_FREE) !== 0 && (flags & PGO_DEACTIVATE) === 0 ? 'PAGEOUT_DONE_FREE' : 'PAGEOUT_DONE');
      }

      /* dispose of page (:806-834) */
      switch (flush_completion(flags, result, ptmp)) {
        case 'DEACTIVATE':
          pmap_page_protect(ptmp, PROT_NONE); // :809
          uvm_pagedeactivate(ptmp); // :810
          break;
        case 'FREE':
          /* a failed pageout while freeing: "changes to page may be lost!" (:814-830) */
          if (result !== VM_PAGER_OK) retval = false; // :829
          pmap_page_protect(ptmp, PROT_NONE); // :831
          uvm_pageclean(ptmp, t, null); // :832 (reported with the unbusy: PAGEOUT_DONE_FREE)
          dead.push(ptmp); // :833 TAILQ_INSERT_TAIL(&dead, ptmp, pageq)
          break;
        case 'KEEP':
          break;
      }
    } /* end of "lcv" for loop */
  } /* end of "pp" for loop */

  /* done with pagequeues: unlock (:840-841) */
  yield* uvm_unlock_pageq(); // uvm_vnode.c:841

  /* now wait for all I/O if required (:843-853) */
  if (need_iosync) {
    while (uvn.u_nio !== 0) {
      uvn.u_flags |= UVM_VNODE_IOSYNC; // :846
      lifecycle(uvn, 'UVN_IOSYNC_WAIT');
      yield* rwsleep(uvn.g_nioChan, uobj.vmobjlock, 0, 'uvn_flush', 0); // uvm_vnode.c:847-848
    }
    if (uvn.u_flags & UVM_VNODE_IOSYNCWANTED) yield* wakeup(uvn.g_flagsChan); // uvm_vnode.c:850-851
    if (uvn.u_flags & (UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED)) lifecycle(uvn, 'UVN_IOSYNC_CLEAR');
    uvn.u_flags &= ~(UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED); // :852
  }

  uvm_pglistfree(dead); // :855
  note('uvn_flush_return', { uvn, flags: entryFlags, finalFlags: flags, retval, need_iosync, busySeen: g_busy_seen });

  return retval; // :857
}

/**
 * uvn_cluster (uvm_vnode.c:868-886): the range around `offset` the cluster builder may cover:
 * from the offset itself (clusters only grow forward) up to MAXBSIZE further, clipped at the
 * end of the object. Returns [lo, hi].
 */
export function* uvn_cluster(uobj: UvmObject, offset: number): Kernel<[number, number]> {
  const uvn = uvnOf<UvmVnode>(uobj);
  const loffset = offset; // :873
  let hoffset: number;

  if (loffset >= uvn.u_size) panic('uvm_vnode.c:876', 'uvn_cluster: offset out of range'); // :875-876

  hoffset = loffset + MAXBSIZE; // :881
  if (hoffset > round_page(uvn.u_size)) hoffset = round_page(uvn.u_size); // :882-883 past end?

  return [loffset, hoffset];
}

/**
 * uvn_put (uvm_vnode.c:897-907): write busy, write-protected pages to the vnode; the caller marks
 * them clean afterwards (:893). Synchronous (VOP_WRITE), so never PEND in this revision.
 */
export function* uvn_put(uobj: UvmObject, pps: UvmPage[], npages: number, flags: number): Kernel<number> {
  let retval: number;

  KASSERT(uobj.vmobjlock.rwl_owner === curthread(), 'uvm_vnode.c:902', 'rw_write_held(uobj->vmobjlock)');

  retval = yield* uvn_io(uvnOf<UvmVnode>(uobj), pps, npages, flags, UIO_WRITE); // uvm_vnode.c:904

  return retval; // :906
}

/**
 * uvn_get (uvm_vnode.c:918-1127): get pages, synchronously. With PGO_LOCKED (the fault handler's
 * first try, lock held) it only busies resident, unbusied pages and says whether the centre one
 * (or all, with PGO_ALLPAGES) was there. Otherwise (lock write-held, released on return) it
 * waits for busy pages, allocates missing ones and reads them one at a time. The returned pages
 * are busy and the caller must unbusy and activate them (:1111-1116). It never looks at u_flags:
 * DYING and dead-vnode uvns are paged in like any other (F3). Returns [result, pps, npages].
 */
export function* uvn_get(uobj: UvmObject, offset: number, pps_in: PageSlot[], npagesp: number, centeridx: number, access_type: number, advice: number, flags: number): Kernel<[number, PageSlot[], number]> {
  const t = curthread();
  const pps: PageSlot[] = pps_in.slice();
  let current_offset: number;
  let ptmp: UvmPage | null;
  let lcv: number;
  let result: number;
  let gotpages: number;
  let done: boolean;
  void access_type;
  void advice;

  KASSERT(
    ((flags & PGO_LOCKED) !== 0 && (uobj.vmobjlock.rwl_owner === t || uobj.vmobjlock.rwl_readers > 0)) || (flags & PGO_LOCKED) === 0,
    'uvm_vnode.c:927-928',
    '((flags & PGO_LOCKED) != 0 && rw_lock_held(uobj->vmobjlock)) || (flags & PGO_LOCKED) == 0',
  );

  /* step 1: the fault data structures are locked (:930-997) */
  if (flags & PGO_LOCKED) {
    gotpages = 0;
    done = true; /* be optimistic */
    for (lcv = 0, current_offset = offset; lcv < npagesp; lcv++, current_offset += PAGE_SIZE) {
      /* do we care about this page? (:948-950) */
      if (pps[lcv] === PGO_DONTCARE) continue;
      ptmp = uvm_pagelookup(uobj, current_offset); // :953
      /* to be useful it must be a non-busy page (:955-962) */
      if (ptmp === null || (ptmp.pg_flags & PG_BUSY) !== 0) {
        if (lcv === centeridx || (flags & PGO_ALLPAGES) !== 0) done = false; /* need to do a wait or I/O! */
        continue;
      }
      /* useful page: busy it and plug it in our result array (:964-971) */
      note('uvn_page_busied', { pg: ptmp, wasBusy: (ptmp.pg_flags & PG_BUSY) !== 0, writeLocked: uobj.vmobjlock.rwl_owner === t });
      atomic_setbits_int(ptmp, PG_BUSY); // :968
      UVM_PAGE_OWN(ptmp, OWNER_CLIENT, t); // :969
      lifecycle(ptmp, 'PG_BUSY');
      pps[lcv] = ptmp;
      gotpages++;
    }
    /* read-ahead is left to the buffer cache (:975-985) */
    if (done) return [VM_PAGER_OK, pps, gotpages]; // :992-994 bingo!
    return [VM_PAGER_UNLOCK, pps, gotpages]; // :996
  }

  /* step 2: get non-resident or busy pages, one at a time (:999-1122) */
  for (lcv = 0, current_offset = offset; lcv < npagesp; lcv++, current_offset += PAGE_SIZE) {
    /* skip pages we already have or need not get (:1010-1014) */
    if (pps[lcv] !== null || (lcv !== centeridx && (flags & PGO_ALLPAGES) === 0)) continue;

    /* find, wait for, or allocate the page (:1016-1071) */
    ptmp = null;
    while (pps[lcv] === null) {
      ptmp = uvm_pagelookup(uobj, current_offset); // :1033
      if (ptmp === null) {
        /* nope? allocate one now (:1035-1053) */
        ptmp = yield* uvm_pagealloc(uobj, current_offset); // uvm_vnode.c:1037-1038
        if (ptmp === null) {
          /* out of RAM: wait, with the object lock held (F14) */
          yield* uvm_wait('uvn_getpage'); // uvm_vnode.c:1042
          continue;
        }
        break; /* got a new page ready for I/O; pps[lcv] is still NULL (:1048-1052) */
      }
      /* page is there, see if we need to wait on it (:1055-1060) */
      if ((ptmp.pg_flags & PG_BUSY) !== 0) {
        yield* uvm_pagewait(ptmp, uobj.vmobjlock, 'uvn_get'); // uvm_vnode.c:1057
        yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1058
        continue;
      }
      /* resident and unbusied since step 1: busy it now (:1062-1070) */
      note('uvn_page_busied', { pg: ptmp, wasBusy: (ptmp.pg_flags & PG_BUSY) !== 0, writeLocked: uobj.vmobjlock.rwl_owner === t });
      atomic_setbits_int(ptmp, PG_BUSY); // :1068
      UVM_PAGE_OWN(ptmp, OWNER_CLIENT, t); // :1069
      lifecycle(ptmp, 'PG_BUSY');
      pps[lcv] = ptmp;
    }

    /* we own a valid page at this offset: next (:1073-1079) */
    if (pps[lcv] !== null) continue;

    /* a fake/busy/clean page we just allocated: read it (:1081-1086) */
    result = yield* uvn_io(uvnOf<UvmVnode>(uobj), [ptmp as UvmPage], 1, PGO_SYNCIO | PGO_NOWAIT, UIO_READ); // uvm_vnode.c:1085-1086

    /* "because we used syncio the result can not be PEND or AGAIN" (:1088-1091) — but AGAIN it can (F10) */
    if (result !== VM_PAGER_OK) {
      ptmp = ptmp as UvmPage;
      /*
       * The model takes the page-queue lock (:1099) before the unbusy (:1093-1098) so that the
       * unbusy and the free are one step: the object lock is held throughout, so nobody can tell.
       */
      yield* uvm_lock_pageq(); // uvm_vnode.c:1099
      if (ptmp.pg_flags & PG_WANTED) yield* wakeup(ptmp); // uvm_vnode.c:1093-1094
      atomic_clearbits_int(ptmp, PG_WANTED | PG_BUSY); // :1096-1097
      UVM_PAGE_OWN(ptmp, OWNER_NONE, null); // :1098
      uvm_pagefree(ptmp, t, 'GET_READ_FAIL'); // :1100
      yield* uvm_unlock_pageq(); // uvm_vnode.c:1101
      yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1102
      return [result, pps, 0]; // :1103
    }

    /* we got the page: valid data now, and clean; still busy for the caller (:1106-1120) */
    ptmp = ptmp as UvmPage;
    atomic_clearbits_int(ptmp, PG_FAKE); // :1118
    pmap_clear_modify(ptmp); // :1119
    lifecycle(ptmp, 'GET_READ_OK');
    pps[lcv] = ptmp; // :1120
  }

  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1125
  return [VM_PAGER_OK, pps, npagesp]; // :1126
}

/**
 * uvn_io (uvm_vnode.c:1138-1296): do I/O to the vnode for busy pages at consecutive offsets. New
 * I/O is not admitted while IOSYNC is set (a waiter wants u_nio to drain): without PGO_SYNCIO it
 * returns AGAIN, else it waits (:1159-1167). Once admitted it counts itself in u_nio and drops the
 * object lock; the busy pages keep their offsets stable (:1183-1198). The vnode lock is taken
 * around the VOP unless terminate already holds it (VNISLOCKED, :1222-1247); with PGO_NOWAIT a
 * contended vnode lock gives EBUSY → AGAIN. Completion re-takes the lock, drops u_nio and wakes
 * an iosync waiter when it reaches 0 (:1275-1280). Never returns PEND in this revision; the
 * asynchronous-pageout extension (spec §4.4) hands eligible writes to aiodone after :1188.
 */
export function* uvn_io(uvn: UvmVnode, pps: UvmPage[], npages: number, flags: number, rw: number): Kernel<number> {
  const uobj = uvn.u_obj;
  let vn: OVnode;
  let kva: number;
  let file_offset: number;
  let waitf: number;
  let result: number;
  let got: number;
  let wanted: number;
  let size: number;
  let vflags: number;
  let resid = 0;
  let r: [number, number];
  const lkflags = flags & PGO_NOWAIT ? LK_NOWAIT : 0; // :1150

  KASSERT(uobj.vmobjlock.rwl_owner === curthread(), 'uvm_vnode.c:1152', 'rw_write_held(uobj->vmobjlock)');

  /* init values (:1154-1157) */
  waitf = flags & PGO_SYNCIO ? M_WAITOK : M_NOWAIT;
  vn = uvn.u_vnode;
  file_offset = pps[0].offset;

  /* check for sync'ing I/O (:1159-1167) */
  while (uvn.u_flags & UVM_VNODE_IOSYNC) {
    if (waitf === M_NOWAIT) {
      note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
      return VM_PAGER_AGAIN; // :1162
    }
    uvn.u_flags |= UVM_VNODE_IOSYNCWANTED; // :1164
    lifecycle(uvn, 'UVN_IO_WAIT_IOSYNC');
    yield* rwsleep(uvn.g_flagsChan, uobj.vmobjlock, 0, 'uvn_iosync', 0); // uvm_vnode.c:1165-1166
  }

  /* check size (:1169-1172) */
  if (file_offset >= uvn.u_size) { // :1170
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_BAD });
    return VM_PAGER_BAD; // :1171
  }

  /* first try and map the pages in, without waiting (:1174-1181) */
  kva = yield* uvm_pagermapin_nowait(pps.slice(), npages); // uvm_vnode.c:1178
  if (kva === 0 && waitf === M_NOWAIT) {
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
    return VM_PAGER_AGAIN; // :1180
  }

  /* now bump u_nio up: we have an I/O in progress, and are done with the uvn (:1183-1189) */
  note('uvn_nio_inc', { uvn, flags: uvn.u_flags });
  uvn.u_nio++; // :1188
  lifecycle(uvn, 'UVN_IO_START');
  if (rw === UIO_WRITE && waitf === M_NOWAIT && kernelOptions().asyncPageout) {
    /* spec §4.4: hand the write to an asynchronous completion (aiodone) and return PEND */
    yield* uvn_io_async(uvn, pps.slice(), npages); // (a copy: every kernel frame owns its arrays)
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_PEND });
    return VM_PAGER_PEND;
  }
  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1189
  if (kva === 0) kva = yield* uvm_pagermapin(pps.slice(), npages, UVMPAGER_MAPIN_WAITOK); // uvm_vnode.c:1190-1192

  /* our pages are busy, so their offsets are stable without the lock; set up the I/O (:1194-1211) */
  wanted = npages << PAGE_SHIFT; // :1201
  size = yield* load(uvn, 'u_size'); // uvm_vnode.c:1202 (unlocked, F6)
  if (file_offset + wanted > size) wanted = size - file_offset; // :1203 XXX: needed?
  note('uvn_io_length', { uvn, wanted });

  /* do the I/O, unless this process already holds the vnode lock (:1222-1249) */
  result = 0;
  yield* KERNEL_LOCK(); // uvm_vnode.c:1233
  vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1234
  if ((vflags & UVM_VNODE_VNISLOCKED) === 0) result = yield* vn_lock(vn, LK_EXCLUSIVE | LK_RECURSEFAIL | lkflags); // uvm_vnode.c:1235
  if (result === 0) {
    /* NOTE: vnode now locked! (:1237-1243) */
    r = yield* VOP_RDWR(vn, rw, pps, file_offset, wanted); // uvm_vnode.c:1238-1243
    result = r[0];
    resid = r[1];
    vflags = yield* load(uvn, 'u_flags'); // uvm_vnode.c:1245
    if ((vflags & UVM_VNODE_VNISLOCKED) === 0) yield* VOP_UNLOCK(vn); // uvm_vnode.c:1246
  }
  yield* KERNEL_UNLOCK(); // uvm_vnode.c:1249

  /* result is an errno; a transfer of nothing is EIO, a short read is zero-filled (:1255-1270) */
  if (result === 0) {
    got = wanted - resid;
    if (wanted && got === 0) result = EIO; // :1264-1265 XXX: error?
  }

  /* now remove pager mapping (:1272-1273) */
  uvm_pagermapout(kva, npages);

  /* now clean up the object, i.e. drop the I/O count (:1275-1280) */
  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1276
  uvn.u_nio--; // :1277 I/O DONE!
  lifecycle(uvn, 'UVN_IO_DONE');
  if ((uvn.u_flags & UVM_VNODE_IOSYNC) !== 0 && uvn.u_nio === 0) yield* wakeup(uvn.g_nioChan); // uvm_vnode.c:1278-1279

  if (result === 0) {
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_OK });
    return VM_PAGER_OK; // :1283
  } else if (result === EBUSY) {
    KASSERT(flags & PGO_NOWAIT, 'uvm_vnode.c:1285', 'flags & PGO_NOWAIT');
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_AGAIN });
    return VM_PAGER_AGAIN; // :1286
  } else {
    /* while rebooting, park forever holding the object lock (:1288-1293); never set in the model */
    if (uvnGlobals().rebooting) {
      yield* KERNEL_LOCK(); // uvm_vnode.c:1289
      while (uvnGlobals().rebooting) yield* tsleep(uvnGlobals(), 0, 'uvndead', 0); // uvm_vnode.c:1290-1291
      yield* KERNEL_UNLOCK(); // uvm_vnode.c:1292
    }
    note('uvn_io_return', { uvn, flags, result: VM_PAGER_ERROR });
    return VM_PAGER_ERROR; // :1294
  }
}

/**
 * uvm_vnp_uncache (uvm_vnode.c:1336-1393): stop a vnode's object from persisting, so that it dies
 * with its last reference (writing dirty pages back) — called when the file changes size, is
 * written, removed, or must stop being text (:1298-1334). A referenced uvn is just marked; a
 * persisting one is revived with a reference so that uvn_detach kills it now, with the caller's
 * vnode lock released because the kill flush does I/O (:1378-1390). Returns TRUE if no uvn is
 * active afterwards (a false positive is accepted, :1384-1386).
 */
export function* uvm_vnp_uncache(vp: OVnode): Kernel<boolean> {
  const uvn = vp.v_uvm as UvmVnode;
  const uobj = uvn.u_obj;

  /* lock uvn part of the vnode and check if we need to do anything (:1342-1349) */
  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1344
  if ((uvn.u_flags & UVM_VNODE_VALID) === 0 || (uvn.u_flags & UVM_VNODE_BLOCKED) !== 0) {
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1347
    return true; // :1348
  }

  /* a valid, unblocked uvn: clear persist; if active we are done (:1351-1359) */
  uvn.u_flags &= ~UVM_VNODE_CANPERSIST; // :1355
  if (uvn.u_obj.uo_refs) {
    lifecycle(uvn, 'UVN_UNCACHE');
    yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1357
    return false; // :1358
  }

  /* persisting: gain a reference so that uvn_detach can kill it (:1361-1367) */
  vref(vp); // :1365 seems ok, even with VOP_LOCK
  uvn.g_vref++;
  uvn.u_obj.uo_refs++; // :1366 value is now 1
  refs_raised(uvn, 'uvm_vnode.c:1366', true);
  lifecycle(uvn, 'UVN_UNCACHE_REVIVE');
  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1367

  /* VFSLCKDEBUG: the vnode must be VOP_LOCK'd (:1369-1376) */
  if ((vp.v_flag & VLOCKSWORK) !== 0 && !VOP_ISLOCKED(vp)) panic('uvm_vnode.c:1375', 'uvm_vnp_uncache: vnode not locked!');

  /* drop our reference with the vnode unlocked: it may trigger I/O (:1378-1390) */
  yield* VOP_UNLOCK(vp); // uvm_vnode.c:1388
  yield* uvn_detach(uvn.u_obj); // uvm_vnode.c:1389
  yield* vn_lock(vp, LK_EXCLUSIVE | LK_RETRY); // uvm_vnode.c:1390

  return true; // :1392
}

/**
 * uvm_vnp_setsize (uvm_vnode.c:1415-1440): a VALID uvn learns its vnode's new size. A shrink first
 * frees the pages past the new end — without writing them: PGO_FREE only, starting at
 * trunc_page(newsize), so a partial last page goes too (F12) — and only then lowers u_size, so
 * an I/O reading u_size unlocked (:1202) never sees a size below its busy page (F6).
 */
export function* uvm_vnp_setsize(vp: OVnode, newsize: number): Kernel<void> {
  const uvn = vp.v_uvm as UvmVnode;
  const uobj = uvn.u_obj;

  KASSERT(kernel_lock_held(curthread()), 'uvm_vnode.c:1421', 'KERNEL_ASSERT_LOCKED()');

  yield* rw_enter(uobj.vmobjlock); // uvm_vnode.c:1423

  /* lock uvn and check for valid object, and if valid: do it! (:1425-1438) */
  if (uvn.u_flags & UVM_VNODE_VALID) {
    /* if we shrink we had better toss some pages (:1428-1436) */
    if (uvn.u_size > newsize) {
      yield* uvn_flush(uvn.u_obj, newsize, uvn.u_size, PGO_FREE); // uvm_vnode.c:1434-1435
    }
    uvn.u_size = newsize; // :1437
    note('uvn_setsize', { uvn, newsize });
  }
  yield* rw_exit_write(uobj.vmobjlock); // uvm_vnode.c:1439
}

/**
 * uvm_vnp_sync (uvm_vnode.c:1452-1524): write every dirty page of writeable uvns (of one mount,
 * or all) back to their vnodes — sys_sync. One sync at a time (the queue is global, :1446-1450).
 * Step 2 walks uvn_wlist without object locks (KERNEL_LOCK covers it), skips blocked (dying) uvns
 * and takes a temporary reference on each — a persisting one regains its vnode reference
 * (:1485-1491; F8: that vnode may be unused). Step 3 flushes each, takes it off the writeable
 * list if sync held the only reference (:1506-1516), and drops the reference through uvn_detach.
 */
export function* uvm_vnp_sync(mp: object | null): Kernel<void> {
  const g = uvnGlobals();
  let uvn: UvmVnode;
  let vp: OVnode;
  let i: number;
  let refs: number;
  let next: UvmVnode | null;

  /* step 1: we are the only ones using uvn_sync_q (:1458-1462) */
  yield* rw_enter(g.uvn_sync_lock); // uvm_vnode.c:1462 rw_enter_write

  /* step 2: queue the uvns of interest from the write list, with a reference each (:1464-1494) */
  g.uvn_sync_q = []; // :1468
  /*
   * LIST_FOREACH(uvn, &uvn_wlist, u_wlist) on the live list: the next element is read from the
   * list after the body (le_next); a uvn unlinked meanwhile (only possible without KERNEL_LOCK)
   * still leads to the element that followed it when the body began.
   */
  next = g.uvn_wlist.length > 0 ? g.uvn_wlist[0] : null;
  while (next !== null) {
    uvn = next;
    i = g.uvn_wlist.indexOf(uvn);
    next = i >= 0 && i + 1 < g.uvn_wlist.length ? g.uvn_wlist[i + 1] : null;
    vp = uvn.u_vnode; // :1470
    if (mp && vp.v_mount !== mp) continue; // :1471-1472

    /* a blocked uvn is dying and being flushed out: skip it (:1474-1483) */
    if ((uvn.u_flags & UVM_VNODE_BLOCKED) !== 0) continue;

    /*
     * gain reference; a persisting uvn needs its vnode reference back (:1485-1491). No object
     * lock: the read of uo_refs and the increment are separate steps, so a writer that holds
     * the object lock but not KERNEL_LOCK (uvn_reference from fork) can interleave (F7).
     */
    refs = yield* load(uvn.u_obj, 'uo_refs'); // uvm_vnode.c:1489
    if (refs === 0) {
      vref(vp); // :1490
      uvn.g_vref++;
    }
    yield* store(uvn.u_obj, 'uo_refs', refs + 1); // uvm_vnode.c:1491
    refs_raised(uvn, 'uvm_vnode.c:1491', true);
    note('uvn_unlocked_write', { uvn, site: 'uvm_vnode.c:1491', kl: kernel_lock_held(curthread()) });
    lifecycle(uvn, 'UVN_SYNC_REF');

    g.uvn_sync_q.unshift(uvn); // :1493 SIMPLEQ_INSERT_HEAD
    i = g.uvn_wlist.indexOf(uvn);
    if (i >= 0) next = i + 1 < g.uvn_wlist.length ? g.uvn_wlist[i + 1] : null;
  }

  /* step 3: clean each queued uvn (:1496-1521) */
  for (i = 0; i < g.uvn_sync_q.length; i++) {
    uvn = g.uvn_sync_q[i]; // SIMPLEQ_FOREACH(uvn, &uvn_sync_q, u_syncq)
    yield* rw_enter(uvn.u_obj.vmobjlock); // uvm_vnode.c:1498
    /* DEBUG printf for a dying uvn on the sync list (:1499-1503): terminate case [2] can do that */
    yield* uvn_flush(uvn.u_obj, 0, 0, PGO_CLEANIT | PGO_ALLPAGES | PGO_DOACTCLUST); // uvm_vnode.c:1504

    /* the only reference and just cleaned: no longer WRITEABLE (:1506-1516) */
    if (uvn.u_obj.uo_refs === 1 && uvn.u_flags & UVM_VNODE_WRITEABLE) {
      wlist_remove(uvn); // :1514
      uvn.u_flags &= ~UVM_VNODE_WRITEABLE; // :1515
      lifecycle(uvn, 'UVN_SYNC_WLIST_REMOVE');
    }
    yield* rw_exit_write(uvn.u_obj.vmobjlock); // uvm_vnode.c:1517

    /* now drop our reference to the uvn (:1519-1520) */
    note('uvn_sync_unqueue', { uvn });
    yield* uvn_detach(uvn.u_obj); // uvm_vnode.c:1520
  }

  yield* rw_exit_write(g.uvn_sync_lock); // uvm_vnode.c:1523
}

/** The seed functions a patch module may replace, by name (docs/patches.md). */
export const seedFunctions = {
  uvn_init,
  uvn_attach,
  uvn_reference,
  uvn_detach,
  uvm_vnp_terminate,
  uvn_flush,
  uvn_cluster,
  uvn_put,
  uvn_get,
  uvn_io,
  uvm_vnp_uncache,
  uvm_vnp_setsize,
  uvm_vnp_sync,
};

export { PGO_CLEANIT, PGO_SYNCIO, PGO_FREE, PGO_DEACTIVATE, PGO_ALLPAGES, PGO_LOCKED, PGO_PDFREECLUST, VM_PAGER_OK, UIO_READ, UIO_WRITE, PG_BUSY, PROT_WRITE, PROT_NONE, PG_RELEASED, OWNER_CLIENT, LK_RETRY };
