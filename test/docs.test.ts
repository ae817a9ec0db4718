import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtemp, writeFile, mkdir, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDocs, checkDocs, writeDocs, mutantDocRows, type MutantDocRow } from '../docs/generate.ts';
import { machineRegistry } from '../machines/index.ts';
import { invariantRegistry } from '../invariants/index.ts';
import { scenarioRegistry } from '../scenarios/index.ts';
import { loadMutants } from '../mutants/index.ts';
import { benchEntry } from '../bench/run.ts';

describe('generated docs', () => {
  let docs: Map<string, string>;
  let rows: MutantDocRow[];

  beforeAll(async () => {
    docs = await generateDocs();
    // Mutant rows are rerun once to show they are deterministic; later calls reuse them.
    rows = await mutantDocRows(await loadMutants());
  });

  it('is deterministic', async () => {
    const again = await generateDocs({ mutantRows: rows });
    expect([...again.keys()]).toEqual([...docs.keys()]);
    for (const [path, content] of docs) expect(again.get(path), path).toBe(content);
  });

  it('has no timings or dates', () => {
    for (const [path, content] of docs) {
      expect(content, path).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(content, path).not.toMatch(/\d+(\.\d+)?\s?(s|ms|seconds)\b/);
    }
  });

  it('has the index pages', () => {
    for (const p of ['docs/README.md', 'docs/machines/README.md', 'docs/invariants.md', 'docs/scenarios.md', 'docs/mutants.md']) {
      expect(docs.has(p), p).toBe(true);
    }
    const index = docs.get('docs/README.md')!;
    for (const p of ['design.md', 'patches.md', 'hazards.md', 'machines/README.md', 'invariants.md', 'scenarios.md', 'mutants.md']) {
      expect(index).toContain(`](${p})`);
    }
  });

  it('has a page for every machine, linked from the machine index', () => {
    const index = docs.get('docs/machines/README.md')!;
    for (const m of machineRegistry) {
      const page = docs.get(`docs/machines/${m.name}.md`);
      expect(page, m.name).toBeDefined();
      expect(page).toContain('```mermaid');
      expect(index).toContain(`](${m.name}.md)`);
    }
  });

  it('lists every invariant', () => {
    const page = docs.get('docs/invariants.md')!;
    for (const inv of invariantRegistry) expect(page, inv.id).toContain(`| <a id="${inv.id.toLowerCase()}"></a>${inv.id} | ${inv.kind} |`);
  });

  it('lists every scenario with its explore command', () => {
    const page = docs.get('docs/scenarios.md')!;
    for (const s of scenarioRegistry) {
      expect(page).toContain(`## ${s.name}\n`);
      expect(page).toContain(`vfsmodel explore ${s.name}\n`);
      for (const k of Object.keys(s.params)) expect(page).toContain(`| \`${k}\` |`);
    }
  });

  it('lists every mutant with its result and reproduction command', async () => {
    const page = docs.get('docs/mutants.md')!;
    const mutants = await loadMutants();
    expect(rows.map((r) => r.id)).toEqual(mutants.map((m) => m.meta.id));
    for (const m of mutants) {
      expect(page).toContain(`| [${m.meta.id}](#${m.meta.id.toLowerCase()}) |`);
      expect(page).toContain(`## ${m.meta.id}\n`);
      expect(page).toContain(`vfsmodel mutants --only ${m.meta.id} --trace-out ${m.meta.id}.json`);
    }
  });

  it('checkDocs reports missing, stale and orphaned files; writeDocs fixes them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vfsmodel-docs-'));
    try {
      const opts = { mutantRows: rows };
      expect((await checkDocs(root, opts)).sort()).toEqual([...docs.keys()].sort());
      const written = await writeDocs(root, opts);
      expect(written.sort()).toEqual([...docs.keys()].sort());
      expect(await checkDocs(root, opts)).toEqual([]);
      expect(await readFile(join(root, 'docs/invariants.md'), 'utf8')).toBe(docs.get('docs/invariants.md'));

      const victim = `docs/machines/${machineRegistry[0]!.name}.md`;
      await writeFile(join(root, victim), docs.get(victim)!.replace('## Transitions', '## Transitions (edited)'));
      await rm(join(root, 'docs/scenarios.md'));
      await mkdir(join(root, 'docs/machines'), { recursive: true });
      await writeFile(join(root, 'docs/machines/removedMachine.md'), '# gone\n');
      // Handwritten pages are not the generator's business.
      await writeFile(join(root, 'docs/design.md'), '# Design\n');
      expect((await checkDocs(root, opts)).sort()).toEqual(['docs/machines/removedMachine.md', 'docs/scenarios.md', victim].sort());

      await writeDocs(root, opts);
      expect(await checkDocs(root, opts)).toEqual([]);
      expect(await readFile(join(root, 'docs/design.md'), 'utf8')).toBe('# Design\n');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// SPEC "Generated docs": the docs are committed and a test fails when they are stale. Active as
// soon as the docs have been generated once (docs/README.md exists); fix with `npm run docs`.
describe.skipIf(!existsSync(join(repoRoot, 'docs/README.md')))('committed docs', () => {
  it('are up to date (run npm run docs)', async () => {
    expect(await checkDocs(repoRoot)).toEqual([]);
  });
});

describe('bench entry formatting', () => {
  it('derives rates and memory from one exploration', () => {
    const e = benchEntry(
      { name: 'bio-track ios=3 waiters=1', scenario: 'bio-track', params: { ios: 3, waiters: 1 }, symmetry: false },
      { states: 1000, transitions: 4000, steps: 4000, seconds: 2, complete: true, stopped: null, depth: 12, cpus: 2 },
      { rss: 200 * 1048576, heapUsed: 50 * 1048576, arrayBuffers: 100 * 1048576, startRss: 80 * 1048576 },
    );
    expect(e).toMatchObject({
      name: 'bio-track ios=3 waiters=1',
      states: 1000,
      transitions: 4000,
      steps: 4000,
      seconds: 2,
      statesPerSecond: 500,
      stepsPerSecond: 2000,
      peakRssMiB: 200,
      peakHeapUsedMiB: 50,
      peakArrayBuffersMiB: 100,
      startRssMiB: 80,
      complete: true,
    });
    const zero = benchEntry(
      { name: 'x', scenario: 'x', params: {}, symmetry: true },
      { states: 1, transitions: 0, steps: 0, seconds: 0, complete: true, stopped: null, depth: 0, cpus: 1 },
      { rss: 0, heapUsed: 0 },
    );
    expect(Number.isFinite(zero.statesPerSecond)).toBe(true);
  });
});
