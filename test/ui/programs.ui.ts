// Issue 10 in the real VS Code: a program with a for loop over arrays (examples/mse-loop.ts) in
// the panel: every array element is an input with its gradient (checked against hand-derived
// formulas), the graph renders, and the inline values show `loss` once, after the last
// iteration. Screenshots in dark, light and high contrast: test-results/programs-mse-*.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = {
  theme: 'dark',
  width: 1500,
  height: 950,
  // A wide editor's inline.maxColumn: the array lines' full forms are checked here (the shortening
  // for a half-width editor, the default, is inline.ui.ts's).
  settings: { 'editor.minimap.enabled': false, 'gradientLens.inline.maxColumn': 120 },
};

export default async function programs(d: VSCodeDriver): Promise<void> {
  const file = 'mse-loop.ts';
  await d.openFile(file);
  const src = readFileSync(join(d.workspace, file), 'utf8');
  const lines = src.split('\n');
  const mseLine = lines.findIndex((l) => l.startsWith('const mse ')) + 1;
  assert.ok(mseLine > 0);
  await d.goTo(mseLine, 14);
  await d.runCommand('Gradient Lens: Show gradients');
  const frame = await d.webviewFrame('[data-edit-input]', 30_000);
  // A program with arrays opens in the Arrays view (main's vector view); the scalar graph is one click away.
  const scalars = frame.locator('[data-action="scalar-view"]');
  if (await scalars.count()) {
    await sleep(300);
    await d.screenshot('programs-mse-arrays-dark');
    await scalars.click();
  }
  await frame.locator('.gnode').first().waitFor({ state: 'visible', timeout: 30_000 });

  // Hand-derived: mse = (1/n) Σ r_i², r_i = w0·x_i + w1 − y_i (data as in the file).
  const xs = [1, 2, 3, 4];
  const ys = [2, 4.5, 5.5, 9];
  const w = [0.5, 0.1];
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

  // Every input has a row in the inputs table, and its graph node carries the gradient.
  const rows = await frame
    .locator('[data-edit-input]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-edit-input')));
  assert.deepEqual([...rows].sort(), Object.keys(expected).sort(), `input rows: ${rows.join(', ')}`);
  const grads = await frame
    .locator('.gnode')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-grad'))] as [string, number]),
    );
  for (const [name, g] of Object.entries(expected)) {
    const node = grads.find(([label]) => label === name);
    assert.ok(node, `no graph node labelled ${name}`);
    assert.ok(Math.abs(node[1] - g) <= 1e-9 * Math.max(1, Math.abs(g)), `∂mse/∂${name}: ${node[1]}, expected ${g}`);
  }

  // Inline: `loss` once on the loop line (its last value, 76.34), the elements on their lines.
  await d.runCommand('View: Focus First Editor Group');
  const inlineText = async () =>
    d.page
      .locator('.monaco-editor[data-uri$="/mse-loop.ts"]')
      .first()
      .locator('.view-lines')
      .evaluate((el) => {
        const parts: string[] = [];
        for (const s of Array.from(el.querySelectorAll('span'))) {
          const after = getComputedStyle(s, '::after').content;
          if (after && after !== 'none' && after !== 'normal') parts.push(after.replace(/^"|"$/g, ''));
        }
        return parts.join('|').replace(/\u00a0/g, ' ');
      });
  const text = await waitFor('inline values', async () => {
    const t = await inlineText();
    return t.includes('loss = 76.34') ? t : undefined;
  });
  assert.equal(text.match(/(^|\|)loss = /g)?.length, 2, `loss on its declaration and once on the loop line: ${text}`);
  // Array lines show shape and first values (3 digits): ∂mse/∂w = [−23.75, −7.8].
  assert.match(text, /∂mse\/∂w = \[−23\.[78], −7\.8\]/);
  assert.match(text, /∂mse\/∂ys = \[0\.7, 1\.7, 1\.95, …\]/);

  await sleep(300);
  await d.screenshot('programs-mse-dark');
  await d.setTheme('light');
  await sleep(500);
  await d.screenshot('programs-mse-light');
  await d.setTheme('high-contrast');
  await sleep(500);
  await d.screenshot('programs-mse-hc');
}
