// src/host/debugValues.ts against a FAKE debug adapter: strict number parsing, access paths,
// scope choice (shadowing), paging and the cap, and that only stackTrace/scopes/variables are sent
// and no getter is ever expanded. The real adapter (js-debug) is exercised in test/suite/debug.test.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationScopes } from '../../src/parse';
import {
  DebugValuesError,
  parseAccessPath,
  parseDapNumber,
  readArray,
  readFrameArrays,
  readDebugValues,
  shortFrameName,
  sourcePath,
  type DapClient,
  type PausedFrame,
} from '../../src/host/debugValues';

/** A fake variable: a DAP value string with its type, or children (an object or an array). */
type FakeNode =
  string | { value: string; type?: string; lazy?: boolean; children?: Record<string, FakeNode>; array?: FakeNode[] };

interface FakeScope {
  name: string;
  range?: [number, number, number, number];
  expensive?: boolean;
  vars: Record<string, FakeNode>;
}

interface Fake extends DapClient {
  sent: Array<{ command: string; args: Record<string, unknown> }>;
  /** variablesReferences of lazy (getter) entries that were expanded: must stay empty. */
  gettersExpanded: number[];
}

function fake(
  scopes: FakeScope[],
  opts: { type?: string; source?: { path?: string; name?: string; sourceReference?: number } } = {},
): PausedFrame & { session: Fake } {
  let next = 1;
  const refs = new Map<number, { node: FakeNode; lazy: boolean }>();
  const toDap = (name: string, node: FakeNode) => {
    if (typeof node === 'string') {
      const type = node === 'undefined' ? 'undefined' : /^'/.test(node) ? 'string' : 'number';
      return { name, value: node, type, variablesReference: 0 };
    }
    const expandable = node.children !== undefined || node.array !== undefined || node.lazy;
    const ref = expandable ? next++ : 0;
    if (ref) refs.set(ref, { node, lazy: !!node.lazy });
    return {
      name,
      value: node.value,
      type: node.type ?? 'object',
      variablesReference: ref,
      ...(node.array && node.array.length > 100 ? { indexedVariables: node.array.length } : {}),
      ...(node.lazy ? { presentationHint: { lazy: true } } : {}),
    };
  };
  const scopeRefs = scopes.map((s) => {
    const ref = next++;
    refs.set(ref, { node: { value: '', children: s.vars }, lazy: false });
    return ref;
  });
  const session: Fake = {
    type: opts.type ?? 'pwa-node',
    name: 'fake',
    sent: [],
    gettersExpanded: [],
    async customRequest(command, args) {
      session.sent.push({ command, args });
      switch (command) {
        case 'stackTrace':
          return {
            stackFrames: [
              {
                id: 7,
                name: 'global.loss',
                line: 11,
                column: 3,
                source: opts.source ?? { name: 'train.js', path: '/work/train.js', sourceReference: 0 },
              },
            ],
            totalFrames: 1,
          };
        case 'scopes':
          assert.equal(args.frameId, 7);
          return {
            scopes: scopes.map((s, i) => ({
              name: s.name,
              variablesReference: scopeRefs[i],
              expensive: !!s.expensive,
              ...(s.range ? { line: s.range[0], column: s.range[1], endLine: s.range[2], endColumn: s.range[3] } : {}),
            })),
          };
        case 'variables': {
          const entry = refs.get(args.variablesReference as number);
          if (!entry) throw new Error('unknown variablesReference');
          if (entry.lazy) session.gettersExpanded.push(args.variablesReference as number);
          const { node } = entry;
          if (typeof node === 'string') return { variables: [] };
          if (node.array) {
            const start = (args.start as number | undefined) ?? 0;
            const count = (args.count as number | undefined) ?? node.array.length;
            const slice = node.array.slice(start, start + count).map((n, i) => toDap(String(start + i), n));
            return {
              variables: args.filter === 'indexed' ? slice : [...slice, toDap('length', String(node.array.length))],
            };
          }
          return { variables: Object.entries(node.children ?? {}).map(([k, n]) => toDap(k, n)) };
        }
        default:
          throw new Error(`fake adapter: '${command}' must never be sent`);
      }
    },
  };
  return { session, threadId: 1, frameId: 7 };
}

