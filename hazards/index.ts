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
 * A 'deferred' hazard belongs to code not modelled yet (the syncer, vfs_sync.c: and
 * the vn_syncer_one part of A-14 — issue 6 models it): it is listed with its reason and no
 * scenario; runHazard reports it ok and not reproduced, with 0 states.
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

/** In Appendix A order (A-1, A-2, A-3, ...). */
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
    title: 'vsyncscan requeues into the slot being scanned at syncdelay = 32 (and retrydelay <= 0)',
    status: 'deferred',
    scenario: '',
    params: {},
    reason: 'vfs_sync.c (the syncer) is not modelled yet; issue 6 models it',
    expect: null,
    cite: ['vfs_sync.c:828', 'vfs_sync.c:136-137', 'vfs_sync.c:96-98'],
  },
  {
    id: 'A-10',
    title: 'syncer ctx accessed without sc_token (trigger_syncer, speedup_syncer vs vn_syncer_thr_stop)',
    status: 'deferred',
    scenario: '',
    params: {},
    reason: 'vfs_sync.c (the syncer) is not modelled yet; issue 6 models it',
    expect: null,
    cite: ['vfs_sync.c:572-576', 'vfs_sync.c:560-561', 'vfs_sync.c:349-353'],
  },
  {
    id: 'A-11',
    title: 'syncer placement quirks (delay 0 means slot 0, sync_fsync re-adds at syncdelay, unlocked spreading statics)',
    status: 'deferred',
    scenario: '',
    params: {},
    reason: 'vfs_sync.c (the syncer) is not modelled yet; issue 6 models it',
    expect: null,
    cite: ['vfs_sync.c:208-209', 'vfs_sync.c:647', 'vfs_sync.c:392-393', 'vfs_sync.c:685', 'vfs_sync.c:614'],
  },
] as Hazard[]).sort((a, b) => Number(a.id.slice(2)) - Number(b.id.slice(2)));

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
    reproduced = r.violation !== null && h.expect !== null && r.violation.kind === h.expect.kind && r.violation.id === h.expect.id;
  }
  const ok = h.status === 'confirmed' ? reproduced : r.violation === null && r.complete;
  return { id: h.id, title: h.title, status: h.status, scenario: h.scenario, reason: h.reason, reproduced, ok, states, seconds };
}
