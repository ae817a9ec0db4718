/**
 * The kernel compiler (impl/compiler/compile.mjs + runtime.ts):
 *  1. differential testing: every fixture of test/fixtures/kernels.ts runs compiled in the
 *     simulator and natively (the same text without 'use kernel', kernels_native.ts) against the
 *     same scripted environment; the primitive traces, results and final objects must agree;
 *  2. liveness: dead locals are cleared, excluded from proc.live and from the encoded state;
 *  3. call-site citations;
 *  4. compile errors;
 *  5. method shorthands and generator expressions;
 *  plus `it.fails` reproductions of the miscompilations found (test/fixtures/bugs.ts).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
// @ts-expect-error plain JavaScript module (checked with @ts-check)
import * as compilerModule from '../impl/compiler/compile.mjs';
import { procOf, allProcs, type Proc } from '../impl/compiler/runtime.ts';
import { Sim, choiceOf, type Thread } from '../impl/sim/kernel.ts';
import { StateCodec } from '../impl/sim/encode.ts';
import type { PrimCall } from '../impl/sim/prim.ts';
import * as K from './fixtures/kernels.ts';
import * as N from './fixtures/kernels_native.ts';
import * as EK from './fixtures/edge.ts';
import * as EN from './fixtures/edge_native.ts';
import * as M from './fixtures/compiler_misc.ts';
import methods, { named_expr, anon_expr } from './fixtures/methods.ts';

const compiler = compilerModule as {
  compileKernelModule(text: string, fileName: string, runtimeSpecifier: string): string;
  hasKernelDirective(text: string): boolean;
  KernelCompileError: new (message: string) => Error;
};

const fixtureText = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// ------------------------------------------------------------------ drivers

type Obj = K.Obj;
type Fixture = K.Fixture;
type Script = number[];

interface Outcome {
  /** Every primitive executed, with its arguments, in order. */
  trace: string[];
  /** The shared object at the end. */
  final: Obj;
  /** What was thrown, if anything ('Ctor: message'). */
  error: string | null;
}

const MAX_STEPS = 3000;

function argText(v: unknown, o: object): string {
  if (v === o) return 'o';
  if (typeof v === 'function') return `fn:${v.name}`;
  if (v === undefined) return 'undefined';
  return JSON.stringify(v);
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `thrown: ${String(e)}`;
}

/** The environment: before step k, another CPU writes script[k] to o.ext. */
function environment(o: Obj, script: Script, k: number): void {
  o.ext = script[k % script.length];
}

/** The four primitives the fixtures use, implemented independently of impl/sim/atomics.ts. */
function execNative(name: string, args: unknown[]): unknown {
  const o = args[0] as Record<string, unknown>;
  const f = args[1] as string;
  switch (name) {
    case 'load':
      return o[f];
    case 'store':
      o[f] = args[2];
      return undefined;
    case 'atomic_cmpset_int': {
      const cur = (o[f] as number) | 0;
      if (cur !== ((args[2] as number) | 0)) return false;
      o[f] = (args[3] as number) | 0;
      return true;
    }
    case 'atomic_add_int':
      o[f] = ((o[f] as number) + (args[2] as number)) | 0;
      return undefined;
    default:
      throw new Error(`native driver: unexpected primitive ${name}`);
  }
}

function runNative(runCase: typeof N.run_case, fn: Fixture, init: Obj, script: Script): Outcome {
  const o: Obj = { ...init };
  const trace: string[] = [];
  let error: string | null = null;
  try {
    const g = runCase(o, fn);
    let r = g.next();
    let k = 0;
    while (!r.done) {
      if (k >= MAX_STEPS) throw new Error('step bound');
      const { prim, args } = r.value as PrimCall;
      environment(o, script, k);
      trace.push(`${prim.name}(${args.map((a) => argText(a, o)).join(', ')})`);
      k++;
      r = g.next(execNative(prim.name, args));
    }
  } catch (e) {
    error = errText(e);
  }
  return { trace, final: { ...o }, error };
}

/**
 * 'js': dead locals are kept (Sim.clearDeadLocals off), so the run has plain JavaScript
 * semantics whatever the liveness analysis says: this checks the lowering alone.
 * 'cleared': the default, dead locals cleared at every suspension.
 * 'scramble': every dead local is overwritten with a poison value before each step.
 * 'roundtrip': the whole state is encoded and decoded before each step.
 * The last three check that liveness never drops a local that is still needed.
 */
type Mode = 'js' | 'cleared' | 'scramble' | 'roundtrip';
const LIVENESS_MODES: Mode[] = ['cleared', 'scramble', 'roundtrip'];
/** Fixtures that hit the liveness bug described in the 'liveness' tests (it.fails there). */
const LIVENESS_BUG = new Set<string>([]);

const DEAD = Symbol('dead local');

