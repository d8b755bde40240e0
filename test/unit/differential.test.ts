/**
 * Differential test (issue 10): seeded random programs (test/unit/progen.ts), each
 *   (a) analysed by Gradient Lens (parseTarget + evaluate, no defaults for free inputs) and its
 *       value compared with the same program run as plain JavaScript inside this test;
 *   (b) every input's gradient compared with Richardson-extrapolated central differences of the
 *       plain-JS program at 1e-7 relative.
 * Kinks are not guessed at: the JS variant records every non-smooth decision (comparisons,
 * Math.abs/max/min, truthiness), and an input whose perturbed runs take other decisions than the
 * base run is not checked numerically (counted; the run fails if too few inputs are checked).
 *
 * Seeds: a fixed list per level; GL_DIFF_SEED=<n>|random adds GL_DIFF_COUNT (default 200)
 * programs from that seed. Every failure prints its seed and program.
 *
 * Level 0 (today's expression subset) always runs. Level 1 (loops, branches, arrays, objects, a
 * class, closures, recursion, let and compound assignment) runs too.
 */
import assert from 'node:assert/strict';
import { evaluate } from '../../src/core/evaluate';
import { parseTarget } from '../../src/parse/index';
import { generate, type GeneratedProgram } from './progen';
import { stripTypes } from './plainjs';

/** Decision recorders of the JS variant: 0/1 for a branch, 2 for a tie (a kink at the base point). */
const PRELUDE = `
const __b = (c) => { __rec.push(c ? 1 : 0); return c; };
const __t = (x) => { __rec.push(x ? 1 : 0); return x; };
const __fl = (x) => { __rec.push(Math.floor(x)); return x; };
const __abs = (x) => { __rec.push(x > 0 ? 1 : x < 0 ? 0 : 2); return Math.abs(x); };
const __max = (a, b) => { __rec.push(a > b ? 1 : a < b ? 0 : 2); return Math.max(a, b); };
const __min = (a, b) => { __rec.push(a < b ? 1 : a > b ? 0 : 2); return Math.min(a, b); };
const __mins = (xs) => (__maxs(xs.map((x) => -x)), Math.min(...xs));
const __maxs = (xs) => {
  let k = 0, tie = false;
  for (let i = 1; i < xs.length; i++) { if (xs[i] > xs[k]) { k = i; tie = false; } else if (xs[i] === xs[k]) tie = true; }
  __rec.push(tie ? -1 : k);
  return Math.max(...xs);
};
`;

interface Run {
  value: number;
  trace: number[];
}

type Compiled = (inputs: Record<string, number>) => Run;

function compile(p: GeneratedProgram): Compiled {
  const body = PRELUDE + stripTypes(p.js) + '\nreturn target;';
  // eslint-disable-next-line no-new-func -- test oracle: runs a program this test generated itself (never user code, never in the product).
  const fn = new Function('__in', '__rec', body) as (i: Record<string, number>, r: number[]) => number;
  return (inputs) => {
    const trace: number[] = [];
    const value = fn(inputs, trace);
    return { value, trace };
  };
}

const sameTrace = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Stats {
  programs: number;
  rejected: number;
  inputsChecked: number;
  inputsKinked: number;
  inputsIllConditioned: number;
  programsWithTies: number;
  failures: string[];
}

function describeProgram(p: GeneratedProgram): string {
  return `seed ${p.seed} (level ${p.level}):\n${p.ts}`;
}

/**
 * Richardson-extrapolated central difference of `f` in `name`, or a reason not to trust one.
 * D(h) = (f(x+h) − f(x−h)) / (2h) has error c·h² + O(h⁴); (4·D(h/2) − D(h)) / 3 removes the h²
 * term. Two extrapolations (h, h/2) and (h/2, h/4) give an error estimate.
 */
function richardson(
  run: Compiled,
  base: Record<string, number>,
  baseRun: Run,
  name: string,
): { value: number; err: number } | 'kink' | 'ill' {
  const x = base[name];
  const h0 = 1e-3 * Math.max(1, Math.abs(x));
  const D: number[] = [];
  for (const h of [h0, h0 / 2, h0 / 4]) {
    const up = run({ ...base, [name]: x + h });
    const down = run({ ...base, [name]: x - h });
    if (!sameTrace(up.trace, baseRun.trace) || !sameTrace(down.trace, baseRun.trace)) return 'kink';
    if (!Number.isFinite(up.value) || !Number.isFinite(down.value)) return 'ill';
    D.push((up.value - down.value) / (x + h - (x - h)));
  }
  const r1 = (4 * D[1] - D[0]) / 3;
  const r2 = (4 * D[2] - D[1]) / 3;
  const err = Math.abs(r1 - r2);
  const noise = 1e-11 * (1 + Math.abs(baseRun.value));
  if (err > 1e-8 * Math.max(Math.abs(r2), 1) + noise) return 'ill';
  return { value: r2, err };
}

