import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DnsCache } from '../../src/dns/cache.ts';
import { DnsError } from '../../src/dns/errors.ts';
import type { ResolverOptions } from '../../src/dns/resolver.ts';
import type { DnsAnswer } from '../../src/dns/types.ts';
import { closedAfterEach } from './closed-after-each.ts';
import { type Handler, type ReceivedQuery, responseTo } from './fake-server.ts';

const open = closedAfterEach();

let clock = 1_000_000;
const now = () => clock;

async function setup(handler: Handler, options: ResolverOptions = {}) {
  const fake = await open.fakeServer(handler);
  const dns = open.resolver({ servers: [fake.server], timeoutMs: 150, retries: 0, cache: { now }, ...options });
  return { fake, dns };
}

const soa = (ttl: number, minimum: number) => ({
  name: 'example.nl',
  type: 'SOA' as const,
  ttl,
  data: {
    mname: 'ns.example.nl',
    rname: 'hostmaster.example.nl',
    serial: 1,
    refresh: 1,
    retry: 1,
    expire: 1,
    minimum,
  },
});

const positive = (query: ReceivedQuery) => ({
  packet: responseTo(query, {
    answers: [
      { name: query.packet.questions![0]!.name, type: 'CNAME', ttl: 600, data: 'target.example.nl' },
      { name: 'target.example.nl', type: 'A', ttl: 120, data: '192.0.2.1' },
    ],
  }),
});

