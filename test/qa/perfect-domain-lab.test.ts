import { describe, expect, it } from 'vitest';
import { findingsOf, labFlags, listed, runCli } from './qa-cli.ts';

const PERFECT = 'qa-perfect.test';
const SELECTORS = ['--dkim-selectors', 'ed1,rsa1'];

// qa-perfect.test's MX names are in the Postfix certificates only when the lab was started with the zone present
describe('a perfectly configured domain (qa-perfect.test, real lab)', () => {
  it('gets only ok/info findings and exit code 0, covering every standard', async () => {
    const run = await runCli(['check', PERFECT, ...labFlags(), ...SELECTORS, '--json']);
    const findings = findingsOf(run, PERFECT);
    const bad = findings.filter((f) => f.status !== 'ok' && f.status !== 'info');
    expect(listed(bad), listed(findings)).toBe('');
    expect(run.code).toBe(0);
    const checks = new Set(findings.map((f) => f.check));
    for (const check of [
      'mx.records',
      'spf.record',
      'spf.policy',
      'spf.lookups',
      'dmarc.record',
      'dmarc.policy',
      'dmarc.reporting',
      'dkim.key',
      'dnssec.chain',
      'dnssec.expiry',
      'dnssec.consistency',
      'starttls.offered',
      'starttls.protocol',
      'starttls.cipher',
      'starttls.certificate',
      'dane.tlsa',
      'dane.match',
      'dane.rollover',
      'mtasts.record',
      'mtasts.policy',
      'tlsrpt.record',
    ])
      expect(checks, check).toContain(check);
    expect(findings.filter((f) => f.check === 'dkim.key').map((f) => [f.subject, f.status])).toEqual([
      ['ed1._domainkey.qa-perfect.test', 'ok'],
      ['rsa1._domainkey.qa-perfect.test', 'ok'],
    ]);
    expect(findings.filter((f) => f.check === 'dnssec.chain').map((f) => f.subject)).toEqual([
      'qa-perfect.test',
      'mx1.qa-perfect.test',
      'mx2.qa-perfect.test',
    ]);
    for (const f of findings.filter((f) => f.check === 'starttls.certificate' || f.check === 'dnssec.expiry'))
      expect(Date.parse(f.expiresAt ?? ''), `${f.check} ${f.subject} expiresAt`).toBeGreaterThan(Date.now());
  });

  it('prints a table with no fix lines and no finding above INFO', async () => {
    const run = await runCli(['check', PERFECT, ...labFlags(), ...SELECTORS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^qa-perfect\.test {2}\[(OK|INFO)\]/);
    expect(run.stdout).not.toMatch(/^\s+(WARN|FAIL|ERROR)\s/m);
    expect(run.stdout).not.toMatch(/fix:/);
  });
});
