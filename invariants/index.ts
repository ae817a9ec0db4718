/**
 * The invariant catalog. Every invariant of the domains a scenario lists is checked after every
 * step of every explored execution; the built-in 'no deadlock' check is SIM-01.
 */
import { trkInvariants } from './trk.ts';
import { ioInvariants } from './io.ts';
import { bufInvariants } from './buf.ts';
import { durInvariants } from './dur.ts';
import { syncInvariants } from './sync.ts';
import { uvnInvariants } from './uvn.ts';
import { hammerInvariants } from './hammer.ts';
import { mutantCatalogA } from './mutant-catalog-a.ts';
import { mutantCatalogB } from './mutant-catalog-b.ts';
import type { Invariant } from './types.ts';

export const SIM_DEADLOCK: Invariant = {
  id: 'SIM-01',
  domain: 'sim',
  kind: 'liveness',
  statement: 'no deadlock: while some thread has not finished, some thread can step (a thread asleep without a timeout must eventually be woken)',
  cite: [],
};

export const invariantRegistry: Invariant[] = [SIM_DEADLOCK, ...trkInvariants, ...ioInvariants, ...bufInvariants, ...durInvariants, ...mutantCatalogA, ...mutantCatalogB, ...syncInvariants, ...uvnInvariants, ...hammerInvariants];

export function invariantsFor(domains: readonly string[]): Invariant[] {
  return invariantRegistry.filter((i) => i.domain === 'sim' || domains.includes(i.domain));
}

export function getInvariant(id: string): Invariant | undefined {
  return invariantRegistry.find((i) => i.id === id);
}

export type { Invariant } from './types.ts';
