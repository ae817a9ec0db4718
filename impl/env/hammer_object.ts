'use kernel';
/**
 * ENVIRONMENT (not seed code) — what hammer_inode.c (seed 003) calls from hammer_object.c,
 * hammer_subs.c, hammer_cursor.c and hammer_btree.c, reduced to the semantics the seed relies on
 * (spec/hammer_inode.md §2.2, §3.4 B-10, §8.1 items 3-4, §8.2). Upstream semantics checked against
 * DragonFly sys/vfs/hammer/hammer_object.c (the flush_tree/rec_generation era):
 *
 * - hammer_lock (hammer_subs.c): `ip->lock` is a reference count (hammer_ref / hammer_rel /
 *   hammer_oneref / hammer_isactive: plain code, they never block) and an
 *   exclusive-recursive / shared lock (hammer_lock_ex / hammer_lock_sh / hammer_unlock). An
 *   uncontended or recursive acquisition does not sleep (try first, as rw_enter in env/uvm.ts);
 *   only a contended one is a sleeping step (the fs token is released meanwhile). A shared
 *   request by the exclusive owner recurses on the exclusive hold.
 * - cursors (hammer_cursor.c): not objects. hammer_init_cursor(trans, ip) bumps
 *   ip->cursor_ip_refs and takes ip->lock, exclusively for a flusher transaction
 *   (HAMMER_TRANS_FLS), shared otherwise; hammer_done_cursor undoes it. B-Tree node locks, node
 *   caches, re-seeks and the EDEADLK retry loops are abstracted (spec §8.2).
 * - records (hammer_object.c): hammer_alloc_mem_record (the next record of hmp.g_rec_pool, one
 *   reference, IDLE; the M_WAITOK allocation is modelled as not blocking), hammer_mem_add,
 *   hammer_ip_add_record, hammer_rel_mem_record, hammer_flush_record_done,
 *   hammer_wait_mem_record, hammer_ip_add_directory, hammer_ip_del_directory (frontend unlink:
 *   an in-memory ADD is marked DELETED_FE, an on-media entry gets a DEL record).
 * - media (abstract, spec §8.1 item 4): every media operation is ONE step that may block (I/O,
 *   `sleeps: true`); its effect is applied to the m_* fields of hammer_inode_state.ts in the same
 *   step. Fault injection: hammer_ip_delete_range may fail with EWOULDBLOCK while
 *   hmp.g_fault_wouldblock > 0 and with EIO while hmp.g_fault_eio > 0; record and inode-record
 *   syncs may fail with EIO while hmp.g_fault_eio > 0 (each fault consumes one). The explorer
 *   chooses the outcome (variants).
 * - RB_SCAN over rec_tree (rec_scan_next): robust to removal during the scan.
 *
 * Left out: rsv_recs / rsv_databytes accounting, direct I/O, dedup, blockmap reservations, REDO,
 * namekey iteration (a record's key is its pool key), ASOF visibility, DONDISK, propagation.
 */
import { prim, type Kernel } from '../sim/prim.ts';
import type { Sim, Thread } from '../sim/kernel.ts';
import { tsleep, wakeup } from '../sim/sleep.ts';
import { KKASSERT, KernelPanic, ModelError } from '../sim/panic.ts';
import { curthread, lifecycle, note } from '../sim/report.ts';
import { EIO, EWOULDBLOCK } from '../sim/errno.ts';
import {
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_DDIRTY,
  HAMMER_INODE_FLUSHW,
  HAMMER_INODE_MTIME,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_XDIRTY,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_MEM_RECORD_DATA,
  HAMMER_MEM_RECORD_DEL,
  HAMMER_MEM_RECORD_GENERAL,
  HAMMER_OBJTYPE_DIRECTORY,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_CONVERT_DELETE,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_RECF_INTERLOCK_BE,
  HAMMER_RECF_ONRBTREE,
  HAMMER_RECF_WANTED,
  HAMMER_TRANS_FLS,
  type HammerInode,
  type HammerLock,
  type HammerMount,
  type HammerRecord,
  type HammerTransaction,
} from '../kernel/hammer_inode_state.ts';
import {
  hammer_done_inode,
  hammer_flush_inode,
  hammer_inode_unloadable_check,
  hammer_modify_inode,
  hammer_test_inode,
  sync_flags_and,
} from '../kernel/hammer_inode.ts';
import { hammer_critical_error } from './hammer_flusher.ts';

const OBJ = '[ext] hammer_object.c';
const SUBS = '[ext] hammer_subs.c';

