'use kernel';
/**
 * bio-track: the BIO tracking counter (vfs_bio.c:515-597). `ios` I/O threads each take a
 * reference as vn_strategy does (vfs_bio.c:3387) and, at any later point, release it as biodone
 * does in interrupt context (vfs_bio.c:3736-3737); `waiters` threads each call bio_track_wait
 * once (vfs_bio.c:564). Timeouts are off, so a lost wakeup is a deadlock.
 */
import type { Kernel } from '../impl/sim/prim.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { note } from '../impl/sim/report.ts';
import { bio_track_ref, newBioTrack, type BioTrack } from '../impl/env/bio.ts';
import { bio_track_rel, bio_track_wait } from '../impl/kernel/vfs_bio.ts';
import type { Scenario } from './types.ts';

/** An I/O: the reference vn_strategy takes, then biodone's release. */
export function* track_io(track: BioTrack): Kernel<void> {
  yield* bio_track_ref(track); // vfs_bio.c:3387 (vn_strategy)
  yield* bio_track_rel(track); // vfs_bio.c:3737 (biodone)
}

/** A thread waiting for the track to drain (e.g. vinvalbuf / fsync). */
export function* track_waiter(track: BioTrack): Kernel<void> {
  const error = yield* bio_track_wait(track, 0, 0); // vfs_bio.c:564
  note('track_wait_return', { track, error });
}

/**
 * I/O threads run on CPU 0 and waiters on the last CPU. The scheduler lets any enabled thread
 * step whatever its CPU, so placement does not restrict interleavings; keeping each group on
 * one CPU makes its threads interchangeable for --symmetry (mycpu() is the same for all).
 */
function build(sim: Sim, ios: number, waiters: number): void {
  sim.options.timeouts = false;
  const track = sim.world.add('track', newBioTrack());
  for (let i = 0; i < ios; i++) sim.spawn(`io${i}`, 0, track_io, [track], { group: 'io' });
  for (let i = 0; i < waiters; i++) sim.spawn(`waiter${i}`, sim.ncpus - 1, track_waiter, [track], { group: 'waiter' });
}

export const bioTrackScenario: Scenario = {
  name: 'bio-track',
  description:
    'BIO tracking counter: I/O threads take a reference (vn_strategy) and release it (biodone) while waiters call bio_track_wait; timeouts off.',
  cite: ['vfs_bio.c:515-597', 'vfs_bio.c:3387', 'vfs_bio.c:3736-3739'],
  params: {
    ios: { default: 3, min: 0, max: 8, description: 'I/O threads (ref, then rel)' },
    waiters: { default: 2, min: 0, max: 4, description: 'threads calling bio_track_wait once' },
  },
  defaultCpus: 2,
  options: { timeouts: false },
  domains: ['trk'],
  build: (sim, p) => build(sim, p.ios, p.waiters),
  ops: [
    { name: 'io', description: 'bio_track_ref then bio_track_rel' },
    { name: 'wait', description: 'bio_track_wait once' },
  ],
  buildWorkload(sim, workload) {
    sim.options.timeouts = false;
    const track = sim.world.add('track', newBioTrack());
    workload.forEach((op, i) => {
      if (op === 'io') sim.spawn(`io${i}`, 0, track_io, [track], { group: 'io' });
      else sim.spawn(`waiter${i}`, sim.ncpus - 1, track_waiter, [track], { group: 'waiter' });
    });
  },
};
