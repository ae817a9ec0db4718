/**
 * A simulated kernel thread: a stack of compiled frames plus the little per-thread kernel state
 * the primitives need (the sleep interlock, LWKT tokens). All of it is data (encode.ts).
 */
import type { Frame } from '../compiler/runtime.ts';
import type { Prim } from './prim.ts';

export interface TokenHold {
  tok: LwktToken;
  exclusive: boolean;
  count: number;
}

/**
 * An LWKT token (DragonFly). Who holds it is recorded in the holders' Thread.tokens, so the
 * token object itself carries only a description.
 */
export interface LwktToken {
  t_desc: string;
}

export class Thread {
  frames: Frame[] = [];
  /** The primitive the thread is suspended at, and its arguments (null once done). */
  prim: Prim | null = null;
  args: unknown[] | null = null;
  done = false;
  /** tsleep_interlock's channel while the thread is on a sleep queue (DragonFly TDF_TSLEEPQ). */
  interlock: object | null = null;
  tokens: TokenHold[] = [];
  /** The state encoder's descriptor id for this thread (cached; see encode.ts). */
  descId = -1;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly cpu: number,
    /** Threads of one group are interchangeable (symmetry reduction). */
    readonly group: string | null,
    /** Interrupt context (I/O completion). */
    readonly intr: boolean,
    /** A daemon (bufdaemon, syncer): it never finishes, and may sleep forever once the workload is done. */
    readonly daemon: boolean = false,
  ) {}

  top(): Frame {
    return this.frames[this.frames.length - 1];
  }
}
