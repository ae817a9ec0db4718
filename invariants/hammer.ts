/**
 * HAMMER: the in-memory inode flush catalog of spec/hammer_inode.md §6 (hammer_inode.c), domain
 * 'hammer' — HINO-01..30 with HINO-08b and HINO-18strong (invariants/hammer-hino.ts), HREC-01..17,
 * HFLG-01..13, HRCL-01..02 and HMED-01..03 (invariants/hammer-rec.ts). Helpers: hammer-common.ts
 * (structures, quiescence, frames, components, end of workload), hammer-build.ts (check builders).
 *
 * Evaluation points: Q checks at quiescent states (no thread inside a non-blocking fs-token
 * critical section); Q* checks also skip the objects a thread is working on inside the window the
 * spec names; T checks read the notes of the step (kinds hino_*, hrec_*, hflg_*, hmed_commit,
 * hino_fsync_return); L checks apply at the end of the workload (every non-daemon thread done and
 * hmp.g_flusher_idle) and, for sleepers, as deadlock attribution (blockedIn).
 */
import type { Invariant } from './types.ts';
import { hinoInvariants } from './hammer-hino.ts';
import { hrecInvariants, hflgInvariants, hrclInvariants, hmedInvariants } from './hammer-rec.ts';

export const hammerInvariants: Invariant[] = [...hinoInvariants, ...hrecInvariants, ...hflgInvariants, ...hrclInvariants, ...hmedInvariants];