function check(p: GeneratedProgram, stats: Stats): void {
  stats.programs++;
  const inputs = Object.fromEntries(p.inputs);
  let run: Compiled;
  let baseRun: Run;
  try {
    run = compile(p);
    baseRun = run(inputs);
  } catch (e) {
    // A generator bug, not an engine bug: still a failure (the test must not hide it).
    stats.failures.push(`generated program does not run as JS (${(e as Error).message}): ${describeProgram(p)}`);
    return;
  }
  if (!Number.isFinite(baseRun.value) || Math.abs(baseRun.value) > 1e8) {
    stats.rejected++;
    return;
  }

  let ev: ReturnType<typeof evaluate>;
  try {
    ev = evaluate(parseTarget({ text: p.ts, fileName: 'generated.ts', name: 'target' }), {});
  } catch (e) {
    stats.failures.push(`Gradient Lens refused or crashed: ${(e as Error).message}\n${describeProgram(p)}`);
    return;
  }
  const v = ev.value;
  if (!(Math.abs(v - baseRun.value) <= 1e-12 * Math.max(Math.abs(v), Math.abs(baseRun.value)) + 1e-12)) {
    stats.failures.push(`value ${v}, plain JS ${baseRun.value}\n${describeProgram(p)}`);
    return;
  }
  // Inputs: every name the engine lists is one of the file's top-level numbers, once; a top-level
  // number it does not list must be one the target does not depend on (whether unused numbers
  // are listed, with gradient 0, is the interpreter's choice; a missing dependency is a bug).
  const names = ev.inputs.map((i) => i.name);
  const want = [...p.inputs.keys()];
  // (the top-level `for (let it = ...)` counter is tolerated as an input with gradient 0)
  const extra = ev.inputs.filter((i) => !p.inputs.has(i.name) && !(i.name === 'it' && i.grad === 0)).map((i) => i.name);
  if (extra.length || new Set(names).size !== names.length) {
    stats.failures.push(
      `inputs [${names.join(', ')}], expected (a subset of) [${want.join(', ')}]\n${describeProgram(p)}`,
    );
    return;
  }
  for (const missing of want.filter((n) => !names.includes(n))) {
    // independent: the JS value does not move at all when this input does
    const x = inputs[missing];
    const independent = [1e-3, -1e-3, 1e-6, -1e-6].every(
      (d) => run({ ...inputs, [missing]: x + d * Math.max(1, Math.abs(x)) }).value === baseRun.value,
    );
    if (!independent) {
      stats.failures.push(`input ${missing} is missing, but the target depends on it\n${describeProgram(p)}`);
      return;
    }
  }
  const listed = ev.inputs.filter((i) => p.inputs.has(i.name));
  for (const i of listed) {
    if (i.value !== p.inputs.get(i.name)) {
      stats.failures.push(`input ${i.name} = ${i.value}, the file says ${p.inputs.get(i.name)}\n${describeProgram(p)}`);
      return;
    }
  }
  // A tie at the base point (Math.max(a, a), a filled array's max, abs(0)) is a kink only for the
  // inputs whose perturbation breaks it, which the trace comparison sees (2 becomes 0 or 1);
  // a tie that survives perturbation has one derivative whatever the convention.
  if (baseRun.trace.some((t) => t === 2 || t === -1)) stats.programsWithTies++;
  for (const input of listed) {
    const numeric = richardson(run, inputs, baseRun, input.name);
    if (numeric === 'kink') {
      stats.inputsKinked++;
      continue;
    }
    if (numeric === 'ill') {
      stats.inputsIllConditioned++;
      continue;
    }
    stats.inputsChecked++;
    const g = input.grad;
    const tol =
      1e-7 * Math.max(Math.abs(g), Math.abs(numeric.value)) + 2 * numeric.err + 1e-11 * (1 + Math.abs(baseRun.value));
    if (!(Math.abs(g - numeric.value) <= tol)) {
      stats.failures.push(
        `∂target/∂${input.name} = ${g}, central differences (Richardson) ${numeric.value} ± ${numeric.err}\n${describeProgram(p)}`,
      );
      return;
    }
  }
}

