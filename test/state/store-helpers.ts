import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
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
  const made: { url: string; cleanup(): Promise<void> }[] = [];
  return {
    async fresh() {
      const temp = await tempSqliteStore();
      made.push(temp);
      return temp.store;
    },
    async reopen(store) {
      const url = made.at(-1)?.url;
      if (!url) throw new Error('reopen before fresh');
      await store.close();
      return openStateStore(url);
    },
    async cleanup() {
      for (const temp of made.splice(0)) await temp.cleanup();
    },
  };
}
