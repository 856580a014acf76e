import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { spfMonitor } from '../../src/monitors/spf/index.ts';
import { FakeDns } from '../support/fake-dns.ts';
import { monitorContext } from './context.ts';

async function check(dns: FakeDns, domain = 'example.nl', spfSenderIps: string[] = []): Promise<Map<string, Finding>> {
  const findings = await spfMonitor.run(monitorContext(dns, { spfSenderIps }), domain);
  return new Map(findings.map((f) => [f.subject === domain ? f.check : `${f.check} ${f.subject}`, f]));
}

describe('spf monitor', () => {
  it('good record: one record, -all, lookups counted per include', async () => {
    const dns = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 mx include:_spf.provider.nl -all')
      .add('example.nl', 'MX', { preference: 10, exchange: 'mx.example.nl' })
      .add('_spf.provider.nl', 'TXT', 'v=spf1 ip4:192.0.2.0/24 a:relay.provider.nl ~all')
      .add('relay.provider.nl', 'A', '192.0.2.9');
    const f = await check(dns);
    expect(f.get('spf.record')?.status).toBe('ok');
    expect(f.get('spf.policy')?.status).toBe('ok');
    expect(f.get('spf.lookups')?.status).toBe('ok');
    expect(f.get('spf.lookups')?.evidence).toMatchObject({
      lookups: 3,
      perTerm: [{ term: 'include:_spf.provider.nl', lookups: 2 }],
    });
  });

  it('joins TXT character-strings without spaces', async () => {
    const dns = new FakeDns().add('example.nl', 'TXT', [Buffer.from('v=spf1 ip4:192.0.2.1 -a'), Buffer.from('ll')]);
    const f = await check(dns);
    expect(f.get('spf.record')?.evidence).toMatchObject({ record: 'v=spf1 ip4:192.0.2.1 -all', strings: 2 });
    expect(f.get('spf.policy')?.status).toBe('ok');
  });

  it('no record, two records and a syntax error fail spf.record', async () => {
    expect((await check(new FakeDns().add('example.nl', 'TXT', 'hello'))).get('spf.record')?.status).toBe('fail');
    const two = await check(
      new FakeDns().add('example.nl', 'TXT', 'v=spf1 -all').add('example.nl', 'TXT', 'v=spf1 mx -all'),
    );
    expect(two.get('spf.record')?.summary).toMatch(/2 SPF records/);
    expect(two.get('spf.policy')?.status).toBe('fail');
    const syntax = await check(
      new FakeDns().add('example.nl', 'TXT', 'v=spf1 ip4:192.0.2.1 inlcude:x.example.com -all'),
    );
    expect(syntax.get('spf.record')).toMatchObject({ status: 'fail', evidence: { position: 22 } });
  });

  it.each([
    ['v=spf1 mx ~all', 'info', /~all/],
    ['v=spf1 +all', 'fail', /every host/],
    ['v=spf1 ?all', 'fail', /neutral/],
    ['v=spf1 ip4:192.0.2.1', 'fail', /without an all/],
    ['v=spf1 ip4:192.0.2.1 ptr -all', 'warn', /ptr/],
  ])('%s → spf.policy %s', async (record, status, summary) => {
    const dns = new FakeDns()
      .add('example.nl', 'TXT', record)
      .add('example.nl', 'MX', { preference: 0, exchange: 'mx.example.nl' });
    const policy = (await check(dns)).get('spf.policy');
    expect(policy?.status).toBe(status);
    expect(policy?.summary).toMatch(summary);
    if (status !== 'ok') expect(policy?.fix).toBeTruthy();
  });

  it('follows redirect= for the effective all, and fails an include of a +all record', async () => {
    const redirect = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 redirect=_spf.example.nl')
      .add('_spf.example.nl', 'TXT', 'v=spf1 ip4:192.0.2.1 -all');
    expect((await check(redirect)).get('spf.policy')).toMatchObject({
      status: 'ok',
      evidence: { via: ['example.nl', '_spf.example.nl'] },
    });
    const passAll = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 include:lazy.example.com -all')
      .add('lazy.example.com', 'TXT', 'v=spf1 +all');
    expect((await check(passAll)).get('spf.policy')?.summary).toMatch(/lazy.example.com.*\+all/);
  });

  it('11 lookups through nested includes fail with the cost per include', async () => {
    const dns = new FakeDns().add('example.nl', 'TXT', 'v=spf1 include:a.example.nl include:b.example.nl -all');
    dns.add('a.example.nl', 'TXT', 'v=spf1 include:c.example.nl a:h1.example.nl a:h2.example.nl ~all');
    dns.add('c.example.nl', 'TXT', 'v=spf1 a:h3.example.nl a:h4.example.nl a:h5.example.nl ~all');
    dns.add('b.example.nl', 'TXT', 'v=spf1 a:h6.example.nl a:h7.example.nl a:h8.example.nl ~all');
    for (let i = 1; i <= 8; i++) dns.add(`h${i}.example.nl`, 'A', `192.0.2.${i}`);
    const lookups = (await check(dns)).get('spf.lookups');
    expect(lookups?.status).toBe('fail');
    expect(lookups?.evidence).toMatchObject({
      lookups: 11,
      perTerm: [
        { term: 'include:a.example.nl', lookups: 7 },
        { term: 'include:b.example.nl', lookups: 4 },
      ],
    });
    expect(lookups?.summary).toMatch(/11 DNS-querying terms/);
  });

  it('three void lookups, loops, broken includes and big MX sets fail spf.lookups', async () => {
    const voids = new FakeDns().add(
      'example.nl',
      'TXT',
      'v=spf1 a:gone1.example.nl a:gone2.example.nl mx:gone3.example.nl -all',
    );
    expect((await check(voids)).get('spf.lookups')).toMatchObject({ status: 'fail', evidence: { voidLookups: 3 } });
    const loop = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 include:x.example.nl -all')
      .add('x.example.nl', 'TXT', 'v=spf1 include:example.nl -all');
    expect((await check(loop)).get('spf.lookups')?.summary).toMatch(/loop: example.nl → x.example.nl → example.nl/);
    const broken = new FakeDns().add('example.nl', 'TXT', 'v=spf1 include:nothing.example.nl -all');
    expect((await check(broken)).get('spf.lookups')?.summary).toMatch(/nothing.example.nl does not exist/);
    const bigMx = new FakeDns().add('example.nl', 'TXT', 'v=spf1 mx -all');
    for (let i = 0; i < 11; i++) bigMx.add('example.nl', 'MX', { preference: i, exchange: `mx${i}.example.nl` });
    expect((await check(bigMx)).get('spf.lookups')?.summary).toMatch(/11 MX names/);
  });

  it('spf.authorized reports the configured sender IPs that do not pass', async () => {
    const dns = new FakeDns().add('example.nl', 'TXT', 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/48 -all');
    const f = await check(dns, 'example.nl', ['192.0.2.7', '198.51.100.1', '2001:db8::25']);
    expect(f.get('spf.authorized example.nl/192.0.2.7')?.status).toBe('ok');
    expect(f.get('spf.authorized example.nl/2001:db8::25')?.status).toBe('ok');
    expect(f.get('spf.authorized example.nl/198.51.100.1')).toMatchObject({
      status: 'fail',
      evidence: { result: 'fail' },
    });
  });

  it('a DNS timeout is error, never a verdict', async () => {
    const f = await check(new FakeDns().timeout('example.nl'));
    expect([...f.values()].map((x) => x.status)).toEqual(['error', 'error', 'error']);
    const nested = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 include:slow.example.nl -all')
      .timeout('slow.example.nl');
    const g = await check(nested);
    expect(g.get('spf.record')?.status).toBe('ok');
    expect(g.get('spf.lookups')?.status).toBe('error');
  });
});
