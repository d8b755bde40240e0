/** Timing, memory and formatting helpers shared by the sections. */

export const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});
export const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export interface Timing {
  /** Milliseconds per repetition, in run order. */
  samples: number[];
  medianMs: number;
}

/**
 * `warmup` untimed runs, then `reps` timed runs (gc() before each, outside the timing);
 * `setup` (untimed) runs before every run, `fn` is timed.
 */
export function timeIt(fn: () => void, opts: { warmup?: number; reps?: number; setup?: () => void } = {}): Timing {
  const { warmup = 2, reps = 5, setup } = opts;
  for (let i = 0; i < warmup; i++) {
    setup?.();
    fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    setup?.();
    gc();
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { samples, medianMs: median(samples) };
}

export function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** |a − b| / max(|a|, |b|), 0 when equal. */
export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

export const fmt = (x: number, digits = 1): string =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : String(x);

/** A plain-text table (also valid Markdown). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const w = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join(' | ')} |`;
  const sep = `|${w.map((x, c) => (c === 0 ? `:${'-'.repeat(x + 1)}` : `${'-'.repeat(x + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/**
 * Several engines timed in interleaved rounds (each round runs every engine once, in order),
 * so a burst of load from other processes hits all of them alike; median per engine.
 */
export function timeInterleaved(
  fns: ReadonlyArray<() => void>,
  opts: { warmup?: number; rounds?: number } = {},
): Timing[] {
  const { warmup = 3, rounds = 7 } = opts;
  for (let w = 0; w < warmup; w++) for (const f of fns) f();
  const samples: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, k) => {
      gc();
      const t0 = performance.now();
      f();
      samples[k].push(performance.now() - t0);
    });
  }
  return samples.map((s) => ({ samples: s, medianMs: median(s) }));
}
