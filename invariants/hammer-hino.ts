/**
 * HINO: the inode invariants of spec/hammer_inode.md §6.1 (HINO-01..30, HINO-08b, and HINO-18strong,
 * the strong form of HINO-18). Scopes: Q checks run at quiescent states (hammer-common.ts), Q*
 * ones also skip the inodes a thread is working on inside the window the spec names, T ones read
 * the notes impl/kernel/hammer_inode.ts emits (the notes table of the issue), L ones are
 * end-of-workload checks plus deadlock attribution.
 */
import type { Invariant } from './types.ts';
import type { HammerInode, HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import {
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_CONN_DOWN,
  HAMMER_INODE_DELETED,
  HAMMER_INODE_DELETING,
  HAMMER_INODE_DELONDISK,
  HAMMER_INODE_MODMASK,
  HAMMER_INODE_ONDISK,
  HAMMER_INODE_RECLAIM,
  HAMMER_INODE_REFLUSH,
  HAMMER_INODE_RO,
  HAMMER_INODE_RSV_INODES,
  HAMMER_INODE_TRUNCATED,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_INODE_XDIRTY,
  HAMMER_MOUNT_CRITICAL_ERROR,
  HAMMER_RECF_DELETED_FE,
} from '../impl/kernel/hammer_inode_state.ts';
import { VISDIRTY } from '../impl/kernel/vfs_sync_state.ts';
import { both, eachInode, eachMount, onNote, atEnd, at, later, state } from './hammer-build.ts';
import { components, dirty, inodesOf, loaded, liveGroup, nm, st, worksOn, type HCtx } from './hammer-common.ts';
import type { Sim } from '../impl/sim/kernel.ts';

const C = (...lines: string[]): string[] => lines.map((l) => `hammer_inode.c:${l}`);
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The groups whose flush_tree holds ip. */
function treesOf(c: HCtx, ip: HammerInode) {
  return c.groups.filter((g) => liveGroup(g) && g.flush_tree.includes(ip));
}

/** Functions during which the inode's reference count legitimately differs from HINO-05's sum by one. */
const REF_SLACK_FNS = ['hammer_flush_inode_done', 'hammer_vop_reclaim', 'hammer_get_vnode', 'hammer_rel_inode', 'hammer_test_inode'];
/** Functions that construct or destroy the inode (HINO-05 does not apply while they run on it). */
const LIFE_FNS = ['hammer_get_inode', 'hammer_create_inode', 'hammer_unload_inode', 'hammer_free_inode', 'hammer_get_dummy_inode'];
/** The record helpers that insert / remove records and change XDIRTY in more than one step (HINO-09 window). */
const RECORD_FNS = ['hammer_mem_add', 'hammer_rel_mem_record', 'hammer_ip_add_record', 'hammer_ip_add_directory', 'hammer_ip_del_directory', 'hammer_modify_inode', 'hammer_flush_record_done', 'hammer_alloc_mem_record'];

/** HINO-18's triggers (weak: any attached vnode; strong: a VISDIRTY or reclaimed one). */
function trigger(ip: HammerInode, strong: boolean): boolean {
  if (ip.flush_state === HAMMER_FST_FLUSH) return true;
  if (ip.flush_state === HAMMER_FST_SETUP && ip.flags & HAMMER_INODE_REFLUSH) return true;
  if (ip.g_holders > 0) return true;
  const vp = ip.vp as Vnode | null;
  if (vp) return !strong || (vp.v_flag & VISDIRTY) !== 0 || vp.g_reclaimed;
  return false;
}

function forgotten(sim: Sim, c: HCtx, strong: boolean): string | null {
  const comp = components(c);
  const ips = loaded(c);
  const trig = new Set<number>();
  for (const ip of ips) if (trigger(ip, strong)) trig.add(comp.get(ip)!);
  for (const ip of ips) {
    if (!dirty(ip) || trig.has(comp.get(ip)!)) continue;
    const members = ips.filter((x) => comp.get(x) === comp.get(ip)).map((x) => nm(sim, x));
    return `${nm(sim, ip)} is dirty (flags ${hex(ip.flags & HAMMER_INODE_MODMASK)}, sync_flags ${hex(ip.sync_flags)}) and its dependency component {${members.join(', ')}} has no trigger (no FLUSH inode, no SETUP+REFLUSH inode, no ${strong ? 'VISDIRTY or reclaimed vnode' : 'vnode'}, no holder): nothing will ever flush it`;
  }
  return null;
}

export const hinoInvariants: Invariant[] = [
  {
    id: 'HINO-01',
    domain: 'hammer',
    kind: 'safety',
    statement: 'ip.flush_group ≠ NULL exactly when ip.flush_state == FLUSH [Q]',
    cite: C('2076-2077', '2149-2150', '2611-2612', '1585-1591', '2472'),
    prepare: eachInode(true, (s, _c, ip) => ((ip.flush_group !== null) !== (ip.flush_state === HAMMER_FST_FLUSH) ? `flush_state ${st(ip.flush_state)} with flush_group ${nm(s, ip.flush_group)}` : null)),
  },
  {
    id: 'HINO-02',
    domain: 'hammer',
    kind: 'safety',
    statement: 'FLUSH ⇒ ip is in ip.flush_group.flush_tree; membership of g.flush_tree ⇒ FLUSH and ip.flush_group == g; an inode is in at most one flush tree [Q]',
    cite: C('2212-2216', '2611', '1585', '2595-2606', '2518'),
    prepare: eachInode(true, (s, c, ip) => {
      const trees = treesOf(c, ip);
      if (trees.length > 1) return `in ${trees.length} flush trees (${trees.map((g) => nm(s, g)).join(', ')})`;
      if (ip.flush_state === HAMMER_FST_FLUSH && ip.flush_group && !ip.flush_group.flush_tree.includes(ip)) return `FLUSH in ${nm(s, ip.flush_group)} but not in its flush_tree`;
      if (trees.length === 1 && (ip.flush_state !== HAMMER_FST_FLUSH || ip.flush_group !== trees[0])) return `in the flush_tree of ${nm(s, trees[0])} but ${st(ip.flush_state)} with flush_group ${nm(s, ip.flush_group)}`;
      if (ip.rb_flsnode !== (trees[0] ?? null)) return `rb_flsnode is ${nm(s, ip.rb_flsnode)} but it is in the flush_tree of ${nm(s, trees[0] ?? null)}`;
      return null;
    }),
  },
  {
    id: 'HINO-03',
    domain: 'hammer',
    kind: 'safety',
    statement: 'IDLE ⇒ flush_group == NULL and ip is in no flush tree [Q]',
    cite: C('795', '460', '1777', '2630', '1591', '2611-2612', '1585-1587'),
    prepare: eachInode(true, (s, c, ip) => {
      if (ip.flush_state !== HAMMER_FST_IDLE) return null;
      const trees = treesOf(c, ip);
      if (ip.flush_group !== null || trees.length > 0 || ip.rb_flsnode !== null) return `IDLE with flush_group ${nm(s, ip.flush_group)}${trees.length ? `, in the flush_tree of ${nm(s, trees[0])}` : ''}`;
      return null;
    }),
  },
  {
    id: 'HINO-04',
    domain: 'hammer',
    kind: 'safety',
    statement: 'SETUP ⇒ flush_group == NULL and ip is in no flush tree [Q]',
    cite: C('2149-2150', '2611-2612', '2633'),
    prepare: eachInode(true, (s, c, ip) => {
      if (ip.flush_state !== HAMMER_FST_SETUP) return null;
      const trees = treesOf(c, ip);
      if (ip.flush_group !== null || trees.length > 0 || ip.rb_flsnode !== null) return `SETUP with flush_group ${nm(s, ip.flush_group)}${trees.length ? `, in the flush_tree of ${nm(s, trees[0])}` : ''}`;
      return null;
    }),
  },
  {
    id: 'HINO-05',
    domain: 'hammer',
    kind: 'safety',
    statement:
      'refs(ip) = holders(ip) + [vp ≠ NULL] + [flush_state ≠ IDLE]: SETUP and FLUSH own exactly one extra reference [Q; one reference of slack while a completion (dorel), a reclaim, a vnode attach, a release or a test (temporary reference) is in progress on ip; not while ip is being loaded or unloaded]',
    cite: C('2071-2075', '1777-1778', '2629-2635', '2680-2681', '1580-1591', '2149', '303', '246', '1597-1608'),
    prepare: eachInode(true, (s, _c, ip) => {
      if (worksOn(s, LIFE_FNS, ip)) return null;
      const want = ip.g_holders + (ip.vp ? 1 : 0) + (ip.flush_state !== HAMMER_FST_IDLE ? 1 : 0);
      const refs = ip.lock.refs;
      if (refs === want) return null;
      if (Math.abs(refs - want) === 1 && worksOn(s, REF_SLACK_FNS, ip)) return null;
      return `refs ${refs} but holders ${ip.g_holders} + vnode ${ip.vp ? 1 : 0} + state ${st(ip.flush_state)} ${ip.flush_state !== HAMMER_FST_IDLE ? 1 : 0} = ${want}`;
    }),
  },
  {
    id: 'HINO-06',
    domain: 'hammer',
    kind: 'safety',
    statement: 'ip.vp ≠ NULL ⇒ ip.vp.v_data == ip; RECLAIM ⇒ ip.vp == NULL [Q, outside the attach section hammer_inode.c:295-349 and the reclaim]',
    cite: C('236-237', '239-243', '303-310', '346', '3304-3309'),
    prepare: eachInode(true, (s, _c, ip) => {
      if (worksOn(s, ['hammer_get_vnode', 'hammer_vop_reclaim'], ip)) return null;
      const vp = ip.vp as Vnode | null;
      if (vp && vp.v_data !== ip) return `vp ${nm(s, vp)} has v_data ${nm(s, vp.v_data)}`;
      if (ip.flags & HAMMER_INODE_RECLAIM && vp) return `RECLAIM with vnode ${nm(s, vp)}`;
      return null;
    }),
  },
  {
    id: 'HINO-07',
    domain: 'hammer',
    kind: 'safety',
    statement: 'target_list non-empty ⇒ flush_state ≠ IDLE [Q]',
    cite: C('2306', '2629', '1775-1777', '1528'),
    prepare: eachInode(true, (s, _c, ip) => (ip.target_list.length > 0 && ip.flush_state === HAMMER_FST_IDLE ? `IDLE with ${ip.target_list.length} record(s) in its target_list (${nm(s, ip.target_list[0])})` : null)),
  },
  {
    id: 'HINO-08',
    domain: 'hammer',
    kind: 'transition',
    statement: 'at hammer_unload_inode: refs == 1, vp == NULL, IDLE, cursor_ip_refs == 0, unlocked, clean, rec_tree empty, target_list empty',
    cite: C('1519-1520', '1521', '1522', '1523', '1524', '1525', '1527', '1528'),
    prepare: onNote(['hino_unload'], (s, _c, d, _t, n, all) => {
      const ip = d.ip as HammerInode;
      const refs = at(d, 'refs', (later(all, n, ['hino_free'], 'refs') as number | undefined) ?? ip.lock.refs);
      const vp = at(d, 'vp', ip.vp);
      const state = at(d, 'state', ip.flush_state);
      const cursors = at(d, 'cursor_ip_refs', ip.cursor_ip_refs);
      const owner = at(d, 'lk_owner', ip.lock.lk_owner);
      const shared = at(d, 'lk_shared', ip.lock.lk_shared);
      const flags = at(d, 'flags', ip.flags);
      const recs = at(d, 'recs', ip.rec_tree.length);
      const targets = at(d, 'targets', ip.target_list.length);
      const why: string[] = [];
      if (refs !== 1) why.push(`refs ${refs}`);
      if (vp !== null) why.push(`vnode ${nm(s, vp as object)}`);
      if (state !== HAMMER_FST_IDLE) why.push(st(state));
      if (cursors !== 0) why.push(`cursor_ip_refs ${cursors}`);
      if (owner !== null || shared !== 0) why.push('locked');
      if (flags & HAMMER_INODE_MODMASK) why.push(`dirty (${hex(flags & HAMMER_INODE_MODMASK)})`);
      if (recs !== 0) why.push(`${recs} record(s) in rec_tree`);
      if (targets !== 0) why.push(`${targets} record(s) in target_list`);
      return why.length ? `${nm(s, ip)} unloaded with ${why.join(', ')}` : null;
    }),
  },
  {
    id: 'HINO-08b',
    domain: 'hammer',
    kind: 'transition',
    statement: 'at hammer_unload_inode: RSV_INODES is clear (the unload does not give the reservation back, so unloading with it set leaks hmp->rsv_inodes)',
    cite: C('1657-1660', '2672-2676', '1514-1538'),
    prepare: onNote(['hino_unload'], (s, _c, d) => {
      const ip = d.ip as HammerInode;
      return at(d, 'flags', ip.flags) & HAMMER_INODE_RSV_INODES ? `${nm(s, ip)} unloaded with RSV_INODES set` : null;
    }),
  },
  {
    id: 'HINO-09',
    domain: 'hammer',
    kind: 'safety',
    statement:
      'XDIRTY in flags ∪ sync_flags exactly when rec_tree is non-empty — at the exit of hammer_flush_inode_done [T], and at quiescent states outside the record helpers\' windows and the backend window hammer_inode.c:3141-3164 of a DELETED inode [Q*]',
    cite: C('2557-2560', '2202-2206', '2535-2536', '3141-3164'),
    prepare: both(
      eachInode(true, (s, _c, ip) => {
        if (worksOn(s, RECORD_FNS, ip)) return null;
        if (ip.flags & HAMMER_INODE_DELETED && worksOn(s, ['hammer_sync_inode'], ip)) return null;
        const x = ((ip.flags | ip.sync_flags) & HAMMER_INODE_XDIRTY) !== 0;
        return x !== ip.rec_tree.length > 0 ? `XDIRTY ${x ? 'set' : 'clear'} with ${ip.rec_tree.length} record(s) in rec_tree` : null;
      }),
      onNote(['hino_done_exit'], (s, _c, d) => {
        const ip = d.ip as HammerInode;
        const x = ((ip.flags | ip.sync_flags) & HAMMER_INODE_XDIRTY) !== 0;
        return x !== ip.rec_tree.length > 0 ? `${nm(s, ip)}: XDIRTY ${x ? 'set' : 'clear'} with ${ip.rec_tree.length} record(s) at the end of its completion` : null;
      }),
    ),
  },
  {
    id: 'HINO-10',
    domain: 'hammer',
    kind: 'safety',
    statement: 'sync_flags ⊆ MODMASK always; flush_state ≠ FLUSH ⇒ sync_flags == 0 [Q]',
    cite: C('2191', '2202-2203', '2962', '3183', '1352', '2536', '2187'),
    prepare: eachInode(true, (_s, _c, ip) => {
      if (ip.sync_flags & ~HAMMER_INODE_MODMASK) return `sync_flags ${hex(ip.sync_flags)} has non-MODMASK bits ${hex(ip.sync_flags & ~HAMMER_INODE_MODMASK)}`;
      if (ip.flush_state !== HAMMER_FST_FLUSH && ip.sync_flags !== 0) return `${st(ip.flush_state)} with sync_flags ${hex(ip.sync_flags)}`;
      return null;
    }),
  },
  {
    id: 'HINO-11',
    domain: 'hammer',
    kind: 'transition',
    statement: 'immediately after the snapshot: flags & MODMASK == 0, TRUNCATED not in flags, sync_ino_data == ino_data, and TRUNCATED in sync_flags iff it was in flags before (the other pending bits moved into sync_flags)',
    cite: C('2186-2206'),
    prepare: onNote(['hino_snapshot'], (s, _c, d) => {
      const ip = d.ip as HammerInode;
      const flags = at(d, 'flagsAfter', ip.flags);
      const sync = at(d, 'syncAfter', ip.sync_flags);
      const before = d.flagsBefore as number;
      const syncBefore = (d.syncBefore as number) ?? 0;
      const truncBefore = d.truncatedBefore === undefined ? (before & HAMMER_INODE_TRUNCATED) !== 0 : !!d.truncatedBefore;
      if (flags & HAMMER_INODE_MODMASK) return `${nm(s, ip)}: flags still hold ${hex(flags & HAMMER_INODE_MODMASK)} after the snapshot`;
      if (((sync & HAMMER_INODE_TRUNCATED) !== 0) !== truncBefore) return `${nm(s, ip)}: TRUNCATED ${truncBefore ? 'was' : 'was not'} in flags but is ${sync & HAMMER_INODE_TRUNCATED ? '' : 'not '}in sync_flags`;
      const want = ((before & HAMMER_INODE_MODMASK & ~HAMMER_INODE_TRUNCATED) | syncBefore) & ~HAMMER_INODE_TRUNCATED;
      if ((sync & want) !== want) return `${nm(s, ip)}: sync_flags ${hex(sync)} lost pending bits ${hex(want & ~sync)}`;
      const n = at(d, 'ino_nlinks', ip.ino_nlinks);
      const sn = at(d, 'sync_ino_nlinks', ip.sync_ino_nlinks);
      if (sn !== n || ip.sync_ino_size !== ip.ino_size || ip.sync_ino_attr !== ip.ino_attr) return `${nm(s, ip)}: sync_ino_data (nlinks ${sn}, size ${ip.sync_ino_size}, attr ${ip.sync_ino_attr}) ≠ ino_data (nlinks ${n}, size ${ip.ino_size}, attr ${ip.ino_attr}) after the snapshot`;
      return null;
    }),
  },
  {
    id: 'HINO-12',
    domain: 'hammer',
    kind: 'safety',
    statement: 'WOULDBLOCK ⇒ FLUSH [Q]; WOULDBLOCK is clear whenever hammer_flush_inode_core is entered [T]',
    cite: C('3000', '2605', '2102', '2595'),
    prepare: both(
      eachInode(true, (_s, _c, ip) => (ip.flags & HAMMER_INODE_WOULDBLOCK && ip.flush_state !== HAMMER_FST_FLUSH ? `WOULDBLOCK on a ${st(ip.flush_state)} inode` : null)),
      onNote(['hino_core_enter'], (s, _c, d) => (((d.flags as number) ?? 0) & HAMMER_INODE_WOULDBLOCK ? `hammer_flush_inode_core entered on ${nm(s, d.ip as object)} with WOULDBLOCK set` : null)),
    ),
  },
  {
    id: 'HINO-13',
    domain: 'hammer',
    kind: 'transition',
    statement: 'hammer_flush_inode_core is never entered on a FLUSH inode',
    cite: C('2073', '1993', '1991', '2318'),
    prepare: onNote(['hino_core_enter'], (s, _c, d) => (d.state === HAMMER_FST_FLUSH ? `hammer_flush_inode_core entered on ${nm(s, d.ip as object)}, which is already FLUSH` : null)),
  },
  {
    id: 'HINO-14',
    domain: 'hammer',
    kind: 'safety',
    statement: 'link counts are never negative: the backend\'s computed count ≥ 0 [T], the frontend and synced counts ≥ 0 [Q]',
    cite: C('2960', '2911-2963'),
    prepare: both(
      eachInode(true, (_s, _c, ip) => (ip.ino_nlinks < 0 || ip.sync_ino_nlinks < 0 ? `nlinks ${ip.ino_nlinks}, synced nlinks ${ip.sync_ino_nlinks}` : null)),
      onNote(['hino_nlinks_pass'], (s, _c, d) => ((d.result as number) < 0 ? `${nm(s, d.ip as object)}: the nlinks pass computed ${d.result}` : null)),
    ),
  },
  {
    id: 'HINO-15',
    domain: 'hammer',
    kind: 'transition',
    statement:
      'after the nlinks pass: synced nlinks = nlinks − #ADD + #DEL (target records not FLUSH in this group, not FE) + #ADD FLUSH in this group with FE; afterwards no non-FE record FLUSH in this group remains in target_list',
    cite: C('2911-2963', '2928-2934', '2936-2952'),
    prepare: onNote(['hino_nlinks_pass'], (s, _c, d) => {
      const ip = d.ip as HammerInode;
      const want = (d.nlinksIn as number) - (d.adds as number) + (d.dels as number) + (d.feAdds as number);
      if (d.result !== want) return `${nm(s, ip)}: computed nlinks ${d.result}, expected ${d.nlinksIn} − ${d.adds} + ${d.dels} + ${d.feAdds} = ${want}`;
      if (ip.sync_ino_nlinks !== d.result && ip.flush_state === HAMMER_FST_FLUSH) return `${nm(s, ip)}: synced nlinks ${ip.sync_ino_nlinks} after the pass computed ${d.result}`;
      if ((d.leftInGroup as number) > 0) return `${nm(s, ip)}: ${d.leftInGroup} non-FE record(s) FLUSH in its group still in target_list`;
      const g = ip.flush_group;
      const left = g ? ip.target_list.filter((r) => r.flush_state === HAMMER_FST_FLUSH && r.flush_group === g && (r.flags & HAMMER_RECF_DELETED_FE) === 0) : [];
      return left.length ? `${nm(s, ip)}: ${nm(s, left[0])} (FLUSH in its group, not FE) still in target_list after the pass` : null;
    }),
  },
  {
    id: 'HINO-16',
    domain: 'hammer',
    kind: 'safety',
    statement:
      'DELETED is never cleared (an inode deleted on the media keeps DELETED) and is set only with synced nlinks 0; a DELETED inode no longer carries DELETING; RO inodes never get DELETING [Q, outside the backend sync of the inode]',
    cite: C('3089-3092', '3081-3084', '3144', '3156', '2202-2206', '2535', '3247-3249'),
    prepare: eachInode(true, (s, _c, ip) => {
      const fl = ip.flags | ip.sync_flags;
      if (ip.flags & HAMMER_INODE_RO && fl & HAMMER_INODE_DELETING) return 'DELETING on an RO inode';
      if (worksOn(s, ['hammer_sync_inode', 'hammer_get_inode'], ip)) return null;
      if (ip.m_deleted && (ip.flags & HAMMER_INODE_DELETED) === 0) return 'deleted on the media (delete-clean done) but DELETED is clear';
      if (ip.flags & HAMMER_INODE_DELETED) {
        if (ip.sync_ino_nlinks !== 0) return `DELETED with synced nlinks ${ip.sync_ino_nlinks}`;
        if (fl & HAMMER_INODE_DELETING) return 'DELETED and still DELETING';
      }
      return null;
    }),
  },
  {
    id: 'HINO-17',
    domain: 'hammer',
    kind: 'safety',
    statement: 'ONDISK is never cleared (an inode whose record is on the media has ONDISK); DELONDISK ⇒ ONDISK [Q, outside the load and the inode-record write]',
    cite: C('583', '1364', '1235-1261', '1350'),
    prepare: eachInode(true, (s, _c, ip) => {
      if (ip.flags & HAMMER_INODE_DELONDISK && (ip.flags & HAMMER_INODE_ONDISK) === 0) return 'DELONDISK without ONDISK';
      if (worksOn(s, ['hammer_get_inode', 'hammer_create_inode', 'hammer_update_inode', 'hammer_sync_inode'], ip)) return null;
      if (ip.m_exists && (ip.flags & HAMMER_INODE_ONDISK) === 0) return 'its inode record is on the media but ONDISK is clear';
      return null;
    }),
  },
  {
    id: 'HINO-18',
    domain: 'hammer',
    kind: 'safety',
    statement:
      'a dirty inode is never silently forgotten (weak form): if flags & MODMASK or sync_flags, its dependency component (inodes linked by directory-entry records, both directions) has a trigger — a FLUSH inode, a SETUP inode with REFLUSH, an attached vnode, or a holder reference [Q]',
    cite: C('1485-1486', '1492-1493', '2562-2590', '2652-2660', '3209-3210', '3263-3264', '2365-2374', '1991-1992'),
    prepare: state(true, (s, c) => forgotten(s, c, false)),
  },
  {
    id: 'HINO-18strong',
    // The strong form fails on the unmodified seed (hazard HA-2): it is checked only by the
    // scenarios that list the 'hammer-strict' domain (the hazard's, and MUT-19's workload).
    domain: 'hammer-strict',
    hazard: 'HA-2',
    kind: 'safety',
    statement:
      'HINO-18, strong form: a dirty inode\'s dependency component has a FLUSH inode, a SETUP inode with REFLUSH, a vnode that is VISDIRTY or reclaimed (the syncer will see it), or a holder reference [Q] (expected to fail on the seed through A-2 and hammer_inode.c:348)',
    cite: C('1672-1674', '266-270', '348', '2586-2590', '3209-3210'),
    prepare: state(true, (s, c) => forgotten(s, c, true)),
  },
  {
    id: 'HINO-19',
    // Fails on the unmodified seed (hazard HX-2: the :2658 re-flush of a vnode-less SETUP inode
    // holding only its state reference); benign — the re-flushed inode is dirty, so the :1775-1778
    // shortcut cannot release that reference (HX-3, refuted). Checked only by the scenarios that
    // list the 'hammer-hx2' domain (a domain of its own rather than 'hammer-strict': every
    // workload that reaches the re-flush also meets A-2, so HINO-18strong would fire first).
    domain: 'hammer-hx2',
    hazard: 'HX-2',
    kind: 'transition',
    statement: 'on entry to hammer_flush_inode, refs ≥ 1 + [state ≠ IDLE]: the caller owns a reference besides the state reference',
    cite: C('1778', '1780', '3279', '2680', '1486', '1493', '207'),
    prepare: onNote(['hino_flush_enter'], (s, _c, d, _t, n, all) => {
      const ip = d.ip as HammerInode;
      const refs = d.refs as number;
      // The state at entry: carried by the note, or by the hino_core_enter this call leads to (the
      // step may change it afterwards); else unknown (only refs ≥ 1 is checked).
      const st0 = typeof d.state === 'number' ? d.state : later(all, n, ['hino_core_enter', 'hino_flush_enter'], 'state');
      const state = typeof st0 === 'number' ? st0 : null;
      const need = 1 + (state !== null && state !== HAMMER_FST_IDLE ? 1 : 0);
      return refs < need ? `hammer_flush_inode(${nm(s, ip)}) entered with refs ${refs}${state !== null ? ` in ${st(state)}` : ''} (needs ≥ ${need})` : null;
    }),
  },
  {
    id: 'HINO-20',
    domain: 'hammer',
    kind: 'transition',
    statement: 'in hammer_rel_inode, observing exactly one reference ⇒ vp == NULL and IDLE',
    cite: C('1483', '1478-1490'),
    prepare: onNote(['hino_rel_one'], (s, _c, d, _t, n, all) => {
      const ip = d.ip as HammerInode;
      const vp = at(d, 'vp', ip.vp);
      // The state when the one reference was seen: carried by the note, or by a later note of the
      // step (a flush of this inode from hammer_rel_inode, hammer_inode.c:1486, may make it FLUSH).
      const state = at(d, 'state', (later(all, n, ['hino_flush_enter', 'hino_core_enter'], 'state') as number | undefined) ?? ip.flush_state);
      if (vp !== null) return `hammer_rel_inode(${nm(s, ip)}) sees one reference with vnode ${nm(s, vp as object)}`;
      if (state !== HAMMER_FST_IDLE) return `hammer_rel_inode(${nm(s, ip)}) sees one reference in ${st(state)} (the state reference is the last one)`;
      return null;
    }),
  },
  {
    id: 'HINO-21',
    domain: 'hammer',
    kind: 'transition',
    statement: 'hammer_free_inode frees only at exactly one reference (and the shared branch of hammer_rel_inode sees ≥ 1)',
    cite: C('950', '1499'),
    prepare: onNote(['hino_free'], (s, _c, d) => (d.refs !== 1 ? `hammer_free_inode(${nm(s, d.ip as object)}) with refs ${d.refs}` : null)),
  },
  {
    id: 'HINO-22',
    domain: 'hammer',
    kind: 'transition',
    statement: 'the upward recursion depth is ≤ 20 (at most 21 nested hammer_setup_parent_inodes frames)',
    cite: C('1873-1880', '1898-1899', '1996-1999'),
    prepare: onNote(['hino_setup_depth'], (s, _c, d) => ((d.depth as number) > 20 ? `hammer_setup_parent_inodes(${nm(s, d.ip as object)}) at depth ${d.depth}` : null)),
  },
  {
    id: 'HINO-23',
    domain: 'hammer',
    kind: 'safety',
    statement: 'count_iqueued == #(FLUSH inodes), count_reclaims == #(RECLAIM inodes), rsv_inodes == #(RSV_INODES inodes); the globals hammer_count_iqueued / hammer_count_reclaims likewise over all mounts [Q]',
    cite: C('2079', '2145', '2623', '240-242', '3307-3309', '1657-1659', '2672-2676', '585-588', '703-706'),
    prepare: eachMount(true, (_s, c, hmp) => {
      const ips = inodesOf(c, hmp);
      const fl = ips.filter((ip) => ip.flush_state === HAMMER_FST_FLUSH).length;
      const rc = ips.filter((ip) => ip.flags & HAMMER_INODE_RECLAIM).length;
      const rsv = ips.filter((ip) => ip.flags & HAMMER_INODE_RSV_INODES).length;
      if (hmp.count_iqueued !== fl) return `count_iqueued ${hmp.count_iqueued} but ${fl} FLUSH inode(s)`;
      if (hmp.count_reclaims !== rc) return `count_reclaims ${hmp.count_reclaims} but ${rc} RECLAIM inode(s)`;
      if (hmp.rsv_inodes !== rsv) return `rsv_inodes ${hmp.rsv_inodes} but ${rsv} RSV_INODES inode(s)`;
      if (c.g && c.mounts.length === 1) {
        if (c.g.hammer_count_iqueued !== fl) return `hammer_count_iqueued ${c.g.hammer_count_iqueued} but ${fl} FLUSH inode(s)`;
        if (c.g.hammer_count_reclaims !== rc) return `hammer_count_reclaims ${c.g.hammer_count_reclaims} but ${rc} RECLAIM inode(s)`;
      }
      return null;
    }),
  },
  {
    id: 'HINO-24',
    domain: 'hammer',
    kind: 'transition',
    statement: 'CONN_DOWN is set only on an inode whose target_list is non-empty at that moment; on exit from hammer_flush_inode_done, an empty target_list ⇒ CONN_DOWN clear',
    cite: C('1822', '1945', '1981', '2054', '2666-2667'),
    prepare: onNote(['hino_conn_down', 'hino_done_exit'], (s, _c, d, _t, n) => {
      const ip = d.ip as HammerInode;
      if (n.kind === 'hino_conn_down') {
        const targets = at(d, 'targets', ip.target_list.length);
        return targets === 0 ? `CONN_DOWN set on ${nm(s, ip)}, whose target_list is empty` : null;
      }
      const empty = d.targetEmpty === undefined ? ip.target_list.length === 0 : !!d.targetEmpty;
      return empty && at(d, 'flags', ip.flags) & HAMMER_INODE_CONN_DOWN ? `hammer_flush_inode_done(${nm(s, ip)}) returns with an empty target_list and CONN_DOWN still set` : null;
    }),
  },
  {
    id: 'HINO-25',
    domain: 'hammer',
    kind: 'transition',
    statement:
      'on exit from a non-WOULDBLOCK hammer_flush_inode_done, a REFLUSH set on entry or at hammer_inode.c:2527-2528 / 2571-2572 has been consumed by exactly one hammer_flush_inode call, or the inode was clean (REFLUSH discarded at hammer_inode.c:2574)',
    cite: C('2570-2575', '2652-2660', '2527-2528'),
    prepare: onNote(['hino_done_exit'], (s, _c, d) => {
      if (d.wouldblock || !d.reflushSet) return null;
      const consumed = d.consumed as number;
      if (consumed > 1) return `hammer_flush_inode_done(${nm(s, d.ip as object)}) re-flushed ${consumed} times`;
      if (consumed === 0 && !d.clean) return `hammer_flush_inode_done(${nm(s, d.ip as object)}) returns with a pending REFLUSH not consumed by a re-flush, and the inode is dirty`;
      return null;
    }),
  },
  {
    id: 'HINO-26',
    domain: 'hammer',
    kind: 'transition',
    statement:
      'fsync durability (ghost): when hammer_wait_inode returns to an fsync without a critical error, no MODMASK bit and no record pending at the SIGNAL flush request is still pending unless re-dirtied since',
    cite: C('2455-2457', '2523-2528', '1824-1826', '1840-1842', '2151-2153', '2654-2656', '3280-3282'),
    prepare: onNote(['hino_fsync_return'], (s, c, d) => {
      if (!d.pending) return null;
      if (c.mounts.some((m) => m.flags & HAMMER_MOUNT_CRITICAL_ERROR)) return null;
      return `fsync of ${nm(s, d.ip as object)} returned with ${String(d.pending)} still pending`;
    }),
  },
  {
    id: 'HINO-27',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'every thread sleeping in hammer_wait_inode is eventually woken, or a critical error occurs (checked as no deadlock with a waiter there)',
    cite: C('2490-2491', '2641-2644', '2455-2457'),
    blockedIn: ['hammer_wait_inode'],
  },
  {
    id: 'HINO-28',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'an inode in SETUP with REFLUSH eventually has hammer_flush_inode called on it: none is left at the end of the workload',
    cite: C('3277-3287', '2652-2660'),
    prepare: atEnd((s, c, hmp) => {
      const ip = inodesOf(c, hmp).find((x) => x.flush_state === HAMMER_FST_SETUP && x.flags & HAMMER_INODE_REFLUSH);
      return ip ? `${nm(s, ip)} is still SETUP with REFLUSH` : null;
    }),
  },
  {
    id: 'HINO-29',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'a FLUSH inode eventually leaves FLUSH: none is left at the end of the workload',
    cite: C('2595-2635'),
    prepare: atEnd((s, c, hmp) => {
      const ip = inodesOf(c, hmp).find((x) => x.flush_state === HAMMER_FST_FLUSH);
      return ip ? `${nm(s, ip)} is still FLUSH in ${nm(s, ip.flush_group)}` : null;
    }),
  },
  {
    id: 'HINO-30',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'a clean inode with no holders and no vnode, whose target_list and rec_tree are empty, is eventually unloaded: none is loaded at the end of the workload',
    cite: C('1775-1778', '3277-3287', '2629-2631', '2680-2681', '1487-1489'),
    prepare: atEnd((s, c, hmp) => {
      const ip = inodesOf(c, hmp).find((x) => !dirty(x) && x.g_holders === 0 && x.vp === null && x.target_list.length === 0 && x.rec_tree.length === 0);
      return ip ? `${nm(s, ip)} is clean and unreferenced (refs ${ip.lock.refs}, ${st(ip.flush_state)}) but still loaded` : null;
    }),
  },
];

export type { HammerRecord };
