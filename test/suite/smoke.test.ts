// Smoke test in the real extension host: the VS Code API is there and our extension is loaded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// publisher.name from package.json
const EXTENSION_ID = 'gradient-lens.gradient-lens';

describe('smoke', () => {
  it('runs inside VS Code 1.x', () => {
    assert.match(vscode.version, /^1\./);
  });

  it('has the extension under development loaded', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('opened the examples/ workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.match(folders[0].uri.path, /\/examples$/);
  });
});
