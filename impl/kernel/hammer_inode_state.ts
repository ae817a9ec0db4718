/**
 * The structures hammer_inode.c works on — struct hammer_inode, struct hammer_record, struct
 * hammer_flush_group, the fields of struct hammer_mount it uses — and the file's globals
 * (hammer_count_iqueued, hammer_count_reclaims, the tunables hammer_autoflush and
 * hammer_limit_reclaims), as registered objects. hammer.h's bit values are the machines'
 * (machines/hammerInode.ts, machines/hammerRecord.ts), re-exported here.
 *
 * Model conventions (docs/design.md "HAMMER"):
 * - Every structure is preallocated by the scenario and registered (a registered object's fields
 *   are fixed): one `HammerInode` per obj_id the workload uses (g_loaded says whether it is in
 *   rb_inos_root; hammer_get_inode "allocates" it by zeroing its in-memory fields), record and
 *   flush-group pools handed out in order and never reused (a freed group stays DONE, a
 *   destroyed record stays DEAD, so the machines see each structure's one life).
 * - RB trees and TAILQs are arrays: rec_tree sorted by the record's key (g_key), flush_tree and
 *   rb_inos_root sorted by obj_id (hammer_ino_rb_compare, hammer_inode.c:64-79, reduced to
 *   obj_id: one PFS, no as-of), target_list in insertion order (TAILQ_INSERT_TAIL [ext]).
 * - ino_data / ino_leaf are reduced to the fields flushing reads: nlinks, size and an attribute
 *   version (what chmod/utimes change); sync_ino_data the same. ino_leaf's TIDs/timestamps are
 *   abstracted (spec §8.2).
 * - The media is abstract (spec §8.1 item 4): each inode carries the on-media state of its obj_id
 *   (m_*), which survives the in-memory inode's unload; a directory's committed entries are
 *   m_dirents. Ghost fields (g_*) are the checker's bookkeeping, not kernel state.
 */
import type { Thread } from '../sim/kernel.ts';
import type { LwktToken } from '../sim/thread.ts';
import { kglobal } from '../sim/report.ts';
import type { Vnode } from '../env/vnode.ts';

export {
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_FST_FLUSH,
  HAMMER_FST_NAMES,
  HAMMER_INODE_DDIRTY,
  HAMMER_INODE_RSV_INODES,
  HAMMER_INODE_CONN_DOWN,
  HAMMER_INODE_XDIRTY,
  HAMMER_INODE_ONDISK,
  HAMMER_INODE_DELETED,
  HAMMER_INODE_DELONDISK,
  HAMMER_INODE_RO,
  HAMMER_INODE_BUFS,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RECLAIM,
  HAMMER_INODE_FLUSHW,
  HAMMER_INODE_TRUNCATED,
  HAMMER_INODE_DELETING,
  HAMMER_INODE_RESIGNAL,
  HAMMER_INODE_ATIME,
  HAMMER_INODE_MTIME,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_INODE_DUMMY,
  HAMMER_INODE_SDIRTY,
  HAMMER_INODE_REDO,
  HAMMER_INODE_RDIRTY,
  HAMMER_INODE_SLAVEFLUSH,
  HAMMER_INODE_MODMASK,
  HAMMER_INODE_MODMASK_NOXDIRTY,
  HAMMER_FLUSH_SIGNAL,
  HAMMER_FLUSH_RECURSION,
} from '../../machines/hammerInode.ts';
export {
  HAMMER_MEM_RECORD_GENERAL,
  HAMMER_MEM_RECORD_INODE,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_MEM_RECORD_DEL,
  HAMMER_MEM_RECORD_DATA,
  HAMMER_RECF_ALLOCDATA,
  HAMMER_RECF_ONRBTREE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_INTERLOCK_BE,
  HAMMER_RECF_WANTED,
  HAMMER_RECF_CONVERT_DELETE,
  HAMMER_RECF_REDO,
} from '../../machines/hammerRecord.ts';

/** ino_data.obj_type (hammer_disk.h). */
export const HAMMER_OBJTYPE_DIRECTORY = 1;
export const HAMMER_OBJTYPE_REGFILE = 2;

/** hammer_def_t trunc_off "no truncation pending" (0x7FFFFFFFFFFFFFFFLL). */
export const HAMMER_MAX_KEY = Number.MAX_SAFE_INTEGER;

/** hmp->flags: HAMMER_MOUNT_CRITICAL_ERROR (hammer.h). */
export const HAMMER_MOUNT_CRITICAL_ERROR = 0x0001;

