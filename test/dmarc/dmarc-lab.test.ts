import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { dmarcMonitor } from '../../src/monitors/dmarc/index.ts';
import { monitorContext } from '../spf/context.ts';
import { labResolver } from '../spf/lab-dns.ts';

const dns = labResolver();

async function check(domain: string): Promise<Map<string, Finding>> {
  const findings = await dmarcMonitor.run(monitorContext(dns), domain);
  return new Map(findings.map((f) => [f.check, f]));
}

describe('dmarc monitor against the lab (NSD + Unbound)', () => {
  it('dmarc-good.test: reject, reports to itself', async () => {
    const f = await check('dmarc-good.test');
    expect([f.get('dmarc.record')?.status, f.get('dmarc.policy')?.status, f.get('dmarc.reporting')?.status]).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    expect(f.get('dmarc.policy')?.evidence).toMatchObject({ policy: 'reject' });
  });

  it('a subdomain inherits the organizational record through the tree walk (sp applies)', async () => {
    const f = await check('mail.dmarc-good.test');
    expect(f.get('dmarc.record')?.evidence).toMatchObject({ inherited: true, policyDomain: 'dmarc-good.test' });
    expect(f.get('dmarc.policy')?.evidence).toMatchObject({ policy: 'quarantine', policyTag: 'sp' });
  });

  it('dmarc-none.test: p=none fails', async () => {
    expect((await check('dmarc-none.test')).get('dmarc.policy')).toMatchObject({
      status: 'fail',
      evidence: { policy: 'none' },
    });
  });

  it('dmarc-broken.test: invalid p, obsolete pct, unknown tag, rua without mailto:', async () => {
    const f = await check('dmarc-broken.test');
    expect(f.get('dmarc.record')?.status).toBe('fail');
    expect(f.get('dmarc.record')?.summary).toMatch(/p=rejectt is invalid.*pct.*obsolete.*unknown tag 'foo'/);
    expect(f.get('dmarc.reporting')?.status).toBe('fail');
  });

  it('dmarc-broken.test: the invalid p=rejectt is named in dmarc.policy (effectively none), not shown as "p=none"', async () => {
    const policy = (await check('dmarc-broken.test')).get('dmarc.policy');
    expect(policy).toMatchObject({ status: 'fail', evidence: { policy: 'none', written: 'p=rejectt' } });
    expect(policy?.summary).toBe(
      'DMARC policy for dmarc-broken.test is effectively none: p=rejectt is not a policy, so receivers apply none or ignore the record',
    );
    expect(policy?.fix).toMatch(/p=quarantine or p=reject/);
  });

  it('dmarc-extrua.test: external rua without authorization fails; dmarc-extauth.test with a wildcard passes', async () => {
    const unauthorized = (await check('dmarc-extrua.test')).get('dmarc.reporting');
    expect(unauthorized?.status).toBe('fail');
    expect(unauthorized?.summary).toMatch(/dmarc-extrua.test._report._dmarc.dmarc-good.test/);
    expect((await check('dmarc-extauth.test')).get('dmarc.reporting')?.status).toBe('ok');
  });

  it('no record at all (spf-plusall.test): dmarc.record fails after walking to the TLD', async () => {
    const f = await check('spf-plusall.test');
    expect(f.get('dmarc.record')).toMatchObject({
      status: 'fail',
      evidence: { queried: ['_dmarc.spf-plusall.test', '_dmarc.test'] },
    });
  });
});
