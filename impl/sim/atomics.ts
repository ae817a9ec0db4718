/**
 * Atomic operations and unlocked shared accesses (machine/atomic.h semantics), one step each.
 * `int` fields hold C ints: results are stored as 32-bit two's-complement values (`| 0`), so
 * 0x80000000 reads back as -2147483648 exactly as a C int would, and comparisons stay exact.
 * `long` operations keep full JavaScript integers.
 */
import { prim } from './prim.ts';

type IntField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T] & string;

const one = <T extends object>(o: T): object[] => [o];

/** An unlocked read of a shared field (e.g. `active = track->bk_active`, vfs_bio.c:532). */
export const load = prim({
  name: 'load',
  kind: 'read',
  touches: ([o]: [object, string]) => one(o),
  exec: ([o, f]: [object, string]) => (o as Record<string, unknown>)[f],
}) as <T extends object, K extends keyof T & string>(o: T, f: K) => Generator<never, T[K], unknown>;

/** An unlocked plain store to a shared field. */
export const store = prim({
  name: 'store',
  kind: 'write',
  touches: ([o]: [object, string, unknown]) => one(o),
  exec: ([o, f, v]: [object, string, unknown]) => {
    (o as Record<string, unknown>)[f] = v;
  },
}) as <T extends object, K extends keyof T & string>(o: T, f: K, v: T[K]) => Generator<never, void, unknown>;

const get = (o: object, f: string): number => (o as Record<string, number>)[f];
const set = (o: object, f: string, v: number): void => {
  (o as Record<string, number>)[f] = v;
};

/** atomic_cmpset_int(p, old, new): if *p == old then *p = new; returns whether it did. */
export const atomic_cmpset_int = prim({
  name: 'atomic_cmpset_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number, number]) => one(o),
  exec: ([o, f, old, nv]: [object, string, number, number]) => {
    if ((get(o, f) | 0) !== (old | 0)) return false;
    set(o, f, nv | 0);
    return true;
  },
}) as <T extends object>(o: T, f: IntField<T>, old: number, nv: number) => Generator<never, boolean, unknown>;

/** atomic_add_int(p, v). */
export const atomic_add_int = prim({
  name: 'atomic_add_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    set(o, f, (get(o, f) + v) | 0);
  },
}) as <T extends object>(o: T, f: IntField<T>, v: number) => Generator<never, void, unknown>;

/** atomic_subtract_int(p, v). */
export const atomic_subtract_int = prim({
  name: 'atomic_subtract_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    set(o, f, (get(o, f) - v) | 0);
  },
}) as <T extends object>(o: T, f: IntField<T>, v: number) => Generator<never, void, unknown>;

/** atomic_fetchadd_int(p, v): returns the old value. */
export const atomic_fetchadd_int = prim({
  name: 'atomic_fetchadd_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    const old = get(o, f) | 0;
    set(o, f, (old + v) | 0);
    return old;
  },
}) as <T extends object>(o: T, f: IntField<T>, v: number) => Generator<never, number, unknown>;

/** atomic_readandclear_int(p): returns the old value, leaves 0. */
export const atomic_readandclear_int = prim({
  name: 'atomic_readandclear_int',
  kind: 'atomic',
  touches: ([o]: [object, string]) => one(o),
  exec: ([o, f]: [object, string]) => {
    const old = get(o, f) | 0;
    set(o, f, 0);
    return old;
  },
}) as <T extends object>(o: T, f: IntField<T>) => Generator<never, number, unknown>;

/** atomic_swap_int(p, v): returns the old value. */
export const atomic_swap_int = prim({
  name: 'atomic_swap_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    const old = get(o, f) | 0;
    set(o, f, v | 0);
    return old;
  },
}) as <T extends object>(o: T, f: IntField<T>, v: number) => Generator<never, number, unknown>;

/** atomic_set_int(p, bits): *p |= bits. */
export const atomic_set_int = prim({
  name: 'atomic_set_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    set(o, f, get(o, f) | v);
  },
}) as <T extends object>(o: T, f: IntField<T>, bits: number) => Generator<never, void, unknown>;

/** atomic_clear_int(p, bits): *p &= ~bits. */
export const atomic_clear_int = prim({
  name: 'atomic_clear_int',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    set(o, f, get(o, f) & ~v);
  },
}) as <T extends object>(o: T, f: IntField<T>, bits: number) => Generator<never, void, unknown>;

/** atomic_add_long(p, v): a long counter (no 32-bit wrap). */
export const atomic_add_long = prim({
  name: 'atomic_add_long',
  kind: 'atomic',
  touches: ([o]: [object, string, number]) => one(o),
  exec: ([o, f, v]: [object, string, number]) => {
    set(o, f, get(o, f) + v);
  },
}) as <T extends object>(o: T, f: IntField<T>, v: number) => Generator<never, void, unknown>;
