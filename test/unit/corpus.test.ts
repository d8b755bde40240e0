/**
 * The corpus (issue 10): real snippets from public code (test/corpus/NN-name.ts, each citing its
 * source), each with the value and every gradient computed by an independent oracle, PyTorch
 * float64 (test/corpus/oracle.py, `npm run corpus:oracle`), stored in NN-name.expected.json.
 *
 * For every snippet: parseTarget + evaluate (no default for free inputs: every number must come
 * from the file or from the entry's `values`), then
 *   - the input names are the oracle's (an input with oracle gradient exactly 0 may be left out),
 *   - each input's value equals the oracle's (the engine read the right number),
 *   - the value and every gradient equal the oracle's to 1e-9 relative (absolute floor 1e-12).
 * Independently of the engine, the expected value is checked against the snippet run as plain
 * JavaScript, so an edited snippet with stale JSON fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTarget } from '../../src/parse/index';
import { evaluate } from '../../src/core/evaluate';
import { literalSpan, runJs, runTsFile, stripTypes } from './plainjs';

const dir = resolve(__dirname, '../corpus');

interface Expected {
  target: string;
  /** Arguments of a function target, by parameter name, in parameter order. */
  values?: Record<string, number>;
  value: number;
  inputs: Record<string, number>;
  grads: Record<string, number>;
}

const REL = 1e-9;
const ABS = 1e-12;

function near(actual: number, expected: number): boolean {
  if (Object.is(actual, expected)) return true;
  return Math.abs(actual - expected) <= Math.max(REL * Math.max(Math.abs(actual), Math.abs(expected)), ABS);
}

const entries = readdirSync(dir)
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort()
  .map((f) => {
    const base = f.slice(0, -3);
    const expected = JSON.parse(readFileSync(join(dir, `${base}.expected.json`), 'utf8')) as Expected;
    return { base, file: join(dir, f), expected };
  });

