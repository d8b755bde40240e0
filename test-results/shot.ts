// Preview harness: the panel's webview bundle in headless Chromium with VS Code-like theme
// variables, fed a 'show' message; screenshots per case and theme.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
const ROOT = '/work/wt/vector';
const themes: Record<string, Record<string, string>> = {
  dark: { 'editor-background': '#1e1e1e', foreground: '#cccccc', 'editorWidget-background': '#252526', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-orange': '#d18616', 'charts-yellow': '#cca700', descriptionForeground: '#9d9d9d', 'panel-border': '#80808059', focusBorder: '#007fd4', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' },
  light: { 'editor-background': '#ffffff', foreground: '#3b3b3b', 'editorWidget-background': '#f3f3f3', 'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-orange': '#d18616', 'charts-yellow': '#bf8803', descriptionForeground: '#717171', 'panel-border': '#80808059', focusBorder: '#0090f1', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' },
  hc: { 'editor-background': '#000000', foreground: '#ffffff', 'editorWidget-background': '#0c141f', 'charts-blue': '#3794ff', 'charts-red': '#f48771', 'charts-orange': '#d18616', 'charts-yellow': '#ffd700', descriptionForeground: '#ffffff', 'panel-border': '#6fc3df', contrastBorder: '#6fc3df', focusBorder: '#f38518', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' },
};
const programs = JSON.parse(fs.readFileSync('/tmp/vprev/programs.json', 'utf8'));
const [,, caseName = 'two_layer', theme = 'dark', action = ''] = process.argv;
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const vars = Object.entries(themes[theme]).map(([k, v]) => `--vscode-${k}: ${v};`).join('');
  const css = ['panel.css', 'train.css', 'vector.css'].map((f) => fs.readFileSync(`${ROOT}/media/${f}`, 'utf8')).join('\n');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.setContent(`<!DOCTYPE html><html><head><style>:root{${vars}} ${css}</style></head><body><main id="app"></main></body></html>`);
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => { (window as any).posted = []; (window as any).acquireVsCodeApi = () => ({ postMessage: (m: unknown) => (window as any).posted.push(m), getState: () => undefined, setState: () => {} }); });
  await page.addScriptTag({ content: fs.readFileSync(`${ROOT}/dist/webview.js`, 'utf8') });
  const payload = { program: programs[caseName], values: {}, defaults: [], document: { uri: 'file:///x.ts', fileName: `/x/${caseName}.ts`, version: 1, languageId: 'typescript' }, settings: { maxRenderedNodes: 2000, precision: 4, autoRefresh: false } };
  await page.evaluate((p) => window.postMessage({ type: 'show', payload: p }, '*'), payload);
  await page.waitForTimeout(500);
  for (const a of action.split(',').filter(Boolean)) {
    const [cmd, arg] = a.split(':');
    if (cmd === 'edge') {
      await page.evaluate(() => document.querySelector('.vedges-details')?.setAttribute('open', ''));
      await page.click(`[data-action="select-edge"][data-edge="${arg}"]`);
    }
    else if (cmd === 'group') await page.click(`[data-group="${arg}"] .vnode-title`);
    else if (cmd === 'sample') await page.evaluate((k) => { const s = document.querySelector('[data-action="sample"]') as HTMLInputElement; s.value = k; s.dispatchEvent(new Event('input')); }, arg);
    else if (cmd === 'scalars') await page.click('[data-action="scalar-view"]');
    else if (cmd === 'expand') await page.click(`[data-group="${arg}"] [data-action="expand"]`);
    else if (cmd === 'step') await page.click('[data-action="vstep"]');
    else if (cmd === 'open') await page.evaluate(() => document.querySelector('.vedges-details')?.setAttribute('open', ''));
    await page.waitForTimeout(300);
  }
  const info = await page.evaluate(() => ({ groups: [...document.querySelectorAll('[data-group-label]')].map((e) => `${(e as HTMLElement).dataset.groupLabel} ${(e as HTMLElement).dataset.shape}`), timings: (document.querySelector('.vview') as HTMLElement)?.dataset.timings }));
  console.log(JSON.stringify(info), errors.join('\n'));
  const file = `/tmp/vprev/${caseName}-${theme}${action ? '-' + action.replace(/[:,]/g, '_') : ''}.png`;
  if (await page.locator('.vhost').count()) await page.locator('.vhost').screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  await browser.close();
})();
