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

describe('mailwarden check without the lab trust anchor (built-in IANA anchors against the private lab root)', () => {
  it('reports DNSSEC and DANE as could-not-check (error, exit 3) naming the trust anchor, never as a broken domain', async () => {
    const flags = labFlags();
    const at = flags.indexOf('--trust-anchor');
    flags.splice(at, 2);
    const run = await runCli(['check', 'tlsa-good.test', ...flags, '--checks', 'mx,dnssec,dane', '--json']);
    const findings = findingsOf(run, 'tlsa-good.test');
    const chain = findings.filter((f) => f.check === 'dnssec.chain');
    expect(chain.length, listed(findings)).toBeGreaterThan(0);
    for (const f of [...chain, ...findings.filter((f) => f.check === 'dane.tlsa')]) {
      expect(f.status, listed(findings)).toBe('error');
      expect(f.summary).toMatch(/match none of our trust anchors \(20326\/8, 38696\/8\)/);
      expect(f.fix).toBeUndefined();
    }
    expect(
      findings.filter((f) => f.status === 'fail' || f.status === 'warn'),
      listed(findings),
    ).toEqual([]);
    expect(run.code).toBe(3);
  });
});
