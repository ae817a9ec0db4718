/**
 * The object registry: every piece of shared kernel state (a bio_track, a buf, a spinlock, the
 * device, ghost counters) is a registered object. Registration fixes its field list and seals
 * it, so the state encoder (encode.ts) sees every field the kernel code can touch: a field
 * added later would be a field the search does not capture, and sealing makes that an error.
 */

export const OBJ_ID: unique symbol = Symbol.for('vfsmodel.objid');

export interface Registered {
  [OBJ_ID]?: number;
}

/**
 * Reads of registered objects are recorded while `readLog` is set (during a step, for the
 * partial-order reductions): each field becomes an accessor over a value array, so the exact
 * read footprint of a step — primitives and the local code after them — is known. The state
 * encoder uses the value arrays directly.
 */
let readLog: Set<number> | null = null;

export function recordReads(into: Set<number> | null): void {
  readLog = into;
}

export class World {
  readonly objects: object[] = [];
  readonly names: string[] = [];
  readonly fields: string[][] = [];
  /** values[id][k] = the value of fields[id][k] of objects[id]. */
  readonly values: unknown[][] = [];

  /** Registers `obj` under a readable name (used in traces); returns it, sealed. */
  add<T extends object>(name: string, obj: T): T {
    const r = obj as T & Registered;
    if (r[OBJ_ID] !== undefined) throw new Error(`object ${name} registered twice`);
    const id = this.objects.length;
    Object.defineProperty(r, OBJ_ID, { value: id, enumerable: false });
    const keys = Object.keys(obj);
    const vals = keys.map((k) => (obj as Record<string, unknown>)[k]);
    keys.forEach((k, i) => {
      Object.defineProperty(obj, k, {
        get() {
          if (readLog) readLog.add(id);
          return vals[i];
        },
        set(v: unknown) {
          vals[i] = v;
        },
        enumerable: true,
        configurable: false,
      });
    });
    this.objects.push(obj);
    this.names.push(name);
    this.fields.push(keys);
    this.values.push(vals);
    Object.seal(obj);
    return obj;
  }

  idOf(obj: object): number | undefined {
    return (obj as Registered)[OBJ_ID];
  }

  nameOf(obj: object): string {
    const id = this.idOf(obj);
    return id === undefined ? '<unregistered>' : this.names[id];
  }
}

export function objectId(obj: object): number | undefined {
  return (obj as Registered)[OBJ_ID];
}

/**
 * The sleep queue of a wait channel, as a resource distinct from the channel object's fields:
 * tsleep_interlock, tsleep and wakeup touch the queue, not the word a waiter reads (the
 * partial-order reductions need the difference: a load of bk_active commutes with another
 * thread's tsleep_interlock on the same bio_track).
 */
export interface SleepQueue {
  readonly sleepq: object;
}
const sleepQueues = new WeakMap<object, SleepQueue>();
export function sleepQueueOf(chan: object): SleepQueue {
  let q = sleepQueues.get(chan);
  if (!q) sleepQueues.set(chan, (q = Object.freeze({ sleepq: chan })));
  return q;
}

/** A small integer naming a resource for footprints: a registered object, or a sleep queue. */
export function resourceId(o: object): number | undefined {
  const q = (o as Partial<SleepQueue>).sleepq;
  if (q !== undefined) {
    const id = objectId(q);
    return id === undefined ? undefined : 100_003 + id * 7;
  }
  return objectId(o);
}
