// Documents for extension-host tests. Each is a new file with a unique name in a temp folder,
// opened (never saved by the tests). Untitled documents (`openTextDocument({ content })`) are
// not safe here: code-server reuses their Untitled-N names, and a test could get another test's text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const made: string[] = [];

/** A new empty folder `<prefix>XXXXXX` in the temp folder, removed after the tests (below). */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}

// A root hook (this module is bundled into each test file that uses it: one hook per file, for
// that file's folders): a test run leaves nothing in the temp folder.
after(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const dir = tempFolder('gradient-lens-suite-');
let count = 0;

export async function scratchDocument(content: string): Promise<vscode.TextDocument> {
  const file = join(dir, `scratch-${++count}.ts`);
  writeFileSync(file, content);
  return vscode.workspace.openTextDocument(vscode.Uri.file(file));
}
