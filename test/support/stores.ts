import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { labInfo } from '../lab/info.ts';

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

let counter = 0;

export async function testDatabase(kind: TestStoreKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'mw-store-'));
    const url = `sqlite:${join(dir, 'state', 'mailwarden.db')}`;
    return {
      kind,
      url,
      open: async () => {
        const store = openStateStore(url);
        await store.open();
        return store;
      },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const server = labInfo().postgres;
  if (!server) throw new Error('the lab has no PostgreSQL (test/lab/lib/postgres.ts)');
  const name = `mw_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    open: async () => {
      const store = openStateStore(url.toString());
      await store.open();
      return store;
    },
    remove: async () => {
      const cleanup = new pg.Client({ connectionString: server.url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
