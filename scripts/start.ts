/**
 * `npm start`: open Gradient Lens in a real VS Code (code-server, provisioned by
 * scripts/provision-vscode.mjs) on examples/, with this folder as the extension under
 * development, and print the local URL. Ctrl+C stops it.
 *   PORT=8080 npm start   (default: 8080, or a free port if that one is taken)
 */
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { freePort, repoRoot, startCodeServer } from '../test/vscode/codeServer';

async function portOrFree(wanted: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => void freePort().then(res));
    srv.listen(wanted, '127.0.0.1', () => srv.close(() => res(wanted)));
  });
}

async function main(): Promise<void> {
  const root = repoRoot(resolve(__dirname));
  const userDataDir = join(root, '.vscode-test', 'start-user-data');
  mkdirSync(userDataDir, { recursive: true });
  const port = await portOrFree(Number(process.env.PORT ?? 8080));
  const server = await startCodeServer({
    workspace: join(root, 'examples'),
    userDataDir,
    port,
    settings: { 'workbench.startupEditor': 'none' },
  });
  const url = server.workbenchUrl({ extensionDevelopmentPath: root });
  console.log('\nGradient Lens is running in VS Code (code-server) on examples/:\n');
  console.log(`  ${url}\n`);
  console.log('Open a file, select an expression, right-click → Show gradients. Ctrl+C stops.\n');
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await server.exited;
  console.log(`code-server exited (${code})`);
  process.exit(typeof code === 'number' ? code : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
