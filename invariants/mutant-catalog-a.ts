/**
 * Buffer-cache invariants added with mutants M01-M19
 * (spec/vfs_bio_sync.md §6 ids where the catalog has one). Domain 'buf'.
 */
import type { Invariant } from './types.ts';

export const mutantCatalogA: Invariant[] = [
  {
    id: 'WAKE-04',
    domain: 'buf',
    kind: 'liveness',
    statement:
      "after bd_speedup's 0->1 transition of a request word, that daemon runs its flush loop again without depending on the hz timeout (checked, with timeouts off, as no deadlock of a thread waiting for the flush it requested: await_flush in scenarios/mutant-ops-a.ts)",
    cite: ['vfs_bio.c:395-406', 'vfs_bio.c:2282-2284'],
    blockedIn: ['await_flush'],
  },
];