/** Every slot not live at a frame's resume label must be undefined (Sim clears it). */
function deadLocalsCleared(t: Thread): string | null {
  for (const f of t.frames) {
    const live = f.proc.live[f.pc];
    if (!live) return `${f.proc.name}: no liveness at label ${f.pc}`;
    for (let i = 0; i < f.l.length; i++) {
      if (!live.includes(i) && f.l[i] !== undefined) return `${f.proc.name}@${f.pc}: dead local ${f.proc.localNames[i]} = ${String(f.l[i])}`;
    }
  }
  return null;
}

/**
 * Runs `runCase(o, fn)` compiled, on one thread. Modes: 'scramble' overwrites every dead local
 * with a poison value before each step (a read of a dead local would show); 'roundtrip'
 * encodes and decodes the whole state before each step.
 */
function runCompiled(
  runCase: typeof K.run_case,
  fn: Fixture,
  init: Obj,
  script: Script,
  mode: Mode = 'cleared',
  visited?: Set<string>,
): Outcome {
  const sim = new Sim(1);
  sim.clearDeadLocals = mode !== 'js';
  const o = sim.world.add('o', { ...init });
  const trace: string[] = [];
  let error: string | null = null;
  let codec: StateCodec | null = null;
  let t: Thread;
  try {
    t = sim.spawn('main', 0, runCase, [o, fn]);
  } catch (e) {
    return { trace, final: { ...o }, error: errText(e) };
  }
  if (mode === 'roundtrip') codec = new StateCodec(sim, { symmetry: false });
  let k = 0;
  while (!t.done) {
    if (k >= MAX_STEPS) {
      error = 'Error: step bound';
      break;
    }
    const cs = sim.choices();
    expect(cs).toEqual([choiceOf(0, 0)]);
    // (In 'scramble' mode the callers' frames still hold the poison of earlier steps.)
    const bad = mode === 'scramble' || mode === 'js' ? null : deadLocalsCleared(t);
    if (bad) throw new Error(`liveness: ${bad}`);
    if (visited) for (const f of t.frames) visited.add(`${f.proc.name}@${f.pc}`);
    if (mode === 'scramble') {
      for (const f of t.frames) {
        const live = f.proc.live[f.pc];
        for (let i = 0; i < f.l.length; i++) if (!live.includes(i)) f.l[i] = DEAD;
      }
    } else if (mode === 'roundtrip') {
      const bytes = codec!.encode().slice();
      codec!.decode(bytes);
      expect(codec!.encode()).toEqual(bytes);
    }
    environment(o, script, k);
    trace.push(`${t.prim!.name}(${t.args!.map((a) => argText(a, o)).join(', ')})`);
    k++;
    try {
      sim.step(cs[0]);
    } catch (e) {
      error = errText(e);
      break;
    }
  }
  if (error === null) expect(sim.allDone()).toBe(true);
  return { trace, final: { ...o }, error };
}

// ------------------------------------------------------------------ inputs

const val = fc.oneof(
  { arbitrary: fc.integer({ min: -6, max: 8 }), weight: 6 },
  { arbitrary: fc.integer({ min: -120, max: 120 }), weight: 2 },
  { arbitrary: fc.constantFrom(0x7fffffff, -0x80000000), weight: 1 },
);
const initArb: fc.Arbitrary<Obj> = fc.record({
  a: val,
  b: val,
  c: val,
  d: val,
  ext: val,
  opt: fc.option(val, { freq: 3 }),
  result: fc.constant(0),
});
const scriptArb = fc.array(val, { minLength: 1, maxLength: 16 });

const baseInit: Obj = { a: 1, b: 2, c: 3, d: 4, ext: 5, opt: null, result: 0 };

