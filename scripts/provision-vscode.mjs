#!/usr/bin/env node
// Provision a real VS Code that works offline: code-server (VS Code server + workbench, from
// the npm registry) plus Debian's Chromium to open it. Recipe: /work/shared/docs/vscode-offline.md
//
//   node scripts/provision-vscode.mjs          # idempotent; second run is a no-op (< 1 s)
//   node scripts/provision-vscode.mjs --force  # wipe the cache folder and redo it
//
// Result: .vscode-test/code-server-<version>/node_modules/code-server/out/node/entry.js (a symlink, see below)
// A marker file (.provisioned) written at the very end makes later runs skip everything.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  rmSync,
  writeFileSync,
  readFileSync,
  copyFileSync,
  symlinkSync,
  lstatSync,
  unlinkSync,
  chmodSync,
  readlinkSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'pkg-config', 'ripgrep'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The install lives OUTSIDE the repository and .vscode-test/code-server-<version> is a symlink to it.
// Reason: the repository root is the extension under development, and VS Code in extension-development
// mode treats every theme whose location is inside that folder as the extension's own theme: with
// code-server's built-in themes under the repo it ignores `workbench.colorTheme` (always Light+, minimal
// icons). Node resolves the symlink, so VS Code sees the real path. GRADIENT_LENS_VSCODE_CACHE overrides.
const cacheDir = resolve(
  process.env.GRADIENT_LENS_VSCODE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gradient-lens'),
);
const dir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const link = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const marker = join(dir, '.provisioned');
const csDir = join(dir, 'node_modules', 'code-server');
const vsDir = join(csDir, 'lib', 'vscode');
const entry = join(csDir, 'out', 'node', 'entry.js');

const t0 = Date.now();
const log = (msg) => console.log(`[provision] ${msg}`);
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function run(cmd, args, cwd, extraEnv = {}) {
  log(`$ (cd ${cwd.startsWith(root) ? '.' + cwd.slice(root.length) : cwd}) ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
      ...extraEnv,
    },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}) in ${cwd}`);
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureSymlink(target, path) {
  try {
    if (lstatSync(path)) unlinkSync(path);
  } catch {
    /* absent */
  }
  symlinkSync(target, path);
}

/** .vscode-test/code-server-<version> -> the real install (replaces an old in-repo directory). */
function ensureLink() {
  let st;
  try {
    st = lstatSync(link);
  } catch {
    /* absent */
  }
  if (st?.isSymbolicLink() && readlinkSync(link) === dir) return;
  if (st && !st.isSymbolicLink()) {
    log(`removing ${relative(root, link)} (old in-repo install; see the comment at the top of this script)`);
    rmSync(link, { recursive: true, force: true });
  }
  mkdirSync(dirname(link), { recursive: true });
  log(`symlink ${relative(root, link)} -> ${dir}`);
  ensureSymlink(dir, link);
}

function main() {
  const force = process.argv.includes('--force');
  const missing = missingAptPackages();
  if (
    !force &&
    missing.length === 0 &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION
  ) {
    ensureLink();
    log(`code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) already provisioned in ${dir} (${elapsed()})`);
    return;
  }

  // 1. System packages (root only).
  if (missing.length) {
    if (process.getuid && process.getuid() !== 0) {
      throw new Error(
        `missing Debian packages: ${missing.join(' ')}; run as root or: sudo apt-get install -y ${missing.join(' ')}`,
      );
    }
    log(`installing Debian packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-q'], root, { DEBIAN_FRONTEND: 'noninteractive' });
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], root, {
      DEBIAN_FRONTEND: 'noninteractive',
    });
  } else {
    log(`Debian packages present: ${APT_PACKAGES.join(' ')}`);
  }

  // 2. code-server from npm (no install scripts: they need the network / --unsafe-perm).
  if (existsSync(dir)) {
    log(`removing ${force ? '' : 'incomplete '}${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'vscode-offline-cache', private: true, version: '0.0.0' }, null, 2),
  );
  run('npm', ['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], dir);
  run('npm', ['rebuild', 'argon2'], dir);

  // 3. VS Code's own runtime dependencies, native modules rebuilt, ripgrep from Debian.
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vsDir);
  const rgBin = join(vsDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  log(`cp /usr/bin/rg ${rgBin.replace(root + '/', '')}/`);
  copyFileSync('/usr/bin/rg', join(rgBin, 'rg'));
  chmodSync(join(rgBin, 'rg'), 0o755);
  run('npm', ['rebuild'], vsDir);
  log('symlinks: node_modules.asar, bin/remote-cli/code-server, bin/helpers/browser.sh');
  ensureSymlink('node_modules', join(vsDir, 'node_modules.asar'));
  ensureSymlink('code-linux.sh', join(vsDir, 'bin', 'remote-cli', 'code-server'));
  ensureSymlink('browser-linux.sh', join(vsDir, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev'], join(vsDir, 'extensions'));

  // 4. Check and mark done.
  const version = execFileSync(process.execPath, [entry, '--version'], { encoding: 'utf8' }).trim();
  log(`code-server --version: ${version.split('\n').find((l) => l.includes('with Code')) ?? version}`);
  if (!version.includes(`Code ${VSCODE_VERSION}`)) throw new Error(`unexpected version output: ${version}`);
  writeFileSync(marker, CODE_SERVER_VERSION + '\n');
  ensureLink();
  log(`done in ${elapsed()}`);
}

try {
  main();
} catch (err) {
  console.error(`[provision] FAILED: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
