/**
 * Hazards of the unmodified seeds (SPEC §Hazards): each predicted hazard is confirmed by a
 * `hazard-<id>` scenario that reproduces it, or refuted with the bounds that show it cannot
 * happen. `vfsmodel hazards` reruns each and reports whether the outcome is still as recorded.
 * docs/hazards.md explains each one; the saved traces are in hazards/traces/.
 *
 * Three kinds of confirmation (Hazard.expect.kind):
 * - a violation kind ('deadlock', 'panic', 'invariant', ...): the exhaustive search finds that
 *   violation (its id must match);
 * - 'unreached': the hazard is a branch predicted dead; the scenario, run with a probe patch that
 *   panics on the branch, is explored completely without a violation;
 * - 'non-termination': a retry cycle without end; the search, bounded by `maxSteps`, stops at the
 *   step bound (no violation) where the control run (same scenario, `controlParams`) completes.
 *
 * A 'deferred' hazard belongs to code not modelled yet: it is listed with its reason and no
 * scenario; runHazard reports it ok and not reproduced, with 0 states. (The syncer's and
 * A-11 were deferred until issue 6 modelled vfs_sync.c.)
 */
import { explore } from '../explorer/explore.ts';
import { getScenario } from '../scenarios/index.ts';
import type { ExploreControl } from '../explorer/result.ts';
import { loadPatch } from '../explorer/patch.ts';
import { fileURLToPath } from 'node:url';
import { Conformance } from '../explorer/conformance.ts';

export interface Hazard {
  id: string;
  title: string;
  status: 'confirmed' | 'refuted' | 'deferred';
  /** The `hazard-<id>` scenario; '' for a deferred hazard (nothing to run yet). */
  scenario: string;
  params: Record<string, number>;
  /** One line: why it happens (confirmed) or why it cannot (refuted). */
  reason: string;
  /**
   * What confirms it: the violation a confirmed hazard reproduces ({kind, id}), or
   * {kind: 'unreached', id: <seed lines>} / {kind: 'non-termination', id: 'step-bound'} (see
   * above); null for a refuted or deferred one.
   */
  expect: { kind: string; id: string } | null;
  /**
   * Other violations that reproduce the same hazard at the same point: the catalog invariants the
   * analysis predicts fire there once they exist (an invariant is checked before conformance, so
   * it then replaces the recorded conformance or probe id). Used by the vnode pager's F items.
   */
  alsoConfirmedBy?: { kind: string; id: string }[];
  cite: string[];
  /**
   * A patch module (repository-relative) installed for the run: a probe, or a change of step
   * granularity of an unlocked plain C statement (never of its logic). docs/hazards.md says which.
   */
  patch?: string;
  /**
   * false: the run does not check conformance to the machines, only the invariants. For a
   * granularity patch that splits a step a machine models as one transition (HA-8 splits the
   * snapshot, which the hammerInode machine's FLUSH_INODE_CORE takes as atomic): the intermediate
   * state is not a machine state, so conformance would report the split itself, not the hazard.
   */
  conformance?: false;
  /** Exhaustive search depth bound (non-termination hazards). */
  maxSteps?: number;
  /** Non-termination hazards: the control parameters whose run must complete. */
  controlParams?: Record<string, number>;
}

