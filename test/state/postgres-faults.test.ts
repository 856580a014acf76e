import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStateStore, openStateStore } from '../../src/state/open-store.ts';
import { StateUnavailableError } from '../../src/state/store.ts';
import { labInfo } from '../lab/info.ts';
import { labPostgres, type PrivatePostgres, startPrivatePostgres } from '../lab/postgres.ts';

const batch = (domain: string, at: string) => ({
  domains: [{ domain, findings: {}, reports: 1, lastCheckedAt: at, nextDueAt: at }],
  history: [],
  standards: [{ domain, standard: 'spf', status: 'ok' as const, at }],
  records: [],
  outbox: [{ id: `o-${domain}`, route: 'r', channel: 'c', createdAt: at, attempts: 0, nextAttemptAt: at, notices: [] }],
});

describe('PostgreSQL store faults', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('is in the lab info once a test asked for it', async () => {
    const info = await labPostgres();
    expect(labInfo().postgres).toEqual(info);
    expect(info.url).toMatch(/^postgres:\/\/mailwarden:.+@127\.54\.0\.1:5432\/mailwarden$/);
  });

  it('refuses an unreachable server with StateUnavailableError naming it, without the password', async () => {
    const url = 'postgres://mailwarden:s3cret@127.54.0.254:5432/mailwarden';
    const error = await openStateStore(url, { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toContain('postgres://mailwarden@127.54.0.254:5432/mailwarden');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('takes the password from the URL or separately, and names the database when it is refused', async () => {
    const database = await server.createDatabase('password');
    try {
      const bare = database.url.replace(`:${server.password}@`, '@');
      const store = await openStateStore(bare, { password: server.password });
      expect(store.location).toBe(bare);
      await store.close();
      const wrong = await openStateStore(bare, { password: 'wrong' }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(StateUnavailableError);
      expect((wrong as Error).message).toContain(bare);
      expect((wrong as Error).message).toMatch(/password/);
      const missing = await openStateStore(bare.replace(database.name, 'no_such_db'), {
        password: server.password,
      }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(StateUnavailableError);
      expect((missing as Error).message).toMatch(/no_such_db/);
    } finally {
      await database.drop();
    }
  });

  it('fails calls with StateUnavailableError while the server is down and works again once it is back', async () => {
    const database = await server.createDatabase('reconnect');
    const store = createStateStore(database.url, { connectTimeoutMs: 2000 });
    try {
      await store.open();
      await store.syncDomains([{ name: 'a.nl', tags: [] }], '2026-01-01T00:00:00Z');
      await store.commitBatch(batch('a.nl', '2026-01-01T01:00:00Z'));
      await server.stop();
      const during = await store.commitBatch(batch('b.nl', '2026-01-01T02:00:00Z')).catch((e: unknown) => e);
      expect(during).toBeInstanceOf(StateUnavailableError);
      expect((during as Error).message).toContain(store.location);
      await expect(store.loadDomains(['a.nl'])).rejects.toBeInstanceOf(StateUnavailableError);
      await server.start();
      // The daemon holds the batch and retries it: the same write now succeeds, and nothing was lost or doubled.
      expect((await store.commitBatch(batch('b.nl', '2026-01-01T02:00:00Z'))).outboxAdded).toEqual(['o-b.nl']);
      expect([...(await store.loadDomains(['a.nl', 'b.nl'])).keys()].sort()).toEqual(['a.nl', 'b.nl']);
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o-a.nl', 'o-b.nl']);
    } finally {
      await store.close();
      await database.drop();
    }
  }, 60_000);
});
