/** `mailwarden check` as a user runs it: the real CLI as a child process, every monitor, against the real lab. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DomainReport, Finding } from '../../src/model.ts';
import { labInfo } from '../lab/info.ts';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function labFlags(): string[] {
  const lab = labInfo();
  if (!lab.caFile) throw new Error('the lab has no CA file');
  return [
    '--resolver',
    `${lab.resolver.address}:${lab.resolver.port}`,
    '--trust-anchor',
    lab.trustAnchorFile,
    '--ca-file',
    lab.caFile,
    '--allow-private-targets',
    '--banner-timeout',
    '4000',
    '--retry-delay',
    '300',
  ];
}

export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 150_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function reportsOf(run: CliRun): DomainReport[] {
  try {
    return (JSON.parse(run.stdout) as { reports: DomainReport[] }).reports;
  } catch {
    throw new Error(`no JSON (exit ${run.code}): ${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  }
}

export function findingsOf(run: CliRun, domain: string): Finding[] {
  const report = reportsOf(run).find((r) => r.domain === domain);
  if (!report) throw new Error(`no report for ${domain}`);
  return report.findings;
}

export function listed(findings: Finding[]): string {
  return findings.map((f) => `${f.status} ${f.check} ${f.subject}: ${f.summary}`).join('\n');
}
