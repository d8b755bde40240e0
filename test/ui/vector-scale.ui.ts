// The vector view at scale, in the real VS Code webview (issue 11's benchmark; prints the numbers,
// budgets are checked loosely): an MLP 4-16-16-1 on a minibatch of 32, written with arrays and loops
// (about 24,000 scalar nodes). Measures Show gradients → vector view painted (the command's wall time
// from this process, and the webview's own time from the show message's arrival) and an input edit →
// repainted (the webview's time from the edit to the painted frame). The gradients shown are checked
// against a hand-written backward pass of the same network in plain JavaScript (an independent
// oracle: no Gradient Lens code), before and after the edit.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

const SAMPLES = 32;
const SIZES = [4, 16, 16, 1];

interface Net {
  X: number[][];
  T: number[];
  W: number[][][];
  b: number[][];
}

/** Fixed pseudo-random literals (an LCG), three decimals: the file and the oracle use the same numbers. */
function makeNet(): Net {
  let seed = 12345;
  const rnd = (scale: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Number((((seed / 2147483648) * 2 - 1) * scale).toFixed(3));
  };
  const mat = (r: number, c: number, s: number) =>
    Array.from({ length: r }, () => Array.from({ length: c }, () => rnd(s)));
  const X = mat(SAMPLES, SIZES[0], 1);
  const T = Array.from({ length: SAMPLES }, () => rnd(1));
  const W: number[][][] = [];
  const b: number[][] = [];
  for (let l = 1; l < SIZES.length; l++) {
    W.push(mat(SIZES[l], SIZES[l - 1], 1 / Math.sqrt(SIZES[l - 1])));
    b.push(Array.from({ length: SIZES[l] }, () => rnd(0.1)));
  }
  return { X, T, W, b };
}

const lit = (v: unknown): string =>
  Array.isArray(v)
    ? Array.isArray(v[0])
      ? `[\n${v.map((r) => `  ${lit(r)},`).join('\n')}\n]`
      : `[${v.join(', ')}]`
    : String(v);

function mlpFile(net: Net): string {
  return [
    `// MLP ${SIZES.join('-')} on a minibatch of ${SAMPLES} (the vector view's scale benchmark).`,
    `const X = ${lit(net.X)};`,
    `const T = ${lit(net.T)};`,
    ...net.W.flatMap((W, l) => [`const W${l + 1} = ${lit(W)};`, `const b${l + 1} = ${lit(net.b[l])};`]),
    '',
    'const relu = (v: number) => Math.max(0, v);',
    'const dense = (W: number[][], x: number[], b: number[]) =>',
    '  W.map((row, i) => row.reduce((s, w, j) => s + w * x[j], b[i]));',
    '',
    'let loss = 0;',
    'for (let s = 0; s < X.length; s++) {',
    '  const z1 = dense(W1, X[s], b1);',
    '  const h1 = z1.map(relu);',
    '  const z2 = dense(W2, h1, b2);',
    '  const h2 = z2.map(relu);',
    '  const y = dense(W3, h2, b3);',
    '  const d = y[0] - T[s];',
    '  loss += d * d;',
    '}',
    'const mse = loss / X.length;',
    '',
    'export {};',
    '',
  ].join('\n');
}

/** The oracle: forward and a hand-written backward pass (ReLU, mean of squared errors). */
function backprop(net: Net): { mse: number; dW: number[][][]; db: number[][] } {
  const L = net.W.length;
  const dW = net.W.map((W) => W.map((r) => r.map(() => 0)));
  const db = net.b.map((b) => b.map(() => 0));
  let loss = 0;
  for (let s = 0; s < SAMPLES; s++) {
    const hs: number[][] = [net.X[s]];
    const zs: number[][] = [];
    for (let l = 0; l < L; l++) {
      const z = net.W[l].map((row, i) => row.reduce((acc, w, j) => acc + w * hs[l][j], net.b[l][i]));
      zs.push(z);
      hs.push(l < L - 1 ? z.map((v) => Math.max(0, v)) : z);
    }
    const d = hs[L][0] - net.T[s];
    loss += d * d;
    let delta = [(2 * d) / SAMPLES];
    for (let l = L - 1; l >= 0; l--) {
      for (let i = 0; i < delta.length; i++) {
        db[l][i] += delta[i];
        for (let j = 0; j < hs[l].length; j++) dW[l][i][j] += delta[i] * hs[l][j];
      }
      if (l === 0) break;
      delta = hs[l].map(
        (_, j) => delta.reduce((acc, di, i) => acc + net.W[l][i][j] * di, 0) * (zs[l - 1][j] > 0 ? 1 : 0),
      );
    }
  }
  return { mse: loss / SAMPLES, dW, db };
}

