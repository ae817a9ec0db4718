/**
 * HREC (records, spec/hammer_inode.md §6.2), HFLG (flush groups, §6.3), HRCL (the reclaim
 * pipeline) and HMED (the abstract media, §6.4).
 *
 * The media (HMED): every registered HammerInode carries the on-media state of its obj_id (m_*),
 * which survives the unload of the in-memory inode. "On media" means m_exists && !m_deleted (an
 * inode record was written and no delete-clean destroyed it); the "committed directory entries"
 * are the child obj_ids in the m_dirents of every registered inode (one per committed link,
 * written by ADD commits, removed by DEL commits). HAMMER directories carry no '.'/'..' links, so
 * an inode's on-media nlinks counts the entries that name it — plus one implicit link for the
 * PFS root (obj_id HAMMER_OBJID_ROOT = 1, which no entry names). These are checked at every final
 * commit point, i.e. at each `hmed_commit` note (the end of a flusher pass, after its final
 * finalize); the partial finalize of hammer_inode.c:2871-2876 is not a commit point.
 */
import type { Invariant } from './types.ts';
import type { HammerFlushGroup, HammerInode, HammerMount, HammerRecord } from '../impl/kernel/hammer_inode_state.ts';
import {
  HAMMER_FST_FLUSH,
  HAMMER_FST_IDLE,
  HAMMER_FST_SETUP,
  HAMMER_INODE_DELETED,
  HAMMER_INODE_DELETING,
  HAMMER_INODE_WOULDBLOCK,
  HAMMER_MEM_RECORD_ADD,
  HAMMER_MEM_RECORD_DATA,
  HAMMER_MEM_RECORD_DEL,
  HAMMER_MEM_RECORD_INODE,
  HAMMER_OBJTYPE_DIRECTORY,
  HAMMER_RECF_COMMITTED,
  HAMMER_RECF_CONVERT_DELETE,
  HAMMER_RECF_DELETED_BE,
  HAMMER_RECF_DELETED_FE,
  HAMMER_RECF_INTERLOCK_BE,
  HAMMER_RECF_REDO,
  HAMMER_FLUSH_RECURSION,
} from '../impl/kernel/hammer_inode_state.ts';
import { both, eachMount, eachRecord, onNote, atEnd, at, state } from './hammer-build.ts';
import { HAMMER_OBJID_ROOT, heldInFrame, inodesOf, liveGroup, liveRecords, loaded, mountOfGroup, nm, st, worksOn, type HCtx } from './hammer-common.ts';
import type { Sim } from '../impl/sim/kernel.ts';

const C = (...lines: string[]): string[] => lines.map((l) => `hammer_inode.c:${l}`);
const FE = HAMMER_RECF_DELETED_FE;
const BE = HAMMER_RECF_DELETED_BE;
const DONE = HAMMER_RECF_DELETED_FE | HAMMER_RECF_DELETED_BE | HAMMER_RECF_COMMITTED;

/** A group's seq (its place in flush_group_list), or -1 for none. */
const seqOf = (g: HammerFlushGroup | null): number => (g ? g.seq : -1);

function mediaCheck(what: (sim: Sim, c: HCtx, hmp: HammerMount) => string | null) {
  return onNote(['hmed_commit'], (s, c, d) => what(s, c, (d.hmp as HammerMount) ?? c.mounts[0]));
}

/** obj_id -> registered inode. */
function byObjId(c: HCtx): Map<number, HammerInode> {
  const m = new Map<number, HammerInode>();
  for (const ip of c.all) m.set(ip.obj_id, ip);
  return m;
}

const onMedia = (ip: HammerInode): boolean => ip.m_exists && !ip.m_deleted;

/**
 * The record-completion window (HREC-01, HREC-07): `record` is being completed by a thread inside
 * hammer_flush_record_done ([ext] hammer_object.c, called at hammer_inode.c:2859). Upstream's
 * order (spec §2.2, B-10) is: --flg->refs and flush_group = NULL, then the new flush_state (IDLE
 * for a deleted/committed record only AFTER hammer_test_inode(target); SETUP before testing owner
 * and target), and INTERLOCK_BE is cleared only after the tests. hammer_test_inode may re-flush an
 * inode and sleep in the group kmalloc (hammer_inode.c:1756, A-4), releasing the fs token: the
 * state is then quiescent while the record is still FLUSH without a group, or SETUP/IDLE with
 * INTERLOCK_BE. Only these two conditions are excused, and only while such a frame holds the
 * record; everything else stays strict.
 */