/** HAMMER_TRANS_FLS (hammer.h): a flusher transaction (its cursors lock the inode exclusively [ext]). */
export const HAMMER_TRANS_STD = 0;
export const HAMMER_TRANS_FLS = 1;
/** trans->flags HAMMER_TRANSF_NEWINODE (hammer_inode.c:599, 710, 779, 1670). */
export const HAMMER_TRANSF_NEWINODE = 0x0001;

/**
 * struct hammer_lock (hammer.h): `refs` is the reference count (hammer_ref / hammer_rel),
 * `lk_owner` / `lk_shared` the exclusive owner and shared count of the lock it also is
 * (hammer_lock_ex / hammer_lock_sh / hammer_unlock). Exclusive locks recurse for their owner.
 */
export interface HammerLock {
  refs: number;
  lk_owner: Thread | null;
  lk_excount: number;
  lk_shared: number;
}

export function newHammerLock(): HammerLock {
  return { refs: 0, lk_owner: null, lk_excount: 0, lk_shared: 0 };
}

/** struct hammer_flush_group (hammer.h; spec §3.1). */
export interface HammerFlushGroup {
  seq: number;
  total_count: number;
  running: number;
  closed: number;
  /** Records in FLUSH state belonging to the group. */
  refs: number;
  /** RB tree of member inodes, sorted by obj_id. */
  flush_tree: HammerInode[];
  /** ghost: handed out by kmalloc (hammer_inode.c:1756). */
  g_allocated: boolean;
  /** ghost: unlinked from flush_group_list and freed by the flusher (B-6). */
  g_done: boolean;
}

export function newFlushGroup(): HammerFlushGroup {
  return { seq: 0, total_count: 0, running: 0, closed: 0, refs: 0, flush_tree: [], g_allocated: false, g_done: false };
}

/** struct hammer_record (hammer.h), the fields hammer_inode.c and the record helpers use. */
export interface HammerRecord {
  /** rec_tree order (the record's B-Tree key); unique. */
  g_key: number;
  type: number;
  flags: number;
  flush_state: number;
  flush_group: HammerFlushGroup | null;
  /** record->ip: the owner (a directory for ADD/DEL), or null while in the pool. */
  ip: HammerInode | null;
  /** record->target_ip: the child of a directory-entry record, linked into its target_list. */
  target_ip: HammerInode | null;
  /** record->lock.refs. */
  lock_refs: number;
  /** The directory entry's child obj_id (ADD/DEL; record->data's obj_id), kept after the target is unlinked. */
  g_child: number;
  /** DATA: the data version the record carries (ghost content). */
  g_version: number;
  /** ghost: handed out by hammer_alloc_mem_record. */
  g_allocated: boolean;
}

export function newRecord(key: number): HammerRecord {
  return {
    g_key: key,
    type: 0,
    flags: 0,
    flush_state: 0,
    flush_group: null,
    ip: null,
    target_ip: null,
    lock_refs: 0,
    g_child: 0,
    g_version: 0,
    g_allocated: false,
  };
}

/** struct hammer_inode (hammer.h), the fields flushing uses (spec §1). */
export interface HammerInode {
  obj_id: number;
  /** ino_data.obj_type. */
  obj_type: number;
  flush_state: number;
  flush_group: HammerFlushGroup | null;
  /** The group whose flush_tree links this inode (rb_flsnode), or null. */
  rb_flsnode: HammerFlushGroup | null;
  flags: number;
  sync_flags: number;
  lock: HammerLock;
  vp: Vnode | null;
  rec_tree: HammerRecord[];
  target_list: HammerRecord[];
  /** ino_data: nlinks, size, attribute version (mode/uid/times changed by setattr). */
  ino_nlinks: number;
  ino_size: number;
  ino_attr: number;
  /** sync_ino_data: the snapshot the backend writes. */
  sync_ino_nlinks: number;
  sync_ino_size: number;
  sync_ino_attr: number;
  trunc_off: number;
  sync_trunc_off: number;
  save_trunc_off: number;
  error: number;
  rec_generation: number;
  cursor_ip_refs: number;
  /** ip->hmp: the mount (the model has one; set by the scenario's set-up). */
  hmp: HammerMount | null;
  /** ghost: in rb_inos_root (loaded or created); false = ABSENT. */
  g_loaded: boolean;
  /**
   * ghost: a thread has "allocated" this obj_id's structure (hammer_inode.c:460) and not yet
   * inserted or freed it; a second concurrent instantiation of the same obj_id would need a second
   * structure (the lost RB_INSERT race, :578-582), which the model does not provide (ModelError).
   */
  g_instantiating: boolean;
  /** ghost: outstanding caller/temporary references (HINO-05's holders). */
  g_holders: number;
  /** ghost: newest data version written by the frontend (durability). */
  g_latest: number;
  /**
   * ghost: frontend modification epoch, bumped by every frontend operation that modifies the
   * inode (impl/env/hammer_vfs.ts ghost_dirty); hammer_vop_fsync compares it with its t0 value to
   * tell "still pending" from "re-dirtied since" (HINO-26).
   */
  g_epoch: number;
  /** On-media state of this obj_id (abstract media, spec §8.1 item 4). */
  m_exists: boolean;
  m_deleted: boolean;
  m_nlinks: number;
  m_size: number;
  m_attr: number;
  m_data: number;
  /** A directory's committed entries: child obj_ids, sorted (one per link). */
  m_dirents: number[];
}