/** In Appendix A order (A-1, A-2, A-3, ..., then the vnode pager's F1, F2, ...). */
export const hazardRegistry: Hazard[] = ([
  {
    id: 'A-1',
    title: 'needsbuffer registration window: a release between getnewbuf\'s last scan and its registration wakes nobody',
    status: 'confirmed',
    scenario: 'hazard-A-1',
    params: { lookups: 1 },
    reason: 'bufcountwakeup reads needsbuffer == 0 after the scan dropped the spin (vfs_bio.c:2159) but before atomic_set_int (vfs_bio.c:2177); an untimed (slptimeo 0) getblk then sleeps at vfs_bio.c:2184 forever',
    expect: { kind: 'deadlock', id: 'WAKE-01' },
    cite: ['vfs_bio.c:2146-2189', 'vfs_bio.c:292-308', 'vfs_bio.c:1612-1620'],
  },
  {
    id: 'A-2',
    title: 'runningbufreq self-registration stall in waitrunningbufspace',
    status: 'confirmed',
    scenario: 'hazard-A-2',
    params: {},
    reason: 'a waiter that sets runningbufreq (vfs_bio.c:330) after the last write completed is never woken: only runningbufwakeup resets and wakes it (vfs_bio.c:274); with timeouts off it sleeps forever, with them on it polls at hz',
    expect: { kind: 'deadlock', id: 'WAKE-03' },
    cite: ['vfs_bio.c:310-334', 'vfs_bio.c:255-282'],
  },
  {
    id: 'A-4',
    title: 'unlocked read-modify-write of b_flags (B_AGE) in getnewbuf loses a lock holder\'s update',
    status: 'confirmed',
    scenario: 'hazard-A-4',
    params: {},
    reason: 'b_flags |= B_AGE (vfs_bio.c:1957) runs under the pcpu spin but not the buffer lock; brelse clears B_DIRECT after enqueue (vfs_bio.c:1631) and the clear is lost between the load and the store',
    expect: { kind: 'panic', id: 'vfs_bio.c:1631' },
    cite: ['vfs_bio.c:1951-1963', 'vfs_bio.c:1603', 'vfs_bio.c:1628-1632'],
    patch: 'hazards/patches/A-4-age-rmw.ts',
  },
  {
    id: 'A-5',
    title: 'brelse\'s CLEAN-head row, late bundirty and non-VMIO allocbuf branch are dead code',
    status: 'confirmed',
    scenario: 'hazard-A-5',
    params: { nocache: 1, trunc: 1, reader: 0 },
    reason: 'INVAL/RELBUF releases always run vfs_vmio_release first, which zeroes b_bufsize, and NOCACHE implies INVAL after phase B: such buffers take the EMPTY row; the probe patch never fires',
    expect: { kind: 'unreached', id: 'vfs_bio.c:1561-1574' },
    cite: ['vfs_bio.c:1561-1574', 'vfs_bio.c:1605-1610', 'vfs_bio.c:1516-1518', 'vfs_bio.c:1506-1507'],
    patch: 'hazards/patches/A-5-brelse-probes.ts',
  },
  {
    id: 'A-6',
    title: 'bqrelse/brelse queue a dirty B_LOCKED buffer on BQUEUE_LOCKED, contrary to the comment',
    status: 'confirmed',
    scenario: 'hazard-A-6',
    params: {},
    reason: 'bqrelse tests B_LOCKED before B_DELWRI (vfs_bio.c:1664), so a pinned dirty buffer goes to the LOCKED queue, not to the dirty queue the comment at vfs_bio.c:1666-1670 describes',
    expect: { kind: 'panic', id: 'vfs_bio.c:1666-1670' },
    cite: ['vfs_bio.c:1664-1673', 'vfs_bio.c:1538-1545'],
  },
  {
    id: 'A-7',
    title: 'getnewbuf has no restart reason 4',
    status: 'confirmed',
    scenario: 'hazard-A-7',
    params: {},
    reason: 'the restarts are numbered 1, 2, 3, 5, 6 and 7 (vfs_bio.c:2027-2163): the contended exploration takes several of them and BUF-43 (reason in that set) never fires',
    expect: { kind: 'unreached', id: 'vfs_bio.c:1909-2166' },
    cite: ['vfs_bio.c:2027', 'vfs_bio.c:2034', 'vfs_bio.c:2055', 'vfs_bio.c:2117', 'vfs_bio.c:2134', 'vfs_bio.c:2163'],
  },
  {
    id: 'A-8',
    title: 'B_CLUSTER asymmetry: vfs_busy_pages skips the I/O accounting bpdone undoes',
    status: 'confirmed',
    scenario: 'hazard-A-8',
    params: {},
    reason: 'vfs_busy_pages adds no soft-busy for a B_CLUSTER buffer (vfs_bio.c:3902) but bpdone drops one per page and panics at 0 (vfs_bio.c:3665-3689); the cluster code must keep its pbufs away from bpdone\'s VMIO branch',
    expect: { kind: 'panic', id: 'vfs_bio.c:3685' },
    cite: ['vfs_bio.c:3899-3906', 'vfs_bio.c:3665-3689', 'vfs_bio.c:3829-3831'],
  },
  {
    id: 'A-9',
    title: 'brelse clears the page valid bits of a re-dirtied B_ERROR buffer that stays B_DELWRI',
    status: 'confirmed',
    scenario: 'hazard-A-9',
    params: { check: 1 },
    reason: 'a failed bwrite is re-dirtied by bpdone (vfs_bio.c:3541-3565); brelse keeps the DELWRI buffer (vfs_bio.c:1291-1296) but B_ERROR makes it vm_page_set_invalid its pages (vfs_bio.c:1481-1493); the wired pages keep the data (DUR-01 holds) and the next write re-validates them (vfs_bio.c:3950)',
    expect: { kind: 'panic', id: 'vfs_bio.c:1481-1493' },
    cite: ['vfs_bio.c:1481-1493', 'vfs_bio.c:1291-1296', 'vfs_bio.c:3541-3565', 'vfs_bio.c:3929-3951'],
  },
  {
    id: 'A-12',
    title: 'getnewbuf head-of-line blocking: a locked, still-queued buffer at the CLEAN head hides the free buffers behind it',
    status: 'confirmed',
    scenario: 'hazard-A-12',
    params: { block: 0, timeouts: 1 },
    reason: 'a failed NOWAIT lock sleeps one hundredth of a second and restarts the scan from the queue head (reason 1, vfs_bio.c:2024-2030); after the B_AGE second chance the locked buffer is the head again, so the allocator never reaches the free buffer behind it while the lock is held',
    expect: { kind: 'unreached', id: 'vfs_bio.c:2024-2030' },
    cite: ['vfs_bio.c:2024-2030', 'vfs_bio.c:1951-1963', 'vfs_bio.c:2533-2535'],
  },
  {
    id: 'A-13',
    title: 'persistent write errors make getblk\'s size-change write retry forever',
    status: 'confirmed',
    scenario: 'hazard-A-13',
    params: { errors: 1 },
    reason: 'a failed bwrite re-dirties the buffer (vfs_bio.c:3541-3565) and getblk restarts its size-change write (vfs_bio.c:2852-2864): termination needs a write to succeed',
    expect: { kind: 'non-termination', id: 'step-bound' },
    cite: ['vfs_bio.c:2837-2864', 'vfs_bio.c:3541-3565'],
    maxSteps: 200,
    controlParams: { errors: 0 },
  },
  {
    id: 'A-14',
    title: 'minor asymmetries: nestiobuf_done reports b_resid 0 on error; bqrelse leaves B_DIRECT set',
    status: 'confirmed',
    scenario: 'hazard-A-14',
    params: { part: 0 },
    reason: 'a failed nested I/O completed by its last sub gets b_resid = 0 (vfs_bio.c:4503), by nestiobuf_start b_resid = b_bcount (vfs_bio.c:4536-4539); part=1: bqrelse clears only B_NOCACHE|B_RELBUF (vfs_bio.c:1714), brelse also B_DIRECT (vfs_bio.c:1631)',
    expect: { kind: 'panic', id: 'vfs_bio.c:4503' },
    cite: ['vfs_bio.c:4503', 'vfs_bio.c:4536-4539', 'vfs_bio.c:1714', 'vfs_bio.c:1631'],
  },
  {
    id: 'A-3',
    title: 'vsyncscan requeues into the slot being scanned at syncdelay = 32 (and the syncer at retrydelay <= 0)',
    status: 'confirmed',
    scenario: 'hazard-A-3',
    params: { part: 0 },
    reason: 'the requeue slot (i + syncdelay) & 31 (vfs_sync.c:828) is i itself at syncdelay = 32, which the sysctl allows (vfs_sync.c:136-137): the loop at vfs_sync.c:805 takes the same vnode forever (part=1: retrydelay 0, unvalidated, re-queues into the slot the syncer drains, SYNC-07)',
    expect: { kind: 'invariant', id: 'SYNC-08' },
    cite: ['vfs_sync.c:828', 'vfs_sync.c:136-137', 'vfs_sync.c:96-98'],
  },
  {
    id: 'A-10',
    title: 'syncer ctx accessed without sc_token (trigger_syncer, speedup_syncer vs vn_syncer_thr_stop)',
    status: 'confirmed',
    scenario: 'hazard-A-10',
    params: {},
    reason: 'trigger_syncer reads mnt_syncer_ctx (vfs_sync.c:572) before vn_syncer_thr_stop unpublishes and frees the ctx (vfs_sync.c:349-353), then reads and writes ctx->syncer_trigger (vfs_sync.c:573-574): a use after free; speedup_syncer only passes the address to wakeup',
    expect: { kind: 'invariant', id: 'SYNC-12' },
    cite: ['vfs_sync.c:572-576', 'vfs_sync.c:560-561', 'vfs_sync.c:349-353'],
  },
  {
    id: 'A-11',
    title: 'syncer placement quirks (delay 0 means slot 0, sync_fsync re-adds at syncdelay, unlocked spreading statics)',
    status: 'confirmed',
    scenario: 'hazard-A-11',
    params: { part: 1 },
    reason: 'after a trigger the comment promises the next full sync in 1 s (vfs_sync.c:392-393), but sync_fsync re-queues the syncer vnode syncdelay ahead (vfs_sync.c:685), SYNC-24; part=0: next % syncdelay == 0 is delay 0, the absolute slot 0 (vfs_sync.c:208-209, vfs_sync.c:647), SYNC-25; the unlocked statics (vfs_sync.c:614) are not explored',
    expect: { kind: 'invariant', id: 'SYNC-24' },
    cite: ['vfs_sync.c:208-209', 'vfs_sync.c:647', 'vfs_sync.c:392-393', 'vfs_sync.c:685', 'vfs_sync.c:614'],
  },
  // ---------------------------------------------------------------- the vnode pager (spec/uvm_vnode.md Appendix A)
  {
    id: 'F1',
    title: 'attach re-validation gap: an attach blocked on the object lock takes a reference on a dying uvn',
    status: 'confirmed',
    scenario: 'hazard-F1',
    params: {},
    reason: 'BLOCKED is tested without the lock (uvm_vnode.c:148); the lock at :164 can sleep, and afterwards only VALID is tested (:165): a last detach that set DYING (:335) and dropped the lock in its kill flush (:689) meanwhile is not seen, and the attach raises refs 0 → 1 on the dying uvn (:167-171)',
    expect: { kind: 'invariant', id: 'UVN-25' },
    alsoConfirmedBy: [{ kind: 'conformance', id: 'CONF:uvn' }, { kind: 'invariant', id: 'UVN-04' }],
    cite: ['uvm_vnode.c:146-172', 'uvm_vnode.c:334-346', 'uvm_vnode.c:687-694'],
  },
  {
    id: 'F2',
    title: 'u_flags read-modify-writes of uvn_attach without the object lock lose bits set under it',
    status: 'confirmed',
    scenario: 'hazard-F2',
    params: { literal: 0 },
    reason: 'an attacher blocked by a terminate reads u_flags at :148 and stores it | WANTED at :149 under KERNEL_LOCK only; an msync flush holding the object lock without KERNEL_LOCK sets IOSYNC (:846) in between, and the stale store wipes it (the iosync waiter is then woken by nobody, UVN-16); in literal mode (literal=1, no KERNEL_LOCK at all) the same store can even wipe VALID',
    expect: { kind: 'conformance', id: 'CONF:uvn' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'UVN-16' }, { kind: 'invariant', id: 'UVN-28' }],
    cite: ['uvm_vnode.c:146-151', 'uvm_vnode.c:194', 'uvm_vnode.c:234-255'],
  },
  {
    id: 'F3',
    title: 'terminate on a mapped uvn: a fault pages in behind the flush (DEBUG panics :483/:486, or a hang)',
    status: 'confirmed',
    scenario: 'hazard-F3',
    params: { gate: 1 },
    reason: 'uvn_get never tests DYING: while terminate writes a later page with the lock dropped, a fault allocates and reads an offset the flush has passed (VNISLOCKED set: no vn_lock, :1234); terminate\'s wait loop then finds the page with u_nio 0 and panics at :486 (without DEBUG: sleeps on &u_nio for ever)',
    expect: { kind: 'panic', id: 'uvm_vnode.c:486' },
    alsoConfirmedBy: [{ kind: 'panic', id: 'uvm_vnode.c:483' }, { kind: 'invariant', id: 'UVN-18' }, { kind: 'invariant', id: 'UVN-19' }],
    cite: ['uvm_vnode.c:474-496', 'uvm_vnode.c:1016-1053', 'uvm_vnode.c:1222-1247'],
  },
  {
    id: 'F4',
    title: 'IOSYNC stays set after a terminate with refs > 0: the next synchronous uvn_io sleeps for ever',
    status: 'confirmed',
    scenario: 'hazard-F4',
    params: {},
    reason: 'terminate\'s wait loop sets IOSYNC (:493); with refs > 0 it clears DYING|VNISLOCKED|WANTED|CANPERSIST only (:510-511) and never wakes &u_flags; a later fault\'s uvn_io with PGO_SYNCIO sleeps on &u_flags (:1164-1166) with no flush left to clear the bit (:850-852)',
    expect: { kind: 'deadlock', id: 'UVN-17' },
    alsoConfirmedBy: [{ kind: 'deadlock', id: 'SIM-01' }],
    cite: ['uvm_vnode.c:474-511', 'uvm_vnode.c:1159-1167', 'uvm_vnode.c:843-853'],
  },
  {
    id: 'F5',
    title: 'uvn_io reads VNISLOCKED twice without the object lock (:1234, :1245)',
    status: 'refuted',
    scenario: 'hazard-F5',
    params: { control: 0 },
    reason: 'the reads always agree: terminate sets VNISLOCKED holding the vnode lock under VXLOCK, so a thread that read it clear and locked the vnode finishes before vclean can run terminate, and it clears the bit only when every page — including the I/O\'s busy ones — is gone (:478-510); the probe assertion never fires',
    expect: null,
    cite: ['uvm_vnode.c:1233-1249', 'uvm_vnode.c:458-470', 'uvm_vnode.c:504-511'],
    patch: 'hazards/patches/F5-F6-uvn-io-probes.ts',
  },
  {
    id: 'F6',
    title: 'uvn_io reads u_size without the object lock (:1202-1203)',
    status: 'refuted',
    scenario: 'hazard-F6',
    params: { newsize: 2, daemon: 1, control: 0 },
    reason: 'a shrink frees, waiting for, every busy page at or beyond trunc_page(newsize) before it lowers u_size (:1433-1437), and an I/O whose range crosses the new size holds such a page: the unlocked read always sees a size beyond the I/O\'s offset; the probe (transfer length > 0) never fires',
    expect: null,
    cite: ['uvm_vnode.c:1194-1211', 'uvm_vnode.c:1428-1437'],
    patch: 'hazards/patches/F5-F6-uvn-io-probes.ts',
  },
  {
    id: 'F7',
    title: 'sync step 2 increments uo_refs without the object lock: a fork\'s reference is lost',
    status: 'confirmed',
    scenario: 'hazard-F7',
    params: {},
    reason: 'uvm_vnp_sync reads uo_refs (:1489) and stores it plus one (:1491) under KERNEL_LOCK only; uvn_reference (fork) increments it under the object lock without KERNEL_LOCK (:286-288) in between, and its reference is lost',
    expect: { kind: 'conformance', id: 'CONF:uvn' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'UVN-26' }, { kind: 'invariant', id: 'UVN-28' }],
    cite: ['uvm_vnode.c:1485-1491', 'uvm_vnode.c:286-288'],
  },
  {
    id: 'F8',
    title: 'sync vref()s the vnode of a persisting uvn that may be unused (DIAGNOSTIC panic)',
    status: 'confirmed',
    scenario: 'hazard-F8',
    params: {},
    reason: 'a persisting WRITEABLE uvn stays on uvn_wlist without a vnode reference (:384-387) and its closed vnode has use count 0; sync step 2 revives it with vref (:1489-1490): "vref used where vget required"',
    expect: { kind: 'panic', id: 'ENV-01' },
    cite: ['uvm_vnode.c:1485-1491', 'uvm_vnode.c:383-387'],
  },
  {
    id: 'F9',
    title: 'the RELKILL-cancel exit of uvn_detach leaks the vnode reference',
    status: 'confirmed',
    scenario: 'hazard-F9',
    params: {},
    reason: 'a detach whose RELKILL wait terminate cancelled returns at :364-367 without its vrele (:387); terminate frees the uvn assuming the reference went when it started persisting (:513-515): the vnode keeps a use for ever',
    expect: { kind: 'invariant', id: 'UVN-22b' },
    alsoConfirmedBy: [{ kind: 'panic', id: 'uvm_vnode.c:364-367' }],
    cite: ['uvm_vnode.c:357-367', 'uvm_vnode.c:383-387', 'uvm_vnode.c:447-456', 'uvm_vnode.c:513-515'],
  },
  {
    id: 'F10',
    title: 'uvn_get can return VM_PAGER_AGAIN, contrary to its comment',
    status: 'confirmed',
    scenario: 'hazard-F10',
    params: {},
    reason: 'uvn_get reads with PGO_SYNCIO|PGO_NOWAIT (:1085-1086); uvn_io\'s vn_lock is then LK_NOWAIT (:1150) and a vnode locked by a read(2) in progress gives EBUSY → AGAIN (:1284-1286), which uvn_get returns (:1103)',
    expect: { kind: 'panic', id: 'uvm_vnode.c:1088-1091' },
    cite: ['uvm_vnode.c:1085-1091', 'uvm_vnode.c:1150', 'uvm_vnode.c:1284-1286'],
  },
  {
    id: 'F11',
    title: 'a flush without PGO_FREE marks a page clean after a failed write and reports success',
    status: 'confirmed',
    scenario: 'hazard-F11',
    params: {},
    reason: 'after a failed VOP_WRITE the pages are marked PG_CLEAN and (without PGO_FREE) their pmap modified bit cleared (:800-803); retval is set FALSE only in the PGO_FREE branch (:812-830): msync(MS_SYNC) returns success with the data on neither the disk nor a dirty page',
    expect: { kind: 'panic', id: 'uvm_vnode.c:800-803' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'UDUR-01' }],
    cite: ['uvm_vnode.c:787-834'],
  },
  {
    id: 'F12',
    title: 'truncation inside a page frees that page without writing its dirty head',
    status: 'confirmed',
    scenario: 'hazard-F12',
    params: {},
    reason: 'uvm_vnp_setsize flushes from trunc_page(newsize) with PGO_FREE only (:1434-1435, :617): the page holding [trunc_page(newsize), newsize) is freed dirty (:686-700) and the stores below the new size are lost',
    expect: { kind: 'panic', id: 'uvm_vnode.c:1434-1435' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'UDUR-01' }],
    cite: ['uvm_vnode.c:1428-1437', 'uvm_vnode.c:610-619', 'uvm_vnode.c:686-700'],
  },
  {
    id: 'F13',
    title: 'page daemon pageout vs vnode recycling deadlock',
    status: 'confirmed',
    scenario: 'hazard-F13',
    params: {},
    reason: 'the daemon pages out a persisting uvn\'s page holding no reference (:897-907) and, with the object lock dropped (:1189), reads VNISLOCKED clear and sleeps in vn_lock on VXLOCK (:1235); vclean\'s terminate waits for the daemon\'s busy page (:687-691): neither proceeds',
    expect: { kind: 'deadlock', id: 'SIM-01' },
    cite: ['uvm_vnode.c:897-907', 'uvm_vnode.c:1188-1189', 'uvm_vnode.c:1233-1235', 'uvm_vnode.c:687-694'],
  },
  {
    id: 'F14',
    title: 'uvm_wait sleeps with the object lock held',
    status: 'confirmed',
    scenario: 'hazard-F14',
    params: {},
    reason: 'under memory pressure uvn_get sleeps in uvm_wait (:1042) holding the object lock; the page daemon only try-locks objects, so it fails on this one and cannot reclaim its pages, and no other thread can use the uvn meanwhile',
    expect: { kind: 'panic', id: 'uvm_vnode.c:1042' },
    cite: ['uvm_vnode.c:1035-1046'],
  },
  {
    id: 'F15',
    title: 'PGO_LOCKED busies pages under a lock the KASSERT allows to be shared (configuration switch)',
    status: 'confirmed',
    scenario: 'hazard-F15',
    params: { readlock: 1 },
    reason: 'the KASSERT at :927-928 accepts a read-held lock, and the busy test (:955-962) and set (:968) are not atomic together: two read-locked PGO_LOCKED callers both busy the page; with write-locked callers (readlock=0, the model\'s fault client) it cannot happen',
    expect: { kind: 'invariant', id: 'UPG-05' },
    alsoConfirmedBy: [{ kind: 'conformance', id: 'CONF:uvmPage' }],
    cite: ['uvm_vnode.c:927-928', 'uvm_vnode.c:953-971'],
    patch: 'hazards/patches/F15-locked-busy-test.ts',
  },
  {
    id: 'F16',
    title: 'forced unmount during the last detach\'s kill flush: two teardown owners',
    status: 'confirmed',
    scenario: 'hazard-F16',
    params: { pages: 1 },
    reason: 'the DYING set by uvn_detach (:335) involves no VXLOCK and the uvn still holds its vnode reference, so vgone runs terminate, which passes the VALID test (:426), finds RELKILL not yet set (:455) and starts a second teardown of the uvn while detach\'s flush has the lock dropped',
    expect: { kind: 'conformance', id: 'CONF:uvn' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'UVN-07' }, { kind: 'invariant', id: 'UVN-08' }],
    cite: ['uvm_vnode.c:334-346', 'uvm_vnode.c:410-412', 'uvm_vnode.c:424-472'],
  },
  // ---------------------------------------------------------------- HAMMER (spec/hammer_inode.md Appendix A: HA-n = A-n; HX-n beyond it)
  {
    id: 'HA-1',
    title: 'stale comment: DELETING does not stay in ip->flags across the snapshot',
    status: 'confirmed',
    scenario: 'hazard-HA-1',
    params: {},
    reason: 'the snapshot moves DELETING to sync_flags (hammer_inode.c:2202) and clears it from flags (:2206), contrary to :2182-2184; HINO-11 (flags & MODMASK == 0 right after the snapshot, DELETING being a MODMASK bit) holds on every snapshot of the unlink-and-fsync workload',
    expect: { kind: 'unreached', id: 'hammer_inode.c:2182-2184' },
    cite: ['hammer_inode.c:2182-2184', 'hammer_inode.c:2202-2206', 'hammer_inode.c:3240-3243'],
  },
  {
    id: 'HA-2',
    title: 'hammer_modify_inode marks the vnode before setting the bits: a clean->dirty inode is never VISDIRTY (HINO-18 strong form fails)',
    status: 'confirmed',
    scenario: 'hazard-HA-2',
    params: {},
    reason: 'hammer_inode_dirty (hammer_inode.c:1672-1673) tests the flags before :1674 sets DDIRTY; one chmod on a clean IDLE cached F leaves it dirty with an unmarked vnode and no other trigger (HINO-18strong, domain hammer-strict)',
    expect: { kind: 'invariant', id: 'HINO-18strong' },
    cite: ['hammer_inode.c:1645-1675', 'hammer_inode.c:261-271', 'hammer_inode.c:348'],
  },
  {
    id: 'HA-3',
    title: 'a failed record sync is dropped: hammer_sync_inode negates error, not tmp_error',
    status: 'confirmed',
    scenario: 'hazard-HA-3',
    params: { eio: 1 },
    reason: 'an EIO from the first record sync stops the RB_SCAN; :3049-3050 turn the negative result into -error = 0, the inode sync succeeds and D leaves its group with its second record still FLUSH there (HREC-16); the mount is already in critical error (hammer_flush_record_done)',
    expect: { kind: 'invariant', id: 'HREC-16' },
    cite: ['hammer_inode.c:3046-3053', 'hammer_inode.c:2856-2859', 'hammer_inode.c:2611'],
  },
  {
    id: 'HA-4',
    title: 'hammer_flush_inode "cannot block" but its M_WAITOK group allocation sleeps: two new groups',
    status: 'confirmed',
    scenario: 'hazard-HA-4',
    params: {},
    reason: 'two fsyncs with no fill group both allocate (hammer_inode.c:1756, the fs token released while sleeping); the second finds the first\'s group installed (:1760-1761) and fills its own, non-fill group; the probe panics there',
    expect: { kind: 'panic', id: 'hammer_inode.c:1756-1761' },
    cite: ['hammer_inode.c:1719-1720', 'hammer_inode.c:1746-1764'],
    patch: 'hazards/patches/HAM-flush-probes.ts',
  },
  {
    id: 'HA-5',
    title: 'stale comment: hammer_flush_inode_done removes the inode from the flush tree itself',
    status: 'confirmed',
    scenario: 'hazard-HA-5',
    params: {},
    reason: 'the header (hammer_inode.c:2506-2507) says the inode was already removed; the RB_REMOVE at :2611, which asserts membership in the model, succeeds on every completion',
    expect: { kind: 'unreached', id: 'hammer_inode.c:2506-2507' },
    cite: ['hammer_inode.c:2506-2507', 'hammer_inode.c:2611'],
  },
  {
    id: 'HA-6',
    title: 'the directory exception of hammer_setup_child_callback (hammer_inode.c:2396-2410) is vestigial on healthy media',
    status: 'confirmed',
    scenario: 'hazard-HA-6',
    params: { w: 0 },
    reason: 'a FLUSH record outlives its owner\'s flush only when A-3 drops a failed record sync: with no media error the probe on the exception never fires (create + fsync G against fsync D: 4,113 states; w=1 link F first, slaves=2: 24,198 / 28,199), and HREC-03 (the twin at :2704-2709) fires in no scenario; after HA-3\'s EIO the exception is taken (docs/hazards.md)',
    expect: { kind: 'unreached', id: 'hammer_inode.c:2396-2410' },
    cite: ['hammer_inode.c:2396-2410', 'hammer_inode.c:2704-2709', 'hammer_inode.c:2595-2606', 'hammer_inode.c:2109-2121'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-7',
    title: 'CONN_DOWN is write-only',
    status: 'confirmed',
    scenario: 'hazard-HA-7',
    params: { autoflush: 1 },
    reason: 'its only reader is #if 0 (hammer_inode.c:2337-2347): W3 with MUT-06 (completion never clears CONN_DOWN, :2667) breaks only HINO-24, the ghost check of the flag itself; with HINO-24 skipped the run is complete and clean (515 states, as unpatched)',
    expect: { kind: 'invariant', id: 'HINO-24' },
    cite: ['hammer_inode.c:1822', 'hammer_inode.c:2337-2347', 'hammer_inode.c:2666-2667'],
    patch: 'mutants/HAM-M06-done-keeps-conn-down.ts',
  },
  {
    id: 'HA-8',
    title: 'atime race between hammer_update_atime_quick and the snapshot',
    status: 'confirmed',
    scenario: 'hazard-HA-8',
    params: {},
    reason: 'hammer_update_atime_quick stores ino_data.atime under the inode lock only (hammer_inode.c:1707-1713) while ATIME is pending; the snapshot copies ino_data (:2205) and clears ATIME (:2206) without that lock: with the :2206 load a step of its own (granularity patch) a read lands in between, the snapshot is stale with ATIME gone (HINO-11) and the atime never reaches the media (end check, panic :2204-2206)',
    expect: { kind: 'invariant', id: 'HINO-11' },
    alsoConfirmedBy: [{ kind: 'panic', id: 'hammer_inode.c:2204-2206' }],
    cite: ['hammer_inode.c:1688-1716', 'hammer_inode.c:2204-2206'],
    patch: 'hazards/patches/HA-8-snapshot-split.ts',
    conformance: false,
  },
  {
    id: 'HA-9',
    title: 'teardown accounting in hammer_destroy_inode_callback',
    status: 'confirmed',
    scenario: 'hazard-HA-9',
    params: { eio: 1 },
    reason: 'after an EIO leaves F FLUSH (WOULDBLOCK) and the flusher stops, the unmount destroys F: :1586 decrements the group\'s RECORD counter for an inode (refs -1, HFLG-01), count_iqueued is not decremented (HINO-23), and RSV_INODES is neither cleared nor counted down (:1575 clears MODMASK only, HINO-08b, the first to fire); the mount is being freed, so nothing reads the counters again',
    expect: { kind: 'invariant', id: 'HINO-08b' },
    alsoConfirmedBy: [{ kind: 'invariant', id: 'HINO-23' }, { kind: 'invariant', id: 'HFLG-01' }],
    cite: ['hammer_inode.c:1583-1591', 'hammer_inode.c:1575-1576', 'hammer_inode.c:1547-1611'],
  },
  {
    id: 'HA-10',
    title: 'the fallback does not undo hammer_redo_fifo_start_flush',
    status: 'confirmed',
    scenario: 'hazard-HA-10',
    params: {},
    reason: 'hammer_flush_inode_core calls hammer_redo_fifo_start_flush (hammer_inode.c:2082: ip->redo_fifo_next = 0 [ext]) before it knows whether it falls back; W4\'s fallback (:2143-2172) returns without hammer_redo_fifo_end_flush; the probe panics there. REDO is outside the model: the effect (a reset redo_fifo_next for an inode not being flushed) is not checked',
    expect: { kind: 'panic', id: 'hammer_inode.c:2143-2172' },
    cite: ['hammer_inode.c:2082', 'hammer_inode.c:2143-2172'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-11',
    title: 'stale RESIGNAL after :2574 clears REFLUSH: a waiter on a SETUP inode may sleep until the next completion',
    status: 'refuted',
    scenario: 'hazard-HA-11',
    params: { fsyncd: 0 },
    reason: 'within the bounds (fsync of F against link + unlink of F in D: 4,365 states, slaves=2 32,925; with fsyncd=1, B also fsyncing D: 25,463 and 147,765 states) no waiter is left asleep (HINO-27): a SETUP inode with RESIGNAL keeps dependencies whose flush pulls it down and completes it, waking the waiter',
    expect: null,
    cite: ['hammer_inode.c:2574', 'hammer_inode.c:2654-2655', 'hammer_inode.c:2455-2457'],
  },
  {
    id: 'HA-12',
    title: 'FLUSHW waiters are woken only at completion; the :1775-1778 shortcut does not wake them',
    status: 'refuted',
    scenario: 'hazard-HA-12',
    params: { w: 0, autoflush: 1 },
    reason: 'the shortcut needs a clean SETUP inode with no dependency (clean: no records either, XDIRTY), a waiter sleeps on SETUP only with RESIGNAL, and the frontend operations that take away an inode\'s last record or dependency dirty it first (nlinks, mtime); within the bounds the probe (shortcut taken with FLUSHW set) never fires — W3, autoflush 1: 515 states, 149 at 2000; fsync F against link + unlink + fsync D: 35,800 / 25,463',
    expect: null,
    cite: ['hammer_inode.c:2641-2644', 'hammer_inode.c:1775-1778', 'hammer_inode.c:2455-2457'],
    patch: 'hazards/patches/HAM-flush-probes.ts',
  },
  {
    id: 'HA-13',
    title: 'RSV_INODES released while the re-flushed inode is FLUSH',
    status: 'confirmed',
    scenario: 'hazard-HA-13',
    params: {},
    reason: 'W12: G1\'s completion re-flushes the re-dirtied F (hammer_inode.c:2652-2660), whose snapshot clears its flags, so :2672-2676 release the inode reservation while F is FLUSH in the next group; the probe panics there; the reservation is taken again by the next hammer_modify_inode (:1657-1659), accounting only',
    expect: { kind: 'panic', id: 'hammer_inode.c:2672-2676' },
    cite: ['hammer_inode.c:2652-2660', 'hammer_inode.c:2672-2676'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-14',
    title: 'hammer_rel_inode(ip, 1) requests the flush twice: a superfluous REFLUSH',
    status: 'confirmed',
    scenario: 'hazard-HA-14',
    params: {},
    reason: 'hammer_vop_reclaim\'s last-reference release queues the dirty inode at hammer_inode.c:1486, loops, sees two references and flushes again at :1493, setting REFLUSH on the inode just queued (acknowledged at :2566-2567); the probe panics there',
    expect: { kind: 'panic', id: 'hammer_inode.c:1486-1493' },
    cite: ['hammer_inode.c:1486', 'hammer_inode.c:1493', 'hammer_inode.c:2566-2567'],
    patch: 'hazards/patches/HAM-flush-probes.ts',
  },
  {
    id: 'HA-15',
    title: 'a frontend-deleted ADD reached from below leaves its target out of the group (HMED-02)',
    status: 'refuted',
    scenario: 'hazard-HA-15',
    params: { w: 0 },
    reason: 'the helper places only SETUP records, and a SETUP record is never alive with DELETED_FE: hammer_ip_del_directory marks an unplaced ADD DELETED_FE and releases it in the same fs-token section (its cursor holds the only other reference), which destroys it and unlinks it from its target; a FLUSH ADD keeps DELETED_FE but is already placed. The probe never fires: link + fsync F against unlink: 3,211 states, slaves=2 21,832, w=1 (B also fsyncs D) 40,730',
    expect: null,
    cite: ['hammer_inode.c:1968-2045', 'hammer_inode.c:2143-2172', 'hammer_inode.c:2793-2799'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-16',
    title: 'a no-op flush request allocates or closes a flush group',
    status: 'confirmed',
    scenario: 'hazard-HA-16',
    params: {},
    reason: 'group selection (hammer_inode.c:1746-1764) runs before the clean test (:1774-1782): hammer_flush_inode on the clean IDLE F allocates a new, empty group and returns; the probe panics there',
    expect: { kind: 'panic', id: 'hammer_inode.c:1746-1781' },
    cite: ['hammer_inode.c:1746-1764', 'hammer_inode.c:1774-1782'],
    patch: 'hazards/patches/HAM-flush-probes.ts',
  },
  {
    id: 'HA-17',
    title: 'the transient INODE record is marked COMMITTED on a failed sync',
    status: 'confirmed',
    scenario: 'hazard-HA-17',
    params: { eio: 1 },
    reason: 'hammer_update_inode marks its transient INODE record COMMITTED, IDLE and destroys it (hammer_inode.c:1330-1336) whatever hammer_ip_sync_record returned; with an EIO on the inode-record write the probe panics there; harmless: the record is never visible and the error propagates to hammer_critical_error',
    expect: { kind: 'panic', id: 'hammer_inode.c:1330-1336' },
    cite: ['hammer_inode.c:1330-1336'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-18',
    title: 'hammer_modify_inode\'s read-only assertion lists DELETED, not a MODMASK bit',
    status: 'refuted',
    scenario: 'hazard-HA-18',
    params: {},
    reason: 'a remark about the analysis, not a behaviour: DELETED is set only by the backend directly (hammer_inode.c:3089), never through hammer_modify_inode, so the list\'s extra bit is never tested; the probe (hammer_modify_inode called with DELETED) never fires on write + truncate + unlink + fsync D (247 states), which deletes F on the media; the model takes MODMASK from hammer.h',
    expect: null,
    cite: ['hammer_inode.c:1652-1656', 'hammer_inode.c:3089'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HA-19',
    title: 'REFLUSH is set on one inode only when stuck on a record, contrary to the header',
    status: 'confirmed',
    scenario: 'hazard-HA-19',
    params: {},
    reason: 'W4: D\'s scan meets the SETUP ADD whose target T is FLUSH and sets REFLUSH on D only (hammer_inode.c:2319-2320; a DEL would set it on the target only, :2322), where :2237-2238 say both; the probe panics there. In W4 one REFLUSH suffices: the unpatched W4 leaves no SETUP inode with REFLUSH (HINO-28) and no waiter asleep',
    expect: { kind: 'panic', id: 'hammer_inode.c:2318-2323' },
    cite: ['hammer_inode.c:2237-2238', 'hammer_inode.c:2318-2323', 'hammer_inode.c:2359-2360'],
    patch: 'hazards/patches/HAM-probes-b.ts',
  },
  {
    id: 'HX-1',
    title: 'fsync waiters left asleep after a critical error',
    status: 'confirmed',
    scenario: 'hazard-HX-1',
    params: { eio: 1 },
    reason: 'a waiter asleep in hammer_wait_inode (hammer_inode.c:2491) before the EIO is never woken: the failed inode stays FLUSH with WOULDBLOCK, the flusher stops after hammer_critical_error, and FLUSHW is woken only at completion (:2641-2644); the :2461 test helps only later waiters (HINO-27)',
    expect: { kind: 'deadlock', id: 'HINO-27' },
    cite: ['hammer_inode.c:2455-2491', 'hammer_inode.c:2641-2644', 'hammer_inode.c:3208-3216'],
  },
  {
    id: 'HX-2',
    title: 'the :2658 re-flush enters hammer_flush_inode holding only the state reference (HINO-19)',
    status: 'confirmed',
    scenario: 'hazard-HX-2',
    params: {},
    reason: 'a vnode-less F left SETUP by completion (a DEL record pending) with REFLUSH is re-flushed at hammer_inode.c:2658 with refs 1, its state reference (dorel is 0 on the SETUP path); benign, see HX-3',
    expect: { kind: 'invariant', id: 'HINO-19' },
    cite: ['hammer_inode.c:2652-2660', 'hammer_inode.c:2680-2681', 'hammer_inode.c:1774-1782'],
  },
  {
    id: 'HX-3',
    title: 'use after free at the :2658 re-flush through the :1775-1778 shortcut',
    status: 'refuted',
    scenario: 'hazard-HX-3',
    params: {},
    reason: 'REFLUSH reaches :2652 only on a dirty inode (:2570-2575), and only a snapshot, which makes it FLUSH, cleans it: the re-flush never releases the last reference; the probe never fires (hx 0/1 x slaves 1/2: 2,553 / 9,136 / 16,436 / 58,001 states)',
    expect: null,
    cite: ['hammer_inode.c:2570-2575', 'hammer_inode.c:2652-2660', 'hammer_inode.c:1775-1778'],
    patch: 'hazards/patches/HAM-flush-probes.ts',
  },
  {
    id: 'HX-4',
    title: 'fsync returns with a dirty bit pending: completion wakes FLUSHW before the re-flush, which sleeps in the group kmalloc',
    status: 'confirmed',
    scenario: 'hazard-HX-4',
    params: { w: 0 },
    reason: 'hammer_flush_inode_done wakes the fsync waiter (hammer_inode.c:2641-2644) and only then re-flushes the re-dirtied inode (:2652-2658); with no fill group that hammer_flush_inode sleeps in kmalloc M_WAITOK (:1756, A-4), releasing the fs token while the inode is IDLE (or SETUP with RESIGNAL already consumed at :2655): the waiter runs, hammer_wait_inode\'s test (:2455-2457) is false, and fsync returns with the chmod it was called after still unwritten (HINO-26)',
    expect: { kind: 'invariant', id: 'HINO-26' },
    cite: ['hammer_inode.c:2641-2644', 'hammer_inode.c:2652-2658', 'hammer_inode.c:1756', 'hammer_inode.c:2455-2457'],
  },
  {
    id: 'HX-5',
    title: 'fsync of a directory in a rename loop panics: hammer_flush_inode does not re-check the state after the upward resolution',
    status: 'confirmed',
    scenario: 'hazard-HX-5',
    params: {},
    reason: 'W8 (mv /A/B /B; mv /A /B/A; fsync(B) before any flush): B\'s own upward resolution walks B → A → B ... to the depth limit (hammer_inode.c:1873-1880); on the way back ADD R→B (already FLUSH) gives setup_parent_inodes(B, 18) connectivity, so the helper at depth 17 puts B itself into FLUSH (:1991-1992); hammer_flush_inode then calls hammer_flush_inode_core(B) (:1813) on the FLUSH B and KKASSERT :2073 fires. Deterministic, one thread, no fault; the :2001-2005 loop check covers a revisited record, not the inode the request started from',
    expect: { kind: 'panic', id: 'hammer_inode.c:2073' },
    cite: ['hammer_inode.c:1805-1813', 'hammer_inode.c:1873-1880', 'hammer_inode.c:1886-1900', 'hammer_inode.c:1970-1993', 'hammer_inode.c:2073'],
  },
  {
    id: 'HX-6',
    title: 'a clean inode pulled into a group by a DEL record skips its nlinks pass: on-media nlinks disagrees with the committed entries (HMED-02)',
    status: 'confirmed',
    scenario: 'hazard-HX-6',
    params: {},
    reason: 'T with an ADD (D→T) and a DEL (P→T) pending that cancel in the nlinks pass is left clean by completion (:2542-2543); P\'s owner scan then places the DEL and pulls the clean T in with RECURSION (:2386-2391, a snapshot with no MODMASK bit), D\'s scan defers the ADD (T FLUSH, :2318-2320), and hammer_sync_inode(T) returns at :2893-2894 before the nlinks pass (:2911-2963): the DEL commits with T\'s on-media nlinks still 2 for 1 committed entry. Not A-15 (no DELETED_FE; T is in the group); nlinks too high, corrected when the ADD commits',
    expect: { kind: 'invariant', id: 'HMED-02' },
    cite: ['hammer_inode.c:2893-2894', 'hammer_inode.c:2911-2963', 'hammer_inode.c:2386-2391', 'hammer_inode.c:2538-2543'],
  },
  {
    id: 'HX-7',
    title: 'fsync of a file returns with a link count pending when one of its new entries has no connectivity yet (partial connectivity)',
    status: 'confirmed',
    scenario: 'hazard-HX-7',
    params: { autoflush: 1 },
    reason: 'W5 with a real fsync(T): R1 (D1/a, D1 FLUSH in an earlier group) gives -1 and R2 (D2/b) +1, so good = 1 (:1889-1892) and T is flushed without RESIGNAL (set only when good < 0, :1824-1826); the backend writes nlinks 2 (:2943-2946), completion re-sets DDIRTY (:2542-2543), leaves T SETUP (:2633) and, T having a vnode, sets no REFLUSH (:2570-2572); the woken waiter sees SETUP without RESIGNAL (:2455-2457) and fsync returns with the D1/a link and nlinks 3 not on the media (HINO-26). No re-flush or kmalloc involved: not HX-4. The media stay consistent (nlinks 2, two entries); D1\'s re-flush writes R1 later',
    expect: { kind: 'invariant', id: 'HINO-26' },
    cite: ['hammer_inode.c:1886-1901', 'hammer_inode.c:1822-1828', 'hammer_inode.c:2046-2056', 'hammer_inode.c:2538-2543', 'hammer_inode.c:2570-2575', 'hammer_inode.c:2455-2457'],
  },
] as Hazard[]).sort((a, b) => a.id.replace(/-?\d+$/, '').localeCompare(b.id.replace(/-?\d+$/, '')) || Number(a.id.replace(/^\D+/, '')) - Number(b.id.replace(/^\D+/, '')));

export interface HazardRow {
  id: string;
  title: string;
  status: string;
  scenario: string;
  reason: string;
  reproduced: boolean;
  ok: boolean;
  states: number;
  seconds: number;
}

/** The absolute path of a hazard's patch module (stored repository-relative). */
export function hazardPatchPath(h: Hazard): string | null {
  return h.patch ? fileURLToPath(new URL(`../${h.patch}`, import.meta.url)) : null;
}

/**
 * Runs `fn` with the machine-conformance check switched off (Hazard.conformance === false), the
 * invariants still on; restores it afterwards. Runs are sequential, so the switch is not shared.
 */
export async function withoutConformance<T>(fn: () => Promise<T> | T): Promise<T> {
  const p = Conformance.prototype as unknown as Record<string, unknown>;
  const saved = { checkInitial: p.checkInitial, beforeStep: p.beforeStep, afterStep: p.afterStep };
  p.checkInitial = () => null;
  p.beforeStep = () => {};
  p.afterStep = () => null;
  try {
    return await fn();
  } finally {
    Object.assign(p, saved);
  }
}

export async function runHazard(h: Hazard, ctl: ExploreControl): Promise<HazardRow> {
  if (h.conformance === false) {
    const { conformance: _off, ...rest } = h;
    return withoutConformance(() => runHazard(rest, ctl));
  }
  if (h.status === 'deferred') {
    // Code not modelled yet: nothing to rerun (the reason says which issue models it).
    return { id: h.id, title: h.title, status: h.status, scenario: h.scenario, reason: h.reason, reproduced: false, ok: true, states: 0, seconds: 0 };
  }
  const scenario = getScenario(h.scenario);
  if (!scenario) throw new Error(`hazard ${h.id}: unknown scenario ${h.scenario}`);
  const patchPath = hazardPatchPath(h);
  const patch = patchPath ? await loadPatch(patchPath) : null;
  const run = (params: Record<string, number>) =>
    explore({ scenario, params, cpus: scenario.defaultCpus, patch, strategy: 'exhaustive', symmetry: false, seed: 1, maxExecutions: null, maxSteps: h.maxSteps ?? null }, ctl);
  const r = await run(h.params);
  let reproduced: boolean;
  let states = r.states;
  let seconds = r.seconds;
  if (h.expect?.kind === 'unreached') {
    reproduced = r.violation === null && r.complete;
  } else if (h.expect?.kind === 'non-termination') {
    // The cycle: the bounded search cannot finish, while the control run (no fault) completes.
    const control = h.controlParams ? await run(h.controlParams) : null;
    reproduced = r.violation === null && r.stopped === 'step-bound' && (control === null || (control.complete && control.violation === null));
    if (control) seconds += control.seconds;
  } else {
    const v = r.violation;
    reproduced = v !== null && h.expect !== null && [h.expect, ...(h.alsoConfirmedBy ?? [])].some((e) => v.kind === e.kind && v.id === e.id);
  }
  const ok = h.status === 'confirmed' ? reproduced : r.violation === null && r.complete;
  return { id: h.id, title: h.title, status: h.status, scenario: h.scenario, reason: h.reason, reproduced, ok, states, seconds };
}
