/**
 * State capture: the whole simulator state as bytes, and back.
 *
 * A state is the world (every registered object's fields, in registration order) plus every
 * thread: its descriptor, whether it is done, its sleep interlock, its LWKT tokens, and its
 * frames — procedure, resumption label, *live* locals — and the primitive it is suspended at
 * with its arguments. Values are tagged and varint-encoded, so equal bytes mean equal states
 * and the encoding is injective (1 and 0x80000001|0 stay distinct, as they do in JavaScript).
 *
 * With symmetry, threads of one group are sorted by their own encodings and thread references
 * are renamed by the same permutation, so the bytes encode a permuted copy of the state (sound:
 * states with equal bytes are symmetric, hence behave the same).
 */
import { newFrame, allProcs, type Proc } from '../compiler/runtime.ts';
import { allPrims } from './prim.ts';
import { Sim, Thread } from './kernel.ts';
import { OBJ_ID } from './world.ts';

const T_UNDEF = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_OBJ = 6;
const T_STR = 7;
const T_FN = 8;
const T_THREAD = 9;
const T_ARRAY = 10;

export class ByteBuf {
  buf = new Uint8Array(256);
  len = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  reset(): void {
    this.len = 0;
  }
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }
  byte(b: number): void {
    if (this.len >= this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned varint up to 2^53. */
  uvar(v: number): void {
    this.grow(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }
  float(v: number): void {
    this.grow(8);
    this.f64[0] = v;
    this.buf.set(this.f64b, this.len);
    this.len += 8;
  }
  bytes(src: Uint8Array, from = 0, to = src.length): void {
    this.grow(to - from);
    this.buf.set(src.subarray(from, to), this.len);
    this.len += to - from;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const F64 = new Float64Array(1);
const F64B = new Uint8Array(F64.buffer);

export class ByteReader {
  pos = 0;
  private readonly f64 = F64;
  private readonly f64b = F64B;
  constructor(public buf: Uint8Array) {}
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
  }
  byte(): number {
    return this.buf[this.pos++];
  }
  uvar(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  }
  float(): number {
    this.f64b.set(this.buf.subarray(this.pos, this.pos + 8));
    this.pos += 8;
    return this.f64[0];
  }
}

/** Interns strings and functions (values the kernel code stores that are not numbers/objects). */
class Interner {
  private readonly ids = new Map<unknown, number>();
  readonly values: unknown[] = [];
  id(v: unknown): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      this.ids.set(v, id);
    }
    return id;
  }
}

export interface EncodeOptions {
  symmetry: boolean;
}

/** Process-wide, so encodings made by different codecs in one process are comparable. */
const INTERNER = new Interner();

export class StateCodec {
  private readonly interner = INTERNER;
  private readonly out = new ByteBuf();
  private readonly scratch: ByteBuf[] = [];
  private readonly reader = new ByteReader(new Uint8Array(0));
  private readonly decObjEnd: number[] = [];
  private readonly encObjEnd: number[] = [];
  private decWorldStart = 0;
  private encWorldStart = 0;
  private decoded: Uint8Array | null = null;
  private decodedN = 0;
  private worldOff = 0;
  private readonly threadOff: number[] = [];
  private readonly threadEnd: number[] = [];
  private readonly threadHasRef: boolean[] = [];
  private sawThreadRef = false;
  private sawArray = false;
  private readonly threadHasArray: boolean[] = [];
  /** Arrays met by the encode in progress (the single-owner check), or null. */
  private arraysSeen: Set<unknown[]> | null = null;
  private readonly aliasCheck = new Set<unknown[]>();
  /** The thread that stepped since the last decode/restore (-1: unknown, encode everything). */
  private stepped = -1;
  private readonly savedInterlock: (object | null)[] = [];
  /** Thread renaming applied while encoding (old tid -> new tid). */
  private rename: Int32Array | null = null;
  /** Permutation of the last encode: perm[newTid] = oldTid. */
  lastPerm: number[] = [];
  private readonly groups: number[][];
  private readonly procs: readonly Proc[];
  private readonly prims = allPrims();

  constructor(
    readonly sim: Sim,
    readonly opts: EncodeOptions,
  ) {
    this.procs = allProcs();
    const byGroup = new Map<string, number[]>();
    for (const t of sim.threads) {
      if (t.group === null) continue;
      let g = byGroup.get(t.group);
      if (!g) byGroup.set(t.group, (g = []));
      g.push(t.id);
    }
    this.groups = [...byGroup.values()].filter((g) => g.length > 1);
  }

  // ---------------------------------------------------------------- values

  private value(b: ByteBuf, v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        b.byte(T_UNDEF);
        return;
      case 'boolean':
        b.byte(v ? T_TRUE : T_FALSE);
        return;
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          b.byte(T_INT);
          b.uvar(v >= 0 ? v * 2 : -v * 2 - 1);
        } else {
          b.byte(T_FLOAT);
          b.float(v);
        }
        return;
      case 'string':
        b.byte(T_STR);
        b.uvar(this.interner.id(v));
        return;
      case 'function':
        b.byte(T_FN);
        b.uvar(this.interner.id(v));
        return;
      case 'object': {
        if (v === null) {
          b.byte(T_NULL);
          return;
        }
        if (v instanceof Thread) {
          b.byte(T_THREAD);
          b.uvar(this.rename ? this.rename[v.id] : v.id);
          return;
        }
        const id = (v as { [OBJ_ID]?: number })[OBJ_ID];
        if (id !== undefined) {
          b.byte(T_OBJ);
          b.uvar(id);
          return;
        }
        if (Array.isArray(v)) {
          // Arrays are encoded by value, so an array must have one owner: two references to it
          // would decode as two arrays. (A shared queue is a registered object holding one.)
          if (this.arraysSeen) {
            if (this.arraysSeen.has(v)) throw new Error('state capture: one array is referenced from two places; give it a single owner (a registered object holding it)');
            this.arraysSeen.add(v);
          }
          b.byte(T_ARRAY);
          b.uvar(v.length);
          for (const x of v) this.value(b, x);
          return;
        }
        throw new Error(`state capture: value of unregistered object type ${v.constructor?.name ?? 'Object'} (register it in the world)`);
      }
      default:
        throw new Error(`state capture: cannot encode a ${typeof v}`);
    }
  }

  private readValue(r: ByteReader): unknown {
    const tag = r.byte();
    switch (tag) {
      case T_UNDEF:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const z = r.uvar();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case T_FLOAT:
        return r.float();
      case T_STR:
      case T_FN:
        return this.interner.values[r.uvar()];
      case T_OBJ:
        return this.sim.world.objects[r.uvar()];
      case T_THREAD:
        this.sawThreadRef = true;
        return this.sim.threads[r.uvar()];
      case T_ARRAY: {
        this.sawArray = true;
        const n = r.uvar();
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.readValue(r);
        return a;
      }
      default:
        throw new Error(`state decode: bad tag ${tag}`);
    }
  }

  // ---------------------------------------------------------------- threads

  /** Grouped threads share one descriptor (their names are cosmetic), so they can be permuted. */
  private descOf(t: Thread): number {
    if (t.descId < 0) t.descId = this.sim.descId({ name: t.group ?? t.name, cpu: t.cpu, group: t.group, intr: t.intr, daemon: t.daemon });
    return t.descId;
  }

  /**
   * Thread k's encoding. A thread that did not step since decode() and whose sleep-queue
   * membership is unchanged has the same bytes as in the decoded state: copy them.
   */
  private threadInto(b: ByteBuf, k: number): void {
    const t = this.sim.threads[k];
    if (
      this.stepped >= 0 &&
      k !== this.stepped &&
      k < this.decodedN &&
      t.interlock === this.savedInterlock[k] &&
      !(this.rename !== null && this.threadHasRef[k]) &&
      !this.threadHasArray[k]
    ) {
      b.bytes(this.decoded!, this.threadOff[k], this.threadEnd[k]);
      return;
    }
    this.thread(b, t);
  }

  private thread(b: ByteBuf, t: Thread): void {
    if (t.done) {
      b.byte(1);
      return;
    }
    b.byte(0);
    this.value(b, t.interlock);
    b.uvar(t.tokens.length);
    for (const h of t.tokens) {
      this.value(b, h.tok);
      b.byte(h.exclusive ? 1 : 0);
      b.uvar(h.count);
    }
    b.uvar(t.frames.length);
    for (const f of t.frames) {
      b.uvar(f.proc.id);
      b.uvar(f.pc);
      const live = f.proc.live[f.pc] ?? [];
      for (const i of live) this.value(b, f.l[i]);
    }
    const p = t.prim!;
    b.uvar(p.id);
    const args = t.args!;
    b.uvar(args.length);
    for (const a of args) this.value(b, a);
  }

  private readThread(slot: number, descId: number): Thread {
    const sim = this.sim;
    const existing = sim.threads[slot];
    if (existing && this.descOf(existing) === descId) return existing;
    const d = sim.descs[descId];
    const t = new Thread(slot, d.name, d.cpu, d.group, d.intr, d.daemon ?? false);
    sim.threads[slot] = t;
    return t;
  }

  private readThreadBody(r: ByteReader, t: Thread): void {
    const done = r.byte() === 1;
    t.done = done;
    t.interlock = null;
    t.prim = null;
    t.args = null;
    if (done) {
      t.frames.length = 0;
      if (t.tokens.length) t.tokens = [];
      return;
    }
    t.interlock = this.readValue(r) as object | null;
    const nt = r.uvar();
    if (nt === 0) {
      if (t.tokens.length) t.tokens = [];
    } else {
      t.tokens = [];
      for (let i = 0; i < nt; i++) {
        const tok = this.readValue(r) as Thread['tokens'][number]['tok'];
        const exclusive = r.byte() === 1;
        const count = r.uvar();
        t.tokens.push({ tok, exclusive, count });
      }
    }
    const nf = r.uvar();
    const frames = t.frames;
    for (let i = 0; i < nf; i++) {
      const proc = this.procs[r.uvar()];
      let f = frames[i];
      // Reuse the frame object when it runs the same procedure (the common case).
      if (f === undefined || f.proc !== proc) {
        f = newFrame(proc, []);
        frames[i] = f;
      } else {
        f.l.fill(undefined);
        f.ret = undefined;
        f.rv = undefined;
        f.callee = null;
        f.args = null;
      }
      f.pc = r.uvar();
      const live = proc.live[f.pc];
      if (live) for (let k = 0; k < live.length; k++) f.l[live[k]] = this.readValue(r);
    }
    frames.length = nf;
    t.prim = this.prims[r.uvar()];
    const na = r.uvar();
    const args = new Array<unknown>(na);
    for (let i = 0; i < na; i++) args[i] = this.readValue(r);
    t.args = args;
  }

  // ---------------------------------------------------------------- whole states

  /** Threads in the state last decoded. */
  get decodedThreads(): number {
    return this.decodedN;
  }

  /** Encodes the simulator's current state; the returned view is valid until the next call. */
  encode(steppedThread = -1): Uint8Array {
    this.stepped = this.decoded ? steppedThread : -1;
    const sim = this.sim;
    const threads = sim.threads;
    const n = threads.length;
    let perm: number[] | null = null;
    if (this.opts.symmetry && this.groups.length > 0) {
      perm = this.canonicalPermutation();
    }
    this.lastPerm = perm ?? identity(n);
    if (perm) {
      const rename = new Int32Array(n);
      for (let nt = 0; nt < n; nt++) rename[perm[nt]] = nt;
      this.rename = rename;
    } else {
      this.rename = null;
    }
    const b = this.out;
    b.reset();
    this.arraysSeen = this.aliasCheck;
    this.aliasCheck.clear();
    b.uvar(n);
    for (let nt = 0; nt < n; nt++) b.uvar(this.descOf(threads[perm ? perm[nt] : nt]));
    const world = sim.world;
    const ends = this.encObjEnd;
    this.encWorldStart = b.len;
    for (let i = 0; i < world.objects.length; i++) {
      const vals = world.values[i];
      for (let j = 0; j < vals.length; j++) this.value(b, vals[j]);
      ends[i] = b.len;
    }
    for (let nt = 0; nt < n; nt++) this.threadInto(b, perm ? perm[nt] : nt);
    this.arraysSeen = null;
    this.rename = null;
    this.stepped = -1;
    return b.view();
  }

  /** perm[newTid] = oldTid: within each group, threads sorted by their own encodings. */
  private canonicalPermutation(): number[] {
    const threads = this.sim.threads;
    const perm = identity(threads.length);
    for (const g of this.groups) {
      const encs = g.map((tid, k) => {
        const sb = (this.scratch[k] ??= new ByteBuf());
        sb.reset();
        sb.uvar(this.descOf(threads[tid]));
        this.threadInto(sb, tid);
        return { tid, bytes: sb.view() };
      });
      encs.sort((a, b) => compareBytes(a.bytes, b.bytes) || a.tid - b.tid);
      for (let k = 0; k < g.length; k++) perm[g[k]] = encs[k].tid;
    }
    return perm;
  }

  /** Restores the simulator to an encoded state. */
  decode(bytes: Uint8Array): void {
    const sim = this.sim;
    const r = this.reader;
    r.reset(bytes);
    const n = r.uvar();
    // Thread slots first: thread references in the world decode to sim.threads[k].
    for (let k = 0; k < n; k++) this.readThread(k, r.uvar());
    if (sim.threads.length !== n) sim.threads.length = n;
    this.worldOff = r.pos;
    this.readWorld(r);
    const offs = this.threadOff;
    const il = this.savedInterlock;
    for (let k = 0; k < n; k++) {
      offs[k] = r.pos;
      const t = sim.threads[k];
      this.sawThreadRef = false;
      this.sawArray = false;
      this.readThreadBody(r, t);
      this.threadEnd[k] = r.pos;
      this.threadHasRef[k] = this.sawThreadRef;
      this.threadHasArray[k] = this.sawArray;
      il[k] = t.interlock;
    }
    this.decodedN = n;
    this.decoded = bytes;
  }

  /**
   * Restores the state last passed to decode() after thread `tid` took a step from it. A step
   * changes only the world, its own thread, other threads' sleep-queue membership (wakeup) and
   * the thread count (spawn), so only those are restored.
   */
  restoreAfterStep(tid: number): void {
    const sim = this.sim;
    const r = this.reader;
    r.reset(this.decoded!);
    r.pos = this.worldOff;
    this.readWorld(r);
    const n = this.decodedN;
    if (sim.threads.length !== n) sim.threads.length = n;
    r.pos = this.threadOff[tid];
    this.readThreadBody(r, sim.threads[tid]);
    const il = this.savedInterlock;
    for (let k = 0; k < n; k++) sim.threads[k].interlock = il[k];
  }

  private readWorld(r: ByteReader): void {
    const world = this.sim.world;
    const objs = world.objects;
    const ends = this.decObjEnd;
    this.decWorldStart = r.pos;
    for (let i = 0; i < objs.length; i++) {
      const vals = world.values[i];
      for (let j = 0; j < vals.length; j++) vals[j] = this.readValue(r);
      ends[i] = r.pos;
    }
  }

  /**
   * The registered objects whose encoding differs between the state last decoded and the one
   * last encoded: what a step wrote (for partial-order reduction). Returned as object ids.
   */
  worldWrites(out: number[]): number[] {
    out.length = 0;
    const a = this.decoded;
    const b = this.out.buf;
    if (!a) return out;
    let pa = this.decWorldStart;
    let pb = this.encWorldStart;
    const n = this.sim.world.objects.length;
    for (let i = 0; i < n; i++) {
      const ea = this.decObjEnd[i];
      const eb = this.encObjEnd[i];
      let same = ea - pa === eb - pb;
      for (let k = 0; same && k < ea - pa; k++) if (a[pa + k] !== b[pb + k]) same = false;
      if (!same) out.push(i);
      pa = ea;
      pb = eb;
    }
    return out;
  }
}

function identity(n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
