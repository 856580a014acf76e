/** `mailwarden check` as a user runs it: the real CLI as a child process, every monitor, against the real lab. */
import type { Finding } from '../../src/model.ts';
import { type CliRun, findingsOf as findingsIn, labCheckFlags, reportsOf, runCli } from '../support/cli.ts';

export { type CliRun, reportsOf, runCli };

export function labFlags(): string[] {
  return labCheckFlags();
}

export function findingsOf(run: CliRun, domain: string): Finding[] {
  return findingsIn(reportsOf(run), domain);
}

export function listed(findings: Finding[]): string {
  return findings.map((f) => `${f.status} ${f.check} ${f.subject}: ${f.summary}`).join('\n');
}
