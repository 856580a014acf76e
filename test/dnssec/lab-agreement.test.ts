import { beforeAll, describe, expect, it } from 'vitest';
import type { FailureReason, Verdict } from '../../src/dns/dnssec/result.ts';
import { delvSays, ensureDnssecZones, labValidator, unboundSays } from './lab-helpers.ts';

interface Scenario {
  title: string;
  name: string;
  type: string;
  verdict: Verdict;
  reason?: FailureReason;
  proves?: string;
  denialKind?: 'nsec' | 'nsec3';
}

const SCENARIOS: Scenario[] = [
  { title: 'secure, RSASHA256 (8)', name: 'dnssec-alg8.test', type: 'MX', verdict: 'secure' },
  { title: 'secure, ECDSAP256SHA256 (13)', name: 'dnssec-alg13.test', type: 'MX', verdict: 'secure' },
  { title: 'secure, ED25519 (15)', name: 'dnssec-alg15.test', type: 'MX', verdict: 'secure' },
  {
    title: 'unsigned, no DS proven by NSEC in test.',
    name: 'dnssec-unsigned.test',
    type: 'MX',
    verdict: 'insecure',
    proves: 'no-ds',
    denialKind: 'nsec',
  },
  {
    title: 'unsigned, no DS proven by NSEC3 in the parent',
    name: 'unsigned.dnssec-n3parent.test',
    type: 'MX',
    verdict: 'insecure',
    proves: 'no-ds',
    denialKind: 'nsec3',
  },
  {
    title: 'DS matching no DNSKEY',
    name: 'dnssec-wrongds.test',
    type: 'MX',
    verdict: 'bogus',
    reason: 'no-dnskey-matches-ds',
  },
  {
    title: 'expired signatures',
    name: 'dnssec-expired.test',
    type: 'MX',
    verdict: 'bogus',
    reason: 'signature-expired',
  },
  {
    title: 'signatures expiring within two days (still valid)',
    name: 'dnssec-expiring.test',
    type: 'MX',
    verdict: 'secure',
  },
  {
    title: 'missing RRSIG over the MX RRset',
    name: 'dnssec-norrsig.test',
    type: 'MX',
    verdict: 'bogus',
    reason: 'missing-rrsig',
  },
  { title: 'NSEC3 with 10 iterations and a salt', name: 'dnssec-nsec3iter.test', type: 'MX', verdict: 'secure' },
  { title: 'zone with a stale secondary', name: 'dnssec-stale.test', type: 'MX', verdict: 'secure' },
  {
    title: 'NXDOMAIN under NSEC',
    name: 'nope.dnssec-alg13.test',
    type: 'A',
    verdict: 'secure',
    proves: 'nxdomain',
    denialKind: 'nsec',
  },
  {
    title: 'NODATA under NSEC',
    name: 'mx1.dnssec-alg13.test',
    type: 'MX',
    verdict: 'secure',
    proves: 'nodata',
    denialKind: 'nsec',
  },
  {
    title: 'NXDOMAIN under NSEC3',
    name: 'nope.dnssec-n3parent.test',
    type: 'A',
    verdict: 'secure',
    proves: 'nxdomain',
    denialKind: 'nsec3',
  },
  {
    title: 'NODATA under NSEC3',
    name: 'mx1.dnssec-n3parent.test',
    type: 'MX',
    verdict: 'secure',
    proves: 'nodata',
    denialKind: 'nsec3',
  },
  {
    title: 'NXDOMAIN under NSEC3 with iterations and salt',
    name: 'nope.dnssec-nsec3iter.test',
    type: 'A',
    verdict: 'secure',
    proves: 'nxdomain',
    denialKind: 'nsec3',
  },
  {
    title: 'wildcard expansion under NSEC',
    name: 'host.wild.dnssec-alg13.test',
    type: 'A',
    verdict: 'secure',
    proves: 'wildcard',
    denialKind: 'nsec',
  },
  {
    title: 'wildcard expansion under NSEC3',
    name: 'host.wild.dnssec-n3parent.test',
    type: 'A',
    verdict: 'secure',
    proves: 'wildcard',
    denialKind: 'nsec3',
  },
  { title: 'CNAME into another signed zone', name: 'alias.dnssec-alg13.test', type: 'A', verdict: 'secure' },
  { title: 'NXDOMAIN in test. (NSEC)', name: 'does-not-exist.test', type: 'A', verdict: 'secure', proves: 'nxdomain' },
];

describe('our DNSSEC verdicts agree with Unbound and delv on the lab', () => {
  beforeAll(async () => {
    await ensureDnssecZones();
  }, 180_000);

  for (const scenario of SCENARIOS) {
    it(`${scenario.title}: ${scenario.name} ${scenario.type} is ${scenario.verdict}`, async () => {
      const validator = await labValidator();
      const ours = await validator.validate(scenario.name, scenario.type);
      const [unbound, delv] = await Promise.all([
        unboundSays(scenario.name, scenario.type),
        delvSays(scenario.name, scenario.type),
      ]);
      expect({ ours: ours.verdict, unbound, delv }).toEqual({
        ours: scenario.verdict,
        unbound: scenario.verdict,
        delv: scenario.verdict,
      });
      if (scenario.reason) expect(ours.reason, ours.detail).toBe(scenario.reason);
      if (scenario.proves) expect(ours.denial?.proves, ours.detail).toBe(scenario.proves);
      if (scenario.denialKind) expect(ours.denial?.kind).toBe(scenario.denialKind);
      if (ours.verdict === 'secure') expect(ours.signatures.length).toBeGreaterThan(0);
    });
  }

  it('names the key tags in the reason text for a DS that matches no DNSKEY', async () => {
    const ours = await (await labValidator()).validate('dnssec-wrongds.test', 'MX');
    expect(ours.detail).toMatch(
      /no DNSKEY of dnssec-wrongds\.test\. \(key tags [\d, ]+\) matches the DS at test\. \(\d+\/13\)/,
    );
  });

  it('keeps the resolver AD bit as a second opinion', async () => {
    const ours = await (await labValidator()).validate('dnssec-alg13.test', 'MX');
    expect(ours.resolver?.ad).toBe(true);
  });
});
