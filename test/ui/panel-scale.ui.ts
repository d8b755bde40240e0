// Scale in the real webview (prints the measurements; budgets are checked loosely, the
// numbers are for the benchmark report): a ~2,000-node expression lays out and renders,
// panning is transform-only, editing an input repaints in place; a ~20,000-node expression
// is summarized to maxRenderedNodes with a message and does not freeze the panel.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep } from './driver';

/** `const NAME = Math.tanh(x0 * w0) + ...` with `terms` terms: ~4 nodes per term. */
function bigFile(name: string, terms: number): string {
  const lines = ['const x0 = 0.5, x1 = -0.25, x2 = 1.5;'];
  for (let i = 0; i < terms; i++) lines.push(`const w${i} = ${((i % 17) - 8) / 10};`);
  const sum = Array.from({ length: terms }, (_, i) => `Math.tanh(x${i % 3} * w${i})`).join(' +\n  ');
  lines.push(`const ${name} = ${sum};`, '');
  return lines.join('\n');
}

const workspace = mkdtempSync(join(tmpdir(), 'gl-scale-'));
writeFileSync(join(workspace, 'mid.ts'), bigFile('mid', 124)); // ~500 nodes
writeFileSync(join(workspace, 'big.ts'), bigFile('big', 500)); // ~2,000 nodes
writeFileSync(join(workspace, 'huge.ts'), bigFile('huge', 5000)); // ~20,000 nodes

export const options: DriverOptions = {
  theme: 'dark',
  width: 1500,
  height: 950,
  workspace,
  // The interpreter's time budget is wall time: on the shared 2-core machine under a load of 13
  // the 20,000-node expression has taken over the default 1 s (the run timed out). Speed is measured here, not the budget.
  settings: { 'gradientLens.budget.maxMillis': 30_000 },
};

async function show(d: VSCodeDriver, file: string, name: string) {
  // Open the file in the editors' group, not in the panel's (after an edit in the panel, the panel's
  // group is the active one and the explorer would open the file there, on top of the panel).
  await d.runCommand('View: Focus First Editor Group');
  await d.openFile(file);
  const text = (await import('node:fs')).readFileSync(join(workspace, file), 'utf8').split('\n');
  await d.goTo(text.findIndex((l) => l.startsWith(`const ${name} `)) + 1, 7);
  await d.runCommand('Gradient Lens: Show gradients');
  // The panel may still show the previous graph: wait for this one's title and timings.
  const frame = await d.webviewFrame(`.graph[data-timings]`, 60_000);
  const deadline = Date.now() + 60_000;
  while (
    (await frame
      .locator('.target-name')
      .innerText()
      .catch(() => '')) !== name ||
    !(await frame.locator('.graph[data-timings]').count())
  ) {
    if (Date.now() > deadline) throw new Error(`the panel did not show ${name}`);
    await sleep(200);
  }
  return frame;
}

type Frame = Awaited<ReturnType<typeof show>>;
const timingsOf = async (frame: Frame) =>
  JSON.parse((await frame.locator('.graph').getAttribute('data-timings')) ?? '{}');

