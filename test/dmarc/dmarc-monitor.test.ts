import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { treeWalkNames } from '../../src/monitors/dmarc/discovery.ts';
import { dmarcMonitor } from '../../src/monitors/dmarc/index.ts';
import { parseDmarcRecord } from '../../src/monitors/dmarc/record-parser.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';

async function check(dns: FakeDns, domain = 'example.nl'): Promise<Map<string, Finding>> {
  const findings = await dmarcMonitor.run(monitorContext(dns), domain);
  return new Map(findings.map((f) => [f.check, f]));
}

const mailDomain = (dns: FakeDns, name: string) => dns.add(name, 'MX', { preference: 10, exchange: `mx.${name}` });

describe('DMARC tree walk', () => {
  it('drops one label at a time down to the TLD, shortening long names to seven labels first', () => {
    expect(treeWalkNames('a.b.example.nl')).toEqual(['a.b.example.nl', 'b.example.nl', 'example.nl', 'nl']);
    expect(treeWalkNames('1.2.3.4.5.6.7.8.example.nl')).toEqual([
      '1.2.3.4.5.6.7.8.example.nl',
      '4.5.6.7.8.example.nl',
      '5.6.7.8.example.nl',
      '6.7.8.example.nl',
      '7.8.example.nl',
      '8.example.nl',
      'example.nl',
      'nl',
    ]);
  });
});

describe('DMARC record parser', () => {
  it('classifies syntax errors, duplicates, unknown and obsolete tags', () => {
    const { record, issues } = parseDmarcRecord(
      'v=DMARC1; p=reject; p=none; pct=50; ri=3600; foo=bar; adkim=x; broken',
    );
    expect(record.p).toBe('reject');
    expect(issues.map((i) => `${i.severity}:${i.tag}`)).toEqual([
      'duplicate:p',
      'obsolete:pct',
      'obsolete:ri',
      'unknown:foo',
      'error:adkim',
      'error:broken',
    ]);
  });
});

describe('dmarc monitor', () => {
  it('good record: reject, rua at the own domain', async () => {
    const dns = mailDomain(
      new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject; rua=mailto:dmarc@example.nl'),
      'example.nl',
    );
    const f = await check(dns);
    expect(f.get('dmarc.record')?.status).toBe('ok');
    expect(f.get('dmarc.policy')).toMatchObject({ status: 'ok', evidence: { policy: 'reject' } });
    expect(f.get('dmarc.reporting')?.status).toBe('ok');
  });

  it('p=none fails, t=y warns, missing record fails', async () => {
    const none = await check(new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=none'));
    expect(none.get('dmarc.policy')).toMatchObject({ status: 'fail', evidence: { policy: 'none' } });
    expect(none.get('dmarc.reporting')?.status).toBe('warn');
    const testing = await check(new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=quarantine; t=y'));
    expect(testing.get('dmarc.policy')?.status).toBe('warn');
    const missing = await check(new FakeDns().add('example.nl', 'A', '192.0.2.1'));
    expect(missing.get('dmarc.record')?.summary).toMatch(/_dmarc.example.nl, _dmarc.nl/);
    expect(missing.get('dmarc.policy')?.status).toBe('fail');
  });

  it('inherits the organizational policy through the tree walk and applies sp', async () => {
    const dns = new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject; sp=quarantine');
    const f = await check(dns, 'mail.example.nl');
    expect(f.get('dmarc.record')).toMatchObject({
      status: 'info',
      evidence: { inherited: true, policyDomain: 'example.nl' },
    });
    expect(f.get('dmarc.policy')).toMatchObject({ status: 'ok', evidence: { policy: 'quarantine', policyTag: 'sp' } });
  });

  it('a broken record fails dmarc.record and two records fail too', async () => {
    const broken = await check(
      new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=rejectt; rua=dmarc@example.nl'),
    );
    expect(broken.get('dmarc.record')?.status).toBe('fail');
    expect(broken.get('dmarc.policy')?.status).toBe('fail');
    expect(broken.get('dmarc.reporting')?.summary).toMatch(/not a mailto: URI/);
    const two = await check(
      new FakeDns()
        .add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject')
        .add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=none'),
    );
    expect(two.get('dmarc.record')?.summary).toMatch(/2 DMARC records/);
  });

  it('an external rua needs the destination to authorize it; a wildcard authorization counts', async () => {
    const unauthorized = mailDomain(
      new FakeDns().add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject; rua=mailto:r@reports.example.com'),
      'reports.example.com',
    );
    const f = await check(unauthorized);
    expect(f.get('dmarc.reporting')?.status).toBe('fail');
    expect(f.get('dmarc.reporting')?.summary).toMatch(/example.nl._report._dmarc.reports.example.com/);
    const authorized = mailDomain(
      new FakeDns()
        .add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject; rua=mailto:r@reports.example.com')
        .add('example.nl._report._dmarc.reports.example.com', 'TXT', 'v=DMARC1'),
      'reports.example.com',
    );
    expect((await check(authorized)).get('dmarc.reporting')?.status).toBe('ok');
  });

  it('a report destination that does not accept mail fails (null MX, NXDOMAIN)', async () => {
    const nullMx = new FakeDns()
      .add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject; rua=mailto:dmarc@example.nl')
      .add('example.nl', 'MX', { preference: 0, exchange: '.' });
    expect((await check(nullMx)).get('dmarc.reporting')?.summary).toMatch(/does not accept mail/);
  });

  it('a DNS timeout is error', async () => {
    const f = await check(new FakeDns().timeout('_dmarc.example.nl'));
    expect([...f.values()].every((x) => x.status === 'error')).toBe(true);
  });
});