export const ENOENT = 2;
export const EDEADLK = 11;
export const EEXIST = 17;
export const EINVAL = 22;

/** ip->hmp (the model's inodes carry their mount; set up by the scenario). */
export function mountOf(ip: HammerInode): HammerMount {
  if (ip.hmp === null) throw new ModelError(`inode ${ip.obj_id} has no hmp: the scenario set-up must set ip.hmp`);
  return ip.hmp;
}

// ------------------------------------------------------------------ hammer_lock: references

/** hammer_ref(lock): one more reference (atomic; never blocks). */
export function hammer_ref(lock: HammerLock): void {
  ++lock.refs;
}

/** hammer_rel(lock): one reference less. */
export function hammer_rel(lock: HammerLock): void {
  KKASSERT(lock.refs > 0, SUBS, 'hammer_rel: lock->refs > 0');
  --lock.refs;
}

/** hammer_oneref(lock): exactly one reference. */
export function hammer_oneref(lock: HammerLock): boolean {
  return lock.refs === 1;
}

/** hammer_isactive(lock): the reference count. */
export function hammer_isactive(lock: HammerLock): number {
  return lock.refs;
}

/** hammer_notlocked(lock): neither held exclusively nor shared. */
export function hammer_notlocked(lock: HammerLock): boolean {
  return lock.lk_owner === null && lock.lk_shared === 0;
}

// ------------------------------------------------------------------ hammer_lock: the lock

/** The uncontended exclusive acquisition: takes the lock if it is free (a step that does not sleep). */
const hammer_lock_ex_try = prim({
  name: 'hammer_lock_ex',
  kind: 'lock',
  touches: ([lk]: [HammerLock]) => [lk],
  exec: ([lk]: [HammerLock], t: Thread): boolean => {
    if (lk.lk_owner !== null || lk.lk_shared > 0) return false;
    lk.lk_owner = t;
    lk.lk_excount = 1;
    return true;
  },
});

/** The contended exclusive acquisition: sleeps until the lock is free, then takes it. */
const hammer_lock_ex_sleep = prim({
  name: 'hammer_lock_ex(sleep)',
  kind: 'lock',
  sleeps: true,
  touches: ([lk]: [HammerLock]) => [lk],
  enabled: ([lk]: [HammerLock]) => lk.lk_owner === null && lk.lk_shared === 0,
  exec: ([lk]: [HammerLock], t: Thread) => {
    lk.lk_owner = t;
    lk.lk_excount = 1;
  },
});

/** The uncontended shared acquisition: takes it if no one holds it exclusively. */
const hammer_lock_sh_try = prim({
  name: 'hammer_lock_sh',
  kind: 'lock',
  touches: ([lk]: [HammerLock]) => [lk],
  exec: ([lk]: [HammerLock]): boolean => {
    if (lk.lk_owner !== null) return false;
    ++lk.lk_shared;
    return true;
  },
});

const hammer_lock_sh_sleep = prim({
  name: 'hammer_lock_sh(sleep)',
  kind: 'lock',
  sleeps: true,
  touches: ([lk]: [HammerLock]) => [lk],
  enabled: ([lk]: [HammerLock]) => lk.lk_owner === null,
  exec: ([lk]: [HammerLock]) => {
    ++lk.lk_shared;
  },
});

/** hammer_unlock(lock): release one exclusive recursion level or one shared hold. */
export const hammer_unlock = prim({
  name: 'hammer_unlock',
  kind: 'unlock',
  touches: ([lk]: [HammerLock]) => [lk],
  exec: ([lk]: [HammerLock], t: Thread) => {
    if (lk.lk_owner === t) {
      if (--lk.lk_excount === 0) lk.lk_owner = null;
      return;
    }
    if (lk.lk_owner !== null || lk.lk_shared <= 0) throw new KernelPanic(SUBS, 'hammer_unlock: lock not held by the caller');
    --lk.lk_shared;
  },
});

/** hammer_lock_ex(lock): exclusive, recursive for its owner; contention is a sleep. */
export function* hammer_lock_ex(lk: HammerLock): Kernel<void> {
  if (lk.lk_owner === curthread()) {
    ++lk.lk_excount;
    return;
  }
  if (!(yield* hammer_lock_ex_try(lk))) yield* hammer_lock_ex_sleep(lk);
}

