'use kernel';
/**
 * ENVIRONMENT (not seed code): cluster_awrite(bp) [ext] (vfs_bio.c:2446, 2449) takes a locked,
 * off-queue B_DELWRI buffer and writes it asynchronously, possibly clustered with neighbours.
 * The model does what spec/vfs_bio_sync.md §8 says: cluster_awrite(bp) := bawrite(bp).
 */
import type { Kernel } from '../sim/prim.ts';
import type { Buf } from './bio.ts';
import { bawrite } from '../kernel/vfs_bio.ts';

export function* cluster_awrite(bp: Buf): Kernel<number> {
  yield* bawrite(bp);
  return 1;
}
