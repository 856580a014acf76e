import { ALGORITHMS, algorithmName, publicKeyBits } from '../../dns/dnssec/algorithms.ts';
import { parseDnskey } from '../../dns/dnssec/rdata/dnskey.ts';
import { DIGEST_TYPES } from '../../dns/dnssec/rdata/ds.ts';
import type { ValidationResult } from '../../dns/dnssec/result.ts';
import { say, sayPart } from '../../i18n/say.ts';
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
        text: sayPart('dnssec.algorithm', 'untrusted-algorithm', { keyTag: key.keyTag, algorithm: key.algorithmName }),
      });
    } else if (status === 'deprecated') {
      problems.push({
        status: 'warn',
        text: sayPart('dnssec.algorithm', 'deprecated-algorithm', { keyTag: key.keyTag, algorithm: key.algorithmName }),
      });
    }
    if ([5, 7, 8, 10].includes(key.algorithm) && key.bits !== undefined && key.bits < 2048) {
      problems.push({
        status: 'warn',
        text: sayPart('dnssec.algorithm', 'short-rsa-key', { keyTag: key.keyTag, bits: key.bits }),
      });
    }
  }
  const digestTypes = link?.digestTypes ?? [];
  if (digestTypes.length > 0 && digestTypes.every((type) => type === 1)) {
    problems.push({ status: 'warn', text: sayPart('dnssec.algorithm', 'sha1-ds-only', {}) });
  }
  const evidence = {
    keys: keyFacts,
    dsDigestTypes: digestTypes.map((type) => DIGEST_TYPES[type]?.name ?? `type ${type}`),
  };
  return zoneVerdict(CHECK, zone, problems, evidence, {
    ok: say('dnssec.algorithm', 'ok', { zone, algorithms: [...new Set(keyFacts.map((key) => key.algorithmName))] }),
    problems: (parts) => say('dnssec.algorithm', 'problems', { zone, problems: parts }),
  });
}
