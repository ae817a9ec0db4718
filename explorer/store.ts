/**
 * The visited-state store of the stateful search: every distinct encoded state, appended to an
 * arena of byte chunks, with an open-addressing hash table of state indices. States are exact
 * (full bytes are compared on a hash match), so the verdict does not rest on hash luck.
 * States are numbered in discovery order, which is the breadth-first queue itself.
 */
const CHUNK = 1 << 24;

export class StateStore {
  private chunks: Uint8Array[] = [new Uint8Array(CHUNK)];
  private used = 0;
  private chunkOf = new Int32Array(1 << 16);
  private offOf = new Int32Array(1 << 16);
  private lenOf = new Int32Array(1 << 16);
  private hashOf = new Int32Array(1 << 16);
  private table = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  count = 0;
  bytes = 0;

  static hash(b: Uint8Array): number {
    let h = 0x811c9dc5 ^ b.length;
    const n = b.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    let k = 0;
    for (let s = 0; i < n; i++, s += 8) k |= b[i] << s;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }

  get(i: number): Uint8Array {
    const off = this.offOf[i];
    return this.chunks[this.chunkOf[i]].subarray(off, off + this.lenOf[i]);
  }

  private equals(i: number, b: Uint8Array): boolean {
    if (this.lenOf[i] !== b.length) return false;
    const c = this.chunks[this.chunkOf[i]];
    const off = this.offOf[i];
    for (let k = 0; k < b.length; k++) if (c[off + k] !== b[k]) return false;
    return true;
  }

  /** Adds `b` unless present; returns its index, negated minus one when it was already there. */
  add(b: Uint8Array): number {
    const h = StateStore.hash(b);
    let slot = h & this.mask;
    for (;;) {
      const e = this.table[slot];
      if (e === 0) break;
      if (this.hashOf[e - 1] === h && this.equals(e - 1, b)) return -e;
      slot = (slot + 1) & this.mask;
    }
    const i = this.count++;
    if (i >= this.offOf.length) this.growIndex();
    if (this.used + b.length > CHUNK) {
      this.chunks.push(new Uint8Array(Math.max(CHUNK, b.length)));
      this.used = 0;
    }
    const ci = this.chunks.length - 1;
    this.chunks[ci].set(b, this.used);
    this.chunkOf[i] = ci;
    this.offOf[i] = this.used;
    this.lenOf[i] = b.length;
    this.hashOf[i] = h;
    this.used += b.length;
    this.bytes += b.length;
    this.table[slot] = i + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return i;
  }

  private growIndex(): void {
    const n = this.offOf.length * 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.chunkOf = grow(this.chunkOf);
    this.offOf = grow(this.offOf);
    this.lenOf = grow(this.lenOf);
    this.hashOf = grow(this.hashOf);
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = this.hashOf[i] & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = i + 1;
    }
  }
}

/** A growable Int32Array. */
export class IntVec {
  a = new Int32Array(1 << 16);
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      let n = this.a.length * 2;
      while (n <= i) n *= 2;
      const b = new Int32Array(n);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
  }
  get(i: number): number {
    return this.a[i];
  }
}