function runSeeds(level: 0 | 1, seeds: number[]): Stats {
  const stats: Stats = {
    programs: 0,
    rejected: 0,
    inputsChecked: 0,
    inputsKinked: 0,
    inputsIllConditioned: 0,
    programsWithTies: 0,
    failures: [],
  };
  for (const seed of seeds) check(generate(seed, level), stats);
  return stats;
}

function assertStats(stats: Stats, label: string): void {
  const summary =
    `${label}: ${stats.programs} programs, ${stats.failures.length} failed, ${stats.rejected} rejected (non-finite/huge), ` +
    `${stats.programsWithTies} with ties; inputs: ${stats.inputsChecked} checked, ${stats.inputsKinked} near a kink, ` +
    `${stats.inputsIllConditioned} ill-conditioned`;
  if (stats.failures.length) {
    const headlines = stats.failures.slice(0, 20).map((f) => {
      const lines = f.split('\n');
      return `  ${lines.find((l) => l.startsWith('seed ')) ?? ''} ${lines[0]}`;
    });
    assert.fail(
      `${summary}\n\nFailures (first 20):\n${headlines.join('\n')}\n\nFirst three in full:\n\n${stats.failures.slice(0, 3).join('\n\n')}`,
    );
  }
  // The harness must not pass vacuously.
  assert.ok(stats.rejected <= stats.programs * 0.2, `${summary}: too many rejected programs`);
  const considered = stats.inputsChecked + stats.inputsKinked + stats.inputsIllConditioned;
  assert.ok(stats.inputsChecked >= considered * 0.6, `${summary}: too few inputs checked numerically`);
  if (process.env.GL_DIFF_VERBOSE) console.log(summary);
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function extraSeeds(): number[] {
  const env = process.env.GL_DIFF_SEED;
  if (!env) return [];
  const start = env === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(env);
  const count = Number(process.env.GL_DIFF_COUNT ?? 200);
  console.log(`differential: extra seeds ${start} .. ${start + count - 1} (GL_DIFF_SEED=${start})`);
  return range(start, count);
}

describe('differential: random programs against plain JS and central differences', function () {
  this.timeout(120_000);

  it('the generator is deterministic and its programs run as plain JS', () => {
    const a = generate(12345, 1);
    const b = generate(12345, 1);
    assert.equal(a.ts, b.ts);
    assert.equal(a.js, b.js);
    assert.notEqual(generate(12346, 1).ts, a.ts);
    for (const seed of range(1, 50)) {
      for (const level of [0, 1] as const) {
        const p = generate(seed, level);
        const r = compile(p)(Object.fromEntries(p.inputs));
        assert.equal(typeof r.value, 'number', describeProgram(p));
      }
    }
  });

  // (the level-1 run below asserts the same on the engine's inputs)
  it('level 1 programs can be checked numerically (no engine: the harness is not vacuous)', () => {
    let checked = 0;
    let skipped = 0;
    let rejected = 0;
    const seeds = range(2000, 300);
    for (const seed of seeds) {
      const p = generate(seed, 1);
      const run = compile(p);
      const inputs = Object.fromEntries(p.inputs);
      const base = run(inputs);
      if (!Number.isFinite(base.value) || Math.abs(base.value) > 1e8) {
        rejected++;
        continue;
      }
      for (const name of p.inputs.keys()) {
        if (typeof richardson(run, inputs, base, name) === 'object') checked++;
        else skipped++;
      }
    }
    assert.ok(rejected <= seeds.length * 0.2, `${rejected} of ${seeds.length} level-1 programs rejected`);
    assert.ok(checked >= 0.6 * (checked + skipped), `only ${checked} of ${checked + skipped} inputs checkable`);
  });

  it('level 0 (today’s expression subset): 150 fixed seeds', () => {
    assertStats(runSeeds(0, range(1000, 150)), 'level 0');
  });

  it('level 1 (programs): 300 fixed seeds', () => {
    assertStats(runSeeds(1, range(2000, 300)), 'level 1');
  });

  const extra = extraSeeds();
  if (extra.length) {
    it('level 0: GL_DIFF_SEED programs', () => assertStats(runSeeds(0, extra), 'level 0 extra'));
    it('level 1: GL_DIFF_SEED programs', () => assertStats(runSeeds(1, extra), 'level 1 extra'));
  }
});
