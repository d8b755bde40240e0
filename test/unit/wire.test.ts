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

  it('a message without such numbers goes as it is (no copy), however deeply it nests', () => {
    let deep: unknown = { v: 1 };
    for (let i = 0; i < 30_000; i++) deep = { k: [deep], n: i };
    const msg = { type: 'show', payload: { program: deep, values: { a: 1 } } };
    assert.equal(encodeWire(msg), msg);
    assert.equal(decodeWire(msg), msg);
  });

  it('a tag or a special number anywhere takes the rewriting path; an exotic object keeps its JSON meaning', () => {
    type Nested = { a: [{ b: [number, number, { c: unknown }] }] };
    const nested: Nested = { a: [{ b: [1, 2, { c: NaN }] }] };
    const enc = encodeWire(nested) as Nested;
    assert.deepEqual(enc.a[0].b[2].c, { $num: 'NaN' });
    assert.ok(Number.isNaN((decodeWire(enc) as Nested).a[0].b[2].c));
    const typed = { t: new Float64Array([1, 2]) };
    assert.deepEqual(encodeWire(typed), { t: { 0: 1, 1: 2 } });
  });
});
