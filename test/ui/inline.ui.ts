// Inline values in the real VS Code: Show gradients on network.ts's loss writes
// `name = value  ∂loss/∂name = gradient` after the covered lines, read back from the editor's DOM
// (after-decorations are spans in .view-lines); the hover with the fan-out terms; the CodeLens;
// stale after an edit; Clear gradients. Screenshots: test-results/inline-*.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriverOptions, type VSCodeDriver, sleep, waitFor } from './driver';

export const options: DriverOptions = {
  theme: 'dark',
  width: 1500,
  height: 950,
  settings: { 'editor.minimap.enabled': false },
};

interface ViewLine {
  code: string;
  inline: string;
  colors: string[];
  codeRight: number;
  inlineLeft: number;
}

/**
 * Every rendered line of the network.ts editor: its code and the text of the after-decorations
 * (contentText is rendered as the ::after content of an empty span, or as injected text spans).
 */
async function viewLines(d: VSCodeDriver): Promise<ViewLine[]> {
  return d.page
    .locator('.monaco-editor[data-uri$="/network.ts"]')
    .first()
    .locator('.view-lines .view-line')
    .evaluateAll((els) => {
      const rows = els.map((line) => {
        let code = '';
        let inline = '';
        const colors: string[] = [];
        let codeRight = 0;
        let inlineLeft = Infinity;
        const spans = Array.from(line.querySelectorAll('span')).filter((s) => s.children.length === 0);
        for (const s of spans) {
          const after = getComputedStyle(s, '::after').content;
          const pseudo =
            after && after !== 'none' && after !== 'normal' ? after.replace(/^"|"$/g, '').replace(/\\"/g, '"') : '';
          const rect = s.getBoundingClientRect();
          if (pseudo) {
            inline += (inline ? '|' : '') + pseudo;
            colors.push(getComputedStyle(s, '::after').color);
            // The pseudo-element has no box of its own: its left edge is the span's plus its margin.
            inlineLeft = Math.min(inlineLeft, rect.left + (parseFloat(getComputedStyle(s, '::after').marginLeft) || 0));
          } else if (/\bced-|\binjected|\bafter/.test(s.className) && s.textContent) {
            inline += (inline ? '|' : '') + s.textContent;
            colors.push(getComputedStyle(s).color);
            inlineLeft = Math.min(inlineLeft, rect.left);
          } else {
            code += s.textContent ?? '';
            if (s.textContent?.trim()) codeRight = Math.max(codeRight, rect.right);
          }
        }
        return {
          top: parseFloat((line as HTMLElement).style.top || '0'),
          code: code.replace(/\u00a0/g, ' '),
          inline: inline.replace(/\u00a0/g, ' '),
          colors,
          codeRight,
          inlineLeft,
        };
      });
      return rows.sort((a, b) => a.top - b.top).map(({ top: _top, ...r }) => r);
    });
}

/**
 * Go to line:column in the first editor group (the panel opens beside it), by keyboard only:
 * the driver's goTo clicks into the active editor first, which here may be hidden behind hovers.
 */
async function goTo(d: VSCodeDriver, line: number, column = 1): Promise<void> {
  await d.runCommand('View: Focus First Editor Group');
  await d.page.keyboard.press('Control+G');
  const input = d.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await d.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

const lineWith = (lines: ViewLine[], start: string) => lines.find((l) => l.code.trimStart().startsWith(start));

export default async function inline(d: VSCodeDriver): Promise<void> {
  const file = 'network.ts';
  await d.openFile(file);
  const src = readFileSync(join(d.workspace, file), 'utf8').split('\n');
  const lossLine = src.findIndex((l) => l.startsWith('const loss ')) + 1;

  await goTo(d, lossLine, 14);
  await d.runCommand('Gradient Lens: Show gradients');
  await d.webviewFrame('.gnode', 30_000);
  // Back to the editor, scrolled to the top, so the declarations are visible.
  await goTo(d, 7, 1);
  const lines = await waitFor(
    'inline values',
    async () => {
      const ls = await viewLines(d);
      return lineWith(ls, 'const h1')?.inline ? ls : undefined;
    },
    30_000,
  );
  const h1 = lineWith(lines, 'const h1')!;
  const w = lineWith(lines, 'const w11')!;
  const x1 = lineWith(lines, 'const x1')!;
  const u = lineWith(lines, 'const u11')!;
  console.log(`    h1:  ${h1.inline}\n    w11: ${w.inline}\n    x1:  ${x1.inline}\n    u11: ${u.inline}`);
  // inline.maxColumn 60 (the default: about what this half-width editor shows): code and values end
  // by column 60, shorter forms where needed (the hover has the full text).
  assert.equal(x1.inline.replace(/\|/g, '  '), 'x1 = 0.5  ∂loss/∂x1 = −0.0282');
  assert.equal(h1.inline, '∂ −0.11');
  // Three declarations on one line: the first one's gradient, named, then `…`.
  assert.equal(w.inline, '∂w11 = −0.013|…');
  assert.equal(u.inline, '∂u11 = −0.053|∂u12 = 0.064');
  assert.equal(lineWith(lines, 'const sigmoid')?.inline, '', 'the helper body is not decorated');
  // Not overlapping the code: the first value starts right of the code's last character.
  for (const l of [h1, w, x1, u])
    assert.ok(l.inlineLeft > l.codeRight + 8, `inline text overlaps the code on "${l.code}"`);
  // Value and gradient colours differ, and negative/positive gradients differ.
  assert.notEqual(x1.colors[0], x1.colors[1]);
  assert.notEqual(u.colors[0], u.colors[1]);
  assert.equal(h1.colors[0], u.colors[0]);

  // The result CodeLens on the target line ("Show gradients" lenses go only where a user starts: here the
  // loss, which is now the analysed target, so none are left above h1..y2).
  await goTo(d, lossLine, 1);
  await waitFor('result CodeLens', async () =>
    (await d.page.locator('.codelens-decoration a').allInnerTexts()).some((t) =>
      t.includes('loss = 0.3259 · open gradient panel'),
    ),
  );
  await goTo(d, 7, 1);
  await sleep(400);
  await d.screenshot('inline-dark-with-panel');

  // Editing an input in the panel updates the inline values (then back to 0.5).
  const frame = await d.webviewFrame('[data-edit-input="x1"] input', 20_000);
  for (const [v, expected] of [
    ['1', 'x1 = 1|'],
    ['0.5', 'x1 = 0.5|∂loss/∂x1 = −0.0282'],
  ] as const) {
    const field = frame.locator('[data-edit-input="x1"] input');
    await field.fill(v);
    await field.press('Enter');
    await waitFor(`x1 = ${v} inline`, async () =>
      lineWith(await viewLines(d), 'const x1')?.inline.startsWith(expected),
    );
  }

  // Hover over a use of h1 (fan-out: h1 feeds y1 and y2).
  const y1Row = src.findIndex((l) => l.startsWith('const y1 ')) + 1;
  await goTo(d, y1Row, 1);
  const y1Line = d.editor().locator('.view-lines .view-line', { hasText: 'const y1 = sigmoid(' }).first();
  const h1Use = y1Line.locator('span', { hasText: /^h1$/ }).first();
  await h1Use.hover();
  const hover = d.page.locator('.monaco-hover', { hasText: 'Gradient Lens' }).first();
  await waitFor('hover text', async () => (await hover.innerText()).includes('fan-out'));
  await sleep(500); // fade-in
  const hoverText = await hover.innerText();
  assert.match(hoverText, /∂loss\/∂h1 = −0\.1056225991067653/);
  assert.match(hoverText, /sum/);
  await d.screenshot('inline-hover');
  await d.page.keyboard.press('Escape');
  await d.page.mouse.move(5, 5);

  // Full width (panel closed: the values stay, clearOnPanelClose is false by default), light theme.
  await d.runCommand('View: Close All Editors');
  await d.openFile(file);
  await goTo(d, 7, 1);
  await d.setTheme('light');
  await waitFor('inline values again', async () => lineWith(await viewLines(d), 'const h1')?.inline);
  await sleep(500);
  await d.screenshot('inline-light');
  await d.setTheme('high-contrast');
  await sleep(600);
  await d.screenshot('inline-high-contrast');
  await d.setTheme('dark');

  // An edit marks them stale (type at the start of the comment line, then undo).
  await goTo(d, 1, 1);
  await d.page.keyboard.type('// edited\n');
  const stale = await waitFor('stale', async () => {
    const ls = await viewLines(d);
    const l = lineWith(ls, 'const x1');
    return l?.inline.endsWith('(stale)') ? l : undefined;
  });
  assert.equal(stale.inline.replace(/\|/g, '  '), 'x1 = 0.5  ∂loss/∂x1 = −0.0282 (stale)');
  await goTo(d, lossLine + 1, 1);
  await waitFor('stale CodeLens', async () =>
    (await d.page.locator('.codelens-decoration a').allInnerTexts()).some((t) =>
      t.includes('loss = 0.3259 (stale) · refresh gradients'),
    ),
  );
  await goTo(d, 3, 1);
  await sleep(300);
  await d.screenshot('inline-stale');
  await d.page.keyboard.press('Control+Z');

  // Clear gradients removes them.
  await d.runCommand('Gradient Lens: Clear gradients');
  await waitFor('cleared', async () => {
    const ls = await viewLines(d);
    return ls.length > 0 && ls.every((l) => l.inline === '');
  });
}
