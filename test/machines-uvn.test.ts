import { describe, it, expect } from 'vitest';
import {
  MachineStepper,
  diagram,
  lintMachine,
  machineDocPage,
  shortestPathTo,
  stateKey,
  statesOf,
  transitionsOf,
  traverse,
} from '../machines/core.ts';
import {
  uvn,
  uvnStateOf,
  UVM_VNODE_ALOCK,
  UVM_VNODE_BLOCKED,
  UVM_VNODE_CANPERSIST,
  UVM_VNODE_DYING,
  UVM_VNODE_IOSYNC,
  UVM_VNODE_IOSYNCWANTED,
  UVM_VNODE_RELKILL,
  UVM_VNODE_VALID,
  UVM_VNODE_VNISLOCKED,
  UVM_VNODE_WANTED,
  UVM_VNODE_WRITEABLE,
  type UvnObject,
} from '../machines/uvn.ts';
import {
  uvmPage,
  OWNER_AIO,
  OWNER_CLIENT,
  OWNER_NONE,
  OWNER_PAGEOUT,
  PG_BUSY,
  PG_CLEAN,
  PG_FAKE,
  PG_RELEASED,
  PG_TABLED,
  PG_WANTED,
  PQ_ACTIVE,
  PQ_FREE,
  PQ_INACTIVE,
  QUEUE_ACTIVE,
  QUEUE_INACTIVE,
  QUEUE_NONE,
  type UvmPageObject,
} from '../machines/uvmPage.ts';
import type { AbstractState, MachineModule } from '../machines/types.ts';

const UVN_FLAGS: Array<[string, number]> = [
  ['valid', UVM_VNODE_VALID],
  ['alock', UVM_VNODE_ALOCK],
  ['canpersist', UVM_VNODE_CANPERSIST],
  ['writeable', UVM_VNODE_WRITEABLE],
  ['dying', UVM_VNODE_DYING],
  ['relkill', UVM_VNODE_RELKILL],
  ['wanted', UVM_VNODE_WANTED],
  ['vnislocked', UVM_VNODE_VNISLOCKED],
  ['iosync', UVM_VNODE_IOSYNC],
  ['iosyncwanted', UVM_VNODE_IOSYNCWANTED],
];

/** A uvm_vnode in the given abstract state. */
function craftUvn(s: AbstractState): UvnObject {
  const c = s.context;
  let f = 0;
  for (const [k, bit] of UVN_FLAGS) if (c[k]) f |= bit;
  return {
    u_flags: f,
    u_obj: { uo_refs: c.refs as number, uo_npages: c.npages as number },
    u_nio: c.nio as number,
    u_size: 8192,
    g_onWriteableList: c.wlisted as boolean,
    g_vnodeDead: c.dead as boolean,
  };
}

/** A vm_page in the given abstract state. */
function craftPage(s: AbstractState): UvmPageObject {
  const c = s.context;
  const inObject = s.value !== 'FREE' && s.value !== 'DEAD';
  let f = (c.busy ? PG_BUSY : 0) | (c.wanted ? PG_WANTED : 0) | (c.clean ? PG_CLEAN : 0) | (c.released ? PG_RELEASED : 0) | (c.fake ? PG_FAKE : 0);
  f |= c.queue === QUEUE_ACTIVE ? PQ_ACTIVE : c.queue === QUEUE_INACTIVE ? PQ_INACTIVE : 0;
  if (s.value === 'FREE') f |= PQ_FREE;
  if (inObject) f |= PG_TABLED;
  return {
    pg_flags: f,
    wire_count: c.wires as number,
    uobject: inObject ? {} : null,
    g_busyOwner: !c.busy
      ? OWNER_NONE
      : s.value === 'CLEANING'
        ? OWNER_PAGEOUT
        : s.value === 'CLEANING_ASYNC'
          ? OWNER_AIO
          : OWNER_CLIENT,
    g_pmapModified: c.modified as boolean,
  };
}

const uvnState = (value: string, ctx: Partial<Record<string, number | boolean>> = {}): AbstractState => ({
  value,
  context: {
    valid: false,
    alock: false,
    canpersist: false,
    writeable: false,
    dying: false,
    relkill: false,
    wanted: false,
    vnislocked: false,
    iosync: false,
    iosyncwanted: false,
    refs: 0,
    npages: 0,
    nio: 0,
    wlisted: false,
    dead: false,
    ...ctx,
  } as Record<string, number | boolean>,
});
const pageState = (value: string, ctx: Partial<Record<string, number | boolean>> = {}): AbstractState => ({
  value,
  context: {
    busy: false,
    wanted: false,
    clean: false,
    modified: false,
    released: false,
    fake: false,
    queue: QUEUE_NONE,
    wires: 0,
    ...ctx,
  } as Record<string, number | boolean>,
});

const V = { valid: true } as const;
const concretise: Record<string, (s: AbstractState) => unknown> = { uvn: craftUvn, uvmPage: craftPage };

