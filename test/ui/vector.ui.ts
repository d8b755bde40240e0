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

/**
 * Edges run through the gaps: points every 3 px along each drawn edge, none inside a card other
 * than its own two (the softmax's e → p was drawn across S and hid its "∂L/∂S" header), and the
 * edges lie beneath the cards. Returns the number of edges checked.
 */
async function edgesClearOfCards(frame: Frame, what: string): Promise<number> {
  const r = await frame.evaluate(() => {
    const svgEl = document.querySelector<SVGSVGElement>('.vedges')!;
    const s = svgEl.getBoundingClientRect();
    const cards = [...document.querySelectorAll<HTMLElement>('.vnode')].map((c) => ({
      label: c.dataset.groupLabel!,
      r: c.getBoundingClientRect(),
    }));
    const bad: string[] = [];
    const edges = [...svgEl.querySelectorAll<SVGGElement>('.vedge')];
    for (const g of edges) {
      const [from, to] = (g.querySelector('title')?.textContent ?? '').split(':')[0].split(' → ');
      if (from === to) continue; // a self-loop, drawn beside its card
      const path = g.querySelector<SVGPathElement>('.vedge-line')!;
      const len = path.getTotalLength();
      for (let at = 0; at <= len; at += 3) {
        const p = path.getPointAtLength(at);
        const x = s.left + p.x;
        const y = s.top + p.y;
        const hit = cards.find(
          (c) =>
            c.label !== from &&
            c.label !== to &&
            x > c.r.left + 1 &&
            x < c.r.right - 1 &&
            y > c.r.top + 1 &&
            y < c.r.bottom - 1,
        );
        if (hit) {
          bad.push(`${from} → ${to} crosses ${hit.label} at (${Math.round(x)}, ${Math.round(y)})`);
          break;
        }
      }
    }
    // (no named functions in here: tsx would wrap them in a __name the page does not have)
    const zs = [svgEl, document.querySelector('.vgraph')!].map((e) => Number(getComputedStyle(e).zIndex) || 0);
    return { n: edges.length, bad, beneath: zs[0] < zs[1] };
  });
  assert.deepEqual(r.bad, [], `${what}: ${r.bad.join('; ')}`);
  assert.ok(r.beneath, `${what}: the edges are drawn over the cards`);
  assert.ok(r.n > 0, `${what}: no edges drawn`);
  return r.n;
}

/**
 * Readable beside the editor without scrolling sideways: every matrix number is drawn at ≥ 10 px
 * (font size × the fit-to-width zoom) and the canvas fits the box's width. Wide graphs wrap into
 * two bands (they were shrunk to ~7.7 px and scrolled sideways).
 */
async function readable(frame: Frame, what: string, minPx = 10): Promise<string> {
  const r = await frame.evaluate(() => {
    const box = document.querySelector<HTMLElement>('.vgraph-box')!;
    const zoom = Number(box.dataset.zoom ?? 1);
    const px = Math.min(
      ...[...document.querySelectorAll<HTMLElement>('.vnode .vmat td[data-v]')].map(
        (td) => parseFloat(getComputedStyle(td).fontSize) * zoom,
      ),
    );
    return { px, fits: box.scrollWidth <= box.clientWidth + 1, bands: box.dataset.bands ?? '1', h: box.clientHeight };
  });
  assert.ok(r.px >= minPx, `${what}: matrix numbers drawn at ${r.px.toFixed(1)} px`);
  assert.ok(r.fits, `${what}: the graph scrolls sideways`);
  return `${what}: ${r.px.toFixed(1)} px, bands ${r.bands}, box ${r.h} px tall`;
}

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
  await edgesClearOfCards(frame, 'two-layer');
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
  // No edge over a card: e → p goes around S (it was drawn across S's "∂L/∂S" header), and a
  // click on the drawn edge (in a gap) still opens its Jacobian.
  console.log(`    softmax: ${await edgesClearOfCards(frame, 'softmax')} edges, none over a card`);
  console.log(`    ${await readable(frame, 'softmax')}`);
  const ep = await frame.evaluate(() => {
    const g = [...document.querySelectorAll<SVGGElement>('.vedge')].find((e) =>
      e.querySelector('title')?.textContent?.startsWith('e → p:'),
    )!;
    const path = g.querySelector<SVGPathElement>('.vedge-line')!;
    const s = document.querySelector('.vedges')!.getBoundingClientRect();
    const b = document.body.getBoundingClientRect();
    // A point of the drawn edge where it is the topmost thing (not under a card or another edge).
    for (let f = 0.5; f < 1; f += 0.02) {
      for (const at of [f, 1 - f]) {
        const p = path.getPointAtLength(path.getTotalLength() * at);
        const [x, y] = [s.left + p.x, s.top + p.y];
        if (document.elementFromPoint(x, y)?.closest('.vedge') === g) {
          return { id: g.dataset.edge!, x: x - b.left, y: y - b.top };
        }
      }
    }
    return { id: g.dataset.edge!, x: -1, y: -1 };
  });
  assert.ok(ep.x >= 0, 'no point of the edge e → p can be clicked');
  // A real click at that point (hit-tested by the browser; relative to the body, which holds the edge).
  await frame.locator('body').click({ position: { x: ep.x, y: ep.y } });
  await waitFor('e → p Jacobian', async () => (await frame.locator('[data-jacobian="p/e"]').count()) > 0);
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
  await edgesClearOfCards(frame, 'minibatch');
  console.log(`    ${await readable(frame, 'minibatch')}`);

  // The 3-layer net and the 2-3-2 sigmoid network with arrays: wide graphs, readable in two bands.
  frame = await showGradients(d, 'three-layer-relu.ts', 'f');
  console.log(`    ${await readable(frame, 'three-layer')}`);
  await edgesClearOfCards(frame, 'three-layer');
  await d.screenshot('vector-three-layer-dark');
  await d.setTheme('light');
  await sleep(500);
  await d.screenshot('vector-three-layer-light');
  await d.setTheme('high-contrast');
  await sleep(500);
  await d.screenshot('vector-three-layer-hc');
  await d.setTheme('dark');
  frame = await showGradients(d, 'network-arrays.ts', 'loss');
  // Its U 2×3 column is wide: two bands draw it at 9.8 px (it was shrunk to 7.7 px and scrolled).
  console.log(`    ${await readable(frame, 'network-arrays', 9.5)}`);
  await edgesClearOfCards(frame, 'network-arrays');
  await d.screenshot('vector-network-arrays-dark');
}
