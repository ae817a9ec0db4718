'use kernel';
/** M18: buf_daemon1 consumes its request word (atomic_swap) before tsleep_interlock (vfs_bio.c:2282-2283 swapped). */
import type { MutantMeta } from './types.ts';
import { BQUEUE_NONE, B_MARKER, KKASSERT, type Kernel, PINTERLOCKED, atomic_swap_int, tsleep, tsleep_interlock } from '../impl/api.ts';
import { type Buf } from '../impl/env/bio.ts';
import { buf_daemon_hw_limit, buf_daemon_limit, flushbufqueues, waitrunningbufspace } from '../impl/kernel/vfs_bio.ts';
import { type Word, vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "M18",
  "title": "bufdaemon swaps its request word before interlocking",
  "description": "The daemon swaps bd_request to 0 and only then queues itself on the channel: a bd_speedup in between sees 0, increments it and wakes a channel nobody is queued on; the daemon then sleeps (hz in the kernel, untimed with timeouts off) with the request pending — and because bd_request stays nonzero, every later bd_speedup's racy pre-test (vfs_bio.c:395-397) suppresses its request too. The shortest counterexample: the request from bdwrite's bd_heatup lands in the gap, the writer's explicit bd_speedup is suppressed, and the writer waiting for the flush waits forever (WAKE-04, added in invariants/mutant-catalog-a.ts).",
  "cite": [
    "vfs_bio.c:2282-2284"
  ],
  "expect": "killed",
  "killedBy": [
    "WAKE-04"
  ],
  "scenario": "mut-daemon-request",
  "params": {}
};

/** hz, as in impl/kernel/vfs_bio.ts: any positive timeout. */
const hz = 100;

export default {
  *buf_daemon1(queue: number, hw: number, bd_req: Word, marker: Buf): Kernel<void> {
    const g = vb();
    let limit: number;
    let old: number;

    KKASSERT((marker.b_flags & B_MARKER) !== 0 && marker.b_qindex === BQUEUE_NONE, 'vfs_bio.c:2235-2238', 'marker set up');
    // EVENTHANDLER_REGISTER / TDF_SYSTHREAD (vfs_bio.c:2243-2245): not modelled.

    for (;;) {
      // kproc_suspend_loop() (vfs_bio.c:2251): shutdown only; not modelled.

      // Flush while dirty + running exceeds lodirtybufspace/2 (vfs_bio.c:2253-2275).
      yield* waitrunningbufspace(); // vfs_bio.c:2267
      limit = Math.trunc(g.lodirtybufspace / 2); // vfs_bio.c:2268
      while (hw ? yield* buf_daemon_hw_limit(limit) : yield* buf_daemon_limit(limit)) {
        if ((yield* flushbufqueues(marker, queue)) === 0) break;
        if (g.runningbufspace < g.hirunningspace) continue;
        yield* waitrunningbufspace();
      }

      // Reset the request and sleep until needed again (vfs_bio.c:2277-2284).
      old = yield* atomic_swap_int(bd_req, 'v', 0); // vfs_bio.c:2283; MUTANT: was after the tsleep_interlock
      yield* tsleep_interlock(bd_req, 0); // vfs_bio.c:2282
      if (old === 0) yield* tsleep(bd_req, PINTERLOCKED, 'psleep', hz); // vfs_bio.c:2283-2284
    }
  },
};
