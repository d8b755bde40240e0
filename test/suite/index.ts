// Mocha bootstrap that runs INSIDE the VS Code extension host (VS Code calls run() because
// dist/test/suite/index.js is the extensionTestsPath). It runs every dist/test/suite/**/*.test.js,
// which scripts/build.mjs builds from test/suite/**/*.test.ts (one bundle per file, `vscode` external).
//
// To add tests: create test/suite/<name>.test.ts using describe/it (mocha BDD globals) and
// `import * as vscode from 'vscode'`; `npm run test:vscode` builds and runs it.
// Env: GRADIENT_LENS_GREP=<regex> runs only matching tests.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false, // output is forwarded line by line through the workbench, not a TTY
    timeout: Number(process.env.GRADIENT_LENS_MOCHA_TIMEOUT_MS ?? 20_000),
    // On CI a failing test is retried once (the failed attempt is logged as FLAKY); locally never.
    retries: Number(process.env.GRADIENT_LENS_RETRIES ?? (process.env.CI ? 1 : 0)),
    ...(process.env.GRADIENT_LENS_GREP ? { grep: process.env.GRADIENT_LENS_GREP } : {}),
  });
  const files = (readdirSync(__dirname, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));

  return new Promise((resolve, reject) => {
    if (!files.length) return reject(new Error(`no *.test.js files in ${__dirname}`));
    try {
      const runner = mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed.`));
        else resolve();
      });
      runner.on('retry', (test: Mocha.Test, err: Error) => {
        console.log(`  ↻ FLAKY? retrying "${test.fullTitle()}" after: ${err.message.split('\n')[0]}`);
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