const completingRecord = (s: Sim, r: HammerRecord): boolean => worksOn(s, ['hammer_flush_record_done'], r);

export const hrecInvariants: Invariant[] = [
  {
    id: 'HREC-01',
    domain: 'hammer',
    kind: 'safety',
    statement:
      'a FLUSH record (other than the INODE record) has flush_group ≠ NULL, and either flush_group == record.ip.flush_group, or the owner is a directory and the record\'s group precedes the owner\'s current placement [Q*: not while a thread inside hammer_flush_record_done completes the record — group already cleared, state not yet set, A-4] (the directory exception is reported as a finding, A-6)',
    cite: C('2279-2292', '2369-2371', '2386-2388', '2025-2033', '2396-2410'),
    prepare: eachRecord(true, (s, _c, r) => {
      if (r.flush_state !== HAMMER_FST_FLUSH || r.type === HAMMER_MEM_RECORD_INODE) return null;
      if (r.flush_group === null) return completingRecord(s, r) ? null : 'FLUSH without a flush group';
      const ip = r.ip;
      if (!ip) return 'FLUSH without an owner';
      if (r.flush_group === ip.flush_group) return null;
      if (ip.obj_type === HAMMER_OBJTYPE_DIRECTORY && ip.flush_group !== null && r.flush_group.seq < ip.flush_group.seq) return null;
      return `FLUSH in ${nm(s, r.flush_group)} (seq ${r.flush_group.seq}) but its owner ${nm(s, ip)} is ${st(ip.flush_state)} in ${nm(s, ip.flush_group)} (seq ${seqOf(ip.flush_group)})`;
    }),
  },
  {
    id: 'HREC-02',
    domain: 'hammer',
    kind: 'transition',
    statement: 'a FLUSH record that is DELETED_FE, DELETED_BE or COMMITTED met by an owner scan (hammer_flush_inode_core without RECURSION) is in the owner\'s group, with no directory exception',
    cite: C('2264-2268', '2267'),
    prepare: onNote(['hino_core_enter'], (s, _c, d) => {
      const ip = d.ip as HammerInode;
      if (ip.flush_state !== HAMMER_FST_FLUSH || (((d.flushFlags as number) ?? 0) & HAMMER_FLUSH_RECURSION) !== 0) return null;
      for (const r of ip.rec_tree) {
        if (r.flush_state === HAMMER_FST_FLUSH && r.flags & DONE && r.flush_group !== ip.flush_group) return `${nm(s, ip)}'s scan meets ${nm(s, r)} (deleted/committed, FLUSH in ${nm(s, r.flush_group)}) outside its group ${nm(s, ip.flush_group)}`;
      }
      return null;
    }),
  },
  {
    id: 'HREC-03',
    domain: 'hammer',
    kind: 'transition',
    statement: 'when the backend syncs a FLUSH record, its group equals the owner\'s group (a mismatch is logged and the record skipped: the model flags it)',
    cite: C('2704-2711'),
    prepare: onNote(['hrec_sync'], (s, _c, d) => {
      const r = d.record as HammerRecord;
      const ip = (d.ip as HammerInode) ?? r.ip;
      const rg = at(d, 'recGroup', r.flush_state === HAMMER_FST_FLUSH ? r.flush_group : undefined);
      const ig = at(d, 'ipGroup', ip?.flush_group ?? null);
      if (rg === undefined) return null; // already completed within the step, and the note carries no group
      return rg !== ig ? `${nm(s, r)} synced in ${nm(s, rg as object | null)} while its owner ${nm(s, ip)} is in ${nm(s, ig)}` : null;
    }),
  },
  {
    id: 'HREC-04',
    domain: 'hammer',
    kind: 'safety',
    statement: 'IDLE record ⇒ target_ip == NULL; SETUP record ⇒ target_ip ≠ NULL and the target is not IDLE [Q]',
    cite: C('2288', '2305-2306', '1559-1560'),
    prepare: eachRecord(true, (s, _c, r) => {
      if (r.flush_state === HAMMER_FST_IDLE && r.target_ip !== null) return `IDLE with target ${nm(s, r.target_ip)}`;
      if (r.flush_state === HAMMER_FST_SETUP) {
        if (r.target_ip === null) return 'SETUP without a target';
        if (r.target_ip.flush_state === HAMMER_FST_IDLE) return `SETUP with an IDLE target ${nm(s, r.target_ip)}`;
      }
      return null;
    }),
  },
  {
    id: 'HREC-05',
    domain: 'hammer',
    kind: 'safety',
    statement: 'rec.target_ip == T exactly when rec is in T.target_list; a record in any target_list is SETUP or FLUSH [Q]',
    cite: C('1888', '1927', '1968', '2007', '1556-1558', '2931-2933'),
    prepare: state(true, (s, c) => {
      for (const t of loaded(c)) {
        for (const r of t.target_list) {
          if (r.target_ip !== t) return `${nm(s, r)} is in the target_list of ${nm(s, t)} but its target_ip is ${nm(s, r.target_ip)}`;
          if (r.flush_state !== HAMMER_FST_SETUP && r.flush_state !== HAMMER_FST_FLUSH) return `${nm(s, r)} is in the target_list of ${nm(s, t)} in state ${st(r.flush_state)}`;
        }
      }
      for (const r of liveRecords(c)) if (r.target_ip && !r.target_ip.target_list.includes(r)) return `${nm(s, r)} targets ${nm(s, r.target_ip)} but is not in its target_list`;
      return null;
    }),
  },
  {
    id: 'HREC-06',
    domain: 'hammer',
    kind: 'safety',
    statement: 'a FLUSH record holds exactly one reference for its state; a non-FLUSH record in a rec_tree holds none [Q; a record a thread holds in a local may carry that thread\'s transient reference]',
    cite: C('2034', '2292', '2372', '2389', '1563-1567', '3159-3160'),
    prepare: state(true, (s, c) => {
      for (const ip of loaded(c)) {
        for (const r of ip.rec_tree) {
          const flush = r.flush_state === HAMMER_FST_FLUSH ? 1 : 0;
          if (r.lock_refs < flush) return `${nm(s, r)}: ${st(r.flush_state)} with ${r.lock_refs} reference(s)`;
          if (r.lock_refs !== flush && !heldInFrame(s, r)) return `${nm(s, r)}: ${st(r.flush_state)} with ${r.lock_refs} reference(s), ${flush} expected`;
        }
      }
      return null;
    }),
  },
  {
    id: 'HREC-07',
    domain: 'hammer',
    kind: 'safety',
    statement: 'INTERLOCK_BE ⇒ FLUSH and the backend is inside that record\'s sync (hammer_sync_record_callback, or hammer_update_inode for the INODE record) [Q*: while a thread inside hammer_flush_record_done completes the record, the new state is set before INTERLOCK_BE is cleared, A-4]',
    cite: C('2721-2722', '1292-1298', '1335'),
    prepare: eachRecord(true, (s, _c, r) => {
      if ((r.flags & HAMMER_RECF_INTERLOCK_BE) === 0) return null;
      if (r.flush_state !== HAMMER_FST_FLUSH) return completingRecord(s, r) ? null : `INTERLOCK_BE on a ${st(r.flush_state)} record`;
      return worksOn(s, ['hammer_sync_record_callback', 'hammer_update_inode', 'hammer_flush_record_done'], r) ? null : 'INTERLOCK_BE set outside the backend sync of the record';
    }),
  },
  {
    id: 'HREC-08',
    domain: 'hammer',
    kind: 'transition',
    statement: 'DELETED_FE is never newly set on a record that has INTERLOCK_BE',
    cite: C('2255-2258', '2714-2715', '1092-1099'),
    prepare: onNote(['hrec_fe_set'], (s, _c, d) => {
      const r = d.record as HammerRecord;
      return at(d, 'flags', r.flags) & HAMMER_RECF_INTERLOCK_BE ? `DELETED_FE set on ${nm(s, r)} while the backend holds INTERLOCK_BE` : null;
    }),
  },
  {
    id: 'HREC-09',
    domain: 'hammer',
    kind: 'safety',
    statement: 'CONVERT_DELETE ⇒ ADD, DELETED_FE and INTERLOCK_BE; it is clear outside the record\'s sync window [Q]',
    cite: C('2793-2799', '2854'),
    prepare: eachRecord(true, (s, _c, r) => {
      if ((r.flags & HAMMER_RECF_CONVERT_DELETE) === 0) return null;
      if (r.type !== HAMMER_MEM_RECORD_ADD || (r.flags & (FE | HAMMER_RECF_INTERLOCK_BE)) !== (FE | HAMMER_RECF_INTERLOCK_BE)) return `CONVERT_DELETE on a type-${r.type} record with flags 0x${r.flags.toString(16)}`;
      return worksOn(s, ['hammer_sync_record_callback', 'hammer_flush_record_done'], r) ? null : 'CONVERT_DELETE set outside the record\'s sync';
    }),
  },
  {
    id: 'HREC-10',
    domain: 'hammer',
    kind: 'safety',
    statement: 'REDO ⇒ type DATA (every live record, and at the backend sync)',
    cite: C('2834-2835'),
    prepare: both(
      eachRecord(false, (_s, _c, r) => (r.flags & HAMMER_RECF_REDO && r.type !== HAMMER_MEM_RECORD_DATA ? `REDO on a type-${r.type} record` : null)),
      onNote(['hrec_sync'], (s, _c, d) => {
        const r = d.record as HammerRecord;
        return r.flags & HAMMER_RECF_REDO && r.type !== HAMMER_MEM_RECORD_DATA ? `${nm(s, r)}: REDO on a type-${r.type} record reaches the backend` : null;
      }),
    ),
  },
  {
    id: 'HREC-11',
    domain: 'hammer',
    kind: 'safety',
    statement: 'a DEL record is never DELETED_FE (every live record, and at the backend sync)',
    cite: C('2784-2785', '2805'),
    prepare: both(
      eachRecord(false, (_s, _c, r) => (r.type === HAMMER_MEM_RECORD_DEL && r.flags & FE ? 'a DEL record with DELETED_FE' : null)),
      onNote(['hrec_sync'], (s, _c, d) => {
        const r = d.record as HammerRecord;
        return r.type === HAMMER_MEM_RECORD_DEL && at(d, 'flags', r.flags) & FE ? `${nm(s, r)}: a DEL record with DELETED_FE reaches the backend` : null;
      }),
    ),
  },
  {
    id: 'HREC-12',
    domain: 'hammer',
    kind: 'transition',
    statement: 'while the owner\'s sync_flags holds DELETING, no live ADD or INODE record of the owner reaches the backend sync',
    cite: C('2741-2767', '2761', '2765', '768-771'),
    prepare: onNote(['hrec_sync'], (s, _c, d) => {
      const r = d.record as HammerRecord;
      const ip = (d.ip as HammerInode) ?? r.ip;
      if (!ip || (at(d, 'syncFlags', ip.sync_flags) & HAMMER_INODE_DELETING) === 0) return null;
      const flags = at(d, 'flags', r.flags);
      if (r.type === HAMMER_MEM_RECORD_INODE) return `an INODE record (${nm(s, r)}) of ${nm(s, ip)} reaches the backend sync`;
      if (r.type === HAMMER_MEM_RECORD_ADD && (flags & DONE) === 0) return `live ADD ${nm(s, r)} of ${nm(s, ip)} reaches the backend sync while ${nm(s, ip)} is being deleted`;
      return null;
    }),
  },
  {
    id: 'HREC-13',
    domain: 'hammer',
    kind: 'safety',
    statement: 'a record in T.target_list that is not FLUSH in T\'s group and not DELETED_FE is not DELETED_BE [Q, outside record-completion windows]',
    cite: C('2942', '2936-2952'),
    prepare: state(true, (s, c) => {
      for (const t of loaded(c)) {
        for (const r of t.target_list) {
          const inGroup = r.flush_state === HAMMER_FST_FLUSH && r.flush_group !== null && r.flush_group === t.flush_group;
          if (inGroup || r.flags & FE || (r.flags & BE) === 0) continue;
          if (heldInFrame(s, r)) continue;
          return `${nm(s, r)} in the target_list of ${nm(s, t)} is DELETED_BE (not FE, not FLUSH in ${nm(s, t)}'s group)`;
        }
      }
      return null;
    }),
  },
  {
    id: 'HREC-14',
    domain: 'hammer',
    kind: 'transition',
    statement: 'no record ever joins a running group (inodes: HFLG-02)',
    cite: C('2215', '1747', '2279-2280', '2025'),
    prepare: onNote(['hrec_join'], (s, _c, d) => {
      const g = d.flg as HammerFlushGroup;
      return at(d, 'running', g.running) ? `${nm(s, d.record as object)} joins the running group ${nm(s, g)}` : null;
    }),
  },
  {
    id: 'HREC-15',
    domain: 'hammer',
    kind: 'safety',
    statement: 'the INODE record is never in any rec_tree or target_list, never counted in any flg.refs (no flush group), and is FLUSH only inside hammer_update_inode [Q]',
    cite: C('1290-1298', '1330-1338', '2765'),
    prepare: state(true, (s, c) => {
      for (const ip of loaded(c)) {
        for (const r of ip.rec_tree) if (r.type === HAMMER_MEM_RECORD_INODE) return `INODE record ${nm(s, r)} in the rec_tree of ${nm(s, ip)}`;
        for (const r of ip.target_list) if (r.type === HAMMER_MEM_RECORD_INODE) return `INODE record ${nm(s, r)} in the target_list of ${nm(s, ip)}`;
      }
      for (const r of c.records) {
        if (!r.g_allocated || r.type !== HAMMER_MEM_RECORD_INODE) continue;
        if (r.flush_group !== null) return `INODE record ${nm(s, r)} in flush group ${nm(s, r.flush_group)}`;
        if (r.flush_state === HAMMER_FST_FLUSH && !worksOn(s, ['hammer_update_inode'], r)) return `INODE record ${nm(s, r)} FLUSH outside hammer_update_inode`;
      }
      return null;
    }),
  },
  {
    id: 'HREC-16',
    domain: 'hammer',
    kind: 'transition',
    statement: 'when an inode leaves its group (hammer_inode.c:2611), none of its records is still FLUSH in that group',
    cite: C('2611', '3046-3053', '2893-2894'),
    prepare: onNote(['hino_leave_group'], (s, _c, d) => {
      const ip = d.ip as HammerInode;
      const g = d.flg as HammerFlushGroup;
      const r = ip.rec_tree.find((x) => x.flush_state === HAMMER_FST_FLUSH && x.flush_group === g);
      return r ? `${nm(s, ip)} leaves ${nm(s, g)} with ${nm(s, r)} still FLUSH in it` : null;
    }),
  },
  {
    id: 'HREC-17',
    domain: 'hammer',
    kind: 'safety',
    statement: 'a FLUSH ADD or DEL record with target T has T ≠ IDLE [Q] (weak form; the design-intent strong form "T is FLUSH in the same group or S-W after a fallback" is a diagnostic, A-15)',
    cite: C('2369-2374', '2386-2391', '2031-2034', '1807-1813', '2143-2172'),
    prepare: eachRecord(true, (s, _c, r) => {
      if (r.flush_state !== HAMMER_FST_FLUSH || (r.type !== HAMMER_MEM_RECORD_ADD && r.type !== HAMMER_MEM_RECORD_DEL) || !r.target_ip) return null;
      return r.target_ip.flush_state === HAMMER_FST_IDLE ? `FLUSH directory-entry record whose target ${nm(s, r.target_ip)} is IDLE` : null;
    }),
  },
];

