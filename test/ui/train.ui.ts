// Train in the real VS Code: Show gradients on `loss` in examples/network.ts, train 60 steps,
// see the loss curve fall, Apply to source (one edit: the const literals change), Undo restores.
// Screenshots: test-results/train-dark.png, train-light.png, train-applied.png.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = { theme: 'dark', width: 1500, height: 1000 };

/** The visible text of network.ts's editor (whichever group is active), lines in screen order. */
async function editorText(d: VSCodeDriver): Promise<string> {
  type Line = { style: { top: string }; textContent: string | null };
  return d.page
    .locator('.monaco-editor[data-uri$="/network.ts"] .view-lines')
    .first()
    .evaluate((el) =>
      ([...el.querySelectorAll('.view-line')] as unknown as Line[])
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

async function showTrain(d: VSCodeDriver): Promise<void> {
  const frame = await d.webviewFrame('section.train');
  await frame.locator('section.train').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await sleep(200);
}

export default async function train(d: VSCodeDriver): Promise<void> {
  const file = 'network.ts';
  const onDisk = readFileSync(join(d.workspace, file), 'utf8');
  await d.openFile(file);
  // cursor on the name of `const loss = ...`
  const lines = onDisk.split('\n');
  const line = lines.findIndex((l) => l.startsWith('const loss')) + 1;
  await d.goTo(line, 7);
  for (let k = 0; k < 4; k++) await d.page.keyboard.press('Shift+ArrowRight');
  await d.runCommand('Gradient Lens: Show gradients');

  const frame = await d.webviewFrame('section.train', 30_000);
  const section = frame.locator('section.train');
  await section.scrollIntoViewIfNeeded();
  const initialLoss = Number(await section.getAttribute('data-loss'));
  assert.ok(initialLoss > 0.3 && initialLoss < 0.33, `initial loss ${initialLoss}`);
  // pre-marking: x1, x2, t1, t2 unticked, weights ticked
  assert.equal(await frame.locator('[data-train-param="x1"]').getAttribute('aria-checked'), 'false');
  assert.equal(await frame.locator('[data-train-param="u11"]').getAttribute('aria-checked'), 'true');

  // η = 0.5, 60 steps
  const steps = frame.locator('[data-train="steps"] input');
  await steps.fill('60');
  await steps.press('Enter');
  const lr = frame.locator('[data-train="lr"] input');
  await lr.fill('0.5');
  await lr.press('Enter');
  await frame.locator('[data-action="train-run"]').click();
  await waitFor(
    'training to finish',
    async () => (await frame.locator('section.train[data-state="done"]').count()) > 0,
  );

  const done = frame.locator('section.train');
  assert.equal(await done.getAttribute('data-step'), '60');
  const finalLoss = Number(await done.getAttribute('data-loss'));
  assert.ok(finalLoss < initialLoss / 3, `loss ${initialLoss} → ${finalLoss}`);
  const path = await frame.locator('[data-train="loss-path"]').getAttribute('d');
  assert.ok(path && path.split('L').length >= 60, `loss path: ${path?.slice(0, 80)}`);
  const lossText = await frame.locator('[data-train="loss"]').innerText();
  assert.match(lossText, /loss = 0\.0\d/);
  assert.equal(await frame.locator('[data-train-traj]').count(), 17);
  // the update rule shows numbers that satisfy it
  const rule = frame.locator('[data-train="rule"]');
  const [u, g, after] = await Promise.all(
    ['data-before', 'data-grad', 'data-after'].map(async (a) => Number(await rule.getAttribute(a))),
  );
  assert.ok(Math.abs(u - 0.5 * g - after) < 1e-12, `${u} − 0.5 × ${g} ≠ ${after}`);
  // the panel (header) now shows the trained loss
  assert.equal(Number(await frame.locator('.target-value').getAttribute('data-value')), finalLoss);

  await showTrain(d);
  console.log(`    loss ${initialLoss} → ${finalLoss}; screenshot ${await d.screenshot('train-dark')}`);
  await d.setTheme('light');
  await showTrain(d);
  console.log(`    screenshot ${await d.screenshot('train-light')}`);

  // Apply to source
  const before = await editorText(d);
  assert.match(before, /const w11 = 0\.1, w12 = -0\.4, w13 = 0\.7;/);
  await frame.locator('[data-action="train-apply"]').click();
  const after1 = await waitFor('the source to change', async () => {
    const t = await editorText(d);
    return t !== before ? t : undefined;
  });
  const w = /const w11 = (-?[\d.e-]+), w12 = (-?[\d.e-]+), w13 = (-?[\d.e-]+);/.exec(after1);
  assert.ok(w, `w1 line not found in\n${after1}`);
  assert.notEqual(w[1], '0.1');
  assert.match(after1, /const x2 = -1\.2;/); // data untouched
  assert.match(after1, /const t1 = 1;/); // targets untouched
  assert.match(after1, /\/\/ hidden layer: h = σ\(x·w \+ b1\)/); // comments untouched
  // the panel refreshed from the new source: same loss, not stale
  await waitFor('the panel to refresh', async () => {
    const fr = await d.webviewFrame('section.train');
    const v = Number(await fr.locator('.target-value').getAttribute('data-value'));
    return Math.abs(v - finalLoss) < 1e-7 && (await fr.locator('.stale-banner').count()) === 0;
  });
  await d.setTheme('dark');
  await showTrain(d);
  console.log(`    applied: w11 = ${w[1]}; screenshot ${await d.screenshot('train-applied')}`);

  // one undo restores every literal
  await d.page.locator('.tabs-container .tab', { hasText: 'network.ts' }).first().click();
  await d.page.locator('.monaco-editor[data-uri$="/network.ts"] textarea').first().focus();
  await d.page.keyboard.press('Control+Z');
  await waitFor('undo to restore the source', async () => (await editorText(d)) === before);
  assert.equal(readFileSync(join(d.workspace, file), 'utf8'), onDisk, 'the file on disk must not have been saved');

  // A target of literals only: nothing to train, and the panel says why instead of a Train button
  // that fails when pressed.
  // (A file of its own in the examples workspace, removed again.)
  const literals = join(d.workspace, 'literals.ts');
  writeFileSync(literals, 'const area = 2 * 3.5 + 1;\n');
  try {
    await d.openFile('literals.ts');
    await d.goTo(1, 8);
    await d.runCommand('Gradient Lens: Show gradients');
    const lit = await d.webviewFrame('[data-train="nothing"]', 30_000);
    assert.match(
      (await lit.locator('[data-train="nothing"]').textContent()) ?? '',
      /Nothing to train: area has no inputs/,
    );
    assert.equal(await lit.locator('[data-action="train-run"]').getAttribute('disabled'), '');
    assert.equal(await lit.locator('.train-params').count(), 0, 'no parameter list without inputs');
    await showTrain(d);
    console.log(`    nothing to train: screenshot ${await d.screenshot('train-nothing')}`);
  } finally {
    rmSync(literals, { force: true });
  }
}
