'use kernel';
/** M06: bio_track_rel's fast path stores 0 instead of cmpset(1 -> 0) (vfs_bio.c:533). */
import type { MutantMeta } from './types.ts';
import { load, store, atomic_cmpset_int, wakeup, panic, type Kernel } from '../impl/api.ts';
import { trackReleased, type BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M06',
  title: 'rel fast path: plain store of 0 instead of cmpset',
  description: 'After reading 1, bio_track_rel stores 0 without a CAS; a WAIT published in between is erased and nobody wakes the waiter. The bioTrack machine catches it first: the fast path is a 1 -> 0 transition from the active state only (vfs_bio.c:532-534), never from waited.',
  cite: ['vfs_bio.c:533'],
  expect: 'killed',
  killedBy: ['CONF:bioTrack', 'TRK-03', 'TRK-02'],
  scenario: 'bio-track',
  params: { ios: 1, waiters: 1 },
};

export default {
  *bio_track_rel(track: BioTrack): Kernel<void> {
    let active: number;
    let desired: number;
    active = yield* load(track, 'bk_active'); // vfs_bio.c:532
    if (active === 1) {
      yield* store(track, 'bk_active', 0); // vfs_bio.c:533; MUTANT: was atomic_cmpset_int(&track->bk_active, 1, 0)
      trackReleased(track, 'TRACK_REL_SHORTCUT');
      return;
    }
    for (;;) {
      desired = (active & 0x7fffffff) - 1;
      if (desired) desired |= active & 0x80000000;
      if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:547
        trackReleased(track, 'TRACK_REL');
        if (desired & 0x40000000) panic('vfs_bio.c:549', 'bio_track_rel: bad count');
        if (active & 0x80000000) yield* wakeup(track); // vfs_bio.c:550-551
        break;
      }
      active = yield* load(track, 'bk_active'); // vfs_bio.c:554
    }
  },
};
