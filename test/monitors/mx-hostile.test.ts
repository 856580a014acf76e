import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/render.ts';
import { mxTargets } from '../../src/monitors/mail-hosts/mx-targets.ts';
import { mxMonitor } from '../../src/monitors/mx/index.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { FakeDns } from '../support/fake-dns.ts';

function contextFor(dns: FakeDns, options: Partial<CheckOptions> = {}): MonitorContext {
  return {
    dns,
    guard: { check: () => ({ allowed: true }) },
    options: { ...DEFAULT_CHECK_OPTIONS, ...options },
    shared: new RunShared(),
    now: () => new Date('2026-11-22T12:00:00Z'),
  };
}

describe('mx.records and special-purpose addresses', () => {
  it('warns when an MX host has only special-purpose addresses, naming them', async () => {
    const dns = new FakeDns()
      .add('inside.test', 'MX', { preference: 10, exchange: 'mx.inside.test' })
      .add('mx.inside.test', 'A', '10.1.2.3')
      .add('mx.inside.test', 'AAAA', '::1');
    const findings = await mxMonitor.run(contextFor(dns), 'inside.test');
    const host = findings.find((f) => f.subject === 'mx.inside.test');
    expect(host).toMatchObject({ status: 'warn' });
    expect(host).toMatchObject({ reason: 'target-special-purpose' });
    expect(host?.summary).toMatch(/cannot be reached from the Internet/);
    expect(host?.summary).toMatch(/\(special-purpose addresses: private \(RFC 1918\); loopback\)$/);
    expect(render(host!, 'nl').summary).toMatch(
      /^MX-host mx.inside.test heeft alleen adressen die vanaf internet niet bereikbaar zijn.*private \(RFC 1918\); loopback\)$/,
    );
    expect(findings[0]).toMatchObject({ subject: 'inside.test', status: 'warn' });
  });

  it('is content with one public address beside a private one, and silent when private targets are allowed', async () => {
    const dns = new FakeDns()
      .add('mixed.test', 'MX', { preference: 10, exchange: 'mx.mixed.test' })
      .add('mx.mixed.test', 'A', '10.1.2.3')
      .add('mx.mixed.test', 'A', '198.41.0.4');
    expect((await mxMonitor.run(contextFor(dns), 'mixed.test'))[0]?.status).toBe('ok');
    const lab = new FakeDns()
      .add('lab.test', 'MX', { preference: 10, exchange: 'mx.lab.test' })
      .add('mx.lab.test', 'A', '127.25.0.1');
    expect((await mxMonitor.run(contextFor(lab, { allowPrivateTargets: true }), 'lab.test'))[0]?.status).toBe('ok');
  });
});

describe('caps on MX hosts and addresses', () => {
  function manyMx(count: number, addresses = 1): FakeDns {
    const dns = new FakeDns();
    for (let i = 0; i < count; i++) {
      dns.add('many.test', 'MX', { preference: i, exchange: `mx${i}.many.test` });
      for (let a = 0; a < addresses; a++) dns.add(`mx${i}.many.test`, 'A', `198.41.${i % 250}.${a + 1}`);
    }
    return dns;
  }

  it('judges only the first 10 of 500 MX hosts and says so', async () => {
    const dns = manyMx(500);
    const findings = await mxMonitor.run(contextFor(dns), 'many.test');
    expect(findings.filter((f) => /^mx\d+\.many\.test$/.test(f.subject))).toHaveLength(10);
    const limit = findings.find((f) => f.subject === 'many.test/limit');
    expect(limit).toMatchObject({ status: 'warn', evidence: { mxRecords: 500, checked: 10 } });
    expect(limit).toMatchObject({ reason: 'too-many-mx' });
    expect(limit?.summary).toMatch(/only the first 10 of 500 .*checks\.limits\.mxHostsPerDomain/);
    expect(render(limit!, 'nl').summary).toMatch(/te veel MX-records .*de eerste 10 van de 500/);
    expect(findings[0]?.summary).toMatch(
      /^500 MX records; the first 10 \(all that are checked\) are resolvable: 0 mx0.many.test, .*, 9 mx9.many.test$/,
    );
    expect(dns.queries.length).toBeLessThanOrEqual(1 + 2 * 10);
  });

  it('hands the transport monitors at most mxHostsPerDomain hosts and addressesPerHost addresses', async () => {
    const context = contextFor(manyMx(500, 9), { limits: { mxHostsPerDomain: 3, addressesPerHost: 2 } });
    const targets = await mxTargets(context, 'many.test');
    if (targets.kind !== 'hosts') throw new Error(targets.kind);
    expect(targets.hosts.map((h) => h.host)).toEqual(['mx0.many.test', 'mx1.many.test', 'mx2.many.test']);
    for (const host of targets.hosts) expect(host.addresses).toHaveLength(2);
  });
});
