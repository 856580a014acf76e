import { describe, expect, it } from 'vitest';
import { checkDomain, checkDomains } from '../../src/check/check-domain.ts';
import { boundFinding, FINDING_BOUNDS } from '../../src/check/finding-bounds.ts';
import { isDnsError } from '../../src/dns/errors.ts';
import { render } from '../../src/i18n/render.ts';
import { say } from '../../src/i18n/say.ts';
import type { Finding } from '../../src/model.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';

const ok = (check: string, domain: string): Finding => ({
  check,
  subject: domain,
  status: 'ok',
  summary: 'ok',
  evidence: {},
});

/** Asks for TXT records until the DNS says no; then reports what it got. */
const greedy: Monitor = {
  name: 'greedy',
  async run(context, domain) {
    for (let i = 0; ; i++) {
      try {
        await context.dns.query(`n${i}.${domain}`, 'TXT');
      } catch (error) {
        if (!isDnsError(error)) throw error;
        return [
          { check: 'greedy.count', subject: domain, status: 'error', summary: error.message, evidence: { asked: i } },
        ];
      }
    }
  },
};

/** Never finishes unless its DNS fails. */
const stuck: Monitor = {
  name: 'stuck',
  async run(context, domain) {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        await context.dns.query(domain, 'A');
      } catch {
        return [{ check: 'stuck.result', subject: domain, status: 'error', summary: 'gave up', evidence: {} }];
      }
    }
  },
};

/** Never finishes at all, not even when its DNS fails. */
const deaf: Monitor = { name: 'deaf', run: () => new Promise<Finding[]>(() => {}) };

const quick: Monitor = { name: 'quick', run: async (_context, domain) => [ok('quick.result', domain)] };

describe('limits of one domain check', () => {
  it('a domain over its DNS query budget gets check.limits naming it; the monitors get DnsErrors', async () => {
    const context = monitorContext(new FakeDns(), { limits: { dnsQueriesPerDomain: 25 } });
    const report = await checkDomain(context, 'hostile.example', [greedy, quick]);
    const byCheck = new Map(report.findings.map((f) => [f.check, f]));
    expect(byCheck.get('greedy.count')?.evidence).toEqual({ asked: 25 });
    expect(byCheck.get('greedy.count')?.summary).toMatch(/used its 25 DNS queries/);
    expect(byCheck.get('quick.result')?.status).toBe('ok');
    expect(byCheck.get('check.limits')).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/DNS query budget \(checks.limits.dnsQueriesPerDomain\)/),
      evidence: { limits: ['dns-queries'], dnsQueries: 25 },
    });
    const limits = byCheck.get('check.limits')!;
    expect(limits.reason).toBe('limits-hit');
    expect(limits.summary).toMatch(/^The check of hostile.example was cut short/);
    expect(render(limits, 'nl').summary).toMatch(
      /^De controle van hostile.example is voortijdig afgebroken.*maximum aantal DNS-query's \(checks.limits.dnsQueriesPerDomain\)/,
    );
  });

  it('a domain over its DNS data bound stops receiving answers', async () => {
    const dns = new FakeDns();
    for (let i = 0; i < 200; i++) dns.add(`n${i}.big.example`, 'TXT', 'x'.repeat(1000));
    const context = monitorContext(dns, { limits: { dnsBytesPerDomain: 65_536 } });
    const report = await checkDomain(context, 'big.example', [greedy]);
    const limits = report.findings.find((f) => f.check === 'check.limits');
    expect(limits?.evidence).toMatchObject({ limits: ['dns-bytes'] });
    expect((report.findings[0]!.evidence as { asked: number }).asked).toBeLessThan(70);
  });

  it('stops at the domain deadline: DNS fails fast afterwards, finished monitors keep their findings', async () => {
    const context = monitorContext(new FakeDns(), { limits: { domainDeadlineMs: 150 } });
    const report = await checkDomain(context, 'slow.example', [stuck, quick]);
    const checks = report.findings.map((f) => f.check);
    expect(checks).toEqual(['stuck.result', 'quick.result', 'check.limits']);
    expect(report.findings[2]?.summary).toMatch(/deadline of 0.15 s/);
    expect(render(report.findings[2]!, 'nl').summary).toMatch(/maximale duur van 0.15 s/);
  });

  it('a domain that the batch deadline leaves no time for is reported, not dropped; others are unaffected', async () => {
    const contextFor = () => monitorContext(new FakeDns(), { limits: { domainDeadlineMs: 60_000 } });
    const reports = await checkDomains(['a.example', 'b.example', 'c.example'], contextFor, 1, [stuck, quick], {
      batchDeadlineMs: 150,
    });
    expect(reports.map((r) => r.domain)).toEqual(['a.example', 'b.example', 'c.example']);
    expect(reports[0]!.findings.map((f) => f.check)).toEqual(['stuck.result', 'quick.result', 'check.limits']);
    for (const report of reports.slice(1)) {
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]).toMatchObject({ check: 'check.limits', status: 'error' });
      expect(report.findings[0]!.summary).toMatch(/batch passed its deadline/);
    }
  });
});

