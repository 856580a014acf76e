import { randomBytes } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/dns/resolver.ts';
import { checkDnssecSupport, checkDnssecSupportOfEach, probeResolver } from '../../src/dns/resolver-health.ts';
import { closedAfterEach } from './closed-after-each.ts';
import { type FakeServer, type Handler, type ReceivedQuery, responseTo } from './fake-server.ts';

const open = closedAfterEach();

const fake = open.fakeServer;

function client(server: FakeServer): Resolver {
  return open.resolver({ servers: [server.server], timeoutMs: 100, retries: 0, cache: false });
}

const dnskey = {
  name: '.',
  type: 'DNSKEY' as const,
  ttl: 3600,
  data: { flags: 257, algorithm: 13, key: randomBytes(64) },
};
const rrsig = {
  name: '.',
  type: 'RRSIG' as const,
  ttl: 3600,
  data: {
    typeCovered: 'DNSKEY',
    algorithm: 13,
    labels: 0,
    originalTTL: 3600,
    expiration: 2_000_000_000,
    inception: 1_700_000_000,
    keyTag: 1,
    signersName: '.',
    signature: randomBytes(64),
  },
};

/** A resolver that signs when DO is set (`strip` false) or never includes RRSIG (`strip` true). */
const rootServer =
  (strip: boolean): Handler =>
  (query: ReceivedQuery) => {
    const opt = query.packet.additionals?.find((record) => record.type === 'OPT') as { flag_do?: boolean } | undefined;
    const type = query.packet.questions![0]!.type;
    if (type === 'SOA') {
      return {
        packet: responseTo(query, {
          answers: [
            {
              name: '.',
              type: 'SOA',
              ttl: 60,
              data: { mname: 'a.root', rname: 'nstld', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
            },
          ],
        }),
      };
    }
    return {
      packet: responseTo(query, { answers: opt?.flag_do && !strip ? [dnskey, rrsig] : [dnskey] }),
    };
  };

describe('DNSSEC-stripping resolver detection', () => {
  it('passes a resolver that returns RRSIG with DO, having sent DO', async () => {
    const server = await fake(rootServer(false));
    const health = await checkDnssecSupport(client(server));
    expect(health.ok).toBe(true);
    expect(health.problem).toBeUndefined();
    const opt = server.received[0]!.packet.additionals?.find((record) => record.type === 'OPT') as {
      flag_do?: boolean;
    };
    expect(opt.flag_do).toBe(true);
    expect(server.received[0]!.packet.questions).toEqual([{ name: '.', type: 'DNSKEY', class: 'IN' }]);
  });

  it('reports one clear, typed problem about a resolver that strips RRSIG', async () => {
    const server = await fake(rootServer(true));
    const health = await checkDnssecSupport(client(server));
    expect(health.ok).toBe(false);
    expect(health.problem).toMatchObject({ kind: 'dnssec-stripped', server: `127.0.0.1:${server.port}` });
    expect(health.problem!.message).toMatch(/strips DNSSEC data/);
  });

  it('names the one bad resolver among several', async () => {
    const good = await fake(rootServer(false));
    const bad = await fake(rootServer(true));
    const results = await checkDnssecSupportOfEach([good.server, bad.server], { timeoutMs: 100, retries: 0 });
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    expect(results[1]!.problem!.server).toBe(`127.0.0.1:${bad.port}`);
  });

  it('reports an unreachable resolver as such, not as stripping', async () => {
    const server = await fake(() => ({ drop: true }));
    const health = await checkDnssecSupport(client(server));
    expect(health.problem).toMatchObject({ kind: 'unreachable' });
    expect(health.problem!.error?.kind).toBe('timeout');
  });

  it('does not call an answer without DNSKEY stripping', async () => {
    const server = await fake((query) => ({ packet: responseTo(query) }));
    expect((await checkDnssecSupport(client(server))).problem?.kind).toBe('unexpected-answer');
  });
});

describe('probeResolver', () => {
  it('is ok when the root SOA comes back, with a latency', async () => {
    const server = await fake(rootServer(false));
    const health = await probeResolver(client(server));
    expect(health.ok).toBe(true);
    expect(health.latencyMs).toBeGreaterThan(0);
  });

  it('fails on REFUSED with the error attached', async () => {
    const server = await fake((query) => ({
      packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | 5 }),
    }));
    const health = await probeResolver(client(server));
    expect(health.ok).toBe(false);
    expect(health.problem?.error?.kind).toBe('refused');
  });
});
