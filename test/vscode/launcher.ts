// A stand-in "VS Code executable" for @vscode/test-electron's runTests (vscodeExecutablePath →
// test/vscode/code-offline → dist/test/launcher.js). It takes the arguments runTests passes to VS Code,
// runs the extension tests in code-server's real extension host (workbench opened in headless
// Chromium with a ?payload=), forwards the tests' output and exits with their exit code.
//
//   code-offline [WORKSPACE] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE
//                [--user-data-dir=DIR] [--extensions-dir=DIR] [other VS Code flags: ignored]
//
// Env: GRADIENT_LENS_TEST_TIMEOUT_MS (default 600000), GRADIENT_LENS_VERBOSE=1 (code-server + browser logs),
//      GRADIENT_LENS_KEEP_TMP=1 (keep the temp user-data-dir and code-server.log).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, startCodeServer, type BrowserSession, type CodeServer } from './codeServer';

interface LaunchArgs {
  extensionDevelopmentPath: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  workspace?: string;
  ignored: string[];
}

export function parseArgs(argv: string[]): LaunchArgs {
  const out: LaunchArgs = { extensionDevelopmentPath: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m) {
      if (out.workspace === undefined) out.workspace = resolve(a);
      else out.ignored.push(a);
      continue;
    }
    const [, name, inline] = m;
    const known = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'];
    // Known options also accept the "--name value" form.
    const value = () => inline ?? (known.includes(name) && i + 1 < argv.length ? argv[++i] : undefined);
    switch (name) {
      case 'extensionDevelopmentPath': {
        const v = value();
        if (v) out.extensionDevelopmentPath.push(resolve(v));
        break;
      }
      case 'extensionTestsPath': {
        const v = value();
        if (v) out.extensionTestsPath = resolve(v);
        break;
      }
      case 'user-data-dir':
        out.userDataDir = value();
        break;
      case 'extensions-dir':
        out.extensionsDir = value();
        break;
      default:
        out.ignored.push(a);
    }
  }
  return out;
}

/** Workbench chatter forwarded through codeAutomationLog; shown only with GRADIENT_LENS_VERBOSE=1. */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /getaddrinfo ENOTFOUND/,
  /^Started local extension host/,
  /^Ignoring fetching additional builtin extensions/,
];

const log = (msg: string) => process.stderr.write(`[code-offline] ${msg}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const verbose = process.env.GRADIENT_LENS_VERBOSE === '1';
  if (!args.extensionTestsPath) {
    log('usage: code-offline [WORKSPACE] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
    return 2;
  }
  if (!args.extensionDevelopmentPath.length) args.extensionDevelopmentPath.push(process.cwd());
  const workspace = args.workspace ?? args.extensionDevelopmentPath[0];
  const timeoutMs = Number(process.env.GRADIENT_LENS_TEST_TIMEOUT_MS ?? 600_000);
  if (verbose && args.ignored.length) log(`ignoring: ${args.ignored.join(' ')}`);

  // A fresh user-data-dir per run, inside the one runTests asked for (so it stays under .vscode-test/).
  let userDataDir: string | undefined;
  if (args.userDataDir) {
    const parent = resolve(args.userDataDir);
    mkdirSync(parent, { recursive: true });
    for (const old of readdirSync(parent))
      if (old.startsWith('code-server-run-')) rmSync(join(parent, old), { recursive: true, force: true });
    userDataDir = join(parent, `code-server-run-${process.pid}`);
  }
  const keepTemp = process.env.GRADIENT_LENS_KEEP_TMP === '1';

  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  let timer: NodeJS.Timeout | undefined;
  const cleanup = async () => {
    if (timer) clearTimeout(timer);
    await session?.close();
    await server?.stop();
    if (userDataDir && !keepTemp) rmSync(userDataDir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping VS Code`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  try {
    const result = new Promise<number>((resolveExit, rejectExit) => {
      timer = setTimeout(() => rejectExit(new Error(`tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      void (async () => {
        server = await startCodeServer({
          workspace,
          userDataDir,
          keepTemp,
          verbose,
          extensionsDir: args.extensionsDir ? resolve(args.extensionsDir) : undefined,
        });
        log(
          `code-server ready on ${server.origin} after ${((Date.now() - started) / 1000).toFixed(1)}s (workspace ${workspace})`,
        );
        void server.exited.then((code) =>
          rejectExit(new Error(`code-server exited (${code}) before the tests finished:\n${server!.logTail()}`)),
        );

        session = await launchBrowser();
        const { page, browser } = session;
        browser.on('disconnected', () => rejectExit(new Error('the browser disconnected before the tests finished')));
        page.on('crash', () => rejectExit(new Error('the workbench page crashed')));
        if (verbose) page.on('console', (m) => log(`browser ${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => {
          if (verbose) log(`page error: ${e.message}`);
        });

        // The workbench calls these when it is opened with extensionTestsPath in the payload.
        await page.exposeFunction('codeAutomationLog', (type: string, logArgs: unknown[]) => {
          // console.* calls of the workbench and the extension host, printf-style (mocha uses "%s").
          const text = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
          if (!verbose && WORKBENCH_NOISE.some((re) => re.test(text))) return;
          (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(text + '\n');
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => {
          resolveExit(typeof code === 'number' ? code : 1);
        });
        const url = server.workbenchUrl({
          extensionDevelopmentPath: args.extensionDevelopmentPath,
          extensionTestsPath: args.extensionTestsPath,
        });
        if (verbose) log(`opening ${url}`);
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      })().catch(rejectExit);
    });
    const code = await result;
    log(`extension tests exited with code ${code} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return code;
  } catch (err) {
    log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    if (server) log(`code-server log tail:\n${server.logTail(30)}`);
    return 1;
  } finally {
    await cleanup();
    if (keepTemp && server) log(`kept ${server.tmp}${userDataDir ? ` and ${userDataDir}` : ''}`);
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      log(String(err?.stack ?? err));
      process.exit(1);
    },
  );
}
