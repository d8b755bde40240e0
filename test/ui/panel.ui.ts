// The gradient panel in the real VS Code: the graph of f = (x + y) * z, the backward stepper,
// editing an input, hover → source highlight, SVG export through the save dialog, the
// panel restored after "Developer: Reload Window"; the folded σ network (opened readable,
// expanded and folded by mouse and keyboard) in dark, light and high-contrast themes
// (screenshots in test-results/panel-*-{dark,light,hc}.png).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = { theme: 'dark', width: 1500, height: 950 };

/** Puts the cursor on `const NAME` in FILE and runs Show gradients. */
async function showGradients(d: VSCodeDriver, file: string, name: string, ready = '.gnode'): Promise<Frame> {
  // Open the file in the first group (clicking in the panel made its group the active one).
  await d.runCommand('View: Focus First Editor Group');
  await d.openFile(file);
  const lines = readFileSync(join(d.workspace, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith(`const ${name} `)) + 1;
  assert.ok(line > 0, `const ${name} in ${file}`);
  await d.goTo(line, 7);
  await d.runCommand('Gradient Lens: Show gradients');
  const frame = await d.webviewFrame(ready, 30_000);
  await frame.locator(ready).first().waitFor({ state: 'visible' });
  await sleep(300);
  return frame;
}

async function nodeGrads(frame: Frame): Promise<Record<string, number>> {
  return frame
    .locator('.gnode')
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-grad'))])),
    );
}

/** The graph's current zoom (the view's probe data, kept on the element for tests). */
async function graphView(frame: Frame): Promise<{ x: number; y: number; k: number }> {
  return JSON.parse((await frame.locator('.graph').getAttribute('data-view')) ?? '{"x":0,"y":0,"k":0}');
}

async function panelFrame(d: VSCodeDriver): Promise<Frame> {
  return d.webviewFrame('.gnode', 30_000);
}

