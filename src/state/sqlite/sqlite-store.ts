import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { SqlStateStore } from '../sql/sql-store.ts';
import type { Tables } from '../sql/tables.ts';
import {
  StateDamagedError,
  StateLockedError,
  type StateStoreError,
  StateUnavailableError,
  type StoreKind,
} from '../store.ts';
import { kyselySqliteDatabase } from './node-sqlite-database.ts';

export interface SqliteStoreOptions {
  /** How long a statement waits for a lock (only matters while another process holds the file). Default 5 s. */
  busyTimeoutMs?: number;
  /** How long open() waits for a second daemon to let go of the file before refusing. Default 2 s. */
  lockTimeoutMs?: number;
  /**
   * Take the daemon's lock (default): a second store that asks for it is refused with StateLockedError. The CLI's
   * commands (history, report, outbox, silence) open without it, so they work while the daemon runs.
   */
  exclusive?: boolean;
}

/**
 * The embedded store: one SQLite file through `node:sqlite` (built into Node 24, no native build), WAL, and the
 * daemon's lock: an exclusive lock on a small companion file (`<file>.lock`, itself a SQLite database) held from
 * open() to close(), so a second daemon on the same file is refused while the CLI can still read and write the
 * database beside the daemon (WAL lets readers and one writer at a time share it). The operating system drops that
 * lock when the process dies, even by kill -9, so a crash never leaves a stale lock behind.
 */
export class SqliteStateStore extends SqlStateStore {
  readonly kind: StoreKind = 'sqlite';
  readonly location: string;
  protected readonly leastFn = 'min';
  protected readonly greatestFn = 'max';
  readonly #options: Required<SqliteStoreOptions>;
  #lock: DatabaseSync | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    super();
    this.location = path;
    this.#options = {
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      lockTimeoutMs: options.lockTimeoutMs ?? 2000,
      exclusive: options.exclusive ?? true,
    };
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.#lock?.close();
      this.#lock = undefined;
    }
  }

  /** The daemon's lock: an exclusive lock on `<file>.lock`, kept (locking_mode EXCLUSIVE) until it is closed. */
  private takeLock(path: string): void {
    const lockPath = `${path}.lock`;
    if (!existsSync(lockPath)) closeSync(openSync(lockPath, 'a', 0o600));
    const lock = new DatabaseSync(lockPath, { timeout: this.#options.lockTimeoutMs });
    try {
      lock.exec('PRAGMA locking_mode = EXCLUSIVE');
      lock.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      lock.close();
      throw error;
    }
    this.#lock = lock;
  }

  protected async connect(): Promise<Kysely<Tables>> {
    const path = this.location;
    if (path !== ':memory:') this.createFile(path);
    let native: DatabaseSync;
    try {
      if (this.#options.exclusive && path !== ':memory:') this.takeLock(path);
      native = new DatabaseSync(path, { timeout: this.#options.lockTimeoutMs });
    } catch (error) {
      this.#lock?.close();
      this.#lock = undefined;
      throw this.classify(error, 'open') ?? error;
    }
    try {
      const mode = native.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string } | undefined;
      if (path !== ':memory:' && mode?.journal_mode !== 'wal')
        throw new StateUnavailableError(
          `the state database ${path} cannot use WAL (journal_mode ${mode?.journal_mode})`,
        );
      native.exec(`PRAGMA busy_timeout = ${Math.floor(this.#options.busyTimeoutMs)}`);
      // WAL + NORMAL: a commit survives the process being killed (kill -9); only a power loss may take the last
      // commits back (SQLite's documented trade-off), and the outbox's at-least-once delivery covers that.
      native.exec('PRAGMA synchronous = NORMAL');
      // After a checkpoint the WAL is cut back to this size instead of keeping its largest size on disk for good.
      native.exec(`PRAGMA journal_size_limit = ${64 * 1024 * 1024}`);
      native.prepare('SELECT count(*) FROM sqlite_master').get();
      // Fresh planner statistics where they are missing or stale (cheap; SQLite's advice for long-lived connections).
      native.exec('PRAGMA optimize = 0x10002');
    } catch (error) {
      native.close();
      this.#lock?.close();
      this.#lock = undefined;
      throw this.classify(error, 'open') ?? error;
    }
    return new Kysely<Tables>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(native) }) });
  }

  /** The directory 0700 and the file 0600 before SQLite opens it (its -wal file then copies the file's mode). */
  private createFile(path: string): void {
    try {
      makeDirectories(dirname(path));
      if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new StateUnavailableError(
        `cannot create the state database ${path}: ${reason} (${(error as Error).message})`,
      );
    }
  }

  protected classify(error: unknown, doing: string): StateStoreError | undefined {
    const e = error as { errcode?: number; errstr?: string; message?: string; code?: string };
    if (typeof e?.errcode !== 'number' && !/sqlite/i.test(e?.code ?? '')) return undefined;
    const primary = (e.errcode ?? 0) & 0xff;
    const why = e.message ?? e.errstr ?? String(error);
    const file = this.location;
    switch (primary) {
      case 5: // SQLITE_BUSY
      case 6: // SQLITE_LOCKED
        return new StateLockedError(
          `the state database ${file} is locked by another process (is a second mailwarden daemon running on it?): ${why}`,
        );
      case 11: // SQLITE_CORRUPT
      case 26: // SQLITE_NOTADB
        return new StateDamagedError(
          `the state database ${file} is damaged (${why}); restore it from a backup or move it away`,
        );
      case 13: // SQLITE_FULL
        return new StateUnavailableError(`cannot ${doing} the state database ${file}: the disk is full (${why})`);
      case 8: // SQLITE_READONLY
      case 10: // SQLITE_IOERR
      case 14: // SQLITE_CANTOPEN
      case 23: // SQLITE_AUTH
      case 3: // SQLITE_PERM
        return new StateUnavailableError(`cannot ${doing} the state database ${file}: ${why}`);
      default:
        return undefined;
    }
  }
}

/** mkdir -p with mode 0700, one level at a time so a failure says why (a recursive mkdir reports EROFS as ENOENT). */
function makeDirectories(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectories(parent);
  mkdirSync(dir, { mode: 0o700 });
}
