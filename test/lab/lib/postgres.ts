import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LabProcess, logTail, startDaemon, stopDaemon } from './daemon.ts';
import { exec, sleep } from './exec.ts';
import { serverDir } from './paths.ts';

/**
 * Debian's PostgreSQL as a cluster of the lab's own: initdb into run/<name>/data, the server on a loopback address
 * of its own (127.54.0.x, port 5432), password (SCRAM) authentication over TCP, stopped by pid with SIGINT (fast
 * shutdown). Run as the `postgres` user when the lab runs as root (PostgreSQL refuses root).
 */
export interface PostgresInstance {
  name: string;
  address: string;
  port: number;
}

/** What a test needs to reach a lab PostgreSQL; `url` carries the password. */
export interface LabPostgres {
  url: string;
  address: string;
  port: number;
  user: string;
  password: string;
  /** The database `url` names (tests create their own beside it: see test/lab/postgres.ts). */
  database: string;
}

export const sharedPostgres: PostgresInstance = { name: 'postgres', address: '127.54.0.1', port: 5432 };
export const labPostgresUser = 'mailwarden';
export const labPostgresPassword = 'lab-only-secret';
export const labPostgresDatabase = 'mailwarden';

export function postgresInfo(instance: PostgresInstance, database = labPostgresDatabase): LabPostgres {
  return {
    url: `postgres://${labPostgresUser}:${labPostgresPassword}@${instance.address}:${instance.port}/${database}`,
    address: instance.address,
    port: instance.port,
    user: labPostgresUser,
    password: labPostgresPassword,
    database,
  };
}

/** The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const major = majors[0];
  if (!major) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql package`);
  return join(root, major, 'bin');
}

/** The `postgres` user's ids when the lab runs as root (PostgreSQL refuses to run as root); nothing otherwise. */
async function serverOwner(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await exec('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

/** Creates the cluster (once per run dir) and starts its server; resolves when it accepts the lab user's logins. */
export async function startPostgres(instance: PostgresInstance = sharedPostgres): Promise<LabProcess> {
  const dir = serverDir(instance.name);
  const data = join(dir, 'data');
  const owner = await serverOwner();
  mkdirSync(dir, { recursive: true });
  if (owner.uid !== undefined && owner.gid !== undefined) chownSync(dir, owner.uid, owner.gid);
  const bin = postgresBinDir();
  if (!existsSync(join(data, 'PG_VERSION'))) {
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${labPostgresPassword}\n`, { mode: 0o600 });
    if (owner.uid !== undefined && owner.gid !== undefined) chownSync(pwfile, owner.uid, owner.gid);
    await execAs(owner, join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      labPostgresUser,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    chmodSync(data, 0o700);
  }
  const proc = startDaemon(
    instance.name,
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-c',
      `listen_addresses=${instance.address}`,
      '-p',
      String(instance.port),
      '-c',
      `unix_socket_directories=${dir}`,
      // A test database: no fsync (a crash of the machine may lose it; a killed server loses nothing committed).
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'shared_buffers=64MB',
      '-c',
      'max_connections=200',
      '-c',
      'log_min_messages=warning',
    ],
    join(dir, 'postgres.log'),
    join(dir, 'lab.pid'),
    { ...owner, stopSignal: 'SIGINT' },
  );
  try {
    await waitForLogin(instance, proc);
    await ensureDatabase(instance, labPostgresDatabase);
  } catch (error) {
    await stopDaemon(proc);
    throw error;
  }
  return proc;
}

async function execAs(owner: { uid?: number; gid?: number }, program: string, args: string[]): Promise<void> {
  if (owner.uid === undefined) {
    await exec(program, args);
    return;
  }
  await exec('setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', program, ...args]);
}

/** Runs one SQL statement as the lab user against the `postgres` database, through psql over TCP. */
export async function postgresAdmin(instance: PostgresInstance, statement: string): Promise<string> {
  const { stdout } = await exec(join(postgresBinDir(), 'psql'), [
    postgresInfo(instance, 'postgres').url,
    '-v',
    'ON_ERROR_STOP=1',
    '-Atc',
    statement,
  ]);
  return stdout.trim();
}

export async function ensureDatabase(instance: PostgresInstance, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`not a plain database name: ${database}`);
  const exists = await postgresAdmin(instance, `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (exists !== '1') await postgresAdmin(instance, `CREATE DATABASE ${database}`);
}

async function waitForLogin(instance: PostgresInstance, proc: LabProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      await postgresAdmin(instance, 'SELECT 1');
      return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `PostgreSQL on ${instance.address}:${instance.port} did not accept logins (${last}). Log:\n${logTail(proc.logFile)}`,
  );
}