describe('corpus: real snippets against PyTorch float64', function () {
  this.timeout(60_000); // a snippet's central differences run it ~60 times; the machine may be busy
  it('has at least 35 snippets, each citing repository, path and commit', () => {
    assert.ok(entries.length >= 35, `only ${entries.length} corpus snippets`);
    for (const e of entries) {
      const head = readFileSync(e.file, 'utf8').split('\n').slice(0, 12).join('\n');
      assert.match(head, /Source: [\w.-]+\/[\w.-]+, \S+ @ [0-9a-f]{40}/, `${e.base}: no citation in the header`);
    }
  });

  describe('the expected value is the snippet run as plain JavaScript (checks the JSON, not the engine)', () => {
    for (const e of entries) {
      it(e.base, () => {
        const js = runTsFile(e.file, e.expected.target, e.expected.values);
        assert.ok(
          Math.abs(js - e.expected.value) <= 1e-12 * Math.max(Math.abs(js), 1e-300),
          `plain JS gives ${js}, the JSON says ${e.expected.value}: regenerate with npm run corpus:oracle -- --write`,
        );
        assert.deepEqual(Object.keys(e.expected.grads).sort(), Object.keys(e.expected.inputs).sort());
      });
    }
  });

  describe('the oracle’s gradients are central differences of the plain-JS snippet (checks the JSON, not the engine)', () => {
    let checked = 0;
    let skipped = 0;
    for (const e of entries) {
      it(e.base, () => {
        const text = readFileSync(e.file, 'utf8');
        const { target, values } = e.expected;
        const js = stripTypes(text); // plain JS is TypeScript too: literalSpan parses it
        const spans: Record<string, [number, number]> = {};
        const call = (v?: Record<string, number>) => (v ? Object.values(v) : undefined);
        const f = (name: string, x: number): number => {
          if (values && name in values) return runJs(js, target, call({ ...values, [name]: x })) as number;
          const [start, end] = (spans[name] ??= literalSpan(js, name));
          return runJs(js.slice(0, start) + `(${x})` + js.slice(end), target, call(values)) as number;
        };
        for (const [name, x] of Object.entries(e.expected.inputs)) {
          // Richardson-extrapolated central differences at h, h/2, h/4; two extrapolations must
          // agree (else a kink or a loop bound lies within the step: not checked, counted).
          const h0 = 1e-3 * Math.max(1, Math.abs(x));
          const D = [h0, h0 / 2, h0 / 4].map((h) => (f(name, x + h) - f(name, x - h)) / (x + h - (x - h)));
          const r1 = (4 * D[1] - D[0]) / 3;
          const r2 = (4 * D[2] - D[1]) / 3;
          const err = Math.abs(r1 - r2);
          const noise = 1e-10 * (1 + Math.abs(e.expected.value));
          if (!(err <= 1e-7 * Math.max(Math.abs(r2), 1) + noise)) {
            skipped++;
            continue;
          }
          checked++;
          const g = e.expected.grads[name];
          assert.ok(
            Math.abs(g - r2) <= 1e-6 * Math.max(Math.abs(g), Math.abs(r2)) + 2 * err + noise,
            `${e.base}: oracle ∂${target}/∂${name} = ${g}, central differences of the JS snippet ${r2} ± ${err}`,
          );
        }
      });
    }
    after(() => {
      // Most inputs must be checkable; the rest are loop bounds and counters (documented in the JSON
      // by a gradient of 0).
      if (process.env.GL_DIFF_VERBOSE)
        console.log(`corpus oracle vs central differences: ${checked} checked, ${skipped} skipped`);
      assert.ok(checked >= 10 * skipped, `only ${checked} oracle gradients checked, ${skipped} skipped`);
    });
  });

  describe('Gradient Lens equals the oracle', () => {
    for (const e of entries) {
      it(e.base, () => {
        const text = readFileSync(e.file, 'utf8');
        const program = parseTarget({ text, fileName: `${e.base}.ts`, name: e.expected.target });
        const ev = evaluate(program, e.expected.values ?? {});
        const where = `${e.base} (${e.expected.target})`;

        // Input names: the engine lists each of the file's top-level numbers at most once and
        // nothing else. It may leave out one the target does not depend on (oracle gradient
        // exactly 0: a loop bound, a value overwritten before use); listing it with gradient 0 is
        // equally right. That is the interpreter's choice; a missing dependency is a failure.
        const names = ev.inputs.map((i) => i.name);
        assert.equal(new Set(names).size, names.length, `${where}: duplicate input names ${names.join(', ')}`);
        // A counter declared in a top-level `for` header (`for (var i = 0; ...)`) is not an input
        // for the oracle; listing it with gradient 0 is tolerated (var makes it a top-level binding).
        const counters = new Set([...text.matchAll(/^for \((?:var|let) ([\p{L}\w$]+) = /gmu)].map((m) => m[1]));
        const unknown = ev.inputs.filter(
          (i) => !(i.name in e.expected.inputs) && !(counters.has(i.name) && i.grad === 0),
        );
        assert.deepEqual(
          unknown.map((i) => i.name),
          [],
          `${where}: inputs that are not top-level numbers of the file`,
        );
        const missing = Object.keys(e.expected.inputs).filter((n) => !names.includes(n) && e.expected.grads[n] !== 0);
        assert.deepEqual(missing, [], `${where}: inputs the target depends on are missing`);

        assert.ok(near(ev.value, e.expected.value), `${where}: value ${ev.value}, oracle ${e.expected.value}`);
        for (const input of ev.inputs) {
          const want = e.expected.inputs[input.name];
          assert.ok(
            Object.is(input.value, want) || input.value === want,
            `${where}: input ${input.name} = ${input.value}, file says ${want}`,
          );
          const g = e.expected.grads[input.name];
          assert.ok(near(input.grad, g), `${where}: ∂/∂${input.name} = ${input.grad}, oracle ${g}`);
        }
      });
    }
  });
});