export function newInode(obj_id: number, obj_type: number, lock: HammerLock, hmp: HammerMount | null = null): HammerInode {
  return {
    obj_id,
    obj_type,
    flush_state: 0,
    flush_group: null,
    rb_flsnode: null,
    flags: 0,
    sync_flags: 0,
    lock,
    vp: null,
    rec_tree: [],
    target_list: [],
    ino_nlinks: 0,
    ino_size: 0,
    ino_attr: 0,
    sync_ino_nlinks: 0,
    sync_ino_size: 0,
    sync_ino_attr: 0,
    trunc_off: HAMMER_MAX_KEY,
    sync_trunc_off: HAMMER_MAX_KEY,
    save_trunc_off: HAMMER_MAX_KEY,
    error: 0,
    rec_generation: 0,
    cursor_ip_refs: 0,
    hmp,
    g_loaded: false,
    g_instantiating: false,
    g_holders: 0,
    g_latest: 0,
    g_epoch: 0,
    m_exists: false,
    m_deleted: false,
    m_nlinks: 0,
    m_size: 0,
    m_attr: 0,
    m_data: 0,
    m_dirents: [],
  };
}

/** A reclaim waiter (struct hammer_reclaim, hammer_inode.c:3333-3367): one per thread that may wait. */
export interface HammerReclaim {
  count: number;
  /** ghost: queued on hmp->reclaim_list. */
  g_queued: boolean;
}

/** struct hammer_mount, the fields hammer_inode.c and the flusher use. */
export interface HammerMount {
  fs_token: LwktToken;
  ronly: number;
  flags: number;
  rb_inos_root: HammerInode[];
  flush_group_list: HammerFlushGroup[];
  fill_flush_group: HammerFlushGroup | null;
  next_flush_group: HammerFlushGroup | null;
  /** hmp->flusher.next (seq counter), .group_lock, and the master's wakeup request (.signal [ext]). */
  flusher_next: number;
  flusher_group_lock: number;
  flusher_signal: number;
  /** [ext] hammer_flusher_sync: the seq the flusher has completed up to (flusher.done). */
  flusher_done: number;
  count_iqueued: number;
  count_reclaims: number;
  rsv_inodes: number;
  undo_rec_limit: number;
  reclaim_list: HammerReclaim[];
  /** Pools the model hands out in order (kmalloc of groups, hammer_alloc_mem_record). */
  g_flg_pool: HammerFlushGroup[];
  g_rec_pool: HammerRecord[];
  /**
   * Every obj_id's preallocated inode structure (loaded or not): what the model's kmalloc of an
   * inode at hammer_inode.c:460 / :776 hands out for that obj_id (hammer_get_inode /
   * hammer_create_inode look the obj_id up here; rb_inos_root holds the loaded ones).
   */
  g_ino_pool: HammerInode[];
  /** ghost: fault budgets the media may still inject (scenario parameters). */
  g_fault_wouldblock: number;
  g_fault_eio: number;
  /** ghost: the flusher master is waiting with no closed group it could start (end-of-workload checks). */
  g_flusher_idle: boolean;
}

/** hammer_inode.c's globals and the sysctl tunables it reads (hammer_vfsops.c [ext]). */
export interface HammerGlobals {
  hammer_count_iqueued: number;
  hammer_count_reclaims: number;
  hammer_autoflush: number;
  hammer_limit_reclaims: number;
  hammer_debug_critical: number;
}

/** hammer_inode.c's globals, for the running simulator. */
export const hg = (): HammerGlobals => kglobal<HammerGlobals>('hammer');

/**
 * struct hammer_transaction (hammer.h), reduced: its type (HAMMER_TRANS_STD for the frontend,
 * HAMMER_TRANS_FLS for the flusher), flags (NEWINODE), the mount, and the reclaim waiter record
 * the thread uses in hammer_inode_waitreclaims (a stack variable in C, hammer_inode.c:3336; a
 * per-thread registered object here, because frame locals must be plain data). One per thread,
 * preallocated by the scenario.
 */
export interface HammerTransaction {
  type: number;
  flags: number;
  hmp: HammerMount;
  reclaim: HammerReclaim;
}