const opts = { maxArrayElements: 1000 };
const arr = (xs: FakeNode[]): FakeNode => ({ value: `Array(${xs.length}) [...]`, array: xs });
const onlyReads = (f: Fake) =>
  assert.deepEqual(
    [...new Set(f.sent.map((s) => s.command))].filter((c) => !['stackTrace', 'scopes', 'variables'].includes(c)),
    [],
  );

describe('debugValues: strict DAP number parsing', () => {
  it('accepts decimal numbers, NaN, ±Infinity and -0', () => {
    assert.equal(parseDapNumber('3', 'number'), 3);
    assert.equal(parseDapNumber('-0.25', 'number'), -0.25);
    assert.equal(parseDapNumber('1e-7', 'number'), 1e-7);
    assert.equal(parseDapNumber('1.5E+300', 'number'), 1.5e300);
    assert.equal(parseDapNumber('.5'), 0.5);
    assert.ok(Object.is(parseDapNumber('-0', 'number'), -0));
    assert.ok(Number.isNaN(parseDapNumber('NaN', 'number')!));
    assert.equal(parseDapNumber('Infinity', 'number'), Infinity);
    assert.equal(parseDapNumber('-Infinity', 'number'), -Infinity);
    assert.equal(parseDapNumber('0.30000000000000004', 'number'), 0.1 + 0.2);
  });
  it('rejects strings, bigints, hex, objects, undefined, null and extra text', () => {
    for (const [v, t] of [
      ["'3'", 'string'],
      ['3', 'string'],
      ['3n', 'bigint'],
      ['0x10', 'number'],
      ['1_000', 'number'],
      ['undefined', 'undefined'],
      ['null', 'object'],
      ['Array(2) [1, 2]', 'object'],
      ['3 apples', 'number'],
      ['', 'number'],
      ['true', 'boolean'],
      ['nan', 'number'],
      ['infinity', 'number'],
    ] as const)
      assert.equal(parseDapNumber(v, t), undefined, `${v} (${t})`);
  });
});

describe('debugValues: access paths and locations', () => {
  it('parses names and access paths, dropping the @line:column qualifier', () => {
    assert.deepEqual(parseAccessPath('x'), { root: 'x', steps: [] });
    assert.deepEqual(parseAccessPath('x@4:12'), { root: 'x', steps: [] });
    assert.deepEqual(parseAccessPath('W[1][2]'), {
      root: 'W',
      steps: [
        { kind: 'index', index: 1 },
        { kind: 'index', index: 2 },
      ],
    });
    assert.deepEqual(parseAccessPath('model.w[0]'), {
      root: 'model',
      steps: [
        { kind: 'prop', name: 'w' },
        { kind: 'index', index: 0 },
      ],
    });
    assert.deepEqual(parseAccessPath('this.lr'), { root: 'this', steps: [{ kind: 'prop', name: 'lr' }] });
    for (const bad of ['1x', 'w[-1]', 'w[i]', 'a..b', 'w[0', 'a b']) assert.equal(parseAccessPath(bad), undefined, bad);
  });
  it('reduces code-server source URIs to paths and js-debug frame names to function names', () => {
    assert.equal(sourcePath('vscode-remote://127.0.0.1:4000/work/a%20b/train.js'), '/work/a b/train.js');
    assert.equal(sourcePath('/work/train.js'), '/work/train.js');
    assert.equal(sourcePath('C:\\work\\train.js'), 'C:\\work\\train.js');
    assert.equal(shortFrameName('global.loss'), 'loss');
    assert.equal(shortFrameName('Trainer.step'), 'Trainer.step');
  });
});

