/**
 * Shared types of the lifecycle machines (SPEC.md "Lifecycle machines").
 *
 * A machine module bundles an XState v5 machine with everything the rest of vfsmodel needs to
 * use it as a specification: a finite event set for exhaustive graph traversal, per-state
 * invariants, and an abstraction function from the implementation's object to a machine state.
 * Machines know nothing about the simulator: the only contract is the AbstractState shape.
 */
import type { AnyStateMachine, EventObject } from 'xstate';

/** A seed citation: 'vfs_bio.c:547' or a range 'vfs_bio.c:543-553'. */
export type Cite = string;

/**
 * A machine state as plain data: `value` is the atomic state name (dotted path for nested
 * states), `context` the machine's context restricted to its abstract fields.
 */
export interface AbstractState {
  value: string;
  context: Record<string, number | boolean>;
}

/** An invariant of one or more machine states, checked on every reachable abstract state. */
export interface StateInvariant {
  id: string;
  statement: string;
  cite: Cite[];
  /** The states the invariant constrains (documentation only; `check` decides applicability). */
  states?: string[];
  /** null when the invariant holds, else a readable message. */
  check(s: AbstractState): string | null;
}

/** Metadata every transition carries in its `meta`. */
export interface TransitionMeta {
  cite: Cite[];
}

export interface MachineModule<TObj = unknown> {
  /** Registry name: 'bioTrack', 'bio'. */
  name: string;
  /** What it models, e.g. 'struct bio_track'. */
  object: string;
  /** A paragraph for the docs page. */
  description: string;
  /** Counters bounded: for graph traversal and docs. */
  machine: AnyStateMachine;
  /** The same transitions with effectively unbounded counters: for conformance checking. */
  conformanceMachine: AnyStateMachine;
  /** The finite event set for traversal. */
  events: EventObject[];
  stateInvariants: StateInvariant[];
  /** Abstraction function: implementation object -> machine state. */
  abstract(obj: TObj): AbstractState;
  /**
   * The context fields that make up the abstract state. Defaults to every number or boolean
   * field of the machine's initial context.
   */
  abstractFields?: readonly string[];
}

/** Any machine module, whatever its implementation object (its `abstract` takes `never`). */
export type AnyMachineModule = MachineModule<never>;