export const hflgInvariants: Invariant[] = [
  {
    id: 'HFLG-01',
    domain: 'hammer',
    kind: 'safety',
    statement: 'g.refs == #(records with flush_state FLUSH and flush_group == g), excluding INODE records [Q]',
    cite: C('2033', '2291', '2371', '2388', '1564', '1586'),
    prepare: state(true, (s, c) => {
      const recs = liveRecords(c);
      for (const g of c.groups) {
        if (!liveGroup(g)) continue;
        const n = recs.filter((r) => r.flush_state === HAMMER_FST_FLUSH && r.flush_group === g && r.type !== HAMMER_MEM_RECORD_INODE).length;
        if (g.refs !== n) return `${nm(s, g)}: refs ${g.refs} but ${n} FLUSH record(s) in it`;
      }
      return null;
    }),
  },
  {
    id: 'HFLG-02',
    domain: 'hammer',
    kind: 'transition',
    statement: 'a running group receives no new inodes (flush_tree insert at hammer_inode.c:2216)',
    cite: C('1747', '2215', '2216'),
    prepare: onNote(['hflg_insert'], (s, _c, d) => {
      const g = d.flg as HammerFlushGroup;
      return at(d, 'running', g.running) ? `${nm(s, d.ip as object)} inserted into the running group ${nm(s, g)}` : null;
    }),
  },
  {
    id: 'HFLG-03',
    domain: 'hammer',
    kind: 'safety',
    statement: 'fill_flush_group is NULL or a listed, non-running group located after the running group (if any) [Q]',
    cite: C('1739-1741', '1746-1747', '1760-1761'),
    prepare: eachMount(true, (s, _c, hmp) => {
      const f = hmp.fill_flush_group;
      if (f === null) return null;
      const i = hmp.flush_group_list.indexOf(f);
      if (i < 0) return `fill_flush_group ${nm(s, f)} is not in flush_group_list`;
      if (f.running) return `fill_flush_group ${nm(s, f)} is running`;
      const r = hmp.flush_group_list.findIndex((g) => g.running);
      if (r > i) return `fill_flush_group ${nm(s, f)} precedes the running group ${nm(s, hmp.flush_group_list[r])}`;
      return null;
    }),
  },
  {
    id: 'HFLG-04',
    domain: 'hammer',
    kind: 'safety',
    statement: 'closed groups form a prefix of flush_group_list; next_flush_group is the first open group, or NULL if none [Q]',
    cite: C('1743', '1758-1759'),
    prepare: eachMount(true, (s, _c, hmp) => {
      const l = hmp.flush_group_list;
      const first = l.findIndex((g) => !g.closed);
      if (first >= 0) {
        const late = l.slice(first).find((g) => g.closed);
        if (late) return `closed ${nm(s, late)} follows the open ${nm(s, l[first])}`;
      }
      const want = first >= 0 ? l[first] : null;
      return hmp.next_flush_group !== want ? `next_flush_group is ${nm(s, hmp.next_flush_group)}, the first open group is ${nm(s, want)}` : null;
    }),
  },
  {
    id: 'HFLG-05',
    domain: 'hammer',
    kind: 'safety',
    statement: 'seq strictly increases along flush_group_list',
    cite: C('1757', '1763'),
    prepare: eachMount(false, (s, _c, hmp) => {
      const l = hmp.flush_group_list;
      for (let i = 1; i < l.length; i++) if (l[i].seq <= l[i - 1].seq) return `${nm(s, l[i])} (seq ${l[i].seq}) follows ${nm(s, l[i - 1])} (seq ${l[i - 1].seq})`;
      return null;
    }),
  },
  {
    id: 'HFLG-06',
    domain: 'hammer',
    kind: 'safety',
    statement: 'flusher.group_lock == 0 in quiescent states [Q], and no group is started while it is positive [T]',
    cite: C('2078', '2169-2170', '2217-2218', '2069-2070'),
    prepare: both(
      eachMount(true, (_s, _c, hmp) => (hmp.flusher_group_lock !== 0 ? `group_lock ${hmp.flusher_group_lock} at a quiescent state` : null)),
      onNote(['hflg_start'], (s, _c, d) => ((d.groupLock as number) !== 0 ? `the flusher starts ${nm(s, d.flg as object)} with group_lock ${d.groupLock}` : null)),
    ),
  },
  {
    id: 'HFLG-07',
    domain: 'hammer',
    kind: 'safety',
    statement: 'g.total_count (net inode placements into g) ≥ the current size of g.flush_tree [Q]',
    cite: C('2081', '2148', '2216', '2611'),
    prepare: state(true, (s, c) => {
      for (const g of c.groups) if (liveGroup(g) && g.total_count < g.flush_tree.length) return `${nm(s, g)}: total_count ${g.total_count} < ${g.flush_tree.length} member(s)`;
      return null;
    }),
  },
  {
    id: 'HFLG-08',
    domain: 'hammer',
    kind: 'transition',
    statement: 'a group is freed only when its flush_tree is empty and refs == 0',
    cite: C('2597-2604'),
    prepare: onNote(['hflg_free'], (s, _c, d) => {
      const g = d.flg as HammerFlushGroup;
      const n = at(d, 'members', g.flush_tree.length);
      const refs = at(d, 'refs', g.refs);
      return n !== 0 || refs !== 0 ? `${nm(s, g)} freed with ${n} member(s) and refs ${refs}` : null;
    }),
  },
  {
    id: 'HFLG-09',
    domain: 'hammer',
    kind: 'safety',
    statement: 'no inode\'s flush_group (or flush_tree link) and no record\'s flush_group points at a group that is not in flush_group_list [Q]',
    cite: C('2472', '2611', '2597-2604'),
    prepare: state(true, (s, c) => {
      const listed = (g: HammerFlushGroup): boolean => liveGroup(g) && c.mounts.some((m) => m.flush_group_list.includes(g));
      for (const ip of loaded(c)) {
        if (ip.flush_group && !listed(ip.flush_group)) return `${nm(s, ip)}: flush_group ${nm(s, ip.flush_group)} is not a listed group`;
        if (ip.rb_flsnode && !listed(ip.rb_flsnode)) return `${nm(s, ip)}: linked into the flush_tree of ${nm(s, ip.rb_flsnode)}, not a listed group`;
      }
      for (const r of liveRecords(c)) if (r.flush_group && !listed(r.flush_group)) return `${nm(s, r)}: flush_group ${nm(s, r.flush_group)} is not a listed group`;
      return null;
    }),
  },
  {
    id: 'HFLG-10',
    domain: 'hammer',
    kind: 'transition',
    statement: 'hammer_flush_inode places inodes in the fill group only if, at selection, total_count + refs ≤ undo_rec_limit and total_count ≤ hammer_autoflush',
    cite: C('1748-1749', '2348-2361'),
    prepare: onNote(['hflg_select'], (s, c, d) => {
      const g = d.flg as HammerFlushGroup;
      const hmp = mountOfGroup(c, g);
      const total = d.total as number;
      const refs = d.refs as number;
      if (hmp && total + refs > hmp.undo_rec_limit) return `${nm(s, g)} kept as the fill group with total_count ${total} + refs ${refs} > undo_rec_limit ${hmp.undo_rec_limit}`;
      if (c.g && total > c.g.hammer_autoflush) return `${nm(s, g)} kept as the fill group with total_count ${total} > hammer_autoflush ${c.g.hammer_autoflush}`;
      return null;
    }),
  },
  {
    id: 'HFLG-11',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'every closed group eventually runs and is freed: none is left at the end of the workload',
    cite: C('2471-2482', '1753'),
    prepare: atEnd((s, _c, hmp) => {
      const g = hmp.flush_group_list.find((x) => x.closed);
      return g ? `${nm(s, g)} is closed but was never run to completion` : null;
    }),
  },
  {
    id: 'HFLG-12',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'every group with members is eventually closed: no open group with members is left at the end of the workload',
    cite: C('2224-2229', '2479'),
    prepare: atEnd((s, _c, hmp) => {
      const g = hmp.flush_group_list.find((x) => !x.closed && x.flush_tree.length > 0);
      return g ? `${nm(s, g)} has ${g.flush_tree.length} member(s) (${nm(s, g.flush_tree[0])}) and was never closed` : null;
    }),
  },
  {
    id: 'HFLG-13',
    domain: 'hammer',
    kind: 'liveness',
    statement:
      'the WOULDBLOCK re-runs of a group terminate: at the end of every flusher pass no member still has WOULDBLOCK (completion clears it on the path that keeps the inode FLUSH), and no group is left running at the end of the workload',
    cite: C('2595-2606'),
    prepare: both(
      onNote(['hmed_commit'], (s, c, d) => {
        const hmp = (d.hmp as HammerMount) ?? c.mounts[0];
        for (const ip of inodesOf(c, hmp)) if (ip.flush_state === HAMMER_FST_FLUSH && ip.flags & HAMMER_INODE_WOULDBLOCK) return `${nm(s, ip)} ends a flusher pass of ${nm(s, ip.flush_group)} with WOULDBLOCK still set: the group re-runs forever`;
        return null;
      }),
      atEnd((s, _c, hmp) => {
        const g = hmp.flush_group_list.find((x) => x.running);
        return g ? `${nm(s, g)} is still running` : null;
      }),
    ),
  },
];