const net = makeNet();
const workspace = mkdtempSync(join(tmpdir(), 'gl-vscale-'));
writeFileSync(join(workspace, 'mlp.ts'), mlpFile(net));

export const options: DriverOptions = {
  theme: 'dark',
  width: 1500,
  height: 950,
  workspace,
  // The interpreter's time budget is wall time: on the shared 2-core machine under a load of 10
  // the run (~0.3 s of CPU) has taken over the default 1 s. This test measures speed, not the budget.
  settings: { 'gradientLens.budget.maxMillis': 30_000 },
};

type Timings = Record<string, number>;
const timingsOf = async (frame: Frame): Promise<Timings> =>
  JSON.parse((await frame.locator('.vview').getAttribute('data-timings')) ?? '{}') as Timings;

/** The shown cells of a card's matrix (`which` 0: value, 1: gradient) as flat index → number. */
async function cells(frame: Frame, label: string, which: 0 | 1): Promise<Map<number, number>> {
  const pairs = await frame
    .locator(`[data-group-label="${label}"] .vnode-body figure`)
    .nth(which)
    .locator('td[data-v]')
    .evaluateAll((tds) => tds.map((td) => [Number(td.getAttribute('data-i')), Number(td.getAttribute('data-v'))]));
  return new Map(pairs as [number, number][]);
}

async function checkGradients(frame: Frame, n: Net, when: string): Promise<number> {
  const want = backprop(n);
  let compared = 0;
  for (let l = 0; l < n.W.length; l++) {
    for (const [label, expect] of [
      [`W${l + 1}`, want.dW[l].flat()],
      [`b${l + 1}`, want.db[l]],
    ] as const) {
      const got = await cells(frame, label, 1);
      assert.ok(got.size > 0, `${when}: no gradient cells for ${label}`);
      for (const [i, v] of got) {
        const e = expect[i];
        assert.ok(Math.abs(v - e) <= 1e-9 * Math.max(1e-3, Math.abs(e)), `${when}: ∂mse/∂${label}[${i}] ${v} ≠ ${e}`);
        compared++;
      }
    }
  }
  const value = Number(await frame.locator('.target-value').getAttribute('data-value'));
  assert.ok(Math.abs(value - want.mse) <= 1e-12 * Math.abs(want.mse), `${when}: mse ${value} ≠ ${want.mse}`);
  return compared;
}

/**
 * The path of one Show gradients, from the host's command to the webview's painted frame: every
 * timing mark of both sides (wall clock, host `h:` and webview `w:`), in order, as steps.
 */
