'use kernel';
/**
 * Workload operations for the HAMMER scenarios (spec/hammer_inode.md §7.1): a small interpreter
 * so a workload is data — a thread's program is a flat list of quads [op, a, b, c], where a, b, c
 * index the scenario's inode table (-1 = none) — plus the frontend operations of
 * impl/env/hammer_vfs.ts it dispatches to. Not seed code.
 */
import type { Kernel } from '../impl/sim/prim.ts';
import { lwkt_gettoken, lwkt_reltoken } from '../impl/sim/locks.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { HammerInode, HammerTransaction } from '../impl/kernel/hammer_inode_state.ts';
import { hammer_flush_inode, hammer_modify_inode, hammer_update_atime_quick } from '../impl/kernel/hammer_inode.ts';
import { HAMMER_INODE_ATIME, HAMMER_INODE_RO, HAMMER_MEM_RECORD_GENERAL } from '../impl/kernel/hammer_inode_state.ts';
import { hammer_alloc_mem_record, hammer_ip_add_record } from '../impl/env/hammer_object.ts';
import { hammer_flusher_async } from '../impl/env/hammer_flusher.ts';
import {
  henv,
  hammer_op_chmod,
  hammer_op_write,
  hammer_op_truncate,
  hammer_op_create,
  hammer_op_link,
  hammer_op_remove,
  hammer_op_rename,
  hammer_op_fsync,
  hammer_op_reclaim,
  hammer_op_hold,
  hammer_op_release,
  hammer_op_open,
  hammer_op_close,
  hammer_syncer,
  hammer_vget_obj,
  hammer_start_transaction,
  hammer_done_transaction,
  ghost_dirty,
} from '../impl/env/hammer_vfs.ts';
import { VOP_FSYNC, vput } from '../impl/env/syncer.ts';
import { MNT_NOWAIT } from '../impl/kernel/vfs_sync_state.ts';

/** Operation codes (see hammer_run for the operands). */
export const OP_CHMOD = 1; // a = ip, b = its directory (for the lookup path)
export const OP_WRITE = 2; // a = ip, b = dir
export const OP_TRUNC = 3; // a = ip, b = dir
export const OP_CREATE = 4; // a = dir, b = new inode, c = 1 for a directory
export const OP_LINK = 5; // a = dir (new entry), b = ip, c = a directory ip is in (lookup)
export const OP_REMOVE = 6; // a = dir, b = ip
export const OP_RENAME = 7; // a = from dir, b = to dir, c = ip
export const OP_FSYNC = 8; // a = ip, b = dir
export const OP_RECLAIM = 9; // a = ip (its cached vnode, if unreferenced)
export const OP_HOLD = 10; // a = ip, b = dir: a holder reference (hammer_get_inode)
export const OP_RELEASE = 11; // a = ip: drop a holder reference (hammer_rel_inode(ip, 0))
export const OP_SYNC = 12; // the HAMMER syncer once: fsync VISDIRTY vnodes, then hammer_flusher_async (a = 1: and wait, sync(2))
export const OP_FLUSH = 13; // a = ip, b = flags: hammer_flush_inode(ip, flags) under the fs token
export const OP_ASYNC = 14; // hammer_flusher_async(hmp, NULL): close and queue every open group
export const OP_OPEN = 15; // a = ip, b = dir: keep a vnode reference (the thread's one open file); while open, chmod / write / truncate / fsync of that inode go through it (fchmod, write(fd), ftruncate, fsync(fd): no name lookup, so they stay legal after an unlink)
export const OP_CLOSE = 16; // drop the open file's reference
export const OP_ADDREC = 17; // a = ip (held by the caller): a GENERAL record through hammer_ip_add_record, as hammer_save_pseudofs does (hammer_inode.c:1107-1118), under the fs token
export const OP_READ = 19; // a = ip, b = dir: read(2)'s atime update (hammer_vop_read [ext]): hammer_update_atime_quick without the fs token, else ATIME through a transaction (A-8)
export const OP_FSYNC_NOWAIT = 18; // a = ip, b = dir: VOP_FSYNC(vp, MNT_NOWAIT) as the syncer issues it (SIGNAL flush, no wait, no group close)

export const OP_NAMES: Record<number, string> = {
  [OP_CHMOD]: 'chmod',
  [OP_WRITE]: 'write',
  [OP_TRUNC]: 'truncate',
  [OP_CREATE]: 'create',
  [OP_LINK]: 'link',
  [OP_REMOVE]: 'unlink',
  [OP_RENAME]: 'rename',
  [OP_FSYNC]: 'fsync',
  [OP_RECLAIM]: 'reclaim',
  [OP_HOLD]: 'hold',
  [OP_RELEASE]: 'release',
  [OP_SYNC]: 'sync',
  [OP_FLUSH]: 'flush',
  [OP_ASYNC]: 'flusher_async',
  [OP_OPEN]: 'open',
  [OP_CLOSE]: 'close',
  [OP_ADDREC]: 'add_record',
  [OP_FSYNC_NOWAIT]: 'fsync_nowait',
  [OP_READ]: 'read',
};

