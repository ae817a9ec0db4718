/**
 * Node ESM loader hooks: run TypeScript modules (type-stripped with typescript's
 * transpileModule) and compile kernel modules ('use kernel') into resumable procedures.
 * Registered by register.mjs; used by the CLI, the bench and patch modules.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { compileKernelModule, hasKernelDirective } from './compile.mjs';

const runtimeUrl = new URL('./runtime.ts', import.meta.url).href;

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
  return { format: 'module', source, shortCircuit: true };
}

export async function resolve(specifier, context, nextResolve) {
  // Patch modules may import the public API as 'vfsmodel' from anywhere on disk.
  if (specifier === 'vfsmodel' || specifier === 'vfsmodel/api') {
    return { url: pathToFileURL(fileURLToPath(new URL('../api.ts', import.meta.url))).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
