'use kernel';
/** M05: bio_track_rel keeps the wait bit when the count reaches zero (vfs_bio.c:545-546). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, wakeup, panic, type Kernel } from '../impl/api.ts';
import { trackReleased, type BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M05',
  title: 'rel keeps the wait bit when the count reaches zero',
  description: 'bio_track_rel always ORs the old WAIT bit into desired, even on the 1->0 transition, so bk_active can become exactly 0x80000000 and bio_track_wait never sees 0.',
  cite: ['vfs_bio.c:545-546'],
  expect: 'killed',
  killedBy: ['TRK-01'],
  scenario: 'bio-track',
  params: { ios: 1, waiters: 1 },
};

export default {
  *bio_track_rel(track: BioTrack): Kernel<void> {
    let active: number;
    let desired: number;
    active = yield* load(track, 'bk_active'); // vfs_bio.c:532
    if (active === 1 && (yield* atomic_cmpset_int(track, 'bk_active', 1, 0))) { // vfs_bio.c:533
      trackReleased(track, 'TRACK_REL_SHORTCUT');
      return;
    }
    for (;;) {
      desired = (active & 0x7fffffff) - 1;
      desired |= active & 0x80000000; // MUTANT: was `if (desired) desired |= ...`
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
