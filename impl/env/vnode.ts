'use kernel';
/**
 * ENVIRONMENT (not seed code): the vnode as far as the slice needs it — its read and write
 * bio_tracks (v_track_read / v_track_write, vfs_bio.c:3381-3384) and vop_strategy, which
 * hands the bio to the device. A real filesystem pushes b_bio2 and calls vn_strategy again on
 * the device vnode (vfs_bio.c:3331-3334); the model collapses that layer, so the device
 * completes b_bio1 and biodone runs on it directly. The device's completion interrupt runs biodone() after
 * recording an injected I/O error in the buffer (B_ERROR, b_error), as a disk driver does.
 */
import type { Kernel } from '../sim/prim.ts';
import { dev_start, type Device } from '../sim/device.ts';
import type { KernelFunction } from '../compiler/runtime.ts';
import { newBioTrack, type Bio, type BioTrack } from './bio.ts';
import { B_ERROR } from '../kernel/sys.ts';
import { biodone } from '../kernel/vfs_bio.ts';

export interface Vnode {
  v_track_read: BioTrack;
  v_track_write: BioTrack;
  v_dev: Device;
}

export function newVnode(dev: Device): Vnode {
  return { v_track_read: newBioTrack(), v_track_write: newBioTrack(), v_dev: dev };
}

/** Driver interrupt: note the error in the buffer, then biodone(bio). */
export function* strategy_done(bio: Bio, error: number): Kernel<void> {
  if (error) {
    bio.bio_buf.b_flags |= B_ERROR;
    bio.bio_buf.b_error = error;
  }
  yield* biodone(bio);
}

/** vop_strategy(vp->v_ops, vp, bio): queue the I/O on the device (vfs_bio.c:3389). */
export function* vop_strategy(vp: Vnode, bio: Bio): Kernel<void> {
  yield* dev_start(vp.v_dev, bio, strategy_done as unknown as KernelFunction);
}