function at(ips: HammerInode[], i: number): HammerInode | null {
  return i >= 0 ? ips[i] : null;
}

/**
 * A frontend thread: runs `prog` (quads [op, a, b, c]) over the inode table `ips` with its own
 * transaction. Errors of one operation do not stop the program.
 */
export function* hammer_run(trans: HammerTransaction, prog: number[], ips: HammerInode[]): Kernel<void> {
  let pc: number;
  let op: number;
  let a: HammerInode | null;
  let b: HammerInode | null;
  let c: HammerInode | null;
  let open: Vnode | null = null;
  let open_nw: Vnode | null = null;
  const hmp = trans.hmp;

  for (pc = 0; pc + 3 < prog.length; pc += 4) {
    op = prog[pc];
    a = at(ips, prog[pc + 1]);
    b = at(ips, prog[pc + 2]);
    c = at(ips, prog[pc + 3]);
    // An operation on the open file uses its vnode, not a path: no directory (hammer_vget_obj
    // then takes ip's vnode, which the open reference keeps, without a name lookup).
    if (open !== null && open.v_data === a && (op === OP_CHMOD || op === OP_WRITE || op === OP_TRUNC || op === OP_FSYNC)) b = null;
    if (op === OP_CHMOD) yield* hammer_op_chmod(trans, b, a!);
    else if (op === OP_WRITE) yield* hammer_op_write(trans, b, a!);
    else if (op === OP_TRUNC) yield* hammer_op_truncate(trans, b, a!);
    else if (op === OP_CREATE) yield* hammer_op_create(trans, a!, b!, prog[pc + 3] === 1 ? 1 : 0);
    else if (op === OP_LINK) yield* hammer_op_link(trans, a!, c, b!);
    else if (op === OP_REMOVE) yield* hammer_op_remove(trans, a!, b!);
    else if (op === OP_RENAME) yield* hammer_op_rename(trans, a!, b!, c!);
    else if (op === OP_FSYNC) yield* hammer_op_fsync(trans, b, a!);
    else if (op === OP_RECLAIM) yield* hammer_op_reclaim(a!);
    else if (op === OP_HOLD) yield* hammer_op_hold(trans, b, a!);
    else if (op === OP_RELEASE) yield* hammer_op_release(trans, a!);
    else if (op === OP_SYNC) yield* hammer_syncer(hmp, henv().mp, prog[pc + 1]);
    else if (op === OP_FLUSH) {
      yield* lwkt_gettoken(hmp.fs_token);
      yield* hammer_flush_inode(a!, prog[pc + 2]);
      yield* lwkt_reltoken(hmp.fs_token);
    } else if (op === OP_ASYNC) {
      yield* lwkt_gettoken(hmp.fs_token);
      yield* hammer_flusher_async(hmp, null);
      yield* lwkt_reltoken(hmp.fs_token);
    } else if (op === OP_OPEN) {
      open = yield* hammer_op_open(trans, b, a!);
    } else if (op === OP_CLOSE) {
      if (open !== null) yield* hammer_op_close(open);
      open = null;
    } else if (op === OP_FSYNC_NOWAIT) {
      open_nw = yield* hammer_vget_obj(trans, b, a!);
      if (open_nw !== null) {
        yield* VOP_FSYNC(open_nw, MNT_NOWAIT, 0);
        yield* vput(open_nw);
      }
      open_nw = null;
    } else if (op === OP_READ) {
      yield* hammer_op_read(trans, b, a!);
    } else if (op === OP_ADDREC) {
      yield* lwkt_gettoken(hmp.fs_token);
      yield* hammer_ip_add_record(trans, hammer_alloc_mem_record(a!, HAMMER_MEM_RECORD_GENERAL));
      yield* lwkt_reltoken(hmp.fs_token);
    }
  }
  if (open !== null) yield* hammer_op_close(open);
}

/**
 * The end of hammer_vop_read [ext hammer_vnops.c] (no data is modelled, only the atime): try
 * hammer_update_atime_quick with only the inode lock; if ATIME was not pending, take the fs token
 * and a transaction, store the atime (the next attribute version) and set ATIME with
 * hammer_modify_inode (the noatime test is not modelled).
 */
function* hammer_op_read(trans: HammerTransaction, dip: HammerInode | null, ip: HammerInode): Kernel<void> {
  let vp: Vnode | null;
  const hmp = trans.hmp;
  vp = yield* hammer_vget_obj(trans, dip, ip);
  if (vp === null) return;
  if ((yield* hammer_update_atime_quick(ip)) < 0) {
    yield* lwkt_gettoken(hmp.fs_token);
    yield* hammer_start_transaction(trans);
    if ((ip.flags & HAMMER_INODE_RO) === 0) {
      ip.ino_attr += 1; // ip->ino_data.atime = trans.time
      yield* hammer_modify_inode(trans, ip, HAMMER_INODE_ATIME);
      ghost_dirty(ip);
    }
    yield* hammer_done_transaction(trans);
    yield* lwkt_reltoken(hmp.fs_token);
  }
  yield* vput(vp);
}

