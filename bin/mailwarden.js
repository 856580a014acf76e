#!/usr/bin/env node
// The installed `mailwarden` command (npm link, npx, a global install). Plain JavaScript on purpose: the `node`
// that the shebang finds may be older than the Node 24 mailwarden needs to run its TypeScript sources (a system
// Node 20 fails with ERR_UNKNOWN_FILE_EXTENSION ".ts"). So this finds the Node pinned in package.json (the `node`
// npm package) and runs src/cli.ts with it, passing arguments, standard streams, signals and the exit code through.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function pinnedNode() {
  try {
    const pkg = createRequire(import.meta.url).resolve('node/package.json');
    const binary = join(dirname(pkg), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const major = Number(process.versions.node.split('.')[0]);
const node = pinnedNode();
if (node === undefined && major >= 24) {
  await import(cli);
} else if (node === undefined) {
  process.stderr.write(
    `mailwarden needs Node.js 24 or newer (this is ${process.versions.node}) and found no pinned Node in ` +
      'node_modules/node: run npm install in the mailwarden directory.\n',
  );
  process.exit(3);
} else {
  const child = spawn(node, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 3);
  });
}
