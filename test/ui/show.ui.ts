// Show gradients as a person uses it: open an example, select an expression, right-click,
// choose "Show gradients", read the numbers from the webview's DOM. Then the sigmoid neuron with
// the cursor only, and a bad input whose notification offers to reveal the spot.
// Screenshots: test-results/show-simple.png, show-neuron.png, show-error.png.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { type DriverOptions, type VSCodeDriver, sleep } from './driver';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../vscode/codeServer';

export const options: DriverOptions = { theme: 'dark', width: 1500, height: 950 };

/** data-input-name → data-grad of the inputs table, once it shows `expectNames`. */
async function inputGrads(frame: Frame, expectNames: string[], timeout = 20_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await frame
      .locator('[data-input-name]')
      .evaluateAll((els) =>
        els.map((e) => [(e as HTMLElement).dataset.inputName!, Number((e as HTMLElement).dataset.grad)] as const),
      );
    const grads = Object.fromEntries(rows);
    if (expectNames.every((n) => n in grads) && rows.length === expectNames.length) return grads;
    if (Date.now() > deadline) throw new Error(`inputs table shows ${JSON.stringify(grads)}, expected ${expectNames}`);
    await sleep(200);
  }
}

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

export default async function show(d: VSCodeDriver): Promise<void> {
  // 1. (x + y) * z: select, right-click, Show gradients.
  await d.openFile('simple.ts');
  await d.selectText('(x + y) * z');
  await d.contextMenu('Show gradients');
  const frame = await d.webviewFrame('[data-input-name="z"]');
  assert.deepEqual(await inputGrads(frame, ['x', 'y', 'z']), { x: -4, y: -4, z: 3 });
  const root = frame.locator('[data-node-id][data-value="-12"]').first();
  await root.waitFor({ state: 'attached' });
  assert.equal(await root.getAttribute('data-grad'), '1');
  assert.match((await root.getAttribute('aria-label')) ?? '', /-12/);
  assert.equal(await frame.locator('.target-value').getAttribute('data-value'), '-12');
  // The panel is a tab in the editor group beside the source.
  const groups = d.page.locator('.editor-group-container');
  assert.ok((await groups.count()) >= 2, 'the panel opened beside the editor');
  assert.ok(await d.page.locator('.tab', { hasText: 'Gradients' }).count(), 'a Gradients tab exists');
  await sleep(400);
  await d.screenshot('show-simple');

  // 2. The sigmoid neuron with the cursor on the line (no selection): the seed's gradients.
  await d.openFile('neuron.ts');
  await d.selectText('const out =');
  await d.page.keyboard.press('ArrowRight'); // collapse the selection: cursor only
  await sleep(200);
  await d.contextMenu('Show gradients');
  const g = await inputGrads(frame, ['w0', 'x0', 'w1', 'x1', 'w2'], 30_000);
  close(g.w0, -0.19661193324148185);
  close(g.x0, 0.39322386648296376);
  close(g.w1, -0.39322386648296376);
  close(g.x1, -0.5898357997244457);
  close(g.w2, 0.19661193324148185);
  await sleep(400);
  await d.screenshot('show-neuron');

  // 3. Bad input: an unknown name. The panel names it with line:column; a notification offers Reveal.
  await d.openFile('simple.ts');
  await d.focusEditor();
  await d.page.keyboard.press('Control+End');
  await d.page.keyboard.type('\nconst g = x * foo;');
  await d.selectText('x * foo', undefined, 1).catch(async () => {
    // the typed line is not on disk: select it with the keyboard instead
    await d.page.keyboard.press('Home');
    await d.page.keyboard.press('Shift+End');
  });
  await d.contextMenu('Show gradients');
  const message = await (await d.webviewLocator('.error-message')).textContent();
  // The typed line follows the file's last line (simple.ts ends with `export {};` since the examples are modules).
  const typedLine = readFileSync(join(repoRoot(), 'examples', 'simple.ts'), 'utf8').split('\n').length + 1;
  assert.match(message ?? '', new RegExp(`Unknown name 'foo' at ${typedLine}:15`));
  const toast = d.page.locator('.notifications-toasts .notification-list-item', { hasText: "Unknown name 'foo'" });
  await toast.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok(await toast.locator('.monaco-button', { hasText: 'Reveal' }).count(), 'the notification offers Reveal');
  await sleep(300);
  await d.screenshot('show-error');
  await toast.locator('.monaco-button', { hasText: 'Reveal' }).click();
  // Nothing is lost: undo the typing so the example file is unchanged on disk (never saved anyway).
  await d.focusEditor();
  await d.page.keyboard.press('Control+Z');
}
