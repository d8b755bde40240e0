/**
 * The vector examples (examples/*.ts) are the networks of the PyTorch fixture: same input values,
 * and run as plain JavaScript (in a test only: the product never runs user code) they compute
 * PyTorch's loss. So once the program interpreter analyses them, the fixture's Jacobians and
 * gradients are their expected numbers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import {
  buildVectorGraph,
  chainRule,
  edgeJacobian,
  evaluate,
  graphLoops,
  groupGrads,
  hasVectorStructure,
  offPathTape,
  sampleLoops,
  vectorContext,
  withOffPath,
} from '../../src/core';
import { parseTarget } from '../../src/parse';

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'vector-jacobians.json'), 'utf8')) as {
  cases: Record<string, { inputs: Record<string, unknown>; values: Record<string, unknown> }>;
};

const EXAMPLES: {
  file: string;
  fixture: string;
  target: string;
  rootGroup: string;
  renamed?: Record<string, string>;
}[] = [
  { file: 'two-layer-relu.ts', fixture: 'two_layer', target: 'f', rootGroup: 'y' },
  { file: 'three-layer-relu.ts', fixture: 'three_layer', target: 'f', rootGroup: 'y' },
  { file: 'network-arrays.ts', fixture: 'net232', target: 'loss', rootGroup: 'loss' },
  { file: 'minibatch.ts', fixture: 'minibatch', target: 'mse', rootGroup: 'mse' },
  { file: 'softmax.ts', fixture: 'softmax_ce', target: 'loss', rootGroup: 'loss', renamed: { c: 'label' } },
  { file: 'maxout.ts', fixture: 'maxout', target: 'y', rootGroup: 'y' },
  { file: 'leaky-relu.ts', fixture: 'leaky_relu', target: 'y', rootGroup: 'y' },
  { file: 'elu.ts', fixture: 'elu', target: 'y', rootGroup: 'y' },
];

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');

/** The value of `const name = <literal>;` in the source (array literals, numbers). */
function literal(source: string, name: string): unknown {
  const m = new RegExp(`^const ${name} = ([^;]*);`, 'm').exec(source);
  assert.ok(m, `no const ${name}`);
  return JSON.parse(m[1].replace(/\/\/[^\n]*/g, '').replace(/,(\s*[\]}])/g, '$1'));
}

describe('vector examples match the PyTorch fixture', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.file}: same inputs as the fixture, and as plain JS it computes PyTorch's ${ex.target}`, () => {
      const source = fs.readFileSync(path.join(EXAMPLES_DIR, ex.file), 'utf8');
      const expected = FIXTURE.cases[ex.fixture];
      for (const [name, value] of Object.entries(expected.inputs)) {
        assert.deepEqual(literal(source, ex.renamed?.[name] ?? name), value, `${ex.file}: ${name}`);
      }
      const js = ts.transpileModule(source, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
      }).outputText;
      const value = vm.runInNewContext(`${js}\n;${ex.target}`, { Math, exports: {} }) as number;
      const root = expected.values[ex.rootGroup];
      const torch = (Array.isArray(root) ? root[root.length - 1] : root) as number;
      assert.ok(Math.abs(value - torch) <= 1e-13 * Math.max(1, Math.abs(torch)), `${value} ≉ ${torch}`);
    });
  }
});

