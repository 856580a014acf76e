/**
 * The hostile zones of the lab (test/lab/zones/hostile/) through the real resolver: every domain finishes within
 * its limits with a clear finding, none stops the others, and nothing is probed at the resolver's address.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkDomains } from '../../src/check/check-domain.ts';
import { createResolver } from '../../src/dns/resolver.ts';
import { render } from '../../src/i18n/render.ts';
import type { DomainReport, Finding } from '../../src/model.ts';
import { MONITORS } from '../../src/monitors/registry.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { createTargetGuard } from '../../src/net/target-guard.ts';
import { labInfo } from '../lab/info.ts';
import { labResolver } from '../spf/lab-dns.ts';

const HOSTILE = [
  'hostile-diamond.test',
  'hostile-tree.test',
  'hostile-mx500.test',
  'hostile-rua.test',
  'hostile-resolvermx.test',
];
const dns = labResolver();
afterAll(() => dns.close());
// The 500-MX answer is large (TCP between Unbound and NSD, and to us): a cold resolver may need longer than one
// query's timeout for it. Warm it; the test is about what mailwarden does with the answer, not Unbound's speed.
// A cold Unbound answers its first DO query for it with SERVFAIL; an uncached client asks until it answers.
beforeAll(async () => {
  const { resolver } = labInfo();
  const warm = createResolver({ servers: [`${resolver.address}:${resolver.port}`], cache: false });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await warm.query('hostile-mx500.test', 'MX', { dnssec: true });
        await warm.query('hostile-mx500.test', 'MX');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    warm.close();
  }
}, 60_000);
afterEach(() => vi.restoreAllMocks());

function context(options: Partial<CheckOptions> = {}): MonitorContext {
  const { resolver } = labInfo();
  const merged: CheckOptions = {
    ...DEFAULT_CHECK_OPTIONS,
    allowPrivateTargets: true,
    timeoutMs: 3_000,
    ehloName: 'hostile.mailwarden.test',
    transport: { retryDelayMs: 50, legacyTls: false, tlsaSecurity: 'resolver-ad' },
    ...options,
  };
  return {
    dns,
    guard: createTargetGuard({
      allowPrivateTargets: merged.allowPrivateTargets,
      trusted: [`${resolver.address}:${resolver.port}`],
    }),
    options: merged,
    shared: new RunShared(),
    now: () => new Date(),
  };
}

const find = (report: DomainReport, check: string, subject = report.domain): Finding | undefined =>
  report.findings.find((f) => f.check === check && f.subject === subject);

describe('hostile domains in the lab', () => {
  it('each finishes within its limits with a clear finding, and a good domain beside them is unaffected', async () => {
    const connects = vi.spyOn(net, 'connect');
    const shared = context();
    const reports = await checkDomains([...HOSTILE, 'spf-good.test'], () => shared, 6);
    const [diamond, tree, mx500, rua, resolverMx, good] = reports as [DomainReport, ...DomainReport[]];

    // no domain needed its deadline, query budget or DNS data bound: the per-check walks stopped themselves
    for (const report of reports) expect(find(report, 'check.limits'), report.domain).toBeUndefined();
    // what goes on to state and alerts stays small (a 500-MX domain once made 750 KB of dnssec.chain findings)
    for (const report of reports) expect(JSON.stringify(report).length, report.domain).toBeLessThan(100_000);

    for (const report of [diamond!, tree!]) {
      const lookups = find(report, 'spf.lookups');
      expect(lookups?.status, report.domain).toBe('fail');
      expect(lookups?.summary).toMatch(/more than 100 DNS queries .*limit per SPF walk/);
    }
    expect(find(diamond!, 'spf.policy')?.status).toBe('ok');

    expect(find(mx500!, 'mx.records', 'hostile-mx500.test/limit')).toMatchObject({
      status: 'warn',
      evidence: { mxRecords: 500, checked: 10 },
    });
    const probedHosts = new Set(
      mx500!.findings.filter((f) => f.check === 'starttls.offered').map((f) => f.subject.split('/')[0]),
    );
    expect(probedHosts.size).toBeGreaterThan(0);
    expect(probedHosts.size).toBeLessThanOrEqual(10);
    expect(mx500!.findings.filter((f) => f.check === 'dnssec.chain').length).toBeLessThanOrEqual(11);

    for (const finding of rua!.findings) {
      expect(finding.summary.length).toBeLessThanOrEqual(1_000);
      expect(JSON.stringify(finding.evidence).length).toBeLessThanOrEqual(32_768);
    }
    expect(rua!.findings.some((f) => f.check.startsWith('dmarc.') && /more/.test(JSON.stringify(f)))).toBe(true);

    const offered = find(resolverMx!, 'starttls.offered', 'mx1.hostile-resolvermx.test/127.53.0.1');
    expect(JSON.stringify(offered)).toMatch(/configured resolver \(trusted for DNS on port 53 only\)/);
    const resolverAddress = labInfo().resolver.address;
    for (const call of connects.mock.calls) {
      expect((call[0] as unknown as { host?: string }).host).not.toBe(resolverAddress);
    }

    expect(find(good!, 'spf.lookups')?.status).toBe('ok');
    expect(find(good!, 'spf.policy')?.status).toBe('ok');

    // every finding of a hostile domain has its reason and Dutch texts, bounded like the English ones
    const all = reports.flatMap((report) => report.findings);
    expect(all.filter((f) => f.reason === undefined).map((f) => `${f.check} ${f.summary}`)).toEqual([]);
    for (const f of all) {
      const dutch = render(f, 'nl');
      expect(dutch.summary, `${f.check} ${f.reason}`).not.toBe(f.summary);
      expect(dutch.summary.length, `${f.check} ${f.reason}`).toBeLessThanOrEqual(1_000);
      expect(render(f, 'en').summary).toBe(f.summary);
    }
    expect(render(find(diamond!, 'spf.lookups')!, 'nl').summary).toMatch(
      /include-boom vertakt zo ver .*meer dan 100 DNS-query's/,
    );
  }, 60_000);

  it('a hostile domain over a tight budget gets check.limits naming it; the next domain is unaffected', async () => {
    const tight = context({ limits: { dnsQueriesPerDomain: 40 } });
    // 40 queries fit a good domain's checks without the ipv6 and rpki monitors (their name server and AAAA lookups
    // come on top); the budget is about the hostile SPF walk, so those two do not run here
    const monitors = MONITORS.filter((m) => m.name !== 'ipv6' && m.name !== 'rpki');
    const [diamond, good] = await checkDomains(['hostile-diamond.test', 'spf-good.test'], () => tight, 2, monitors);
    expect(find(diamond!, 'check.limits')).toMatchObject({
      status: 'error',
      evidence: { limits: ['dns-queries'], dnsQueries: 40 },
    });
    expect(render(find(diamond!, 'check.limits')!, 'nl').summary).toMatch(
      /^De controle van hostile-diamond.test is voortijdig afgebroken/,
    );
    expect(find(good!, 'check.limits')).toBeUndefined();
    expect(find(good!, 'spf.policy')?.status).toBe('ok');
  }, 60_000);

  it('the MX at the resolver address is refused even with private targets allowed, and mx.records says why', async () => {
    const strict = context({ allowPrivateTargets: false });
    const [report] = await checkDomains(['hostile-resolvermx.test'], () => strict, 1);
    expect(find(report!, 'mx.records', 'mx1.hostile-resolvermx.test')).toMatchObject({ status: 'warn' });
    expect(JSON.stringify(report!.findings.filter((f) => f.check.startsWith('mtasts')))).toMatch(
      /not fetched|configured resolver|special-purpose/,
    );
  }, 60_000);
});