/** hammer_lock_sh(lock): shared; the exclusive owner recurses on its exclusive hold. */
export function* hammer_lock_sh(lk: HammerLock): Kernel<void> {
  if (lk.lk_owner === curthread()) {
    ++lk.lk_excount;
    return;
  }
  if (!(yield* hammer_lock_sh_try(lk))) yield* hammer_lock_sh_sleep(lk);
}

// ------------------------------------------------------------------ cursors

/**
 * hammer_init_cursor(trans, cursor, cache, ip) [ext hammer_cursor.c]: with an inode, bump
 * ip->cursor_ip_refs and lock the inode (exclusively for HAMMER_TRANS_FLS, shared otherwise).
 * Never fails in the model.
 */
export function* hammer_init_cursor(trans: HammerTransaction, ip: HammerInode | null): Kernel<number> {
  if (ip !== null) {
    ++ip.cursor_ip_refs;
    if (trans.type === HAMMER_TRANS_FLS) yield* hammer_lock_ex(ip.lock);
    else yield* hammer_lock_sh(ip.lock);
  }
  return 0;
}

/** hammer_done_cursor(cursor) [ext hammer_cursor.c]: undo hammer_init_cursor. */
export function* hammer_done_cursor(_trans: HammerTransaction, ip: HammerInode | null): Kernel<void> {
  if (ip !== null) {
    KKASSERT(ip.cursor_ip_refs > 0, '[ext] hammer_cursor.c', 'ip->cursor_ip_refs > 0');
    --ip.cursor_ip_refs;
    yield* hammer_unlock(ip.lock);
  }
}

// ------------------------------------------------------------------ allocation

/**
 * kmalloc(sizeof(*ip), hmp->m_inodes, M_WAITOK|M_ZERO) (hammer_inode.c:460, :776): one step that
 * may block. The model hands out the obj_id's preallocated structure; the caller zeroes it.
 */
export const hammer_kmalloc_inode = prim({
  name: 'kmalloc(inode)',
  kind: 'write',
  sleeps: true,
  touches: ([ip]: [HammerInode]) => [ip],
  exec: () => 0,
});

/** The preallocated structure of obj_id (hmp.g_ino_pool). */
export function hammer_inode_of(hmp: HammerMount, obj_id: number): HammerInode {
  for (const ip of hmp.g_ino_pool) if (ip.obj_id === obj_id) return ip;
  throw new ModelError(`no inode structure for obj_id ${obj_id}: the scenario must preallocate it in hmp.g_ino_pool`);
}

// ------------------------------------------------------------------ media operations

/** A media operation without fault injection: one I/O step. */
const hammer_io = prim({
  name: 'hammer_io',
  kind: 'device',
  sleeps: true,
  touches: ([, obj]: [string, object]) => [obj],
  exec: () => 0,
});

/** A record or inode-record sync: ok, or EIO while the scenario's EIO budget lasts. */
const hammer_io_sync = prim({
  name: 'hammer_io_sync',
  kind: 'device',
  sleeps: true,
  touches: ([, obj, hmp]: [string, object, HammerMount]) => [obj, hmp],
  variants: ([, , hmp]: [string, object, HammerMount]) => (hmp.g_fault_eio > 0 ? 2 : 1),
  exec: ([, , hmp]: [string, object, HammerMount], _t: Thread, _s: Sim, variant: number): number => {
    if (variant === 1) {
      --hmp.g_fault_eio;
      return EIO;
    }
    return 0;
  },
  variantNames: ['ok', 'EIO'],
});

/**
 * The truncation's range delete: ok, EWOULDBLOCK (buffer-cache pressure; while the budget
 * lasts) or EIO. With an EIO budget but no EWOULDBLOCK budget, variant 1 is a second 'ok'
 * (the names are fixed by index; the duplicate reaches the same state).
 */
const hammer_io_trunc = prim({
  name: 'hammer_io_trunc',
  kind: 'device',
  sleeps: true,
  touches: ([, obj, hmp]: [string, object, HammerMount]) => [obj, hmp],
  variants: ([, , hmp]: [string, object, HammerMount]) => (hmp.g_fault_eio > 0 ? 3 : hmp.g_fault_wouldblock > 0 ? 2 : 1),
  exec: ([, , hmp]: [string, object, HammerMount], _t: Thread, _s: Sim, variant: number): number => {
    if (variant === 1 && hmp.g_fault_wouldblock > 0) {
      --hmp.g_fault_wouldblock;
      return EWOULDBLOCK;
    }
    if (variant === 2) {
      --hmp.g_fault_eio;
      return EIO;
    }
    return 0;
  },
  variantNames: ['ok', 'EWOULDBLOCK', 'EIO'],
});

