// Host ↔ webview messages keep NaN, ±Infinity and -0 (JSON alone turns them into null and 0).
import * as assert from 'node:assert/strict';
import { decodeWire, encodeWire } from '../../src/shared/wire';

describe('wire encoding', () => {
  it('round-trips NaN, ±Infinity and -0 through JSON', () => {
    const msg = { values: { a: NaN, b: Infinity, c: -Infinity, d: -0, e: 0, f: 1.5 }, list: [-0, 2] };
    const back = decodeWire(JSON.parse(JSON.stringify(encodeWire(msg)))) as typeof msg;
    assert.ok(Number.isNaN(back.values.a));
    assert.equal(back.values.b, Infinity);
    assert.equal(back.values.c, -Infinity);
    assert.ok(Object.is(back.values.d, -0));
    assert.ok(Object.is(back.values.e, 0));
    assert.equal(back.values.f, 1.5);
    assert.ok(Object.is(back.list[0], -0));
  });
});
