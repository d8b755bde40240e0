// Runs every test/ui/*.ui.ts against a real VS Code workbench (see driver.ts), one fresh
// code-server + Chromium per test file. Each file exports `default async (driver) => {...}` and may
// export `options: DriverOptions` (theme, settings, viewport). On failure a screenshot is saved to
// test-results/<name>-FAILED.png. Exits non-zero if any test failed.
//
//   npx tsx test/ui/run.ts [name-filter ...]     (npm run test:ui provisions + builds first)
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VSCodeDriver, type DriverOptions, type UiTest } from './driver';

const TEST_TIMEOUT_MS = Number(process.env.GRADIENT_LENS_UI_TIMEOUT_MS ?? 180_000);

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000} s`)), ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.ui.ts')).sort()
    .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
  if (!files.length) { console.error('no test/ui/*.ui.ts files matched'); return 1; }

  const results: { name: string; ok: boolean; ms: number; error?: string }[] = [];
  for (const file of files) {
    const name = basename(file, '.ui.ts');
    const started = Date.now();
    let driver: VSCodeDriver | undefined;
    process.stdout.write(`UI ${name} ...\n`);
    try {
      const mod = await import(pathToFileURL(join(__dirname, file)).href);
      const test: UiTest | undefined = mod.default?.default ?? mod.default;
      const options: DriverOptions = mod.options ?? mod.default?.options ?? {};
      if (typeof test !== 'function') throw new Error(`${file} has no default export function`);
      await withTimeout((async () => {
        driver = await VSCodeDriver.start(options);
        await test(driver);
      })(), TEST_TIMEOUT_MS, name);
      results.push({ name, ok: true, ms: Date.now() - started });
      console.log(`  ✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      results.push({ name, ok: false, ms: Date.now() - started, error });
      console.log(`  ✘ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)\n${error.replace(/^/gm, '      ')}`);
      const d = driver as VSCodeDriver | undefined;
      if (d) {
        try { console.log(`      screenshot: ${await d.screenshot(`${name}-FAILED`)}`); } catch { /* page gone */ }
        const tail = d.consoleLog.filter((l) => /error|warn/i.test(l)).slice(-15);
        if (tail.length) console.log(`      page console (errors/warnings):\n${tail.map((l) => `        ${l}`).join('\n')}`);
      }
    } finally {
      const d = driver as VSCodeDriver | undefined;
      await d?.close().catch(() => undefined);
    }
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nUI tests: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
