// UI test driver: a real VS Code workbench (code-server 4.100.3 = VS Code 1.100.3) in headless
// Chromium, with this repository's extension loaded as the extension under development and
// examples/ open as the workspace. Used by test/ui/run.ts for every test/ui/*.ui.ts.
//
//   const d = await VSCodeDriver.start({ theme: 'light' });
//   await d.openFile('some.ts');
//   await d.selectText('a * b');            // or d.selectAll()
//   await d.contextMenu('Gradient Lens: Show Graph');
//   const node = await d.webviewLocator('#graph');
//   await d.screenshot('graph-light');       // -> test-results/graph-light.png
//   await d.close();
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { launchBrowser, repoRoot, startCodeServer, type BrowserSession, type CodeServer } from '../vscode/codeServer';

export type Theme = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

/** Built-in theme names for `workbench.colorTheme`, and the class the workbench gets for each kind. */
export const THEMES: Record<Theme, { name: string; cssClass: string; file: string }> = {
  dark: { name: 'Default Dark Modern', cssClass: 'vs-dark', file: 'dark_modern' },
  light: { name: 'Default Light Modern', cssClass: 'vs', file: 'light_modern' },
  'high-contrast': { name: 'Default High Contrast', cssClass: 'hc-black', file: 'hc_black' },
  'high-contrast-light': { name: 'Default High Contrast Light', cssClass: 'hc-light', file: 'hc_light' },
};
/** Matches the workbench once the given built-in theme is really applied (it starts with a placeholder). */
const themeSelector = (t: Theme) =>
  `.monaco-workbench.${THEMES[t].cssClass}[class*="vscode-theme-defaults-themes-${THEMES[t].file}-json"]`;

export interface DriverOptions {
  /** Color theme at startup (default dark). Change later with driver.setTheme(). */
  theme?: Theme;
  /** Extra user settings (written to settings.json before start). */
  settings?: Record<string, unknown>;
  /** Folder opened in the workbench (default <repo>/examples). */
  workspace?: string;
  /** Extension under development (default the repository root; needs a built dist/extension.js). */
  extensionDevelopmentPath?: string;
  /** Viewport (default 1400x900). */
  width?: number;
  height?: number;
  /** Where screenshots go (default <repo>/test-results). */
  resultsDir?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactText = (s: string) => new RegExp(`^\\s*${escapeRe(s)}\\s*$`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns something truthy (returned), or throws after `timeout` ms naming `what`. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined | false>, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await f().catch(() => undefined); // a frame may be detached or navigating meanwhile
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export class VSCodeDriver {
  readonly root: string;
  readonly workspace: string;
  readonly resultsDir: string;
  /** Page console output and errors (for failure reports). */
  readonly consoleLog: string[] = [];
  /** The current color theme. */
  theme: Theme;

  private constructor(
    readonly server: CodeServer,
    readonly session: BrowserSession,
    opts: Required<Pick<DriverOptions, 'workspace' | 'resultsDir' | 'theme'>>,
  ) {
    this.theme = opts.theme;
    this.root = repoRoot(__dirname);
    this.workspace = opts.workspace;
    this.resultsDir = opts.resultsDir;
  }

  /** The Playwright page showing the workbench (use it directly for anything not covered here). */
  get page(): Page {
    return this.session.page;
  }

  /** Starts code-server + Chromium, opens the workbench with the extension loaded, waits until it is ready. */
  static async start(opts: DriverOptions = {}): Promise<VSCodeDriver> {
    const root = repoRoot(__dirname);
    const workspace = resolve(opts.workspace ?? join(root, 'examples'));
    const extensionDevelopmentPath = resolve(opts.extensionDevelopmentPath ?? root);
    const resultsDir = resolve(opts.resultsDir ?? join(root, 'test-results'));
    mkdirSync(workspace, { recursive: true });
    mkdirSync(resultsDir, { recursive: true });
    const settings = { 'workbench.colorTheme': THEMES[opts.theme ?? 'dark'].name, ...opts.settings };

    const server = await startCodeServer({
      workspace,
      settings,
      verbose: process.env.GRADIENT_LENS_VERBOSE === '1',
      keepTemp: process.env.GRADIENT_LENS_KEEP_TMP === '1',
    });
    let session: BrowserSession | undefined;
    try {
      session = await launchBrowser({ width: opts.width, height: opts.height });
      const driver = new VSCodeDriver(server, session, { workspace, resultsDir, theme: opts.theme ?? 'dark' });
      session.page.on('console', (m) => driver.consoleLog.push(`[${m.type()}] ${m.text()}`));
      session.page.on('pageerror', (e) => driver.consoleLog.push(`[pageerror] ${e.message}`));
      await session.page.goto(server.workbenchUrl({ extensionDevelopmentPath }), {
        waitUntil: 'domcontentloaded',
        timeout: 120_000,
      });
      await driver.waitForWorkbench();
      return driver;
    } catch (err) {
      await session?.close();
      await server.stop();
      throw err;
    }
  }

  /** Waits for the workbench, the Explorer of the opened folder and the startup color theme. */
  async waitForWorkbench(timeout = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await this.page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout });
    await this.page.locator(themeSelector(this.theme)).waitFor({ state: 'attached', timeout: 30_000 });
  }

