/** Our engine on a program's text, for the language tests (the oracles are in plainjs.ts). */
import assert from 'node:assert/strict';
import { evaluate } from '../../src/core/evaluate';
import { isGradientLensError, parseTarget } from '../../src/parse/index';

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
