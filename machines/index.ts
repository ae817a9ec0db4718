/**
 * The machine registry: every lifecycle machine vfsmodel knows, by name. The CLI (`machines`,
 * `graph`, `diagram`), the docs generator and the conformance checker look machines up here.
 */
import { bio } from './bio.ts';
import { bioTrack } from './bioTrack.ts';
import { buf } from './buf.ts';
import { page } from './page.ts';
import { uvn } from './uvn.ts';
import { uvmPage } from './uvmPage.ts';
import { hammerInode } from './hammerInode.ts';
import { hammerRecord } from './hammerRecord.ts';
import { flushGroup } from './flushGroup.ts';
import { syncerVnode } from './syncerVnode.ts';
import type { AnyMachineModule } from './types.ts';

/**
 * uvn/uvmPage (the vnode pager) and hammerInode/hammerRecord/flushGroup (HAMMER) are specified
 * ahead of their implementations: `check` traverses them, and conformance binds them once the
 * seed code they abstract is modelled.
 */
export const machineRegistry: AnyMachineModule[] = [bioTrack, bio, buf, page, uvn, uvmPage, hammerInode, hammerRecord, flushGroup, syncerVnode] as AnyMachineModule[];

/** The machine named `name`, or undefined. */
export function getMachine(name: string): AnyMachineModule | undefined {
  return machineRegistry.find((m) => m.name === name);
}

export { bio, bioTrack, buf, page, uvn, uvmPage, hammerInode, hammerRecord, flushGroup, syncerVnode };
export * from './core.ts';
export type * from './types.ts';
