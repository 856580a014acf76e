import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/store.ts';
import { domainState, storeContract } from './store-contract.ts';
import { postgresUnderTest, tempPostgresStore } from './store-helpers.ts';

storeContract('PostgreSQL', postgresUnderTest());

describe('PostgreSQL store: steady checks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('leaves the rows of unchanged open alerts in place (no dead rows per cycle)', async () => {
    const temp = await tempPostgresStore('steady');
    const store: StateStore = temp.store;
    cleanups.push(async () => {
      await store.close();
      await temp.cleanup();
    });
    const client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    cleanups.unshift(() => client.end());
    const places = async () =>
      (await client.query('SELECT domain, ctid::text AS place FROM open_alerts ORDER BY domain')).rows;
    await store.syncDomains(
      [
        { name: 'a.nl', tags: [] },
        { name: 'b.nl', tags: [] },
      ],
      '2026-01-01T00:00:00.000Z',
    );
    const a = domainState('a.nl', { 'spf.policy': 'fail' }, { openAlert: true });
    const b = domainState('b.nl', { 'dane.match': 'fail' }, { openAlert: true });
    const write = { history: [], standards: [], records: [], outbox: [] };
    await store.commitBatch({ ...write, domains: [a, b] });
    const before = await places();
    const a2 = structuredClone(a);
    a2.findings['spf.policy|a.nl']!.open!.lastNotifiedAt = '2026-01-01T05:00:00.000Z';
    await store.commitBatch({ ...write, domains: [a2, b] });
    const after = await places();
    expect(after.find((row) => row.domain === 'b.nl')?.place).toBe(before.find((row) => row.domain === 'b.nl')?.place);
    expect(after.find((row) => row.domain === 'a.nl')?.place).not.toBe(
      before.find((row) => row.domain === 'a.nl')?.place,
    );
  });
});
