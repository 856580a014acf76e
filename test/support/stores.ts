import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { createTestDatabase } from '../lab/postgres.ts';

export type TestStoreKind = 'sqlite' | 'postgres';

/** Both stores: every daemon test runs against each (PostgreSQL from the lab). */
export const STORE_KINDS: TestStoreKind[] = ['sqlite', 'postgres'];

/**
 * A place for one test's state that can be opened, closed and opened again (a restart), then removed: a SQLite file
 * in a temporary directory, or a database of its own on the lab's PostgreSQL.
 */
export interface TestDatabase {
  kind: TestStoreKind;
  /** The state.url a configuration would carry. */
  url: string;
  open(): Promise<StateStore>;
  remove(): Promise<void>;
}

export async function testDatabase(kind: TestStoreKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'mw-store-'));
    const url = `sqlite:${join(dir, 'state', 'mailwarden.db')}`;
    return {
      kind,
      url,
      open: async () => {
        const store = createStateStore(url);
        await store.open();
        return store;
      },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const database = await createTestDatabase('store');
  return {
    kind,
    url: database.url,
    open: async () => {
      const store = createStateStore(database.url);
      await store.open();
      return store;
    },
    remove: () => database.drop(),
  };
}
