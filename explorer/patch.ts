/**
 * Patch modules: an ES module whose default export maps seed function names to replacement
 * kernel functions (generators in a file that starts with 'use kernel'). See docs/patches.md.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { procOf } from '../impl/compiler/runtime.ts';
import { seedFunctionNames } from '../impl/kernel/index.ts';
import type { PatchSet } from './setup.ts';

export class PatchError extends Error {}

/** Validates a loaded module's default export; `file` is for messages. */
export function patchFromModule(file: string, mod: Record<string, unknown>): PatchSet {
  const def = mod.default;
  if (!def || typeof def !== 'object') throw new PatchError(`patch ${file}: the default export must be an object mapping seed function names to kernel functions`);
  const functions = new Map<string, NonNullable<ReturnType<typeof procOf>>>();
  for (const [name, fn] of Object.entries(def as Record<string, unknown>)) {
    if (!seedFunctionNames.has(name)) {
      throw new PatchError(`patch ${file}: '${name}' is not a seed function this model implements (known: ${[...seedFunctionNames.keys()].join(', ')})`);
    }
    const proc = procOf(fn);
    if (!proc) {
      throw new PatchError(`patch ${file}: '${name}' is not compiled kernel code (write it as a generator function and start the file with 'use kernel';)`);
    }
    proc.replaces = name;
    functions.set(name, proc);
  }
  if (functions.size === 0) throw new PatchError(`patch ${file}: the default export replaces no seed function`);
  return { file, functions };
}

export async function loadPatch(file: string): Promise<PatchSet> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new PatchError(`cannot read patch file ${file}`);
  if (!/\.(ts|mts|js|mjs)$/.test(path)) throw new PatchError(`patch ${file}: expected a .ts, .mts, .js or .mjs module`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new PatchError(`patch ${file}: cannot load it: ${msg}`);
  }
  return patchFromModule(file, mod);
}
