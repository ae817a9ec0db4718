/**
 * UVN / UPG / UDUR / ENV: the vnode-pager catalog (spec/uvm_vnode.md §5) over the state of the
 * uvn scenarios — each struct uvm_vnode with its ghosts (impl/kernel/uvm_vnode_state.ts), the page
 * pool (impl/env/uvm.ts), the vnodes (impl/env/ovnode.ts) and where every thread is (the uvm_vnode.c
 * line of its innermost seed frame; invariants/uvn-common.ts).
 *
 * Evaluation points (§5.0): [A] invariants are checked after every step; [Q] ones only when U is
 * quiescent (nobody holds U's lock or the page-queue lock, no thread inside attach's KL-only
 * sections); transition ones read the notes the step produced (impl/kernel/uvm_vnode.ts,
 * impl/env/uvm.ts, impl/env/ovnode.ts) or the primitive a thread is about to run. Liveness items
 * (UVN-17(b), UVN-18, UVN-32, UPG-03) are a safety part plus deadlock attribution (blockedIn with
 * a blockedWhen refinement, so that a deadlock with another cause — F13 — keeps SIM-01).
 *
 * Known findings of the unmodified seed (Appendix A) that these report in hazard scenarios only:
 * F1 (UVN-25, UVN-04, UVN-12), F16 (UVN-07, UVN-08), F3 (UVN-18/UVN-19; the DEBUG panics :483/:486
 * come first), F4 (UVN-17(b)), F9 (UVN-22b, domain 'uvn-strict': UVN-22 itself exempts the leak).
 *
 * ENV ids: the environment's own panics use ids 'ENV-01' (vref of an unused vnode), 'ENV-02'
 * (VOP_UNLOCK by a non-holder) and 'ENV-06' (vrele underflow); the catalog entries of those ids
 * check the same contracts one step earlier or more generally, so a violation has the same id
 * whichever fires.
 */
import type { Sim, Thread, Note } from '../impl/sim/kernel.ts';
import type { UvmVnode } from '../impl/kernel/uvm_vnode_state.ts';
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
  uvnFlagNames,
} from '../impl/kernel/uvm_vnode_state.ts';
import {
  PAGE_SIZE,
  PG_BUSY,
  PG_WANTED,
  PG_CLEAN,
  PG_RELEASED,
  PG_FAKE,
  PQ_FREE,
  MAPPING_WRITE,
  OWNER_NONE,
  OWNER_CLIENT,
  OWNER_PAGEOUT,
  OWNER_AIO,
  PGO_CLEANIT,
  PGO_SYNCIO,
  PGO_FREE,
  PGO_NOWAIT,
  VM_PAGER_AGAIN,
  type UvmPage,
} from '../impl/env/uvm.ts';
import { VXLOCK } from '../impl/env/ovnode.ts';
import { EBUSY } from '../impl/sim/errno.ts';
import type { Invariant, PreparedCheck } from './types.ts';
import {
  uvnCtx,
  type UvnCtx,
  line,
  local,
  siteText,
  frameOf,
  frameIn,
  framesOf,
  frameUvn,
  framesOn,
  countAt,
  pagesOf,
  quiescent,
  syncHolds,
  uncacheHolds,
  teardownOwners,
  attachOwners,
  holdsKL,
  stepper,
} from './uvn-common.ts';

// ------------------------------------------------------------------------------- builders

type UvnWhat = (sim: Sim, c: UvnCtx, uvn: UvmVnode) => string | null;

/** A safety check over every uvn; `q` restricts it to states where that uvn is quiescent ([Q]). */
function eachUvn(q: boolean, what: UvnWhat): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const c = uvnCtx(sim);
    if (!c) return null;
    return (s) => {
      for (const uvn of c.uvns) {
        if (q && !quiescent(s, c, uvn)) continue;
        const m = what(s, c, uvn);
        if (m) return `${s.world.nameOf(uvn)}: ${m}`;
      }
      return null;
    };
  };
}

type NoteWhat = (sim: Sim, c: UvnCtx, d: Record<string, unknown>, t: Thread, n: Note) => string | null;

/** A transition check on the notes of the given kinds. */
function onNote(kinds: string[], what: NoteWhat): (sim: Sim) => PreparedCheck | null {
  return (sim) => {
    const c = uvnCtx(sim);
    if (!c) return null;
    return (s, notes) => {
      for (const n of notes) {
        if (!kinds.includes(n.kind)) continue;
        const m = what(s, c, n.data, n.thread, n);
        if (m) return m;
      }
      return null;
    };
  };
}

const F = (uvn: UvmVnode): string => uvnFlagNames(uvn.u_flags);
const has = (uvn: UvmVnode, bits: number): boolean => (uvn.u_flags & bits) !== 0;
const nm = (sim: Sim, o: object | null | undefined): string => (o ? sim.world.nameOf(o) : 'nobody');
const lockHeldBy = (uvn: UvmVnode, t: Thread | null): boolean => t !== null && uvn.u_obj.vmobjlock.rwl_owner === t;
const ownerAlive = (p: UvmPage): boolean => p.g_owner !== null && !p.g_owner.done;
/** A busy page of U whose I/O was handed to aiodone: some aiodone thread for U has not finished. */
function aioPending(sim: Sim, c: UvnCtx, uvn: UvmVnode): number {
  let n = 0;
  for (const x of framesOn(sim, c, uvn, 'uvn_aiodone')) if (x) n++;
  return n;
}
/** uvn_io frames of U that have been admitted (:1188) and not re-taken the lock (:1276), or handed their write to aiodone. */
function ioInFlight(sim: Sim, c: UvnCtx, uvn: UvmVnode): number {
  let n = 0;
  for (const [, f] of framesOn(sim, c, uvn, 'uvn_io')) {
    const at = line(f);
    if ((at >= 1189 && at <= 1277) || siteText(f).includes('uvn_io_async')) n++; // §5: pc after :1188 and up to :1277 (a thread suspended at :1277 has not decremented yet)
  }
  return n;
}
const off2blk = (off: number): number => Math.floor(off / PAGE_SIZE);

const PROT_BLOCKING_CALLS = new Set(['VOP_GETATTR', 'VOP_RDWR', 'vn_lock', 'vn_lock_sleep', 'vn_xlock_sleep', 'VOP_UNLOCK', 'VOP_LOCK(LK_DRAIN)', 'getnewvnode', 'vget']);
const KL_ONLY_EVENTS = new Set(['UVN_ATTACH_WAIT', 'UVN_WLIST_INSERT', 'UVN_ATTACH', 'UVN_ATTACH_DONE', 'UVN_ATTACH_FAIL', 'UVN_SYNC_REF']);
/** §5.1 UVN-28's KL-only sections: :149, :175-180, the attach owner's :194-257, sync's step 2 :1489-1491. */
const UNLOCKED_RANGES: [number, number][] = [[149, 149], [175, 180], [194, 257], [1489, 1491]];
function unlockedSiteOk(site: string): boolean {
  const m = /uvm_vnode\.c:(\d+)/.exec(site);
  const n = m ? Number(m[1]) : -1;
  return UNLOCKED_RANGES.some(([lo, hi]) => n >= lo && n <= hi);
}

// ------------------------------------------------------------------------------- UVN (§5.1)

