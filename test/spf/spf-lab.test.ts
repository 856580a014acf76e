import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { checkHost } from '../../src/monitors/spf/check-host.ts';
import { spfMonitor } from '../../src/monitors/spf/index.ts';
import { labInfo } from '../lab/info.ts';
import { monitorContext } from './context.ts';
import { labResolver } from './lab-dns.ts';

const dns = labResolver();

async function check(domain: string, spfSenderIps: string[] = []): Promise<Map<string, Finding>> {
  const findings = await spfMonitor.run(monitorContext(dns, { spfSenderIps }), domain);
  return new Map(findings.map((f) => [f.subject === domain ? f.check : `${f.check} ${f.subject}`, f]));
}

describe('spf monitor against the lab (NSD + Unbound)', () => {
  it('spf-good.test: one record, -all, 1 lookup', async () => {
    const f = await check('spf-good.test');
    expect(f.get('spf.record')?.status).toBe('ok');
    expect(f.get('spf.policy')?.status).toBe('ok');
    expect(f.get('spf.lookups')).toMatchObject({ status: 'ok', evidence: { lookups: 1, voidLookups: 0 } });
  });

  it.each([
    ['spf-softfail.test', 'spf.policy', 'info'],
    ['spf-plusall.test', 'spf.policy', 'fail'],
    ['spf-ptr.test', 'spf.policy', 'warn'],
    ['spf-lookups.test', 'spf.lookups', 'fail'],
    ['spf-void.test', 'spf.lookups', 'fail'],
    ['spf-two.test', 'spf.record', 'fail'],
    ['spf-syntax.test', 'spf.record', 'fail'],
    ['does-not-exist.test', 'spf.record', 'fail'],
  ])('%s → %s %s', async (domain, checkId, status) => {
    const finding = (await check(domain)).get(checkId);
    expect(finding?.status).toBe(status);
    if (status !== 'ok') expect(finding?.fix).toBeTruthy();
  });

  it('counts 11 lookups through the nested includes, with the cost of each include', async () => {
    const lookups = (await check('spf-lookups.test')).get('spf.lookups');
    expect(lookups?.evidence).toMatchObject({
      lookups: 11,
      perTerm: [
        { term: 'include:a.spf-lookups.test', lookups: 7 },
        { term: 'include:b.spf-lookups.test', lookups: 4 },
      ],
    });
  });

  it('counts the three void lookups (NODATA, NXDOMAIN, no MX)', async () => {
    expect((await check('spf-void.test')).get('spf.lookups')?.evidence).toMatchObject({ voidLookups: 3 });
  });

  it('names the void terms in the summary, so the user sees which ones to remove', async () => {
    expect((await check('spf-void.test')).get('spf.lookups')?.summary).toBe(
      'SPF of spf-void.test gives permerror at receivers: 3 void lookups (limit 2): a:empty.spf-void.test, a:gone.spf-void.test, mx:empty.spf-void.test',
    );
  });

  it('reports the position of the syntax error', async () => {
    const record = (await check('spf-syntax.test')).get('spf.record');
    expect(record?.evidence).toMatchObject({ position: 22, term: 'inlcude:spf-good.test' });
  });

  it('joins a record split in two character-strings and follows redirect=', async () => {
    const split = await check('spf-split.test');
    expect(split.get('spf.record')?.evidence).toMatchObject({ strings: 2 });
    expect(split.get('spf.record')?.evidence).toHaveProperty(
      'record',
      'v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 include:spf-good.test -all',
    );
    const redirected = await check('other.spf-split.test');
    expect(redirected.get('spf.policy')?.evidence).toMatchObject({
      effectiveAll: '-all',
      via: ['other.spf-split.test', 'spf-split.test'],
    });
  });

  it('spf.authorized evaluates check_host for the configured sender IPs', async () => {
    const f = await check('spf-split.test', ['198.51.100.7', '127.25.0.1', '203.0.113.5']);
    expect(f.get('spf.authorized spf-split.test/198.51.100.7')?.status).toBe('ok');
    expect(f.get('spf.authorized spf-split.test/127.25.0.1')?.status).toBe('ok'); // via include → mx
    expect(f.get('spf.authorized spf-split.test/203.0.113.5')).toMatchObject({
      status: 'fail',
      evidence: { result: 'fail' },
    });
  });
});

describe('check_host cross-checked against pyspf (python3-spf) through the same lab resolver', () => {
  const run = promisify(execFile);
  const script = path.join(import.meta.dirname, 'pyspf-query.py');
  const cases: [string, string][] = [
    ['spf-good.test', '192.0.2.77'],
    ['spf-good.test', '127.25.0.1'],
    ['spf-good.test', '203.0.113.1'],
    ['spf-softfail.test', '203.0.113.1'],
    ['spf-plusall.test', '203.0.113.1'],
    ['spf-lookups.test', '192.0.2.8'],
    ['spf-void.test', '192.0.2.1'],
    ['spf-two.test', '192.0.2.1'],
    ['spf-syntax.test', '192.0.2.1'],
    ['spf-split.test', '127.25.0.1'],
    ['other.spf-split.test', '198.51.100.1'],
    ['does-not-exist.test', '192.0.2.1'],
  ];
  it.each(cases)('%s for %s: same result as pyspf', async (domain, ip) => {
    const { resolver } = labInfo();
    const sender = `postmaster@${domain}`;
    const { stdout } = await run('/usr/bin/python3', [
      script,
      resolver.address,
      String(resolver.port),
      ip,
      sender,
      domain,
    ]);
    const peer = stdout.trim().split(' ')[0];
    const ours = await checkHost(dns, { ip, domain, sender, helo: domain });
    expect(ours.result).toBe(peer);
  });
});
