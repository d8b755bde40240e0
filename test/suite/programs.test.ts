// Issue 10's proof in the real VS Code: programs (let, for loops, arrays) in the panel, inline
// values and hover. Expected gradients come from hand-derived formulas computed here in plain
// JS, never from the engine.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GradientLensApi } from '../../src/extension';
import { scratchDocument } from './scratch';

const EXTENSION_ID = 'gradient-lens.gradient-lens';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeout = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function showAt(doc: vscode.TextDocument, needle: string, delta = 1): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the document`);
  const p = doc.positionAt(offset + delta);
  editor.selection = new vscode.Selection(p, p);
  await vscode.commands.executeCommand('gradientLens.showGradients');
  return editor;
}

const lineOf = (doc: vscode.TextDocument, needle: string) => doc.positionAt(doc.getText().indexOf(needle)).line + 1;

/** The number after `label = ` in an inline text (− is the minus sign the editor shows). */
function inlineNumber(text: string, label: string): number {
  const i = text.indexOf(`${label} = `);
  assert.ok(i >= 0, `'${label} = ' not in ${JSON.stringify(text)}`);
  const m = /^[−-]?[\d.]+(?:e[−+-]?\d+)?/.exec(text.slice(i + label.length + 3));
  assert.ok(m, `no number after '${label}' in ${JSON.stringify(text)}`);
  return Number(m[0].replace(/−/g, '-'));
}

const close = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${what}: ${actual}, expected ${expected}`,
  );

