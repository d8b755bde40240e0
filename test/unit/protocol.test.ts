import assert from 'node:assert/strict';
import { parseHostToWebview, parseWebviewToHost as validateMessage } from '../../src/shared/protocol';

describe('host: messages from the webview are validated', () => {
  it('accepts input values keyed by any identifier, indexed or qualified', () => {
    for (const name of ['x', 'θ', 'Δw', 'w_1', '$a', 'W[1][2]', 'x@4:12', 'f.x']) {
      assert.ok(validateMessage({ type: 'valuesChanged', values: { [name]: 1 } }), name);
    }
    assert.deepEqual(validateMessage({ type: 'valuesChanged', values: { x: NaN } }), {
      type: 'valuesChanged',
      values: { x: NaN },
    });
  });
  it('rejects malformed messages', () => {
    for (const bad of [
      null,
      42,
      'ready',
      {},
      { type: 'nope' },
      { type: 'valuesChanged', values: { x: '1' } },
      { type: 'valuesChanged', values: { 'a b': 1 } },
      { type: 'valuesChanged', values: { '__proto__]': 1 } },
      { type: 'reveal', range: { start: 5, end: 1, line: 1, column: 1, endLine: 1, endColumn: 1 } },
      { type: 'export', format: 'exe', content: '', suggestedName: 'a.exe' },
      { type: 'export', format: 'svg', content: '', suggestedName: '../../etc/passwd' },
    ]) {
      assert.equal(validateMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('host → webview: the run notice', () => {
  it('a notice is a string (at most 1000 characters) or null', () => {
    assert.deepEqual(parseHostToWebview({ type: 'notice', notice: 'Cancelled: x' }), {
      type: 'notice',
      notice: 'Cancelled: x',
    });
    assert.deepEqual(parseHostToWebview({ type: 'notice', notice: null }), { type: 'notice', notice: null });
    assert.equal(parseHostToWebview({ type: 'notice', notice: 3 }), undefined);
    assert.equal(parseHostToWebview({ type: 'notice', notice: 'x'.repeat(1001) }), undefined);
  });
});
