/**
 * SYNC: the per-mount syncer (spec/vfs_bio_sync.md §6.8 SYNC-01..SYNC-20, vfs_sync.c), plus the
 * end-to-end property across the buffer cache, the syncer and HAMMER (SYNC-21), the exit and
 * free rules of the ctx (SYNC-22, SYNC-23), the stand-in inode's durability (SYNC-26), and two
 * checks of seed comments that the seed does not keep (SYNC-24, SYNC-25: hazard A-11, in their own
 * domain 'sync-comments', which only hazard-A-11 lists).
 *
 * The wheel's links and counters change in several steps under sc_token (vn_syncer_add unlinks,
 * inserts, then sets VONWORKLST with an atomic), so the list-shape laws (SYNC-01, SYNC-02) are
 * checked where sc_token is not held by a running thread: every holder is suspended at a
 * blocking operation, which is when LWKT releases it (SYNC-03 says that is the discipline).
 */
import type { Sim, Thread } from '../impl/sim/kernel.ts';
import type { Vnode } from '../impl/env/vnode.ts';
import type { Buf } from '../impl/env/bio.ts';
import type { StandinInode } from '../impl/env/syncer_vops.ts';
import {
  MNTK_UNMOUNT,
  SC_FLAG_DONE,
  SC_FLAG_EXIT,
  SYNCER_MAXDELAY,
  VISDIRTY,
  VNON,
  VOBJDIRTY,
  VONWORKLST,
  VOPS_SYNC,
  slotOf,
  type Mount,
  type SyncerCtx,
  type VfsSync,
} from '../impl/kernel/vfs_sync_state.ts';
import { B_DELWRI } from '../impl/kernel/sys.ts';
import { objectsWith, tokenBusy, type Invariant } from './types.ts';

const ctxs = (sim: Sim): SyncerCtx[] => objectsWith<SyncerCtx>(sim, 'syncer_workitem_pending', 'sc_token');
const mounts = (sim: Sim): Mount[] => objectsWith<Mount>(sim, 'mnt_syncer_ctx', 'mnt_nvnodelist');
const mountVnodes = (sim: Sim): Vnode[] => objectsWith<Vnode>(sim, 'v_flag', 'v_rbdirty_tree').filter((v) => v.v_mount !== null);
const g = (sim: Sim): VfsSync => sim.globals.vfs_sync as VfsSync;
const name = (sim: Sim, o: object): string => sim.world.nameOf(o);

/** Occurrences of vp on ctx's wheel. */
function occurrences(ctx: SyncerCtx, vp: Vnode): number {
  let n = 0;
  for (const l of ctx.syncer_workitem_pending) for (const x of l) if (x === vp) n++;
  return n;
}

/** A context in use (created and not freed). */
const live = (ctx: SyncerCtx): boolean => ctx.sc_mp !== null && !ctx.g_freed;

/** Is `t` asleep in tsleep on `chan` and not yet woken? */
function asleepOn(t: Thread, chan: object): boolean {
  return !t.done && t.prim?.name === 'tsleep' && t.args?.[0] === chan && t.interlock === chan;
}

function quiescent(sim: Sim): boolean {
  for (const t of sim.threads) if (!t.done && !t.daemon) return false;
  return true;
}

