/**
 * DANE applicability per address family (RFC 7672 §2.2.2) as Postfix applies it, against Postfix itself: the lab
 * zone dane-v4secure.test has a secure A record for its MX host while the denial of its AAAA is only insecure (NSEC3
 * with 200 iterations, above what validators accept). Postfix's posttls-finger and mailwarden must both say that DANE
 * applies to that host (over IPv4); the controls are a fully unsigned host, where neither applies DANE, and a host
 * name aliased into an unsigned zone, where Postfix still uses the TLSA at the signed alias.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { labInfo } from '../lab/info.ts';
import { type PosttlsFingerRun, posttlsFinger } from '../support/posttls-finger.ts';
import { type CheckRun, finding, findingsOf, labArgs, runCheck } from '../transport-e2e/run-check.ts';

const V4_SECURE = 'dane-v4secure.test';
const UNSIGNED = 'tlsa-unsigned.test';
const ALIASED = 'tlsa-insecureaddr.test';

let run: CheckRun;
const postfix = new Map<string, PosttlsFingerRun>();

beforeAll(async () => {
  const lab = labInfo();
  run = await runCheck([V4_SECURE, UNSIGNED, ALIASED, ...labArgs()]);
  for (const domain of [V4_SECURE, UNSIGNED, ALIASED]) {
    postfix.set(domain, await posttlsFinger(domain, lab.resolver.address));
  }
}, 170_000);

const evidenceOf = (domain: string) =>
  finding(findingsOf(run, domain), 'dane.tlsa', `mx1.${domain}`).evidence as {
    addressSecurity: {
      secure: boolean;
      families: Record<string, { addresses: number; verdict: string; dane: boolean }>;
    };
  };

describe('secure A, AAAA denial only insecure (NSEC3 iterations 200)', () => {
  it('Postfix applies DANE and verifies the server by its TLSA record', () => {
    const theirs = postfix.get(V4_SECURE)!;
    expect(theirs.output).toContain('mx1.dane-v4secure.test[127.25.0.1]:25');
    expect({ daneMatched: theirs.daneMatched, verified: theirs.verified }).toEqual({
      daneMatched: true,
      verified: true,
    });
  });

  it('mailwarden agrees: dane.tlsa ok, DANE over IPv4, the empty IPv6 family does not count', () => {
    const findings = findingsOf(run, V4_SECURE);
    const tlsa = finding(findings, 'dane.tlsa', `mx1.${V4_SECURE}`);
    expect(tlsa.status).toBe('ok');
    const { addressSecurity } = evidenceOf(V4_SECURE);
    expect(addressSecurity.secure).toBe(true);
    expect(addressSecurity.families.ipv4).toEqual({ addresses: 1, verdict: 'secure', dane: true });
    expect(addressSecurity.families.ipv6).toEqual({ addresses: 0, verdict: 'insecure', dane: false });
    expect(finding(findings, 'dane.match', `mx1.${V4_SECURE}/127.25.0.1`).status).toBe('ok');
  });
});

describe('controls', () => {
  it('unsigned zone: neither Postfix nor mailwarden applies DANE', () => {
    expect(postfix.get(UNSIGNED)!.daneMatched).toBe(false);
    const tlsa = finding(findingsOf(run, UNSIGNED), 'dane.tlsa', `mx1.${UNSIGNED}`);
    expect(tlsa.status).toBe('warn');
    expect(tlsa.summary).toContain('senders ignore them');
  });

  it('signed alias into an unsigned zone: Postfix uses the TLSA at the alias, and mailwarden says so', () => {
    expect(postfix.get(ALIASED)!.daneMatched).toBe(true);
    const tlsa = finding(findingsOf(run, ALIASED), 'dane.tlsa', `mx1.${ALIASED}`);
    expect(tlsa.status).toBe('warn');
    expect(tlsa.summary).toContain('Postfix still uses the TLSA records at the alias name');
    expect(evidenceOf(ALIASED).addressSecurity.families.ipv4).toMatchObject({ addresses: 1, dane: false });
  });
});
