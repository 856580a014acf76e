/** The ipv6 monitor's verdicts that the lab cannot produce: a checking machine without IPv6, a lame server. */
import { describe, expect, it } from 'vitest';
import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsServer, QueryOptions } from '../../src/dns/types.ts';
import { ipv6Monitor } from '../../src/monitors/ipv6/index.ts';
import { testContext } from '../smtp/monitor-context.ts';
import { FakeDns } from '../support/fake-dns.ts';

/** A resolver in front of example.test whose direct queries to the name servers fail or answer as told. */
type Direct = (server: DnsServer, answer: () => Promise<DnsAnswer>) => Promise<DnsAnswer>;

class Servers extends FakeDns {
  readonly direct: Direct;

  constructor(direct: Direct) {
    super();
    this.direct = direct;
    this.add('example.test', 'SOA', {
      mname: 'ns1.example.test',
      rname: 'hostmaster.example.test',
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 60,
    });
    this.add('example.test', 'NS', 'ns1.example.test');
    this.add('example.test', 'NS', 'ns2.example.test');
    this.add('ns1.example.test', 'AAAA', '2001:db8::53');
    this.add('ns2.example.test', 'AAAA', '2001:db8::54');
    this.add('example.test', 'MX', { preference: 0, exchange: '.' });
  }

  override queryServer(server: DnsServer, name: string, type: string, options?: QueryOptions): Promise<DnsAnswer> {
    return this.direct(server, () => super.queryServer(server, name, type, options));
  }
}

const reachability = async (dns: FakeDns) =>
  (await ipv6Monitor.run(testContext(dns), 'example.test')).filter((f) => f.check === 'ipv6.ns-reachable');

describe('ipv6.ns-reachable', () => {
  it('no IPv6 route on the checking machine: error, never a verdict about the domain', async () => {
    const dns = new Servers((server) => {
      const question = { name: 'example.test', type: 'SOA', class: 'IN' };
      const cause = new Error(`send ENETUNREACH ${server.address}:53`);
      throw new DnsError('network', question, `cannot reach [${server.address}]:53: ${cause.message}`, { cause });
    });
    const findings = await reachability(dns);
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['ns1.example.test', 'error'],
      ['ns2.example.test', 'error'],
    ]);
    expect(findings[0]?.summary).toContain('this machine has no IPv6 route');
  });

  it('an answer without authority (a lame server over IPv6): fail', async () => {
    const dns = new Servers(async (server, answer) => {
      const real = await answer();
      // the fake resolver answers like a recursive one: the authoritative bit is what this test decides
      return { ...real, flags: { ...real.flags, aa: server.address !== '2001:db8::54' } };
    });
    const findings = await reachability(dns);
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['ns1.example.test', 'ok'],
      ['ns2.example.test', 'fail'],
    ]);
    expect(findings[1]?.summary).toContain('answers without authority');
  });
});
