#!/usr/bin/env node
// vfsmodel CLI launcher: installs the TypeScript/kernel-compiler loader, then runs cli/main.ts.
import { register } from 'node:module';

register('../impl/compiler/loader.mjs', import.meta.url);
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
