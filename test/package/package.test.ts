/**
 * `npm run package` builds a .vsix that holds only what the extension runs:
 * dist/ bundles, media/, README, LICENSE, CHANGELOG and package.json.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = resolve(__dirname, '../..');
const vsix = join(root, 'gradient-lens.vsix');

interface Entry {
  name: string;
  size: number;
  read(): Buffer;
}

/** The entries of a zip file, from its central directory. */
function zipEntries(buf: Buffer): Entry[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    out.push({
      name,
      size,
      read: () => {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + csize);
        return method === 8 ? inflateRawSync(data) : Buffer.from(data);
      },
    });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

describe('the .vsix package', function () {
  let entries: Entry[];
  before(function () {
    this.timeout(300_000);
    execFileSync('npm', ['run', 'package'], { cwd: root, stdio: 'pipe' });
    entries = zipEntries(readFileSync(vsix));
  });

  it('holds only dist bundles, media, README, LICENSE, CHANGELOG and package.json', () => {
    const allowed = [
      /^extension\.vsixmanifest$/,
      /^\[Content_Types\]\.xml$/,
      /^extension\/package\.json$/,
      /^extension\/readme\.md$/,
      /^extension\/LICENSE(\.txt)?$/,
      /^extension\/changelog\.md$/,
      /^extension\/dist\/(extension|parser|webview|\w+Worker)\.js$/,
      /^extension\/media\/[\w.-]+\.(css|svg|png)$/,
    ];
    for (const e of entries)
      assert.ok(
        allowed.some((r) => r.test(e.name)),
        `unexpected file in the .vsix: ${e.name}`,
      );
    const names = entries.map((e) => e.name);
    for (const required of [
      'extension/package.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/parser.js',
      'extension/dist/webview.js',
      'extension/media/panel.css',
    ]) {
      assert.ok(names.includes(required), `missing ${required}`);
    }
    assert.ok(
      names.some((n) => /^extension\/LICENSE/.test(n)),
      'missing LICENSE',
    );
  });

  it('is small, and the activation bundle does not carry ts-morph', () => {
    const bytes = statSync(vsix).size;
    assert.ok(bytes < 4 * 1024 * 1024, `the .vsix is ${(bytes / 1e6).toFixed(2)} MB`);
    const ext = entries.find((e) => e.name === 'extension/dist/extension.js')!;
    assert.ok(ext.size < 200 * 1024, `dist/extension.js is ${ext.size} bytes`);
    assert.doesNotMatch(ext.read().toString('utf8'), /createSourceFile|ts-morph/);
  });

  it('points main at a file it contains and declares the Show gradients command', () => {
    const pkg = JSON.parse(
      entries
        .find((e) => e.name === 'extension/package.json')!
        .read()
        .toString('utf8'),
    );
    const main = 'extension/' + pkg.main.replace(/^\.\//, '');
    assert.ok(
      entries.some((e) => e.name === main),
      `main ${pkg.main} is not in the package`,
    );
    assert.ok(
      pkg.contributes.commands.some(
        (c: { command: string; title: string }) =>
          c.command === 'gradientLens.showGradients' && c.title === 'Show gradients',
      ),
    );
  });
});
