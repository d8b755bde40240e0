// Inline values, hover, CodeLens and Clear gradients in the real extension host, checked through
// the extension's API (inlineDecorations: the per-line texts it rendered) and VS Code's own
// hover / CodeLens commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GradientLensApi } from '../../src/extension';
import { scratchDocument } from './scratch';

const EXTENSION_ID = 'gradient-lens.gradient-lens';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(): Promise<GradientLensApi> {
  const ext = vscode.extensions.getExtension<GradientLensApi>(EXTENSION_ID);
  assert.ok(ext, 'extension not found');
  return ext.activate();
}

async function until<T>(what: string, fn: () => T | undefined | false, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function exampleUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  return vscode.Uri.joinPath(folder, name);
}

/** Opens `doc` in column one, puts the cursor on `needle` (+ delta) and runs Show gradients. */
async function showAt(
  doc: vscode.TextDocument,
  needle: string,
  delta = 0,
  column = vscode.ViewColumn.One,
): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in ${doc.uri.toString()}: ${JSON.stringify(doc.getText())}`);
  const p = doc.positionAt(offset + delta);
  editor.selection = new vscode.Selection(p, p);
  await vscode.commands.executeCommand('gradientLens.showGradients');
  return editor;
}

function lineNo(doc: vscode.TextDocument, needle: string): number {
  return doc.positionAt(doc.getText().indexOf(needle)).line + 1;
}

function textAt(a: GradientLensApi, doc: vscode.TextDocument, line: number): string | undefined {
  return a.inlineDecorations(doc.uri.toString())?.lines.find((l) => l.line === line)?.text;
}

/** The line's text unshortened (what its hover shows when inline.maxColumn shortened it). */
function fullAt(a: GradientLensApi, doc: vscode.TextDocument, line: number): string | undefined {
  const l = a.inlineDecorations(doc.uri.toString())?.lines.find((x) => x.line === line);
  return l && (l.full ?? l.text);
}

async function setInline(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gradientLens').update(key, value, vscode.ConfigurationTarget.Global);
}

const panelTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('gradientLens.panel'));

async function closePanel(wait = false): Promise<void> {
  if (wait) await until(`the panel's tab (tabs: ${describeTabs()})`, () => panelTabs().length > 0);
  const tabs = panelTabs();
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

function describeTabs(): string {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => `${t.label}:${t.input?.constructor?.name}:${(t.input as { viewType?: string })?.viewType ?? ''}`)
    .join(' | ');
}