describe('cache', () => {
  it('answers from the cache within the smallest TTL, with aged TTLs, then asks again after it', async () => {
    const { fake, dns } = await setup(positive);
    await dns.query('www.example.nl', 'A');
    clock += 100_000;
    const cached = await dns.query('WWW.Example.NL.', 'A');
    expect(cached.fromCache).toBe(true);
    expect(cached.question.name).toBe('WWW.Example.NL');
    expect(cached.answers.map((record) => record.ttl)).toEqual([500, 20]);
    expect(fake.received).toHaveLength(1);
    clock += 20_000;
    const fresh = await dns.query('www.example.nl', 'A');
    expect(fresh.fromCache).toBe(false);
    expect(fake.received).toHaveLength(2);
    expect(dns.stats()).toMatchObject({ requested: 3, cacheHits: 1, sent: 2 });
  });

  it('hands every hit within the same second the same frozen answer: no copy per hit, nobody can change it', async () => {
    const { fake, dns } = await setup(positive);
    const first = await dns.query('www.example.nl', 'A');
    const second = await dns.query('www.example.nl', 'A');
    const third = await dns.query('www.example.nl', 'A');
    expect(fake.received).toHaveLength(1);
    expect(third).toBe(second);
    expect(second.fromCache).toBe(true);
    expect(second.answers).toEqual(first.answers);
    expect(Object.isFrozen(second.answers)).toBe(true);
    expect(() => {
      (second.answers as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (first.answers[0] as { ttl: number }).ttl = 1;
    }).toThrow(TypeError);
    clock += 2_000;
    const later = await dns.query('www.example.nl', 'A');
    expect(later).not.toBe(second);
    expect(later.answers.map((record) => record.ttl)).toEqual([598, 118]);
  });

  it('keeps DNSSEC and CD queries apart from plain ones, and types apart', async () => {
    const { fake, dns } = await setup(positive);
    await dns.query('www.example.nl', 'A');
    await dns.query('www.example.nl', 'A', { dnssec: true });
    await dns.query('www.example.nl', 'A', { checkingDisabled: true });
    await dns.query('www.example.nl', 'AAAA');
    await dns.query('www.example.nl', 'A', { dnssec: true });
    expect(fake.received).toHaveLength(4);
  });

  it('caches NXDOMAIN for min(SOA TTL, SOA MINIMUM) per RFC 2308', async () => {
    const { fake, dns } = await setup((query) => ({
      packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | 3, authorities: [soa(300, 60)] }),
    }));
    expect((await dns.query('gone.example.nl', 'A')).rcode).toBe('NXDOMAIN');
    clock += 59_000;
    expect((await dns.query('gone.example.nl', 'A')).fromCache).toBe(true);
    clock += 1_000;
    expect((await dns.query('gone.example.nl', 'A')).fromCache).toBe(false);
    expect(fake.received).toHaveLength(2);
  });

  it('caches NODATA by the SOA TTL when it is the smaller, and 30 s without a SOA', async () => {
    const { fake, dns } = await setup((query) => ({
      packet: responseTo(query, {
        authorities: query.packet.questions![0]!.name === 'nosoa.example.nl' ? [] : [soa(10, 3600)],
      }),
    }));
    await dns.query('nodata.example.nl', 'MX');
    await dns.query('nosoa.example.nl', 'MX');
    clock += 10_000;
    expect((await dns.query('nodata.example.nl', 'MX')).fromCache).toBe(false);
    expect((await dns.query('nosoa.example.nl', 'MX')).fromCache).toBe(true);
    clock += 20_000;
    expect((await dns.query('nosoa.example.nl', 'MX')).fromCache).toBe(false);
    expect(fake.received).toHaveLength(4);
  });

  it('caps positive TTLs, and does not cache TTL 0', async () => {
    const { fake, dns } = await setup(
      (query) => ({
        packet: responseTo(query, {
          answers: [
            {
              name: query.packet.questions![0]!.name,
              type: 'A',
              ttl: query.packet.questions![0]!.name === 'zero.example.nl' ? 0 : 86400,
              data: '192.0.2.1',
            },
          ],
        }),
      }),
      { cache: { now, maxTtlSeconds: 60 } },
    );
    await dns.query('long.example.nl', 'A');
    await dns.query('zero.example.nl', 'A');
    await dns.query('zero.example.nl', 'A');
    clock += 60_000;
    await dns.query('long.example.nl', 'A');
    expect(fake.received.map((query) => query.packet.questions![0]!.name)).toEqual([
      'long.example.nl',
      'zero.example.nl',
      'zero.example.nl',
      'long.example.nl',
    ]);
  });

  it('caches a failure briefly (30 s) and then asks again', async () => {
    const { fake, dns } = await setup((query) => ({
      packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | 2 }),
    }));
    for (let i = 0; i < 3; i++) await expect(dns.query('broken.example.nl', 'TXT')).rejects.toBeInstanceOf(DnsError);
    expect(fake.received).toHaveLength(1);
    clock += 30_000;
    await expect(dns.query('broken.example.nl', 'TXT')).rejects.toMatchObject({ kind: 'servfail' });
    expect(fake.received).toHaveLength(2);
  });

  it('does not cache at all when turned off', async () => {
    const { fake, dns } = await setup(positive, { cache: false });
    await dns.query('www.example.nl', 'A');
    await dns.query('www.example.nl', 'A');
    expect(fake.received).toHaveLength(2);
  });

  it('never holds more than maxEntries, dropping the least recently used', () => {
    const cache = new DnsCache({ maxEntries: 2, now });
    const answer = {
      rcode: 'NOERROR',
      answers: [{ ttl: 60 }],
      authorities: [],
      additionals: [],
    } as unknown as DnsAnswer;
    cache.setAnswer('a', answer);
    cache.setAnswer('b', answer);
    expect(cache.get('a')).toBeDefined();
    cache.setAnswer('c', answer);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});

describe('coalescing and concurrency', () => {
  it('sends one packet for 50 identical concurrent queries', async () => {
    const { fake, dns } = await setup((query) => ({ ...positive(query), delayMs: 30 }), { cache: false });
    const answers = await Promise.all(Array.from({ length: 50 }, () => dns.query('shared.example.nl', 'A')));
    expect(fake.received).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.answers.length))).toEqual(new Set([2]));
    expect(dns.stats()).toMatchObject({ requested: 50, coalesced: 49, sent: 1 });
  });

  it('shares a failure among the queries that joined it', async () => {
    const { fake, dns } = await setup(() => ({ drop: true }), { cache: false, timeoutMs: 50 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => dns.query('slow.example.nl', 'A')));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(fake.received).toHaveLength(1);
  });

  it('keeps at most maxConcurrency queries on the wire', async () => {
    let outstanding = 0;
    let peak = 0;
    const { fake, dns } = await setup(
      async (query) => {
        outstanding++;
        peak = Math.max(peak, outstanding);
        await new Promise((resolve) => setTimeout(resolve, 20));
        outstanding--;
        return positive(query);
      },
      { maxConcurrency: 3 },
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => dns.query(`h${i}.example.nl`, 'A')));
    expect(fake.received).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(dns.peakConcurrency).toBe(3);
  });
});
