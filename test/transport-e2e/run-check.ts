/** Runs `mailwarden check` as a user would: a child process of the real CLI against the real lab. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DomainReport, Finding } from '../../src/model.ts';
import { labInfo } from '../lab/info.ts';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CheckRun {
  code: number;
  stderr: string;
  reports: DomainReport[];
  durationMs: number;
}

/** The transport monitors (and mx, which they build on); SPF, DMARC, DKIM and DNSSEC are other areas' business. */
export const TRANSPORT_CHECKS = 'mx,starttls,dane,mtasts,tlsrpt';

/**
 * Lab flags: resolver, trust anchor, CA, private targets. The silent listener never greets, and failed probes are
 * retried once: a short banner timeout and retry delay keep a run to seconds, while every other SMTP step keeps a
 * generous timeout for a busy 2-core machine.
 */
export function labArgs(options: { allowPrivateTargets?: boolean } = {}): string[] {
  const lab = labInfo();
  if (!lab.caFile) throw new Error('the lab has no CA file: SMTP/HTTPS are not part of this lab');
  return [
    '--resolver',
    `${lab.resolver.address}:${lab.resolver.port}`,
    '--trust-anchor',
    lab.trustAnchorFile,
    '--ca-file',
    lab.caFile,
    '--timeout',
    '20000',
    '--banner-timeout',
    '4000',
    '--retry-delay',
    '300',
    '--checks',
    TRANSPORT_CHECKS,
    '--json',
    ...(options.allowPrivateTargets === false ? [] : ['--allow-private-targets']),
  ];
}

export function runCheck(args: string[]): Promise<CheckRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'check', ...args],
      { timeout: 150_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        try {
          const { reports } = JSON.parse(stdout) as { reports: DomainReport[] };
          resolve({ code, stderr, reports, durationMs: performance.now() - started });
        } catch {
          reject(new Error(`mailwarden check exited ${code} without JSON: ${stderr}\n${stdout.slice(0, 2000)}`));
        }
      },
    );
  });
}

/** Finds of one domain; throws with the report when the domain is missing, so a failure says what was there. */
export function findingsOf(run: CheckRun, domain: string): Finding[] {
  const report = run.reports.find((r) => r.domain === domain);
  if (!report) throw new Error(`no report for ${domain}; got ${run.reports.map((r) => r.domain).join(', ')}`);
  return report.findings;
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
