/** The seed functions implemented so far, by name: what a patch module may replace. */
import type { KernelFunction } from '../compiler/runtime.ts';
import { seedFunctions as vfs_bio } from './vfs_bio.ts';
import { seedFunctions as uvm_vnode } from './uvm_vnode.ts';
import { seedFunctions as vfs_sync } from './vfs_sync.ts';
import { seedFunctions as hammer_inode } from './hammer_inode.ts';

export const seedModules: Record<string, Record<string, unknown>> = {
  'vfs_bio.c': vfs_bio,
  'uvm_vnode.c': uvm_vnode,
  'vfs_sync.c': vfs_sync,
  'hammer_inode.c': hammer_inode,
};

export const seedFunctionNames: Map<string, string> = new Map(
  Object.entries(seedModules).flatMap(([file, fns]) => Object.keys(fns).map((name) => [name, file] as [string, string])),
);

export function seedFunction(name: string): KernelFunction | undefined {
  for (const fns of Object.values(seedModules)) if (name in fns) return fns[name] as KernelFunction;
  return undefined;
}