async function traceOf(frame: Frame, since: number): Promise<string> {
  const trace = await waitFor(
    'the timing marks of host and webview',
    async () => {
      const t = JSON.parse((await frame.locator('#app').getAttribute('data-trace')) ?? '{}') as {
        host?: Timings;
        web?: Timings;
      };
      return t.host?.delivered !== undefined && (t.host.command ?? 0) >= since && t.web?.painted !== undefined && t;
    },
    30_000,
  ).catch(() => undefined);
  if (!trace) return '(no trace)';
  const marks = [
    ...Object.entries(trace.host ?? {}).map(([k, t]) => [`h:${k}`, t] as const),
    ...Object.entries(trace.web ?? {}).map(([k, t]) => [`w:${k}`, t] as const),
  ].sort((a, b) => a[1] - b[1]);
  const t0 = marks[0][1];
  let last = t0;
  const steps = marks.map(([k, t]) => {
    const s = `${k} +${(t - last).toFixed(0)}`;
    last = t;
    return s;
  });
  return `${steps.join(', ')} (total ${(last - t0).toFixed(0)} ms)`;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

export default async function vectorScale(d: VSCodeDriver): Promise<void> {
  await d.openFile('mlp.ts');
  const lines = mlpFile(net).split('\n');
  await d.goTo(lines.findIndex((l) => l.startsWith('const mse ')) + 1, 7);
  const t0 = Date.now();
  await d.runCommand('Gradient Lens: Show gradients');
  const frame = await d.webviewFrame('.vview', 120_000);
  const shown = await waitFor(
    'the vector view painted',
    async () => {
      const t = await timingsOf(frame);
      return t.showMs !== undefined && t;
    },
    120_000,
  );
  const wall = Date.now() - t0;
  console.log(`    trace (cold): ${await traceOf(frame, t0)}`);
  const nodes = Number(await frame.locator('.vview').getAttribute('data-scalar-nodes'));
  const groups = await frame
    .locator('[data-group-label]')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-group-label')} ${e.getAttribute('data-shape')}`));
  console.log(`    MLP ${SIZES.join('-')} × ${SAMPLES} samples: ${nodes} scalar nodes, ${groups.length} array nodes`);
  console.log(`    groups: ${groups.join(', ')}`);
  console.log(
    `    Show gradients → vector view painted: ${wall} ms (command to painted, polled every 200 ms); in the webview ` +
      `${shown.showMs.toFixed(0)} ms from the show message (evaluate ${shown.evaluateMs?.toFixed(0)}, ` +
      `model ${shown.modelMs.toFixed(0)}, cards ${shown.renderMs.toFixed(0)}, edges ${shown.edgesMs.toFixed(0)} ms) (target ≤ 1,000 ms)`,
  );
  assert.ok(nodes > 15_000, `${nodes} nodes`);
  for (const g of ['W1 16×4', 'W2 16×16', 'W3 1×16', 'z1 32×16', 'h1 32×16', 'z2 32×16', 'h2 32×16', 'd 32']) {
    assert.ok(groups.includes(g), `no ${g} in ${groups.join(', ')}`);
  }
  const panel = JSON.parse((await frame.locator('#app').getAttribute('data-timings')) ?? '{}') as Timings;
  console.log(
    `    the rest of the panel: inputs ${panel.inputsMs?.toFixed(0)}, diagnostics ${panel.diagnosticsMs?.toFixed(0)}, ` +
      `train ${panel.trainMs?.toFixed(0)} ms`,
  );
  const compared = await checkGradients(frame, net, 'shown');
  console.log(`    ${compared} gradient cells equal the hand-written backward pass (≤ 1e-9 relative)`);
  await d.screenshot('vector-scale-mlp');

  // Edit b3[0] (filter the inputs table to it), five times; each edit re-traces, evaluates and repaints.
  await frame.locator('[data-action="filter-inputs"] input').fill('b3');
  const field = frame.locator('[data-edit-input="b3[0]"] input');
  await field.waitFor({ timeout: 10_000 });
  const edits: Timings[] = [];
  // GL_CHROME_TRACE=file.json: a Chrome performance trace of the edits (style, layout, paint per frame).
  const chromeTrace = process.env.GL_CHROME_TRACE;
  if (chromeTrace) {
    await d.session.browser.startTracing(d.page, {
      path: chromeTrace,
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.stack',
        'blink.user_timing',
        'v8.execute',
      ],
    });
  }
  // Fifteen edits: the benchmark's median of 5 (the first five, as before) and the median of all
  // fifteen (steadier on the shared machine, where a frame can wait for CPU).
  const EDITS = [
    '0.2',
    '-0.1',
    '0.05',
    '0.3',
    '-0.25',
    '0.15',
    '-0.05',
    '0.25',
    '-0.2',
    '0.1',
    '-0.15',
    '0.35',
    '0',
    '-0.3',
    '-0.25',
  ];
  for (const v of EDITS) {
    const before = (await timingsOf(frame)).frames;
    await field.fill(v);
    await field.press('Enter');
    edits.push(
      await waitFor(
        `the repaint after b3[0] = ${v}`,
        async () => {
          const t = await timingsOf(frame);
          return t.frames !== before && t.editMs !== undefined && t;
        },
        30_000,
      ),
    );
    await sleep(150);
  }
  if (chromeTrace) await d.session.browser.stopTracing();
  const skipped = await frame
    .locator('.vnode')
    .evaluateAll((cards) =>
      cards.filter((c) => !c.querySelector('td')?.checkVisibility()).map((c) => c.getAttribute('data-group-label')),
    );
  console.log(
    `    cards not rendered (outside the box): ${skipped.length} of ${await frame.locator('.vnode').count()}: ${skipped.join(', ')}`,
  );
  const show = (k: string) => edits.map((t) => t[k].toFixed(0)).join(', ');
  console.log(
    `    edit b3[0] → repainted: ${show('editMs')} ms, median of the first 5 ${median(edits.slice(0, 5).map((t) => t.editMs)).toFixed(0)} ms, ` +
      `median of ${edits.length} ${median(edits.map((t) => t.editMs)).toFixed(0)} ms (load average ${loadavg()[0].toFixed(1)}) ` +
      `(evaluate ${show('evaluateMs')}; model ${show('modelMs')}; cards ${show('renderMs')}; edges ${show('edgesMs')}) (target ≤ 100 ms)`,
  );
  const rest = JSON.parse((await frame.locator('#app').getAttribute('data-timings')) ?? '{}') as Timings;
  console.log(
    `    last edit, the rest of the panel: inputs ${rest.inputsMs?.toFixed(0)}, graph ${rest.graphMs?.toFixed(0)}, ` +
      `diagnostics ${rest.diagnosticsMs?.toFixed(0)}, train ${rest.trainMs?.toFixed(0)} ms`,
  );
  net.b[2][0] = -0.25;
  // Cards outside the box get their numbers in the task after the painted frame.
  await waitFor(
    'the cards outside the box repainted',
    async () => (await frame.locator('.vview').getAttribute('data-stale-tables')) === null,
    10_000,
  );
  await checkGradients(frame, net, 'after the edit');
  await d.screenshot('vector-scale-mlp-edited');

  // The cards outside the box were not rendered during the edits: scrolled into view, they show
  // the edited numbers (checked again) and the edges follow them.
  await frame.locator('.vgraph-box').evaluate((box) => box.scrollTo({ left: box.scrollWidth }));
  await waitFor(
    'the cards at the right end rendered',
    async () =>
      frame
        .locator('[data-group-label="mse"] td')
        .first()
        .evaluate((td) => td.checkVisibility()),
    10_000,
  );
  await sleep(300);
  await checkGradients(frame, net, 'scrolled to the right end');
  await d.screenshot('vector-scale-mlp-scrolled');
  await frame.locator('.vgraph-box').evaluate((box) => box.scrollTo({ left: 0 }));

  // Show gradients again (warm: the parser is loaded, the panel exists): a new vector view.
  // (The editor's cursor is still on `const mse`: no click, which the panel's hover can intercept.)
  await d.runCommand('View: Focus First Editor Group');
  const t1 = Date.now();
  await d.runCommand('Gradient Lens: Show gradients');
  const again = await waitFor(
    'the vector view painted again',
    async () => {
      const t = await timingsOf(frame);
      return t.showMs !== undefined && t.frames === 1 && t;
    },
    120_000,
  );
  console.log(
    `    Show gradients again (warm): ${Date.now() - t1} ms command to painted; in the webview ` +
      `${again.showMs.toFixed(0)} ms (evaluate ${again.evaluateMs?.toFixed(0)}, model ${again.modelMs.toFixed(0)}, ` +
      `cards ${again.renderMs.toFixed(0)}, edges ${again.edgesMs.toFixed(0)} ms)`,
  );
  console.log(`    trace (warm): ${await traceOf(frame, t1)}`);
  // Generous bounds (a shared machine; the numbers above are the benchmark).
  assert.ok(shown.showMs < 10_000, `show took ${shown.showMs} ms`);
  assert.ok(median(edits.map((t) => t.editMs)) < 5_000);
}
