import { defineConfig, type Plugin } from 'vitest/config';
// @ts-expect-error plain JavaScript module (checked with @ts-check)
import { compileKernelModule, hasKernelDirective } from './impl/compiler/compile.mjs';

const runtime = new URL('./impl/compiler/runtime.ts', import.meta.url).pathname;

/** Compiles kernel modules ('use kernel') into resumable procedures before Vite strips types. */
function kernelCompiler(): Plugin {
  return {
    name: 'vfsmodel-kernel-compiler',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.[cm]?[jt]s$/.test(id) || id.includes('/node_modules/')) return null;
      if (!hasKernelDirective(code)) return null;
      return { code: compileKernelModule(code, id, runtime), map: null };
    },
  };
}

export default defineConfig({
  plugins: [kernelCompiler()],
  resolve: { alias: { vfsmodel: new URL('./impl/api.ts', import.meta.url).pathname } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
