// Show gradients in the real extension host: the command, the panel beside the editor with the
// seed examples' numbers (read back from the webview's DOM), and every bad-input class.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GradientLensApi } from '../../src/extension';
import { scratchDocument } from './scratch';

const EXTENSION_ID = 'gradient-lens.gradient-lens';
const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

let api: GradientLensApi;

function examples(file: string): vscode.Uri {
  return vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, file));
}

/** Open a document, select `text` (or put the cursor at `cursorAt`), run the command. */
async function showGradients(doc: vscode.TextDocument, text?: string, opts: { cursorAt?: string; nth?: number } = {}) {
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const source = doc.getText();
  const needle = text ?? opts.cursorAt!;
  let at = -1;
  for (let i = 0; i < (opts.nth ?? 1); i++) at = source.indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not in the document`);
  const start = doc.positionAt(at);
  editor.selection =
    text !== undefined
      ? new vscode.Selection(start, doc.positionAt(at + text.length))
      : new vscode.Selection(start, start);
  await vscode.commands.executeCommand('gradientLens.showGradients');
  return editor;
}

const inputGrads = (probe: Awaited<ReturnType<GradientLensApi['probePanel']>>) =>
  Object.fromEntries(probe.inputs.map((i) => [i.name, i.grad]));

describe('Show gradients', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<GradientLensApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  it('is contributed as a command, on the editor context menu and in the palette for TS/JS', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('gradientLens.showGradients'));
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'gradientLens.showGradients');
    assert.equal(cmd.title, 'Show gradients');
    assert.equal(cmd.category, 'Gradient Lens');
    const menu = pkg.contributes.menus['editor/context'].find(
      (m: { command: string }) => m.command === 'gradientLens.showGradients',
    );
    for (const lang of ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'])
      assert.match(menu.when, new RegExp(lang));
    assert.ok(pkg.contributes.keybindings.some((k: { command: string }) => k.command === 'gradientLens.showGradients'));
  });

  it('activates without loading ts-morph; the first command loads it', async () => {
    // No command has run yet in this extension host (this file's tests run first).
    assert.equal(api.parserLoaded(), false, 'the parser bundle was loaded at activation');
    const doc = await vscode.workspace.openTextDocument(examples('simple.ts'));
    await showGradients(doc, '(x + y) * z');
    assert.equal(api.parserLoaded(), true);
  });

  it('(x+y)*z: a webview beside the editor shows -12 and gradients -4, -4, 3', async () => {
    const doc = await vscode.workspace.openTextDocument(examples('simple.ts'));
    const editor = await showGradients(doc, '(x + y) * z');
    const probe = await api.probePanel();
    assert.equal(probe.error, undefined);
    const root = probe.nodes.find((n) => n.value === -12);
    assert.ok(root, `no node with value -12 in ${JSON.stringify(probe.nodes)}`);
    assert.equal(root.grad, 1);
    assert.match(root.ariaLabel, /-12/);
    assert.deepEqual(inputGrads(probe), { x: -4, y: -4, z: 3 });
    assert.ok(probe.nodes.some((n) => n.label === 'x' && n.value === -2 && n.grad === -4));

    // The panel is a webview tab in another editor group than the source (ViewColumn.Beside).
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs.map((t) => ({ t, g })))
      .find(({ t }) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('gradientLens.panel'));
    assert.ok(tab, 'no Gradient Lens webview tab');
    assert.notEqual(tab.g.viewColumn, editor.viewColumn);
    // preserveFocus: the source editor keeps the focus
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
  });

  it('running it again updates the same panel', async () => {
    const countTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('gradientLens.panel'))
        .length;
    const doc = await vscode.workspace.openTextDocument(examples('simple.ts'));
    await showGradients(doc, 'x + y', { nth: 2 }); // the first one is in the header comment
    const probe = await api.probePanel();
    assert.equal(countTabs(), 1);
    assert.ok(
      probe.nodes.some((n) => n.value === 3 && n.grad === 1),
      `the panel shows x + y = 3: ${JSON.stringify(probe.nodes)}`,
    );
    assert.deepEqual(inputGrads(probe), { x: 1, y: 1 });
  });

  it('the sigmoid neuron, written out and as a helper, gives the seed gradients', async () => {
    const doc = await vscode.workspace.openTextDocument(examples('neuron.ts'));
    for (const cursorAt of ['const out =', 'const out2 =']) {
      await showGradients(doc, undefined, { cursorAt });
      const probe = await api.probePanel();
      const g = inputGrads(probe);
      close(g.w0, -0.19661193324148185, 1e-9);
      close(g.x0, 0.39322386648296376, 1e-9);
      close(g.w1, -0.39322386648296376, 1e-9);
      close(g.x1, -0.5898357997244457, 1e-9);
      close(g.w2, 0.19661193324148185, 1e-9);
      const report = api.current().report!;
      close(report.target.value as number, 0.7310585786300049, 1e-12);
    }
  });

  it('the 2-3-2 network: the panel and the host agree on every input gradient', async () => {
    const doc = await vscode.workspace.openTextDocument(examples('network.ts'));
    await showGradients(doc, undefined, { cursorAt: 'const loss' });
    const probe = await api.probePanel();
    const report = api.current().report!;
    close(report.target.value as number, 0.3259227885, 1e-9);
    assert.equal(probe.inputs.length, report.inputs.length);
    for (const inp of report.inputs) {
      const shown = probe.inputs.find((i) => i.name === inp.name)!;
      assert.equal(shown.grad, inp.grad, inp.name);
    }
    assert.ok(
      probe.nodes.some((n) => n.label === 'h1'),
      'named intermediate h1 is in the graph',
    );
  });

  it('uses the unsaved text of the document', async () => {
    const doc = await scratchDocument('const a = 3;\nconst b = a * a;\n');
    const editor = await showGradients(doc, 'a * a');
    assert.deepEqual(inputGrads(await api.probePanel()), { a: 6 });
    await editor.edit((e) => e.replace(new vscode.Range(0, 10, 0, 11), '5'));
    await showGradients(doc, 'a * a');
    assert.deepEqual(inputGrads(await api.probePanel()), { a: 10 });
  });

  it('free inputs get a default value, clearly marked, instead of an error', async () => {
    const doc = await scratchDocument('function f(a: number, b: number) {\n  return a * b + a;\n}\n');
    await showGradients(doc, undefined, { cursorAt: 'a * b' });
    const probe = await api.probePanel();
    assert.equal(probe.error, undefined);
    assert.deepEqual(inputGrads(probe), { a: 2, b: 1 }); // defaults a = b = 1
    assert.ok(api.current().report, 'evaluated with defaults');
  });

  it('editing the source marks the panel stale; Refresh recomputes from the new text; autoRefresh does it alone', async () => {
    const doc = await scratchDocument('const a = 3;\nconst y = a * a;\n');
    const editor = await showGradients(doc, 'a * a');
    assert.equal((await api.probePanel()).stale, false);
    await editor.edit((e) => e.replace(new vscode.Range(0, 10, 0, 11), '4'));
    const until = async (what: string, ok: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until('stale', async () => (await api.probePanel()).stale);
    assert.deepEqual(inputGrads(await api.probePanel()), { a: 6 }, 'stale numbers stay until Refresh');
    await vscode.commands.executeCommand('gradientLens.refresh');
    await until('refreshed', async () => {
      const p = await api.probePanel();
      return !p.stale && p.inputs[0]?.grad === 8;
    });

    // Lines inserted above move the declaration: Refresh finds it again by its name.
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// a comment that moves every offset\n\n'));
    await vscode.commands.executeCommand('gradientLens.refresh');
    await until('refreshed by name', async () => {
      const p = await api.probePanel();
      return !p.stale && p.title === 'y' && p.inputs[0]?.grad === 8;
    });

    const config = vscode.workspace.getConfiguration('gradientLens');
    await config.update('autoRefresh', true, vscode.ConfigurationTarget.Global);
    await config.update('autoRefreshDelay', 50, vscode.ConfigurationTarget.Global);
    try {
      const four = doc.positionAt(doc.getText().indexOf('a = 4') + 4);
      await editor.edit((e) => e.replace(new vscode.Range(four, four.translate(0, 1)), '5'));
      await until('auto-refreshed', async () => {
        const p = await api.probePanel();
        return !p.stale && p.inputs[0]?.grad === 10;
      });
    } finally {
      await config.update('autoRefresh', undefined, vscode.ConfigurationTarget.Global);
      await config.update('autoRefreshDelay', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  describe('bad input: the panel shows the message with line:column', () => {
    const cases: Array<[string, string, string, RegExp]> = [
      // Issue 10 changed what is refused: strings are inert values (never numbers), a use before
      // the declaration is JavaScript's ReferenceError, recursion runs until the call-depth budget,
      // an assignment inside an expression works, and an endless loop ends at the time budget.
      ['unsupported syntax', 'const f = Math.random() * 2;\n', 'Math.random() * 2', /Math\.random at 1:11/],
      ['string operand', 'const s = "abc";\nconst f = 2 * s;\n', '2 * s', /string is used .* "2 \* s" at 2:15/i],
      ['unknown name', 'const f = 2 * foo;\n', '2 * foo', /Unknown name 'foo' at 1:15/],
      ['unknown call', 'const a = 1;\nconst f = console.log(a) + 1;\n', 'console.log(a) + 1', /console\.log.* at 2:11/],
      [
        'use before declaration',
        'const a = b + 1;\nconst b = a * 2;\nconst f = a + 1;\n',
        'a + 1',
        /'b' is used before its declaration at 1:11/,
      ],
      [
        'endless recursion',
        'function r(x: number): number { return r(x) + 1; }\nconst f = r(2);\n',
        'r(2)',
        /Call depth exceeds \d+ in the call of 'r' at 1:40/,
      ],
      [
        'endless loop (time budget)',
        'let i = 0;\nwhile (true) {\n  i++;\n}\nconst f = i * 2;\n',
        'i * 2',
        /exceeds the (time|step) budget .* loop "while \(true\)" at 2:1/,
      ],
      ['no expression', '// nothing here\n', '// nothing', /No arithmetic expression.* at 1:1/],
    ];
    for (const [what, content, selection, message] of cases) {
      it(what, async () => {
        const doc = await scratchDocument(content);
        await showGradients(doc, selection);
        const { error, report } = api.current();
        assert.equal(report, undefined);
        assert.ok(error, 'no error reported');
        assert.match(error.message, message);
        const probe = await api.probePanel();
        assert.equal(probe.error, error.message, "the panel shows the engine's message");
      });
    }

    it('NaN/Infinity is a diagnostic, not an error', async () => {
      const doc = await scratchDocument('const x = 0;\nconst f = 2 * Math.log(x);\n');
      await showGradients(doc, '2 * Math.log(x)');
      const { report } = api.current();
      assert.ok(report);
      assert.equal(report.target.value, '-Infinity');
      const d = report.diagnostics.find((x) => x.code === 'non-finite')!;
      assert.match(d.message, /-Infinity first appears at Math\.log\(x\) \(2:15\)/);
      const probe = await api.probePanel();
      assert.ok(
        probe.nodes.some((n) => n.value === -Infinity),
        JSON.stringify(probe.nodes),
      );
    });
  });
});