/** Crafted bad states, each of which must make the named invariant fire. */
const bad: Array<{ mod: MachineModule<any>; id: string; state: AbstractState }> = [
  // An ALOCK owner committing over a VALID uvn (F2b: two attachers).
  { mod: uvn, id: 'UVNM-01', state: uvn.abstract(craftUvn(uvnState('ACTIVE', { ...V, alock: true, canpersist: true, refs: 1 }))) },
  { mod: uvn, id: 'UVNM-02', state: uvnState('FREE', { iosync: true }) },
  // F2: the unlocked WANTED write lands after the kill's u_flags = 0.
  { mod: uvn, id: 'UVNM-02', state: uvn.abstract(craftUvn(uvnState('FREE', { wanted: true }))) },
  { mod: uvn, id: 'UVNM-03', state: uvnState('ATTACHING', { alock: true, refs: 1 }) },
  { mod: uvn, id: 'UVNM-03', state: uvnState('ATTACHING', { alock: true, npages: 1 }) },
  // F1: the kill's u_flags = 0 with the attacher's reference.
  { mod: uvn, id: 'UVNM-04', state: uvn.abstract(craftUvn(uvnState('FREE', { refs: 1 }))) },
  // RELKILL with a reference (an attach or sync that ignored BLOCKED).
  { mod: uvn, id: 'UVNM-05', state: uvnState('RELKILL', { ...V, dying: true, relkill: true, refs: 1 }) },
  { mod: uvn, id: 'UVNM-06', state: uvnState('RELKILL', { ...V, relkill: true, iosync: true, npages: 1 }) },
  { mod: uvn, id: 'UVNM-07', state: uvnState('FREE', { dying: true }) },
  // M02-style: detach killed the uvn under terminate and something re-set VNISLOCKED without DYING.
  { mod: uvn, id: 'UVNM-07', state: uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, vnislocked: true }) },
  // F1: attach gained a reference during the detach's kill flush.
  { mod: uvn, id: 'UVNM-08', state: uvn.abstract(craftUvn(uvnState('DETACH_FLUSH', { ...V, dying: true, refs: 1 }))) },
  { mod: uvn, id: 'UVNM-09', state: uvnState('PERSIST', { ...V, refs: 0 }) },
  { mod: uvn, id: 'UVNM-09', state: uvnState('FREE', { canpersist: true }) },
  // A lost WRITEABLE bit (F2): on the list without the flag, or the flag without the list.
  { mod: uvn, id: 'UVNM-10', state: uvn.abstract(craftUvn(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, wlisted: true }))) },
  { mod: uvn, id: 'UVNM-10', state: uvnState('FREE', { writeable: true, wlisted: true }) },
  // Killed with pages (M03/M08: KASSERT uvm_vnode.c:376), with I/O, or left on uvn_wlist.
  { mod: uvn, id: 'UVNM-11', state: uvn.abstract(craftUvn(uvnState('FREE', { npages: 1 }))) },
  { mod: uvn, id: 'UVNM-11', state: uvnState('FREE', { npages: 1, nio: 1 }) },
  { mod: uvn, id: 'UVNM-11', state: uvnState('FREE', { wlisted: true }) },
  { mod: uvn, id: 'UVNM-12', state: uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, nio: 1 }) },
  { mod: uvn, id: 'UVNM-12', state: uvnState('FREE', { refs: -1 }) },
  { mod: uvn, id: 'UVNM-13', state: uvn.abstract(craftUvn(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, iosyncwanted: true }))) },
  { mod: uvn, id: 'UVNM-14', state: uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, wanted: true }) },
  { mod: uvn, id: 'UVNM-15', state: uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, dead: true }) },
  { mod: uvn, id: 'UVNM-16', state: uvnState('PERSIST', { ...V, canpersist: true, refs: 1 }) },
  { mod: uvn, id: 'UVNM-16', state: uvnState('TERMINATING_0', { ...V, canpersist: true, dying: true, vnislocked: true, refs: 2 }) },
  // Pages.
  { mod: uvmPage, id: 'UPGM-01', state: uvmPage.abstract(craftPage(pageState('IDLE_DIRTY', { released: true }))) },
  { mod: uvmPage, id: 'UPGM-02', state: uvmPage.abstract(craftPage(pageState('IDLE_CLEAN', { clean: true, wanted: true }))) },
  { mod: uvmPage, id: 'UPGM-03', state: pageState('HELD', { busy: true, fake: true }) },
  { mod: uvmPage, id: 'UPGM-03', state: pageState('IDLE_CLEAN', { clean: true, fake: true }) },
  { mod: uvmPage, id: 'UPGM-04', state: pageState('DEAD', { queue: QUEUE_INACTIVE }) },
  { mod: uvmPage, id: 'UPGM-04', state: uvmPage.abstract(craftPage(pageState('FREE', { busy: true }))) },
  { mod: uvmPage, id: 'UPGM-05', state: pageState('IDLE_CLEAN', { clean: true, wires: 1, queue: QUEUE_ACTIVE }) },
  { mod: uvmPage, id: 'UPGM-06', state: uvmPage.abstract(craftPage(pageState('CLEANING', { busy: true, clean: true }))) },
  { mod: uvmPage, id: 'UPGM-07', state: pageState('FILLING', { busy: true, fake: true, clean: false }) },
  { mod: uvmPage, id: 'UPGM-07', state: pageState('FILLING', { busy: true, fake: true, clean: true, released: true }) },
  { mod: uvmPage, id: 'UPGM-08', state: pageState('HELD', { busy: true, released: true }) },
  { mod: uvmPage, id: 'UPGM-09', state: pageState('HELD', { busy: false }) },
  { mod: uvmPage, id: 'UPGM-09', state: pageState('IDLE_CLEAN', { clean: true, modified: true }) },
  { mod: uvmPage, id: 'UPGM-09', state: pageState('IDLE_DIRTY', { clean: true }) },
];

