import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStateStore, openStateStore } from '../../src/state/open-store.ts';
import { StateDamagedError, StateLockedError, StateUnavailableError } from '../../src/state/store.ts';

const child = join(import.meta.dirname, 'fixtures', 'store-child.ts');
const run = promisify(execFile);

let dir: string;
let file: string;
let url: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-sqlite-faults-'));
  file = join(dir, 'state', 'mailwarden.db');
  url = `sqlite:${file}`;
});
afterEach(async () => {
  for (const proc of children.splice(0)) if (proc.exitCode === null) proc.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts a second process holding the database open; resolves once it has it. */
async function holder(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [child, 'hold', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  const line = await new Promise<string>((resolve, reject) => {
    proc.stdout?.once('data', (data: Buffer) => resolve(data.toString()));
    proc.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  expect(JSON.parse(line)).toEqual({ opened: true });
  return proc;
}

describe('SQLite store files and faults', () => {
  it('creates the database 0600 in a 0700 directory, in WAL mode', async () => {
    const store = await openStateStore(url);
    await store.syncDomains([{ name: 'a.nl', tags: [] }], '2026-01-01T00:00:00Z');
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(`${file}-wal`)).mode & 0o777).toBe(0o600);
    await store.close();
    const raw = new DatabaseSync(file);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('resolves a relative sqlite: path against the configuration directory', async () => {
    const store = createStateStore('sqlite:./state/mailwarden.db', { baseDir: dir });
    expect(store.location).toBe(file);
    expect(store.kind).toBe('sqlite');
    expect(() => createStateStore('mysql://x@y/z')).toThrow(/sqlite:<path> or postgres:/);
  });

  it('refuses a second store on the same file with StateLockedError naming it, until the first closes', async () => {
    const first = await openStateStore(url);
    const second = createStateStore(url, { lockTimeoutMs: 50 });
    const error = await second.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/another process|second mailwarden/);
    await first.close();
    await second.open();
    await second.close();
  });

  it('refuses a second daemon process, and takes over once that one is killed with -9', async () => {
    const proc = await holder();
    const error = await createStateStore(url, { lockTimeoutMs: 50 })
      .open()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as Error).message).toContain(file);
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    const store = await openStateStore(url);
    expect(await store.global()).toEqual({});
    await store.close();
  });

  it('lets the CLI read and write beside a running daemon (another process), which keeps its lock', async () => {
    const proc = await holder();
    const cli = createStateStore(url, { exclusive: false });
    await cli.open();
    expect(await cli.listOutbox()).toEqual([]);
    await cli.putSilence({
      id: 'beside-the-daemon',
      domains: ['example.nl'],
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2026-01-02T00:00:00Z',
      comment: 'written while the daemon holds the file',
      createdBy: 'test',
      source: 'cli',
    });
    expect((await cli.listSilences()).map((silence) => silence.id)).toEqual(['beside-the-daemon']);
    await cli.close();
    const daemon = await createStateStore(url, { lockTimeoutMs: 50 })
      .open()
      .catch((e: unknown) => e);
    expect(daemon).toBeInstanceOf(StateLockedError);
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
  });

  it('refuses a damaged file with StateDamagedError naming it, and leaves the file as it was', async () => {
    await mkdir(join(dir, 'state'), { recursive: true });
    const garbage = 'this is not a database, it is a state.json someone renamed\n'.repeat(100);
    await writeFile(file, garbage);
    const error = await openStateStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDamagedError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/damaged/);
    expect(await readFile(file, 'utf8')).toBe(garbage);
  });

  it('refuses a database whose schema comes from a newer mailwarden', async () => {
    const store = await openStateStore(url);
    await store.close();
    const raw = new DatabaseSync(file);
    raw.exec(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01')`);
    raw.close();
    const error = await openStateStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDamagedError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/newer/);
  });

  it('says which path cannot be created when the location is not a directory', async () => {
    await writeFile(join(dir, 'state'), 'a file where the state directory should be');
    const error = await openStateStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/ENOTDIR|EEXIST/);
  });

  // Real full and read-only file systems: a small tmpfs in a private mount namespace (needs root, as in CI and the lab).
  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  const inMountNamespace = async (script: string) => {
    const { stdout } = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-ec', script]);
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  asRoot('fails a write to a full disk with StateUnavailableError naming the database', async () => {
    const mount = join(dir, 'small');
    await mkdir(mount);
    const outcomes = await inMountNamespace(
      `mount -t tmpfs -o size=512k tmpfs ${mount}; ${process.execPath} ${child} fill sqlite:${mount}/state/mailwarden.db`,
    );
    expect(outcomes[0]).toEqual({ opened: true });
    expect(outcomes[1]?.error).toBe('StateUnavailableError');
    expect(outcomes[1]?.message).toContain(`${mount}/state/mailwarden.db`);
    expect(outcomes[1]?.message).toMatch(/full/);
    expect(outcomes[1]?.written).toBeGreaterThan(0);
  });

  asRoot('refuses a read-only location with StateUnavailableError naming the database', async () => {
    const mount = join(dir, 'ro');
    await mkdir(mount);
    const db = `${mount}/state/mailwarden.db`;
    const [fresh, existing] = await inMountNamespace(
      `mount -t tmpfs -o ro tmpfs ${mount}; ${process.execPath} ${child} open sqlite:${db}; ` +
        `mount -o remount,rw ${mount}; ${process.execPath} ${child} open sqlite:${db}; ` +
        `mount -o remount,ro ${mount}; ${process.execPath} ${child} open sqlite:${db}`,
    ).then((all) => [all[0], all[2]]);
    expect(fresh?.error).toBe('StateUnavailableError');
    expect(fresh?.message).toContain(db);
    expect(fresh?.message).toMatch(/EROFS/);
    expect(existing?.error).toBe('StateUnavailableError');
    expect(existing?.message).toContain(db);
  });
});
