// The vector view in the real VS Code: Show gradients on examples/two-layer-relu.ts opens the
// array view (W1 3×2, W2 1×3 ... with their gradient matrices, numbers read from the DOM and
// compared with PyTorch's fixture), an edge opens its Jacobian, and on examples/minibatch.ts the
// sample slider changes the per-sample numbers. The leaky ReLU and ELU layers are nodes of their own
// with a diagonal ∂h/∂z, and softmax's p shows whole (∂L/∂p = 0 off the label). Screenshots:
// test-results/vector-*.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = { theme: 'dark', width: 1500, height: 950 };

const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '..', 'unit', 'fixtures', 'vector-jacobians.json'), 'utf8'),
) as { cases: Record<string, { grads: Record<string, unknown>; perSample?: { w: number[][] } }> };

async function showGradients(d: VSCodeDriver, file: string, name: string): Promise<Frame> {
  await d.runCommand('View: Focus First Editor Group');
  await d.openFile(file);
  const lines = readFileSync(join(d.workspace, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith(`const ${name} `)) + 1;
  assert.ok(line > 0, `const ${name} in ${file}`);
  await d.goTo(line, 7);
  await d.runCommand('Gradient Lens: Show gradients');
  const frame = await d.webviewFrame('.vnode', 30_000);
  await frame.locator('.vnode').first().waitFor({ state: 'visible' });
  await sleep(300);
  return frame;
}

/** The numbers of a card's matrix (`value` or `∂L/∂…`), row-major, from the cells' data-v. */
async function cells(frame: Frame, label: string, which: 0 | 1): Promise<number[]> {
  return frame
    .locator(`[data-group-label="${label}"] .vnode-body figure`)
    .nth(which)
    .locator('td[data-v]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
}

const close = (a: number[], b: number[], what: string) => {
  assert.equal(a.length, b.length, `${what}: ${a.length} ≠ ${b.length} numbers`);
  a.forEach((x, i) =>
    assert.ok(Math.abs(x - b[i]) <= 1e-12 * Math.max(1, Math.abs(b[i])), `${what}[${i}] ${x} ≉ ${b[i]}`),
  );
};

export default async function vector(d: VSCodeDriver): Promise<void> {
  let frame = await showGradients(d, 'two-layer-relu.ts', 'f');
  const shapes = await frame
    .locator('[data-group-label]')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-group-label')} ${e.getAttribute('data-shape')}`));
  console.log(`    groups: ${shapes.join(', ')}`);
  for (const s of ['W1 3×2', 'W2 1×3', 'x 2', 'z 3', 'h 3']) assert.ok(shapes.includes(s), `no ${s} in ${shapes}`);
  const torch = FIXTURE.cases.two_layer.grads;
  for (const label of ['W1', 'W2', 'z', 'h']) {
    close(await cells(frame, label, 1), [torch[label]].flat(3) as number[], `∂f/∂${label}`);
  }
  await d.screenshot('vector-two-layer-dark');
  // Readable beside the editor: the numbers are drawn at ≥ 10 px (font size × the fit-to-width
  // zoom; side by side the 2-layer net was shrunk to 7.7 px), a matrix's gradient sits under its
  // values, and the legend says what L is.
  const look = await frame.evaluate(() => {
    const box = document.querySelector<HTMLElement>('.vgraph-box')!;
    const td = document.querySelector<HTMLElement>('[data-group-label="W1"] .vmat td[data-v]')!;
    const [value, grad] = [...document.querySelectorAll('[data-group-label="W1"] .vnode-body figure')].map((f) =>
      f.getBoundingClientRect(),
    );
    return {
      px: parseFloat(getComputedStyle(td).fontSize) * Number(box.dataset.zoom ?? 1),
      below: grad.top >= value.bottom - 1,
      fits: box.scrollWidth <= box.clientWidth + 1,
      legend: document.querySelector('[data-legend]')?.textContent ?? '',
    };
  });
  assert.ok(look.px >= 10, `matrix numbers drawn at ${look.px.toFixed(1)} px`);
  assert.ok(look.below && look.fits, JSON.stringify(look));
  assert.match(look.legend, /L = f; ∂L\/∂X has the shape of X/);
  // Step back from the output (y, then W2 and h) to z, whose line names upstream × local.
  let stepLine = '';
  for (let i = 0; i < 6 && !stepLine.startsWith('∂L/∂z '); i++) {
    await frame.locator('[data-action="vstep"]').click();
    stepLine = (await frame.locator('[data-step-text]').textContent()) ?? '';
  }
  assert.match(
    stepLine,
    /^∂L\/∂z \(3, same shape as z\) comes back from h .* Upstream ∂L\/∂h × local ∂h\/∂z/,
    stepLine,
  );
  await d.screenshot('vector-two-layer-step-dark');
  await frame.locator('[data-action="vreset"]').click();
  // An edge: z → h, the ReLU's Jacobian, a diagonal 0/1 mask.
  await frame.locator('.vedges-details summary').click();
  await frame.locator('[data-action="select-edge"]', { hasText: 'z → h' }).click();
  await waitFor('Jacobian', async () => (await frame.locator('[data-sparsity]').count()) > 0);
  assert.equal(await frame.locator('[data-sparsity]').getAttribute('data-sparsity'), 'diagonal');
  const J = await frame
    .locator('[data-jacobian-matrix] td[data-v]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
  assert.deepEqual(J, [1, 0, 0, 0, 0, 0, 0, 0, 1]);
  // The heading says what the rows and columns are (it said "(3 by 3)").
  assert.match(
    (await frame.locator('[data-jacobian-axes]').textContent()) ?? '',
    /a row per element of h 3, a column per element of z 3/,
  );
  await sleep(200);
  await d.screenshot('vector-two-layer-jacobian-dark');
  await d.setTheme('light');
  await sleep(500);
  await d.screenshot('vector-two-layer-jacobian-light');
  await d.setTheme('high-contrast');
  await sleep(500);
  await d.screenshot('vector-two-layer-jacobian-hc');
  await d.setTheme('dark');

  // Leaky ReLU: h is a node of its own with a diagonal ∂h/∂z of 1 (z > 0) and 0.01 (else); y
  // depends on z only through h.
  frame = await showGradients(d, 'leaky-relu.ts', 'y');
  const edges = await frame
    .locator('[data-action="select-edge"]')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ')));
  assert.ok(edges.some((e) => e.includes('z → h')) && !edges.some((e) => e.includes('z → y')), edges.join(' | '));
  close(await cells(frame, 'h', 1), FIXTURE.cases.leaky_relu.grads.h as number[], '∂y/∂h');
  close(await cells(frame, 'z', 1), FIXTURE.cases.leaky_relu.grads.z as number[], '∂y/∂z');
  await frame.locator('.vedges-details summary').click();
  await frame.locator('[data-action="select-edge"]', { hasText: 'z → h' }).click();
  await waitFor('Jacobian', async () => (await frame.locator('[data-diagonal]').count()) > 0);
  const L = await frame
    .locator('[data-jacobian-matrix] td[data-v]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
  assert.deepEqual(L, [1, 0, 0, 0, 0.01, 0, 0, 0, 1]);
  const diagonal = await frame
    .locator('[data-diagonal] td[data-v]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
  assert.deepEqual(diagonal, [1, 0.01, 1]);
  await sleep(200);
  await d.screenshot('vector-leaky-relu-dark');
  await d.setTheme('light');
  await sleep(500);
  await d.screenshot('vector-leaky-relu-light');
  await d.setTheme('high-contrast');
  await sleep(500);
  await d.screenshot('vector-leaky-relu-hc');
  await d.setTheme('dark');

  // ELU: the diagonal is 1 (z > 0) and eᶻ (else).
  frame = await showGradients(d, 'elu.ts', 'y');
  close(await cells(frame, 'z', 1), FIXTURE.cases.elu.grads.z as number[], '∂y/∂z (ELU)');
  await frame.locator('.vedges-details summary').click();
  await frame.locator('[data-action="select-edge"]', { hasText: 'z → h' }).click();
  await waitFor('Jacobian', async () => (await frame.locator('[data-diagonal]').count()) > 0);
  await sleep(200);
  await d.screenshot('vector-elu-dark');

  // Softmax: p is shown whole, ∂L/∂p = 0 except at the label; e feeds p and S.
  frame = await showGradients(d, 'softmax.ts', 'loss');
  close(await cells(frame, 'p', 1), FIXTURE.cases.softmax_ce.grads.p as number[], '∂loss/∂p');
  close(await cells(frame, 'e', 1), FIXTURE.cases.softmax_ce.grads.e as number[], '∂loss/∂e');
  await frame.locator('[data-group-label="p"]').click();
  await waitFor('off-path note', async () => (await frame.locator('[data-off-path]').count()) > 0);
  await sleep(200);
  await d.screenshot('vector-softmax-dark');
  await d.setTheme('light');
  await sleep(500);
  await d.screenshot('vector-softmax-light');
  await d.setTheme('high-contrast');
  await sleep(500);
  await d.screenshot('vector-softmax-hc');
  await d.setTheme('dark');

  // The minibatch: the slider shows each sample's share of ∂mse/∂w (PyTorch's per-sample gradients).
  frame = await showGradients(d, 'minibatch.ts', 'mse');
  const perSample = FIXTURE.cases.minibatch.perSample!.w;
  for (const k of [1, 2]) {
    await frame.locator('[data-action="sample"]').evaluate((s, v) => {
      (s as HTMLInputElement).value = String(v);
      s.dispatchEvent(new Event('input'));
    }, k);
    await waitFor(`sample ${k}`, async () => (await frame.locator('[data-group-label="w"] .vsample').count()) > 0);
    const share = await frame
      .locator('[data-group-label="w"] .vsample td[data-v]')
      .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
    close(share, perSample[k], `sample ${k}'s share of ∂mse/∂w`);
  }
  await sleep(200);
  await d.screenshot('vector-minibatch-dark');
}
