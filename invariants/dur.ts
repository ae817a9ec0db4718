/**
 * DUR: no lost writes (SPEC "No lost writes (durability)"; spec/vfs_bio_sync.md §6.9 DATA-01/02).
 * Every block has a latest version (vp.v_disk.g_latest, bumped by each write a thread makes
 * through the buffer cache or a mapped page); the model tracks where each version lives.
 */
import type { Buf } from '../impl/env/bio.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { VmPage } from '../impl/env/vm.ts';
import { PG_NEED_COMMIT, PQ_FREE } from '../impl/env/vm.ts';
import { B_DELWRI, B_CACHE, B_INVAL, BUF_CMD_WRITE } from '../impl/kernel/sys.ts';
import { objectsWith, type Invariant } from './types.ts';

/** Does some buffer hold `m` in its page array with data not yet on disk (delayed, being written, or just stored)? */
function heldByDirtyBuffer(bufs: Buf[], m: VmPage): boolean {
  for (const bp of bufs) {
    if ((bp.b_flags & B_DELWRI) === 0 && bp.g_io !== BUF_CMD_WRITE && !bp.g_modified) continue;
    const x = bp.b_xio;
    for (let i = 0; i < x.xio_npages; i++) if (x.xio_pages[i] === m) return true;
  }
  return false;
}

export const durInvariants: Invariant[] = [
  {
    id: 'DUR-01',
    domain: 'dur',
    kind: 'safety',
    statement:
      'no lost write: the latest version of every block lives on the disk, or in a resident page that is dirty, need-commit, or held by a B_DELWRI buffer, a buffer whose write has not completed, or a buffer its owner just stored into',
    cite: ['vfs_bio.c:1325-1332', 'vfs_bio.c:1094-1108', 'vfs_bio.c:1118-1125', 'vfs_bio.c:3541-3565', 'vfs_bio.c:1291-1296'],
    prepare(sim) {
      const vnodes = objectsWith<Vnode>(sim, 'v_disk', 'v_object');
      if (vnodes.length === 0) return null;
      const bufs = objectsWith<Buf>(sim, 'b_xio', 'g_io');
      return () => {
        for (const vp of vnodes) {
          const d = vp.v_disk;
          const obj = vp.v_object;
          for (let b = 0; b < d.g_latest.length; b++) {
            const latest = d.g_latest[b];
            if (d.d_data[b] === latest) continue;
            const m = obj ? obj.pages[b] : undefined;
            if (m && m.queue !== PQ_FREE && m.g_data === latest) {
              if (m.dirty || m.flags & PG_NEED_COMMIT || heldByDirtyBuffer(bufs, m)) continue;
            }
            return `${sim.world.nameOf(vp)} block ${b}: version ${latest} is lost (disk has ${d.d_data[b]}, page ${m ? sim.world.nameOf(m) : '-'} holds ${m && m.queue !== PQ_FREE ? m.g_data : 'nothing'} and nothing marks it dirty)`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'DUR-02',
    domain: 'dur',
    kind: 'transition',
    statement: 'a synchronous write (bwrite) that returns success leaves on disk at least the version each of its blocks had when it began',
    cite: ['vfs_bio.c:948-1003', 'vfs_bio.c:3541-3565'],
    prepare() {
      return (sim, notes) => {
        for (const n of notes) {
          if (n.kind !== 'bwrite_return' || n.data.error !== 0) continue;
          const vp = n.data.vp as Vnode;
          const pindex = n.data.pindex as number;
          const versions = n.data.versions as number[];
          for (let i = 0; i < versions.length; i++) {
            if (vp.v_disk.d_data[pindex + i] < versions[i]) {
              return `${n.thread.name}: bwrite returned 0 but block ${pindex + i} of ${sim.world.nameOf(vp)} has version ${vp.v_disk.d_data[pindex + i]} on disk, older than the ${versions[i]} it wrote`;
            }
          }
        }
        return null;
      };
    },
  },
  {
    id: 'DATA-02',
    domain: 'dur',
    kind: 'transition',
    statement: 'no stale read: a successful bread returns a buffer with B_CACHE and not B_INVAL whose pages hold the latest version of its blocks',
    cite: ['vfs_bio.c:2689-2721', 'vfs_bio.c:3604-3613', 'vfs_bio.c:3917-3924'],
    prepare() {
      return (sim, notes) => {
        for (const n of notes) {
          if (n.kind !== 'bread_return' || n.data.error !== 0) continue;
          const bp = n.data.bp as Buf;
          const flags = n.data.flags as number;
          if ((flags & (B_CACHE | B_INVAL)) !== B_CACHE) return `${n.thread.name}: bread succeeded but ${sim.world.nameOf(bp)} is not B_CACHE or is B_INVAL`;
          const versions = n.data.versions as number[];
          const latest = n.data.latest as number[];
          for (let i = 0; i < versions.length; i++) {
            if (versions[i] !== latest[i]) return `${n.thread.name}: bread of ${sim.world.nameOf(bp)} returned version ${versions[i]} of its page ${i}, not the latest ${latest[i]}`;
          }
        }
        return null;
      };
    },
  },
];
