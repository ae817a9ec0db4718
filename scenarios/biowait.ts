'use kernel';
/**
 * biowait: a thread issues a synchronous I/O on a locked buffer, as bwrite/breadnx do
 * (vfs_bio.c:985-999, vfs_bio.c:915-925), and waits in biowait while the completion
 * (biodone -> biodone_sync, vfs_bio.c:3716-3789) runs in interrupt context on another CPU.
 * Parameters: `ios` sequential synchronous I/Os on the same buffer (so BIO_DONE must be
 * cleared between them, vfs_bio.c:3284/3385), `write` (1 = writes, 0 = reads), `errors`
 * (1 = the device may fail an I/O, exercising the B_ERROR return, vfs_bio.c:3287-3288).
 */
import type { Kernel } from '../impl/sim/prim.ts';
import type { Sim } from '../impl/sim/kernel.ts';
import { note, lifecycle } from '../impl/sim/report.ts';
import { newDevice } from '../impl/sim/device.ts';
import { LK_EXCLUSIVE } from '../impl/sim/locks.ts';
import { newBuf, BUF_LOCK, BUF_UNLOCK, type Buf } from '../impl/env/bio.ts';
import { newVnode, type Vnode } from '../impl/env/vnode.ts';
import { biodone_sync, biowait, vn_strategy } from '../impl/kernel/vfs_bio.ts';
import { BIO_SYNC, B_CACHE, B_EINTR, B_ERROR, BUF_CMD_READ, BUF_CMD_WRITE } from '../impl/kernel/sys.ts';
import type { Scenario } from './types.ts';

/** The synchronous-I/O part of bwrite (vfs_bio.c:985-999) / breadnx (vfs_bio.c:915-925). */
export function* sync_io(vp: Vnode, bp: Buf, ios: number, write: number): Kernel<void> {
  let error: number;
  yield* BUF_LOCK(bp, LK_EXCLUSIVE);
  for (let i = 0; i < ios; i++) {
    bp.b_flags &= ~(B_ERROR | B_EINTR); // vfs_bio.c:985
    if (write) bp.b_flags |= B_CACHE; // vfs_bio.c:986
    bp.b_cmd = write ? BUF_CMD_WRITE : BUF_CMD_READ; // vfs_bio.c:987 / vfs_bio.c:916
    bp.b_error = 0; // vfs_bio.c:988
    bp.b_bio1.bio_done = biodone_sync; // vfs_bio.c:989 / vfs_bio.c:919
    bp.b_bio1.bio_flags |= BIO_SYNC; // vfs_bio.c:990 / vfs_bio.c:920
    lifecycle(bp.b_bio1, 'SYNC_ISSUE');
    yield* vn_strategy(vp, bp.b_bio1); // vfs_bio.c:998 / vfs_bio.c:924
    error = yield* biowait(bp.b_bio1, write ? 'biows' : 'biord'); // vfs_bio.c:999 / vfs_bio.c:925
    note('biowait_return', { bp, error, bpdoneCompleted: bp.g_bpdone, b_cmd: bp.b_cmd });
  }
  // bwrite would brelse(bp) here (vfs_bio.c:1000); the buffer-cache model does that.
  yield* BUF_UNLOCK(bp);
}

function build(sim: Sim, p: Record<string, number>): void {
  sim.options.timeouts = false;
  sim.options.ioErrors = p.errors === 1;
  sim.options.intrCpu = sim.ncpus - 1;
  const dev = sim.world.add('disk', newDevice());
  const vp = newVnode(dev);
  sim.world.add('vp.v_track_read', vp.v_track_read);
  sim.world.add('vp.v_track_write', vp.v_track_write);
  sim.world.add('vp', vp);
  const bp = newBuf();
  sim.world.add('bp', bp);
  sim.world.add('bp.b_lock', bp.b_lock);
  sim.world.add('bp.b_bio1', bp.b_bio1);
  sim.spawn('issuer', 0, sync_io, [vp, bp, p.ios, p.write]);
}

export const biowaitScenario: Scenario = {
  name: 'biowait',
  description:
    'Synchronous I/O: a thread issues I/O on a locked buffer and waits in biowait while biodone/biodone_sync runs in interrupt context on another CPU; timeouts off.',
  cite: ['vfs_bio.c:3234-3296', 'vfs_bio.c:3716-3789', 'vfs_bio.c:3347-3390', 'vfs_bio.c:985-999'],
  params: {
    ios: { default: 2, min: 1, max: 4, description: 'sequential synchronous I/Os on the same buffer' },
    write: { default: 1, min: 0, max: 1, description: '1 = bwrite-style writes, 0 = reads' },
    errors: { default: 1, min: 0, max: 1, description: '1 = the device may fail an I/O with EIO' },
  },
  defaultCpus: 2,
  options: { timeouts: false, ioErrors: 'param errors', intrCpu: 'last CPU' },
  domains: ['trk', 'bio'],
  build,
};
