// Runs the extension-host test suite (dist/test/suite/index.js) in a real VS Code via
// @vscode/test-electron's runTests.
//
//   GRADIENT_LENS_VSCODE=offline (default): code-server 4.100.3 (= VS Code 1.100.3) + headless Chromium,
//     via our launcher test/vscode/code-offline (no download; provisioned by scripts/provision-vscode.mjs).
//   GRADIENT_LENS_VSCODE=desktop: runTests downloads desktop VS Code 1.100.3 (needs internet + a display/xvfb).
//
// Built to dist/test/runTest.js; run with `npm run test:vscode`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const VSCODE_VERSION = '1.100.3';

function repoRoot(): string {
  // dist/test/runTest.js → repo root is two levels up.
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'scripts', 'provision-vscode.mjs'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const mode = process.env.GRADIENT_LENS_VSCODE ?? 'offline';
  const extensionDevelopmentPath = root;
  const extensionTestsPath = join(root, 'dist', 'test', 'suite', 'index.js');
  const workspace = join(root, 'examples');
  mkdirSync(workspace, { recursive: true });
  if (!existsSync(extensionTestsPath))
    throw new Error(`${extensionTestsPath} missing: run node scripts/build.mjs first`);

  const common = {
    extensionDevelopmentPath,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { GRADIENT_LENS_TEST: '1' },
  };

  if (mode === 'offline') {
    // Cheap no-op when already provisioned (marker file).
    const p = spawnSync(process.execPath, [join(root, 'scripts', 'provision-vscode.mjs')], { stdio: 'inherit' });
    if (p.status !== 0) throw new Error('provisioning code-server failed');
    await runTests({ ...common, vscodeExecutablePath: join(root, 'test', 'vscode', 'code-offline') });
  } else if (mode === 'desktop') {
    await runTests({ ...common, version: VSCODE_VERSION });
  } else {
    throw new Error(`GRADIENT_LENS_VSCODE must be "offline" or "desktop", not "${mode}"`);
  }
}

main().catch((err) => {
  console.error(`Extension tests failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
