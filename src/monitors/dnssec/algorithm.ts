import { ALGORITHMS, algorithmName, publicKeyBits } from '../../dns/dnssec/algorithms.ts';
import { parseDnskey } from '../../dns/dnssec/rdata/dnskey.ts';
import { DIGEST_TYPES } from '../../dns/dnssec/rdata/ds.ts';
import type { ValidationResult } from '../../dns/dnssec/result.ts';
import type { Finding } from '../../model.ts';
import { type ZoneProblem, zoneVerdict } from './zone-verdict.ts';

const CHECK = 'dnssec.algorithm';

/** dnssec.algorithm for one zone: deprecated or untrusted signing algorithms, SHA-1-only DS, RSA keys under 2048 bits. */
export function algorithmFinding(zone: string, dnskey: ValidationResult): Finding | undefined {
  const link = dnskey.chain.find((candidate) => candidate.zone === zone);
  const keys = dnskey.records.filter((record) => record.type === 'DNSKEY').map((record) => parseDnskey(record.rdata));
  if (keys.length === 0) return undefined;
  const problems: ZoneProblem[] = [];
  const keyFacts = keys.map((key) => ({
    keyTag: key.keyTag,
    algorithm: key.algorithm,
    algorithmName: algorithmName(key.algorithm),
    bits: publicKeyBits(key.algorithm, key.publicKey),
    sep: key.secureEntryPoint,
  }));
  for (const key of keyFacts) {
    const status = ALGORITHMS[key.algorithm]?.status;
    if (status === 'untrusted' || status === undefined) {
      problems.push({
        status: 'fail',
        text: `key ${key.keyTag} uses ${key.algorithmName}, which validators never trust`,
      });
    } else if (status === 'deprecated') {
      problems.push({
        status: 'warn',
        text: `key ${key.keyTag} uses ${key.algorithmName}, deprecated (SHA-1 signatures; RFC 9905)`,
      });
    }
    if ([5, 7, 8, 10].includes(key.algorithm) && key.bits !== undefined && key.bits < 2048) {
      problems.push({ status: 'warn', text: `RSA key ${key.keyTag} has ${key.bits} bits (under 2048)` });
    }
  }
  const digestTypes = link?.digestTypes ?? [];
  if (digestTypes.length > 0 && digestTypes.every((type) => type === 1)) {
    problems.push({ status: 'warn', text: 'the only DS digest at the parent is SHA-1' });
  }
  const evidence = {
    keys: keyFacts,
    dsDigestTypes: digestTypes.map((type) => DIGEST_TYPES[type]?.name ?? `type ${type}`),
  };
  return zoneVerdict(CHECK, zone, problems, evidence, {
    okSummary: `${zone} uses ${[...new Set(keyFacts.map((key) => key.algorithmName))].join(', ')}`,
    fix: 'Roll the zone to ECDSAP256SHA256 (13) or ED25519 (15) with your DNS provider (an algorithm rollover), and publish a SHA-256 (digest type 2) DS at the registrar. Weak or SHA-1 based keys are already refused by some validators, which then treat the zone as unsigned.',
  });
}
