/** The vector view's DOM-free model (webview/vector/model.ts): layout columns, the sample loop, words. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { evaluate, edgeJacobian } from '../../src/core';
import {
  buildVectorModel,
  sparsityText,
  groupTitle,
  drawShape,
  indexText,
  transpose,
} from '../../webview/vector/model';
import { CASES } from './vectorCases';

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'vector-jacobians.json'), 'utf8')) as {
  cases: Record<string, { inputs: Record<string, never> }>;
};

const model = (name: string) => {
  const program = CASES[name](FIXTURE.cases[name].inputs);
  return buildVectorModel(program, evaluate(program).tape);
};

describe('vector view model', () => {
  it('columns run from the inputs to the output; every edge goes left to right', () => {
    const m = model('two_layer');
    const col = (label: string) => m.column[m.graph.groups.find((g) => g.label === label)!.id];
    assert.deepEqual(
      ['W1', 'x', 'z', 'W2', 'h', 'y'].map(col),
      [0, 0, 1, 2, 2, 3], // W2 sits just left of y, its only consumer
    );
    m.graph.edges.forEach((e, i) => assert.ok(m.backEdge[i] || m.column[e.from] < m.column[e.to]));
    assert.deepEqual(
      m.graph.groups.map((g) => groupTitle(g)),
      ['W1 3×2', 'W2 1×3', 'z 3', 'h 3', 'x 2', 'y 1'], // larger arrays first (they own shared elements)
    );
  });

  it('the sample slider moves through the loop with per-iteration values (minibatch), not through a map', () => {
    assert.equal(model('two_layer').sampleLoop, undefined);
    const m = model('minibatch');
    assert.equal(m.graph.program.loops![m.sampleLoop!].label, 'for (let s = 0; s < X.length; s++)');
    const w = m.graph.groups.find((g) => g.label === 'w')!.id;
    assert.equal(m.iterations(w)!.perIteration.length, 4);
  });

  it('describes a ReLU Jacobian as a 0/1 mask and W·x as block-diagonal', () => {
    const m = model('two_layer');
    const find = (a: string, b: string) =>
      m.graph.edges.find((e) => m.graph.groups[e.from].label === a && m.graph.groups[e.to].label === b)!;
    const relu = find('z', 'h');
    assert.match(
      sparsityText(edgeJacobian(m.ctx, relu.id), m.graph.groups[relu.from], m.graph.groups[relu.to]),
      /diagonal 0\/1 mask \(element-wise, 2 of 3 pass\)/,
    );
    const wx = find('W1', 'z');
    assert.match(
      sparsityText(m.jacobian(wx.id), m.graph.groups[wx.from], m.graph.groups[wx.to]),
      /z\[i\] depends only on row i of W1 \(2 entries each\)/,
    );
  });

  it('matrix helpers: shapes, indices, transpose', () => {
    assert.deepEqual(drawShape([]), [1, 1]);
    assert.deepEqual(drawShape([3]), [3, 1]);
    assert.deepEqual(drawShape([2, 3, 4]), [6, 4]);
    assert.equal(indexText([3, 2], 5), '2][1');
    assert.deepEqual(Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3)), [1, 4, 2, 5, 3, 6]);
  });
});