describe('debugValues: reading a paused frame from a fake adapter', () => {
  it('reads numbers from the innermost scope and says where they came from', async () => {
    const f = fake([
      { name: 'Local: loss', range: [10, 14, 14, 2], vars: { w0: '0.3', w1: '-0.2', x: '0.5', t: '1.7' } },
      { name: 'Closure', range: [1, 1, 56, 1], vars: { x: "'module x'" } },
      { name: 'Global', expensive: true, vars: {} },
    ]);
    const r = await readDebugValues(
      f,
      ['w0', 'w1', 'x', 't'].map((name, i) => ({ name, at: { line: 10, column: 15 + 4 * i } })),
      opts,
    );
    assert.deepEqual(r.values, { w0: 0.3, w1: -0.2, x: 0.5, t: 1.7 });
    assert.deepEqual(r.notes, {});
    assert.deepEqual(r.frame, {
      name: 'loss',
      path: '/work/train.js',
      line: 11,
      column: 3,
      sessionType: 'pwa-node',
      sessionName: 'fake',
    });
    onlyReads(f.session);
    // The expensive Global scope is never read.
    assert.ok(!f.session.sent.some((s) => s.command === 'variables' && s.args.variablesReference === 3));
  });

  it('gives a note, not a guess, for non-numbers and undefined', async () => {
    const f = fake([
      {
        name: 'Local: loss',
        vars: {
          s: "'3'",
          u: 'undefined',
          b: { value: '3n', type: 'bigint' },
          o: { value: '{a: 1}', children: { a: '1' } },
          nul: { value: 'null', type: 'object' },
          nan: 'NaN',
          negz: '-0',
        },
      },
    ]);
    const r = await readDebugValues(
      f,
      ['s', 'u', 'b', 'o', 'nul', 'nan', 'negz', 'missing'].map((name) => ({ name })),
      opts,
    );
    assert.deepEqual(Object.keys(r.values).sort(), ['nan', 'negz']);
    assert.ok(Number.isNaN(r.values.nan));
    assert.ok(Object.is(r.values.negz, -0));
    assert.match(r.notes.s, /'s' is a string \('3'\), not a number/);
    assert.match(r.notes.u, /'u' is undefined at the paused line/);
    assert.match(r.notes.b, /bigint/);
    assert.match(r.notes.o, /'o' is \{a: 1\} \(object\), not a number/);
    assert.match(r.notes.nul, /null/);
    assert.match(r.notes.missing, /'missing' is not a variable of the paused frame 'loss'/);
  });

  it('takes the declaration the code uses when an inner block shadows it at the paused line', async () => {
    // function loss(w, x) {        ← line 10, x declared at 10:18
    //   { let x = 'inner'; ...     ← paused in this block (12:3–14:4)
    const scopes: FakeScope[] = [
      { name: 'Block', range: [12, 3, 14, 4], vars: { x: "'inner'" } },
      { name: 'Local: loss', range: [10, 14, 20, 2], vars: { w: '2', x: '5' } },
    ];
    const r = await readDebugValues(
      fake(scopes),
      [
        { name: 'x', at: { line: 10, column: 18 } },
        { name: 'w', at: { line: 10, column: 15 } },
      ],
      opts,
    );
    assert.deepEqual(r.values, { x: 5, w: 2 });
    assert.match(r.remarks.x, /'x' is shadowed at the paused line by another 'x' \(scope Block\)/);
    // The inner one, asked for by its own declaration, is a string: a note.
    const inner = await readDebugValues(fake(scopes), [{ name: 'x', at: { line: 12, column: 9 } }], opts);
    assert.match(inner.notes.x, /is a string/);
  });

  it('never takes a same-named variable of another function or of a block the program is not in', async () => {
    // The fake's frame is paused at 11:3; the analysed code is batchLoss (parameters at line 20,
    // function 20–27); the paused function and the module also have a `w`.
    const scopes: FakeScope[] = [
      { name: 'Local: step', range: [5, 14, 45, 2], vars: { w: arr(['1', '2']) } },
      { name: 'Closure', range: [1, 1, 56, 1], vars: { w: arr(['7', '8']) } },
    ];
    const batchLoss = { label: 'function batchLoss', line: 20, column: 1, endLine: 27, endColumn: 2 };
    const r = await readDebugValues(
      fake(scopes),
      [{ name: 'w[0]', at: { line: 20, column: 20 }, declaredIn: batchLoss }],
      opts,
    );
    assert.deepEqual(r.values, {});
    assert.match(
      r.notes['w[0]'],
      /'w' is declared in function batchLoss \(lines 20–27\); the program is paused outside it \(line 11, in 'loss'\)/,
    );
    // A let of a loop body (declared in the block 32–38) while the program is paused in that
    // function but outside the block: V8 has no Block scope for it; the innermost scope that
    // contains the declaration lacks the name, so it is not taken from an outer scope.
    const g = fake([
      { name: 'Local: step', range: [5, 14, 45, 2], vars: { grad: '0' } },
      { name: 'Closure', range: [1, 1, 56, 1], vars: { w0: '9' } },
    ]);
    const r2 = await readDebugValues(g, [{ name: 'w0', at: { line: 34, column: 9 } }], opts);
    assert.deepEqual(r2.values, {});
    assert.match(r2.notes.w0, /not live at the paused line/);
  });

  it('without scope ranges the innermost scope wins, with a remark', async () => {
    const f = fake([
      { name: 'Block', vars: { x: '1' } },
      { name: 'Local', vars: { x: '2' } },
    ]);
    const r = await readDebugValues(f, [{ name: 'x' }], opts);
    assert.equal(r.values.x, 1);
    assert.match(r.remarks.x, /also exists in scope Local; the innermost \(Block\) was used/);
  });

  it('resolves access paths through variablesReference children, never through a getter', async () => {
    const f = fake([
      {
        name: 'Local: step',
        vars: {
          w: arr(['0.3', '-0.2']),
          W: arr([arr(['1', '2']), arr(['3', '4'])]),
          model: { value: 'Model', children: { w: arr([arr(['5', '6'])]), lr: '0.1' } },
          p: { value: 'P', children: { x: { value: '(...)', lazy: true }, y: '2' } },
          g: { value: '(...)', lazy: true },
          s: "'str'",
        },
      },
    ]);
    const names = [
      'w[0]',
      'w[1]',
      'W[1][0]',
      'model.w[0][1]',
      'model.lr',
      'p.x',
      'p.y',
      'g',
      'g.v',
      'w[5]',
      's[0]',
      'model.q',
    ];
    const r = await readDebugValues(
      f,
      names.map((name) => ({ name })),
      opts,
    );
    assert.deepEqual(r.values, {
      'w[0]': 0.3,
      'w[1]': -0.2,
      'W[1][0]': 3,
      'model.w[0][1]': 6,
      'model.lr': 0.1,
      'p.y': 2,
    });
    assert.match(r.notes['p.x'], /'p\.x' is a getter: not read/);
    assert.match(r.notes.g, /'g' is a getter: not read/);
    assert.match(r.notes['g.v'], /'g' is a getter: not read/);
    assert.match(r.notes['w[5]'], /'w\[5\]' does not exist/);
    assert.match(r.notes['s[0]'], /'s' is 'str', which has no element \[0\]/);
    assert.match(r.notes['model.q'], /'model\.q' does not exist/);
    assert.deepEqual(f.session.gettersExpanded, [], 'a getter was expanded');
    onlyReads(f.session);
  });

  it('pages large arrays with start/count and notes the cap', async () => {
    const big = Array.from({ length: 250 }, (_, i) => String(i / 2));
    const f = fake([{ name: 'Local', vars: { xs: arr(big) } }]);
    const r = await readDebugValues(
      f,
      [{ name: 'xs[3]' }, { name: 'xs[120]' }, { name: 'xs[199]' }, { name: 'xs[230]' }, { name: 'xs[260]' }],
      { maxArrayElements: 200, pageSize: 100 },
    );
    assert.deepEqual(r.values, { 'xs[3]': 1.5, 'xs[120]': 60, 'xs[199]': 99.5 });
    assert.match(
      r.notes['xs[230]'],
      /beyond the first 200 elements read \(setting gradientLens\.debug\.maxArrayElements\)/,
    );
    assert.match(r.notes['xs[260]'], /out of range \(length 250\)/);
    assert.deepEqual(r.truncated, [{ path: 'xs', length: 250, read: 200 }]);
    const pages = f.session.sent.filter((s) => s.args.filter === 'indexed').map((s) => [s.args.start, s.args.count]);
    assert.deepEqual(pages, [
      [0, 100],
      [100, 100],
    ]);
  });

  it('readArray flattens nested arrays into access paths, paged and capped', async () => {
    const f = fake([
      {
        name: 'Local',
        vars: {
          W: arr([arr(['1', '2', '3']), arr(['4', "'x'", '6'])]),
          xs: arr(Array.from({ length: 7 }, (_, i) => String(i))),
        },
      },
    ]);
    const r = await readArray(f, { name: 'W' }, { maxArrayElements: 100 });
    assert.deepEqual(r.values, { 'W[0][0]': 1, 'W[0][1]': 2, 'W[0][2]': 3, 'W[1][0]': 4, 'W[1][2]': 6 });
    assert.match(r.notes['W[1][1]'], /string/);
    assert.deepEqual(r.lengths, { W: 2, 'W[0]': 3, 'W[1]': 3 });
    const g = fake([{ name: 'Local', vars: { xs: arr(Array.from({ length: 7 }, (_, i) => String(i))) } }]);
    const r2 = await readArray(g, { name: 'xs' }, { maxArrayElements: 5, pageSize: 2 });
    assert.deepEqual(Object.values(r2.values), [0, 1, 2, 3, 4]);
    assert.deepEqual(r2.truncated, [{ path: 'xs', length: 7, read: 5 }]);
    assert.deepEqual(
      g.session.sent.filter((s) => s.args.filter === 'indexed').map((s) => [s.args.start, s.args.count]),
      [
        [0, 2],
        [2, 2],
        [4, 1],
      ],
    );
  });
});

