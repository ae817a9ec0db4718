'use kernel';
/** The biowait scenario's issuer: `ios` synchronous writes (bwrite) or reads (bread) of block 0. */
import type { Kernel } from '../impl/sim/prim.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import { read_block, write_block, WRITE_BWRITE } from './bufops.ts';

export function* biowait_workload(vp: Vnode, ios: number, write: number): Kernel<void> {
  for (let i = 0; i < ios; i++) {
    if (write) yield* write_block(vp, 0, 1, WRITE_BWRITE);
    else yield* read_block(vp, 0, 1, 1);
  }
}
