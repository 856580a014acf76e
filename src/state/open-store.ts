import { isAbsolute, resolve } from 'node:path';
import { PostgresStateStore, type PostgresStoreOptions } from './postgres/postgres-store.ts';
import { SqliteStateStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import { type StateStore, StateStoreError } from './store.ts';

/** The default `state.url`: one SQLite file beside the configuration. */
export const DEFAULT_STATE_URL = 'sqlite:./state/mailwarden.db';

export interface StateStoreOptions extends SqliteStoreOptions, PostgresStoreOptions {
  /** A relative SQLite path is relative to this directory (the configuration file's). Default: the working directory. */
  baseDir?: string;
}

/**
 * The store a `state.url` names, not yet opened: `sqlite:<path>` (relative to baseDir; `sqlite::memory:` for a
 * throw-away database) or `postgres://user[:password]@host[:port]/db` (`postgresql://` too; the password may come
 * separately, already resolved from `${ENV}` or `file:` by the configuration).
 */
export function createStateStore(url: string, options: StateStoreOptions = {}): StateStore {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StateStoreError(`state.url ${url} names no file: use sqlite:<path>`);
    if (path === ':memory:') return new SqliteStateStore(path, options);
    return new SqliteStateStore(isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path), options);
  }
  if (/^postgres(ql)?:\/\//.test(url)) return new PostgresStateStore(url, options);
  throw new StateStoreError(
    `state.url must be sqlite:<path> or postgres://user@host:port/db, not ${url.replace(/:[^:@/]*@/, ':***@')}`,
  );
}

/** createStateStore, then open(): connected, locked and migrated, or a typed error naming the database. */
export async function openStateStore(url: string, options: StateStoreOptions = {}): Promise<StateStore> {
  const store = createStateStore(url, options);
  await store.open();
  return store;
}
