/**
 * `check` split over worker threads must say exactly what one thread says: the same findings, statuses and
 * summaries, in input order, the same pretty JSON document and the same exit code. Real CLI, real lab.
 */
import { describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/model.ts';
import { labCheckFlags, reportsOf, runCli } from '../support/cli.ts';

const DOMAINS = [
  'qa-perfect.test',
  'mx-good.test',
  'mx-cname.test',
  'mx-null.test',
  'dnssec-expired.test',
  'dnssec-unsigned.test',
  'dnssec-wrongds.test',
  'spf-plusall.test',
  'dmarc-none.test',
  'tlsa-good.test',
  'tlsa-mismatch.test',
  'tls-shared.test',
  'nosuch-domain.test',
];

/**
 * What a user compares: per domain, every finding's check, subject, status and summary. Two things vary from run
 * to run whatever the threads: Unbound rotates the order of RRsets (so findings per address, address lists and key
 * tag lists come in either order), and an `error` summary quotes the resolver's SERVFAIL text, which depends on what
 * the shared resolver saw just before (two runs at once here).
 */
function verdicts(reports: DomainReport[]): string[] {
  const list = /[\w.:]+(?:, [\w.:]+)+/g;
  return reports.flatMap((report) =>
    report.findings
      .map((f) => {
        const summary =
          f.status === 'error' ? '' : f.summary.replace(list, (items) => items.split(', ').sort().join(', '));
        return `${report.domain} | ${f.check} | ${f.subject} | ${f.status} | ${summary}`;
      })
      .sort(),
  );
}

describe('check over worker threads', () => {
  it('gives the same verdicts, order, JSON shape and exit code as one thread', async () => {
    const args = ['check', ...DOMAINS, ...labCheckFlags(), '--timeout', '20000', '--json'];
    const [one, three] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '3'])]);
    const single = reportsOf(one);
    const split = reportsOf(three);
    expect(split.map((r) => r.domain)).toEqual(DOMAINS);
    expect(verdicts(split)).toEqual(verdicts(single));
    expect(three.code).toBe(one.code);
    expect(three.code).toBe(2);
    for (const run of [one, three]) expect(run.stdout).toBe(`${JSON.stringify(JSON.parse(run.stdout), null, 2)}\n`);
  }, 150_000);

  it('refuses a --workers that is not a positive whole number', async () => {
    const run = await runCli(['check', 'example.test', '--workers', '0']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/--workers expects a positive whole number, got "0"/);
  });
});
