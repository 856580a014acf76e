import { describe, expect, it } from 'vitest';
import { checkCanaries, confirmCanaries } from '../../src/daemon/canary.ts';
import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord } from '../../src/dns/types.ts';

const record = (type: string, data: unknown = {}): DnsRecord => ({
  name: '',
  type,
  class: 'IN',
  ttl: 300,
  data,
  rdata: new Uint8Array(),
});

/** A resolver whose answers the test shapes: rcode, whether RRSIGs come along, or a timeout. */
function resolver(behaviour: { rcode?: string; stripRrsig?: boolean; timeout?: boolean }): DnsClient {
  const answer = (name: string, type: string): DnsAnswer => {
    const rcode = behaviour.rcode ?? 'NOERROR';
    let answers: DnsRecord[] = [];
    if (rcode === 'NOERROR' && type === 'SOA') answers = [record('SOA')];
    if (rcode === 'NOERROR' && type === 'DNSKEY')
      answers = [record('DNSKEY'), ...(behaviour.stripRrsig ? [] : [record('RRSIG', { typeCovered: 'DNSKEY' })])];
    return {
      question: { name, type, class: 'IN' },
      rcode,
      flags: { aa: false, tc: false, rd: true, ra: true, ad: false, cd: false },
      answers,
      authorities: [],
      additionals: [],
      ede: [],
      dnssecOk: true,
      server: '192.0.2.53:53',
      transport: 'udp',
      fromCache: false,
    } as DnsAnswer;
  };
  return {
    async query(name, type) {
      if (behaviour.timeout) throw new DnsError('timeout', { name, type, class: 'IN' }, 'no answer from 192.0.2.53:53');
      return answer(name, type);
    },
    async queryServer(_server, name, type) {
      return answer(name, type);
    },
    stats: () => ({ requested: 0, cacheHits: 0, coalesced: 0, sent: 0, tcpFallbacks: 0, timeouts: 0, errors: 0 }),
  };
}

describe('resolver canary', () => {
  it('is healthy when the root SOA answers and DNSSEC data comes through', async () => {
    expect(await checkCanaries(resolver({}), ['.'])).toEqual({ healthy: true, detail: '' });
  });

  it('fails on a timeout, naming the canary', async () => {
    const result = await checkCanaries(resolver({ timeout: true }), ['.']);
    expect(result.healthy).toBe(false);
    expect(result.detail).toContain('.: no answer from 192.0.2.53:53');
  });

  it('fails when the resolver answers NXDOMAIN for the root (a lying or filtered resolver)', async () => {
    const result = await checkCanaries(resolver({ rcode: 'NXDOMAIN' }), ['.']);
    expect(result).toEqual({ healthy: false, detail: 'canary queries failed: .: NXDOMAIN from 192.0.2.53:53' });
  });

  it('fails when the resolver strips DNSSEC data, which would make every DNSSEC and DANE check a false alarm', async () => {
    const result = await checkCanaries(resolver({ stripRrsig: true }), ['.']);
    expect(result.healthy).toBe(false);
    expect(result.detail).toMatch(/strips DNSSEC data/);
  });
});

describe('resolver canary confirmation', () => {
  /** Times out for the first `failures` queries, then answers like a healthy resolver; counts the queries. */
  function flaky(failures: number): DnsClient & { queries: number } {
    const healthy = resolver({});
    const client = {
      queries: 0,
      async query(name: string, type: string) {
        client.queries++;
        if (client.queries <= failures) {
          throw new DnsError('timeout', { name, type, class: 'IN' }, 'no answer from 192.0.2.53:53');
        }
        return healthy.query(name, type);
      },
      queryServer: healthy.queryServer,
      stats: healthy.stats,
    };
    return client;
  }

  it('does not call the resolver broken for one lost canary query: it asks again after the pause', async () => {
    const dns = flaky(1);
    expect(await confirmCanaries(dns, ['.'], 10)).toEqual({ healthy: true, detail: '' });
    expect(dns.queries).toBeGreaterThanOrEqual(2);
  });

  it('calls the resolver broken when the canary fails twice in a row', async () => {
    const dns = flaky(Number.POSITIVE_INFINITY);
    const result = await confirmCanaries(dns, ['.'], 10);
    expect(result.healthy).toBe(false);
    expect(result.detail).toMatch(/^canary queries failed: \.: no answer from 192\.0\.2\.53:53/);
    expect(dns.queries).toBe(2);
  });

  it('asks only once when the resolver is healthy', async () => {
    const dns = flaky(0);
    await confirmCanaries(dns, ['.'], 10);
    expect(dns.queries).toBe(2); // the root SOA and the DNSSEC probe, no confirmation round
  });
});
