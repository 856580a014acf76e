import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { createTestDatabase } from '../lab/postgres.ts';
import type { StoreUnderTest } from './store-contract.ts';

/**
 * A new, opened SQLite store in its own temporary directory, for any test that needs a real store. Call `cleanup`
 * (after closing the store) to remove the directory.
 */
export async function tempSqliteStore(): Promise<{
  store: StateStore;
  url: string;
  dir: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-sqlite-'));
  const url = `sqlite:${join(dir, 'state', 'mailwarden.db')}`;
  const store = await openStateStore(url);
  return { store, url, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function sqliteUnderTest(): StoreUnderTest {
  return underTest(tempSqliteStore, 'one store');
}

/**
 * A new, opened PostgreSQL store in a database of its own on the lab's PostgreSQL (started on first use). Call
 * `cleanup` after closing the store: it drops the database.
 */
export async function tempPostgresStore(
  label = 'store',
): Promise<{ store: StateStore; url: string; cleanup(): Promise<void> }> {
  const database = await createTestDatabase(label);
  const store = await openStateStore(database.url);
  return { store, url: database.url, cleanup: database.drop };
}

export function postgresUnderTest(): StoreUnderTest {
  return underTest(() => tempPostgresStore('contract'), 'many stores');
}

/**
 * The contract suite's view of a kind of store: fresh ones from `make`, reopened by URL, all cleaned up. Concurrent
 * writers are more stores on the database (`many stores`) or the same store (`one store`: SQLite's single owner).
 */
function underTest(
  make: () => Promise<{ store: StateStore; url: string; cleanup(): Promise<void> }>,
  writers: 'one store' | 'many stores',
): StoreUnderTest {
  const made: { url: string; cleanup(): Promise<void> }[] = [];
  return {
    async fresh() {
      const temp = await make();
      made.push(temp);
      return temp.store;
    },
    async reopen(store) {
      const url = made.at(-1)?.url;
      if (!url) throw new Error('reopen before fresh');
      await store.close();
      return openStateStore(url);
    },
    async peers(store, count) {
      const url = made.at(-1)?.url;
      if (!url) throw new Error('peers before fresh');
      if (writers === 'one store') return Array.from({ length: count }, () => store);
      return Promise.all(Array.from({ length: count }, () => openStateStore(url)));
    },
    async cleanup() {
      for (const temp of made.splice(0)) await temp.cleanup();
    },
  };
}
