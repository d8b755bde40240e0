// The `show` message's packed program (src/shared/packProgram.ts, through the wire codec): what
// arrives in the webview equals what the host sent, key for key and in the same key order, for
// every example and corpus program and for hand-made odd nodes; typed arrays carry the bulk.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTarget, listTargets } from '../../src/parse';
import type { ExprProgram } from '../../src/core';
import { decodeWire, encodeWire } from '../../src/shared/wire';
import { packProgram, unpackProgram } from '../../src/shared/packProgram';

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
    assert.equal(unpackProgram({ ...packed, kind: new Uint8Array(2) }), undefined);
    assert.equal(unpackProgram({ ...packed, value: [1] as unknown as Float64Array }), undefined);
  });
});