export const hrclInvariants: Invariant[] = [
  {
    id: 'HRCL-01',
    domain: 'hammer',
    kind: 'safety',
    statement: 'every queued reclaim waiter has count > 0; a waiter is queued at most once and is queued exactly when it is on reclaim_list [Q]',
    cite: C('3311-3316', '3361-3365', '3312'),
    prepare: state(true, (s, c) => {
      for (const hmp of c.mounts) {
        const l = hmp.reclaim_list;
        for (let i = 0; i < l.length; i++) {
          if (l.indexOf(l[i]) !== i) return `${nm(s, l[i])} is queued twice on ${nm(s, hmp)}'s reclaim_list`;
          if (l[i].count <= 0) return `queued reclaim waiter ${nm(s, l[i])} has count ${l[i].count}`;
          if (!l[i].g_queued) return `${nm(s, l[i])} is on the reclaim_list but not marked queued`;
        }
      }
      for (const r of c.reclaims) if (r.g_queued && !c.mounts.some((m) => m.reclaim_list.includes(r))) return `${nm(s, r)} is marked queued but is on no reclaim_list`;
      return null;
    }),
  },
  {
    id: 'HRCL-02',
    domain: 'hammer',
    kind: 'liveness',
    statement: 'a thread in hammer_inode_waitreclaims returns within hz ticks (checked as no deadlock with a waiter there)',
    cite: C('3363', '3360-3366'),
    blockedIn: ['hammer_inode_waitreclaims'],
  },
];

