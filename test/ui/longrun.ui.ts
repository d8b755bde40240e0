// A long run as a person meets it (issue 10's budgets): with a raised time budget, Show gradients
// on a target after an endless loop shows VS Code's progress notification ("Gradient Lens:
// running zz (line …)… steps"); clicking its Cancel stops the run, and the panel keeps the numbers
// it showed (`f` of simple.ts) under the note "Cancelled: …". Screenshots:
// test-results/longrun-progress.png, longrun-cancelled.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = {
  theme: 'dark',
  width: 1500,
  height: 950,
  settings: {
    'editor.minimap.enabled': false,
    'gradientLens.budget.maxMillis': 600000,
    'gradientLens.budget.maxSteps': 1e15,
  },
};

export default async function longRun(d: VSCodeDriver): Promise<void> {
  await d.openFile('simple.ts');
  const src = readFileSync(join(d.workspace, 'simple.ts'), 'utf8');
  const lines = src.split('\n');
  // First a result in the panel: `f` of simple.ts.
  const fLine = lines.findIndex((l) => /^const f\b/.test(l)) + 1;
  assert.ok(fLine > 0, 'simple.ts declares f');
  await d.goTo(fLine, 7);
  await d.runCommand('Gradient Lens: Show gradients');
  const frame = await d.webviewFrame('[data-edit-input]', 30_000);
  const title = async () => (await frame.locator('.target-name').first().textContent())?.trim();
  assert.equal(await title(), 'f');

  // An endless loop typed at the end (inserted as text: no auto-closed braces), then its target.
  await d.focusEditor();
  await d.page.keyboard.press('Control+End');
  await d.page.keyboard.insertText('\nlet zi = 0;\nwhile (true) {\n  zi;\n}\nconst zz = zi * 2;\n');
  const zzLine = src.split('\n').length + 5; // the typed `const zz` line (the file's text ends with \n)
  await d.goTo(zzLine, 7);
  await d.runCommand('Gradient Lens: Show gradients');

  const toast = d.page.locator('.notifications-toasts .notification-list-item', { hasText: /running zz \(line/ });
  await toast.waitFor({ state: 'visible', timeout: 20_000 });
  const text = await waitFor('the step count in the notification', async () => {
    const t = (await toast.innerText()).replace(/\s+/g, ' ');
    return /running zz \(line \d+\)… [\d.]+[kMG]? steps/.test(t) ? t : undefined;
  });
  assert.match(text, /Gradient Lens/);
  await d.screenshot('longrun-progress');

  await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
  const notice = await waitFor('the Cancelled note in the panel', async () => {
    const t = await frame.locator('.run-notice').first().textContent({ timeout: 1000 });
    return t && t.startsWith('Cancelled:') ? t : undefined;
  });
  assert.match(notice, /^Cancelled: the run of zz \(line \d+\) was stopped after \d+\.\d s \([\d.]+[kMG]? steps\)/);
  // The last numbers stay: still f, no error view.
  assert.equal(await title(), 'f');
  assert.equal(await frame.locator('.error-message').count(), 0);
  await waitFor('the notification to go', async () => (await toast.count()) === 0 || !(await toast.isVisible()));
  await sleep(300);
  await d.screenshot('longrun-cancelled');

  // Leave simple.ts as it was (never saved anyway).
  await d.focusEditor();
  await d.page.keyboard.press('Control+Z');
}
