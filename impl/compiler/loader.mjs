/**
 * Node ESM loader hooks: run TypeScript modules (type-stripped with typescript's
 * transpileModule) and compile kernel modules ('use kernel') into resumable procedures.
 * Registered by register.mjs; used by the CLI, the bench and patch modules.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { compileKernelModule, hasKernelDirective } from './compile.mjs';

const runtimeUrl = new URL('./runtime.ts', import.meta.url).href;

// Transpiled modules are cached on disk, keyed by the source and by this loader and compiler,
// so the CLI starts quickly; a changed compiler invalidates every entry.
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/vfsmodel/', import.meta.url));
const toolHash = createHash('sha1')
  .update(readFileSync(new URL('./compile.mjs', import.meta.url)))
  .update(readFileSync(new URL('./loader.mjs', import.meta.url)))
  .update(ts.version)
  .digest('hex')
  .slice(0, 16);

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const isTs = /\.[cm]?ts$/.test(url);
  const isJs = /\.[cm]?js$/.test(url);
  if (!isTs && !isJs) return nextLoad(url, context);
  if (isJs && url.includes('/node_modules/')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  let source = await readFile(path, 'utf8');
  const kernel = hasKernelDirective(source);
  if (!isTs && !kernel) return nextLoad(url, context);
  const key = createHash('sha1').update(toolHash).update(path).update(source).digest('hex');
  const cached = await readFile(cacheDir + key + '.mjs', 'utf8').catch(() => null);
  if (cached !== null) return { format: 'module', source: cached, shortCircuit: true };
  if (kernel) source = compileKernelModule(source, path, runtimeUrl);
  if (isTs) {
    source = ts.transpileModule(source, {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        sourceMap: false,
        inlineSourceMap: true,
        inlineSources: false,
        verbatimModuleSyntax: false,
        isolatedModules: true,
      },
    }).outputText;
  }
  await mkdir(cacheDir, { recursive: true })
    .then(() => writeFile(cacheDir + key + '.mjs', source))
    .catch(() => undefined);
  return { format: 'module', source, shortCircuit: true };
}

export async function resolve(specifier, context, nextResolve) {
  // Patch modules may import the public API as 'vfsmodel' from anywhere on disk.
  if (specifier === 'vfsmodel' || specifier === 'vfsmodel/api') {
    return { url: pathToFileURL(fileURLToPath(new URL('../api.ts', import.meta.url))).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
