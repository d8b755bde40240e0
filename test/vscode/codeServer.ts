// Shared helpers to run a real VS Code (code-server 4.100.3 = VS Code 1.100.3) headless and offline:
// start code-server on a free loopback port, open its workbench in Debian's Chromium via
// playwright-core, and tear both down. Used by the runTests launcher (test/vscode/launcher.ts)
// and by the UI test driver (test/ui/driver.ts). Recipe: /work/shared/docs/vscode-offline.md
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const CHROMIUM_PATH = process.env.GRADIENT_LENS_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** The repository root: the nearest ancestor with our package.json (works from test/** and dist/test/**). */
export function repoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'scripts', 'provision-vscode.mjs'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`repository root not found above ${start}`);
    dir = parent;
  }
}

/** code-server's entry point inside the provisioned cache (see scripts/provision-vscode.mjs). */
export function codeServerEntry(root = repoRoot()): string {
  const dir =
    process.env.GRADIENT_LENS_CODE_SERVER_DIR ?? join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(dir, '.provisioned')) || !existsSync(entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not provisioned in ${dir}; run: npm run provision`);
  }
  return entry;
}

/** Settings that keep runs quiet and deterministic (merged under any caller-provided settings). */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.editor.enablePreview': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'files.watcherExclude': { '**/node_modules/**': true },
  'window.restoreWindows': 'none',
  'editor.minimap.enabled': false,
  'editor.cursorBlinking': 'solid',
  'editor.hover.delay': 10000,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.parameterHints.enabled': false,
  'editor.lightbulb.enabled': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'typescript.surveys.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'workbench.reduceMotion': 'on',
};

export interface PayloadOptions {
  extensionDevelopmentPath?: string | string[];
  extensionTestsPath?: string;
}

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /** Fresh dir by default (a temp dir removed by stop()). */
  userDataDir?: string;
  extensionsDir?: string;
  /** User settings (merged over QUIET_SETTINGS) written to <userDataDir>/User/settings.json before start. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host. */
  env?: NodeJS.ProcessEnv;
  /** Echo code-server's own output (otherwise only kept in <tmp>/code-server.log). */
  verbose?: boolean;
  /** Keep the temp dir after stop() (for debugging). */
  keepTemp?: boolean;
  /** Loopback port (default: a free one). */
  port?: number;
}

export interface CodeServer {
  port: number;
  origin: string;
  tmp: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  process: ChildProcess;
  /** Resolves when code-server exits (with its exit code / signal name). */
  exited: Promise<number | string>;
  /** vscode-remote:// URI for an absolute local path. */
  remoteUri(path: string): string;
  /** Workbench URL with ?folder= and an optional ?payload= (extension dev/test paths). */
  workbenchUrl(payload?: PayloadOptions): string;
  /** The last lines of code-server's log. */
  logTail(lines?: number): string;
  /** Kill code-server and everything it started (process group), remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  let existing: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      /* replace invalid file */
    }
  }
  writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...settings }, null, 2));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts code-server and waits until GET /healthz answers. */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  const tmp = mkdtempSync(join(tmpdir(), 'gradient-lens-vscode-'));
  const userDataDir = opts.userDataDir ?? join(tmp, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(tmp, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, opts.settings);
  const port = opts.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const logFile = join(tmp, 'code-server.log');
  const logStream = createWriteStream(logFile);
  let logText = '';

  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    join(tmp, 'config.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    opts.workspace,
  ];
  const proc = spawn(process.execPath, args, {
    cwd: opts.workspace,
    // EXTENSIONS_GALLERY={} disables the (unreachable) open-vsx gallery instead of logging ENOTFOUND.
    env: {
      ...process.env,
      EXTENSIONS_GALLERY: '{}',
      ...opts.env,
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() can end the server and its extension hosts together
  });
  const onData = (chunk: Buffer) => {
    logStream.write(chunk);
    logText = (logText + chunk.toString()).slice(-20000);
    if (opts.verbose) process.stderr.write(chunk);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | string>((res) =>
    proc.on('exit', (code, signal) => res(code ?? signal ?? 'unknown')),
  );
  let alive = true;
  void exited.then(() => {
    alive = false;
  });

  let stopped: Promise<void> | undefined;
  const server: CodeServer = {
    port,
    origin,
    tmp,
    userDataDir,
    extensionsDir,
    logFile,
    process: proc,
    exited,
    remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`,
    workbenchUrl(payload) {
      const q = new URLSearchParams({ folder: resolve(opts.workspace) });
      const entries: [string, string][] = [];
      const devPaths = payload?.extensionDevelopmentPath;
      for (const p of Array.isArray(devPaths) ? devPaths : devPaths ? [devPaths] : [])
        entries.push(['extensionDevelopmentPath', server.remoteUri(p)]);
      if (payload?.extensionTestsPath)
        entries.push(['extensionTestsPath', server.remoteUri(payload.extensionTestsPath)]);
      if (entries.length) q.set('payload', JSON.stringify([...entries, ['skipWelcome', 'true']]));
      return `${origin}/?${q.toString()}`;
    },
    logTail: (n = 40) => logText.split('\n').slice(-n).join('\n'),
    stop() {
      stopped ??= (async () => {
        if (alive && proc.pid) {
          try {
            process.kill(-proc.pid, 'SIGTERM');
          } catch {
            /* gone */
          }
          const t = setTimeout(() => {
            try {
              process.kill(-proc.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, 3000);
          await exited;
          clearTimeout(t);
          // The extension host / pty host may outlive the server briefly: end the rest of the group.
          try {
            process.kill(-proc.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        logStream.end();
        if (!opts.keepTemp) rmSync(tmp, { recursive: true, force: true });
      })();
      return stopped;
    },
  };

  // Wait for the port to answer (a fixed sleep is flaky on a cold first start).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!alive) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server exited before it was ready:\n${tail}`);
    }
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      const tail = server.logTail();
      await server.stop();
      throw new Error(`code-server did not answer /healthz within 60 s:\n${tail}`);
    }
    await sleep(100);
  }
  return server;
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches headless Chromium (Debian's) with one page of the given viewport size. */
export async function launchBrowser(
  opts: { width?: number; height?: number; headless?: boolean } = {},
): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found; run: npm run provision`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? process.env.GRADIENT_LENS_HEADFUL !== '1',
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 } });
    const page = await context.newPage();
    let closed: Promise<void> | undefined;
    return {
      browser,
      context,
      page,
      close: () => (closed ??= browser.close().catch(() => undefined)),
    };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}
