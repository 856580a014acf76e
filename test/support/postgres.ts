import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/mailwarden */
  url: string;
  port: number;
  readonly pid: number;
  /** Stops the server by pid (fast shutdown) and starts it again on the same data directory and port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster for the cluster tests: initdb into a temporary directory (as the `postgres` user
 * when run as root), listening on 127.0.0.1 only, trust authentication (loopback inside the test's own network
 * namespace), stopped by pid. Debian's postgresql 15 must be installed.
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!existsSync(`${BIN}/initdb`)) throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb): apt-get install postgresql`);
  const root = mkdtempSync(join(tmpdir(), 'mw-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? postgresIds() : undefined;
  if (ids) {
    chownSync(root, ids.uid, ids.gid);
    chmodSync(root, 0o700);
  }
  execFileSync(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'ignore',
    ...(ids ?? {}),
  });
  const port = await freePort();
  let child: ChildProcess = await launch(data, root, port, ids);
  const url = `postgres://postgres@127.0.0.1:${port}/mailwarden`;
  await createDatabase(port);
  return {
    url,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    async restart(downMs = 0) {
      await stopChild(child);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(data, root, port, ids);
    },
    async stop() {
      await stopChild(child);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function launch(
  data: string,
  socketDir: string,
  port: number,
  ids: { uid: number; gid: number } | undefined,
): Promise<ChildProcess> {
  const child = spawn(
    `${BIN}/postgres`,
    [
      '-D',
      data,
      '-k',
      socketDir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ],
    { stdio: 'ignore', ...(ids ?? {}) },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode} at start`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('postgres did not accept connections within 30 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function createDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query('create database mailwarden');
  } finally {
    await client.end();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // PostgreSQL's fast shutdown
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
