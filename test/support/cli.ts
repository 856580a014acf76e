/** The real mailwarden CLI as a child process, as a user runs it, and the flags that point `check` at the lab. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DomainReport, Finding } from '../../src/model.ts';
import { labInfo } from '../lab/info.ts';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CliRun {
  /** The exit code; -1 when the process was killed (the 150 s limit) or could not start. */
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export function runCli(args: string[]): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { timeout: 150_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr, durationMs: performance.now() - started });
      },
    );
  });
}

/**
 * Flags for `check` against the lab: its resolver, trust anchor and CA, private targets allowed (unless told not
 * to). The silent listener never greets, and failed probes are retried once: a short banner timeout and retry delay
 * keep a run to seconds, while every other SMTP step keeps its generous timeout for a busy 2-core machine.
 */
export function labCheckFlags(options: { allowPrivateTargets?: boolean } = {}): string[] {
  const lab = labInfo();
  if (!lab.caFile) throw new Error('the lab has no CA file: SMTP/HTTPS are not part of this lab');
  return [
    '--resolver',
    `${lab.resolver.address}:${lab.resolver.port}`,
    '--trust-anchor',
    lab.trustAnchorFile,
    '--ca-file',
    lab.caFile,
    '--banner-timeout',
    '4000',
    '--retry-delay',
    '300',
    ...(options.allowPrivateTargets === false ? [] : ['--allow-private-targets']),
  ];
}

/** The reports of a `--json` run; throws with the exit code, stderr and the start of stdout when there is no JSON. */
export function reportsOf(run: CliRun): DomainReport[] {
  try {
    return (JSON.parse(run.stdout) as { reports: DomainReport[] }).reports;
  } catch {
    throw new Error(`mailwarden exited ${run.code} without JSON: ${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  }
}

/** The findings of one domain; throws naming the domains there are, so a failure says what was there. */
export function findingsOf(reports: DomainReport[], domain: string): Finding[] {
  const report = reports.find((r) => r.domain === domain);
  if (!report) throw new Error(`no report for ${domain}; got ${reports.map((r) => r.domain).join(', ')}`);
  return report.findings;
}