describe('stopping mailwarden during a batch', () => {
  it('ends the running domain (naming why) and reports the others as not checked', async () => {
    const stop = new AbortController();
    const contextFor = () => monitorContext(new FakeDns(), { limits: { domainDeadlineMs: 60_000 } });
    setTimeout(() => stop.abort(), 100);
    const reports = await checkDomains(['a.example', 'b.example'], contextFor, 1, [stuck, quick, deaf], {
      signal: stop.signal,
    });
    const limits = reports[0]!.findings.find((f) => f.check === 'check.limits');
    expect(limits?.summary).toMatch(/stopped at mailwarden stopping/);
    const unfinished = reports[0]!.findings.find((f) => f.check === 'deaf.monitor');
    expect(unfinished).toMatchObject({ status: 'error', reason: 'monitor-unfinished' });
    expect(render(unfinished!, 'nl').summary).toBe(
      'De deaf-controle van a.example is niet afgerond: de controle stopte bij het stoppen van mailwarden',
    );
    expect(limits?.evidence).toMatchObject({ limits: ['stopping'] });
    expect(reports[1]!.findings).toEqual([
      expect.objectContaining({ check: 'check.limits', summary: 'b.example was not checked: mailwarden is stopping' }),
    ]);
    expect(render(reports[1]!.findings[0]!, 'nl').summary).toBe(
      'b.example is niet gecontroleerd: mailwarden wordt gestopt',
    );
  });
});

describe('bounds of one finding', () => {
  it('keeps summaries, fixes and evidence of a 1,000-rua record small, saying what was cut', () => {
    const rua = Array.from({ length: 1_000 }, (_, i) => `mailto:dmarc-reports-${i}@reports.example`);
    const finding = boundFinding({
      check: 'dmarc.reporting',
      subject: 'example.nl',
      status: 'warn',
      summary: `rua: ${rua.join(', ')}`,
      fix: rua.join(' '),
      evidence: { rua, record: `v=DMARC1; p=reject; rua=${rua.join(',')}` },
    });
    expect(finding.summary.length).toBeLessThanOrEqual(FINDING_BOUNDS.summaryChars);
    expect(finding.summary).toMatch(/more characters\)$/);
    expect(finding.fix!.length).toBeLessThanOrEqual(FINDING_BOUNDS.fixChars);
    const evidence = finding.evidence as { rua: string[]; record: string };
    expect(evidence.rua).toHaveLength(51);
    expect(evidence.rua[50]).toBe('… 950 more items (1000 in all)');
    expect(evidence.record.length).toBeLessThanOrEqual(FINDING_BOUNDS.evidenceStringChars);
    expect(JSON.stringify(finding).length).toBeLessThan(20_000);
  });

  it('bounds the params too, so the same finding in Dutch stays small', () => {
    const rua = Array.from({ length: 1_000 }, (_, i) => `mailto:dmarc-reports-${i}@reports.example`);
    const finding = boundFinding({
      check: 'dmarc.reporting',
      subject: 'example.nl',
      status: 'ok',
      ...say('dmarc.reporting', 'ok', { domain: 'example.nl', addresses: rua }),
      evidence: {},
    });
    const params = finding.params as { addresses: string[] };
    expect(params.addresses).toHaveLength(51);
    expect(params.addresses[50]).toBe('… 950 more (1000 in all)');
    const dutch = render(finding, 'nl').summary;
    expect(dutch).toMatch(/^DMARC-rapporten voor example.nl gaan naar mailto:dmarc-reports-0@/);
    expect(dutch.length).toBeLessThan(3_000);
  });

  it('replaces evidence that stays too large by a bounded excerpt', () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v'.repeat(200)]));
    const bounded = boundFinding({ check: 'x.y', subject: 's', status: 'ok', summary: 's', evidence: wide });
    expect(bounded.evidence).toMatchObject({ truncated: true });
    expect(JSON.stringify(bounded.evidence).length).toBeLessThanOrEqual(FINDING_BOUNDS.evidenceJsonChars);
  });

  it('checkDomain bounds every finding of every monitor', async () => {
    const loud: Monitor = {
      name: 'loud',
      run: async (_c, domain) => [{ ...ok('loud.x', domain), summary: 'y'.repeat(100_000) }],
    };
    const report = await checkDomain(monitorContext(new FakeDns()), 'a.example', [loud]);
    expect(report.findings[0]!.summary.length).toBeLessThanOrEqual(FINDING_BOUNDS.summaryChars);
  });
});

describe('shared work and a domain over its limits', () => {
  it('does not leave work cut short by one domain budget behind for the next domain', async () => {
    const shared = new RunShared();
    let computed = 0;
    /** Both domains need the same shared lookup; the first one has no DNS budget left for it. */
    const sharer: Monitor = {
      name: 'sharer',
      run: async (context, domain) => {
        const answer = await context.shared.memo('shared:root', async () => {
          computed++;
          try {
            await context.dns.query('example', 'SOA');
            return 'ok';
          } catch {
            return 'failed';
          }
        });
        return [{ check: 'sharer.root', subject: domain, status: 'ok', summary: answer, evidence: {} }];
      },
    };
    const dns = new FakeDns().add('example', 'SOA', { mname: 'ns.example', rname: 'h.example', serial: 1 });
    const hostile = { ...monitorContext(dns, { limits: { dnsQueriesPerDomain: 10 } }), shared };
    const good = { ...monitorContext(dns), shared };
    const greedyFirst: Monitor = {
      name: 'greedy',
      run: async (context, domain) => {
        const found = await greedy.run(context, domain);
        return [...found, ...(await sharer.run(context, domain))];
      },
    };
    const first = await checkDomain(hostile, 'hostile.example', [greedyFirst]);
    expect(first.findings.find((f) => f.check === 'sharer.root')?.summary).toBe('failed');
    const second = await checkDomain(good, 'good.example', [sharer]);
    expect(second.findings.find((f) => f.check === 'sharer.root')?.summary).toBe('ok');
    expect(computed).toBe(2);
  });
});
