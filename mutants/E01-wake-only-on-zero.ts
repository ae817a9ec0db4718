'use kernel';
/** E01 (equivalent): bio_track_rel wakes waiters only on the final release (spec/vfs_bio_sync.md §3.1). */
import type { MutantMeta } from './types.ts';
import { load, atomic_cmpset_int, wakeup, panic, type Kernel } from '../impl/api.ts';
import { trackReleased, type BioTrack } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'E01',
  title: 'rel wakes only when the count reaches zero (equivalent)',
  description: 'Waiters only care about the count reaching 0 and re-arm WAIT after each wakeup, so skipping the wakeup on non-final releases changes nothing observable.',
  cite: ['vfs_bio.c:550-551'],
  expect: 'survives',
  killedBy: [],
  scenario: 'bio-track',
  params: { ios: 2, waiters: 2 },
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
      if (desired) desired |= active & 0x80000000;
      if (yield* atomic_cmpset_int(track, 'bk_active', active, desired)) { // vfs_bio.c:547
        trackReleased(track, 'TRACK_REL');
        if (desired & 0x40000000) panic('vfs_bio.c:549', 'bio_track_rel: bad count');
        if ((active & 0x80000000) && desired === 0) yield* wakeup(track); // vfs_bio.c:550-551; EQUIVALENT: was `if (active & 0x80000000)`
        break;
      }
      active = yield* load(track, 'bk_active'); // vfs_bio.c:554
    }
  },
};
