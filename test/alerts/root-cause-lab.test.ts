/**
 * Root causes named from what the real monitors say (`mailwarden check` against the lab's resolver and Postfix):
 * the subjects the grouping parses are the ones the STARTTLS and DANE monitors really write.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DependentsIndex } from '../../src/alerts/dependents.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { sharedThingKey } from '../../src/alerts/root-cause.ts';
import { noticeFor } from '../../src/daemon/notices.ts';
import type { Change, DomainReport } from '../../src/model.ts';
import { labArgs, runCheck } from '../transport-e2e/run-check.ts';

const SHARED = ['d1', 'd2', 'd3', 'd4', 'd5'].map((d) => `${d}.tls-shared.test`);
let reports: DomainReport[];

beforeAll(async () => {
  reports = (await runCheck([...SHARED, 'tls-notls.test', 'tlsa-mismatch.test', ...labArgs()])).reports;
}, 120_000);

describe('root causes from real findings', () => {
  it('five domains on one MX host with two addresses depend on both addresses, and on nothing else shared', () => {
    const index = new DependentsIndex();
    for (const report of reports) index.update(report.domain, report.findings);
    for (const address of ['127.25.0.100', '127.25.0.101'])
      expect(index.dependents(`mx-address:${address}`).sort()).toEqual([...SHARED].sort());
    expect(index.dependents('mx-address:127.25.0.1')).toEqual([]);
  });

  it('a STARTTLS failure and a DANE mismatch name their MX address and TLSA set', () => {
    const notls = reports.find((r) => r.domain === 'tls-notls.test')!;
    const offered = notls.findings.find((f) => f.check === 'starttls.offered' && f.status === 'fail')!;
    expect(sharedThingKey({ domain: notls.domain, check: offered.check, subject: offered.subject })).toMatch(
      /^mx-address:127\.25\./,
    );
    const mismatch = reports.find((r) => r.domain === 'tlsa-mismatch.test')!;
    const match = mismatch.findings.find((f) => f.check === 'dane.match' && f.status === 'fail')!;
    expect(sharedThingKey({ domain: mismatch.domain, check: match.check, subject: match.subject })).toMatch(
      /^mx-address:/,
    );
    const tlsa = mismatch.findings.find((f) => f.check === 'dane.tlsa');
    if (tlsa && tlsa.subject !== mismatch.domain)
      expect(sharedThingKey({ domain: mismatch.domain, check: tlsa.check, subject: tlsa.subject })).toBe(
        `tlsa:_25._tcp.${tlsa.subject}`,
      );
  });

  it('the shared MX failing for all five is one digest group naming the address and the five domains', () => {
    const notices = reports
      .filter((r) => SHARED.includes(r.domain))
      .flatMap((report) =>
        report.findings
          .filter((f) => f.check === 'starttls.offered' && f.subject.endsWith('/127.25.0.100'))
          .map((after) => {
            const change: Change = {
              kind: 'regression',
              domain: report.domain,
              check: after.check,
              subject: after.subject,
              before: { ...after, status: 'ok', summary: 'STARTTLS offered' },
              after: { ...after, status: 'fail' },
              at: report.checkedAt,
            };
            return noticeFor('regression', change, [], report.checkedAt);
          }),
      );
    expect(notices).toHaveLength(5);
    const digest = buildDigest(notices);
    expect(digest.groups).toHaveLength(1);
    expect(digest.groups[0]!.heading).toContain('MX address 127.25.0.100');
    expect(digest.groups[0]!.domains).toEqual([...SHARED].sort());
  });
});
