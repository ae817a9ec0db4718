/** The CLI contract: exit codes, one-line errors without stack traces, JSON fields, replay. */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/vfsmodel.mjs', import.meta.url).pathname;
const fx = (f: string) => new URL(`./fixtures/patches/${f}`, import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'vfsmodel-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const badJson = join(tmp, 'bad.json');
writeFileSync(badJson, '{ "#meta": ');
const noMeta = join(tmp, 'nometa.json');
writeFileSync(noMeta, JSON.stringify({ vars: [], states: [] }));
const badScenario = join(tmp, 'badscenario.json');
writeFileSync(badScenario, JSON.stringify({ '#meta': { vfsmodel: { scenario: 'nope', params: {}, cpus: 2, choices: [] } } }));
const badChoices = join(tmp, 'badchoices.json');
writeFileSync(badChoices, JSON.stringify({ '#meta': { vfsmodel: { scenario: 'bio-track', params: {}, cpus: 2, choices: [{ thread: 1 }] } } }));

const BAD: [string, string[], RegExp][] = [
  ['unknown command', ['frobnicate'], /unknown command/],
  ['unknown scenario', ['explore', 'nope'], /unknown scenario 'nope'/],
  ['missing scenario', ['explore'], /missing SCENARIO/],
  ['unknown parameter', ['explore', 'bio-track', '--param', 'disks=2'], /no parameter 'disks'/],
  ['non-integer parameter', ['explore', 'bio-track', '--param', 'ios=two'], /expected an integer/],
  ['parameter out of range', ['explore', 'bio-track', '--param', 'ios=99'], /between/],
  ['malformed --param', ['explore', 'bio-track', '--param', 'ios'], /expected k=v/],
  ['bad strategy', ['explore', 'bio-track', '--strategy', 'bogo'], /--strategy bogo/],
  ['unknown option', ['explore', 'bio-track', '--frob'], /Unknown option/],
  ['bad --cpus', ['explore', 'bio-track', '--cpus', 'x'], /--cpus/],
  ['bad --time-limit', ['explore', 'bio-track', '--time-limit', '-3'], /--time-limit/],
  ['unknown machine', ['graph', 'nope'], /unknown machine/],
  ['unknown state', ['graph', 'bioTrack', '--to', 'nowhere'], /no reachable state/],
  ['bad diagram format', ['diagram', 'bio', '--format', 'svg'], /--format svg/],
  ['missing trace file', ['replay', join(tmp, 'none.json')], /cannot read trace file/],
  ['malformed trace JSON', ['replay', badJson], /malformed trace file/],
  ['trace without replay data', ['replay', noMeta], /no "#meta".vfsmodel/],
  ['trace with an unknown scenario', ['replay', badScenario], /unknown scenario/],
  ['trace with malformed choices', ['replay', badChoices], /choices/],
  ['missing patch file', ['explore', 'bio-track', '--patch', join(tmp, 'none.ts')], /cannot read patch file/],
  ['patch with a syntax error', ['explore', 'bio-track', '--patch', fx('syntax-error.ts')], /cannot load it/],
  ['patch whose default export is not an object', ['check', '--patch', fx('not-an-object.ts')], /default export must be an object/],
  ['patch replacing an unknown function', ['explore', 'bio-track', '--patch', fx('unknown-function.ts')], /not a seed function/],
  ['patch without the kernel directive', ['explore', 'bio-track', '--patch', fx('not-kernel.ts')], /not compiled kernel code/],
  ['unknown mutant', ['mutants', '--only', 'M99'], /no mutant 'M99'/],
  ['--trace-out without --only', ['mutants', '--trace-out', join(tmp, 'x.json')], /needs --only/],
  ['unwritable --trace-out', ['explore', 'bio-track', '--param', 'ios=1', '--param', 'waiters=1', '--patch', new URL('../mutants/M05-rel-keeps-wait-bit.ts', import.meta.url).pathname, '--trace-out', '/nonexistent/dir/x.json'], /cannot write/],
  ['a patch that fails at run time', ['explore', 'bio-track', '--param', 'ios=1', '--param', 'waiters=0', '--patch', fx('throws.ts')], /step of io0 at .*bio_track_rel.*not extensible|step of io0/],
  ['--param given twice', ['explore', 'bio-track', '--param', 'ios=1', '--param', 'ios=2'], /given twice/],
  ['--symmetry with a sampling strategy', ['explore', 'bio-track', '--strategy', 'random', '--symmetry'], /exhaustive strategy only/],
];

describe('bad input: exit 2, one line, no stack trace', () => {
  for (const [what, args, msg] of BAD) {
    it(what, () => {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    });
  }
});

describe('commands', () => {
  it('explore --json has the SPEC fields and is identical apart from timings when repeated', () => {
    const a = cli('explore', 'bio-track', '--param', 'ios=2', '--param', 'waiters=2', '--json');
    const b = cli('explore', 'bio-track', '--param', 'ios=2', '--param', 'waiters=2', '--json');
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.out);
    const jb = JSON.parse(b.out);
    for (const f of ['scenario', 'params', 'cpus', 'strategy', 'seed', 'complete', 'states', 'transitions', 'executions', 'steps', 'seconds', 'violation', 'coverage']) expect(ja).toHaveProperty(f);
    expect(ja.states).toBe(7595);
    expect({ ...ja, seconds: 0, memoryMiB: 0 }).toEqual({ ...jb, seconds: 0, memoryMiB: 0 });
  });

  it('a violation exits 1; its saved trace replays (reproduced: true)', () => {
    const trace = join(tmp, 'm07b.json');
    const m = cli('mutants', '--only', 'M07b', '--trace-out', trace, '--json');
    expect(m.code).toBe(0);
    expect(JSON.parse(m.out).mutants[0]).toMatchObject({ id: 'M07b', expect: 'killed', killed: true, by: 'TRK-03' });
    const itf = JSON.parse(readFileSync(trace, 'utf8'));
    expect(itf['#meta'].format).toBe('ITF');
    expect(itf.states.length).toBeGreaterThan(1);
    const r = cli('replay', trace, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ reproduced: true, violation: { kind: 'deadlock', id: 'TRK-03' } });
  });

  it('replay exits 1 when the trace does not reproduce', () => {
    const trace = join(tmp, 'm05.json');
    expect(cli('mutants', '--only', 'M05', '--trace-out', trace).code).toBe(0);
    const doc = JSON.parse(readFileSync(trace, 'utf8'));
    doc['#meta'].vfsmodel.choices = doc['#meta'].vfsmodel.choices.slice(0, 2);
    writeFileSync(trace, JSON.stringify(doc));
    const r = cli('replay', trace, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).reproduced).toBe(false);
  });

  it('a saved trace replays from another directory (the patch path is stored absolute)', () => {
    const trace = join(tmp, 'm07.json');
    expect(cli('mutants', '--only', 'M07', '--trace-out', trace).code).toBe(0);
    const r = spawnSync(process.execPath, [bin, 'replay', trace, '--json'], { encoding: 'utf8', cwd: tmp });
    expect(JSON.parse(r.stdout).reproduced).toBe(true);
  });

  it('explore with a user patch (plain JavaScript, imports from vfsmodel) that must not matter', () => {
    const r = cli('explore', 'bio-track', '--param', 'ios=2', '--param', 'waiters=2', '--patch', fx('good-equivalent.js'), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ complete: true, violation: null, patch: fx('good-equivalent.js') });
  });

  it('--time-limit ends with a partial summary', () => {
    const r = cli('explore', 'bio-track', '--param', 'ios=4', '--param', 'waiters=2', '--time-limit', '0.5', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ complete: false, stopped: 'time-limit', violation: null });
  });

  it('Ctrl-C ends a long exploration with a partial summary', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'explore', 'bio-track', '--param', 'ios=4', '--param', 'waiters=2', '--json']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ complete: false, stopped: 'interrupted', violation: null });
  });

  it('machines, graph, diagram, invariants, scenarios, hazards', () => {
    const m = JSON.parse(cli('machines', '--json').out);
    expect(m.machines.map((x: { name: string }) => x.name)).toEqual(['bioTrack', 'bio', 'buf', 'page', 'uvn', 'uvmPage', 'hammerInode', 'hammerRecord', 'flushGroup', 'syncerVnode']);
    for (const x of m.machines) for (const f of ['name', 'states', 'transitions', 'reachable']) expect(x).toHaveProperty(f);
    const g = JSON.parse(cli('graph', 'bioTrack', '--to', 'waited', '--json').out);
    expect(g.path).toEqual(['TRACK_REF', 'TRACK_SET_WAIT']);
    expect(cli('diagram', 'bio', '--format', 'dot').out).toMatch(/digraph/);
    expect(cli('diagram', 'bioTrack').out).toMatch(/stateDiagram-v2/);
    expect(JSON.parse(cli('invariants', '--json').out).invariants.length).toBeGreaterThan(5);
    expect(JSON.parse(cli('scenarios', '--json').out).scenarios.map((s: { name: string }) => s.name)).toContain('biowait');
    expect(cli('hazards', '--json').code).toBe(0);
  });

  it('check --json is ok and covers both machines completely', () => {
    const r = cli('check', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(true);
    expect(j.coverage.bioTrack).toEqual({ states: [3, 3], transitions: [10, 10] });
    expect(j.coverage.bio.states[0]).toBe(j.coverage.bio.states[1]);
    expect(j.coverage.bio.transitions[0]).toBe(j.coverage.bio.transitions[1]);
    // The HAMMER machines (issue 5) are covered completely by the built-in scenarios.
    for (const m of ['hammerInode', 'hammerRecord', 'flushGroup', 'syncerVnode']) {
      expect(j.coverage[m].states[0], m).toBe(j.coverage[m].states[1]);
      expect(j.coverage[m].transitions[0], m).toBe(j.coverage[m].transitions[1]);
    }
    expect(j.uncovered).toEqual({});
  });
});