describe.each([
  ['uvn', uvn],
  ['uvmPage', uvmPage],
] as const)('machine %s', (name, mod) => {
  const result = traverse(mod as never);

  it('is well-formed: cited and described transitions, named guards and actions', () => {
    expect(lintMachine(mod as never)).toEqual([]);
    for (const t of transitionsOf(mod as never)) {
      expect(t.cite.length, t.id).toBeGreaterThan(0);
      for (const c of t.cite) expect(c).toMatch(/^uvm_vnode\.c:\d+(-\d+)?$/);
      expect(t.guard === null || !t.guard.includes('inline'), t.id).toBe(true);
    }
    for (const inv of mod.stateInvariants) for (const c of inv.cite) expect(c).toMatch(/^uvm_vnode\.c:\d+(-\d+)?$/);
    const ids = transitionsOf(mod as never).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(mod.events.map((e) => e.type)).size).toBe(mod.events.length);
  });

  it('traversal reaches every atomic state and every transition', () => {
    const reached = new Set(result.states.map((s) => s.state.value));
    for (const s of statesOf(mod as never)) expect(reached.has(s), `state ${s}`).toBe(true);
    for (const t of transitionsOf(mod as never)) expect(result.transitionsReached.has(t.id), `transition ${t.id}`).toBe(true);
    expect(new Set(result.states.map((s) => s.key)).size).toBe(result.states.length);
    expect(result.states[0]!.path).toEqual([]);
  });

  it('every per-state invariant holds on every reachable state', () => {
    for (const s of result.states) expect(s.violations, s.key).toEqual([]);
  });

  it('the abstraction is onto the reachable states', () => {
    for (const s of result.states) {
      const obj = concretise[name]!(s.state);
      expect(stateKey(mod.abstract(obj as never)), s.key).toBe(s.key);
    }
  });

  it('the stepper replays every shortest path with the conformance machine', () => {
    const stepper = new MachineStepper(mod as never);
    const initial = result.states[0]!.state;
    for (const s of result.states) {
      let cur = initial;
      for (const ev of s.path) {
        const r = stepper.step(cur, ev);
        if (!r.ok) throw new Error(r.reason);
        cur = r.to;
      }
      expect(stateKey(cur)).toBe(s.key);
    }
  });

  it('renders diagrams and a deterministic doc page', () => {
    for (const format of ['mermaid', 'dot'] as const) {
      const d = diagram(mod as never, format);
      for (const s of statesOf(mod as never)) expect(d).toContain(s);
    }
    const mermaid = diagram(mod as never, 'mermaid');
    for (const line of mermaid.split('\n').slice(1)) {
      const i = line.indexOf(' : ');
      if (i >= 0) expect(line.slice(i + 3), line).not.toMatch(/[:;#<>{}"]/);
    }
    const page = machineDocPage(mod as never);
    expect(machineDocPage(mod as never)).toBe(page);
    for (const inv of mod.stateInvariants) expect(page).toContain(inv.id);
  });

  it('finds shortest paths to every state', () => {
    for (const s of statesOf(mod as never)) expect(shortestPathTo(mod as never, s, result)).toBeDefined();
  });
});

describe('per-state invariants fire on crafted bad states', () => {
  it.each(bad.map((b) => [b.id, stateKey(b.state), b] as const))('%s on %s', (id, _key, b) => {
    const failing = b.mod.stateInvariants.filter((inv) => inv.check(b.state) !== null).map((inv) => inv.id);
    expect(failing).toContain(id);
  });

  it('every invariant is exercised by some crafted state', () => {
    for (const mod of [uvn, uvmPage] as MachineModule<any>[]) {
      for (const inv of mod.stateInvariants) expect(bad.some((b) => b.id === inv.id), inv.id).toBe(true);
    }
  });

  it('the required invariants are present', () => {
    const uvnStatements = uvn.stateInvariants.map((i) => i.statement).join('\n');
    expect(uvnStatements).toContain('RELKILL ⇒ zero references');
    expect(uvnStatements).toContain('ALOCK and VALID are exclusive');
    expect(uvnStatements).toMatch(/killed uvn .* no pages.*off the writeable list/);
    const pageStatements = uvmPage.stateInvariants.map((i) => i.statement).join('\n');
    expect(pageStatements).toContain('PG_RELEASED ⇒ PG_BUSY');
    expect(pageStatements).toContain('PG_WANTED ⇒ PG_BUSY');
  });
});

/** Replays `events` from `from` with the conformance machine; throws on a rejected event. */
function replay(mod: MachineModule<any>, from: AbstractState, events: string[]): AbstractState {
  const st = new MachineStepper(mod as never);
  let cur = from;
  for (const ev of events) {
    const r = st.step(cur, ev);
    if (!r.ok) throw new Error(r.reason);
    cur = r.to;
  }
  return cur;
}

function rejecter(mod: MachineModule<any>) {
  const st = new MachineStepper(mod as never);
  return (s: AbstractState, ev: string, why: string) => {
    const r = st.step(s, ev);
    expect(r.ok, `${ev} in ${stateKey(s)}`).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  };
}

describe('uvn', () => {
  const free = uvnState('FREE');
  const active1 = uvnState('ACTIVE', { ...V, canpersist: true, refs: 1 });

  it('exports the uvm_vnode.h flag values', () => {
    expect([UVM_VNODE_VALID, UVM_VNODE_CANPERSIST, UVM_VNODE_ALOCK, UVM_VNODE_DYING, UVM_VNODE_RELKILL]).toEqual([1, 2, 4, 8, 0x10]);
    expect([UVM_VNODE_WANTED, UVM_VNODE_VNISLOCKED, UVM_VNODE_IOSYNC, UVM_VNODE_IOSYNCWANTED, UVM_VNODE_WRITEABLE]).toEqual([
      0x20, 0x40, 0x80, 0x100, 0x200,
    ]);
    expect(UVM_VNODE_BLOCKED).toBe(0x1c);
  });

  it('has the expected number of reachable abstract states at refs ≤ 2, pages ≤ 2', () => {
    expect(traverse(uvn as never).states.length).toBe(999);
  });

  it('abstracts u_flags, uo_refs, uo_npages, u_nio and the ghosts', () => {
    const obj: UvnObject = { u_flags: 0, u_obj: { uo_refs: 0, uo_npages: 0 }, u_nio: 0, u_size: 0 };
    expect(uvn.abstract(obj)).toEqual(free);
    obj.u_flags = UVM_VNODE_ALOCK | UVM_VNODE_WANTED;
    expect(uvn.abstract(obj)).toEqual(uvnState('ATTACHING', { alock: true, wanted: true }));
    obj.u_flags = UVM_VNODE_VALID | UVM_VNODE_CANPERSIST | UVM_VNODE_WRITEABLE;
    obj.u_obj = { uo_refs: 2, uo_npages: 3 };
    obj.u_nio = 1;
    // Without the ghost, list membership follows WRITEABLE.
    expect(uvn.abstract(obj)).toEqual(uvnState('ACTIVE', { ...V, canpersist: true, writeable: true, wlisted: true, refs: 2, npages: 3, nio: 1 }));
    obj.u_obj.uo_refs = 0;
    expect(uvn.abstract(obj).value).toBe('PERSIST');
    obj.u_flags = UVM_VNODE_VALID | UVM_VNODE_DYING;
    expect(uvn.abstract(obj).value).toBe('DETACH_FLUSH');
    obj.u_flags |= UVM_VNODE_RELKILL | UVM_VNODE_IOSYNC;
    expect(uvn.abstract(obj).value).toBe('RELKILL');
    obj.u_flags = UVM_VNODE_VALID | UVM_VNODE_DYING | UVM_VNODE_VNISLOCKED | UVM_VNODE_CANPERSIST;
    expect(uvn.abstract(obj).value).toBe('TERMINATING_0');
    obj.u_obj.uo_refs = 1;
    expect(uvn.abstract(obj).value).toBe('TERMINATING_REFS');
    obj.u_flags = UVM_VNODE_VALID | UVM_VNODE_IOSYNC;
    expect(uvn.abstract(obj).value).toBe('ACTIVE_NOPERSIST');
    obj.g_vnodeDead = true;
    expect(uvn.abstract(obj)).toEqual(uvnState('ZOMBIE', { ...V, iosync: true, refs: 1, npages: 3, nio: 1, dead: true }));
    // A killed uvn forgets its dead vnode.
    obj.u_flags = 0;
    obj.u_obj = { uo_refs: 0, uo_npages: 0 };
    obj.u_nio = 0;
    expect(uvn.abstract(obj)).toEqual(free);
    expect(uvnStateOf(uvnState('x', { ...V, canpersist: true, refs: 1 }).context)).toBe('ACTIVE');
  });

  it('attach → detach to persist → re-attach → uncache (kill at the last detach)', () => {
    const attached = replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_WAIT', 'UVN_ATTACH_DONE', 'UVN_WLIST_INSERT']);
    expect(attached).toEqual(uvnState('ACTIVE', { ...V, canpersist: true, writeable: true, wlisted: true, refs: 1 }));
    // A fault reads a page; munmap: the last detach caches the uvn with its page.
    const persisting = replay(uvn, attached, ['UVN_PAGE_ALLOC', 'UVN_IO_START', 'UVN_IO_DONE', 'UVN_DETACH_PERSIST']);
    expect(persisting).toEqual(uvnState('PERSIST', { ...V, canpersist: true, writeable: true, wlisted: true, npages: 1 }));
    // Re-attach finds it VALID (vref, refs = 1); write(2) uncaches it; munmap kills it.
    const reattached = replay(uvn, persisting, ['UVN_ATTACH_VALID']);
    expect(reattached.value).toBe('ACTIVE');
    const uncached = replay(uvn, reattached, ['UVN_UNCACHE']);
    expect(uncached).toEqual(uvnState('ACTIVE_NOPERSIST', { ...V, writeable: true, wlisted: true, refs: 1, npages: 1 }));
    const dying = replay(uvn, uncached, ['UVN_DETACH_DYING', 'UVN_ATTACH_WAIT']);
    expect(dying).toEqual(uvnState('DETACH_FLUSH', { ...V, dying: true, wanted: true, writeable: true, wlisted: true, npages: 1 }));
    // The kill flush writes and frees the page; the kill takes the uvn off uvn_wlist and wakes the attacher.
    expect(replay(uvn, dying, ['UVN_IO_START', 'UVN_IO_DONE', 'UVN_PAGE_FREE', 'UVN_DETACH_KILL'])).toEqual(free);
    // uvm_vnp_uncache of a persisting uvn revives it only to kill it.
    const revived = replay(uvn, persisting, ['UVN_UNCACHE_REVIVE']);
    expect(revived).toEqual(uvnState('ACTIVE_NOPERSIST', { ...V, writeable: true, wlisted: true, refs: 1, npages: 1 }));
    expect(replay(uvn, revived, ['UVN_DETACH_DYING', 'UVN_PAGE_FREE', 'UVN_DETACH_KILL'])).toEqual(free);
    // A failed attach leaves the uvn free.
    expect(replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_FAIL'])).toEqual(free);
  });

  it("detach's RELKILL wait completes when aiodone frees the last page", () => {
    const uncached = replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_DONE', 'UVN_UNCACHE', 'UVN_PAGE_ALLOC']);
    // The kill flush's write returns PEND: the page stays busy and u_nio stays 1.
    const relkill = replay(uvn, uncached, ['UVN_DETACH_DYING', 'UVN_IO_START', 'UVN_DETACH_RELKILL']);
    expect(relkill).toEqual(uvnState('RELKILL', { ...V, dying: true, relkill: true, iosync: true, npages: 1, nio: 1 }));
    const reject = rejecter(uvn);
    reject(relkill, 'UVN_DETACH_KILL', 'noPages'); // still a page: the detach sleeps on
    reject(relkill, 'UVN_IO_START', 'no transition'); // IOSYNC blocks new I/O
    reject(relkill, 'UVN_ATTACH_VALID', 'no transition'); // BLOCKED
    reject(relkill, 'UVN_SYNC_REF', 'no transition');
    expect(replay(uvn, relkill, ['UVN_ATTACH_WAIT', 'UVN_AIODONE', 'UVN_DETACH_KILL'])).toEqual(free);
  });

  it('terminate takes over a RELKILL detach; the cancelled waiter changes nothing', () => {
    const relkill = replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_DONE', 'UVN_UNCACHE', 'UVN_PAGE_ALLOC', 'UVN_DETACH_DYING', 'UVN_IO_START', 'UVN_DETACH_RELKILL', 'UVN_ATTACH_WAIT']);
    const terminating = replay(uvn, relkill, ['UVN_TERMINATE']);
    // RELKILL cancelled, DYING|VNISLOCKED; WANTED and IOSYNC survive.
    expect(terminating).toEqual(
      uvnState('TERMINATING_0', { ...V, dying: true, vnislocked: true, wanted: true, iosync: true, npages: 1, nio: 1 }),
    );
    const reject = rejecter(uvn);
    // The woken detach finds RELKILL clear: it has no kill transition here (nor on the freed uvn).
    reject(terminating, 'UVN_DETACH_KILL', 'no transition');
    reject(terminating, 'UVN_TERMINATE_FREE', 'noPagesNoIosyncWanted');
    const freed = replay(uvn, terminating, ['UVN_AIODONE', 'UVN_TERMINATE_FREE']);
    expect(freed).toEqual(free);
    reject(freed, 'UVN_DETACH_KILL', 'no transition');
    reject(freed, 'UVN_DETACH_RELKILL', 'no transition');
    // Terminate panics if a uvn_io still wants IOSYNC when it frees (uvm_vnode.c:517-518).
    reject(uvnState('TERMINATING_0', { ...V, dying: true, vnislocked: true, iosync: true, iosyncwanted: true }), 'UVN_TERMINATE_FREE', 'noPagesNoIosyncWanted');
  });

  it('terminate of a persisting uvn frees it; a forced unmount leaves a ZOMBIE that its last detach kills', () => {
    const persisting = replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_DONE', 'UVN_WLIST_INSERT', 'UVN_DETACH_PERSIST']);
    expect(replay(uvn, persisting, ['UVN_TERMINATE', 'UVN_TERMINATE_FREE'])).toEqual(free);
    const forced = replay(uvn, active1, ['UVN_PAGE_ALLOC', 'UVN_TERMINATE', 'UVN_REFERENCE', 'UVN_IO_START', 'UVN_IOSYNC_WAIT', 'UVN_IO_DONE', 'UVN_PAGE_FREE']);
    expect(forced).toEqual(uvnState('TERMINATING_REFS', { ...V, canpersist: true, dying: true, vnislocked: true, iosync: true, refs: 2 }));
    const zombie = replay(uvn, forced, ['UVN_TERMINATE_LIVE']);
    // F4: IOSYNC survives terminate with references.
    expect(zombie).toEqual(uvnState('ZOMBIE', { ...V, iosync: true, refs: 2, dead: true }));
    expect(replay(uvn, zombie, ['UVN_IOSYNC_CLEAR', 'UVN_DETACH', 'UVN_DETACH_DYING', 'UVN_DETACH_KILL'])).toEqual(free);
    // The last detach during the forced unmount of a cacheable uvn takes the persist path.
    const t0 = replay(uvn, active1, ['UVN_TERMINATE', 'UVN_DETACH_PERSIST']);
    expect(t0.value).toBe('TERMINATING_0');
    expect(replay(uvn, t0, ['UVN_TERMINATE_FREE'])).toEqual(free);
  });

  it('sync references a persisting writeable uvn and drops WRITEABLE when it holds the only reference', () => {
    const persisting = replay(uvn, free, ['UVN_ATTACH', 'UVN_ATTACH_DONE', 'UVN_WLIST_INSERT', 'UVN_DETACH_PERSIST']);
    const synced = replay(uvn, persisting, ['UVN_SYNC_REF', 'UVN_SYNC_WLIST_REMOVE', 'UVN_DETACH_PERSIST']);
    expect(synced).toEqual(uvnState('PERSIST', { ...V, canpersist: true }));
    rejecter(uvn)(synced, 'UVN_SYNC_REF', 'isWriteable'); // off uvn_wlist: sync never sees it
  });

  it('rejects the seed defects F1 and F16 and what the seed forbids, naming the guard', () => {
    const reject = rejecter(uvn);
    const detachFlush = uvnState('DETACH_FLUSH', { ...V, dying: true, npages: 1 });
    reject(detachFlush, 'UVN_ATTACH_VALID', 'no transition'); // F1 (UVN-25)
    reject(detachFlush, 'UVN_TERMINATE', 'no transition'); // F16: two teardown owners
    reject(uvnState('TERMINATING_0', { ...V, dying: true, vnislocked: true, npages: 1 }), 'UVN_DETACH_RELKILL', 'no transition'); // F16
    reject(detachFlush, 'UVN_DETACH_KILL', 'noPages'); // KASSERT uvm_vnode.c:376
    reject(uvnState('DETACH_FLUSH', { ...V, dying: true }), 'UVN_DETACH_RELKILL', 'hasPages');
    reject(free, 'UVN_DETACH', 'no transition'); // UVN-24
    reject(active1, 'UVN_DETACH', 'refsAboveOne');
    reject(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, npages: 1, iosync: true }), 'UVN_IO_START', 'canStartIo'); // UVN-21
    reject(active1, 'UVN_IO_START', 'canStartIo'); // no busy page to write
    reject(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, npages: 1, nio: 1 }), 'UVN_PAGE_FREE', 'canFreePage'); // UVN-14
    reject(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, npages: 1, nio: 1, iosync: true }), 'UVN_IOSYNC_CLEAR', 'iosyncDrained');
    reject(uvnState('PERSIST', { ...V, canpersist: true }), 'UVN_PAGE_ALLOC', 'no transition'); // no references, no faults
    reject(uvnState('PERSIST', { ...V, canpersist: true }), 'UVN_SYNC_REF', 'isWriteable');
    reject(free, 'UVN_TERMINATE', 'no transition'); // L22: nothing to do
    reject(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, writeable: true, wlisted: true }), 'UVN_WLIST_INSERT', 'notWriteable');
    reject(active1, 'UVN_ATTACH_WAIT', 'no transition'); // not BLOCKED
  });

  it('leaves out the page activity and teardowns the seed cannot produce in a state', () => {
    const reject = rejecter(uvn);
    const busy = { npages: 1, nio: 1 };
    // PG_RELEASED pages exist only under a kill or terminate flush: aiodone frees nothing elsewhere.
    reject(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, ...busy }), 'UVN_AIODONE', 'no transition');
    reject(uvnState('ACTIVE_NOPERSIST', { ...V, refs: 1, ...busy }), 'UVN_AIODONE', 'no transition');
    reject(uvnState('ZOMBIE', { ...V, refs: 1, dead: true, ...busy }), 'UVN_AIODONE', 'no transition');
    reject(uvnState('PERSIST', { ...V, canpersist: true, ...busy }), 'UVN_AIODONE', 'no transition');
    // A persisting uvn never has IOSYNC set.
    reject(uvnState('PERSIST', { ...V, canpersist: true, ...busy }), 'UVN_IOSYNC_WAIT', 'no transition');
    reject(uvnState('PERSIST', { ...V, canpersist: true, iosync: true, ...busy }), 'UVN_IO_WAIT_IOSYNC', 'no transition');
    reject(uvnState('PERSIST', { ...V, canpersist: true, iosync: true, npages: 1 }), 'UVN_IOSYNC_CLEAR', 'no transition');
    // No uvn_io with PGO_SYNCIO meets IOSYNC in a teardown without references.
    reject(uvnState('DETACH_FLUSH', { ...V, dying: true, iosync: true, ...busy }), 'UVN_IO_WAIT_IOSYNC', 'no transition');
    reject(uvnState('TERMINATING_0', { ...V, dying: true, vnislocked: true, iosync: true, ...busy }), 'UVN_IO_WAIT_IOSYNC', 'no transition');
    // In RELKILL every completion is aiodone freeing one page.
    const relkill = uvnState('RELKILL', { ...V, dying: true, relkill: true, iosync: true, npages: 2, nio: 1 });
    reject(relkill, 'UVN_PAGE_FREE', 'no transition');
    reject(relkill, 'UVN_IO_DONE', 'no transition');
    reject(relkill, 'UVN_IOSYNC_WAIT', 'no transition');
    // vclean runs once per vnode; a last detach that starts a kill inside terminate is F16.
    reject(uvnState('ZOMBIE', { ...V, refs: 1, dead: true }), 'UVN_TERMINATE', 'no transition');
    reject(uvnState('TERMINATING_REFS', { ...V, dying: true, vnislocked: true, refs: 1 }), 'UVN_DETACH_DYING', 'no transition');
    // Still there: the persist path inside terminate, aiodone inside a teardown, the daemon's writes on a persisting uvn.
    expect(new MachineStepper(uvn as never).step(uvnState('TERMINATING_REFS', { ...V, canpersist: true, dying: true, vnislocked: true, refs: 1 }), 'UVN_DETACH_PERSIST').ok).toBe(true);
    expect(replay(uvn, uvnState('TERMINATING_REFS', { ...V, dying: true, vnislocked: true, refs: 1, ...busy }), ['UVN_AIODONE']).context.npages).toBe(0);
    expect(replay(uvn, uvnState('PERSIST', { ...V, canpersist: true, npages: 1 }), ['UVN_IO_START', 'UVN_IO_DONE']).value).toBe('PERSIST');
  });

  it('the conformance machine does not bound refs, pages or I/O', () => {
    const st = new MachineStepper(uvn as never);
    expect(st.step(uvnState('ACTIVE', { ...V, canpersist: true, refs: 2 }), 'UVN_REFERENCE')).toMatchObject({
      ok: true,
      to: { value: 'ACTIVE', context: { refs: 3 } },
      transitionId: 'ACTIVE:UVN_REFERENCE#0',
    });
    expect(st.step(uvnState('ACTIVE', { ...V, canpersist: true, refs: 1, npages: 2 }), 'UVN_PAGE_ALLOC')).toMatchObject({
      ok: true,
      to: { context: { npages: 3 } },
    });
  });
});

