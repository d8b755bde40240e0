/**
 * Preview of the vector view without VS Code (until the program interpreter produces arrays
 * from source): the panel's webview bundle (dist/webview.js) in headless Chromium with VS Code-like
 * light, dark and high-contrast theme variables, fed the test networks of test/unit/vectorCases.ts
 * (traced the way the interpreter will trace examples/*.ts) and an MLP 4-16-16-1 on a minibatch
 * of 32. Saves screenshots to test-results/vector/ and prints the view's timings.
 *
 *   npm run build && npx tsx scripts/vector-preview.ts [case ...]
 *
 * Needs Chromium (Debian: /usr/bin/chromium, or CHROMIUM=path) and playwright-core (a dev dependency).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { ExprProgram } from '../src/core';
import { ArrayProgramBuilder } from '../test/unit/arrayBuilder';
import { CASES } from '../test/unit/vectorCases';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-results', 'vector');

const COMMON = { 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' };
const THEMES: Record<string, Record<string, string>> = {
  dark: {
    ...COMMON,
    'editor-background': '#1e1e1e',
    foreground: '#cccccc',
    'editorWidget-background': '#252526',
    'charts-blue': '#3794ff',
    'charts-red': '#f14c4c',
    'charts-orange': '#d18616',
    'charts-yellow': '#cca700',
    descriptionForeground: '#9d9d9d',
    'panel-border': '#80808059',
    focusBorder: '#007fd4',
    'button-background': '#0e639c',
    'button-foreground': '#ffffff',
  },
  light: {
    ...COMMON,
    'editor-background': '#ffffff',
    foreground: '#3b3b3b',
    'editorWidget-background': '#f3f3f3',
    'charts-blue': '#1a85ff',
    'charts-red': '#e51400',
    'charts-orange': '#d18616',
    'charts-yellow': '#bf8803',
    descriptionForeground: '#717171',
    'panel-border': '#80808059',
    focusBorder: '#0090f1',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
  },
  hc: {
    ...COMMON,
    'editor-background': '#000000',
    foreground: '#ffffff',
    'editorWidget-background': '#0c141f',
    'charts-blue': '#3794ff',
    'charts-red': '#f48771',
    'charts-orange': '#d18616',
    'charts-yellow': '#ffd700',
    descriptionForeground: '#ffffff',
    'panel-border': '#6fc3df',
    contrastBorder: '#6fc3df',
    focusBorder: '#f38518',
  },
};

/** MLP 4-16-16-1, minibatch 32, L2 loss (the issue's benchmark): ~25,000 scalar nodes. */
function mlp(): ExprProgram {
  const b = new ArrayProgramBuilder();
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const M = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, rnd));
  const X = b.matrix('X', M(32, 4));
  const Y = b.vector('Y', M(1, 32)[0]);
  const W1 = b.matrix('W1', M(16, 4));
  const W2 = b.matrix('W2', M(16, 16));
  const W3 = b.vector('W3', M(1, 16)[0]);
  let loss = b.const(0);
  b.loop('for (let s = 0; s < X.length; s++)', 32, (s) => {
    const h1 = b.array(
      'h1',
      b.map(b.matvec(W1, X[s]), (v) => b.relu(v)),
    );
    const h2 = b.array(
      'h2',
      b.map(b.matvec(W2, h1), (v) => b.relu(v)),
    );
    const d = b.named('d', b.op('sub', b.dot(W3, h2), Y[s]));
    loss = b.named('loss', b.op('add', loss, b.op('mul', d, d)));
  });
  return b.program(b.named('mse', b.op('div', loss, b.const(32))), 'mse');
}

/** Per case: clicks after the first paint (edge / group selections, sample slider). */
const SHOTS: Record<string, string[][]> = {
  two_layer: [[], ['edge:z:h'], ['edge:W1:z']],
  three_layer: [[]],
  net232: [['group:a2']],
  minibatch: [['sample:1', 'group:w']],
  softmax_ce: [['group:e']],
  maxout: [['edge:a:h']],
  leaky_relu: [['edge:z:h']],
  elu: [['edge:z:h']],
  mlp: [[], ['edge:W1:h1'], ['sample:3', 'group:W2']],
};

async function main(): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/unit/fixtures/vector-jacobians.json'), 'utf8')) as {
    cases: Record<string, { inputs: Record<string, never> }>;
  };
  const programs: Record<string, ExprProgram> = { mlp: mlp() };
  for (const [name, c] of Object.entries(fixture.cases)) programs[name] = CASES[name](c.inputs);
  const wanted = process.argv.slice(2);
  const names = Object.keys(SHOTS).filter((n) => !wanted.length || wanted.includes(n));
  mkdirSync(OUT, { recursive: true });
  const css = ['panel.css', 'train.css', 'vector.css']
    .map((f) => readFileSync(join(ROOT, 'media', f), 'utf8'))
    .join('\n');
  const bundle = readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    for (const name of names) {
      for (const theme of Object.keys(THEMES)) {
        for (const actions of SHOTS[name]) {
          const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(String(e)));
          const vars = Object.entries(THEMES[theme])
            .map(([k, v]) => `--vscode-${k}: ${v};`)
            .join('');
          await page.setContent(
            `<!DOCTYPE html><html><head><style>:root{${vars}} ${css}</style></head><body><main id="app"></main></body></html>`,
          );
          await page.evaluate(`window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });`);
          await page.addScriptTag({ content: bundle });
          const payload = {
            program: programs[name],
            values: {},
            defaults: [],
            document: { uri: 'file:///x.ts', fileName: `/x/${name}.ts`, version: 1, languageId: 'typescript' },
            settings: { maxRenderedNodes: 2000, precision: 4, autoRefresh: false },
          };
          await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'show', payload })}, '*')`);
          await page.waitForSelector('.vnode', { timeout: 30_000 });
          for (const a of actions) {
            const [cmd, x, y] = a.split(':');
            if (cmd === 'group') await page.click(`[data-group-label="${x}"] .vnode-title`);
            else if (cmd === 'edge') {
              await page.evaluate(`document.querySelector('.vedges-details').setAttribute('open', '')`);
              await page.click(`[data-action="select-edge"]:text-is("${x} → ${y}")`);
            } else if (cmd === 'sample') {
              await page.evaluate(
                `(() => { const s = document.querySelector('[data-action="sample"]'); s.value = '${x}'; s.dispatchEvent(new Event('input')); })()`,
              );
            }
            await page.waitForTimeout(150);
          }
          await page.waitForTimeout(200);
          const timings = await page.evaluate(`document.querySelector('.vview')?.dataset.timings`);
          const file = join(
            OUT,
            `${name}-${theme}${actions.length ? '-' + actions.join('-').replace(/:/g, '_') : ''}.png`,
          );
          await page.locator('.vhost').screenshot({ path: file });
          console.log(`${file}  ${timings ?? ''}${errors.length ? `  ERRORS: ${errors.join('; ')}` : ''}`);
          await page.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