export default async function panel(d: VSCodeDriver): Promise<void> {
  // ---- 1. the graph of f = (x + y) * z ----
  let frame = await showGradients(d, 'simple.ts', 'f');
  const grads = await nodeGrads(frame);
  assert.equal(grads.x, -4);
  assert.equal(grads.y, -4);
  assert.equal(grads.z, 3);
  assert.ok(await frame.locator('.gnode.root[data-label="f"]').count(), 'the output is marked');
  const aria = await frame.locator('.gnode[data-label="z"]').getAttribute('aria-label');
  assert.match(aria ?? '', /z \(input\): value -4, gradient 3/);
  await d.screenshot('panel-simple-dark');

  // ---- 2. the backward stepper walks the gates in reverse topological order ----
  await frame.locator('[data-action="step"]').click();
  await waitFor('step 1', async () => (await frame.locator('.step-text').innerText()).includes('Step 1 of 2'));
  let text = await frame.locator('.step-text').innerText();
  assert.match(text, /mul switches/);
  assert.match(text, /upstream 1 × local \(−4\)/);
  assert.equal(await frame.locator('.gnode.current').getAttribute('data-label'), 'f');
  assert.ok(await frame.locator('.gnode.pending[data-label="x"]').count(), 'x is pending before its gate is walked');
  await frame.locator('[data-action="step"]').click();
  await waitFor('step 2', async () => (await frame.locator('.step-text').innerText()).includes('Step 2 of 2'));
  text = await frame.locator('.step-text').innerText();
  assert.match(text, /add distributes/);
  assert.match(text, /grad\(x\) = −4/);
  assert.equal(await frame.locator('.gnode.pending').count(), 0);
  await d.screenshot('panel-stepper-dark');
  await frame.locator('[data-action="reset"]').click();
  await waitFor('reset', async () => (await frame.locator('.gnode.current').count()) === 0);

  // ---- 3. editing an input recomputes and repaints in place ----
  const before = await frame.locator('.gnode[data-label="z"]').elementHandle();
  const field = frame.locator('[data-edit-input="x"] input');
  await field.fill('3');
  await field.press('Enter');
  await waitFor(
    'z gradient after x = 3',
    async () => (await frame.locator('.gnode[data-label="z"]').getAttribute('data-grad')) === '8',
  );
  assert.equal(await frame.locator('.gnode[data-label="x"]').getAttribute('data-value'), '3');
  const sameElement = await frame.locator('.gnode[data-label="z"]').evaluate((e, old) => e === old, before);
  assert.ok(sameElement, 'the node element is updated in place, not re-created');
  const updateMs = await frame.evaluate(() => (window as unknown as { __glTimings?: unknown }).__glTimings);
  void updateMs;

  // ---- 4. hover a node → its source range is highlighted in the editor ----
  const decorations = () =>
    d.page.locator('.monaco-editor[data-uri$="/simple.ts"] .view-overlays [class*="ced-"]').count();
  const n0 = await decorations();
  await frame.locator('.gnode[data-label="z"]').hover();
  await waitFor('editor highlight', async () => (await decorations()) > n0);
  await frame.locator('.graph-viewport').hover({ position: { x: 5, y: 5 } });

  // ---- 5. export SVG through VS Code's save dialog (a quick input in the browser) ----
  const out = join(d.workspace, 'f.gradients.svg');
  rmSync(out, { force: true });
  await frame.locator('[data-export="svg"]').click();
  const input = d.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The simple file dialog fills in its default path asynchronously; typing before that merges the two.
  await waitFor("the save dialog's default path", async () => (await input.inputValue()).endsWith('.svg'), 15_000);
  await waitFor(
    'our path in the save dialog',
    async () => {
      await input.fill(out);
      await sleep(300);
      return (await input.inputValue()) === out;
    },
    15_000,
  );
  await input.press('Enter');
  const svgText = await waitFor('exported SVG', async () => existsSync(out) && readFileSync(out, 'utf8'), 20_000);
  try {
    assert.match(svgText, /^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svgText, /<\/svg>\s*$/);
    assert.ok(!/var\(--/.test(svgText), 'colours are inlined (no theme variables left)');
    assert.ok(/data-node-id="\d+"/.test(svgText) && svgText.includes('∇'), 'the nodes with their gradients');
  } finally {
    rmSync(out, { force: true });
  }

  // ---- 7. the network with folded σ helpers, in three themes ----
  frame = await showGradients(d, 'network.ts', 'loss', '.gnode.kind-folded');
  const sigmas = await frame.locator('.gnode.kind-folded').count();
  assert.equal(sigmas, 5, 'five σ calls folded');
  assert.ok(await frame.locator('.gnode.kind-folded[data-label="h1"]').count(), 'h1 shows its name');
  // Too big to fit readably in the panel: it opens on the output at a readable scale.
  const opened = await graphView(frame);
  assert.ok(opened.k >= 0.5, `opens readable (scale ${opened.k})`);
  await d.screenshot('panel-network-dark');
  await frame.locator('[data-action="fit"]').click();
  await sleep(300);
  await d.screenshot('panel-network-fit-dark');
  // Expand h1's σ the way a user does: bring the node into view (keyboard focus selects it and
  // zooms to a readable scale), then click its ⊕; fold it back with the group's ⊖ fold.
  const h1 = frame.locator('.gnode.kind-folded[data-label="h1"]');
  await h1.focus();
  await waitFor(
    'h1 selected and readable',
    async () => (await h1.getAttribute('class'))?.includes('selected') && (await graphView(frame)).k >= 0.5,
  );
  await sleep(200);
  await h1.locator('.expand').click();
  await waitFor('expanded σ', async () => (await frame.locator('.frame-group').count()) === 1);
  await sleep(300);
  assert.equal(await frame.locator('.gnode.kind-folded').count(), 4);
  await d.screenshot('panel-network-expanded-dark');
  await frame.locator('.frame-label').click();
  await waitFor('folded again', async () => (await frame.locator('.gnode.kind-folded').count()) === 5);
  // The keyboard does it too: E on a focused folded node.
  await h1.focus();
  await h1.press('e');
  await waitFor('expanded by E', async () => (await frame.locator('.frame-group').count()) === 1);
  await frame.locator('.frame-label').focus();
  await frame.locator('.frame-label').press('Enter');
  await waitFor('folded by Enter', async () => (await frame.locator('.gnode.kind-folded').count()) === 5);

  for (const [theme, tag] of [
    ['light', 'light'],
    ['high-contrast', 'hc'],
  ] as const) {
    await d.setTheme(theme);
    d.theme = theme; // the reload below waits for the current theme
    await frame.locator('[data-action="reset"]').click();
    await sleep(200);
    await d.screenshot(`panel-network-${tag}`);
    for (let i = 0; i < 3; i++) await frame.locator('[data-action="step"]').click();
    await waitFor('step 3', async () => (await frame.locator('.step-text').innerText()).includes('Step 3 of'));
    await sleep(200);
    await d.screenshot(`panel-stepper-${tag}`);
    await frame.locator('[data-action="reset"]').click();
  }
  const probe = await frame.evaluate(() => document.querySelectorAll('[data-node-id]').length);
  assert.ok(probe > 10);

  // ---- 6. the panel is restored after a reload, with the same numbers ----
  frame = await showGradients(d, 'simple.ts', 'f', '.gnode.root[data-label="f"]');
  await frame.locator('[data-action="step"]').click();
  await frame.locator('[data-action="step"]').click();
  await waitFor('simple step 2', async () => (await frame.locator('.step-text').innerText()).includes('Step 2 of 2'));
  await sleep(200);
  await d.screenshot('panel-simple-stepper-hc');
  await frame.locator('[data-action="reset"]').click();
  const gradsBefore = await nodeGrads(frame);
  await d.runCommand('Developer: Reload Window');
  await sleep(1500);
  await d.waitForWorkbench();
  frame = await panelFrame(d);
  await waitFor(
    'restored numbers',
    async () => JSON.stringify(await nodeGrads(frame)) === JSON.stringify(gradsBefore),
    30_000,
  );
  assert.equal(await frame.locator('.target-name').innerText(), 'f');
  await d.screenshot('panel-reloaded-hc');
}
