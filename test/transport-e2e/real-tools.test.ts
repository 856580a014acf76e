/**
 * Our verdicts against a real tool on the same lab servers: OpenSSL's DANE verification (`s_client -dane_tlsa_*`,
 * RFC 7671/7672 semantics, no CA store) for every lab TLSA case, and OpenSSL's own TLS 1.0/1.1 handshake for every
 * STARTTLS personality. The records come from the DNS as our check saw them, the chains from the real Postfix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { opensslDaneVerifyAt, opensslLegacyTls } from '../support/openssl-smtp.ts';
import { type CheckRun, labArgs, runCheck } from './run-check.ts';

const DANE_CASES = [
  'tlsa-good',
  'tlsa-mismatch',
  'tlsa-single',
  'tlsa-ta',
  'tlsa-tawrongname',
  'tlsa-expiring',
  'tlsa-expiredee',
  'tlsa-wholecert',
  'tlsa-insecureaddr',
].map((name) => `${name}.test`);

const STARTTLS_CASES = ['tls-good', 'tls-expired', 'tls-wrongname', 'tls-selfsigned', 'tls-legacy', 'tls-legacyok']
  .concat(['tlsa-mismatch', 'tlsa-expiring'])
  .map((name) => `${name}.test`);

let run: CheckRun;

beforeAll(async () => {
  const domains = [...new Set([...DANE_CASES, ...STARTTLS_CASES])];
  run = await runCheck([...domains, ...labArgs()]);
}, 170_000);

const all = (check: string): Finding[] => run.reports.flatMap((r) => r.findings.filter((f) => f.check === check));
const split = (subject: string) => {
  const [mx, address] = subject.split('/') as [string, string];
  return { mx, address };
};

interface RecordResult {
  record: string;
  verdict: string;
}

describe('DANE verdicts agree with OpenSSL on the real Postfix chains', () => {
  it('every dane.match address: each record on its own, and the whole set', async () => {
    const matches = all('dane.match');
    // every DANE case yields at least one matched address (tlsa-good has two)
    expect(new Set(matches.map((f) => f.subject.split('/')[0]!.replace(/^mx1\./, '')))).toEqual(new Set(DANE_CASES));
    const table: string[] = [];
    for (const match of matches) {
      const { mx, address } = split(match.subject);
      const results = (match.evidence as { results: RecordResult[] }).results;
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) {
        const theirs = await opensslDaneVerifyAt({
          address,
          port: 25,
          mx,
          rrdata: [result.record],
          eeNoNameChecks: true,
        });
        table.push(`${match.subject} ${result.record.slice(0, 20)}… ours=${result.verdict} openssl=${theirs.verified}`);
        expect({ subject: match.subject, record: result.record, verified: theirs.verified }).toEqual({
          subject: match.subject,
          record: result.record,
          verified: result.verdict === 'match',
        });
      }
      const theirs = await opensslDaneVerifyAt({
        address,
        port: 25,
        mx,
        rrdata: results.map((r) => r.record),
        eeNoNameChecks: true,
      });
      expect({ subject: match.subject, verified: theirs.verified }).toEqual({
        subject: match.subject,
        verified: match.status === 'ok',
      });
    }
    console.log(`DANE cross-check, ${table.length} record verdicts:\n${table.join('\n')}`);
  }, 120_000);

  it('the expected verdicts, so that agreement is not agreement on nothing', () => {
    const status = (domain: string) =>
      all('dane.match')
        .filter((f) => f.subject.startsWith(`mx1.${domain}/`))
        .map((f) => f.status);
    expect(status('tlsa-good.test')).toEqual(['ok', 'ok']);
    expect(status('tlsa-mismatch.test')).toEqual(['fail']);
    expect(status('tlsa-tawrongname.test')).toEqual(['fail']);
    expect(status('tlsa-expiredee.test')).toEqual(['ok']);
    expect(status('tlsa-ta.test')).toEqual(['ok']);
  });
});

describe('TLS 1.0/1.1 acceptance agrees with OpenSSL', () => {
  it('every probed personality: our legacy verdict equals what OpenSSL negotiates with TLS 1.0/1.1 only', async () => {
    const protocols = all('starttls.protocol');
    expect(protocols.length).toBeGreaterThanOrEqual(STARTTLS_CASES.length);
    const seen = new Map<string, { ours: boolean; theirs: boolean }>();
    for (const protocol of protocols) {
      const { mx, address } = split(protocol.subject);
      if (seen.has(address)) continue;
      const legacy = (protocol.evidence as { legacy?: { result: string } }).legacy;
      expect(legacy?.result).toMatch(/^(accepted|refused)$/);
      const theirs = await opensslLegacyTls(address, mx);
      seen.set(address, { ours: legacy?.result === 'accepted', theirs: theirs !== undefined });
    }
    for (const [address, verdict] of seen)
      expect({ address, ...verdict }).toEqual({ address, ...verdict, ours: verdict.theirs });
    // the TLS 1.0/1.1-only personality must be among them, accepted by both
    expect(seen.get('127.25.0.8')).toEqual({ ours: true, theirs: true });
    console.log(
      `legacy TLS cross-check: ${[...seen].map(([a, v]) => `${a} ${v.ours ? 'accepted' : 'refused'}`).join(', ')}`,
    );
  }, 120_000);
});
