/** Runs `mailwarden check` as a user would: a child process of the real CLI against the real lab. */
import type { DomainReport, Finding } from '../../src/model.ts';
import { findingsOf as findingsIn, labCheckFlags, reportsOf, runCli } from '../support/cli.ts';

export interface CheckRun {
  code: number;
  stderr: string;
  reports: DomainReport[];
  durationMs: number;
}

/** The transport monitors (and mx, which they build on); SPF, DMARC, DKIM and DNSSEC are other areas' business. */
export const TRANSPORT_CHECKS = 'mx,starttls,dane,mtasts,tlsrpt';

/** The lab flags (labCheckFlags), a generous overall timeout, the transport checks, JSON output. */
export function labArgs(options: { allowPrivateTargets?: boolean } = {}): string[] {
  return [...labCheckFlags(options), '--timeout', '20000', '--checks', TRANSPORT_CHECKS, '--json'];
}

/** Rejects when the run printed no JSON. */
export async function runCheck(args: string[]): Promise<CheckRun> {
  const run = await runCli(['check', ...args]);
  return { code: run.code, stderr: run.stderr, reports: reportsOf(run), durationMs: run.durationMs };
}

/** Finds of one domain; throws with the report when the domain is missing, so a failure says what was there. */
export function findingsOf(run: CheckRun, domain: string): Finding[] {
  return findingsIn(run.reports, domain);
}

/** The one finding of a check about a subject; throws listing what there is instead. */
export function finding(findings: Finding[], check: string, subject: string): Finding {
  const found = findings.filter((f) => f.check === check && f.subject === subject);
  if (found.length !== 1) {
    const seen = findings.map((f) => `${f.check} ${f.subject} ${f.status}`).join('\n  ');
    throw new Error(`expected one ${check} about ${subject}, found ${found.length}; findings:\n  ${seen}`);
  }
  return found[0]!;
}
