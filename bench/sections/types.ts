/**
 * A bench section: one self-contained measurement. bench/bench.ts runs the sections listed in
 * bench/sections/index.ts in order; to add one (e.g. the panel's layout timing), write
 * bench/sections/<name>.ts exporting a Section and add it to that list.
 */
export interface BenchContext {
  /** Command-line options after the section names, e.g. { nodes: '200000' } for --nodes=200000. */
  readonly options: Readonly<Record<string, string>>;
  /** Print a line (sections print their own tables). */
  log(line?: string): void;
}

/** A target the section reports PASS/MISS against (never fails the run). */
export interface Check {
  name: string;
  measured: string;
  target: string;
  ok: boolean;
}

export interface SectionResult {
  checks: Check[];
  /**
   * False when the engines disagree on the numbers (a broken bench, not a slow engine):
   * bench.ts then exits 1. Missing a performance target never does.
   */
  verified: boolean;
}

export interface Section {
  /** Short id used on the command line: `node dist/bench.js engines panel`. */
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