  /** Runs a command from the command palette by its exact title, e.g. 'View: Close All Editors'. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page
      .locator('.quick-input-list .monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: exactText(title) }),
      })
      .first();
    // A command whose precondition is not met yet is not listed: right after a cold start
    // "Debug: Toggle Breakpoint" waits for the JavaScript debugger to register. Reopen the
    // palette a few times before giving up.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await this.page.keyboard.press('Escape');
        await sleep(2_000);
      }
    }
    await row.click();
    // Done when the palette closes, or when the command opened its own quick pick (input no longer '>...').
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const widget = this.page.locator('.quick-input-widget');
      if (!(await widget.isVisible())) return;
      const value = await input.inputValue().catch(() => '');
      if (!value.startsWith('>')) return;
      await sleep(50);
    }
    throw new Error(`command palette did not close after running "${title}"`);
  }

  /**
   * Opens a file by clicking through the Explorer (path relative to the workspace, '/'-separated);
   * waits until its editor is active.
   */
  async openFile(relPath: string): Promise<void> {
    if (!existsSync(join(this.workspace, relPath))) throw new Error(`no such file in the workspace: ${relPath}`);
    const parts = relPath.split('/').filter(Boolean);
    const tree = this.page.locator('.explorer-folders-view');
    for (let i = 0; i < parts.length; i++) {
      // Single-root workspace: top-level entries have aria-level 1.
      const target = tree
        .locator(`.monaco-list-row[aria-level="${i + 1}"]`, {
          has: this.page.locator('.label-name', { hasText: exactText(parts[i]) }),
        })
        .first();
      await target.waitFor({ state: 'visible', timeout: 20_000 });
      if (i < parts.length - 1) {
        if ((await target.getAttribute('aria-expanded')) !== 'true') await target.click();
      } else {
        await target.click();
      }
    }
    const name = parts[parts.length - 1];
    await this.page
      .locator('.tabs-container .tab.active', { has: this.page.locator('.label-name', { hasText: exactText(name) }) })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await this.editor().locator('.view-lines').waitFor({ state: 'visible' });
  }

  /** The active text editor (Monaco) element. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor[data-uri]').first();
  }

  /** Focuses the active editor (clicks its text area). */
  async focusEditor(): Promise<void> {
    await this.editor()
      .locator('.view-lines')
      .click({ position: { x: 5, y: 5 } });
  }

  /** Selects the whole document of the active editor. */
  async selectAll(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
  }

  /**
   * Selects the `occurrence`-th (1-based) occurrence of `text` in the active editor's file (as on disk;
   * '\n' line ends), by going to its start with the "Go to Line" quick pick and extending with Shift+Right.
   */
  async selectText(text: string, relPath?: string, occurrence = 1): Promise<void> {
    const file = relPath ?? (await this.activeFileRelPath());
    const content = readFileSync(join(this.workspace, file), 'utf8').replace(/\r\n/g, '\n');
    let index = -1;
    for (let k = 0; k < occurrence; k++) {
      index = content.indexOf(text, index + 1);
      if (index < 0) throw new Error(`"${text}" (occurrence ${occurrence}) not found in ${file}`);
    }
    const before = content.slice(0, index).split('\n');
    const line = before.length;
    const column = before[before.length - 1].length + 1;
    await this.goTo(line, column);
    for (let k = 0; k < text.length; k++) await this.page.keyboard.press('Shift+ArrowRight');
  }

