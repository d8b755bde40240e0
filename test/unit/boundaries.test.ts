/**
 * Module boundaries, checked rather than intended:
 * - src/core is pure: no vscode, no ts-morph, no node built-ins, nothing outside src/core.
 * - src/parse uses ts-morph and core only (no vscode).
 * - src/shared/protocol.ts is type-only.
 * - only webview/toolkit.ts imports @vscode/webview-ui-toolkit; webview/ never imports vscode or ts-morph.
 * - the extension host never imports src/parse at runtime (ts-morph loads lazily from dist/parser.js).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  const stack = [join(root, dir)];
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.tsx?$/.test(name)) out.push(p);
    }
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5];
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ spec, typeOnly: Boolean(m[2]), line });
  }
  return out;
}

const rel = (f: string) => relative(root, f);
const resolved = (file: string, spec: string) => (spec.startsWith('.') ? rel(resolve(dirname(file), spec)) : spec);

describe('module boundaries', () => {
  it('the import scanner sees imports (guards against a scanner that finds nothing)', () => {
    const found = imports(join(root, 'src/extension.ts')).map((i) => i.spec);
    assert.ok(found.includes('vscode'));
    assert.ok(imports(join(root, 'webview/toolkit.ts')).some((i) => i.spec === '@vscode/webview-ui-toolkit'));
  });

  it('src/core is pure TypeScript: imports only other src/core modules', () => {
    for (const f of files('src/core')) {
      for (const i of imports(f)) {
        const target = resolved(f, i.spec);
        assert.ok(target.startsWith('src/core/'), `${rel(f)}:${i.line} imports '${i.spec}'`);
      }
    }
  });

  it('src/parse uses ts-morph and core only, never vscode', () => {
    for (const f of files('src/parse')) {
      for (const i of imports(f)) {
        const target = resolved(f, i.spec);
        assert.ok(
          target === 'ts-morph' || target.startsWith('src/core/') || target.startsWith('src/parse/'),
          `${rel(f)}:${i.line} imports '${i.spec}'`,
        );
      }
    }
  });

  it('the protocol module is type-only', () => {
    const f = join(root, 'src/shared/protocol.ts');
    for (const i of imports(f)) assert.ok(i.typeOnly, `protocol.ts:${i.line} has a runtime import of '${i.spec}'`);
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(
      code,
      /^\s*export\s+(const|let|var|function|class|enum)\b/m,
      'protocol.ts exports runtime values',
    );
  });

  it('only webview/toolkit.ts touches the UI toolkit; the webview never imports vscode, ts-morph or host code', () => {
    for (const f of [...files('webview'), ...files('src')]) {
      for (const i of imports(f)) {
        if (i.spec.startsWith('@vscode/webview-ui-toolkit'))
          assert.equal(rel(f), 'webview/toolkit.ts', `${rel(f)}:${i.line}`);
        if (rel(f).startsWith('webview/')) {
          const target = resolved(f, i.spec);
          assert.ok(
            !['vscode', 'ts-morph'].includes(target) &&
              !target.startsWith('src/host') &&
              !target.startsWith('src/parse'),
            `${rel(f)}:${i.line} imports '${i.spec}'`,
          );
        }
      }
    }
  });

  it('the extension host loads the parser lazily: no runtime import of src/parse or ts-morph', () => {
    for (const f of [join(root, 'src/extension.ts'), ...files('src/host')]) {
      for (const i of imports(f)) {
        const target = resolved(f, i.spec);
        if (target === 'ts-morph' || target.startsWith('src/parse')) {
          assert.ok(i.typeOnly, `${rel(f)}:${i.line} imports '${i.spec}' at runtime`);
        }
      }
    }
  });
});
