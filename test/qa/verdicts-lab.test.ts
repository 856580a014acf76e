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

describe('STARTTLS summaries say what matters for this host (real Postfix)', () => {
  it('names the certificate by the MX name it is valid for, a mismatch by what it names, and tells how to fix trust', async () => {
    const run = await runCli([
      'check',
      'tls-good.test',
      'tls-wrongname.test',
      ...labFlags(),
      '--checks',
      'mx,starttls',
      '--json',
    ]);
    const good = findingsOf(run, 'tls-good.test').find(
      (f) => f.subject === 'mx1.tls-good.test/127.25.0.1' && f.check === 'starttls.certificate',
    );
    expect(good?.status).toBe('ok');
    expect(good?.summary).toMatch(/^rsa 2048 certificate for mx1\.tls-good\.test \(\+\d+ other names\), valid until/);
    const wrong = findingsOf(run, 'tls-wrongname.test').find((f) => f.check === 'starttls.certificate');
    expect(wrong?.status).toBe('info');
    expect(wrong?.summary).toMatch(
      /certificate for wrong-name\.invalid, valid until .*: not valid for mx1\.tls-wrongname\.test/,
    );
    expect(wrong?.fix).toMatch(/MTA-STS .* names mx1\.tls-wrongname\.test/);
  });

  it('says an expired certificate expired, once (no "valid until" and no "not trusted (certificate has expired)")', async () => {
    const run = await runCli(['check', 'tls-expired.test', ...labFlags(), '--checks', 'mx,starttls', '--json']);
    const certificate = findingsOf(run, 'tls-expired.test').find((f) => f.check === 'starttls.certificate');
    expect(certificate?.status).toBe('fail');
    expect(certificate?.summary).toMatch(
      /^ec 256 certificate for mx1\.tls-expired\.test \(\+2 other names\): expired on \d{4}-\d\d-\d\d \(10 days ago\)$/,
    );
  });

  it('says a TLS 1.0/1.1-only server offers nothing newer, without repeating the legacy version', async () => {
    const run = await runCli(['check', 'tls-legacy.test', ...labFlags(), '--checks', 'mx,starttls', '--json']);
    const protocol = findingsOf(run, 'tls-legacy.test').find((f) => f.check === 'starttls.protocol');
    expect(protocol?.status).toBe('warn');
    expect(protocol?.summary).toBe('offers at most TLSv1.1 (NCSC: phase-out): no TLS 1.2 or 1.3');
    expect(protocol?.fix).toMatch(/^Enable TLS 1\.2 and 1\.3/);
  });
});

describe('a domain that accepts no mail (null MX, real lab)', () => {
  it('is not told to publish MTA-STS or TLS-RPT', async () => {
    const run = await runCli(['check', 'dkim-parked.test', ...labFlags(), '--checks', 'mx,mtasts,tlsrpt', '--json']);
    const findings = findingsOf(run, 'dkim-parked.test');
    for (const check of ['mtasts.record', 'tlsrpt.record']) {
      const f = findings.find((candidate) => candidate.check === check);
      expect(f, listed(findings)).toMatchObject({
        status: 'info',
        summary: expect.stringMatching(/none needed: dkim-parked\.test accepts no mail \(null MX\)$/),
      });
      expect(f?.fix).toBeUndefined();
    }
    expect(run.code).toBe(0);
  });
});

describe('an MX target without address (real lab)', () => {
  it.each([
    ['mx-noaddr.test', 'mx1.mx-noaddr.test'],
    ['mx-nxtarget.test', 'missing.mx-nxtarget.test'],
  ])('%s: mx.records fails %s; no lasting STARTTLS error repeats it', async (domain, target) => {
    const run = await runCli(['check', domain, ...labFlags(), '--checks', 'mx,starttls', '--json']);
    const findings = findingsOf(run, domain);
    expect(findings.find((f) => f.check === 'mx.records' && f.subject === target)?.status).toBe('fail');
    expect(
      findings.filter((f) => f.check.startsWith('starttls.')),
      listed(findings),
    ).toEqual([]);
    expect(run.code).toBe(2);
  });
});