function seedOf(name: string): number {
  let h = 7;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

// ------------------------------------------------------------------ 1. differential

describe('compiled kernel code behaves like the same generator run natively', () => {
  it('kernels.ts and kernels_native.ts are the same text but for the directive line', () => {
    const k = fixtureText('kernels.ts');
    const n = fixtureText('kernels_native.ts');
    const lines = k.split('\n');
    expect(lines[0]).toBe("'use kernel';");
    expect(n).toBe(lines.slice(1).join('\n'));
    expect(compiler.hasKernelDirective(k)).toBe(true);
    expect(compiler.hasKernelDirective(n)).toBe(false);
    const e = fixtureText('edge.ts').split('\n');
    expect(e[0]).toBe("'use kernel';");
    expect(fixtureText('edge_native.ts')).toBe(e.slice(1).join('\n'));
  });

  it('the compiled module exposes procedures, the native one plain generators', () => {
    expect(Object.keys(K.fixtures)).toEqual(Object.keys(N.fixtures));
    for (const name of Object.keys(K.fixtures)) {
      const proc = procOf(K.fixtures[name]);
      expect(proc, name).toBeDefined();
      expect(proc!.name).toBe(name);
      expect(allProcs()[proc!.id]).toBe(proc);
      expect(procOf(N.fixtures[name])).toBeUndefined();
      // The compiled stub refuses to run outside the simulator.
      expect(() => (K.fixtures[name] as unknown as (o: Obj) => unknown)({ ...baseInit })).toThrow(/called directly/);
    }
  });

  it('a fixed example agrees step by step (lowering alone: dead locals kept)', () => {
    const script = [3, 0, 7, 1, 2, -60, 4];
    for (const name of Object.keys(K.fixtures)) {
      const c = runCompiled(K.run_case, K.fixtures[name], baseInit, script, 'js');
      const n = runNative(N.run_case, N.fixtures[name], baseInit, script);
      expect(c, name).toEqual(n);
      expect(n.trace.length, name).toBeGreaterThan(0);
    }
  });

  /** Runs the differential property for one fixture in the given modes; returns what it saw. */
  const differential = (name: string, modes: Mode[], numRuns: number): { visited: Set<string>; threw: number } => {
    const visited = new Set<string>();
    let threw = 0;
    fc.assert(
      fc.property(initArb, scriptArb, fc.constantFrom(...modes), (init, script, mode) => {
        const n = runNative(N.run_case, N.fixtures[name], init, script);
        const c = runCompiled(K.run_case, K.fixtures[name], init, script, mode, visited);
        expect(c).toEqual(n);
        if (n.error) threw++;
      }),
      { numRuns, seed: seedOf(name) },
    );
    return { visited, threw };
  };

  for (const name of Object.keys(K.fixtures)) {
    it(`${name}: the lowering agrees with the generator on random inputs (traces, results, effects)`, () => {
      const { visited, threw } = differential(name, ['js'], 200);
      // The generated inputs reach every call site of the fixture (the test is not vacuous).
      const proc = procOf(K.fixtures[name])!;
      const unreached = Object.keys(proc.sites).filter((pc) => !visited.has(`${name}@${pc}`));
      expect(unreached.map((pc) => proc.sites[Number(pc)].text)).toEqual([]);
      if (name === 'f_throws') expect(threw).toBeGreaterThan(0);
      else expect(threw).toBe(0);
    });
  }

  it('callees, recursion and function pointers push real frames', () => {
    const sim = new Sim(1);
    sim.clearDeadLocals = false; // f_recursion hits the liveness bug (Math saved in a temp)
    const o = sim.world.add('o', { ...baseInit, a: 3 });
    const t = sim.spawn('main', 0, K.run_case, [o, K.f_recursion]);
    let maxDepth = 0;
    const names = new Set<string>();
    while (!t.done) {
      maxDepth = Math.max(maxDepth, t.frames.length);
      for (const f of t.frames) names.add(f.proc.name);
      sim.step(sim.choices()[0]);
    }
    // run_case -> f_recursion -> rec x4 (depth 3..0)
    expect(maxDepth).toBe(6);
    expect([...names].sort()).toEqual(['f_recursion', 'rec', 'run_case']);
  });
});

describe('liveness never drops a needed local (dead locals cleared, poisoned, or lost in a state round trip)', () => {
  for (const name of Object.keys(K.fixtures)) {
    const run = (): void => {
      fc.assert(
        fc.property(initArb, scriptArb, fc.constantFrom(...LIVENESS_MODES), (init, script, mode) => {
          const n = runNative(N.run_case, N.fixtures[name], init, script);
          expect(runCompiled(K.run_case, K.fixtures[name], init, script, mode)).toEqual(n);
        }),
        { numRuns: 150, seed: seedOf(name) + 1 },
      );
    };
    if (LIVENESS_BUG.has(name)) {
      // BUG (see 'uses after a call site are recorded before it' below): these fixtures read,
      // after a yield*, a local or temporary whose use the compiler recorded before the site.
      it.fails(`${name}: agrees with the generator with dead locals cleared (liveness bug)`, run);
    } else {
      it(`${name}: agrees with the generator with dead locals cleared`, run);
    }
  }
});

// ------------------------------------------------------------------ 2. liveness

describe('liveness', () => {
  const probe = procOf(M.live_probe)!;
  const slot = (p: Proc, name: string): number => {
    const i = p.localNames.indexOf(name);
    expect(i, name).toBeGreaterThanOrEqual(0);
    return i;
  };
  const labelOf = (p: Proc, text: string): number => {
    const e = Object.entries(p.sites).find(([, s]) => s.text === text);
    expect(e, text).toBeDefined();
    return Number(e![0]);
  };

  it('a local assigned before a yield and not used after it is not live at the resume label', () => {
    const afterB = labelOf(probe, "store(o, 'b', dead)");
    expect(probe.live[afterB]).not.toContain(slot(probe, 'dead'));
    expect(probe.live[afterB]).toContain(slot(probe, 'o'));
    const afterD = labelOf(probe, "store(o, 'd', 1)");
    expect(probe.live[afterD]).toContain(slot(probe, 'keep'));
    expect(probe.live[afterD]).not.toContain(slot(probe, 'dead'));
    expect(probe.live[afterD]).not.toContain(slot(probe, 'o'));
    // Compiler temps never outlive their block here.
    for (const pc of Object.keys(probe.sites)) {
      for (const i of probe.live[Number(pc)]) expect(probe.localNames[i]).not.toMatch(/^__t/);
    }
  });

  it('loop-carried locals stay live around the back edge, per-iteration ones do not', () => {
    const p = procOf(M.live_loop)!;
    const afterStore = labelOf(p, "store(o, 'd', i)");
    expect(p.live[afterStore]).toEqual(expect.arrayContaining([slot(p, 'acc'), slot(p, 'i'), slot(p, 'o')]));
    expect(p.live[afterStore]).not.toContain(slot(p, 'tmp'));
    const afterLoad = labelOf(p, "load(o, 'ext')");
    expect(p.live[afterLoad]).toEqual(expect.arrayContaining([slot(p, 'acc'), slot(p, 'i'), slot(p, 'o')]));
    expect(p.live[0]).toEqual([slot(p, 'o')]);
  });

  it('the simulator clears dead locals of the suspended frame, keeps live ones, and does not encode dead ones', () => {
    const sim = new Sim(1);
    const o = sim.world.add('o', { ...baseInit, a: 41, c: 17 });
    const t = sim.spawn('main', 0, M.live_probe, [o]);
    const codec = new StateCodec(sim, { symmetry: false });
    const f = t.top();
    const seen: string[] = [];
    while (!t.done) {
      expect(deadLocalsCleared(t)).toBeNull();
      const site = probe.sites[f.pc];
      seen.push(site.text);
      if (site.text === "store(o, 'b', dead)") {
        expect(t.args).toEqual([o, 'b', 42]);
        expect(f.l[slot(probe, 'dead')]).toBeUndefined();
        // A dead local is not part of the state: poking it does not change the encoding.
        const before = codec.encode().slice();
        f.l[slot(probe, 'dead')] = 12345;
        expect(codec.encode()).toEqual(before);
        f.l[slot(probe, 'keep')] = 'junk';
        expect(codec.encode()).toEqual(before);
        // ... while a live one is.
        f.l[slot(probe, 'o')] = null;
        expect(codec.encode()).not.toEqual(before);
        f.l[slot(probe, 'o')] = o;
        f.l[slot(probe, 'dead')] = undefined;
        f.l[slot(probe, 'keep')] = undefined;
      }
      if (site.text === "store(o, 'd', 1)") {
        expect(f.l[slot(probe, 'keep')]).toBe(17);
        expect(f.l[slot(probe, 'dead')]).toBeUndefined();
        expect(f.l[slot(probe, 'o')]).toBeUndefined();
      }
      sim.step(sim.choices()[0]);
    }
    expect(seen).toEqual(["load(o, 'a')", "store(o, 'b', dead)", "load(o, 'c')", "store(o, 'd', 1)"]);
    expect(o.b).toBe(42);
    expect(o.d).toBe(1);
  });
});

describe('liveness: uses after a call site are recorded before it', () => {
  /** Runs fn(o) to completion through run_case and returns o.result (or what was thrown). */
  const result = (fn: Fixture, init: Partial<Obj>, clear: boolean): unknown => {
    const sim = new Sim(1);
    sim.clearDeadLocals = clear;
    const o = sim.world.add('o', { ...baseInit, ...init });
    const t = sim.spawn('main', 0, K.run_case, [o, fn]);
    try {
      while (!t.done) sim.step(sim.choices()[0]);
    } catch (e) {
      return errText(e);
    }
    return o.result;
  };
  const cases: Array<[string, Fixture, Partial<Obj>, number]> = [
    ['x + (yield* f()) with x a local', M.live_operand_after_site, { a: 3, b: 4 }, 7],
    ['x += yield* f() with x a local', M.live_compound_after_site, { a: 3, b: 4 }, 7],
    ['o.c * 10 + (yield* f()): the saved left operand', M.live_temp_after_site, { c: 3, b: 4 }, 34],
    ['yield* g(o, yield* f()): the saved callee', M.live_callee_after_site, { b: 4 }, 5],
  ];

  for (const [what, fn, init, expected] of cases) {
    it(`${what}: right with dead locals kept`, () => {
      expect(result(fn, init, false)).toBe(expected);
    });
    // Regression (found by this suite): a value read after a call site but lowered before it
    // must be live at the resume label (operands(), `x op= yield*`).
    it(`${what}: right with dead locals cleared`, () => {
      expect(result(fn, init, true)).toBe(expected);
    });
  }

  it('the resume label of `acc + (yield* load(o, \'b\'))` has acc live', () => {
    const p = procOf(M.live_operand_after_site)!;
    const pc = Number(Object.entries(p.sites).find(([, s]) => s.text === "load(o, 'b')")![0]);
    expect(p.live[pc]).toContain(p.localNames.indexOf('acc'));
  });
});

// ------------------------------------------------------------------ 3. site citations

describe('call-site citations', () => {
  const text = fixtureText('compiler_misc.ts');
  const lineOf = (needle: string): number => {
    const i = text.split('\n').findIndex((l) => l.includes(needle));
    expect(i, needle).toBeGreaterThanOrEqual(0);
    return i + 1;
  };
  const site = (p: Proc, t: string) => Object.values(p.sites).find((s) => s.text === t)!;

  // NOTE: the brief for this suite said a site without a citation takes the function's header
  // citation (and runtime.ts's SiteInfo doc still says "or the procedure's"); compile.mjs's
  // siteInfo() now names such a site by its own module line instead ("Without a seed citation
  // on (or just above) the line, the site is named by its own source line"). These tests follow
  // compile.mjs; the function's header citation is still proc.cite.
  it('a site on a line ending in a seed citation carries it; others are named by their own line', () => {
    const p = procOf(M.cited)!;
    expect(p.cite).toBe('vfs_bio.c:515-556');
    expect(site(p, "load(o, 'a')")).toEqual({ line: lineOf("yield* load(o, 'a'); // vfs_bio.c:547"), cite: 'vfs_bio.c:547', text: "load(o, 'a')" });
    expect(site(p, "load(o, 'b')").cite).toBe(`compiler_misc.ts:${lineOf('// no seed citation on this line')}`);
    // A comment line right above the call also cites it.
    expect(site(p, "load(o, 'c')").cite).toBe('vfs_bio.c:552');
    // Range and list forms.
    expect(site(p, "load(o, 'd')").cite).toBe('uvm_vnode.c:10-12, 14');
    expect(Object.keys(p.sites)).toHaveLength(4);
  });

  it('a function without a citing header comment cites its own file and line', () => {
    const p = procOf(M.uncited)!;
    const line = lineOf('export function* uncited');
    expect(p.cite).toBe(`compiler_misc.ts:${line}`);
    expect(p.line).toBe(line);
    expect(site(p, "load(o, 'a')").cite).toBe(`compiler_misc.ts:${line + 1}`);
    expect(procOf(M.live_probe)!.cite).toBe(`compiler_misc.ts:${lineOf('export function* live_probe')}`);
  });

  it('the simulator exposes the citation of the site a thread is suspended at', () => {
    const sim = new Sim(1);
    const o = sim.world.add('o', { ...baseInit });
    const t = sim.spawn('main', 0, M.cited, [o]);
    const cites: string[] = [];
    while (!t.done) {
      cites.push(t.top().proc.sites[t.top().pc].cite);
      sim.step(sim.choices()[0]);
    }
    expect(cites).toEqual(['vfs_bio.c:547', `compiler_misc.ts:${lineOf('// no seed citation on this line')}`, 'vfs_bio.c:552', 'uvm_vnode.c:10-12, 14']);
  });

  it('compileKernelModule emits the citations in the procedure table', () => {
    const src = [
      "'use kernel';",
      '/** bpdone, vfs_bio.c:3485-3714 */',
      'export function* f(o: any): any {',
      "  yield* load(o, 'x'); // vfs_bio.c:3500",
      "  yield* load(o, 'y');",
      '}',
    ].join('\n');
    const out = compiler.compileKernelModule(src, '/tmp/k.ts', 'rt');
    expect(out).toContain('"cite":"vfs_bio.c:3500"');
    expect(out).toContain('cite: "vfs_bio.c:3485-3714"');
    expect(out).toContain(`"line":4`);
  });
});

// ------------------------------------------------------------------ 4. compile errors

describe('compile errors', () => {
  const compile = (body: string[], fileName = 'k.ts'): string =>
    compiler.compileKernelModule(["'use kernel';", 'export function* f(o: any, c: any): any {', ...body, '}'].join('\n'), fileName, 'rt');

  const cases: Array<[string, string[], number, RegExp]> = [
    ['plain yield', ["  yield load(o, 'a');"], 3, /plain 'yield' is not supported/],
    ['yield* of a non-call', ['  const g = c;', '  yield* g;'], 4, /must be applied to a call/],
    ['destructuring declaration', ['  const { a } = o;', "  yield* load(o, 'a');"], 3, /destructuring declarations/],
    ['array destructuring declaration', ["  let [x, y] = [yield* load(o, 'a'), 2];"], 3, /destructuring declarations/],
    ['nested generator declaration', ["  yield* load(o, 'a');", '  function* inner() {}'], 4, /nested generator functions/],
    ['nested generator expression', ['  const g = function* () {};'], 3, /nested generator functions/],
    ['yield* inside try', ['  try {', "    yield* load(o, 'a');", '  } catch (e) {}'], 3, /inside try\/catch\/finally/],
    ['yield* inside finally', ['  try {', '    c = 1;', '  } finally {', "    yield* load(o, 'a');", '  }'], 3, /inside try/],
    ['shadowing local', ['  let x = 1;', '  if (c) {', '    let x = 2;', '    c = x;', '  }', "  yield* load(o, 'a');"], 5, /local 'x' shadows/],
    ['local shadowing a parameter', ['  for (let o = 0; o < 2; o++) c = o;'], 3, /local 'o' shadows/],
    ['yield* inside a template literal', ["  const s = `v=${yield* load(o, 'a')}`;"], 3, /template literal/],
    ['yield* in a case label', ['  switch (c) {', "    case yield* load(o, 'a'):", '      break;', '  }'], 4, /case label/],
    ['++ around yield*', ["  ++o[yield* load(o, 'a')];"], 3, /\+\+\/-- around yield\*/],
    ['spread around yield*', ["  c = [...(yield* load(o, 'a'))];"], 3, /spread around yield\*/],
    ['yield* under new', ["  c = new Set(yield* load(o, 'a'));"], 3, /unsupported position of yield\*/],
    ['break outside a loop', ['  break;'], 3, /break outside a loop/],
    ['closure over a local stored in a variable', ['  let n = 0;', '  const get = () => n;', "  n = yield* load(o, 'a');", '  return get();'], 4, /may only be passed directly as a call argument/],
    ['closure over a local assigned to a local', ['  let g;', '  g = () => c;', "  yield* load(o, 'a');"], 4, /may only be passed directly as a call argument/],
    ['closure over a local kept in an object literal', ['  let n = 1;', '  const h = { get: () => n };', "  n = yield* load(o, 'a');", '  return h.get();'], 4, /may only be passed directly as a call argument/],
    ['yield* an optional call could skip', ["  const s = (yield* load(o, 'opt'))?.toFixed(yield* load(o, 'a'));"], 3, /optional chain/],
    ['yield* an optional element access could skip', ["  const s = c?.[yield* load(o, 'a')];"], 3, /optional chain/],
    ['logical assignment to a local around yield*', ["  let x = c;", "  x ||= yield* load(o, 'a');"], 4, /logical assignment/],
    ['closure assigning a local', ['  let n = 0;', '  [1].forEach(() => {', '    n++;', '  });', "  yield* load(o, 'a');"], 5, /closure may not assign the local 'n'/],
    ['nested function declaration', ['  function twice(x: number): number {', '    return 2 * x;', '  }', "  return twice(yield* load(o, 'a'));"], 3, /declare helper functions and classes at module level/],
    ['nested class declaration', ['  class C {}', "  yield* load(o, 'a');"], 3, /declare helper functions and classes at module level/],
    // for-of is only supported when it can be emitted verbatim: no return or outer jump inside.
    ['return inside for-of', ['  for (const x of c) {', '    if (x) return 1;', '  }', "  yield* load(o, 'a');"], 3, /unsupported statement in a kernel function: ForOfStatement/],
  ];

  for (const [what, body, line, re] of cases) {
    it(`${what} is a KernelCompileError at file:line`, () => {
      let caught: unknown = null;
      try {
        compile(body);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(compiler.KernelCompileError);
      const msg = (caught as Error).message;
      expect(msg).toMatch(new RegExp(`^k\\.ts:${line}:\\d+: f: `));
      expect(msg).toMatch(re);
    });
  }

  it('parameters must be plain identifiers without defaults or rest', () => {
    const bad = ['{ a }: any', 'a: any = 1', '...a: any[]'];
    for (const p of bad) {
      const src = `'use kernel';\nexport function* f(${p}): any {\n  return 1;\n}\n`;
      expect(() => compiler.compileKernelModule(src, 'k.ts', 'rt')).toThrow(compiler.KernelCompileError);
      expect(() => compiler.compileKernelModule(src, 'k.ts', 'rt')).toThrow(/^k\.ts:2:\d+: f: .*parameter/);
    }
  });

  it('what is allowed: try without yields, sibling scopes reusing a name, arrows, modules without generators', () => {
    expect(() =>
      compile([
        '  try {',
        '    c = JSON.parse(c);',
        '  } catch (e) {',
        '    c = 0;',
        '  }',
        '  for (let i = 0; i < 2; i++) c += i;',
        '  for (let i = 0; i < 2; i++) c += i;',
        '  c = [1, 2].map((x: number) => { const i = x + c; return i; });',
        "  c = c.concat([yield* load(o, 'a')]).filter((x: number) => x > 0);",
        '  return c;',
      ]),
    ).not.toThrow();
    const plain = "'use kernel';\nexport const x = 1;\n";
    expect(compiler.compileKernelModule(plain, 'k.ts', 'rt')).toBe(plain);
    // A module without the directive is not a kernel module.
    expect(compiler.hasKernelDirective("// header\n/* more */\n'use kernel';\n")).toBe(true);
    expect(compiler.hasKernelDirective("const a = 1;\n'use kernel';\n")).toBe(false);
  });

  it('the runtime import goes right after the directive, which stays first', () => {
    const out = compile(["  return yield* load(o, 'a');"]);
    expect(out.startsWith("'use kernel';\nimport * as __vfsm_rt from \"rt\";")).toBe(true);
  });

  // BUG: in a JavaScript kernel module (.js/.mjs: patch modules may be either, see
  // explorer/patch.ts), the stub of a `function*` declaration is emitted as
  // `function f(..._args[])`: the `: any` annotations are stripped from `(..._args: any[])`
  // leaving `[]`, which is a syntax error. Method shorthands (procExpr) are fine.
  it('a function* declaration in a .mjs kernel module compiles to valid JavaScript', () => {
    const src = "'use kernel';\nexport function* f(o) {\n  return yield* load(o, 'a');\n}\n";
    const out = compiler.compileKernelModule(src, 'patch.mjs', 'rt');
    const body = out.replace(/^import .*$/m, '').replace(/\bexport (default )?/g, '');
    expect(() => new Function('load', body)).not.toThrow();
  });

  // BUG: compileKernelModule rewrites every generator method, also one in a class body, into
  // `"m": __vfsm_rt.procExpr({...})`, which is not valid inside a class: the module fails to
  // load with a syntax error instead of a KernelCompileError naming the line.
  it('a generator method in a class is compiled to valid code or rejected with a KernelCompileError', () => {
    const src = "'use kernel';\nexport class C {\n  *m(o: any): any {\n    return yield* load(o, 'a');\n  }\n}\n";
    let out: string;
    try {
      out = compiler.compileKernelModule(src, 'k.ts', 'rt');
    } catch (e) {
      expect(e).toBeInstanceOf(compiler.KernelCompileError);
      return;
    }
    const r = ts.transpileModule(out, { reportDiagnostics: true, fileName: 'k.ts', compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    expect((r.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('compiled TypeScript kernel modules are syntactically valid', () => {
    for (const name of ['kernels.ts', 'edge.ts', 'compiler_misc.ts', 'methods.ts', 'simkernels.ts']) {
      const out = compiler.compileKernelModule(fixtureText(name), name, 'rt');
      const r = ts.transpileModule(out, { reportDiagnostics: true, fileName: name, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      expect((r.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), name).toEqual([]);
    }
  });

  it('a method shorthand in a .mjs kernel module compiles to valid JavaScript', () => {
    const src = "'use kernel';\nexport default {\n  *f(o) {\n    return yield* load(o, 'a');\n  },\n};\n";
    const out = compiler.compileKernelModule(src, 'patch.mjs', 'rt');
    const body = out.replace(/^import .*$/m, '').replace(/\bexport default /g, 'const d = ');
    expect(() => new Function('load', '__vfsm_rt', body)).not.toThrow();
  });
});

// ------------------------------------------------------------------ 5. methods and expressions

describe('method shorthands and generator expressions', () => {
  it('compile to procedures; other methods stay plain', () => {
    const bump = procOf(methods.bump);
    expect(bump).toBeDefined();
    expect(bump!.name).toBe('bump');
    expect(bump!.nparams).toBe(2);
    expect(bump!.cite).toBe('vfs_bio.c:3716-3760');
    expect(procOf(methods['quoted-name'])!.name).toBe('quoted-name');
    expect(procOf(methods.notAKernelFunction)).toBeUndefined();
    expect(methods.notAKernelFunction(1)).toBe(2);
    expect(procOf(named_expr)!.name).toBe('named_inner');
    expect(procOf(anon_expr)!.name).toBe('anonymous');
    expect(() => (methods.bump as unknown as () => unknown)()).toThrow(/called directly/);
    expect(procOf({})).toBeUndefined();
    expect(procOf(() => 1)).toBeUndefined();
  });

  it('run in the simulator', () => {
    const sim = new Sim(2);
    const o = sim.world.add('o', { ...baseInit, a: 10, b: 4, c: 6, d: 8 });
    const t1 = sim.spawn('t1', 0, methods.bump, [o, 7]);
    const t2 = sim.spawn('t2', 1, methods['quoted-name'], [o]);
    const t3 = sim.spawn('t3', 0, named_expr, [o]);
    const t4 = sim.spawn('t4', 1, anon_expr, [o]);
    expect([t1, t2, t3, t4].map((t) => t.prim!.name)).toEqual(['atomic_add_int', 'load', 'load', 'load']);
    expect(t1.args).toEqual([o, 'a', 7]);
    while (!sim.allDone()) sim.step(sim.choices()[0]);
    expect(o.a).toBe(17);
    // The last frame's return value is not kept once a thread is done; run them as callees.
    const sim2 = new Sim(1);
    const o2 = sim2.world.add('o', { ...baseInit, a: 10, b: 4, c: 6, d: 8 });
    for (const fn of [methods['quoted-name'], named_expr, anon_expr]) sim2.spawn('t', 0, K.run_case, [o2, fn]);
    const results: number[] = [];
    for (const t of sim2.threads) {
      while (!t.done) sim2.step(choiceOf(t.id, 0));
      results.push(o2.result);
    }
    expect(results).toEqual([8, 7, 10]);
  });
});

// ------------------------------------------------------------------ corner cases

describe('evaluation-order and control-flow corner cases (edge.ts, compiled vs native)', () => {
  type EdgeName = keyof typeof EK & keyof typeof EN;
  const check = (name: EdgeName, init: Partial<Obj>, script: Script, expected: number | null, modes: Mode[]): void => {
    const i = { ...baseInit, ...init };
    const n = runNative(N.run_case, EN[name] as Fixture, i, script);
    if (expected !== null) expect(n.final.result).toBe(expected);
    for (const mode of modes) expect(runCompiled(K.run_case, EK[name] as Fixture, i, script, mode), mode).toEqual(n);
  };
  /**
   * [what, fixture, examples [init, script, expected result], known bug: 'liveness' (fails
   * whenever dead locals are cleared), 'alias' (fails only across a state round trip), or null]
   */
  const cases: Array<[string, EdgeName, Array<[Partial<Obj>, Script, number | null]>, 'liveness' | 'alias' | null]> = [
    ['an unlabeled break inside a labelled block leaves the enclosing loop', 'edge_break_in_labelled_block', [[{ a: 1 }, [0], 0], [{ a: 0 }, [0], 33]], null],
    // pair3(1, 1, 5) = 115; pair3(1, 5, 5) = 155; i = 2
    ['a local passed before an operand that mutates it keeps its old value', 'edge_local_mutated_before_yield', [[{ a: 5 }, [0], 115 * 1000 + 155 + 2]], null],
    ['optional chaining on a yield* result keeps its short-circuit', 'edge_optional_chain', [[{ opt: null }, [0], -1], [{ opt: 7 }, [0], 7]], null],
    // o.ext = 5 is read before the load; the environment writes 100 during it, so o.ext becomes
    // 5 + 1 (reading it after the step would give 101); then o.d = 4 - 3 * 2.
    ['a compound assignment to a property reads the property before the yield*', 'edge_compound_property_assignment', [[{ ext: 5, a: 1 }, [100, 3], 6 * 1000 - 2]], null],
    ['a compound assignment to an element of a local array', 'edge_array_element_compound', [[{ a: 1 }, [7], 100 + 140 + 3], [{ a: 0 }, [7], 700 + 20 + 3]], null],
  ];
  for (const [what, name, examples, bug] of cases) {
    const run = (modes: Mode[]) => (): void => {
      for (const [init, script, expected] of examples) check(name, init, script, expected, modes);
    };
    it(`${what} (lowering)`, run(['js']));
    // BUG: see 'liveness: uses after a call site are recorded before it'.
    if (bug === 'liveness') it.fails(`${what} (dead locals cleared: liveness bug)`, run(['cleared', 'scramble']));
    else it(`${what} (dead locals cleared)`, run(['cleared', 'scramble']));
    // BUG ('alias'): for `arr[i] op= yield* f()` the compiler saves the array in a temporary
    // (`__t3 = arr; __t4 = i; __t5 = __t3[__t4]; <site>; __t3[__t4] = __t5 * __t6`). The state
    // encoder (encode.ts value()) encodes an unregistered array by value (T_ARRAY), so after a
    // decode `arr` and `__t3` are two distinct arrays and the store goes to the copy: with a = 1
    // and ext = 7 the result is 123 instead of 143. Any two references to one array (two locals,
    // a local and a registered object's field, two fields) stop aliasing across a restore.
    if (bug === 'liveness' || bug === 'alias') it.fails(`${what} (state round trip: ${bug} bug)`, run(['roundtrip']));
    else it(`${what} (state round trip)`, run(['roundtrip']));
  }

  it('compound assignments to properties agree on random inputs (lowering)', () => {
    fc.assert(
      fc.property(initArb, scriptArb, (init, script) => {
        const n = runNative(N.run_case, EN.edge_compound_property_assignment as Fixture, init, script);
        expect(runCompiled(K.run_case, EK.edge_compound_property_assignment as Fixture, init, script, 'js')).toEqual(n);
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  // These forms were miscompiled and are now rejected (see 'compile errors'): a yield* an
  // optional chain could skip, a logical assignment around yield*, a kept closure over locals.
});