const uvnCatalog: Invariant[] = [
  {
    id: 'UVN-01',
    domain: 'uvn',
    kind: 'safety',
    statement: 'ALOCK and VALID are never both set [A]',
    cite: ['uvm_vnode.c:194', 'uvm_vnode.c:238', 'uvm_vnode.c:432-435'],
    prepare: eachUvn(false, (_s, _c, uvn) => (has(uvn, UVM_VNODE_ALOCK) && has(uvn, UVM_VNODE_VALID) ? `ALOCK and VALID both set (${F(uvn)})` : null)),
  },
  {
    id: 'UVN-02',
    domain: 'uvn',
    kind: 'safety',
    statement: 'a uvn without VALID has the flag word 0, ALOCK or ALOCK|WANTED [Q]',
    cite: ['uvm_vnode.c:194', 'uvm_vnode.c:221', 'uvm_vnode.c:238', 'uvm_vnode.c:378', 'uvm_vnode.c:523', 'uvm_vnode.c:148-149'],
    prepare: eachUvn(true, (_s, _c, uvn) => {
      if (has(uvn, UVM_VNODE_VALID)) return null;
      const f = uvn.u_flags;
      return f === 0 || f === UVM_VNODE_ALOCK || f === (UVM_VNODE_ALOCK | UVM_VNODE_WANTED) ? null : `VALID clear but flags are ${F(uvn)}`;
    }),
  },
  {
    id: 'UVN-03',
    domain: 'uvn',
    kind: 'safety',
    statement: 'ALOCK implies exactly one attach owner (a uvn_attach between :194 and :221/:238, in its size query), refs == 0, npages == 0, u_nio == 0 and not on uvn_wlist [A]',
    cite: ['uvm_vnode.c:235', 'uvm_vnode.c:186-194', 'uvm_vnode.c:218-222'],
    prepare: eachUvn(false, (s, c, uvn) => {
      if (!has(uvn, UVM_VNODE_ALOCK)) return null;
      const o = attachOwners(s, c, uvn);
      if (o.length !== 1) return `ALOCK set with ${o.length} attach owners${o.length ? ` (${o.map((t) => t.name).join(', ')})` : ''}`;
      if (uvn.u_obj.uo_refs !== 0 || uvn.u_obj.uo_npages !== 0 || uvn.u_nio !== 0) return `ALOCK set with refs ${uvn.u_obj.uo_refs}, npages ${uvn.u_obj.uo_npages}, u_nio ${uvn.u_nio}`;
      if (uvn.g_onWriteableList) return 'ALOCK set while on uvn_wlist';
      return null;
    }),
  },
  {
    id: 'UVN-04',
    domain: 'uvn',
    kind: 'safety',
    statement: 'refs > 0 implies VALID [Q] (violated through F1)',
    cite: ['uvm_vnode.c:165-171', 'uvm_vnode.c:236-238', 'uvm_vnode.c:280-284', 'uvm_vnode.c:505-511', 'uvm_vnode.c:308-312'],
    prepare: eachUvn(true, (_s, _c, uvn) => (uvn.u_obj.uo_refs > 0 && !has(uvn, UVM_VNODE_VALID) ? `refs ${uvn.u_obj.uo_refs} but VALID clear (${F(uvn)})` : null)),
  },
  {
    id: 'UVN-05',
    domain: 'uvn',
    kind: 'safety',
    statement: 'RELKILL implies refs == 0 [Q]',
    cite: ['uvm_vnode.c:452-453', 'uvm_vnode.c:308', 'uvm_vnode.c:356', 'uvm_vnode.c:148', 'uvm_vnode.c:1345-1346', 'uvm_vnode.c:1482'],
    prepare: eachUvn(true, (_s, _c, uvn) => (has(uvn, UVM_VNODE_RELKILL) && uvn.u_obj.uo_refs !== 0 ? `RELKILL with refs ${uvn.u_obj.uo_refs}` : null)),
  },
  {
    id: 'UVN-06',
    domain: 'uvn',
    kind: 'safety',
    statement: 'RELKILL implies DYING and VALID, and at most one uvn_detach is in the RELKILL wait (:358-362) [Q]',
    cite: ['uvm_vnode.c:335', 'uvm_vnode.c:356', 'uvm_vnode.c:455-456', 'uvm_vnode.c:470'],
    prepare: eachUvn(true, (s, c, uvn) => {
      if (!has(uvn, UVM_VNODE_RELKILL)) return null;
      if (!has(uvn, UVM_VNODE_DYING) || !has(uvn, UVM_VNODE_VALID)) return `RELKILL without DYING and VALID (${F(uvn)})`;
      const n = countAt(s, c, uvn, 'uvn_detach', [360]);
      return n > 1 ? `${n} detaches in the RELKILL wait` : null;
    }),
  },
  {
    id: 'UVN-07',
    domain: 'uvn',
    kind: 'safety',
    hazard: 'F16',
    statement: 'DYING implies VALID and an active teardown owner (uvn_detach between :335 and its kill, not a cancelled waiter; or uvm_vnp_terminate between :470 and :504); at most one owner at a time [Q] (violated through F16)',
    cite: ['uvm_vnode.c:335', 'uvm_vnode.c:338-345', 'uvm_vnode.c:410-412', 'uvm_vnode.c:470', 'uvm_vnode.c:510', 'uvm_vnode.c:523'],
    prepare: eachUvn(true, (s, c, uvn) => {
      const o = teardownOwners(s, c, uvn);
      if (o.length > 1) return `${o.length} teardown owners at once (${o.map((t) => t.name).join(', ')})`;
      if (!has(uvn, UVM_VNODE_DYING)) return null;
      if (!has(uvn, UVM_VNODE_VALID)) return `DYING without VALID (${F(uvn)})`;
      return o.length === 0 ? `DYING (${F(uvn)}) but no detach or terminate is tearing it down` : null;
    }),
  },
  {
    id: 'UVN-08',
    domain: 'uvn',
    kind: 'safety',
    hazard: 'F16',
    statement: 'while a uvm_vnp_terminate is between :470 and :504, DYING and VNISLOCKED stay set; VNISLOCKED is never set outside that window [A] (violated through F16 and by M02)',
    cite: ['uvm_vnode.c:462-470', 'uvm_vnode.c:510', 'uvm_vnode.c:523'],
    prepare: eachUvn(false, (s, c, uvn) => {
      const inside = countAt(s, c, uvn, 'uvm_vnp_terminate', [472, 494]);
      if (inside > 0 && (uvn.u_flags & (UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED)) !== (UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED)) return `a terminate is inside (:470-:504) but flags are ${F(uvn)}`;
      if (inside === 0 && has(uvn, UVM_VNODE_VNISLOCKED)) return `VNISLOCKED set with no terminate inside (${F(uvn)})`;
      return null;
    }),
  },
  {
    id: 'UVN-09',
    domain: 'uvn',
    kind: 'safety',
    statement: 'CANPERSIST implies VALID; a VALID uvn with refs == 0 and DYING clear has CANPERSIST (it persists) [Q]',
    cite: ['uvm_vnode.c:238', 'uvm_vnode.c:328-335', 'uvm_vnode.c:1355-1366', 'uvm_vnode.c:510-511'],
    prepare: eachUvn(true, (_s, _c, uvn) => {
      if (has(uvn, UVM_VNODE_CANPERSIST) && !has(uvn, UVM_VNODE_VALID)) return `CANPERSIST without VALID (${F(uvn)})`;
      if (has(uvn, UVM_VNODE_VALID) && uvn.u_obj.uo_refs === 0 && !has(uvn, UVM_VNODE_DYING) && !has(uvn, UVM_VNODE_CANPERSIST)) return `VALID, no references, not DYING, but not CANPERSIST (${F(uvn)})`;
      return null;
    }),
  },
  {
    id: 'UVN-10',
    domain: 'uvn',
    kind: 'safety',
    statement: 'WRITEABLE holds exactly when the uvn is on uvn_wlist, where it appears once [Q]',
    cite: ['uvm_vnode.c:177-179', 'uvm_vnode.c:244-245', 'uvm_vnode.c:373-374', 'uvm_vnode.c:520-521', 'uvm_vnode.c:1514-1515'],
    prepare: eachUvn(true, (_s, c, uvn) => {
      if (!c.g) return null;
      let n = 0;
      for (const x of c.g.uvn_wlist) if (x === uvn) n++;
      if (n > 1) return `on uvn_wlist ${n} times`;
      if (has(uvn, UVM_VNODE_WRITEABLE) !== (n === 1)) return `WRITEABLE ${has(uvn, UVM_VNODE_WRITEABLE) ? 'set' : 'clear'} but ${n ? '' : 'not '}on uvn_wlist`;
      if (uvn.g_onWriteableList !== (n === 1)) return `ghost g_onWriteableList ${uvn.g_onWriteableList} disagrees with uvn_wlist`;
      return null;
    }),
  },
  {
    id: 'UVN-11',
    domain: 'uvn',
    kind: 'safety',
    statement: 'WRITEABLE implies VALID: a killed uvn (flags 0) is not on uvn_wlist [Q]',
    cite: ['uvm_vnode.c:373-378', 'uvm_vnode.c:520-523', 'uvm_vnode.c:165-180', 'uvm_vnode.c:238-245'],
    prepare: eachUvn(true, (_s, c, uvn) => {
      if (has(uvn, UVM_VNODE_WRITEABLE) && !has(uvn, UVM_VNODE_VALID)) return `WRITEABLE without VALID (${F(uvn)})`;
      if (!has(uvn, UVM_VNODE_VALID) && c.g && c.g.uvn_wlist.includes(uvn)) return `not VALID (${F(uvn)}) but on uvn_wlist`;
      return null;
    }),
  },
  {
    id: 'UVN-12',
    domain: 'uvn',
    kind: 'safety',
    statement: 'a killed uvn (flags == 0) has no pages, u_nio == 0, refs == 0, and is neither on uvn_wlist nor queued on uvn_sync_q (its vnode reference: UVN-22) [Q] (violated through F1)',
    cite: ['uvm_vnode.c:376', 'uvm_vnode.c:373-378', 'uvm_vnode.c:514-523'],
    prepare: eachUvn(true, (s, c, uvn) => {
      if (uvn.u_flags !== 0) return null;
      const pages = pagesOf(c, uvn).length;
      if (uvn.u_obj.uo_npages !== 0 || pages !== 0) return `killed (flags 0) with npages ${uvn.u_obj.uo_npages} (${pages} resident)`;
      if (uvn.u_nio !== 0) return `killed with u_nio ${uvn.u_nio}`;
      if (uvn.u_obj.uo_refs !== 0) return `killed with refs ${uvn.u_obj.uo_refs}`;
      if (uvn.g_onWriteableList || (c.g && c.g.uvn_wlist.includes(uvn))) return 'killed but on uvn_wlist';
      if (syncHolds(s, c, uvn) > 0) return 'killed but queued on uvn_sync_q by a running sync';
      return null;
    }),
  },
  {
    id: 'UVN-13',
    domain: 'uvn',
    kind: 'safety',
    statement: 'u_nio >= 0 [A], and u_nio equals the number of uvn_io calls for U past :1188 and before :1277 plus the pending asynchronous writes (aiodone, §4.4) [Q]',
    cite: ['uvm_vnode.c:1188', 'uvm_vnode.c:1277', 'uvm_vnode.c:239'],
    prepare: eachUvn(false, (s, c, uvn) => {
      if (uvn.u_nio < 0) return `u_nio is ${uvn.u_nio}`;
      if (!quiescent(s, c, uvn)) return null;
      const io = ioInFlight(s, c, uvn);
      const aio = aioPending(s, c, uvn);
      return uvn.u_nio !== io + aio ? `u_nio ${uvn.u_nio} but ${io} uvn_io in flight and ${aio} pending aiodone` : null;
    }),
  },
  {
    id: 'UVN-14',
    domain: 'uvn',
    kind: 'safety',
    statement: 'u_nio is at most the number of BUSY pages of U; so u_nio > 0 implies npages > 0 [Q]',
    cite: ['uvm_vnode.c:593-594', 'uvm_vnode.c:1194-1197'],
    prepare: eachUvn(true, (_s, c, uvn) => {
      if (uvn.u_nio === 0) return null;
      const busy = pagesOf(c, uvn).filter((p) => p.pg_flags & PG_BUSY).length;
      if (uvn.u_obj.uo_npages === 0) return `u_nio ${uvn.u_nio} with no pages`;
      return uvn.u_nio > busy ? `u_nio ${uvn.u_nio} but only ${busy} busy pages` : null;
    }),
  },
  {
    id: 'UVN-15',
    domain: 'uvn',
    kind: 'safety',
    statement: 'IOSYNCWANTED implies IOSYNC [Q]',
    cite: ['uvm_vnode.c:1160-1164', 'uvm_vnode.c:852'],
    prepare: eachUvn(true, (_s, _c, uvn) => (has(uvn, UVM_VNODE_IOSYNCWANTED) && !has(uvn, UVM_VNODE_IOSYNC) ? `IOSYNCWANTED without IOSYNC (${F(uvn)})` : null)),
  },
  {
    id: 'UVN-16',
    domain: 'uvn',
    kind: 'safety',
    statement: 'a thread asleep on &u_nio implies IOSYNC, so the completing I/O will wake it [Q]',
    cite: ['uvm_vnode.c:359-360', 'uvm_vnode.c:493-494', 'uvm_vnode.c:846-847', 'uvm_vnode.c:1278-1279', 'uvm_vnode.c:852'],
    prepare: eachUvn(true, (s, _c, uvn) => {
      if (has(uvn, UVM_VNODE_IOSYNC)) return null;
      const t = s.threads.find((u) => !u.done && u.interlock === uvn.g_nioChan);
      return t ? `${t.name} sleeps on &u_nio but IOSYNC is clear (${F(uvn)}): no I/O completion will wake it` : null;
    }),
  },
  {
    id: 'UVN-17',
    domain: 'uvn',
    kind: 'liveness',
    hazard: 'F4',
    statement: '(a) a thread asleep on &u_flags implies IOSYNCWANTED and IOSYNC [Q]; (b) it is eventually woken: a deadlock with a uvn_io asleep in its IOSYNC wait (:1165) is a violation (violated after F4)',
    cite: ['uvm_vnode.c:1164-1165', 'uvm_vnode.c:850-851', 'uvm_vnode.c:510-511'],
    prepare: eachUvn(true, (s, _c, uvn) => {
      if ((uvn.u_flags & (UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED)) === (UVM_VNODE_IOSYNC | UVM_VNODE_IOSYNCWANTED)) return null;
      const t = s.threads.find((u) => !u.done && u.interlock === uvn.g_flagsChan);
      return t ? `${t.name} sleeps on &u_flags but flags are ${F(uvn)}` : null;
    }),
    blockedIn: ['uvn_io'],
    blockedWhen: (_s, t) => {
      const f = frameOf(t, 'uvn_io');
      return f !== undefined && line(f) === 1165;
    },
  },
  {
    id: 'UVN-18',
    domain: 'uvn',
    kind: 'liveness',
    hazard: 'F3',
    statement: 'a thread asleep on &u_nio implies u_nio > 0, else nothing will wake it [Q]; a deadlock with a detach (:360) or terminate (:494) asleep on &u_nio is a violation (F3; DEBUG panic :486)',
    cite: ['uvm_vnode.c:485-486', 'uvm_vnode.c:358-362', 'uvm_vnode.c:478-496', 'uvm_vnode.c:1278-1279'],
    prepare: eachUvn(true, (s, _c, uvn) => {
      if (uvn.u_nio > 0) return null;
      const t = s.threads.find((u) => !u.done && u.interlock === uvn.g_nioChan);
      return t ? `${t.name} sleeps on &u_nio with u_nio 0: nothing will wake it` : null;
    }),
    blockedIn: ['uvn_detach', 'uvm_vnp_terminate', 'uvn_flush'],
    blockedWhen: (sim, t) => {
      const c = uvnCtx(sim);
      return c !== null && c.uvns.some((uvn) => t.interlock === uvn.g_nioChan && uvn.u_nio === 0);
    },
  },
  {
    id: 'UVN-19',
    domain: 'uvn',
    kind: 'safety',
    hazard: 'F3',
    statement: 'while uvm_vnp_terminate is in its wait loop (:478-496), every resident page of U is BUSY [Q] (F3; DEBUG panic :483)',
    cite: ['uvm_vnode.c:481-484', 'uvm_vnode.c:478-496'],
    prepare: eachUvn(true, (s, c, uvn) => {
      if (countAt(s, c, uvn, 'uvm_vnp_terminate', [494]) === 0) return null;
      const p = pagesOf(c, uvn).find((x) => (x.pg_flags & PG_BUSY) === 0);
      return p ? `terminate waits in its iosync loop while ${nm(s, p)} is resident and not busy` : null;
    }),
  },
  {
    id: 'UVN-20',
    domain: 'uvn',
    kind: 'transition',
    statement: 'at a whole-word clear that frees U (:378, :523) no thread is asleep on &u_flags and the only threads asleep on &u_nio are cancelled detaches; IOSYNCWANTED is clear when terminate frees a uvn (panic :518)',
    cite: ['uvm_vnode.c:517-518', 'uvm_vnode.c:378', 'uvm_vnode.c:523'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const e of s.events) {
          if (e.event !== 'UVN_DETACH_KILL' && e.event !== 'UVN_TERMINATE_FREE') continue;
          const uvn = e.obj as UvmVnode;
          for (const t of s.threads) {
            if (t.done) continue;
            if (t.interlock === uvn.g_flagsChan) return `${s.world.nameOf(uvn)}: ${e.event} while ${t.name} sleeps on &u_flags (its wakeup at :850-851 will never come)`;
            if (t.interlock === uvn.g_nioChan && !frameIn(s, t, 'uvn_detach')) return `${s.world.nameOf(uvn)}: ${e.event} while ${t.name} (not a cancelled detach) sleeps on &u_nio`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-21',
    domain: 'uvn',
    kind: 'transition',
    statement: 'u_nio is incremented (:1188) only while IOSYNC is clear',
    cite: ['uvm_vnode.c:1160-1188'],
    prepare: onNote(['uvn_nio_inc'], (s, _c, d, t) => ((d.flags as number) & UVM_VNODE_IOSYNC ? `${t.name}: u_nio++ of ${nm(s, d.uvn as object)} while IOSYNC is set (${uvnFlagNames(d.flags as number)})` : null)),
  },
  {
    id: 'UVN-22',
    domain: 'uvn',
    kind: 'safety',
    statement:
      'the uvn holds one vnode reference exactly when refs > 0 or a uvn_detach that took refs to 0 has not yet vrele\'d it (:308-:387) [Q]. Exempt: the reference the RELKILL-cancel exit (:364-367) leaks (F9; UVN-22b reports it) — once a terminate has taken over, while that detach is a cancelled waiter or after it left, the terminated (VXLOCK or cleaned) vnode may carry that one surplus reference',
    cite: ['uvm_vnode.c:168-170', 'uvm_vnode.c:248-253', 'uvm_vnode.c:1365', 'uvm_vnode.c:1489-1490', 'uvm_vnode.c:387', 'uvm_vnode.c:514-515', 'uvm_vnode.c:364-367'],
    prepare: eachUvn(true, (s, c, uvn) => vrefCheck(s, c, uvn, false)),
  },
  {
    id: 'UVN-23',
    domain: 'uvn',
    kind: 'safety',
    statement: 'a uvn queued on uvn_sync_q by the running sync: the syncing thread holds uvn_sync_lock and one of its references, and it was not BLOCKED when queued (:1482-1491) [A]',
    cite: ['uvm_vnode.c:1462-1494', 'uvm_vnode.c:1520', 'uvm_vnode.c:1482-1483'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c || !c.g) return null;
      const g = c.g;
      return (s, notes) => {
        for (const n of notes) {
          if (n.kind === 'uvn_refs_raised' && n.data.site === 'uvm_vnode.c:1491' && (n.data.flags as number) & UVM_VNODE_BLOCKED) {
            return `${n.thread.name}: sync queued ${nm(s, n.data.uvn as object)} while it is BLOCKED (${uvnFlagNames(n.data.flags as number)})`;
          }
        }
        for (const [t, f] of framesOf(s, 'uvm_vnp_sync')) {
          if (![1498, 1504, 1517, 1520].includes(line(f))) continue;
          if (g.uvn_sync_lock.rwl_owner !== t) return `${t.name} works on uvn_sync_q without uvn_sync_lock`;
          for (const uvn of c.uvns) if (syncHolds(s, c, uvn) > 0 && uvn.u_obj.uo_refs < 1) return `${s.world.nameOf(uvn)} is queued by ${t.name} with refs ${uvn.u_obj.uo_refs}`;
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-24',
    domain: 'uvn',
    kind: 'transition',
    statement: 'refs never goes below 0; uvn_reference is entered with refs >= 1 (the caller owns one, so it raises refs to >= 2)',
    cite: ['uvm_vnode.c:263-266', 'uvm_vnode.c:287', 'uvm_vnode.c:308'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s, notes) => {
        for (const uvn of c.uvns) if (uvn.u_obj.uo_refs < 0) return `${s.world.nameOf(uvn)}: refs ${uvn.u_obj.uo_refs}`;
        for (const n of notes) {
          if (n.kind === 'uvn_refs_dropped' && (n.data.refs as number) < 0) return `${n.thread.name}: uvn_detach took refs to ${n.data.refs as number}`;
          if (n.kind === 'uvn_refs_raised' && n.data.site === 'uvm_vnode.c:287' && (n.data.refs as number) < 2) return `${n.thread.name}: uvn_reference on ${nm(s, n.data.uvn as object)} with no reference of its own (refs now ${n.data.refs as number})`;
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-25',
    domain: 'uvn',
    kind: 'transition',
    hazard: 'F1',
    statement: 'refs goes from 0 to 1 only while the uvn is not BLOCKED (BLOCKED checked clear without a sleep since), or by the attach owner under ALOCK (:235-236) (violated through F1)',
    cite: ['uvm_vnode.c:148', 'uvm_vnode.c:165-171', 'uvm_vnode.c:235-236', 'uvm_vnode.c:1345-1366', 'uvm_vnode.c:1482-1491'],
    prepare: onNote(['uvn_refs_raised'], (s, _c, d, t) => {
      if (d.refs !== 1) return null;
      const flags = d.flags as number;
      const bad = d.site === 'uvm_vnode.c:236' ? flags & (UVM_VNODE_DYING | UVM_VNODE_RELKILL) : flags & UVM_VNODE_BLOCKED;
      return bad ? `${t.name}: refs of ${nm(s, d.uvn as object)} 0 -> 1 at ${d.site as string} while it is ${uvnFlagNames(flags)}` : null;
    }),
  },
  {
    id: 'UVN-26',
    domain: 'uvn',
    kind: 'safety',
    statement:
      'refs counts every holder: it is at least the temporary references (sync between :1491 and its :1520 detach, uncache between :1366 and its :1389 detach) plus the detaches and uvn_references still owning the reference they came with (:307, :286) [Q] (the mapping count itself is not a ghost of this model)',
    cite: ['uvm_vnode.c:1366', 'uvm_vnode.c:1389', 'uvm_vnode.c:1491', 'uvm_vnode.c:1520', 'uvm_vnode.c:263-266'],
    prepare: eachUvn(true, (s, c, uvn) => {
      const temp = syncHolds(s, c, uvn) + uncacheHolds(s, c, uvn);
      const owners = countAt(s, c, uvn, 'uvn_detach', [307]) + countAt(s, c, uvn, 'uvn_reference', [286]);
      return uvn.u_obj.uo_refs < temp + owners ? `refs ${uvn.u_obj.uo_refs} but ${temp} temporary references and ${owners} callers owning one` : null;
    }),
  },
  {
    id: 'UVN-27',
    domain: 'uvn',
    kind: 'safety',
    statement: 'every resident page of a VALID uvn has offset < u_size [Q]',
    cite: ['uvm_vnode.c:875-876', 'uvm_vnode.c:1170-1171', 'uvm_vnode.c:1433-1437'],
    prepare: eachUvn(true, (s, c, uvn) => {
      if (!has(uvn, UVM_VNODE_VALID)) return null;
      const p = pagesOf(c, uvn).find((x) => x.offset >= uvn.u_size);
      return p ? `${nm(s, p)} at offset ${p.offset} is resident but u_size is ${uvn.u_size}` : null;
    }),
  },
  {
    id: 'UVN-28',
    domain: 'uvn',
    kind: 'transition',
    statement:
      'lock discipline: every change of U (flags, refs, u_nio, u_size, its pages) is made holding U\'s write lock, except the KL-only writes of the attach owner (:194-257), :149, :175-180 and sync step 2 (:1489-1491), which hold KERNEL_LOCK',
    cite: ['uvm_vnode.c:607', 'uvm_vnode.c:902', 'uvm_vnode.c:1152', 'uvm_vnode.c:927-928', 'uvm_vnode.c:149', 'uvm_vnode.c:175-180', 'uvm_vnode.c:194-257', 'uvm_vnode.c:1489-1491'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      const who = stepper(sim);
      return (s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'uvn_unlocked_write') continue;
          if (!unlockedSiteOk(n.data.site as string)) return `${n.thread.name}: unlocked write of ${nm(s, n.data.uvn as object)} at ${n.data.site as string}, not one of the KL-only sections`;
          if (!n.data.kl) return `${n.thread.name}: unlocked write of ${nm(s, n.data.uvn as object)} at ${n.data.site as string} without KERNEL_LOCK`;
        }
        const t = who.t;
        if (t === null) return null;
        for (const e of s.events) {
          if (!c.uvns.includes(e.obj as UvmVnode)) continue;
          const uvn = e.obj as UvmVnode;
          if (KL_ONLY_EVENTS.has(e.event)) {
            if (!holdsKL(c, t)) return `${t.name}: ${e.event} of ${s.world.nameOf(uvn)} without the object lock or KERNEL_LOCK`;
          } else if (!lockHeldBy(uvn, t)) {
            return `${t.name}: ${e.event} of ${s.world.nameOf(uvn)} without holding its object lock (held by ${nm(s, uvn.u_obj.vmobjlock.rwl_owner)})`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-29',
    domain: 'uvn',
    kind: 'transition',
    statement: 'no long-running or re-entrant call is made with a uvn\'s lock held: VOP_GETATTR, VOP_READ/VOP_WRITE, vrele (:387), vn_lock, VOP_UNLOCK (exceptions: uvm_wait :1042, the reboot park)',
    cite: ['uvm_vnode.c:184', 'uvm_vnode.c:205-213', 'uvm_vnode.c:1189', 'uvm_vnode.c:384-387', 'uvm_vnode.c:1235', 'uvm_vnode.c:1388-1390'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'uvn_vrele') continue;
          const uvn = n.data.uvn as UvmVnode;
          if (lockHeldBy(uvn, n.thread)) return `${n.thread.name}: vrele of ${nm(s, n.data.vp as object)} with ${s.world.nameOf(uvn)}'s lock held`;
        }
        for (const t of s.threads) {
          if (t.done || !t.prim || !PROT_BLOCKING_CALLS.has(t.prim.name)) continue;
          for (const uvn of c.uvns) if (lockHeldBy(uvn, t)) return `${t.name}: ${t.prim.name} with ${s.world.nameOf(uvn)}'s lock held`;
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-30',
    domain: 'uvn',
    kind: 'transition',
    statement: 'lock order: the page-queue lock is never held while a uvn lock is requested with a possible sleep, nor across any sleep (a try-lock is fine)',
    cite: ['uvm_vnode.c:641', 'uvm_vnode.c:688-692', 'uvm_vnode.c:733', 'uvm_vnode.c:841'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        const t = c.u.pageq.pq_owner;
        if (t === null || t.done || !t.prim) return null;
        return t.prim.sleeps || t.prim.kind === 'sleep' ? `${t.name} holds the page-queue lock at ${t.prim.name}, which may sleep` : null;
      };
    },
  },
  {
    id: 'UVN-31',
    domain: 'uvn',
    kind: 'safety',
    statement: 'at most one thread is inside uvm_vnp_sync between :1462 and :1523, and it holds uvn_sync_lock [A]',
    cite: ['uvm_vnode.c:1446-1450', 'uvm_vnode.c:1462', 'uvm_vnode.c:1523'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c || !c.g) return null;
      const g = c.g;
      return (s) => {
        let inside: Thread | null = null;
        for (const [t, f] of framesOf(s, 'uvm_vnp_sync')) {
          if (line(f) === 1462) continue;
          if (inside) return `${inside.name} and ${t.name} are both inside uvm_vnp_sync`;
          inside = t;
          if (g.uvn_sync_lock.rwl_owner !== t) return `${t.name} is inside uvm_vnp_sync without uvn_sync_lock`;
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-32',
    domain: 'uvn',
    kind: 'liveness',
    statement: 'a thread asleep on U (uvn_attach :150) implies BLOCKED and WANTED [Q]; every step that clears BLOCKED wakes U if WANTED was set, so such a thread is woken: a deadlock with an attach asleep on a uvn nobody is tearing down or attaching is a violation',
    cite: ['uvm_vnode.c:149-150', 'uvm_vnode.c:219-220', 'uvm_vnode.c:254-255', 'uvm_vnode.c:381-382', 'uvm_vnode.c:526-527'],
    prepare: eachUvn(true, (s, _c, uvn) => {
      if ((uvn.u_flags & UVM_VNODE_BLOCKED) !== 0 && has(uvn, UVM_VNODE_WANTED)) return null;
      const t = s.threads.find((u) => !u.done && u.interlock === uvn);
      return t ? `${t.name} sleeps on the uvn in uvn_attach but flags are ${F(uvn)}: nobody will wake it` : null;
    }),
    blockedIn: ['uvn_attach'],
    blockedWhen: (sim, t) => {
      const f = frameOf(t, 'uvn_attach');
      if (!f || line(f) !== 150) return false;
      const c = uvnCtx(sim);
      const uvn = frameUvn(f) ?? c?.uvns[0];
      if (!c || !uvn) return false;
      if ((uvn.u_flags & UVM_VNODE_BLOCKED) === 0 || !has(uvn, UVM_VNODE_WANTED)) return true;
      return teardownOwners(sim, c, uvn).length === 0 && attachOwners(sim, c, uvn).length === 0 && countAt(sim, c, uvn, 'uvn_detach', [346, 360]) === 0;
    },
  },
  {
    id: 'UVN-33',
    domain: 'uvn',
    kind: 'transition',
    statement: 'uvn_io called with PGO_SYNCIO and without PGO_NOWAIT never returns VM_PAGER_AGAIN (EBUSY becomes AGAIN only with PGO_NOWAIT)',
    cite: ['uvm_vnode.c:749-752', 'uvm_vnode.c:1285', 'uvm_vnode.c:1160-1167', 'uvm_vnode.c:1179-1192'],
    prepare: onNote(['uvn_io_return'], (s, _c, d, t) => {
      const fl = d.flags as number;
      return d.result === VM_PAGER_AGAIN && fl & PGO_SYNCIO && !(fl & PGO_NOWAIT) ? `${t.name}: uvn_io of ${nm(s, d.uvn as object)} with PGO_SYNCIO returned AGAIN` : null;
    }),
  },
  {
    id: 'UVN-34',
    domain: 'uvn',
    kind: 'transition',
    statement: 'a flush with neither PGO_CLEANIT nor PGO_FREE never sleeps and never releases the object lock (the persist flush of :330 "won\'t block")',
    cite: ['uvm_vnode.c:329', 'uvm_vnode.c:574', 'uvm_vnode.c:680-702'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const [t, f] of framesOf(s, 'uvn_flush')) {
          const fl = local(f, 'flags');
          if (typeof fl !== 'number' || fl & (PGO_CLEANIT | PGO_FREE)) continue;
          const uvn = frameUvn(f) ?? c.uvns[0];
          if (!lockHeldBy(uvn, t)) return `${t.name}: a flush without PGO_CLEANIT|PGO_FREE (flags 0x${fl.toString(16)}) is at ${t.prim?.name ?? '?'} without the object lock`;
          if (t.prim && (t.prim.sleeps || t.prim.kind === 'sleep')) return `${t.name}: a flush without PGO_CLEANIT|PGO_FREE may sleep at ${t.prim.name}`;
        }
        return null;
      };
    },
  },
  {
    id: 'UVN-35',
    domain: 'uvn',
    kind: 'transition',
    statement: 'when the C|F|A flush of uvn_detach returns (:346, refs == 0), npages is 0, unless an asynchronous write (§4.4) or a concurrent terminate (F16) holds the remaining pages busy',
    cite: ['uvm_vnode.c:348-354', 'uvm_vnode.c:376'],
    prepare: onNote(['uvn_detach_flushed'], (s, c, d, t) => {
      const uvn = d.uvn as UvmVnode;
      if ((d.npages as number) === 0) return null;
      for (const p of pagesOf(c, uvn)) {
        if (p.pg_flags & PG_BUSY && (p.g_busyOwner === OWNER_AIO || (p.g_owner !== null && frameOf(p.g_owner, 'uvm_vnp_terminate')))) continue;
        return `${t.name}: detach's kill flush of ${s.world.nameOf(uvn)} left ${nm(s, p)} (offset ${p.offset}, ${p.pg_flags & PG_BUSY ? 'busy' : 'not busy'}) that no pending I/O will free`;
      }
      return null;
    }),
  },
  {
    id: 'UVN-36',
    domain: 'uvn',
    kind: 'safety',
    statement:
      'a uvn with a writable mapping has WRITEABLE set [Q] — observed through the pmap, as a page of U mapped writable and stored to (pmap-modified); the model does not remove pmap entries at munmap, so an unused writable pmap entry alone proves nothing',
    cite: ['uvm_vnode.c:175-180', 'uvm_vnode.c:243-246', 'uvm_vnode.c:1512-1516'],
    prepare: eachUvn(true, (s, c, uvn) => {
      if (has(uvn, UVM_VNODE_WRITEABLE)) return null;
      const p = pagesOf(c, uvn).find((x) => x.g_mapping === MAPPING_WRITE && x.g_pmapModified);
      return p ? `${nm(s, p)} is mapped writable and stored to but WRITEABLE is clear (${F(uvn)}): sync will not see it` : null;
    }),
  },
];

/** UVN-22 and its strict variant: the vnode reference the uvn holds. */
function vrefCheck(s: Sim, c: UvnCtx, uvn: UvmVnode, strict: boolean): string | null {
  let droppers = 0;
  let cancelled = 0;
  for (const [, f] of framesOn(s, c, uvn, 'uvn_detach')) {
    const at = line(f);
    if ([330, 346, 381, 384].includes(at)) droppers++;
    else if (at === 360) {
      if (has(uvn, UVM_VNODE_RELKILL)) droppers++;
      else cancelled++;
    } else if (at === 365) cancelled++;
  }
  const expected = (uvn.u_obj.uo_refs > 0 ? 1 : 0) + droppers;
  const held = uvn.g_vref;
  if (held === expected) return null;
  if (!strict && held === expected + 1) {
    const vp = uvn.u_vnode;
    if (cancelled > 0 || (vp.v_flag & VXLOCK) !== 0 || vp.g_dead) return null; // F9's leak (UVN-22b)
  }
  const why = cancelled > 0 || uvn.u_vnode.g_dead ? ' (the RELKILL-cancel exit :364-367 returned without its vrele, F9)' : '';
  return `holds ${held} vnode reference(s) but refs is ${uvn.u_obj.uo_refs} and ${droppers} detach(es) are between :308 and :387${why}`;
}

const strictCatalog: Invariant[] = [
  {
    id: 'UVN-22b',
    domain: 'uvn-strict',
    kind: 'safety',
    hazard: 'F9',
    statement: 'UVN-22 without its F9 exemption: a uvn holds a vnode reference exactly when refs > 0 or a detach that took refs to 0 has not vrele\'d yet [Q]; the RELKILL-cancel exit (:364-367) leaks the reference',
    cite: ['uvm_vnode.c:364-367', 'uvm_vnode.c:387', 'uvm_vnode.c:514-515', 'uvm_vnode.c:248-253'],
    prepare: eachUvn(true, (s, c, uvn) => vrefCheck(s, c, uvn, true)),
  },
];

// ------------------------------------------------------------------------------- UPG (§5.2) and UDUR

/** A safety check over every resident page of every uvn. */
function eachPage(q: boolean, what: (sim: Sim, c: UvnCtx, uvn: UvmVnode, p: UvmPage) => string | null): (sim: Sim) => PreparedCheck | null {
  return eachUvn(q, (s, c, uvn) => {
    for (const p of c.u.pool) {
      if (p.uobject !== uvn.u_obj) continue;
      const m = what(s, c, uvn, p);
      if (m) return `${nm(s, p)} (offset ${p.offset}): ${m}`;
    }
    return null;
  });
}

const pageBusyBad = (p: UvmPage): boolean => (p.pg_flags & PG_BUSY) !== 0 && (p.g_busyOwner === OWNER_NONE || ((p.g_busyOwner === OWNER_CLIENT || p.g_busyOwner === OWNER_PAGEOUT) && !ownerAlive(p)));

const upgCatalog: Invariant[] = [
  {
    id: 'UPG-01',
    domain: 'upg',
    kind: 'safety',
    statement: 'a resident page with PG_RELEASED is PG_BUSY [Q]',
    cite: ['uvm_vnode.c:717-718', 'uvm_vnode.c:754-756', 'uvm_vnode.c:797-798', 'uvm_vnode.c:831-833'],
    prepare: eachPage(true, (_s, _c, _u, p) => (p.pg_flags & PG_RELEASED && !(p.pg_flags & PG_BUSY) ? 'PG_RELEASED but not busy' : null)),
  },
  {
    id: 'UPG-02',
    domain: 'upg',
    kind: 'safety',
    statement: 'a resident page with PG_WANTED is PG_BUSY (every unbusy clears WANTED and wakes the page) [Q]',
    cite: ['uvm_vnode.c:689', 'uvm_vnode.c:1057', 'uvm_vnode.c:794-798', 'uvm_vnode.c:1093-1097'],
    prepare: eachPage(true, (_s, _c, _u, p) => (p.pg_flags & PG_WANTED && !(p.pg_flags & PG_BUSY) ? 'PG_WANTED but not busy: its waiters were not woken' : null)),
  },
  {
    id: 'UPG-03',
    domain: 'upg',
    kind: 'liveness',
    statement: 'a thread asleep on page p implies p is BUSY and WANTED [Q]; it is eventually woken: a deadlock with a thread asleep in uvm_pagewait on a page that is not busy or whose owner is gone is a violation',
    cite: ['uvm_vnode.c:689', 'uvm_vnode.c:1057', 'uvm_vnode.c:794-795', 'uvm_vnode.c:1093-1094'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      const pool = new Set<object>(c.u.pool);
      return (s) => {
        for (const t of s.threads) {
          if (t.done || t.interlock === null || !pool.has(t.interlock)) continue;
          const p = t.interlock as UvmPage;
          const uvn = p.uobject ? (p.uobject.uo_uvn as UvmVnode) : null;
          if (uvn && !quiescent(s, c, uvn)) continue;
          if (!uvn && (c.u.pageq.pq_owner !== null || c.uvns.some((x) => x.u_obj.vmobjlock.rwl_owner !== null))) continue;
          if ((p.pg_flags & (PG_BUSY | PG_WANTED)) !== (PG_BUSY | PG_WANTED)) return `${t.name} sleeps on ${nm(s, p)}, which is ${p.pg_flags & PG_BUSY ? 'busy but not WANTED' : 'not busy'}: nobody will wake it`;
        }
        return null;
      };
    },
    blockedIn: ['uvm_pagewait'],
    blockedWhen: (_s, t) => {
      const p = t.interlock as UvmPage | null;
      if (!p || !('g_busyOwner' in p)) return false;
      return (p.pg_flags & PG_BUSY) === 0 || pageBusyBad(p);
    },
  },
  {
    id: 'UPG-04',
    domain: 'upg',
    kind: 'safety',
    statement: 'PG_FAKE implies PG_BUSY, owned by the uvn_get that allocated the page (never returned or unbusied while FAKE) [Q]',
    cite: ['uvm_vnode.c:1037', 'uvm_vnode.c:1082', 'uvm_vnode.c:1093-1101', 'uvm_vnode.c:1118'],
    prepare: eachPage(true, (_s, _c, _u, p) => {
      if (!(p.pg_flags & PG_FAKE)) return null;
      if (!(p.pg_flags & PG_BUSY)) return 'PG_FAKE but not busy';
      if (p.g_busyOwner !== OWNER_CLIENT || !p.g_owner || p.g_owner.done || !frameOf(p.g_owner, 'uvn_get')) return `PG_FAKE but not owned by a uvn_get (owner ${p.g_owner?.name ?? 'none'})`;
      return null;
    }),
  },
  {
    id: 'UPG-05',
    domain: 'upg',
    kind: 'safety',
    statement: 'every BUSY page has exactly one owner — a live thread (client or pageout) or a pending asynchronous I/O — and is busied only when it is not already busy (:713, :968, :1068) [Q]',
    cite: ['uvm_vnode.c:713', 'uvm_vnode.c:968', 'uvm_vnode.c:1068', 'uvm_vnode.c:927-928'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      const pages = eachPage(true, (s, cc, uvn, p) => {
        if (!(p.pg_flags & PG_BUSY)) return null;
        if (p.g_busyOwner === OWNER_NONE) return 'busy without an owner';
        if (p.g_busyOwner === OWNER_AIO) return aioPending(s, cc, uvn) > 0 ? null : 'busy for an asynchronous write no aiodone will complete';
        return ownerAlive(p) ? null : `busy, owned by ${p.g_owner?.name ?? 'no thread'}, which has finished`;
      })(sim)!;
      return (s, notes) => {
        for (const n of notes) if (n.kind === 'uvn_page_busied' && n.data.wasBusy) return `${n.thread.name}: busied ${nm(s, n.data.pg as object)}, which was already busy`;
        return pages(s, notes);
      };
    },
  },
  {
    id: 'UPG-06',
    domain: 'upg',
    kind: 'transition',
    statement: 'a BUSY page stays in U until its owner unbusies or frees it: nobody but the owner frees (cleans) a busy page',
    cite: ['uvm_vnode.c:593-594', 'uvm_vnode.c:687-694', 'uvm_vnode.c:1056-1060', 'uvm_vnode.c:1194-1197'],
    prepare: onNote(['uvm_pageclean'], (s, _c, d, t) => (d.busy && d.owner !== d.by ? `${t.name}: freed ${nm(s, d.pg as object)}, busy and owned by ${(d.owner as Thread | null)?.name ?? 'an asynchronous I/O'}` : null)),
  },
  {
    id: 'UPG-07',
    domain: 'upg',
    kind: 'transition',
    statement: 'this pager never deactivates a wired page',
    cite: ['uvm_vnode.c:651-654', 'uvm_vnode.c:682', 'uvm_vnode.c:808'],
    prepare: onNote(['uvm_pagedeactivate'], (s, _c, d, t) => (d.wired ? `${t.name}: deactivated ${nm(s, d.pg as object)}, which is wired` : null)),
  },
  {
    id: 'UPG-08',
    domain: 'upg',
    kind: 'safety',
    statement: 'pages on a flush\'s dead list are in no object and not busy, and return to the free pool only at :855 [A]',
    cite: ['uvm_vnode.c:698-699', 'uvm_vnode.c:831-833', 'uvm_vnode.c:855'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const [t, f] of framesOf(s, 'uvn_flush')) {
          if (line(f) < 0) continue;
          const dead = local(f, 'dead') as UvmPage[] | undefined;
          if (!Array.isArray(dead)) continue;
          for (const p of dead) {
            if (p.uobject !== null) return `${t.name}: ${nm(s, p)} is on the dead list but still in an object`;
            if (p.pg_flags & PG_BUSY) return `${t.name}: ${nm(s, p)} is on the dead list and busy`;
            if (p.pg_flags & PQ_FREE) return `${t.name}: ${nm(s, p)} is on the dead list and already free`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'UPG-09',
    domain: 'upg',
    kind: 'safety',
    statement: 'while a page is busy for a write (a pageout or an asynchronous write), no user mapping of it is writable [A]',
    cite: ['uvm_vnode.c:715'],
    prepare: eachPage(false, (_s, _c, _u, p) => (p.pg_flags & PG_BUSY && (p.g_busyOwner === OWNER_PAGEOUT || p.g_busyOwner === OWNER_AIO) && p.g_mapping === MAPPING_WRITE ? 'busy for a write while mapped writable' : null)),
  },
  {
    id: 'UPG-10',
    domain: 'upg',
    kind: 'safety',
    statement: 'a resident page that is not busy, CLEAN, not pmap-modified, not FAKE and not error-tainted holds the disk\'s version of its block [Q]',
    cite: ['uvm_vnode.c:800-803', 'uvm_vnode.c:1118-1119', 'uvm_vnode.c:667-676'],
    prepare: eachPage(true, (_s, _c, uvn, p) => {
      if (p.pg_flags & (PG_BUSY | PG_FAKE) || !(p.pg_flags & PG_CLEAN) || p.g_pmapModified || p.g_tainted) return null;
      const disk = uvn.u_vnode.v_disk.d_data[off2blk(p.offset)];
      return p.g_data !== disk ? `CLEAN and unmodified but holds version ${p.g_data} where the disk has ${disk}` : null;
    }),
  },
  {
    id: 'UPG-11',
    domain: 'upg',
    kind: 'transition',
    statement: 'a page holding stores never written back leaves U only through an F flush without C (truncation, :1433-1436) or after a failed write (tainted, :812-830)',
    cite: ['uvm_vnode.c:686-700', 'uvm_vnode.c:812-830', 'uvm_vnode.c:1433-1436'],
    prepare: onNote(['uvm_pageclean'], (s, c, d, t) => {
      const p = d.pg as UvmPage;
      if (typeof d.data !== 'number' || d.tainted) return null;
      const uvn = c.uvns.find((u) => u.u_obj === (p.uobject ?? null)) ?? c.uvns.find((u) => pageWasOf(u, p));
      if (!uvn) return null;
      const b = off2blk(p.offset);
      const disk = uvn.u_vnode.v_disk;
      if (d.data !== disk.g_latest[b] || disk.d_data[b] === d.data) return null;
      const f = frameIn(s, t, 'uvn_flush');
      const fl = f ? local(f, 'flags') : undefined;
      if (typeof fl === 'number' && fl & PGO_FREE && !(fl & PGO_CLEANIT)) return null;
      return `${t.name}: ${nm(s, p)} left ${s.world.nameOf(uvn)} holding version ${d.data as number} of block ${b}, never written (disk has ${disk.d_data[b]})`;
    }),
  },
  {
    id: 'UPG-12',
    domain: 'upg',
    kind: 'transition',
    statement: 'uvn_cluster (pgo_cluster, called by uvm_pager_put) is only asked about an offset below u_size [A]',
    cite: ['uvm_vnode.c:875-876'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const [t, f] of framesOf(s, 'uvm_pager_put')) {
          const pg = local(f, 'pg') as UvmPage | undefined;
          if (!pg || !pg.uobject) continue;
          const uvn = pg.uobject.uo_uvn as UvmVnode;
          if (pg.offset >= uvn.u_size) return `${t.name}: a pageout clusters around ${nm(s, pg)} at offset ${pg.offset}, beyond u_size ${uvn.u_size}`;
        }
        return null;
      };
    },
  },
  {
    id: 'UPG-13',
    domain: 'upg',
    kind: 'transition',
    statement: 'when a flush with PGO_CLEANIT|PGO_SYNCIO that met a busy page returns, every I/O of U has completed: u_nio is 0, no uvn_io of U is between :1188 and :1277 and no asynchronous write of U is pending',
    cite: ['uvm_vnode.c:656-661', 'uvm_vnode.c:844-849'],
    prepare: onNote(['uvn_flush_return'], (s, c, d, t) => {
      const fl = d.flags as number;
      if ((fl & (PGO_CLEANIT | PGO_SYNCIO)) !== (PGO_CLEANIT | PGO_SYNCIO) || !(d.need_iosync || d.busySeen)) return null; // busySeen: the ghost of "met a busy page", independent of :658-661
      const uvn = d.uvn as UvmVnode;
      const io = ioInFlight(s, c, uvn);
      const aio = aioPending(s, c, uvn);
      return uvn.u_nio !== 0 || io > 0 || aio > 0 ? `${t.name}: a C|S flush of ${s.world.nameOf(uvn)} returned with I/O in flight (u_nio ${uvn.u_nio}, ${io} uvn_io, ${aio} aiodone)` : null;
    }),
  },
  {
    id: 'UPG-14',
    domain: 'upg',
    kind: 'transition',
    statement: 'pmap_clear_modify (:803, :1119) is applied only to a write-protected or unmapped page, by the holder of its object lock',
    cite: ['uvm_vnode.c:803', 'uvm_vnode.c:1119', 'uvm_vnode.c:715'],
    prepare: onNote(['pmap_clear_modify'], (s, _c, d, t) => {
      const p = d.pg as UvmPage;
      if (d.mapping === MAPPING_WRITE) return `${t.name}: cleared the modified bit of ${nm(s, p)} while it is mapped writable (a store may be lost)`;
      if (p.uobject && p.uobject.vmobjlock.rwl_owner !== t) return `${t.name}: cleared the modified bit of ${nm(s, p)} without its object lock`;
      return null;
    }),
  },
  {
    id: 'UDUR-01',
    domain: 'upg',
    kind: 'safety',
    statement:
      'no lost write: the latest version of every whole page-block below u_size is on disk, or in a resident page of the object that is dirty (PG_CLEAN clear or pmap-modified), busy in a write, or tainted by a failed write (F11), or its write failed with an error the pager saw; blocks past trunc_page(u_size) were discarded by truncation (the partial last page is F12\'s) [A]',
    cite: ['uvm_vnode.c:800-803', 'uvm_vnode.c:812-830', 'uvm_vnode.c:1433-1437', 'uvm_vnode.c:715', 'uvm_vnode.c:1238-1243'],
    prepare: eachUvn(false, (s, c, uvn) => {
      const d = uvn.u_vnode.v_disk;
      let n = Math.min(d.g_latest.length, Math.floor(uvn.u_size / PAGE_SIZE));
      /* a running truncation (:1433-1437) discards the pages from trunc_page(newsize) before it lowers u_size */
      for (const [, f] of framesOn(s, c, uvn, 'uvm_vnp_setsize')) {
        const ns = local(f, 'newsize');
        if (typeof ns === 'number') n = Math.min(n, Math.floor(ns / PAGE_SIZE));
      }
      for (let b = 0; b < n; b++) {
        const latest = d.g_latest[b];
        if (d.d_data[b] === latest || d.g_failed[b] >= latest) continue;
        let ok = false;
        for (const p of c.u.pool) {
          if (p.uobject !== uvn.u_obj || p.offset !== b * PAGE_SIZE || p.g_data !== latest) continue;
          ok = !(p.pg_flags & PG_CLEAN) || p.g_pmapModified || p.g_tainted || ((p.pg_flags & PG_BUSY) !== 0 && (p.g_busyOwner === OWNER_PAGEOUT || p.g_busyOwner === OWNER_AIO));
        }
        if (!ok) return `block ${b}: version ${latest} is lost (disk has ${d.d_data[b]}, and no resident page holds it marked dirty)`;
      }
      return null;
    }),
  },
];

/** A page just taken out of an object: it was U's if U's vnode has its block (best effort for UPG-11). */
function pageWasOf(uvn: UvmVnode, p: UvmPage): boolean {
  return off2blk(p.offset) < uvn.u_vnode.v_disk.g_latest.length;
}

// ------------------------------------------------------------------------------- ENV (§5.3)

const envCatalog: Invariant[] = [
  {
    id: 'ENV-01',
    domain: 'uenv',
    kind: 'transition',
    statement: 'vref is called only with KERNEL_LOCK held and on a vnode whose use count is above 0 (vref\'s DIAGNOSTIC panic has this id; :1490 can break it, F8)',
    cite: ['uvm_vnode.c:169', 'uvm_vnode.c:253', 'uvm_vnode.c:1365', 'uvm_vnode.c:1490'],
    prepare: onNote(['vref'], (s, _c, d, t) => {
      if ((d.usecount as number) <= 0) return `${t.name}: vref of ${nm(s, d.vp as object)} with use count ${d.usecount as number} (vref used where vget required)`;
      return d.kl ? null : `${t.name}: vref of ${nm(s, d.vp as object)} without KERNEL_LOCK`;
    }),
  },
  {
    id: 'ENV-02',
    domain: 'uenv',
    kind: 'safety',
    statement:
      'VOP_UNLOCK only by the vnode lock\'s holder (the environment\'s panic has this id): a uvn_io past its VOP (:1238-1246) holds the vnode lock it took exactly when VNISLOCKED is clear, so its two unlocked VNISLOCKED reads (:1234, :1245) agree (F5; M02 breaks them) [A]',
    cite: ['uvm_vnode.c:1234-1235', 'uvm_vnode.c:1245-1246'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const [t, f] of framesOf(s, 'uvn_io')) {
          const at = line(f);
          if (at !== 1238 && at !== 1245 && at !== 1246) continue;
          const uvn = frameUvn(f) ?? c.uvns[0];
          const vp = uvn.u_vnode;
          const lockedHere = vp.v_lockholder === t && !frameIn(s, t, 'uvm_vnp_terminate');
          const willUnlock = at === 1246 || !has(uvn, UVM_VNODE_VNISLOCKED);
          if (lockedHere !== willUnlock) {
            return `${t.name}: uvn_io at :${at} ${lockedHere ? 'locked the vnode itself' : 'did not lock the vnode'} but VNISLOCKED is now ${has(uvn, UVM_VNODE_VNISLOCKED) ? 'set' : 'clear'} (holder ${vp.v_lockholder?.name ?? 'nobody'})`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'ENV-03',
    domain: 'uenv',
    kind: 'safety',
    statement: 'caller preconditions: uvm_vnp_terminate runs with VXLOCK and the vnode lock held (:410-412); uvm_vnp_uncache with the vnode lock until it drops it at :1388 (panic :1375); uvm_vnp_setsize with KERNEL_LOCK (:1421) and a vnode reference or the vnode lock (VOP_INACTIVE) [A]',
    cite: ['uvm_vnode.c:410-412', 'uvm_vnode.c:1305-1306', 'uvm_vnode.c:1374-1375', 'uvm_vnode.c:1421', 'uvm_vnode.c:1401-1403'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const t of s.threads) {
          if (t.done) continue;
          let f = frameIn(s, t, 'uvm_vnp_terminate');
          if (f) {
            const vp = (frameUvn(f) ?? c.uvns[0]).u_vnode;
            if (!(vp.v_flag & VXLOCK) || vp.v_lockholder !== t) return `${t.name}: uvm_vnp_terminate without ${vp.v_flag & VXLOCK ? '' : 'VXLOCK and '}the vnode lock (holder ${vp.v_lockholder?.name ?? 'nobody'})`;
          }
          f = frameIn(s, t, 'uvm_vnp_uncache');
          if (f && line(f) >= 1344 && line(f) < 1388) {
            const vp = (frameUvn(f) ?? c.uvns[0]).u_vnode;
            if (vp.v_lockholder !== t) return `${t.name}: uvm_vnp_uncache without the vnode lock`;
          }
          f = frameIn(s, t, 'uvm_vnp_setsize');
          if (f) {
            const vp = (frameUvn(f) ?? c.uvns[0]).u_vnode;
            if (!holdsKL(c, t)) return `${t.name}: uvm_vnp_setsize without KERNEL_LOCK`;
            if (vp.v_usecount <= 0 && vp.v_lockholder !== t) return `${t.name}: uvm_vnp_setsize with neither a vnode reference nor the vnode lock`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'ENV-04',
    domain: 'uenv',
    kind: 'safety',
    statement: 'VOP_READ and VOP_WRITE never return EBUSY (only vn_lock with LK_NOWAIT does: KASSERT :1285) [A]',
    cite: ['uvm_vnode.c:1238-1243', 'uvm_vnode.c:1284-1286'],
    prepare(sim) {
      const c = uvnCtx(sim);
      if (!c) return null;
      return (s) => {
        for (const [t, f] of framesOf(s, 'uvn_io')) {
          if ((line(f) !== 1245 && line(f) !== 1246)) continue;
          if (local(f, 'result') === EBUSY) return `${t.name}: VOP_READ/VOP_WRITE returned EBUSY`;
        }
        return null;
      };
    },
  },
  {
    id: 'ENV-06',
    domain: 'uenv',
    kind: 'safety',
    statement: 'a vnode\'s use count covers the references its uvn holds, so the uvn\'s vrele (:387) never underflows it (vrele\'s panic has this id) [A]',
    cite: ['uvm_vnode.c:387', 'uvm_vnode.c:248-253'],
    prepare: eachUvn(false, (_s, _c, uvn) => (uvn.u_vnode.v_usecount < uvn.g_vref ? `use count ${uvn.u_vnode.v_usecount} below the ${uvn.g_vref} reference(s) the uvn holds` : null)),
  },
];

export const uvnInvariants: Invariant[] = [...uvnCatalog, ...strictCatalog, ...upgCatalog, ...envCatalog];

// Ids the catalog test expects (§5: UVN-01..36, UPG-01..14, ENV-01..04; plus UVN-22b, UDUR-01, ENV-06).
export const uvnCatalogIds: readonly string[] = uvnInvariants.map((i) => i.id);

