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
] as Hazard[]).sort((a, b) => a.id[0].localeCompare(b.id[0]) || Number(a.id.replace(/^\D+/, '')) - Number(b.id.replace(/^\D+/, '')));

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

export async function runHazard(h: Hazard, ctl: ExploreControl): Promise<HazardRow> {
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