export const syncInvariants: Invariant[] = [
  {
    id: 'SYNC-01',
    domain: 'sync',
    kind: 'safety',
    statement: 'a vnode has VONWORKLST iff it is linked on exactly one slot of its mount\'s wheel (checked where sc_token is not held by a running thread)',
    cite: ['vfs_sync.c:204-218', 'vfs_sync.c:240-249', 'vfs_sync.c:742-746', 'vfs_sync.c:749'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      const vps = mountVnodes(sim);
      return () => {
        for (const ctx of cs) {
          if (!live(ctx) || tokenBusy(sim, ctx.sc_token)) continue;
          for (const vp of vps) {
            if (vp.v_mount !== ctx.sc_mp) continue;
            const n = occurrences(ctx, vp);
            const flag = (vp.v_flag & VONWORKLST) !== 0;
            if (n > 1) return `${name(sim, vp)} is linked ${n} times on the wheel of ${name(sim, ctx)}`;
            if (flag !== (n === 1)) return `${name(sim, vp)}: VONWORKLST is ${flag ? 'set' : 'clear'} but it is ${n === 1 ? '' : 'not '}on the wheel`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-02',
    domain: 'sync',
    kind: 'safety',
    statement: 'syncer_count equals the number of entries on the wheel (checked where sc_token is not held by a running thread)',
    cite: ['vfs_sync.c:206', 'vfs_sync.c:218', 'vfs_sync.c:244', 'vfs_sync.c:248', 'vfs_sync.c:745', 'vfs_sync.c:169-173'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return () => {
        for (const ctx of cs) {
          if (!live(ctx) || tokenBusy(sim, ctx.sc_token)) continue;
          let n = 0;
          for (const l of ctx.syncer_workitem_pending) n += l.length;
          if (n !== ctx.syncer_count) return `${name(sim, ctx)}: syncer_count ${ctx.syncer_count} but ${n} entr${n === 1 ? 'y' : 'ies'} on the wheel`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-03',
    domain: 'sync',
    kind: 'transition',
    statement: 'the wheel links, VONWORKLST, syncer_count, delayno, syncer_forced, EXIT and DONE are modified only while sc_token is held',
    cite: ['vfs_sync.c:188-193', 'vfs_sync.c:202', 'vfs_sync.c:238', 'vfs_sync.c:339-350', 'vfs_sync.c:378-443', 'vfs_sync.c:740', 'vfs_sync.c:792-835'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'sc_modify') continue;
          const ctx = n.data.ctx as SyncerCtx;
          if (!n.thread.tokens.some((h) => h.tok === ctx.sc_token)) return `${n.thread.name} modified ${name(sim, ctx)} at ${n.data.cite} without sc_token`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-04',
    domain: 'sync',
    kind: 'safety',
    statement:
      'a vnode on a mount with a syncer ctx that has VISDIRTY, VOBJDIRTY, a non-empty dirty-buffer tree or a B_DELWRI buffer is VONWORKLST — unless a thread is between making it dirty and its locked worklist check, or it was removed by force, reclaimed, or its mount is being unmounted',
    cite: ['vfs_sync.c:240-249', 'vfs_sync.c:277-304', 'vfs_sync.c:281-287'],
    prepare(sim) {
      const vps = mountVnodes(sim);
      if (vps.length === 0) return null;
      const bufs = objectsWith<Buf>(sim, 'b_xio', 'g_io');
      return () => {
        for (const vp of vps) {
          const mp = vp.v_mount!;
          if (mp.mnt_syncer_ctx === null || mp.mnt_kern_flag & MNTK_UNMOUNT) continue;
          if (vp.v_flag & VONWORKLST || vp.g_dirtying > 0 || vp.g_gone || vp.g_reclaimed) continue;
          let why = '';
          if (vp.v_flag & VISDIRTY) why = 'VISDIRTY';
          else if (vp.v_flag & VOBJDIRTY) why = 'VOBJDIRTY';
          else if (vp.v_rbdirty_tree.length > 0) why = 'dirty buffers on its dirty tree';
          else {
            for (const bp of bufs) if (bp.b_vp === vp && bp.b_flags & B_DELWRI) why = `B_DELWRI ${name(sim, bp)}`;
          }
          if (why) return `${name(sim, vp)} has ${why} but is not on the syncer worklist, and nobody is about to add it`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-05',
    domain: 'sync',
    kind: 'transition',
    statement: 'after vn_syncer_add(vp, d): for d > 0 vp is at the head of slot (delayno + min(d, 30)) & mask, which is not delayno; for d ≤ 0 at the head of slot (−d) & mask',
    cite: ['vfs_sync.c:208-216'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'vn_syncer_add') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          const d = n.data.delay as number;
          const delayno = n.data.delayno as number;
          const want = d > 0 ? (delayno + Math.min(d, SYNCER_MAXDELAY - 2)) & ctx.syncer_mask : -d & ctx.syncer_mask;
          if (ctx.syncer_workitem_pending[want][0] !== vp) return `vn_syncer_add(${name(sim, vp)}, ${d}) with delayno ${delayno}: not at the head of slot ${want} (it is in slot ${slotOf(ctx, vp)})`;
          if (d > 0 && want === delayno) return `vn_syncer_add(${name(sim, vp)}, ${d}) put it in the slot being processed (${delayno})`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-06',
    domain: 'sync',
    kind: 'transition',
    statement: 'delayno stays in [0, mask] and advances only in the syncer thread, under sc_token, by one slot per iteration',
    cite: ['vfs_sync.c:320', 'vfs_sync.c:434-435'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return (_s, notes) => {
        for (const ctx of cs) if (ctx.syncer_delayno < 0 || ctx.syncer_delayno > ctx.syncer_mask) return `${name(sim, ctx)}: delayno ${ctx.syncer_delayno} outside [0, ${ctx.syncer_mask}]`;
        for (const n of notes) {
          if (n.kind !== 'syncer_advance') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const from = n.data.from as number;
          if (ctx.syncer_delayno !== ((from + 1) & ctx.syncer_mask)) return `${name(sim, ctx)}: delayno went from ${from} to ${ctx.syncer_delayno}`;
          if (n.thread !== ctx.sc_thread) return `${n.thread.name} advanced delayno of ${name(sim, ctx)}, not its syncer thread`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-07',
    domain: 'sync',
    kind: 'transition',
    hazard: 'A-3',
    statement: 'the syncer\'s slot drain terminates: processing slot delayno never re-inserts the vnode into delayno (needs retrydelay ≥ 1, which nothing validates)',
    cite: ['vfs_sync.c:96-98', 'vfs_sync.c:413-428', 'vfs_sync.c:208-214'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'syncer_visit' || n.data.who !== 'syncer') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          const slot = n.data.slot as number;
          if (ctx.syncer_workitem_pending[slot].includes(vp)) return `the syncer re-queued ${name(sim, vp)} into slot ${slot}, the slot it is draining (retrydelay ${g(sim).retrydelay}): the loop at vfs_sync.c:413 takes it again`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-08',
    domain: 'sync',
    kind: 'transition',
    hazard: 'A-3',
    statement: 'vsyncscan terminates: its requeue (absolute slot (i + syncdelay) & mask) never puts a vnode back into slot i, the slot it is scanning (needs syncdelay mod 32 ≠ 0; the sysctl allows 32)',
    cite: ['vfs_sync.c:134-138', 'vfs_sync.c:802-831'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'vsyncscan_requeue') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          const slot = n.data.slot as number;
          if (ctx.syncer_workitem_pending[slot][0] === vp) return `vsyncscan re-queued ${name(sim, vp)} at the head of slot ${slot}, the slot it is scanning (syncdelay ${g(sim).syncdelay}): the loop at vfs_sync.c:805 takes it again`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-09',
    domain: 'sync',
    kind: 'safety',
    statement: 'every vnode on a ctx\'s wheel belongs to that ctx\'s mount',
    cite: ['vfs_sync.c:806', 'vfs_sync.c:201'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return () => {
        for (const ctx of cs) for (const l of ctx.syncer_workitem_pending) for (const vp of l) if (vp.v_mount !== ctx.sc_mp) return `${name(sim, vp)} is on the wheel of ${name(sim, ctx)} but belongs to another mount`;
        return null;
      };
    },
  },
  {
    id: 'SYNC-10',
    domain: 'sync',
    kind: 'safety',
    statement: 'syncer_forced ≥ 0, and it is at most the number of threads in vsyncscan (a non-NOWAIT scan raises it for its duration)',
    cite: ['vfs_sync.c:799-801', 'vfs_sync.c:833-834', 'vfs_sync.c:415-427'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return () => {
        for (const ctx of cs) {
          if (ctx.syncer_forced < 0) return `${name(sim, ctx)}: syncer_forced is ${ctx.syncer_forced}`;
          let scanning = 0;
          for (const t of sim.threads) if (!t.done && t.frames.some((f) => f.proc.name === 'vsyncscan')) scanning++;
          if (ctx.syncer_forced > scanning) return `${name(sim, ctx)}: syncer_forced is ${ctx.syncer_forced} with ${scanning} vsyncscan(s) running`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-11',
    domain: 'sync',
    kind: 'safety',
    statement: 'the syncer vnode has type VNON, and with no ctx it is on no wheel',
    cite: ['vfs_sync.c:623', 'vfs_sync.c:741', 'vfs_sync.c:749'],
    prepare(sim) {
      const vps = mountVnodes(sim).filter((v) => v.v_ops === VOPS_SYNC);
      if (vps.length === 0) return null;
      return () => {
        for (const vp of vps) {
          if (vp.v_type !== VNON) return `syncer vnode ${name(sim, vp)} has type ${vp.v_type}, not VNON`;
          if (vp.v_mount!.mnt_syncer_ctx === null && vp.v_flag & VONWORKLST) return `syncer vnode ${name(sim, vp)} is VONWORKLST on a mount without a syncer ctx`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-12',
    domain: 'sync',
    kind: 'transition',
    statement: 'exit handshake: DONE ⇒ EXIT, and nobody dereferences a syncer ctx after vn_syncer_thr_stop freed it (it frees only after seeing DONE; the syncer touches nothing in ctx after releasing the token post-DONE)',
    cite: ['vfs_sync.c:339-353', 'vfs_sync.c:437-441', 'vfs_sync.c:487-495'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return (_s, notes) => {
        for (const ctx of cs) if (ctx.sc_flags & SC_FLAG_DONE && (ctx.sc_flags & SC_FLAG_EXIT) === 0) return `${name(sim, ctx)}: DONE without EXIT`;
        for (const n of notes) {
          if (n.kind !== 'ctx_use') continue;
          const ctx = n.data.ctx as SyncerCtx;
          if (ctx.g_freed) return `${n.thread.name} dereferences ${name(sim, ctx)} at ${n.data.cite} after kfree (vfs_sync.c:353)`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-13',
    domain: 'sync',
    kind: 'liveness',
    statement: 'vn_syncer_thr_stop returns: after EXIT the syncer sets DONE within one iteration plus one hz sleep (checked as no deadlock; with timeouts off the wakeup(ctx) missed between vfs_sync.c:437 and vfs_sync.c:479 hangs it)',
    cite: ['vfs_sync.c:437-441', 'vfs_sync.c:477-484', 'vfs_sync.c:346-347'],
    blockedIn: ['vn_syncer_thr_stop'],
  },
  {
    id: 'SYNC-14',
    domain: 'sync',
    kind: 'safety',
    statement: 'no lost trigger: once the workload is done, the syncer is never asleep (not woken) in its once-a-second tsleep while syncer_trigger is set',
    cite: ['vfs_sync.c:477-484', 'vfs_sync.c:573-576'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return () => {
        if (!quiescent(sim)) return null;
        for (const ctx of cs) {
          const t = ctx.sc_thread;
          if (!live(ctx) || t === null || ctx.syncer_trigger === 0) continue;
          if (asleepOn(t, ctx)) return `${t.name} sleeps in "syncer" with syncer_trigger set and nobody left to wake it: the trigger waits for the hz timeout`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-15',
    domain: 'sync',
    kind: 'transition',
    statement: 'after each rush adjustment 0 ≤ rushjob − syncer_rushjob ≤ syncdelay/2 (mod 2^32)',
    cite: ['vfs_sync.c:461-471'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'syncer_rush') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const d = ((g(sim).rushjob - ctx.syncer_rushjob) | 0) >>> 0;
          if (d > ((g(sim).syncdelay / 2) | 0)) return `${name(sim, ctx)}: rushjob − syncer_rushjob = ${d} after the rush adjustment`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-16',
    domain: 'sync',
    kind: 'transition',
    statement: 'the syncer and vn_syncer_one move a vnode to a later slot before they may block on it (vget): it is no longer in the slot it was taken from',
    cite: ['vfs_sync.c:384-387', 'vfs_sync.c:400-401', 'vfs_sync.c:414-416', 'vfs_sync.c:538-539'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'syncer_vget') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          const from = n.data.from as number;
          const rd = g(sim).retrydelay;
          if (n.data.who === 'one') {
            // vn_syncer_one looks ahead from delayno: re-queued at the head of slot delayno + retrydelay.
            const want = rd > 0 ? (ctx.syncer_delayno + Math.min(rd, SYNCER_MAXDELAY - 2)) & ctx.syncer_mask : -rd & ctx.syncer_mask;
            if (ctx.syncer_workitem_pending[want][0] !== vp) return `vn_syncer_one is about to vget ${name(sim, vp)} without having re-queued it (slot ${slotOf(ctx, vp)}, not the head of ${want})`;
          } else if (slotOf(ctx, vp) === from) return `${n.thread.name} is about to vget ${name(sim, vp)} while it is still in slot ${from}, where it was taken from`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-17',
    domain: 'sync',
    kind: 'transition',
    statement: 'vsyncscan re-queues vp only if vp is still the head of the slot just processed (otherwise vp may be invalid)',
    cite: ['vfs_sync.c:822-828'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind === 'vsyncscan_requeue' && n.data.wasHead !== true) return `vsyncscan re-queued ${name(sim, n.data.vp as object)}, which was no longer the head of slot ${n.data.slot}`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-18',
    domain: 'sync',
    kind: 'safety',
    statement: 'no reclaimed vnode is on a wheel (the wheel holds no reference: reclaim must unlink first, as sync_reclaim does)',
    cite: ['vfs_sync.c:732-753', 'vfs_sync.c:196-221'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      return () => {
        for (const ctx of cs) for (const l of ctx.syncer_workitem_pending) for (const vp of l) if (vp.g_reclaimed) return `reclaimed ${name(sim, vp)} is on the wheel of ${name(sim, ctx)}`;
        return null;
      };
    },
  },
  {
    id: 'SYNC-19',
    domain: 'sync',
    kind: 'transition',
    statement: 'vsyncscan runs only on mounts with MNTK_THR_SYNC and a syncer ctx',
    cite: ['vfs_sync.c:786-791'],
    prepare(sim) {
      if (mounts(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'vsyncscan_enter') continue;
          const mp = n.data.mp as Mount;
          if (mp.mnt_syncer_ctx === null) return `${n.thread.name}: vsyncscan on ${name(sim, mp)}, which has no syncer ctx`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-20',
    domain: 'sync',
    kind: 'safety',
    statement: 'while a mount has a ctx and a syncer vnode and is not being unmounted, the syncer vnode is on the wheel',
    cite: ['vfs_sync.c:646-647', 'vfs_sync.c:685', 'vfs_sync.c:414', 'vfs_sync.c:240-244'],
    prepare(sim) {
      const ms = mounts(sim);
      if (ms.length === 0) return null;
      return () => {
        for (const mp of ms) {
          if (mp.mnt_syncer_ctx === null || mp.mnt_syncer === null || mp.mnt_kern_flag & MNTK_UNMOUNT) continue;
          if ((mp.mnt_syncer.v_flag & VONWORKLST) === 0) return `${name(sim, mp)}: its syncer vnode ${name(sim, mp.mnt_syncer)} is not on the wheel`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-21',
    domain: 'sync',
    kind: 'safety',
    statement:
      'end to end (buffer cache + syncer + HAMMER): after a full wheel turn of the syncer with no writer running and no I/O pending, nothing is dirty — no B_DELWRI buffer, no VISDIRTY/VOBJDIRTY, every block\'s and every inode\'s latest version on the media (DUR-01 with nothing dirty)',
    cite: ['vfs_sync.c:410-435', 'vfs_sync.c:143-166', 'vfs_sync.c:685-702'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      const vps = mountVnodes(sim);
      const bufs = objectsWith<Buf>(sim, 'b_xio', 'g_io');
      return () => {
        for (const ctx of cs) {
          if (!live(ctx) || ctx.g_quiet < SYNCER_MAXDELAY) continue;
          for (const vp of vps) {
            if (vp.v_mount !== ctx.sc_mp || vp.g_reclaimed) continue;
            const what =
              vp.v_flag & (VISDIRTY | VOBJDIRTY)
                ? 'VISDIRTY/VOBJDIRTY'
                : vp.v_rbdirty_tree.length > 0
                  ? 'dirty buffers'
                  : bufs.some((bp) => bp.b_vp === vp && bp.b_flags & B_DELWRI)
                    ? 'a B_DELWRI buffer'
                    : vp.v_disk.g_latest.some((v, b) => vp.v_disk.d_data[b] !== v)
                      ? 'a block whose latest version is not on disk'
                      : vp.v_data !== null && ((vp.v_data as StandinInode).g_disk !== (vp.v_data as StandinInode).g_latest || (vp.v_data as StandinInode).g_odisk !== (vp.v_data as StandinInode).g_olatest)
                        ? 'an inode whose latest version is not on the media'
                        : '';
            if (what) return `${name(sim, vp)} still has ${what} after a full turn of the wheel (${ctx.g_quiet} quiet syncer iterations)`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-22',
    domain: 'sync',
    kind: 'safety',
    statement: 'a mount\'s syncer ctx is unpublished (mnt_syncer_ctx = NULL) only after the syncer confirmed its exit (DONE)',
    cite: ['vfs_sync.c:346-349', 'vfs_sync.c:490'],
    prepare(sim) {
      const ms = mounts(sim);
      if (ms.length === 0) return null;
      return () => {
        for (const mp of ms) {
          const ctx = mp.g_ctx;
          if (mp.mnt_syncer_ctx === null && ctx.sc_mp === mp && !ctx.g_freed && (ctx.sc_flags & SC_FLAG_DONE) === 0 && ctx.sc_thread !== null && !ctx.sc_thread.done) {
            return `${name(sim, mp)}: mnt_syncer_ctx is NULL while ${ctx.sc_thread.name} has not confirmed its exit`;
          }
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-23',
    domain: 'sync',
    kind: 'safety',
    statement: 'a freed syncer ctx has an empty wheel and no vnode of its mount is VONWORKLST',
    cite: ['vfs_sync.c:352-353', 'vfs_sync.c:742-746'],
    prepare(sim) {
      const cs = ctxs(sim);
      if (cs.length === 0) return null;
      const vps = mountVnodes(sim);
      return () => {
        for (const ctx of cs) {
          if (!ctx.g_freed) continue;
          for (const l of ctx.syncer_workitem_pending) if (l.length > 0) return `${name(sim, ctx)} was freed with ${name(sim, l[0])} still on its wheel`;
          for (const vp of vps) if (vp.v_mount === ctx.sc_mp && vp.v_flag & VONWORKLST && !vp.g_reclaimed) return `${name(sim, vp)} is VONWORKLST but its mount's ctx was freed`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-24',
    domain: 'sync-comments',
    kind: 'transition',
    hazard: 'A-11',
    statement: 'the comment at vfs_sync.c:391-393: after a triggered full sync, the following one occurs in 1 second — the syncer vnode sits retrydelay slots ahead of delayno',
    cite: ['vfs_sync.c:391-393', 'vfs_sync.c:400-404', 'vfs_sync.c:685'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'syncer_trigger_synced') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          if ((vp.v_flag & VONWORKLST) === 0) continue;
          const want = (ctx.syncer_delayno + g(sim).retrydelay) & ctx.syncer_mask;
          const at = slotOf(ctx, vp);
          if (at !== want) return `after the triggered sync the syncer vnode is in slot ${at}, ${(at - ctx.syncer_delayno) & ctx.syncer_mask} s ahead of delayno ${ctx.syncer_delayno}, not 1 s (slot ${want}): sync_fsync re-queued it syncdelay ahead (vfs_sync.c:685), and the vsyncscan of its VFS_SYNC may move it again (vfs_sync.c:828)`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-25',
    domain: 'sync-comments',
    kind: 'transition',
    hazard: 'A-11',
    statement: 'the comment at vfs_sync.c:624-628: vfs_allocate_syncvnode spreads syncer vnodes over the wheel — the new one sits next % syncdelay slots ahead of delayno',
    cite: ['vfs_sync.c:624-639', 'vfs_sync.c:647', 'vfs_sync.c:208-209'],
    prepare(sim) {
      if (ctxs(sim).length === 0) return null;
      return (_s, notes) => {
        for (const n of notes) {
          if (n.kind !== 'syncvnode_placed') continue;
          const ctx = n.data.ctx as SyncerCtx;
          const vp = n.data.vp as Vnode;
          const next = n.data.next as number;
          const want = (ctx.syncer_delayno + (next % g(sim).syncdelay)) & ctx.syncer_mask;
          const at = slotOf(ctx, vp);
          if (at !== want) return `the syncer vnode was placed in slot ${at}, not ${next % g(sim).syncdelay} s ahead of delayno ${ctx.syncer_delayno} (slot ${want}): next % syncdelay == 0 passes delay 0, which vn_syncer_add reads as the absolute slot 0 (vfs_sync.c:208-209)`;
        }
        return null;
      };
    },
  },
  {
    id: 'SYNC-26',
    domain: 'sync',
    kind: 'safety',
    statement: 'no lost inode write (the HAMMER hook contract): an inode whose latest version is not on the media is marked modified, and a modified inode\'s vnode is VISDIRTY (VOBJDIRTY for its object) unless its writer still holds the vnode',
    cite: ['vfs_sync.c:273-304', 'vfs_sync.c:254-271'],
    prepare(sim) {
      const vps = mountVnodes(sim).filter((v) => v.v_data !== null);
      if (vps.length === 0) return null;
      return () => {
        for (const vp of vps) {
          const ip = vp.v_data as StandinInode;
          if (ip.g_disk !== ip.g_latest && !ip.i_modified) return `${name(sim, vp)}: inode version ${ip.g_latest} is not on the media and the inode is not marked modified`;
          if (ip.g_odisk !== ip.g_olatest && !ip.o_modified) return `${name(sim, vp)}: object version ${ip.g_olatest} is not on the media and the object is not marked modified`;
          if (vp.v_lock.lk_owner !== null || vp.g_reclaimed) continue;
          if (ip.i_modified && (vp.v_flag & VISDIRTY) === 0) return `${name(sim, vp)}: a modified inode without VISDIRTY — the syncer will not flush it`;
          if (ip.o_modified && (vp.v_flag & VOBJDIRTY) === 0) return `${name(sim, vp)}: a modified object without VOBJDIRTY`;
        }
        return null;
      };
    },
  },
];
