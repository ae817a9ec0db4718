/**
 * IO / WAKE: the synchronous completion handshake of b_bio1 (spec/vfs_bio_sync.md §6.3, §6.6;
 * vfs_bio.c:3234-3290, vfs_bio.c:3762-3789).
 */
import type { Bio, Buf } from '../impl/env/bio.ts';
import { BIO_DONE, BIO_WANT, BUF_CMD_DONE } from '../impl/kernel/sys.ts';
import { objectsWith, type Invariant } from './types.ts';

export const ioInvariants: Invariant[] = [
  {
    id: 'IO-02',
    domain: 'bio',
    kind: 'transition',
    statement: 'a synchronous waiter returns only after bpdone has completed the buffer (biowait returns only after bpdone)',
    cite: ['vfs_bio.c:3777-3788', 'vfs_bio.c:3241-3242', 'vfs_bio.c:3283'],
    prepare() {
      return (sim, notes) => {
        for (const n of notes) {
          if (n.kind !== 'biowait_return') continue;
          // The note records the buffer as biowait returned (the thread may re-issue it in the same step).
          const bp = n.data.bp as Buf;
          if (!n.data.bpdoneCompleted || n.data.b_cmd !== BUF_CMD_DONE) return `${n.thread.name}: biowait returned before bpdone completed ${sim.world.nameOf(bp)}`;
        }
        return null;
      };
    },
  },
  {
    id: 'IO-04',
    domain: 'bio',
    kind: 'safety',
    statement: 'bio_flags never has both BIO_WANT and BIO_DONE set',
    cite: ['vfs_bio.c:3261-3266', 'vfs_bio.c:3781'],
    prepare(sim) {
      const bios = objectsWith<Bio>(sim, 'bio_flags');
      if (bios.length === 0) return null;
      return () => {
        for (const b of bios) {
          if ((b.bio_flags & BIO_WANT) && (b.bio_flags & BIO_DONE)) return `${sim.world.nameOf(b)}: BIO_WANT and BIO_DONE both set`;
        }
        return null;
      };
    },
  },
  {
    id: 'IO-13',
    domain: 'bio',
    kind: 'safety',
    statement: 'a BIO_DONE published by biodone_sync stays set until _biowait consumes it',
    cite: ['vfs_bio.c:3779-3788', 'vfs_bio.c:3284'],
    prepare(sim) {
      const bios = objectsWith<Bio>(sim, 'bio_flags', 'g_done_published');
      if (bios.length === 0) return null;
      return () => {
        for (const b of bios) {
          if (b.g_done_published && !(b.bio_flags & BIO_DONE)) return `${sim.world.nameOf(b)}: BIO_DONE was published by biodone_sync but is no longer set`;
        }
        return null;
      };
    },
  },
  {
    id: 'WAKE-06',
    domain: 'bio',
    kind: 'liveness',
    statement: 'a biowait waiter (no timeout) returns after biodone_sync for its bio (no lost wakeup: checked as no deadlock)',
    cite: ['vfs_bio.c:3260-3278', 'vfs_bio.c:3779-3788'],
    blockedIn: ['_biowait'],
  },
];
