/**
 * TRK: BIO tracking (spec/vfs_bio_sync.md §6.5, vfs_bio.c:515-597).
 */
import type { BioTrack } from '../impl/env/bio.ts';
import { objectsWith, type Invariant } from './types.ts';

const tracks = (sim: Parameters<NonNullable<Invariant['prepare']>>[0]) => objectsWith<BioTrack>(sim, 'bk_active', 'g_inflight');
const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export const trkInvariants: Invariant[] = [
  {
    id: 'TRK-01',
    domain: 'trk',
    kind: 'safety',
    statement: 'bk_active is never exactly 0x80000000: the wait flag is set only while the count is nonzero',
    cite: ['vfs_bio.c:518-520', 'vfs_bio.c:544-546', 'vfs_bio.c:577-579', 'vfs_bio.c:585-589'],
    prepare(sim) {
      const ts = tracks(sim);
      if (ts.length === 0) return null;
      return () => {
        for (const t of ts) if ((t.bk_active >>> 0) === 0x80000000) return `bk_active of ${sim.world.nameOf(t)} is 0x80000000: the wait flag survived the last release`;
        return null;
      };
    },
  },
  {
    id: 'TRK-02',
    domain: 'trk',
    kind: 'safety',
    statement: 'the count (bk_active & 0x7FFFFFFF) equals the number of tracked I/Os in flight (references taken and not yet released)',
    cite: ['vfs_bio.c:3386-3387', 'vfs_bio.c:3736-3739', 'vfs_bio.c:533', 'vfs_bio.c:547'],
    prepare(sim) {
      const ts = tracks(sim);
      if (ts.length === 0) return null;
      return () => {
        for (const t of ts) {
          const count = t.bk_active & 0x7fffffff;
          if (count !== t.g_inflight) return `${sim.world.nameOf(t)}: count ${count} (bk_active ${hex(t.bk_active)}) but ${t.g_inflight} tracked I/O(s) in flight`;
        }
        return null;
      };
    },
  },
  {
    id: 'TRK-03',
    domain: 'trk',
    kind: 'liveness',
    statement: 'with timeouts disabled, a thread in bio_track_wait returns once the count reaches 0 (no lost wakeup: checked as no deadlock)',
    cite: ['vfs_bio.c:585-596', 'vfs_bio.c:550-551'],
    blockedIn: ['bio_track_wait'],
  },
  {
    id: 'TRK-04',
    domain: 'trk',
    kind: 'safety',
    statement: 'no count underflow: bit 30 of bk_active is never set (bio_track_rel panics on it)',
    cite: ['vfs_bio.c:540-541', 'vfs_bio.c:548-549'],
    prepare(sim) {
      const ts = tracks(sim);
      if (ts.length === 0) return null;
      return () => {
        for (const t of ts) if (t.bk_active & 0x40000000) return `${sim.world.nameOf(t)}: bk_active ${hex(t.bk_active)} has bit 30 set (negative count)`;
        return null;
      };
    },
  },
  {
    id: 'TRK-05',
    domain: 'trk',
    kind: 'transition',
    statement: 'bio_track_wait returns 0 only when no tracked I/O is in flight',
    cite: ['vfs_bio.c:574-575', 'vfs_bio.c:585', 'vfs_bio.c:596'],
    prepare(sim) {
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'track_wait_return') continue;
          const t = n.data.track as BioTrack;
          if (n.data.error === 0 && t.g_inflight !== 0) {
            return `${n.thread.name}: bio_track_wait returned 0 with ${t.g_inflight} tracked I/O(s) still in flight on ${sim.world.nameOf(t)}`;
          }
        }
        return null;
      };
    },
  },
];
