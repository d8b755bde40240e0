// The `show` message's packed program (src/shared/packProgram.ts, through the wire codec): what
// arrives in the webview equals what the host sent, key for key and in the same key order, for
// every example and corpus program and for hand-made odd nodes; typed arrays carry the bulk.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTarget, listTargets } from '../../src/parse';
import type { ExprProgram } from '../../src/core';
import { decodeWire, encodeWire } from '../../src/shared/wire';
import { narrowColumn, packProgram, unpackProgram } from '../../src/shared/packProgram';

const root = join(__dirname, '../..');

/** What postMessage does to the encoded message: a structured clone (typed arrays stay typed arrays). */
const post = (m: unknown): unknown => structuredClone(m);

function showMessage(program: ExprProgram) {
  return {
    type: 'show',
    payload: {
      program,
      values: { a: 1 },
      defaults: [],
      document: { uri: 'file:///x.ts', fileName: '/x.ts', version: 1, languageId: 'typescript' },
      settings: { maxRenderedNodes: 2000, precision: 4, autoRefresh: true },
    },
  };
}

/** JSON with NaN/±Infinity/−0 spelled out, so the comparison sees them (and key order). */
const exact = (x: unknown) =>
  JSON.stringify(x, (_k, v) =>
    typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${Object.is(v, -0) ? '-0' : v}` : v,
  );

function programsOf(file: string): ExprProgram[] {
  const text = readFileSync(file, 'utf8');
  const out: ExprProgram[] = [];
  for (const t of listTargets(text, file).slice(-3)) {
    try {
      out.push(parseTarget({ text, fileName: file, selection: { start: t.range.start, end: t.range.end } }));
    } catch {
      /* a target that needs values: skipped */
    }
  }
  return out;
}

describe('packed program on the wire', () => {
  const files = [
    ...readdirSync(join(root, 'examples'))
      .filter((f) => /\.(ts|js)$/.test(f))
      .map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'test/corpus'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(root, 'test/corpus', f)),
  ];

  it('every example and corpus program arrives equal, key order included', function () {
    this.timeout(120_000);
    let programs = 0;
    let nodes = 0;
    for (const file of files) {
      for (const program of programsOf(file)) {
        const msg = showMessage(program);
        const wire = encodeWire(msg) as { payload: { program: Record<string, unknown> } };
        assert.ok(wire.payload.program.kind instanceof Uint8Array, `${file}: not packed`);
        const back = decodeWire(post(wire));
        assert.equal(exact(back), exact(msg), file);
        programs++;
        nodes += program.nodes.length;
      }
    }
    assert.ok(programs > 60, `${programs} programs`);
    assert.ok(nodes > 1000, `${nodes} nodes`);
  });

  it('odd nodes and frames go as they are; NaN, ±Infinity and −0 survive', () => {
    const r = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };
    const program = {
      nodes: [
        { kind: 'const', value: NaN, label: 'NaN', range: r },
        { kind: 'const', value: -0, label: '-0', range: r, loop: 0, iteration: 3 },
        { kind: 'input', name: 'x', label: 'x', range: r, free: true, suggested: -Infinity },
        { kind: 'input', name: 'y', label: 'y', range: r, free: false, value: Infinity, literal: { ...r, start: 5 } },
        { kind: 'op', op: 'add', args: [0, 1], label: 'a + b', range: r, name: 'z', frame: 0 },
        // Not in the columns: an unknown key, a negative index, a range with another key, a non-integer arg.
        { kind: 'op', op: 'mul', args: [2, 3], label: '*', range: r, extra: { deep: [NaN] } },
        { kind: 'op', op: 'mul', args: [2, 3], label: '*', range: r, loop: -1 },
        { kind: 'op', op: 'mul', args: [2, 3], label: '*', range: { ...r, file: 'x' } },
        { kind: 'op', op: 'mul', args: [2.5], label: '*', range: r },
      ],
      root: 4,
      frames: [
        { fn: 'f', parent: -1, range: r, args: [0, 1], result: 4 },
        { fn: 'g', parent: 0, range: r, args: [1.5], result: 4 },
      ],
      target: { text: 'z', range: r, name: 'z' },
      loops: [{ label: 'for', range: r, parent: -1, iterations: 4 }],
      source: { ir: { deep: [{ v: -0 }] } },
    } as unknown as ExprProgram;
    const msg = showMessage(program);
    const wire = encodeWire(msg) as { payload: { program: Record<string, unknown> } };
    assert.deepEqual(Object.keys(wire.payload.program.extraNodes as object), ['5', '6', '7', '8']);
    assert.deepEqual(Object.keys(wire.payload.program.extraFrames as object), ['1']);
    const back = decodeWire(post(wire)) as typeof msg;
    assert.equal(exact(back), exact(msg));
    // Nodes that shared a range object share one again.
    const nodes = back.payload.program.nodes;
    assert.equal(nodes[0].range, nodes[1].range);
  });

  it('index columns go in the narrowest integer type that holds them, the same numbers', () => {
    const cases: Array<[number[], string]> = [
      [[], 'Int8Array'],
      [[-1, 0, 127, -128], 'Int8Array'],
      [[-1, 128], 'Int16Array'],
      [[-129, 5], 'Int16Array'],
      [[32767, -32768], 'Int16Array'],
      [[32768, -1], 'Int32Array'],
      [[-32769], 'Int32Array'],
      [[2 ** 31 - 1, -(2 ** 31)], 'Int32Array'],
    ];
    for (const [values, type] of cases) {
      const col = narrowColumn(Int32Array.from(values));
      assert.equal(col.constructor.name, type, String(values));
      assert.deepEqual([...col], values);
    }
    // A view of a longer buffer that must stay 32-bit is copied (posting it would send the whole buffer).
    const view = narrowColumn(Int32Array.from([1, 70_000, 3, 4]).subarray(0, 2));
    assert.equal(view.buffer.byteLength, 8);
    assert.deepEqual([...view], [1, 70_000]);
  });

  it('a program of more than 32,767 nodes (32-bit args) and one of a few (8-bit) arrive equal', () => {
    const r = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };
    for (const size of [5, 40_000]) {
      // A chain: node i > 0 adds node i − 1 and node 0, in a loop of `size` iterations.
      const nodes: unknown[] = [{ kind: 'input', name: 'x', label: 'x', range: r, free: true, value: 0.5 }];
      for (let i = 1; i < size; i++)
        nodes.push({ kind: 'op', op: 'add', args: [i - 1, 0], label: 'a + x', range: r, loop: 0, iteration: i });
      const program = {
        nodes,
        root: size - 1,
        frames: [],
        target: { text: 'a', range: r },
        loops: [{ label: 'for', range: r, parent: -1, iterations: size }],
      } as unknown as ExprProgram;
      const msg = showMessage(program);
      const wire = encodeWire(msg) as { payload: { program: Record<string, unknown> } };
      const packed = wire.payload.program;
      const big = size > 32_767;
      assert.equal((packed.args as object).constructor.name, big ? 'Int32Array' : 'Int8Array');
      assert.equal((packed.iteration as object).constructor.name, big ? 'Int32Array' : 'Int8Array');
      assert.equal((packed.label as object).constructor.name, 'Int8Array');
      assert.equal(exact(decodeWire(post(wire))), exact(msg), `${size} nodes`);
    }
  });

  it('a malformed packed program is not unpacked', () => {
    const r = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };
    const program = {
      nodes: [{ kind: 'const', value: 1, label: '1', range: r }],
      root: 0,
      frames: [],
      target: { text: '1', range: r },
    } as unknown as ExprProgram;
    const packed = packProgram(program);
    assert.ok(unpackProgram(packed));
    assert.equal(unpackProgram({ ...packed, label: new Int32Array([7]) }), undefined);
    assert.equal(unpackProgram({ ...packed, label: new Int16Array([7]) }), undefined);
    assert.equal(unpackProgram({ ...packed, label: new Uint16Array([0]) as unknown as Int16Array }), undefined);
    assert.equal(unpackProgram({ ...packed, kind: new Uint8Array(2) }), undefined);
    assert.equal(unpackProgram({ ...packed, value: [1] as unknown as Float64Array }), undefined);
  });
});