/**
 * hammer_btree_lookup of an inode record [ext hammer_btree.c]: 0 if the obj_id has an inode
 * record on the media (m_exists), else ENOENT. One I/O step. (m_deleted — hammer_ip_delete_clean's
 * removal of the object's other records — does not remove the inode record: hammer_update_inode
 * deletes that one after it, hammer_inode.c:3087 then :3198 → :1251-1256.)
 */
export function* hammer_btree_lookup_inode(_trans: HammerTransaction, ip: HammerInode): Kernel<number> {
  yield* hammer_io('hammer_btree_lookup', ip);
  return ip.m_exists ? 0 : ENOENT;
}

/**
 * hammer_btree_lookup + hammer_ip_delete_record of the inode's own record (hammer_inode.c:1251,
 * :1256): marks the on-media inode record deleted. One I/O step; ENOENT if there is none.
 */
export function* hammer_ip_delete_inode_record(_trans: HammerTransaction, ip: HammerInode): Kernel<number> {
  yield* hammer_io('hammer_ip_delete_record', ip);
  if (!ip.m_exists) return ENOENT;
  ip.m_exists = false;
  return 0;
}

/**
 * hammer_ip_sync_record_cursor of the transient INODE record (hammer_inode.c:1315): writes
 * sync_ino_data as the on-media inode record. One I/O step (EIO fault).
 */
export function* hammer_ip_sync_inode_record(_trans: HammerTransaction, ip: HammerInode): Kernel<number> {
  const error = yield* hammer_io_sync('hammer_ip_sync_record(inode)', ip, mountOf(ip));
  if (error) return error;
  ip.m_exists = true;
  ip.m_nlinks = ip.sync_ino_nlinks;
  ip.m_size = ip.sync_ino_size;
  ip.m_attr = ip.sync_ino_attr;
  return 0;
}

/**
 * hammer_btree_lookup + the in-place itimes update (hammer_inode.c:1423-1450): the times are part
 * of the model's attribute version. One I/O step; ENOENT without an on-media record.
 */
export function* hammer_ip_update_itimes(_trans: HammerTransaction, ip: HammerInode): Kernel<number> {
  yield* hammer_io('hammer_btree_lookup(itimes)', ip);
  if (!ip.m_exists) return ENOENT;
  ip.m_attr = ip.sync_ino_attr;
  return 0;
}

/**
 * hammer_ip_delete_range(cursor, ip, beg, end, truncating) [ext]: delete the on-media data from
 * `beg` on. The model's file data is one version number: a truncation to 0 clears it. EWOULDBLOCK
 * means the deletion could not complete (nothing is deleted in the model).
 */
export function* hammer_ip_delete_range(_trans: HammerTransaction, ip: HammerInode, beg: number, _end: number, _truncating: number): Kernel<number> {
  const error = yield* hammer_io_trunc('hammer_ip_delete_range', ip, mountOf(ip));
  if (error) return error;
  if (beg === 0) ip.m_data = 0;
  return 0;
}

/** hammer_ip_delete_clean(cursor, ip, &count) [ext]: the inode is physically deleted on the media. */
export function* hammer_ip_delete_clean(_trans: HammerTransaction, ip: HammerInode): Kernel<number> {
  yield* hammer_io('hammer_ip_delete_clean', ip);
  ip.m_deleted = true;
  return 0;
}

/** Insert obj_id into a sorted dirent list. */
function dirent_add(l: number[], obj_id: number): void {
  let i = 0;
  while (i < l.length && l[i] <= obj_id) i++;
  l.splice(i, 0, obj_id);
}

/**
 * hammer_ip_sync_record_cursor(cursor, record) [ext hammer_object.c]: one I/O step (EIO fault).
 * - DEL: the on-media entry must exist; it is deleted: DELETED_BE | COMMITTED, ++rec_generation.
 * - an insert (ADD, GENERAL, DATA): on success a CONVERT_DELETE record (a frontend-deleted ADD)
 *   becomes an uncommitted DEL (DELETED_FE and CONVERT_DELETE cleared); any other is COMMITTED
 *   and ++rec_generation. ADD puts the child into the owner's m_dirents, DATA sets m_data.
 */
