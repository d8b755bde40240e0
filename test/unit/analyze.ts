/** Our engine on a program's text, for the language tests (the oracles are in plainjs.ts). */
import assert from 'node:assert/strict';
import { evaluate } from '../../src/core/evaluate';
import { isGradientLensError, parseTarget } from '../../src/parse/index';
import { literalSpan, runJs, stripTypes } from './plainjs';

/** Analyses `name` in `text` with the given input values. */
export function run(text: string, name: string, values: Record<string, number> = {}) {
  return evaluate(parseTarget({ text, name }), values);
}

/** The refusal `run` must end in (a GradientLensError, not another exception, not a number). */
export function refusal(text: string, target: string): { message: string; line?: number } {
  try {
    run(text, target);
  } catch (e) {
    assert.ok(isGradientLensError(e), `expected a GradientLensError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

/**
 * The value is plain JavaScript's (to 1e-12); each input's gradient (unless skipped) equals central
 * differences of the plain JavaScript, the input's literal replaced (1e-6 relative).
 */
export function agrees(text: string, target: string, skip: string[] = []) {
  const ev = run(text, target);
  const js = stripTypes(text);
  const want = runJs(js, target) as number;
  assert.equal(typeof want, 'number', `JavaScript gives ${String(want)}`);
  assert.ok(
    Object.is(ev.value, want) || Math.abs(ev.value - want) <= 1e-12 * Math.max(1, Math.abs(want)),
    `value ${ev.value}, JavaScript ${want}`,
  );
  for (const input of ev.inputs) {
    if (skip.includes(input.name)) continue;
    const [s, e] = literalSpan(js, input.name);
    const f = (v: number) => runJs(js.slice(0, s) + `(${v})` + js.slice(e), target) as number;
    const x = input.value;
    const h = 1e-5 * Math.max(1, Math.abs(x));
    const cd = (f(x + h) - f(x - h)) / (2 * h);
    assert.ok(
      Math.abs(input.grad - cd) <= 1e-6 * Math.max(1, Math.abs(cd)),
      `∂${target}/∂${input.name} = ${input.grad}, central differences ${cd}`,
    );
  }
  return ev;
}
