import { describe, expect, it } from 'vitest';
import { findingsOf, labFlags, listed, runCli } from './qa-cli.ts';

describe('mailwarden check verdicts, read as a demanding user would (real lab)', () => {
  it.each([
    ['mx-localhost.test', 'localhost'],
    ['mx-ipliteral.test', '192.0.2.1'],
  ])(
    '%s: an MX target that is no host name (%s) fails mx.records once, with no probe, TLSA or DNSSEC verdict about it',
    async (domain, target) => {
      const run = await runCli(['check', domain, ...labFlags(), '--json']);
      const findings = findingsOf(run, domain);
      const aboutTarget = findings.filter((f) => f.subject === target || f.subject.startsWith(`${target}/`));
      expect(
        aboutTarget.map((f) => `${f.check} ${f.status}`),
        listed(findings),
      ).toEqual(['mx.records fail']);
      expect(
        findings.filter((f) => /^(starttls|dane)\./.test(f.check)),
        listed(findings),
      ).toEqual([]);
    },
  );
});
