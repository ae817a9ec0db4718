'use kernel';
/**
 * ENVIRONMENT (not seed code): the dependency hooks (bioops) vfs_bio.c calls for buffers with a
 * non-empty b_dep (vfs_bio.c:1310, 1349, 2052, 2420, 2441, 3572). Their answers belong to the
 * filesystem (softupdates, HAMMER), so the model makes each one a scheduler choice
 * (spec/vfs_bio_sync.md §8): every answer the seed must cope with is explored.
 */
import type { Kernel } from '../sim/prim.ts';
import { nondet } from '../sim/nondet.ts';
import { lifecycle } from '../sim/report.ts';
import type { Buf } from './bio.ts';
import { B_INVAL, B_LOCKED } from '../kernel/sys.ts';

/**
 * buf_deallocate(bp): the filesystem resolves the buffer's dependencies before it is released
 * or reused; it may instead pin the buffer by setting B_LOCKED (vfs_bio.c:1305-1306,
 * vfs_bio.c:2045-2048), in which case the dependencies stay.
 *
 * Environment assumption: the filesystem does not pin a buffer that is being invalidated
 * (B_INVAL). brelse would go on to vfs_vmio_release with the dependency still listed and trip
 * KKASSERT vfs_bio.c:1864 (docs/hazards.md, "Environment assumptions").
 */
export function* buf_deallocate(bp: Buf): Kernel<void> {
  if (!bp.b_dep) return;
  if ((bp.b_flags & B_INVAL) === 0 && (yield* nondet('buf_deallocate: pin with B_LOCKED', 2, bp)) === 1) {
    bp.b_flags |= B_LOCKED;
    lifecycle(bp, 'SET_LOCKED');
    return;
  }
  bp.b_dep = false;
}

/** buf_countdeps(bp, n): nonzero if writing bp now would be premature (vfs_bio.c:2420). */
export function* buf_countdeps(bp: Buf, _n: number): Kernel<number> {
  if (!bp.b_dep) return 0;
  return yield* nondet('buf_countdeps', 2, bp);
}

/** buf_checkwrite(bp): nonzero if the write must not be started now (vfs_bio.c:2441). */
export function* buf_checkwrite(bp: Buf): Kernel<number> {
  if (!bp.b_dep) return 0;
  return yield* nondet('buf_checkwrite', 2, bp);
}

/** buf_complete(bp): I/O completion of the dependencies (vfs_bio.c:3572): they are satisfied. */
export function* buf_complete(bp: Buf): Kernel<void> {
  bp.b_dep = false;
}