  /** Moves the cursor of the active editor to line:column (1-based). */
  async goTo(line: number, column = 1): Promise<void> {
    // The status bar's "Ln 13, Col 3" confirms the move: under load a Ctrl+G has been seen to
    // leave the cursor where it was (a paused debug session's view had focus), so try again.
    const status = this.page.locator('[id="status.editor.selection"]');
    const want = `Ln ${line}, Col ${column}`;
    for (let attempt = 1; ; attempt++) {
      await this.focusEditor();
      await this.page.keyboard.press('Control+G');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`:${line}:${column}`);
      await input.press('Enter');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      const ok = await waitFor(
        `the cursor at ${line}:${column}`,
        async () => ((await status.textContent().catch(() => null))?.includes(want) ? true : undefined),
        5_000,
      ).catch(() => false);
      if (ok || attempt === 3) return;
    }
  }

  /** Workspace-relative path of the active editor's file. */
  async activeFileRelPath(): Promise<string> {
    const uri = await this.editor().getAttribute('data-uri');
    if (!uri) throw new Error('no active text editor');
    const path = decodeURIComponent(new URL(uri).pathname);
    const prefix = this.workspace.endsWith('/') ? this.workspace : this.workspace + '/';
    if (!path.startsWith(prefix)) throw new Error(`active file ${path} is outside the workspace`);
    return path.slice(prefix.length);
  }

  /** Right-clicks the current selection (or the cursor) in the active editor and picks a menu item by its label. */
  async contextMenu(label: string): Promise<void> {
    // The selection overlay is several divs that Monaco re-renders as the selection changes:
    // poll for one with a real box (or, with no selection, the cursor) instead of trusting a
    // locator resolved a moment earlier.
    const point = await waitFor(
      'a selection or the cursor in the active editor',
      async () => {
        for (const el of await this.editor().locator('.view-overlays .selected-text').all()) {
          const b = await el.boundingBox({ timeout: 500 }).catch(() => null);
          if (b && b.width > 2 && b.height > 2) return { x: b.x + Math.min(b.width / 2, 20), y: b.y + b.height / 2 };
        }
        const cursor = await this.editor()
          .locator('.cursors-layer .cursor')
          .first()
          .boundingBox({ timeout: 500 })
          .catch(() => null);
        return cursor ? { x: cursor.x + 1, y: cursor.y + cursor.height / 2 } : undefined;
      },
      10_000,
    );
    await this.page.mouse.click(point.x, point.y, { button: 'right' });
    await this.pickMenuItem(label);
  }

  /** Clicks an item of the open context menu by its exact label. */
  async pickMenuItem(label: string): Promise<void> {
    const menu = this.page.locator('.monaco-menu');
    await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
    const item = menu.locator('.action-label', { hasText: exactText(label) }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      const labels = (await menu.locator('.action-label').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
      await this.page.keyboard.press('Escape');
      throw new Error(`context menu has no item "${label}"; items: ${labels.join(' | ')}`);
    }
    await item.hover();
    await item.click();
    // Under load a click on a menu item is sometimes lost (the menu stays open with the item
    // highlighted): the hovered item has the focus, so Enter runs it.
    const closed = await menu
      .first()
      .waitFor({ state: 'hidden', timeout: 3_000 })
      .then(
        () => true,
        () => false,
      );
    if (!closed) {
      await this.page.keyboard.press('Enter');
      await menu.first().waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  /**
   * Finds `selector` inside any frame (webviews are nested iframes) and returns its locator.
   * Waits up to `timeout` ms for a frame to contain it.
   */
  async webviewLocator(selector: string, timeout = 20_000): Promise<Locator> {
    return (await this.webviewFrame(selector, timeout)).locator(selector);
  }

  /** The frame (usually a webview's inner iframe) that contains `selector`. */
  async webviewFrame(selector: string, timeout = 20_000): Promise<Frame> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        try {
          if ((await frame.locator(selector).count()) > 0) return frame;
        } catch {
          /* frame navigated or detached meanwhile */
        }
      }
      if (Date.now() > deadline) throw new Error(`no webview frame contains ${selector} after ${timeout} ms`);
      await sleep(200);
    }
  }

  /**
   * Changes the color theme live through the command palette's theme picker ("Preferences: Color Theme")
   * and waits until the workbench shows it. (Startup theme: DriverOptions.theme.)
   */
  async setTheme(theme: Theme): Promise<void> {
    const { name } = THEMES[theme];
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // Rows read "<label> <settings id>" ("Light Modern Default Light Modern"): filter by the
    // settings id and take the focused first match with Enter (more robust than matching a row).
    await input.fill(name);
    await sleep(400);
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.locator(themeSelector(theme)).waitFor({ state: 'attached', timeout: 20_000 });
    this.theme = theme;
    await sleep(500); // let the repaint settle before screenshots
  }

  /** Saves a PNG of the page (or of one locator) to test-results/<name>.png; returns the path. */
  async screenshot(name: string, target?: Locator): Promise<string> {
    const path = join(this.resultsDir, name.endsWith('.png') ? name : `${name}.png`);
    if (target) await target.screenshot({ path });
    else await this.page.screenshot({ path });
    return path;
  }

  /** Texts of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((s) =>
      s.trim(),
    );
  }

  /** Ends the browser and code-server (always call it; run.ts does). */
  async close(): Promise<void> {
    await this.session.close();
    await this.server.stop();
  }
}

/** What every test/ui/*.ui.ts exports as default. `options` (optional named export) configures the driver. */
export type UiTest = (driver: VSCodeDriver) => Promise<void>;