export const hmedInvariants: Invariant[] = [
  {
    id: 'HMED-01',
    domain: 'hammer',
    kind: 'transition',
    statement: 'at every final commit point (end of a flusher pass), every committed directory entry refers to an inode that is on media and not deleted',
    cite: C('1985-1990', '2026-2030', '2308-2317', '3073-3080'),
    prepare: mediaCheck((s, c) => {
      const ids = byObjId(c);
      for (const d of c.all) {
        for (const child of d.m_dirents) {
          const ip = ids.get(child);
          if (!ip) return `the committed entry ${child} of ${nm(s, d)} names no inode the scenario knows`;
          if (!onMedia(ip)) return `the committed entry of ${nm(s, d)} names ${nm(s, ip)}, which is ${ip.m_deleted ? 'deleted' : 'not'} on the media`;
        }
      }
      return null;
    }),
  },
  {
    id: 'HMED-02',
    domain: 'hammer',
    kind: 'transition',
    statement: 'at every final commit point, the on-media nlinks of each inode on media equals the number of committed entries that refer to it (plus the implicit link of the PFS root)',
    cite: C('2900-2963'),
    prepare: mediaCheck((s, c) => {
      const count = new Map<number, number>();
      for (const d of c.all) for (const child of d.m_dirents) count.set(child, (count.get(child) ?? 0) + 1);
      for (const ip of c.all) {
        if (!onMedia(ip)) continue;
        const want = (count.get(ip.obj_id) ?? 0) + (ip.obj_id === HAMMER_OBJID_ROOT ? 1 : 0);
        if (ip.m_nlinks !== want) return `${nm(s, ip)}: on-media nlinks ${ip.m_nlinks} but ${want} committed link(s)`;
      }
      return null;
    }),
  },
  {
    id: 'HMED-03',
    domain: 'hammer',
    kind: 'transition',
    statement: 'at every final commit point, a DELETED inode (deleted on the media, or DELETED in memory) has no committed directory entries naming it, and a deleted directory has none left in it',
    cite: C('3081-3092', '2768-2772'),
    prepare: mediaCheck((s, c) => {
      const ids = byObjId(c);
      for (const d of c.all) {
        if ((d.m_deleted || (d.g_loaded && d.flags & HAMMER_INODE_DELETED)) && d.m_dirents.length > 0) return `deleted directory ${nm(s, d)} still has ${d.m_dirents.length} committed entr${d.m_dirents.length === 1 ? 'y' : 'ies'}`;
        for (const child of d.m_dirents) {
          const ip = ids.get(child);
          if (ip && (ip.m_deleted || (ip.g_loaded && ip.flags & HAMMER_INODE_DELETED))) return `the committed entry of ${nm(s, d)} names the deleted ${nm(s, ip)}`;
        }
      }
      return null;
    }),
  },
];
