'use kernel';
/** E02 (equivalent): bd_speedup wakes its daemon whatever the old request count (spec §3.5). */
import type { MutantMeta } from './types.ts';
import { type Kernel, atomic_fetchadd_int, wakeup } from '../impl/api.ts';
import { vb } from '../impl/kernel/vfs_bio_state.ts';

export const meta: MutantMeta = {
  "id": "E02",
  "title": "bd_speedup wakes the daemon unconditionally (equivalent)",
  "description": "bd_speedup issues wakeup(&bd_request) after every increment, not only on the 0->1 transition. The extra wakeups are spurious: a daemon woken while it is flushing is not queued (the wakeup does nothing), and one woken from its sleep re-runs the flush loop, which it would also do on the pending nonzero request.",
  "cite": [
    "vfs_bio.c:398-399",
    "vfs_bio.c:404-405"
  ],
  "expect": "survives",
  "killedBy": [],
  "scenario": "mut-daemon-request",
  "params": {},
  "why": "Equivalent (spec §3.5 \"Q3 unconditional -> spurious wakeups only\"): a nonzero old count means an earlier request already issued its wakeup and the daemon has not yet swapped the word, so it will see the word nonzero at D2 and loop without sleeping; an extra wakeup can only end a sleep early, after which the daemon re-evaluates the counters exactly as after a timeout. No state the seed cannot reach becomes reachable except in the sleep-queue membership of an already-woken daemon."
};

export default {
  *bd_speedup(): Kernel<void> {
    const g = vb();
    if (g.dirtykvaspace < g.lodirtybufspace && g.dirtybufcount < g.nbuf / 2) return; // vfs_bio.c:392-393

    if (g.bd_request.v === 0 && (g.dirtykvaspace > g.lodirtybufspace / 2 || g.dirtybufcount - g.dirtybufcounthw >= g.nbuf / 2)) { // vfs_bio.c:395-397
      yield* atomic_fetchadd_int(g.bd_request, 'v', 1); // vfs_bio.c:398
      yield* wakeup(g.bd_request); // vfs_bio.c:399; EQUIVALENT: was `if (atomic_fetchadd_int(...) == 0) wakeup(...)`
    }
    if (g.bd_request_hw.v === 0 && (g.dirtykvaspace > g.lodirtybufspace / 2 || g.dirtybufcounthw >= g.nbuf / 2)) { // vfs_bio.c:401-403
      yield* atomic_fetchadd_int(g.bd_request_hw, 'v', 1); // vfs_bio.c:404
      yield* wakeup(g.bd_request_hw); // vfs_bio.c:405; EQUIVALENT: was conditional on the old value being 0
    }
  },
};
