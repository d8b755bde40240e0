/** The gradient-lens CLI on the seed examples, in all three formats, and its exit codes. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { tempDir } from './tempDir';

const root = resolve(__dirname, '../..');
const ex = (f: string) => join(root, 'examples', f);

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

function tmpFile(text: string): string {
  const dir = tempDir('gl-cli-');
  const f = join(dir, 'input.ts');
  writeFileSync(f, text);
  return f;
}

describe('CLI', () => {
  it('table: (x+y)*z gives -12 and one aligned row per input with numeric gradient and relative error', () => {
    const { code, out } = run(ex('simple.ts'), '--name', 'f');
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.equal(lines[0], 'f = -12');
    const rows = Object.fromEntries(
      lines
        .filter((l) => /^[xyz] /.test(l))
        .map((l) => {
          const [name, value, grad, numeric, rel] = l.trim().split(/\s+/);
          return [name, { value: Number(value), grad: Number(grad), numeric: Number(numeric), rel: Number(rel) }];
        }),
    );
    assert.deepEqual(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, [r.value, r.grad]])), {
      x: [-2, -4],
      y: [5, -4],
      z: [-4, 3],
    });
    for (const r of Object.values(rows)) assert.ok(r.rel < 1e-8 && Math.abs(r.numeric - r.grad) < 1e-6);
    // aligned: each number column is right-aligned under its header
    const header = lines[2];
    const gradEnd = header.indexOf('grad') + 'grad'.length;
    for (const l of lines.filter((x) => /^[xyz] /.test(x))) {
      const cell = l.slice(0, gradEnd).trimEnd();
      assert.equal(cell.length, gradEnd, `gradient not right-aligned in "${l}"`);
    }
  });

  it('json: exactly one object with target, inputs (accumulated, once each), nodes and diagnostics', () => {
    const { code, out } = run(ex('neuron.ts'), '--name', 'out', '--format', 'json');
    assert.equal(code, 0);
    assert.equal(out.trim().split('\n').length, 1);
    const r = JSON.parse(out);
    for (const k of ['target', 'inputs', 'nodes', 'diagnostics']) assert.ok(k in r, k);
    assert.ok(Math.abs(r.target.value - 0.7310585786300049) < 1e-15);
    assert.equal(typeof r.target.text, 'string');
    const g = Object.fromEntries(r.inputs.map((i: { name: string; grad: number }) => [i.name, i.grad]));
    assert.ok(
      Math.abs(g.w0 - -0.19661193) < 1e-8 && Math.abs(g.x0 - 0.39322387) < 1e-8 && Math.abs(g.w1 - -0.39322387) < 1e-8,
    );
    assert.ok(Math.abs(g.x1 - -0.5898358) < 1e-8 && Math.abs(g.w2 - 0.19661193) < 1e-8);
    for (const n of r.nodes)
      for (const k of ['id', 'op', 'label', 'value', 'grad', 'inputs', 'range']) assert.ok(k in n, k);
  });

  it('json: fan-out accumulates into one input entry; non-finite numbers are strings', () => {
    const f = tmpFile('const a = 3;\nconst h = a * a;\nconst y = h + a;\nconst z = 0;\nconst w = Math.log(z) * a;\n');
    const r = JSON.parse(run(f, '--name', 'y', '--format', 'json').out);
    assert.deepEqual(
      r.inputs.map((i: { name: string }) => i.name),
      ['a'],
    );
    assert.equal(r.inputs[0].grad, 7);
    const w = run(f, '--name', 'w', '--format', 'json');
    assert.equal(w.code, 0);
    const rw = JSON.parse(w.out);
    assert.equal(rw.target.value, '-Infinity');
    assert.ok(
      rw.diagnostics.some((d: { message: string }) => /first appears at Math\.log\(z\) \(5:11\)/.test(d.message)),
    );
  });

  it('dot: a Graphviz digraph with value and gradient on every node', () => {
    const { code, out } = run(ex('simple.ts'), '--line', '8', '--format', 'dot');
    assert.equal(code, 0);
    assert.match(out, /^digraph gradients \{/);
    const nodes = out.split('\n').filter((l) => /^\s+n\d+ \[label=/.test(l));
    assert.equal(nodes.length, 5);
    for (const n of nodes) assert.match(n, /value -?\d.*grad -?\d/);
    assert.match(out, /value -12\\ngrad 1"/);
  });

  it('exit 1 on bad input: json error object with line and column, readable stderr otherwise', () => {
    const f = tmpFile('const a = 2;\nconst y = a * foo;\n');
    const j = run(f, '--name', 'y', '--format', 'json');
    assert.equal(j.code, 1);
    assert.deepEqual(
      { ...JSON.parse(j.out).error, message: undefined },
      { message: undefined, line: 2, column: 15, code: 'unknown-name' },
    );
    const t = run(f, '--name', 'y');
    assert.equal(t.code, 1);
    assert.equal(t.out, '');
    assert.match(t.err, /Unknown name 'foo' at 2:15/);
  });

  it('exit 2 on usage errors', () => {
    assert.equal(run().code, 2);
    assert.equal(run(ex('simple.ts')).code, 2); // neither --name nor --line
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--line', '8').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--format', 'xml').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--set', 'x').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--set', 'nope=1').code, 2);
    assert.equal(run(ex('simple.ts'), '--line', '0x2').code, 2);
    assert.equal(run(ex('simple.ts'), '--line', '999').code, 2);
    assert.equal(run(join(root, 'no-such-file.ts'), '--name', 'f').code, 2);
  });

  it('a FILE without --name or --line lists its top-level declarations and suggests the last value', () => {
    const r = run(ex('two-layer-relu.ts'));
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /Give --name DECL or --line N/);
    assert.match(r.err, /W1 \(line 6\), x \(line 11\), W2 \(line 12\)/);
    // `dot` and `matvec` are helper functions (arrows): the suggestion is the result f.
    assert.match(r.err, /For example: gradient-lens \S*two-layer-relu\.ts --name f\n/);
    assert.doesNotMatch(r.err, /Usage:/); // the short hint, not the whole help
    // A long file: the first declarations, an ellipsis and the last ones.
    const n = run(ex('network.ts'));
    assert.match(n.err, /sigmoid \(line 5\), x1 \(line 7\), x2 \(line 8\), …, .* loss \(line 32\)\n/);
    assert.match(n.err, /--name loss\n/);
    // A file without declarations says to give a line.
    assert.match(run(tmpFile('1 + 2;\n')).err, /has no top-level declaration: give --line N/);
  });

  it('--name of a name the file does not declare lists the names it does declare', () => {
    const r = run(ex('two-layer-relu.ts'), '--name', 'L');
    assert.equal(r.code, 1);
    assert.match(r.err, /No declaration named 'L' .*Declared at its top level: W1, x, W2, dot, matvec, z, h, y, f;/);
  });

  it('the table lists inputs in source order (as written), not in the order the run read them', () => {
    const { out } = run(ex('two-layer-relu.ts'), '--name', 'f');
    const names = out
      .split('\n')
      .slice(4)
      .map((l) => l.split(/\s+/)[0])
      .filter((n) => /^(W1|W2|x)\[/.test(n));
    assert.deepEqual(names, [
      'W1[0][0]',
      'W1[0][1]',
      'W1[1][0]',
      'W1[1][1]',
      'W1[2][0]',
      'W1[2][1]',
      'x[0]',
      'x[1]',
      'W2[0][0]',
      'W2[0][1]',
      'W2[0][2]',
    ]);
  });

  it('no inputs: the table says why there is no gradient and what to write, instead of an empty table', () => {
    const r = run(tmpFile('function g(a: number) {\n  return a * a;\n}\nconst f = g(3) + 2 * 3;\n'), '--name', 'f');
    assert.equal(r.code, 0);
    assert.match(r.out, /^f = 15\n/);
    assert.match(
      r.out,
      /No inputs: every number this value depends on is a literal written inline.*const x = 3; and use x\./,
    );
  });

  it('--set overrides a const and gives free inputs their value, in both spellings', () => {
    assert.match(run(ex('simple.ts'), '--name', 'f', '--set', 'x=3').out, /^f = -32\n/);
    assert.match(run(ex('simple.ts'), '--name', 'f', '--set=x=3').out, /^f = -32\n/);
    const f = tmpFile('function g(a: number) {\n  return a * a;\n}\n');
    assert.equal(run(f, '--line', '2').code, 1); // a is free: missing input
    assert.match(run(f, '--line', '2', '--set', 'a=1.5').out, /= 2\.25\n/);
  });

  it('option names and values come from the user: --set __proto__=4 is an unknown input, not a prototype', () => {
    const r = run(ex('simple.ts'), '--name', 'f', '--set', '__proto__=4');
    assert.equal(r.code, 2);
    assert.match(r.err, /no input named '__proto__'/);
    const c = run(ex('simple.ts'), '--name', 'f', '--set', 'constructor=4');
    assert.equal(c.code, 2);
    assert.match(c.err, /no input named 'constructor'/);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--bogus').code, 2);
    assert.equal(run(ex('simple.ts'), '--name').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--name', 'f').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--set', 'x=1', '--set', 'x=2').code, 2);
    assert.equal(run(ex('simple.ts'), '--name', 'f', '--lr', '0.1').code, 2);
    assert.equal(run(ex('simple.ts'), '-h').code, 0);
  });

  it('programs: loops over arrays, `--set` of input names like __proto__ and constructor', () => {
    const f = tmpFile(
      'const __proto__ = 1.5;\nconst constructor = 2;\nconst xs = [1, 2, 3];\nlet s = 0;\nfor (const x of xs) s += x * __proto__ * constructor;\nconst r = s;\n',
    );
    assert.match(run(f, '--name', 'r').out, /^r = 18\n/);
    const set = run(f, '--name', 'r', '--set', '__proto__=4', '--set', 'constructor=1', '--format', 'json');
    assert.equal(set.code, 0, set.err);
    const rep = JSON.parse(set.out);
    assert.equal(rep.target.value, 24);
    assert.deepEqual(rep.inputs.map((i: { name: string; grad: number }) => [i.name, i.grad]).sort(), [
      ['__proto__', 6],
      ['constructor', 24],
      ['s', 1],
      ['xs[0]', 4],
      ['xs[1]', 4],
      ['xs[2]', 4],
    ]);
  });

  it('a function target takes arrays and objects: --set w=[...] --set p={...}', () => {
    const f = tmpFile(
      'function loss(w: number[], p: { x: number }) {\n  let s = 0;\n  for (let i = 0; i < w.length; i++) s += (w[i] - p.x) ** 2;\n  return s / w.length;\n}\n',
    );
    const r = run(f, '--name', 'loss', '--set', 'w=[0.1,0.2,0.6,1]', '--set', 'p={"x":0.5}', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const rep = JSON.parse(r.out);
    const w = [0.1, 0.2, 0.6, 1];
    const x = 0.5;
    assert.ok(Math.abs(rep.target.value - w.reduce((a, v) => a + (v - x) ** 2, 0) / 4) < 1e-15);
    const g = Object.fromEntries(rep.inputs.map((i: { name: string; grad: number }) => [i.name, i.grad]));
    assert.deepEqual(Object.keys(g).sort(), ['p.x', 'w[0]', 'w[1]', 'w[2]', 'w[3]']);
    assert.ok(Math.abs(g['w[3]'] - (2 * (1 - x)) / 4) < 1e-15);
    assert.equal(run(f, '--name', 'loss', '--set', 'w=[1,"a"]').code, 2);
    assert.equal(run(f, '--name', 'loss', '--set', 'w=[1,').code, 2);
  });

  it('--set shapes a parameter that shadows a top-level array of the same name (train-step.js batchLoss)', () => {
    const r = run(
      ex('train-step.js'),
      '--name',
      'batchLoss',
      '--set',
      'w=[0.5,0.1]',
      '--set',
      'xs=[1,2,3]',
      '--set',
      'ts=[2,4,6]',
      '--format',
      'json',
    );
    assert.equal(r.code, 0, r.err);
    const rep = JSON.parse(r.out);
    // The same mean squared error and its gradient, written out in plain JS.
    const w = [0.5, 0.1],
      xs = [1, 2, 3],
      ts = [2, 4, 6];
    let s = 0;
    const g: Record<string, number> = { 'w[0]': 0, 'w[1]': 0 };
    xs.forEach((x, i) => {
      const e = w[0] * x + w[1] - ts[i];
      s += e * e;
      g['w[0]'] += (2 * e * x) / 3;
      g['w[1]'] += (2 * e) / 3;
      g[`xs[${i}]`] = (2 * e * w[0]) / 3;
      g[`ts[${i}]`] = (-2 * e) / 3;
    });
    assert.ok(Math.abs(rep.target.value - s / 3) < 1e-12);
    const got = Object.fromEntries(rep.inputs.map((i: { name: string; grad: number }) => [i.name, i.grad]));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(g).sort());
    for (const k of Object.keys(g)) assert.ok(Math.abs(got[k] - g[k]) < 1e-12, k);
  });

  it('runs as the package bin from dist/ (built)', function () {
    this.timeout(60_000);
    execFileSync('node', ['scripts/build.mjs'], { cwd: root });
    const r = spawnSync(join(root, 'dist', 'cli.js'), [ex('simple.ts'), '--name', 'f', '--format', 'json'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).target.value, -12);
  });
});
