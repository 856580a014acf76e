/**
 * `mailwarden check` as a user runs it, through the real lab resolver (Unbound + NSD), against the real Postfix
 * personalities and nginx MTA-STS hosting: every STARTTLS, DANE, MTA-STS and TLS-RPT lab case of
 * test/lab/zones/tls/ in one run, as a hoster's batch would be.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { labInfo } from '../lab/info.ts';
import { type CheckRun, finding, findingsOf, labArgs, runCheck } from './run-check.ts';

const CASES = [
  'tls-good',
  'tls-notls',
  'tls-expired',
  'tls-wrongname',
  'tls-selfsigned',
  'tls-legacy',
  'tls-legacyok',
  'tls-silent',
  'tls-refused',
  'tls-mixed',
  'tlsa-good',
  'tlsa-mismatch',
  'tlsa-single',
  'tlsa-ta',
  'tlsa-pkix',
  'tlsa-unsigned',
  'tlsa-expiring',
  'tlsa-wholecert',
  'tlsa-insecureaddr',
  'tlsa-expiredee',
  'tlsa-tawrongname',
  'sts-good',
  'sts-uncovered',
  'sts-missing',
  'sts-redirect',
  'sts-badmx',
  'rpt-good',
  'rpt-broken',
].map((name) => `${name}.test`);

let run: CheckRun;

beforeAll(async () => {
  run = await runCheck([...CASES, ...labArgs()]);
}, 170_000);

const of = (domain: string) => findingsOf(run, domain);
const get = (domain: string, check: string, subject: string) => finding(of(domain), check, subject);
const byCheck = (domain: string, check: string) => of(domain).filter((f) => f.check === check);
// biome-ignore lint/suspicious/noExplicitAny: evidence is free-form JSON; the assertions themselves check its shape
const evidence = (f: Finding) => f.evidence as Record<string, any>;
type Entry = { record: string; verdict: string; reason: string };

function labCert(name: string): X509Certificate {
  return new X509Certificate(readFileSync(join(labInfo().caFile!, '..', `${name}.crt`)));
}

describe('mailwarden check over every transport lab case (real resolver, Postfix, nginx)', () => {
  it('reports every domain, exits 2 (there are failures), and takes seconds, not minutes', () => {
    expect(run.reports.map((r) => r.domain).sort()).toEqual([...CASES].sort());
    expect(run.code).toBe(2);
    // the silent listener costs two banner timeouts (4 s) and one retry delay; everything else is fast
    expect(run.durationMs).toBeLessThan(90_000);
    console.log(`${CASES.length} lab domains checked in ${Math.round(run.durationMs)} ms`);
  });

  describe('STARTTLS', () => {
    it('good on two addresses: ok on both, trusted chain, valid name, said once for the host', () => {
      for (const address of ['127.25.0.1', '127.25.0.2']) {
        const subject = `mx1.tls-good.test/${address}`;
        const offered = get('tls-good.test', 'starttls.offered', subject);
        expect(offered.status).toBe('ok');
        expect(offered.summary).toContain('same on all 2 addresses of mx1.tls-good.test');
        expect(evidence(offered).banner[0]).toContain('ESMTP mailwarden-lab');
        const certificate = get('tls-good.test', 'starttls.certificate', subject);
        expect(certificate.status).toBe('ok');
        expect(evidence(certificate)).toMatchObject({ nameMatches: true, matchedName: 'mx1.tls-good.test' });
        expect(evidence(certificate).trust.trusted).toBe(true);
        expect(evidence(certificate).leaf.sha256).toBe(
          labCert('good').fingerprint256.replaceAll(':', '').toLowerCase(),
        );
        expect(certificate.expiresAt).toBe(new Date(labCert('good').validTo).toISOString());
        expect(get('tls-good.test', 'starttls.cipher', subject).status).toBe('ok');
        expect(evidence(get('tls-good.test', 'starttls.protocol', subject)).version).toBe('TLSv1.3');
      }
    });

    it('no STARTTLS: fail, and no TLS findings', () => {
      const offered = get('tls-notls.test', 'starttls.offered', 'mx1.tls-notls.test/127.25.0.3');
      expect(offered.status).toBe('fail');
      expect(offered.summary).toContain('not offered');
      expect(evidence(offered)).toMatchObject({ outcome: 'no-starttls', starttlsOffered: false });
      expect(byCheck('tls-notls.test', 'starttls.certificate')).toEqual([]);
    });

    it('expired certificate: fail with the real notAfter as expiresAt', () => {
      const certificate = get('tls-expired.test', 'starttls.certificate', 'mx1.tls-expired.test/127.25.0.4');
      expect(certificate.status).toBe('fail');
      expect(certificate.summary).toMatch(/expired on/);
      expect(certificate.expiresAt).toBe(new Date(labCert('expired').validTo).toISOString());
      expect(evidence(certificate).trust.trusted).toBe(false);
      expect(evidence(certificate).daysLeft).toBeLessThan(0);
    });

    it('wrong name: info (opportunistic senders do not check names), trusted chain, name mismatch in evidence', () => {
      const certificate = get('tls-wrongname.test', 'starttls.certificate', 'mx1.tls-wrongname.test/127.25.0.5');
      expect(certificate.status).toBe('info');
      expect(certificate.summary).toContain('not valid for mx1.tls-wrongname.test');
      expect(evidence(certificate)).toMatchObject({ nameMatches: false });
      expect(evidence(certificate).leaf.subjectAltName).toBe('DNS:wrong-name.invalid');
      expect(evidence(certificate).trust.trusted).toBe(true);
    });

    it('self-signed: info, right name, untrusted', () => {
      const certificate = get('tls-selfsigned.test', 'starttls.certificate', 'mx1.tls-selfsigned.test/127.25.0.6');
      expect(certificate.status).toBe('info');
      expect(evidence(certificate)).toMatchObject({ nameMatches: true });
      expect(evidence(certificate).trust.trusted).toBe(false);
    });

    it('TLS 1.0/1.1 only: TLS 1.1 negotiated, phase-out, warn', () => {
      const protocol = get('tls-legacy.test', 'starttls.protocol', 'mx1.tls-legacy.test/127.25.0.8');
      expect(protocol.status).toBe('warn');
      expect(evidence(protocol)).toMatchObject({ version: 'TLSv1.1', tier: 'phase-out' });
      expect(protocol.fix).toMatch(/smtpd_tls_protocols/);
    });

    it('TLS 1.3 negotiated but TLS 1.0/1.1 still accepted: warn from the separate legacy handshake', () => {
      const protocol = get('tls-legacyok.test', 'starttls.protocol', 'mx1.tls-legacyok.test/127.25.0.7');
      expect(protocol.status).toBe('warn');
      expect(evidence(protocol).version).toBe('TLSv1.3');
      expect(evidence(protocol).legacy).toMatchObject({ result: 'accepted' });
      expect(protocol.summary).toMatch(/still accepts TLSv1(\.1)?/);
    });

    it('silent listener: error (timeout after one retry), never a failed check', () => {
      const offered = get('tls-silent.test', 'starttls.offered', 'mx1.tls-silent.test/127.25.0.9');
      expect(offered.status).toBe('error');
      expect(evidence(offered)).toMatchObject({ outcome: 'timeout', stage: 'banner', attempts: 2 });
      expect(byCheck('tls-silent.test', 'starttls.protocol')).toEqual([]);
    });

    it('connection refused: error after one retry', () => {
      const offered = get('tls-refused.test', 'starttls.offered', 'mx1.tls-refused.test/127.25.0.254');
      expect(offered.status).toBe('error');
      expect(evidence(offered)).toMatchObject({ outcome: 'refused', attempts: 2 });
    });

    it('one host, two addresses, one misconfigured: each address judged on its own, no "same on all"', () => {
      const good = get('tls-mixed.test', 'starttls.offered', 'mx1.tls-mixed.test/127.25.0.1');
      const bad = get('tls-mixed.test', 'starttls.offered', 'mx1.tls-mixed.test/127.25.0.3');
      expect(good.status).toBe('ok');
      expect(bad.status).toBe('fail');
      expect(good.summary).not.toContain('same on all');
      expect(bad.summary).not.toContain('same on all');
    });
  });

  describe('DANE', () => {
    const spkiSha256 = (name: string) =>
      createHash('sha256')
        .update(labCert(name).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex');

    it('3 1 1 for the current and the next key: tlsa ok (secure by our validator), match ok on both addresses, rollover ok', () => {
      const tlsa = get('tlsa-good.test', 'dane.tlsa', 'mx1.tlsa-good.test');
      expect(tlsa.status).toBe('ok');
      expect(evidence(tlsa)).toMatchObject({ security: 'secure', resolverAd: true, usable: 2 });
      expect(evidence(tlsa).addressSecurity).toMatchObject({ judge: 'validator', secure: true });
      expect(evidence(tlsa).records.sort()).toEqual(
        [`3 1 1 ${spkiSha256('good')}`, `3 1 1 ${spkiSha256('good-next')}`].sort(),
      );
      for (const address of ['127.25.0.1', '127.25.0.2']) {
        const match = get('tlsa-good.test', 'dane.match', `mx1.tlsa-good.test/${address}`);
        expect(match.status).toBe('ok');
        const verdicts = Object.fromEntries(evidence(match).results.map((r: Entry) => [r.record, r.verdict]));
        expect(verdicts).toEqual({
          [`3 1 1 ${spkiSha256('good')}`]: 'match',
          [`3 1 1 ${spkiSha256('good-next')}`]: 'no-match',
        });
        expect(get('tlsa-good.test', 'dane.rollover', `mx1.tlsa-good.test/${address}`).status).toBe('ok');
      }
    });

    it('TLSA for the old key, server on the renewed key: match fails with the presented key in evidence', () => {
      const match = get('tlsa-mismatch.test', 'dane.match', 'mx1.tlsa-mismatch.test/127.25.0.10');
      expect(match.status).toBe('fail');
      expect(match.summary).toContain('DANE senders defer mail');
      expect(evidence(match).results).toEqual([
        expect.objectContaining({ record: `3 1 1 ${spkiSha256('good')}`, verdict: 'no-match' }),
      ]);
      expect(evidence(match).leafSha256).toBe(labCert('good-next').fingerprint256.replaceAll(':', '').toLowerCase());
      expect(byCheck('tlsa-mismatch.test', 'dane.rollover')).toEqual([]);
    });

    it('a single 3 1 1: match ok, rollover warns that a key change breaks DANE', () => {
      expect(get('tlsa-single.test', 'dane.match', 'mx1.tlsa-single.test/127.25.0.1').status).toBe('ok');
      const rollover = get('tlsa-single.test', 'dane.rollover', 'mx1.tlsa-single.test/127.25.0.1');
      expect(rollover.status).toBe('warn');
      expect(rollover.summary).toMatch(/Only one DANE-EE record/);
      expect(evidence(rollover).spare).toEqual([]);
    });

    it('DANE-TA to the lab CA: matched at depth 1 (the presented CA), rollover ok', () => {
      const match = get('tlsa-ta.test', 'dane.match', 'mx1.tlsa-ta.test/127.25.0.1');
      expect(match.status).toBe('ok');
      expect(evidence(match).results).toEqual([expect.objectContaining({ verdict: 'match', depth: 1 })]);
      expect(evidence(match).results[0].record).toMatch(/^2 0 1 /);
      const rollover = get('tlsa-ta.test', 'dane.rollover', 'mx1.tlsa-ta.test/127.25.0.1');
      expect(rollover.status).toBe('ok');
      expect(rollover.summary).toContain('DANE-TA');
    });

    it('usages 0/1 only: tlsa warn, nothing to match', () => {
      const tlsa = get('tlsa-pkix.test', 'dane.tlsa', 'mx1.tlsa-pkix.test');
      expect(tlsa.status).toBe('warn');
      expect(evidence(tlsa).usable).toBe(0);
      expect(
        evidence(tlsa)
          .unusable.map((u: Entry) => u.reason)
          .join(' '),
      ).toMatch(/PKIX-TA.*PKIX-EE|PKIX-EE.*PKIX-TA/);
      expect(byCheck('tlsa-pkix.test', 'dane.match')).toEqual([]);
    });

    it('TLSA in an unsigned zone: warn (senders ignore it), insecure by our validator and by Unbound', () => {
      const tlsa = get('tlsa-unsigned.test', 'dane.tlsa', 'mx1.tlsa-unsigned.test');
      expect(tlsa.status).toBe('warn');
      expect(tlsa.summary).toContain('not DNSSEC-signed');
      expect(evidence(tlsa)).toMatchObject({ security: 'insecure', resolverAd: false });
      expect(byCheck('tlsa-unsigned.test', 'dane.match')).toEqual([]);
    });

    it('a single 3 1 1 on a certificate expiring in 5 days: renewal-will-break warning, and certificate expiry warn', () => {
      const rollover = get('tlsa-expiring.test', 'dane.rollover', 'mx1.tlsa-expiring.test/127.25.0.11');
      expect(rollover.status).toBe('warn');
      expect(rollover.summary).toMatch(/expires in [45] days .* the renewal will break DANE/);
      expect(get('tlsa-expiring.test', 'dane.match', 'mx1.tlsa-expiring.test/127.25.0.11').status).toBe('ok');
      const certificate = get('tlsa-expiring.test', 'starttls.certificate', 'mx1.tlsa-expiring.test/127.25.0.11');
      expect(certificate.status).toBe('warn');
      expect(certificate.expiresAt).toBe(new Date(labCert('expiring').validTo).toISOString());
    });

    it('3 0 1 whole-certificate records: match ok, rollover info (they break on every renewal)', () => {
      const match = get('tlsa-wholecert.test', 'dane.match', 'mx1.tlsa-wholecert.test/127.25.0.1');
      expect(match.status).toBe('ok');
      expect(match.summary).toMatch(/3 0 1 /);
      const rollover = get('tlsa-wholecert.test', 'dane.rollover', 'mx1.tlsa-wholecert.test/127.25.0.1');
      expect(rollover.status).toBe('info');
      expect(rollover.summary).toContain('pin the whole certificate');
    });

    it('signed TLSA, MX name aliased into an unsigned zone: warn, judged by our validator (A insecure)', () => {
      const tlsa = get('tlsa-insecureaddr.test', 'dane.tlsa', 'mx1.tlsa-insecureaddr.test');
      expect(tlsa.status).toBe('warn');
      expect(tlsa.summary).toContain('address records of mx1.tlsa-insecureaddr.test are not');
      expect(evidence(tlsa)).toMatchObject({ security: 'secure', addressRecordsSecure: false });
      expect(evidence(tlsa).addressSecurity).toMatchObject({ judge: 'validator', secure: false });
      expect(evidence(tlsa).addressSecurity.verdicts.A).toBe('insecure');
    });

    it('DANE-EE on an expired certificate: still a match (no date checks), while starttls.certificate fails', () => {
      expect(get('tlsa-expiredee.test', 'dane.match', 'mx1.tlsa-expiredee.test/127.25.0.4').status).toBe('ok');
      expect(get('tlsa-expiredee.test', 'starttls.certificate', 'mx1.tlsa-expiredee.test/127.25.0.4').status).toBe(
        'fail',
      );
    });

    it('DANE-TA whose leaf has the wrong name: the CA matches but the leaf is not valid for the host: fail', () => {
      const match = get('tlsa-tawrongname.test', 'dane.match', 'mx1.tlsa-tawrongname.test/127.25.0.5');
      expect(match.status).toBe('fail');
      expect(evidence(match).results).toEqual([expect.objectContaining({ verdict: 'match-invalid' })]);
    });

    it('no TLSA: dane.tlsa info, and hosts without TLSA are not matched', () => {
      expect(get('tls-good.test', 'dane.tlsa', 'mx1.tls-good.test').status).toBe('info');
      expect(byCheck('tls-good.test', 'dane.match')).toEqual([]);
    });
  });

  describe('MTA-STS and TLS-RPT', () => {
    it('good enforce policy with every MX covered and valid: ok', () => {
      expect(get('sts-good.test', 'mtasts.record', 'sts-good.test').status).toBe('ok');
      const policy = get('sts-good.test', 'mtasts.policy', 'sts-good.test');
      expect(policy.status).toBe('ok');
      expect(evidence(policy)).toMatchObject({
        address: '127.44.0.1',
        policy: { mode: 'enforce', mx: ['mx1.sts-good.test'], maxAge: 604800 },
        uncovered: [],
        mxTls: { problems: [], unknown: [] },
      });
    });

    it('MX not covered by an enforce policy: fail naming the MX', () => {
      const policy = get('sts-uncovered.test', 'mtasts.policy', 'sts-uncovered.test');
      expect(policy.status).toBe('fail');
      expect(evidence(policy).uncovered).toEqual(['mx1.sts-uncovered.test']);
      expect(policy.summary).toContain('MX not covered by the policy: mx1.sts-uncovered.test');
    });

    it('record present, policy missing: fail with HTTP 404', () => {
      const policy = get('sts-missing.test', 'mtasts.policy', 'sts-missing.test');
      expect(policy.status).toBe('fail');
      expect(evidence(policy)).toMatchObject({ status: 404 });
    });

    it('policy behind a redirect: fail, the redirect is not followed', () => {
      const policy = get('sts-redirect.test', 'mtasts.policy', 'sts-redirect.test');
      expect(policy.status).toBe('fail');
      expect(evidence(policy)).toMatchObject({
        status: 301,
        location: 'https://mta-sts.sts-good.test/.well-known/mta-sts.txt',
      });
    });

    it('enforce with an MX that has no STARTTLS: fail naming the address', () => {
      const policy = get('sts-badmx.test', 'mtasts.policy', 'sts-badmx.test');
      expect(policy.status).toBe('fail');
      expect(evidence(policy).mxTls.problems).toEqual(['mx1.sts-badmx.test/127.25.0.3: no-starttls']);
    });

    it('TLS-RPT: mailto and https destinations ok; an http destination fails', () => {
      const good = get('rpt-good.test', 'tlsrpt.record', 'rpt-good.test');
      expect(good.status).toBe('ok');
      expect(evidence(good).destinations).toEqual([
        'mailto:tls-reports@rpt-good.test',
        'https://reports.rpt-good.test/v1/tlsrpt',
      ]);
      const broken = get('rpt-broken.test', 'tlsrpt.record', 'rpt-broken.test');
      expect(broken.status).toBe('fail');
      expect(broken.summary).toContain('http://reports.rpt-broken.test/tlsrpt');
    });
  });
});
