// Documents for extension-host tests. Each is a new file with a unique name in a temp folder,
// opened (never saved by the tests). Untitled documents (`openTextDocument({ content })`) are
// not safe here: code-server reuses their Untitled-N names, and a test could get another test's text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-suite-'));
let count = 0;

export async function scratchDocument(content: string): Promise<vscode.TextDocument> {
  const file = join(dir, `scratch-${++count}.ts`);
  writeFileSync(file, content);
  return vscode.workspace.openTextDocument(vscode.Uri.file(file));
}
