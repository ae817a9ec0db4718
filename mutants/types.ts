/** Metadata every mutant (a patch module in mutants/) exports as `meta`. */
export interface MutantMeta {
  /** The id of the analysis (spec/vfs_bio_sync.md §7) where it has one, e.g. 'M05'. */
  id: string;
  title: string;
  description: string;
  /** The seed lines the mutant changes. */
  cite: string[];
  /** 'killed': some check must catch it; 'survives': an equivalent mutant, no violation allowed. */
  expect: 'killed' | 'survives';
  /** Invariant ids (or panic citations) expected to catch it; the first violation must be one. */
  killedBy: string[];
  scenario: string;
  params: Record<string, number>;
  cpus?: number;
  /**
   * For `expect: 'survives'`: why. Either the argument that the change is equivalent, or, for a
   * listed bug the model cannot catch at any bound it can explore, the reason (SPEC: say why
   * rather than drop it). Printed in docs/mutants.md.
   */
  why?: string;
}
