/**
 * What kernel code tells the checker without taking a step: lifecycle events (checked against
 * the machines, conformance) and notes (checked by transition invariants), plus the CPU and
 * thread it runs on.
 */
import { currentSim, type Thread } from './kernel.ts';

/** Report a lifecycle event of `obj` (a machine event name, e.g. 'TRACK_REL'). */
export function lifecycle(obj: object, event: string): void {
  currentSim().events.push({ obj, event });
}

/** Tell transition invariants what just happened (e.g. 'biowait_return'). */
export function note(kind: string, data: Record<string, unknown>): void {
  const sim = currentSim();
  sim.notes.push({ kind, thread: sim.current!, data });
}

/** mycpu->gd_cpuid. */
export function mycpu(): number {
  return currentSim().current!.cpu;
}

/** curthread. */
export function curthread(): Thread {
  return currentSim().current!;
}

/** A file-static object of the modelled kernel (Sim.globals), e.g. vfs_bio.c's counters. */
export function kglobal<T extends object>(name: string): T {
  const g = currentSim().globals[name];
  if (!g) throw new Error(`kernel global ${name} is not set up by this scenario`);
  return g as T;
}

/** The running scenario's options (fault injection, memory pressure, debug sysctls). */
export function kernelOptions(): Record<string, unknown> {
  return currentSim().options;
}