describe('vector view on the examples, traced by the program interpreter, against PyTorch', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.file}: every array's gradient, every Jacobian between whole arrays, the chain rule`, () => {
      const text = fs.readFileSync(path.join(EXAMPLES_DIR, ex.file), 'utf8');
      const program = parseTarget({ text, fileName: ex.file, name: ex.target });
      const ev = evaluate(program);
      // As the panel does: named arrays off the loss's path (softmax's p) are grouped too.
      const ext = withOffPath(program);
      const ctx = vectorContext(buildVectorGraph(ext), offPathTape(ext, ev.tape));
      const expected = FIXTURE.cases[ex.fixture] as unknown as {
        grads: Record<string, unknown>;
        jacobians: Record<string, number[][]>;
      };
      const byLabel = new Map(ctx.graph.groups.map((g) => [g.label, g]));
      let compared = 0;
      let jacobians = 0;
      for (const [label, grad] of Object.entries(expected.grads)) {
        const g = byLabel.get(label);
        if (!g || g.kind !== 'array') continue;
        const want = [grad].flat(3) as number[];
        const got = groupGrads(ctx, g.id);
        assert.equal(got.length, want.length, `${label} size`);
        want.forEach((w, i) =>
          assert.ok(Math.abs(got[i] - w) <= 1e-12 * Math.max(1, Math.abs(w)), `∂L/∂${label}[${i}]: ${got[i]} ≉ ${w}`),
        );
        compared++;
      }
      assert.ok(compared >= 2, `only ${compared} arrays compared`);
      for (const [key, J] of Object.entries(expected.jacobians)) {
        const [from, to] = key.split('->').map((l) => byLabel.get(l));
        assert.ok(from && to, `${ex.file}: no arrays for ${key}`);
        jacobians++;
        // Every array of the examples owns all its elements (a conditional returning its input,
        // the leaky ReLU's z > 0 ? z : …, is a gate of its own), so each Jacobian is whole.
        assert.equal(from.owned.length, from.elements.length, `${key}: ${from.label} shares elements`);
        assert.equal(to.owned.length, to.elements.length, `${key}: ${to.label} shares elements`);
        const e = ctx.graph.edges.find((x) => x.from === from.id && x.to === to.id);
        assert.ok(e, `no edge ${key}`);
        const ours = edgeJacobian(ctx, e.id).values!;
        J.flat().forEach((w, i) =>
          assert.ok(Math.abs(ours[i] - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${key}[${i}]: ${ours[i]} ≉ ${w}`),
        );
      }
      assert.equal(jacobians, Object.keys(expected.jacobians).length);
      for (const g of ctx.graph.groups) {
        const cr = chainRule(ctx, g.id);
        assert.ok(cr.maxRelError <= 1e-13, `chain rule at ${g.label}: ${cr.maxRelError}`);
      }
    });
  }
});

describe('vector view: which targets open in the Arrays view', () => {
  // A file with a top-level loop and a map that fill a table; `f` is scalar and reads neither.
  const FILE = [
    'let total = 0;',
    'for (let i = 0; i < 3; i++) total += i;',
    'const xs = [1, 2, 3];',
    'const doubled = xs.map((v) => v * 2);',
    'const a = 2;',
    'const b = 3;',
    'const f = a * b + Math.sin(a);',
    'const g = doubled.reduce((s, v) => s + v * a, 0);',
    'const w = [0.5, -1];',
    'let acc = 0;',
    'for (let k = 0; k < 2; k++) acc += w.map((u) => u * b).reduce((s, v) => s + v * v, 0);',
    'const h = acc;',
    'export {};',
  ].join('\n');

  it('a scalar target in a file with loops outside its graph is not vector-structured', () => {
    const p = parseTarget({ text: FILE, fileName: 'scalar.ts', name: 'f' });
    assert.ok((p.loops?.length ?? 0) >= 2, 'the interpreter records the loops that ran');
    assert.deepEqual([...graphLoops(p)], []);
    assert.equal(hasVectorStructure(p), false);
    assert.deepEqual(sampleLoops(p), []);
  });

  it('a target computed in a loop is vector-structured; enclosing loops of its nodes count', () => {
    const g = parseTarget({ text: FILE, fileName: 'scalar.ts', name: 'g' });
    assert.equal(hasVectorStructure(g), true);
    const gl = [...graphLoops(g)].map((l) => g.loops![l].label);
    assert.ok(
      gl.some((l) => l.startsWith('doubled.reduce')),
      gl.join(' | '),
    );
    assert.ok(!gl.some((l) => l.startsWith('for (let i')), gl.join(' | '));
    const h = parseTarget({ text: FILE, fileName: 'scalar.ts', name: 'h' });
    const hl = [...graphLoops(h)].map((l) => h.loops![l].label);
    assert.ok(
      hl.some((l) => l.startsWith('for (let k')),
      hl.join(' | '),
    );
    assert.ok(
      hl.some((l) => l.startsWith('w.map')),
      hl.join(' | '),
    );
    assert.ok(!hl.some((l) => l.startsWith('for (let i')), hl.join(' | '));
    // every loop a node names is in, with its enclosing loops
    for (const node of h.nodes) {
      for (let l = node.loop ?? -1; l >= 0; l = h.loops![l].parent) assert.ok(graphLoops(h).has(l));
    }
    assert.ok(sampleLoops(h).every((l) => hl.includes(h.loops![l].label)));
  });
});