describe('debugValues: the paused frame’s arrays (shapes for array parameters)', () => {
  it('readFrameArrays reads every array of the paused function’s blocks and Local scope by access path (js-debug and Array(n) previews), nothing else', async () => {
    const f = fake([
      { name: 'Block', vars: { grad: arr(['7']), s: '1' } },
      {
        name: 'Local: step',
        vars: {
          grad: arr(['8']),
          w: { value: '(2) [0.3, -0.2]', array: ['0.3', '-0.2'] },
          xs: arr(['0.5', '-1.25', '2', '3.5']),
          s: '0',
          o: { value: 'Object', children: { a: '1' } },
          g: { value: '(...)', lazy: true },
          this: { value: '(1) [1]', array: ['1'] },
        },
      },
      { name: 'Closure', vars: { outer: arr(['9']) } },
      { name: 'Global', expensive: true, vars: { big: arr(['1']) } },
    ]);
    const r = await readFrameArrays(f, { maxArrayElements: 3 });
    assert.deepEqual(r.values, {
      'grad[0]': 7,
      'w[0]': 0.3,
      'w[1]': -0.2,
      'xs[0]': 0.5,
      'xs[1]': -1.25,
      'xs[2]': 2,
    });
    assert.deepEqual(f.session.gettersExpanded, []);
    onlyReads(f.session);
  });
});

