import { afterEach, describe, expect, it } from 'vitest';
import { emptyQueryStats } from '../../src/dns/query-stats.ts';
import { Transport } from '../../src/dns/transport.ts';
import { UdpPool } from '../../src/dns/udp-pool.ts';
import { type FakeServer, responseTo, startFakeServer } from './fake-server.ts';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('UdpPool', () => {
  it('retires a socket after rotateAfter queries, so the source port changes, and closes what it opened', async () => {
    fake = await startFakeServer((query) => ({
      packet: responseTo(query, { answers: [{ name: 'example.nl', type: 'A', ttl: 1, data: '192.0.2.1' }] }),
    }));
    const pool = new UdpPool({ socketsPerFamily: 1, rotateAfter: 5 });
    const transport = new Transport(pool, emptyQueryStats(), { timeoutMs: 500, retries: 0 });
    const flags = { recursionDesired: true, dnssecOk: false, checkingDisabled: false };
    for (let i = 0; i < 12; i++) {
      await transport.exchange([fake.server], { name: 'example.nl', type: 'A', class: 'IN' }, flags);
    }
    expect(pool.socketsCreated).toBe(3);
    expect(new Set(fake.received.map((query) => query.from.port)).size).toBe(3);
    // Retired sockets are closed once idle: only the current one is still open.
    expect(pool.sourcePorts()).toHaveLength(1);
    pool.close();
    expect(pool.sourcePorts()).toHaveLength(0);
    expect(() => pool.open(fake!.server, () => {})).toThrow(/closed/);
  });
});