/** Edits input `name` `times` times (alternating values); returns the graph's in-place repaint ms of each. */
async function editRepaints(frame: Frame, name: string, values: string[]): Promise<number[]> {
  const out: number[] = [];
  const field = frame.locator(`[data-edit-input="${name}"] input`);
  for (const v of values) {
    const before = (await timingsOf(frame)).updateMs;
    await field.fill(v);
    await field.press('Enter');
    const deadline = Date.now() + 10_000;
    let t = before;
    while (Date.now() < deadline) {
      t = (await timingsOf(frame)).updateMs;
      if (t !== undefined && t !== before) break;
      await sleep(50);
    }
    out.push(t);
    await sleep(150);
  }
  return out;
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/** Drags across the graph for ~1 s while the webview records animation-frame intervals. */
async function measurePan(d: VSCodeDriver, frame: Frame, box: { x: number; y: number; width: number; height: number }) {
  // (a string: tsx's __name helper does not exist in the page)
  const rec = frame.evaluate(`new Promise((resolve) => {
    const ts = []; const t0 = performance.now();
    const tick = (t) => { ts.push(t); if (t - t0 < 1200) requestAnimationFrame(tick); else resolve(ts); };
    requestAnimationFrame(tick);
  })`) as Promise<number[]>;
  await d.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await d.page.mouse.down();
  for (let i = 0; i < 40; i++) {
    await d.page.mouse.move(box.x + box.width / 2 - i * 8, box.y + box.height / 2 - i * 3);
    await sleep(16);
  }
  await d.page.mouse.up();
  const ts = await rec;
  const gaps = ts
    .slice(1)
    .map((t, i) => t - ts[i])
    .sort((a, b) => a - b);
  return { frames: gaps.length, median: gaps[gaps.length >> 1], p95: gaps[Math.floor(gaps.length * 0.95)] };
}

export default async function scale(d: VSCodeDriver): Promise<void> {
  // ~500 nodes: layout + render, and the in-place repaint after editing an input.
  let frame = await show(d, 'mid.ts', 'mid');
  const t0 = await timingsOf(frame);
  const midNodes = await frame.locator('.gnode').count();
  console.log(
    `    500-node graph: ${midNodes} nodes drawn; layout ${t0.layoutCpuMs?.toFixed(1)} ms (wall ${t0.layoutMs?.toFixed(1)} ms, time-sliced) ` +
      `+ render ${t0.renderMs?.toFixed(1)} ms = ${(t0.layoutCpuMs + t0.renderMs).toFixed(1)} ms; show → drawn ${t0.totalMs?.toFixed(1)} ms`,
  );
  const mid = await editRepaints(frame, 'x0', ['0.75', '0.6', '0.8', '0.55', '0.7']);
  console.log(
    `    edit x0 (500 nodes): repaint in place ${mid.map((x) => x.toFixed(1)).join(', ')} ms, median ${median(mid).toFixed(1)} ms (target ≤ 16 ms)`,
  );
  await d.screenshot('panel-scale-500');

  frame = await show(d, 'big.ts', 'big');
  const timings = JSON.parse((await frame.locator('.graph').getAttribute('data-timings')) ?? '{}');
  const nodes = await frame.locator('.gnode').count();
  console.log(
    `    2,000-node graph: ${nodes} nodes drawn; display ${timings.displayMs?.toFixed(1)} ms, layout ${timings.layoutCpuMs?.toFixed(1)} ms ` +
      `(wall ${timings.layoutMs?.toFixed(1)} ms, time-sliced), render ${timings.renderMs?.toFixed(1)} ms ` +
      `(layout + render ${(timings.layoutCpuMs + timings.renderMs).toFixed(1)} ms, target ≤ 500), ` +
      `show → drawn ${timings.totalMs?.toFixed(1)} ms`,
  );
  assert.ok(nodes > 1500);

  // Pan: drag across the graph for ~1 s, recording frame intervals in the webview.
  const box = (await frame.locator('.graph-viewport').boundingBox())!;
  const pan = await measurePan(d, frame, box);
  console.log(`    pan: ${pan.frames} frames, median ${pan.median.toFixed(1)} ms, p95 ${pan.p95.toFixed(1)} ms`);

  // Pan while zoomed out (everything on screen: the worst case for painting).
  await frame.locator('[data-action="fit"]').click();
  await sleep(500);
  const fitted = await measurePan(d, frame, box);
  console.log(
    `    pan (fitted, all 2,000 nodes on screen): ${fitted.frames} frames, median ${fitted.median.toFixed(1)} ms, p95 ${fitted.p95.toFixed(1)} ms`,
  );
  await d.screenshot('panel-scale-2000-fit');

  // Edit an input: in-place repaint.
  const big = await editRepaints(frame, 'x0', ['0.75', '0.6', '0.8']);
  console.log(`    edit x0: graph repaint in place ${big.map((x) => x.toFixed(1)).join(', ')} ms for ${nodes} nodes`);
  await d.screenshot('panel-scale-2000');

  frame = await show(d, 'huge.ts', 'huge');
  await frame.locator('.graph-summary:not([hidden])').waitFor({ timeout: 60_000 });
  const msg = await frame.locator('.graph-summary').innerText();
  const t3 = JSON.parse((await frame.locator('.graph').getAttribute('data-timings')) ?? '{}');
  console.log(`    20,000-node graph: "${msg.slice(0, 90)}…"; show → drawn ${t3.totalMs?.toFixed(1)} ms`);
  assert.match(msg, /Showing the [\d,]+ nodes nearest the output of [\d,]+/);
  assert.ok((await frame.locator('.gnode').count()) <= 2000);
  // The inputs table is paged (at most a page of rows at first) and every input is reachable by the filter.
  const rows = await frame.locator('[data-input-name]').count();
  const total = Number(await frame.locator('section.inputs').getAttribute('data-inputs-total'));
  console.log(
    `    20,000-node inputs table: ${rows} of ${total} rows rendered; ${await frame.locator('.inputs-status').innerText()}`,
  );
  assert.ok(total > 5000 && rows > 0 && rows <= 200, `${rows} rows of ${total}`);
  await d.screenshot('panel-scale-20000');
  const filter = frame.locator('[data-action="filter-inputs"] input');
  await filter.fill('w4999');
  const row = frame.locator('[data-input-name="w4999"]');
  await row.waitFor({ timeout: 10_000 });
  assert.ok(Number.isFinite(Number(await row.getAttribute('data-grad'))));
  assert.ok(Number.isFinite(Number(await row.getAttribute('data-value'))));
  // Edit the filtered input: the numbers repaint, the field keeps its focus.
  const field = frame.locator('[data-edit-input="w4999"] input');
  await field.fill('0.3');
  await field.press('Enter');
  await frame.locator('[data-input-name="w4999"][data-value="0.3"]').waitFor({ timeout: 20_000 });
  assert.ok(
    await field.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement),
    'the edited field keeps its focus',
  );
  await filter.fill('');
  await frame.locator('[data-action="inputs-more"]').click();
  const deadline = Date.now() + 20_000;
  while ((await frame.locator('[data-input-name]').count()) < 400 && Date.now() < deadline) await sleep(200);
  console.log(`    after "Show 200 more": ${await frame.locator('[data-input-name]').count()} rows`);
  await d.screenshot('panel-scale-20000-inputs');
}
