// Long runs in the real VS Code (issue 10's budgets): the program runs in slices, so the extension
// host stays responsive; a run longer than ~0.4 s shows a cancellable progress notification; Cancel
// (here the command, which does what the notification's Cancel does) ends the run with a
// "Cancelled: …" notice while the panel keeps the last numbers; a newer Show supersedes a running
// one; and with the default budget an endless loop still ends with the budget error.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GradientLensApi } from '../../src/extension';
import { scratchDocument } from './scratch';

const EXTENSION_ID = 'gradient-lens.gradient-lens';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Puts the cursor on `needle` and starts Show gradients; `shown` settles when the result is shown. */
async function startShow(doc: vscode.TextDocument, needle: string): Promise<{ shown: Thenable<unknown> }> {
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the document`);
  const p = doc.positionAt(offset + 1);
  editor.selection = new vscode.Selection(p, p);
  return { shown: vscode.commands.executeCommand('gradientLens.showGradients') };
}

async function showAt(doc: vscode.TextDocument, needle: string): Promise<void> {
  await (
    await startShow(doc, needle)
  ).shown;
}

// g = a·a before an endless loop (top-level statements run in order: g's run stops before it).
// The loop records no graph nodes (its condition is no number), so the tape does not grow while
// the test waits: the run is interpreter steps only.
const TEXT = 'const a = 3;\nconst g = a * a;\nlet i = 0;\nwhile (true) {\n  i;\n}\nconst f = i * 2;\n';

describe('long runs: progress and cancel', function () {
  this.timeout(120_000);
  let api: GradientLensApi;
  const config = () => vscode.workspace.getConfiguration('gradientLens');

  before(async () => {
    api = await vscode.extensions.getExtension<GradientLensApi>(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('gradientLens.cancelRun');
    await config().update('budget.maxMillis', undefined, vscode.ConfigurationTarget.Global);
    await config().update('budget.maxSteps', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gradientLens.clearGradients');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function raiseBudget(): Promise<void> {
    await config().update('budget.maxMillis', 600_000, vscode.ConfigurationTarget.Global);
    await config().update('budget.maxSteps', 1e15, vscode.ConfigurationTarget.Global);
  }

  it('a long loop shows progress, stays responsive, and Cancel keeps the last numbers', async () => {
    await raiseBudget();
    const doc = await scratchDocument(TEXT);
    await showAt(doc, 'a * a');
    assert.equal(Number(api.current().report?.target.value), 9);

    const t0 = Date.now();
    const long = (await startShow(doc, 'i * 2')).shown;
    const run = await until('the long run with its progress notification', () => {
      const r = api.running();
      return r && r.progressShown && r.steps > 0 ? r : undefined;
    });
    assert.match(run.what, /^running f \(line 7\)… [\d.]+[kMG]? steps, \d+\.\d s$/);
    // The extension host (where this test runs) gets its turn while the program runs: 20 timers
    // of 10 ms fire on time, give or take the slices (a few ms each; more on a loaded machine).
    const s0 = Date.now();
    for (let k = 0; k < 20; k++) await sleep(10);
    assert.ok(Date.now() - s0 < 20 * 10 + 4000, `20 timers of 10 ms took ${Date.now() - s0} ms`);
    assert.ok(api.running(), 'the run goes on');
    const later = await until('more steps', () => {
      const r = api.running();
      return r && r.steps > run.steps ? r : undefined;
    });
    assert.ok(later.millis >= run.millis);

    assert.equal(await vscode.commands.executeCommand('gradientLens.cancelRun'), true);
    await long;
    assert.ok(Date.now() - t0 < 60_000);
    assert.equal(api.running(), undefined);
    const cur = api.current();
    assert.equal(cur.error, undefined, 'a cancel is not an error');
    assert.match(
      cur.notice ?? '',
      /^Cancelled: the run of f \(line 7\) was stopped after \d+\.\d s \([\d.]+[kMG]? steps\)/,
    );
    assert.equal(Number(cur.report?.target.value), 9, 'the last numbers stay');
    // (A probe may go unanswered while the webview reloads on a loaded machine: ask again.)
    const after = await until(
      'the notice in the panel',
      async () => {
        const p = await api.probePanel(5000).catch(() => undefined);
        return p?.notice ? p : undefined;
      },
      60_000,
    );
    assert.equal(after.notice, cur.notice);
    assert.equal(after.error, undefined);
    assert.equal(after.title, 'g');
    assert.equal(after.inputs.find((i) => i.name === 'a')?.grad, 6);

    // It keeps working: the next Show runs and clears the notice.
    await showAt(doc, 'a * a');
    assert.equal(api.current().notice, undefined);
    assert.equal(Number(api.current().report?.target.value), 9);
    const fresh = await until(
      'the panel without the notice',
      async () => {
        const p = await api.probePanel(5000).catch(() => undefined);
        return p && p.notice === undefined && p.title === 'g' ? p : undefined;
      },
      60_000,
    );
    assert.equal(fresh.inputs.find((i) => i.name === 'a')?.grad, 6);
    assert.equal(await vscode.commands.executeCommand('gradientLens.cancelRun'), false, 'nothing runs');
  });

  it('a newer Show supersedes the running one, without a Cancelled notice', async () => {
    await raiseBudget();
    const doc = await scratchDocument(TEXT);
    const long = (await startShow(doc, 'i * 2')).shown;
    await until('the long run', () => {
      const r = api.running();
      return r && r.steps > 0 ? r : undefined;
    });
    await showAt(doc, 'a * a');
    await long; // the superseded run ended too
    assert.equal(api.running(), undefined);
    const cur = api.current();
    assert.equal(cur.notice, undefined);
    assert.equal(cur.error, undefined);
    assert.equal(Number(cur.report?.target.value), 9);
  });

  it('with the default budget, an endless loop still ends with the budget error naming it', async () => {
    const doc = await scratchDocument(TEXT);
    const t0 = Date.now();
    await showAt(doc, 'i * 2');
    const ms = Date.now() - t0;
    const { error, notice } = api.current();
    assert.equal(notice, undefined);
    assert.ok(error, 'no error reported');
    assert.match(error.message, /exceeds the (time|step) budget .* loop "while \(true\)" at 4:1/);
    assert.ok(ms < 4000, `took ${ms} ms`);
    assert.equal(api.running(), undefined);
  });
});
