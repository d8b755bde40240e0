// Runs every test/ui/*.ui.ts against a real VS Code workbench (see driver.ts), one fresh
// code-server + Chromium per test file. Each file exports `default async (driver) => {...}` and may
// export `options: DriverOptions` (theme, settings, viewport). On failure a screenshot is saved to
// test-results/<name>-FAILED.png. Exits non-zero if any test failed.
//
//   npx tsx test/ui/run.ts [name-filter ...]     (npm run test:ui provisions + builds first)
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VSCodeDriver, type DriverOptions, type UiTest } from './driver';

const TEST_TIMEOUT_MS = Number(process.env.GRADIENT_LENS_UI_TIMEOUT_MS ?? 180_000);
/** On CI a failing UI test is re-run once in a fresh VS Code (and reported as FLAKY if it then passes). */
const RETRIES = Number(process.env.GRADIENT_LENS_UI_RETRIES ?? (process.env.CI ? 1 : 0));

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Workspaces the tests made in the temp folder (their `options.workspace`): removed at the end. */
const tempWorkspaces = new Set<string>();

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ui.ts'))
    .sort()
    .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
  if (!files.length) {
    console.error('no test/ui/*.ui.ts files matched');
    return 1;
  }

  const results: Array<Outcome & { attempts: number }> = [];
  for (const file of files) {
    const name = basename(file, '.ui.ts');
    for (let attempt = 1; ; attempt++) {
      const outcome = await runOne(file, name, attempt);
      if (outcome.ok || attempt > RETRIES) {
        results.push({ ...outcome, attempts: attempt });
        break;
      }
      console.log(`  ↻ ${name}: failed, retrying in a fresh VS Code (attempt ${attempt + 1} of ${RETRIES + 1})`);
    }
  }
  for (const dir of tempWorkspaces) rmSync(dir, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok);
  const flaky = results.filter((r) => r.ok && r.attempts > 1).map((r) => r.name);
  console.log(
    `\nUI tests: ${results.length - failed.length} passed, ${failed.length} failed` +
      (flaky.length ? ` (FLAKY, passed on retry: ${flaky.join(', ')})` : ''),
  );
  return failed.length ? 1 : 0;
}

interface Outcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** One attempt of one UI test in a fresh VS Code. */
async function runOne(file: string, name: string, attempt: number): Promise<Outcome> {
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  let driver: VSCodeDriver | undefined;
  process.stdout.write(`UI ${name} ...${attempt > 1 ? ` (attempt ${attempt})` : ''}\n`);
  try {
    const mod = await import(pathToFileURL(join(__dirname, file)).href);
    const test: UiTest | undefined = mod.default?.default ?? mod.default;
    const options: DriverOptions = mod.options ?? mod.default?.options ?? {};
    if (typeof test !== 'function') throw new Error(`${file} has no default export function`);
    const ws = options.workspace && resolve(options.workspace);
    if (ws && ws.startsWith(resolve(tmpdir()) + sep)) tempWorkspaces.add(ws);
    await withTimeout(
      (async () => {
        driver = await VSCodeDriver.start(options);
        await test(driver);
      })(),
      TEST_TIMEOUT_MS,
      name,
    );
    console.log(`  ✔ ${name} (${seconds()}s)`);
    return { name, ok: true, ms: Date.now() - started };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.log(`  ✘ ${name} (${seconds()}s)\n${error.replace(/^/gm, '      ')}`);
    const d = driver as VSCodeDriver | undefined;
    if (d) {
      try {
        console.log(`      screenshot: ${await d.screenshot(`${name}-FAILED${attempt > 1 ? `-${attempt}` : ''}`)}`);
      } catch {
        /* page gone */
      }
      const tail = d.consoleLog.filter((l) => /error|warn/i.test(l)).slice(-15);
      if (tail.length)
        console.log(`      page console (errors/warnings):\n${tail.map((l) => `        ${l}`).join('\n')}`);
    }
    return { name, ok: false, ms: Date.now() - started, error };
  } finally {
    const d = driver as VSCodeDriver | undefined;
    await d?.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