describe('inline values', function () {
  this.timeout(60_000);
  let a: GradientLensApi;

  before(async () => {
    a = await api();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('gradientLens.clearGradients');
    for (const key of [
      'inline.onEdit',
      'inline.debounceMs',
      'inline.clearOnPanelClose',
      'inline.show',
      'inline.precision',
      'inline.maxColumn',
    ]) {
      await setInline(key, undefined);
    }
    await closePanel();
    await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('simple.ts: each input on its declaration, the output on the target line', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('simple.ts'));
    await showAt(doc, '(x + y) * z', 1);
    const snap = await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    assert.equal(snap.stale, false);
    assert.ok(snap.editors >= 1);
    assert.equal(textAt(a, doc, lineNo(doc, 'const x = -2')), 'x = −2  ∂f/∂x = −4');
    assert.equal(textAt(a, doc, lineNo(doc, 'const y = 5')), 'y = 5  ∂f/∂y = −4');
    assert.equal(textAt(a, doc, lineNo(doc, 'const z = -4')), 'z = −4  ∂f/∂z = 3');
    assert.equal(textAt(a, doc, lineNo(doc, 'const f =')), 'f = −12  ∂f/∂f = 1');
    assert.equal(snap.lines.length, 4);
  });

  it('network.ts: declarations sharing a line are joined; the sigmoid body is not decorated', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('network.ts'));
    await showAt(doc, '0.5 * ((y1', 1);
    await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    // Three declarations on one line: too long for inline.maxColumn (default 60: the panel beside a
    // half-width editor), so the first one, compactly, and `…`; the full text is the decoration's hover.
    const w = a.inlineDecorations(doc.uri.toString())!.lines.find((l) => l.line === lineNo(doc, 'const w11'))!;
    assert.equal(w.text, '∂w11 = −0.013   …');
    assert.match(
      w.full ?? '',
      /^w11 = 0\.1 {2}∂loss\/∂w11 = −0\.01298 {3}w12 = −0\.4 {2}∂loss\/∂w12 = 0\.02686 {3}w13 = 0\.7 {2}∂loss\/∂w13 = −0\.00294$/,
    );
    const h1 = lineNo(doc, 'const h1 =');
    assert.equal(textAt(a, doc, h1), '∂ −0.11');
    assert.equal(fullAt(a, doc, h1), 'h1 = 0.4354  ∂loss/∂h1 = −0.1056');
    assert.equal(textAt(a, doc, lineNo(doc, 'const loss =')), 'loss = 0.33');
    assert.equal(fullAt(a, doc, lineNo(doc, 'const loss =')), 'loss = 0.3259  ∂loss/∂loss = 1');
    assert.equal(textAt(a, doc, lineNo(doc, 'const sigmoid =')), undefined);
    // A full-width editor (inline.maxColumn 90): the weights' gradients, named; h1 in full.
    await setInline('inline.maxColumn', 90);
    await until('maxColumn 90', () => textAt(a, doc, h1) === 'h1 = 0.4354  ∂loss/∂h1 = −0.1056');
    assert.equal(textAt(a, doc, lineNo(doc, 'const w11')), '∂w11 = −0.013   ∂w12 = 0.027   ∂w13 = −0.0029');
  });

  it('show and precision settings', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('network.ts'));
    await showAt(doc, '0.5 * ((y1', 1);
    const h1 = lineNo(doc, 'const h1 =');
    await setInline('inline.maxColumn', 0); // never shortened: the settings alone
    await setInline('inline.show', 'gradient');
    await setInline('inline.precision', 2);
    await until('gradient-only text', () => textAt(a, doc, h1) === '∂loss/∂h1 = −0.11');
    await setInline('inline.show', 'value');
    await until('value-only text', () => textAt(a, doc, h1) === 'h1 = 0.44');
  });

  it('split view: every visible editor of the document gets them, also when shown again', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('simple.ts'));
    await showAt(doc, '(x + y) * z', 1);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Three, preserveFocus: true });
    const snap = await until('two editors', () => {
      const s = a.inlineDecorations(doc.uri.toString());
      return s && s.editors >= 2 && s;
    });
    assert.equal(snap.lines.length, 4);
    // Hide it (another file in both columns), then show it again: re-applied.
    const other = await scratchDocument('const q = 1;\n');
    await vscode.window.showTextDocument(other, vscode.ViewColumn.One);
    await vscode.window.showTextDocument(other, vscode.ViewColumn.Three);
    await until('no editor', () => a.inlineDecorations(doc.uri.toString())?.editors === 0);
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await until('re-applied', () => (a.inlineDecorations(doc.uri.toString())?.editors ?? 0) >= 1);
    assert.equal(a.inlineDecorations(doc.uri.toString())!.lines.length, 4);
  });

  it('an edit marks them stale and they follow the text', async () => {
    const doc = await scratchDocument('const x = -2;\nconst y = 5;\nconst z = -4;\nconst f = (x + y) * z;\n');
    const editor = await showAt(doc, '(x + y) * z', 1);
    await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    assert.equal(textAt(a, doc, 4), 'f = −12  ∂f/∂f = 1');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// two new lines\n\n'));
    const snap = await until('stale', () => {
      const s = a.inlineDecorations(doc.uri.toString());
      return s?.stale && s;
    });
    assert.equal(textAt(a, doc, 6), 'f = −12  ∂f/∂f = 1 (stale)');
    assert.equal(textAt(a, doc, 3), 'x = −2  ∂f/∂x = −4 (stale)');
    assert.equal(snap.lines.length, 4);
    // Show gradients again: fresh.
    await showAt(doc, '(x + y) * z', 1);
    await until('fresh', () => a.inlineDecorations(doc.uri.toString())?.stale === false);
    assert.equal(textAt(a, doc, 6), 'f = −12  ∂f/∂f = 1');
  });

  it('they follow typing, including Enter inside a line comment (on-enter rules insert "// ")', async () => {
    const doc = await scratchDocument(
      '// header comment\nconst x = -2;\nconst y = 5;\nconst z = -4;\nconst f = (x + y) * z;\n',
    );
    const editor = await showAt(doc, '(x + y) * z', 1);
    await until('decorations', () => textAt(a, doc, 2) === 'x = −2  ∂f/∂x = −4');
    await vscode.window.showTextDocument(doc, { viewColumn: editor.viewColumn });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    for (const ch of '// edited') await vscode.commands.executeCommand('type', { text: ch });
    await vscode.commands.executeCommand('type', { text: '\n' });
    await until('stale', () => a.inlineDecorations(doc.uri.toString())?.stale === true);
    const xLine =
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith('const x')) + 1;
    assert.equal(textAt(a, doc, xLine), 'x = −2  ∂f/∂x = −4 (stale)', doc.getText());
    const fLine =
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith('const f')) + 1;
    assert.equal(textAt(a, doc, fLine), 'f = −12  ∂f/∂f = 1 (stale)');
  });

  it('onEdit = recompute: new numbers after the debounce', async () => {
    await setInline('inline.onEdit', 'recompute');
    await setInline('inline.debounceMs', 50);
    const doc = await scratchDocument('const x = -2;\nconst y = 5;\nconst z = -4;\nconst f = (x + y) * z;\n');
    const editor = await showAt(doc, '(x + y) * z', 1);
    await until('decorations', () => textAt(a, doc, 1) === 'x = −2  ∂f/∂x = −4');
    await editor.edit((e) => e.replace(new vscode.Range(0, 10, 0, 12), '3'));
    await until(
      'recomputed',
      () => textAt(a, doc, 1) === 'x = 3  ∂f/∂x = −4' && textAt(a, doc, 4) === 'f = −32  ∂f/∂f = 1',
    );
    assert.equal(a.inlineDecorations(doc.uri.toString())!.stale, false);
    // A syntax error while typing: kept, marked stale.
    await editor.edit((e) => e.insert(new vscode.Position(3, 21), ' +'));
    await until('stale after a failed recompute', () => a.inlineDecorations(doc.uri.toString())?.stale === true, 5_000);
  });

  it('Clear gradients removes them; it is in the command palette', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('simple.ts'));
    await showAt(doc, '(x + y) * z', 1);
    await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    await vscode.commands.executeCommand('gradientLens.clearGradients');
    assert.equal(a.inlineDecorations(doc.uri.toString()), undefined);
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'gradientLens.clearGradients');
    assert.equal(cmd.title, 'Clear gradients');
    assert.equal(cmd.category, 'Gradient Lens');
    const hidden = pkg.contributes.menus.commandPalette.find(
      (m: { command: string; when?: string }) => m.command === 'gradientLens.clearGradients',
    );
    assert.ok(!hidden || hidden.when !== 'false');
  });

  it('closing the panel keeps them, or clears them with clearOnPanelClose', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('simple.ts'));
    await showAt(doc, '(x + y) * z', 1);
    await until('panel', () => a.panelVisible());
    await closePanel(true);
    await until(`panel closed (tabs: ${describeTabs()})`, () => !a.panelVisible());
    assert.equal(a.inlineDecorations(doc.uri.toString())?.lines.length, 4);
    await setInline('inline.clearOnPanelClose', true);
    await showAt(doc, '(x + y) * z', 1);
    await until('panel', () => a.panelVisible());
    await closePanel(true);
    await until('cleared', () => a.inlineDecorations(doc.uri.toString()) === undefined);
  });

  it('hover: a use of an input, and a named gate with fan-out terms', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('network.ts'));
    await showAt(doc, '0.5 * ((y1', 1);
    await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    const hoverText = async (needle: string, delta: number) => {
      const pos = doc.positionAt(doc.getText().indexOf(needle) + delta);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    const h1 = await hoverText('h1 * u11', 1);
    assert.match(h1, /Gradient Lens/);
    assert.match(h1, /∂loss\/∂h1 = `−0\.10562259910676/);
    assert.match(h1, /feeds 2 gates \(fan-out\)/);
    assert.match(h1, /`h1 \* u12`/);
    assert.match(h1, /\*\*sum\*\*/);
    const y1 = await hoverText('(y1 - t1)', 2);
    assert.match(y1, /`y1`/);
    const x1 = await hoverText('const x1', 6);
    assert.match(x1, /input/);
    assert.match(x1, /∂loss\/∂x1 = /);
  });

  it('CodeLens: Show gradients where a user starts (the loss, not every const), the result on the target line', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleUri('network.ts'));
    const before = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const lines = (ls: vscode.CodeLens[], title: RegExp) =>
      ls.filter((l) => l.command && title.test(l.command.title)).map((l) => l.range.start.line + 1);
    assert.ok(lines(before, /^Show gradients$/).includes(lineNo(doc, 'const loss =')));
    assert.ok(!lines(before, /^Show gradients$/).includes(lineNo(doc, 'const h1 =')), 'no lens on intermediate h1');
    await showAt(doc, '0.5 * ((y1', 1);
    await until('decorations', () => a.inlineDecorations(doc.uri.toString()));
    const after = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const result = after.find((l) => l.command?.title.startsWith('loss = '));
    assert.ok(result, `no result lens in ${after.map((l) => l.command?.title).join(' | ')}`);
    assert.equal(result.command!.title, 'loss = 0.3259 · open gradient panel');
    assert.equal(result.range.start.line + 1, lineNo(doc, 'const loss ='));
    assert.ok(!lines(after, /^Show gradients$/).includes(lineNo(doc, 'const h1 =')));
    assert.ok(!lines(after, /^Show gradients$/).includes(lineNo(doc, 'const loss =')));
    // The lens runs Show gradients on its line (neuron.ts: two outputs, each one a start).
    const neuron = await vscode.workspace.openTextDocument(exampleUri('neuron.ts'));
    await vscode.window.showTextDocument(neuron, { viewColumn: vscode.ViewColumn.One });
    const ls = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', neuron.uri);
    const out2 = ls.find(
      (l) => l.command?.title === 'Show gradients' && l.range.start.line + 1 === lineNo(neuron, 'const out2 ='),
    );
    assert.ok(out2, `no lens on out2 in ${ls.map((l) => `${l.range.start.line + 1}:${l.command?.title}`).join(' | ')}`);
    await vscode.commands.executeCommand(out2.command!.command, ...(out2.command!.arguments ?? []));
    await until(
      'out2 analysed',
      () =>
        a.current().report !== undefined &&
        fullAt(a, neuron, lineNo(neuron, 'const out2 ='))?.startsWith('out2 = 0.7311  ∂out2/∂out2 = 1'),
    );
  });
});
