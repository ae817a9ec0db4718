/**
 * The machine registry: every lifecycle machine vfsmodel knows, by name. The CLI (`machines`,
 * `graph`, `diagram`), the docs generator and the conformance checker look machines up here.
 */
import { bio } from './bio.ts';
import { bioTrack } from './bioTrack.ts';
import { buf } from './buf.ts';
import { page } from './page.ts';
import type { AnyMachineModule } from './types.ts';

export const machineRegistry: AnyMachineModule[] = [bioTrack, bio, buf, page];

/** The machine named `name`, or undefined. */
export function getMachine(name: string): AnyMachineModule | undefined {
  return machineRegistry.find((m) => m.name === name);
}

export { bio, bioTrack, buf, page };
export * from './core.ts';
export type * from './types.ts';