describe('debugValues: bad sessions and frames', () => {
  it('refuses a debugger of another language with a clear message, before sending anything', async () => {
    const f = fake([{ name: 'Locals', vars: { x: '1' } }], { type: 'debugpy' });
    await assert.rejects(
      readDebugValues(f, [{ name: 'x' }], opts),
      (e: unknown) =>
        e instanceof DebugValuesError &&
        e.code === 'not-js' &&
        /only from JavaScript\/TypeScript debug sessions/.test(e.message) &&
        /'debugpy'/.test(e.message),
    );
    assert.deepEqual(f.session.sent, []);
  });

  it('refuses a frame whose source is not a file (node internals, eval code)', async () => {
    for (const source of [
      { name: '<node_internals>/internal/timers', path: '<node_internals>/internal/timers', sourceReference: 12 },
      { name: 'VM123', sourceReference: 5 },
    ]) {
      const f = fake([{ name: 'Local', vars: {} }], { source });
      await assert.rejects(
        readDebugValues(f, [{ name: 'x' }], opts),
        (e: unknown) =>
          e instanceof DebugValuesError &&
          e.code === 'no-source' &&
          /not in a file Gradient Lens can read/.test(e.message),
      );
    }
  });
});

describe('declarationScopes (parser): the scope each declaration lives in', () => {
  it('parameters → their function, let/const → their block or for statement, var → the function', () => {
    const text = readFileSync(join(__dirname, '../../examples/train-step.js'), 'utf8');
    const at = (needle: string, nth = 1) => {
      let i = -1;
      for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
      assert.ok(i >= 0, needle);
      return i;
    };
    const [w0, xs, letW0, i, sTop, grad] = declarationScopes({
      text,
      fileName: 'train-step.js',
      offsets: [
        at('w0, w1, x, t)'),
        at('xs, ts) {'),
        at('w0 = w[0]') + 0,
        at('i = 0; i < xs.length'),
        at('xs = [0.5'),
        at('grad = [0, 0]'),
      ],
    });
    assert.equal(w0?.label, 'function loss');
    assert.equal(text.slice(w0!.start, w0!.start + 13), 'function loss');
    assert.equal(xs?.label, 'function batchLoss');
    assert.match(letW0!.label, /^the block at line \d+$/);
    assert.equal(text[letW0!.start], '{');
    assert.equal(i?.label, 'a for statement');
    assert.equal(sTop?.label, 'module');
    assert.equal(grad?.label, 'function step');
    // Not on a declaration name: undefined.
    assert.deepEqual(declarationScopes({ text, fileName: 'a.js', offsets: [at('return e * e')] }), [undefined]);
  });
});