export function* hammer_ip_sync_record_cursor(trans: HammerTransaction, record: HammerRecord): Kernel<number> {
  let error: number;
  const ip = record.ip!;
  let i: number;

  KKASSERT(record.flush_state === HAMMER_FST_FLUSH, OBJ, 'record->flush_state == HAMMER_FST_FLUSH');
  KKASSERT(record.flags & HAMMER_RECF_INTERLOCK_BE, OBJ, 'record->flags & HAMMER_RECF_INTERLOCK_BE');
  error = yield* hammer_io_sync('hammer_ip_sync_record', record, trans.hmp);
  if (error) return error;
  if (record.type === HAMMER_MEM_RECORD_DEL) {
    i = ip.m_dirents.indexOf(record.g_child);
    if (i < 0) return ENOENT;
    ip.m_dirents.splice(i, 1);
    record.flags |= HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED;
    lifecycle(record, 'RECORD_COMMITTED');
    ++ip.rec_generation;
    return 0;
  }
  if (record.type === HAMMER_MEM_RECORD_ADD) dirent_add(ip.m_dirents, record.g_child);
  else if (record.type === HAMMER_MEM_RECORD_DATA) ip.m_data = record.g_version;
  if (record.flags & HAMMER_RECF_CONVERT_DELETE) {
    KKASSERT(record.type === HAMMER_MEM_RECORD_ADD, OBJ, 'record->type == HAMMER_MEM_RECORD_ADD');
    record.flags &= ~HAMMER_RECF_DELETED_FE;
    record.type = HAMMER_MEM_RECORD_DEL;
    record.flags &= ~HAMMER_RECF_CONVERT_DELETE;
    KKASSERT((record.flags & (HAMMER_RECF_COMMITTED | HAMMER_RECF_DELETED_BE)) === 0, OBJ, '(record->flags & (COMMITTED|DELETED_BE)) == 0');
    lifecycle(record, 'RECORD_CONVERTED');
  } else {
    record.flags |= HAMMER_RECF_COMMITTED;
    lifecycle(record, 'RECORD_COMMITTED');
    ++ip.rec_generation;
  }
  return 0;
}

// ------------------------------------------------------------------ rec_tree / target_list

/** RB_SCAN's next node: the first record of ip->rec_tree with a key above `after` (robust to removals). */
export function rec_scan_next(ip: HammerInode, after: number): HammerRecord | null {
  for (const r of ip.rec_tree) if (r.g_key > after) return r;
  return null;
}

/** TAILQ_REMOVE(&target_ip->target_list, record, target_entry); record->target_ip = NULL. Reports TARGET_UNLINK when the list empties. */
export function target_unlink(record: HammerRecord, report = true): HammerInode {
  const tip = record.target_ip!;
  const i = tip.target_list.indexOf(record);
  KKASSERT(i >= 0, OBJ, 'record on its target_ip->target_list');
  tip.target_list.splice(i, 1);
  record.target_ip = null;
  // (a record being destroyed reports its unlink as part of REL_MEM_RECORD)
  if (report) lifecycle(record, 'TARGET_PRUNE');
  if (tip.target_list.length === 0) lifecycle(tip, 'TARGET_UNLINK');
  return tip;
}

// ------------------------------------------------------------------ records

/**
 * hammer_alloc_mem_record(ip, data_len) [ext]: a zeroed record with one reference, IDLE, owned by
 * ip; the model takes the next unused record of hmp.g_rec_pool (its key is fixed by the pool) and
 * the caller's record type. The M_WAITOK allocation is modelled as not blocking.
 */
export function hammer_alloc_mem_record(ip: HammerInode, type: number): HammerRecord {
  const hmp = mountOf(ip);
  for (const record of hmp.g_rec_pool) {
    if (record.g_allocated) continue;
    record.g_allocated = true;
    record.type = type;
    record.flags = 0;
    record.flush_state = HAMMER_FST_IDLE;
    record.flush_group = null;
    record.ip = ip;
    record.target_ip = null;
    record.lock_refs = 1;
    record.g_child = 0;
    record.g_version = 0;
    return record;
  }
  throw new ModelError('hammer_alloc_mem_record: the scenario\'s record pool is exhausted (raise its size)');
}

/** hammer_wait_mem_record_ident(record, ident) [ext]: sleep while the record is being flushed. */
export function* hammer_wait_mem_record(record: HammerRecord): Kernel<void> {
  while (record.flush_state === HAMMER_FST_FLUSH) {
    record.flags |= HAMMER_RECF_WANTED;
    yield* tsleep(record, 0, 'hmrrc3', 0);
  }
}

