// Gradients at a breakpoint as a person does it: open examples/train-step.js, Debug: Toggle Breakpoint on a line of
// `loss`, start the JavaScript debugger (Run → Start Debugging, Node.js), and when it stops, Show
// gradients on `return e * e;` from the context menu. The panel beside the paused program says
// where the numbers come from and marks each input "debugger". Continue: the next stop refreshes.
// Screenshot: test-results/debug-paused.png (the README's docs/screenshot-debug.png).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = { theme: 'dark', width: 1500, height: 950 };

export default async function debugUi(d: VSCodeDriver): Promise<void> {
  const file = 'train-step.js';
  const lines = readFileSync(join(d.workspace, file), 'utf8').split('\n');
  const bpLine = lines.findIndex((l) => l.includes('const y = w0 * x + w1;')) + 1;
  const retLine = lines.findIndex((l) => l.includes('return e * e;')) + 1;
  assert.ok(bpLine > 0 && retLine > 0);

  await d.openFile(file);
  await d.goTo(bpLine, 3);
  await d.runCommand('Debug: Toggle Breakpoint');
  await d.page
    .locator('.editor-group-container.active .codicon-debug-breakpoint')
    .first()
    .waitFor({ state: 'attached', timeout: 10_000 });

  await d.runCommand('Debug: Start Debugging');
  // Without a launch.json VS Code asks which debugger: pick Node.js.
  const picked = await waitFor(
    'the debugger to start or ask which one',
    async () => {
      if (await d.page.locator('.debug-toolbar').isVisible()) return 'started';
      const row = d.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Node.js' }).first();
      if (await row.isVisible()) {
        await row.click();
        return 'picked';
      }
      return undefined;
    },
    30_000,
  );
  assert.ok(picked);
  // Paused: the top stack frame's line is highlighted in the editor.
  await d.page
    .locator('.editor-group-container .debug-top-stack-frame-line')
    .first()
    .waitFor({ state: 'attached', timeout: 60_000 });
  await sleep(500);

  // The Run and Debug view replaced the Explorer; the file is still the active editor.
  await d.goTo(retLine, 3);
  await d.contextMenu('Show gradients');
  const frame = await d.webviewFrame('.debug-banner[data-debug="live"]', 60_000);
  const banner = (await frame.locator('.debug-banner').textContent()) ?? '';
  assert.match(banner, new RegExp(`Values from the paused program at train-step\\.js:${bpLine}, frame loss`));
  const rows = await frame
    .locator('[data-input-name]')
    .evaluateAll((els) =>
      els.map((e) => [
        (e as HTMLElement).dataset.inputName!,
        Number((e as HTMLElement).dataset.value),
        (e as HTMLElement).querySelector<HTMLElement>('[data-source]')?.dataset.source ?? '',
      ]),
    );
  assert.deepEqual(
    Object.fromEntries(rows.map(([n, v]) => [n, v])),
    { w0: 0.3, w1: -0.2, x: 0.5, t: 1.7 },
    'the first stop in loss holds w = [0.3, -0.2], xs[0] = 0.5, ts[0] = 1.7',
  );
  assert.ok(
    rows.every(([, , s]) => s === 'debugger'),
    `every input is marked "debugger": ${JSON.stringify(rows)}`,
  );
  await sleep(600);
  await d.screenshot('debug-paused');

  // Continue to the next stop: the panel refreshes with the second example (x = -1.25, t = -0.9).
  await d.page.keyboard.press('F5');
  await waitFor(
    'the panel to show the second stop',
    async () => {
      const x = await frame.locator('[data-input-name="x"]').getAttribute('data-value');
      return Number(x) === -1.25 ? true : undefined;
    },
    60_000,
  );
  await d.runCommand('Debug: Stop');
}