describe('programs (issue 10)', function () {
  this.timeout(60_000);
  let api: GradientLensApi;

  before(async () => {
    api = await vscode.extensions.getExtension<GradientLensApi>(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('gradientLens.clearGradients');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const xs = [1, 2, 3, 4];
  const ys = [2, 4.5, 5.5, 9];
  const w = [0.5, 0.1];
  const MSE =
    `const xs = [${xs.join(', ')}];\n` +
    `const ys = [${ys.join(', ')}];\n` +
    `const w = [${w.join(', ')}];\n` +
    'let loss = 0;\n' +
    'for (let i = 0; i < xs.length; i++) {\n' +
    '  const p = w[0] * xs[i] + w[1];\n' +
    '  loss += (p - ys[i]) ** 2;\n' +
    '}\n' +
    'const mse = loss / xs.length;\n';

  // Hand-derived: mse = (1/n) Σ r_i², r_i = w0·x_i + w1 − y_i.
  const n = xs.length;
  const r = xs.map((x, i) => w[0] * x + w[1] - ys[i]);
  const expected: Record<string, number> = {
    'w[0]': (2 / n) * r.reduce((s, ri, i) => s + ri * xs[i], 0),
    'w[1]': (2 / n) * r.reduce((s, ri) => s + ri, 0),
    loss: 1 / n,
  };
  xs.forEach((_, i) => {
    expected[`xs[${i}]`] = (2 / n) * r[i] * w[0];
    expected[`ys[${i}]`] = -(2 / n) * r[i];
  });
  const mseValue = r.reduce((s, ri) => s + ri * ri, 0) / n;

  it('a for-loop MSE over arrays: every array element has its gradient in the panel', async () => {
    const doc = await scratchDocument(MSE);
    await showAt(doc, 'loss / xs.length');
    const probe = await until('the panel', async () => {
      const p = await api.probePanel();
      return p.inputs.length > 0 && !p.error ? p : undefined;
    });
    const grads = Object.fromEntries(probe.inputs.map((i) => [i.name, i.grad]));
    assert.deepEqual(Object.keys(grads).sort(), Object.keys(expected).sort());
    for (const [name, g] of Object.entries(expected)) close(grads[name], g, 1e-9, `panel ∂mse/∂${name}`);
    const { report } = api.current();
    assert.ok(report);
    close(Number(report.target.value), mseValue, 1e-12, 'mse');
  });

  it('the MSE inline: every element on its line, the loop lines show their last value once', async () => {
    const doc = await scratchDocument(MSE);
    await showAt(doc, 'loss / xs.length');
    const snap = await until('decorations', () => api.inlineDecorations(doc.uri.toString()));
    // Unshortened (the hover's text when inline.maxColumn shortened the line).
    const text = (needle: string) => {
      const l = snap.lines.find((x) => x.line === lineOf(doc, needle));
      return l?.full ?? l?.text ?? '';
    };
    // An array's line shows its shape and first values: `∂mse/∂xs = [a, b, c, …]` (3 digits).
    const arrayGrads = (line: string, name: string): number[] => {
      const t = text(line);
      const i = t.indexOf(`∂mse/∂${name} = [`);
      assert.ok(i >= 0, `∂mse/∂${name} not in ${JSON.stringify(t)}`);
      const body = t.slice(i + `∂mse/∂${name} = [`.length, t.indexOf(']', i));
      return body
        .split(', ')
        .filter((x) => x !== '…')
        .map((x) => Number(x.replace(/−/g, '-')));
    };
    for (const [arr, line] of [
      ['xs', 'const xs'],
      ['ys', 'const ys'],
      ['w', 'const w'],
    ] as const) {
      const shown = arrayGrads(line, arr);
      assert.ok(shown.length >= Math.min(3, arr === 'w' ? 2 : n), `${arr}: ${shown.join(', ')}`);
      shown.forEach((g, i) => close(g, expected[`${arr}[${i}]`], 5e-3, `inline ∂mse/∂${arr}[${i}]`));
    }
    close(inlineNumber(text('let loss'), '∂mse/∂loss'), expected.loss, 1e-3, 'inline ∂mse/∂loss');
    // `loss += ...` ran n times: one entry, the last value (the full sum).
    const lossLine = text('loss +=');
    assert.equal(lossLine.match(/(^|\s)loss = /g)?.length, 1, lossLine);
    close(inlineNumber(lossLine, 'loss'), mseValue * n, 1e-3, 'last loss');
    const pLine = text('const p =');
    assert.equal(pLine.match(/(^|\s)p = /g)?.length, 1, pLine);
    close(inlineNumber(pLine, 'p'), w[0] * xs[n - 1] + w[1], 1e-3, 'last p');
    close(inlineNumber(text('const mse'), 'mse'), mseValue, 1e-3, 'mse inline');

    // The hover on `loss` in the loop lists the value of every iteration.
    const at = doc.positionAt(doc.getText().indexOf('loss +=') + 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const md = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(md, /Per iteration/);
    let partial = 0;
    r.forEach((ri, i) => {
      partial += ri * ri;
      assert.match(md, new RegExp(`\\| ${i} \\| ${String(Number(partial.toPrecision(6))).replace('.', '\\.')}`), md);
    });
  });

  it('an endless loop ends within about a second (gradientLens.budget.maxMillis) with an error naming it', async () => {
    const doc = await scratchDocument('let i = 0;\nwhile (i >= 0) {\n  i++;\n}\nconst f = i * 2;\n');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await sleep(1500); // let the CodeLens run first (capped at 300 ms)
    const editor = vscode.window.activeTextEditor!;
    const p = doc.positionAt(doc.getText().indexOf('i * 2') + 1);
    editor.selection = new vscode.Selection(p, p);
    const t0 = Date.now();
    await vscode.commands.executeCommand('gradientLens.showGradients');
    const ms = Date.now() - t0;
    const { error } = api.current();
    assert.ok(error, 'no error reported');
    assert.match(error.message, /exceeds the (time|step) budget .* loop "while \(i >= 0\)" at 2:1/);
    assert.ok(ms < 2500, `took ${ms} ms`);
  });

  it('the `let s` snippet shows 6 with ∂/∂a0 = 3 (panel and inline)', async () => {
    const doc = await scratchDocument('const a0 = 2;\nlet s = 0;\ns = s + a0;\nconst target = s * 3;\n');
    await showAt(doc, 's * 3');
    const probe = await until('the panel', async () => {
      const p = await api.probePanel();
      return p.inputs.length > 0 && !p.error ? p : undefined;
    });
    const { report } = api.current();
    assert.ok(report);
    assert.equal(Number(report.target.value), 6);
    assert.equal(probe.inputs.find((i) => i.name === 'a0')?.grad, 3);
    const snap = await until('decorations', () => api.inlineDecorations(doc.uri.toString()));
    const line = (needle: string) => snap.lines.find((l) => l.line === lineOf(doc, needle))?.text ?? '';
    assert.equal(inlineNumber(line('const target'), 'target'), 6);
    assert.equal(inlineNumber(line('const a0'), '∂target/∂a0'), 3);
  });
  it('a selection inside a function body: the panel analyses the function and highlights the selection’s nodes; one that does not reach the result is shown on its own', async () => {
    const text =
      'function f(w: number, x: number, b: number) {\n' +
      '  let s = 0;\n' +
      '  for (let i = 1; i <= 2; i++) s += w * x * i;\n' +
      '  const unused = w * 7;\n' +
      '  return s * s + b;\n' +
      '}\n';
    const doc = await scratchDocument(text);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const start = text.indexOf('w * x');
    editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(start + 'w * x'.length));
    await vscode.commands.executeCommand('gradientLens.showGradients');
    let last = '';
    const probe = await until('the highlighted selection', async () => {
      const p = await api.probePanel();
      last = JSON.stringify({ error: p.error, title: p.title, extra: p.extra, nodes: p.nodes.map((n) => n.label) });
      return p.extra.selectionState === 'highlighted' && (p.extra.selectionNodes as number[]).length > 0
        ? p
        : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; last: ${last}`, { cause: e });
    });
    // The target is the function, its result.
    assert.equal(probe.title, 'f');
    assert.equal(probe.extra.selectionNote, 'selection: w * x at line 3, highlighted (2 nodes) in f(…).');
    const v = Object.fromEntries(probe.inputs.map((i) => [i.name, i.value]));
    const g = Object.fromEntries(probe.inputs.map((i) => [i.name, i.grad]));
    // Oracle, plain JS: s = 3·w·x, f = s² + b; ∂f/∂(w·x in pass i) = 2s·i.
    const sv = 3 * v.w * v.x;
    close(Number(api.current().report!.target.value), sv * sv + v.b, 1e-12, 'f');
    close(g.w, 2 * sv * 3 * v.x, 1e-12, '∂f/∂w');
    close(g.x, 2 * sv * 3 * v.w, 1e-12, '∂f/∂x');
    close(g.b, 1, 1e-12, '∂f/∂b');
    // The highlighted graph nodes: the two passes' w·x, each with its value and gradient.
    const marked = probe.extra.selectionNodes as number[];
    const nodes = probe.nodes.filter((n) => marked.includes(n.id));
    assert.equal(nodes.length, 2, JSON.stringify(probe.nodes.map((n) => n.label)));
    for (const n of nodes) close(n.value, v.w * v.x, 1e-12, 'w·x');
    assert.deepEqual(
      nodes.map((n) => n.grad).sort((a, b) => a - b),
      [2 * sv * 1, 2 * sv * 2],
    );
    // Other nodes are not highlighted.
    assert.ok(probe.nodes.length > nodes.length);

    // A selection whose value the result does not use: analysed on its own, and the header says why.
    const u = text.indexOf('w * 7');
    editor.selection = new vscode.Selection(doc.positionAt(u), doc.positionAt(u + 'w * 7'.length));
    await vscode.commands.executeCommand('gradientLens.showGradients');
    const alone = await until('the note for a selection that does not reach f', async () => {
      const p = await api.probePanel();
      return p.extra.selectionState === 'alone' ? p : undefined;
    });
    assert.match(String(alone.extra.selectionNote), /selection: w \* 7 at line 4 does not reach the result of f\(…\)/);
    assert.deepEqual(alone.extra.selectionNodes, []);
    const ga = Object.fromEntries(alone.inputs.map((i) => [i.name, i.grad]));
    close(ga.w, 7, 1e-12, '∂(w·7)/∂w');
  });
});