/**
 * hammer_flush_record_done(record, error) [ext]: after the backend's sync (hammer_inode.c:2859).
 * An error is a critical error (hammer_critical_error). The record leaves its group
 * (--flg->refs); a deleted or committed record unlinks its target (testing the target) and goes
 * IDLE; a live record still linked to a target goes SETUP (testing owner and target); otherwise
 * IDLE. INTERLOCK_BE is cleared, waiters are woken and the FLUSH reference is released.
 */
export function* hammer_flush_record_done(record: HammerRecord, error: number): Kernel<void> {
  let target_ip: HammerInode | null;
  const flg = record.flush_group!;

  KKASSERT(record.flush_state === HAMMER_FST_FLUSH, OBJ, 'record->flush_state == HAMMER_FST_FLUSH');
  KKASSERT(record.flags & HAMMER_RECF_INTERLOCK_BE, OBJ, 'record->flags & HAMMER_RECF_INTERLOCK_BE');

  if (error) {
    yield* hammer_critical_error(mountOf(record.ip!), record.ip, error, 'while flushing record');
  }

  --flg.refs;
  record.flush_group = null;
  lifecycle(flg, 'FLUSH_RECORD_DONE');
  lifecycle(record, 'FLUSH_RECORD_GROUP_DONE');

  if (record.flags & (HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) {
    target_ip = record.target_ip;
    if (target_ip !== null) {
      target_unlink(record);
      yield* hammer_test_inode(target_ip);
    }
    record.flush_state = HAMMER_FST_IDLE;
    lifecycle(record, 'FLUSH_RECORD_DONE');
  } else {
    if (record.target_ip !== null) {
      record.flush_state = HAMMER_FST_SETUP;
      lifecycle(record, 'FLUSH_RECORD_DONE');
      yield* hammer_test_inode(record.ip!);
      yield* hammer_test_inode(record.target_ip!);
    } else {
      record.flush_state = HAMMER_FST_IDLE;
      lifecycle(record, 'FLUSH_RECORD_DONE');
    }
  }
  record.flags &= ~HAMMER_RECF_INTERLOCK_BE;
  lifecycle(record, 'RECORD_UNINTERLOCK');
  if (record.flags & HAMMER_RECF_WANTED) {
    record.flags &= ~HAMMER_RECF_WANTED;
    yield* wakeup(record);
  }
  yield* hammer_rel_mem_record(record);
}

/**
 * hammer_rel_mem_record(record) [ext]: drop a reference. At zero, a record deleted by the front
 * or backend, or committed, is destroyed: unlinked from its target (which is referenced, tested
 * and released after), removed from the owner's rec_tree (XDIRTY cleared in both words when the
 * tree empties, and the owner tested).
 */
export function* hammer_rel_mem_record(record: HammerRecord): Kernel<void> {
  let ip: HammerInode;
  let target_ip: HammerInode | null;
  let i: number;

  KKASSERT(record.lock_refs > 0, SUBS, 'hammer_rel: record->lock.refs > 0');
  --record.lock_refs;
  if (record.lock_refs !== 0) return;
  ip = record.ip!;
  if ((record.flags & (HAMMER_RECF_DELETED_FE | HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) === 0) return;

  KKASSERT(ip.lock.refs > 0, OBJ, 'hammer_isactive(&ip->lock) > 0');
  KKASSERT(record.flush_state !== HAMMER_FST_FLUSH, OBJ, 'record->flush_state != HAMMER_FST_FLUSH');

  target_ip = record.target_ip;
  if (target_ip !== null) {
    target_unlink(record, false);
    hammer_ref(target_ip.lock);
    target_ip.g_holders += 1;
    lifecycle(target_ip, 'HAMMER_REF');
  }
  lifecycle(record, 'REL_MEM_RECORD');
  // kfree(record): the model's pool record stays, DEAD — IDLE, off every list (a SETUP record's
  // flush_state would otherwise linger; a FLUSH one is excluded by the assertion above).
  record.flush_state = HAMMER_FST_IDLE;
  record.flush_group = null;
  if (record.flags & HAMMER_RECF_ONRBTREE) {
    i = ip.rec_tree.indexOf(record);
    KKASSERT(i >= 0, OBJ, 'record on ip->rec_tree');
    ip.rec_tree.splice(i, 1);
    record.flags &= ~HAMMER_RECF_ONRBTREE;
    if (ip.rec_tree.length === 0) {
      ip.flags &= ~HAMMER_INODE_XDIRTY;
      lifecycle(ip, 'RECORD_GONE');
      sync_flags_and(ip, ~HAMMER_INODE_XDIRTY);
      yield* hammer_test_inode(ip);
    }
  }
  if (target_ip !== null) {
    yield* hammer_test_inode(target_ip);
    yield* hammer_done_inode(target_ip);
  }
}

/**
 * hammer_mem_add(record) [ext]: insert into the owner's rec_tree (sorted by key; a duplicate key
 * marks the record DELETED_FE, releases it and fails with EEXIST), ONRBTREE, XDIRTY through
 * hammer_modify_inode(NULL, ...), and eat the caller's reference.
 */
export function* hammer_mem_add(record: HammerRecord): Kernel<number> {
  const ip = record.ip!;
  let i = 0;

  while (i < ip.rec_tree.length && ip.rec_tree[i].g_key < record.g_key) i++;
  if (i < ip.rec_tree.length && ip.rec_tree[i].g_key === record.g_key) {
    record.flags |= HAMMER_RECF_DELETED_FE;
    note('hrec_fe_set', { record, flags: record.flags });
    yield* hammer_rel_mem_record(record);
    return EEXIST;
  }
  ip.rec_tree.splice(i, 0, record);
  record.flags |= HAMMER_RECF_ONRBTREE;
  // A directory-entry record reported its birth when it was linked to its target (SETUP).
  if (record.type === HAMMER_MEM_RECORD_DATA) lifecycle(record, 'MEM_ADD_DATA');
  else if (record.type === HAMMER_MEM_RECORD_GENERAL) lifecycle(record, 'MEM_ADD_GENERAL');
  lifecycle(ip, 'RECORD_ADD');
  yield* hammer_modify_inode(null, ip, HAMMER_INODE_XDIRTY);
  yield* hammer_rel_mem_record(record);
  return 0;
}

/** hammer_ip_add_record(trans, record) [ext]: a general record (the caller filled in the key). */
export function* hammer_ip_add_record(_trans: HammerTransaction, record: HammerRecord): Kernel<number> {
  return yield* hammer_mem_add(record);
}

/**
 * Link a directory-entry record to its target inode (hammer_ip_add_directory /
 * hammer_ip_del_directory): SETUP, target_list, and an IDLE target goes SETUP with the state
 * reference (REFLUSH if a waiter sleeps on it).
 */
function target_link(record: HammerRecord, ip: HammerInode): void {
  record.target_ip = ip;
  record.g_child = ip.obj_id;
  record.flush_state = HAMMER_FST_SETUP;
  ip.target_list.push(record);
  lifecycle(record, record.type === HAMMER_MEM_RECORD_ADD ? 'IP_ADD_DIRECTORY' : 'IP_DEL_DIRECTORY');
  lifecycle(ip, 'TARGET_LINK');
  if (ip.flush_state === HAMMER_FST_IDLE) {
    hammer_ref(ip.lock);
    ip.flush_state = HAMMER_FST_SETUP;
    if (ip.flags & HAMMER_INODE_FLUSHW) ip.flags |= HAMMER_INODE_REFLUSH;
  }
}

/**
 * hammer_ip_add_directory(trans, dip, name, bytes, ip) [ext]: an ADD record owned by dip naming
 * ip. In upstream's order: ++nlinks and hammer_modify_inode(ip, DDIRTY); the namekey
 * search under a frontend cursor on dip (shared inode lock); the target link (ip IDLE -> SETUP);
 * hammer_mem_add (dip XDIRTY); dip MTIME.
 */
export function* hammer_ip_add_directory(trans: HammerTransaction, dip: HammerInode, ip: HammerInode): Kernel<number> {
  let record: HammerRecord;
  let error: number;

  KKASSERT(dip.obj_type === HAMMER_OBJTYPE_DIRECTORY, OBJ, 'dip->ino_data.obj_type == HAMMER_OBJTYPE_DIRECTORY');
  record = hammer_alloc_mem_record(dip, HAMMER_MEM_RECORD_ADD);
  record.g_child = ip.obj_id;
  ++ip.ino_nlinks;
  yield* hammer_modify_inode(trans, ip, HAMMER_INODE_DDIRTY);
  yield* hammer_init_cursor(trans, dip);
  target_link(record, ip);
  error = yield* hammer_mem_add(record);
  if (error === 0) {
    ++dip.ino_attr; // dip->ino_data.mtime = trans->time
    yield* hammer_modify_inode(trans, dip, HAMMER_INODE_MTIME);
  }
  yield* hammer_done_cursor(trans, dip);
  return error;
}

/** The frontend's in-memory ADD record for dip -> child (visible: not deleted or committed), or null. */
function live_add_record(dip: HammerInode, child: number): HammerRecord | null {
  for (const r of dip.rec_tree) {
    if (r.type !== HAMMER_MEM_RECORD_ADD || r.g_child !== child) continue;
    if (r.flags & (HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) continue;
    if (r.flags & HAMMER_RECF_DELETED_FE && (r.flags & HAMMER_RECF_INTERLOCK_BE) === 0) continue;
    return r;
  }
  return null;
}

/** Whether the frontend sees an on-media entry dip -> child not yet covered by a pending DEL record. */
function media_entry_visible(dip: HammerInode, child: number): boolean {
  let n = 0;
  for (const c of dip.m_dirents) if (c === child) n++;
  for (const r of dip.rec_tree) {
    if (r.type === HAMMER_MEM_RECORD_DEL && r.g_child === child && (r.flags & (HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) === 0) n--;
  }
  return n > 0;
}

/**
 * hammer_dounlink's lookup + hammer_ip_del_directory(trans, cursor, dip, ip) [ext]: remove the
 * entry dip -> ip under a frontend cursor on dip.
 * - An in-memory ADD (unflushed, the cursor's iprec, referenced): if the backend holds it
 *   (INTERLOCK_BE) the caller gets EDEADLK, waits for the record and retries; otherwise it is
 *   marked DELETED_FE (destroyed when the cursor's reference goes, unless it is FLUSH).
 * - An on-media entry: a DEL record owned by dip, linked to ip (IDLE -> SETUP).
 * - Neither: ENOENT.
 * Then --nlinks, hammer_modify_inode(dip, MTIME), hammer_modify_inode(ip, DDIRTY) (upstream's
 * order) and, once nlinks is 0 and the vnode is inactive (no vnode, or no references — the model's
 * VINACTIVE), the cursor is done and hammer_inode_unloadable_check(ip, 1) + hammer_flush_inode(ip, 0).
 */
export function* hammer_ip_del_directory(trans: HammerTransaction, dip: HammerInode, ip: HammerInode): Kernel<number> {
  let record: HammerRecord | null;
  let iprec: HammerRecord | null;
  let error: number;
  let cursor_done: boolean;

  for (;;) {
    yield* hammer_init_cursor(trans, dip);
    cursor_done = false;
    iprec = live_add_record(dip, ip.obj_id);
    if (iprec !== null) {
      ++iprec.lock_refs; // hammer_rec_scan_callback: cursor->iprec is referenced
      if (iprec.flags & (HAMMER_RECF_INTERLOCK_BE | HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED)) {
        error = EDEADLK; // cursor->deadlk_rec = record (referenced)
        ++iprec.lock_refs;
      } else {
        KKASSERT(iprec.type === HAMMER_MEM_RECORD_ADD, OBJ, 'record->type == HAMMER_MEM_RECORD_ADD');
        iprec.flags |= HAMMER_RECF_DELETED_FE;
        note('hrec_fe_set', { record: iprec, flags: iprec.flags });
        lifecycle(iprec, 'DELETE_FE');
        error = 0;
      }
    } else if (media_entry_visible(dip, ip.obj_id)) {
      record = hammer_alloc_mem_record(dip, HAMMER_MEM_RECORD_DEL);
      target_link(record, ip);
      error = yield* hammer_mem_add(record);
    } else {
      error = ENOENT;
    }

    if (error === 0) {
      --ip.ino_nlinks;
      ++dip.ino_attr; // dip->ino_data.mtime = trans->time
      yield* hammer_modify_inode(trans, dip, HAMMER_INODE_MTIME);
      yield* hammer_modify_inode(trans, ip, HAMMER_INODE_DDIRTY);
      if (ip.ino_nlinks === 0 && (ip.vp === null || ip.vp.v_refcnt === 0)) {
        yield* hammer_done_cursor(trans, dip);
        if (iprec !== null) yield* hammer_rel_mem_record(iprec);
        cursor_done = true;
        yield* hammer_inode_unloadable_check(ip, 1);
        yield* hammer_flush_inode(ip, 0);
      }
    }
    if (!cursor_done) {
      yield* hammer_done_cursor(trans, dip);
      if (iprec !== null) yield* hammer_rel_mem_record(iprec);
    }
    if (error !== EDEADLK) return error;
    // hammer_dounlink: wait for the backend to finish with the record, then retry.
    yield* hammer_wait_mem_record(iprec!);
    yield* hammer_rel_mem_record(iprec!);
  }
}