describe('uvmPage', () => {
  const free = pageState('FREE');

  it('exports the uvm_page.h flag values', () => {
    expect([PG_BUSY, PG_WANTED, PG_TABLED, PG_CLEAN, PG_RELEASED, PG_FAKE]).toEqual([1, 2, 4, 8, 0x20, 0x40]);
    expect([PQ_FREE, PQ_INACTIVE, PQ_ACTIVE]).toEqual([0x10000, 0x20000, 0x40000]);
  });

  it('abstracts pg_flags, wire_count, the owning object and the ghosts', () => {
    const pg: UvmPageObject = { pg_flags: PQ_FREE, wire_count: 0, uobject: null, g_busyOwner: OWNER_NONE, g_pmapModified: false };
    expect(uvmPage.abstract(pg)).toEqual(free);
    pg.uobject = {};
    pg.pg_flags = PG_TABLED | PG_BUSY | PG_FAKE | PG_CLEAN;
    pg.g_busyOwner = OWNER_CLIENT;
    expect(uvmPage.abstract(pg)).toEqual(pageState('FILLING', { busy: true, fake: true, clean: true }));
    pg.pg_flags = PG_TABLED | PG_BUSY | PG_CLEAN | PG_WANTED;
    expect(uvmPage.abstract(pg).value).toBe('HELD');
    pg.pg_flags = PG_TABLED | PQ_ACTIVE | PG_CLEAN;
    pg.g_busyOwner = OWNER_NONE;
    expect(uvmPage.abstract(pg)).toEqual(pageState('IDLE_CLEAN', { clean: true, queue: QUEUE_ACTIVE }));
    pg.g_pmapModified = true;
    expect(uvmPage.abstract(pg)).toEqual(pageState('IDLE_DIRTY', { clean: true, modified: true, queue: QUEUE_ACTIVE }));
    pg.pg_flags = PG_TABLED | PQ_INACTIVE | PG_BUSY | PG_RELEASED;
    pg.g_busyOwner = OWNER_PAGEOUT;
    expect(uvmPage.abstract(pg)).toEqual(pageState('CLEANING', { busy: true, released: true, modified: true, queue: QUEUE_INACTIVE }));
    pg.g_busyOwner = OWNER_AIO;
    expect(uvmPage.abstract(pg).value).toBe('CLEANING_ASYNC');
    // uvm_pageclean'd onto the dead list: no object; the pmap bit no longer counts.
    pg.uobject = null;
    pg.pg_flags = 0;
    pg.g_busyOwner = OWNER_NONE;
    expect(uvmPage.abstract(pg)).toEqual(pageState('DEAD'));
    pg.wire_count = 1;
    pg.uobject = {};
    pg.pg_flags = PG_TABLED | PG_CLEAN;
    pg.g_pmapModified = false;
    expect(uvmPage.abstract(pg)).toEqual(pageState('IDLE_CLEAN', { clean: true, wires: 1 }));
  });

  it('follows a page through a fault, a store, a synchronous msync and a freeing flush', () => {
    const held = replay(uvmPage, free, ['PG_ALLOC', 'PG_WANTED', 'GET_READ_OK']);
    expect(held).toEqual(pageState('HELD', { busy: true, wanted: true, clean: true }));
    const idle = replay(uvmPage, held, ['PG_UNBUSY']);
    expect(idle).toEqual(pageState('IDLE_CLEAN', { clean: true, queue: QUEUE_ACTIVE }));
    const dirty = replay(uvmPage, idle, ['PG_DIRTY', 'FLUSH_DIRTYCHECK']);
    expect(dirty).toEqual(pageState('IDLE_DIRTY', { modified: true, queue: QUEUE_ACTIVE }));
    const written = replay(uvmPage, dirty, ['PAGEOUT_START', 'PG_WANTED', 'PAGEOUT_DONE']);
    expect(written).toEqual(pageState('IDLE_CLEAN', { clean: true, queue: QUEUE_ACTIVE }));
    // The kill flush (C|F without S): RELEASED, AGAIN clears it and retries with S, then the page dies.
    const dead = replay(uvmPage, written, ['PG_DIRTY', 'FLUSH_DIRTYCHECK', 'PAGEOUT_START', 'PG_RELEASED', 'PAGEOUT_RETRY', 'PAGEOUT_DONE_FREE']);
    expect(dead).toEqual(pageState('DEAD'));
    expect(replay(uvmPage, dead, ['PG_FREE'])).toEqual(free);
    // A failed read frees the fake page at once.
    expect(replay(uvmPage, free, ['PG_ALLOC', 'GET_READ_FAIL'])).toEqual(free);
  });

  it('hands a PEND write to aiodone, which frees a RELEASED page or marks it clean', () => {
    const dirty = replay(uvmPage, free, ['PG_ALLOC', 'GET_READ_OK', 'PG_DIRTY', 'PG_UNBUSY', 'FLUSH_DIRTYCHECK']);
    const async = replay(uvmPage, dirty, ['PAGEOUT_START', 'PG_RELEASED', 'PAGEOUT_PEND', 'PG_WANTED']);
    expect(async).toEqual(pageState('CLEANING_ASYNC', { busy: true, wanted: true, released: true, modified: true, queue: QUEUE_ACTIVE }));
    expect(replay(uvmPage, async, ['AIODONE'])).toEqual(free);
    const kept = replay(uvmPage, dirty, ['PAGEOUT_START', 'PAGEOUT_PEND', 'PG_DEACTIVATE', 'AIODONE']);
    expect(kept).toEqual(pageState('IDLE_CLEAN', { clean: true, queue: QUEUE_INACTIVE }));
  });

  it('rejects what the seed forbids, naming the guard', () => {
    const reject = rejecter(uvmPage);
    const held = pageState('HELD', { busy: true, clean: true });
    reject(held, 'PG_BUSY', 'no transition'); // UPG-05: one owner
    reject(held, 'FLUSH_FREE', 'no transition'); // F waits for busy pages (UPG-06)
    reject(pageState('IDLE_DIRTY', { clean: true, modified: true }), 'PAGEOUT_START', 'notClean');
    reject(pageState('IDLE_CLEAN', { clean: true }), 'PAGEOUT_START', 'no transition');
    reject(pageState('CLEANING', { busy: true, released: true }), 'PAGEOUT_DONE', 'notReleased');
    reject(pageState('CLEANING', { busy: true }), 'PG_DIRTY', 'no transition'); // write-protected (UPG-09)
    reject(pageState('HELD', { busy: true, clean: true, wires: 1 }), 'PG_DEACTIVATE', 'unwired'); // UPG-07
    reject(pageState('FILLING', { busy: true, fake: true, clean: true }), 'PG_UNBUSY', 'no transition'); // UPG-04
    reject(pageState('DEAD'), 'PG_BUSY', 'no transition');
  });
});
