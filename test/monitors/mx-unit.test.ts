import { describe, expect, it } from 'vitest';
import { mxMonitor } from '../../src/monitors/mx/index.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { FakeDns } from '../support/fake-dns.ts';

function contextFor(dns: FakeDns): MonitorContext {
  return {
    dns,
    guard: { check: () => ({ allowed: true }) },
    options: DEFAULT_CHECK_OPTIONS,
    shared: new RunShared(),
    now: () => new Date('2026-11-22T12:00:00Z'),
  };
}

describe('mx monitor (logic, in-memory DNS)', () => {
  it('turns a resolver failure into an error finding, never a verdict', async () => {
    const findings = await mxMonitor.run(
      contextFor(new FakeDns({ failures: { 'broken.test/MX': 'servfail' } })),
      'broken.test',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'mx.records', subject: 'broken.test', status: 'error' });
  });

  it('rejects a null MX with a preference other than 0', async () => {
    const dns = new FakeDns().add('odd.test', 'MX', { preference: 10, exchange: '' });
    const [finding] = await mxMonitor.run(contextFor(dns), 'odd.test');
    expect(finding).toMatchObject({ status: 'fail' });
    expect(finding!.fix).toContain('MX 0 .');
  });

  it('keeps the hostile MX target as data and judges an address-shaped target as an IP literal', async () => {
    const dns = new FakeDns().add('lit.test', 'MX', { preference: 10, exchange: '192.0.2.1' });
    const findings = await mxMonitor.run(contextFor(dns), 'lit.test');
    const host = findings.find((f) => f.subject === '192.0.2.1');
    expect(host).toMatchObject({ status: 'fail' });
    expect(host!.summary).toMatch(/IP address literal/);
    expect(findings[0]).toMatchObject({ subject: 'lit.test', status: 'fail' });
  });

  it('judges a host name made only of hex letters (bad.cafe) as a host, and [IPv6:…] as an IP literal', async () => {
    const dns = new FakeDns()
      .add('hex.test', 'MX', { preference: 10, exchange: 'bad.cafe' })
      .add('hex.test', 'MX', { preference: 20, exchange: '[IPv6:2001:db8::25]' })
      .add('bad.cafe', 'A', '198.41.0.4');
    const findings = await mxMonitor.run(contextFor(dns), 'hex.test');
    expect(findings.find((f) => f.subject === 'bad.cafe')).toMatchObject({ status: 'ok' });
    expect(findings.find((f) => f.subject.startsWith('['))).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/IP address literal/),
    });
  });

  it('reports a domain without MX and without address as unable to receive mail (warn)', async () => {
    const [finding] = await mxMonitor.run(contextFor(new FakeDns().declare('nomail.test')), 'nomail.test');
    expect(finding).toMatchObject({ status: 'warn', subject: 'nomail.test' });
    expect(finding!.fix).toMatch(/null MX/);
  });
});
