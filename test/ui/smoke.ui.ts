// Smoke UI test: the workbench comes up with the extension under development, a file from
// examples/ opens from the Explorer, text selection + editor context menu + live theme switch work,
// and screenshots are saved for a reviewer (test-results/smoke-workbench*.png).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverOptions, VSCodeDriver } from './driver';

export const options: DriverOptions = { theme: 'dark' };

export default async function smoke(d: VSCodeDriver): Promise<void> {
  const file = readdirSync(d.workspace)
    .filter((f) => /\.ts$/.test(f))
    .sort()[0];
  assert.ok(file, 'examples/ has no .ts file to open');
  await d.openFile(file);
  assert.equal(await d.activeFileRelPath(), file);
  assert.ok(await d.page.locator('.monaco-workbench.vs-dark').count(), 'dark theme applied');

  // Select the first `const` and use a built-in editor context-menu item on it.
  if (readFileSync(join(d.workspace, file), 'utf8').includes('const')) {
    await d.selectText('const');
    assert.ok(await d.editor().locator('.view-overlays .selected-text').count(), 'text is selected');
    await d.contextMenu('Change All Occurrences');
    await d.page.keyboard.press('Escape');
  }
  const png = await d.screenshot('smoke-workbench');

  await d.setTheme('light');
  const light = await d.screenshot('smoke-workbench-light');
  console.log(`    opened ${file}; screenshots ${png}, ${light}`);
}
