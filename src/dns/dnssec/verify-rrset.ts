import type { DnsRecord } from '../types.ts';
import { algorithmName, isValidatingAlgorithm, verifySignature } from './algorithms.ts';
import { signedData } from './canonical.ts';
import { displayName, isSubdomainOf, normalizeName, rrsigLabelCount } from './names.ts';
import type { Dnskey } from './rdata/dnskey.ts';
import { parseRrsig, type Rrsig } from './rdata/rrsig.ts';
import type { FailureReason } from './result.ts';
import { typeNumber } from './rr-types.ts';
import { serialToEpochSeconds, signatureWindow } from './serial-time.ts';

export interface RrsetVerification {
  ok: boolean;
  /** The signature that validated (ok) or, when not ok, the reason of the most telling failure. */
  rrsig?: Rrsig;
  key?: Dnskey;
  reason?: FailureReason;
  detail: string;
  /** Every RRSIG over the set with a genuine signature (for expiry forecasts), even outside its window. */
  genuine: Rrsig[];
}

export interface VerifyOptions {
  zone: string;
  nowSeconds: number;
  skewSeconds: number;
}

const REASON_PRIORITY: FailureReason[] = [
  'signature-expired',
  'signature-not-yet-valid',
  'bad-signature',
  'no-matching-key',
  'unsupported-algorithm',
  'missing-rrsig',
];

/**
 * Verifies an RRset with the RRSIGs covering it against a set of trusted DNSKEYs of `zone` (RFC 4035 §5.3).
 * One valid signature in its validity window suffices.
 */
export function verifyRrset(
  records: readonly DnsRecord[],
  rrsigRecords: readonly DnsRecord[],
  keys: readonly Dnskey[],
  options: VerifyOptions,
): RrsetVerification {
  const first = records[0];
  if (!first) return { ok: false, reason: 'missing-rrsig', detail: 'empty RRset', genuine: [] };
  const type = typeNumber(first.type);
  const owner = normalizeName(first.name);
  const zone = normalizeName(options.zone);
  const what = `${displayName(owner)} ${first.type}`;
  const failures: { reason: FailureReason; detail: string }[] = [];
  const genuine: Rrsig[] = [];

  const rrsigs = rrsigRecords
    .filter((record) => normalizeName(record.name) === owner)
    .map((record) => parseRrsig(record.rdata))
    .filter((rrsig) => rrsig.typeCovered === type);
  if (rrsigs.length === 0) {
    return {
      ok: false,
      reason: 'missing-rrsig',
      detail: `${what} has no RRSIG (zone ${displayName(zone)} is signed)`,
      genuine,
    };
  }

  for (const rrsig of rrsigs) {
    const tag = `RRSIG ${rrsig.keyTag}/${algorithmName(rrsig.algorithm)} over ${what}`;
    if (rrsig.signerName !== zone || !isSubdomainOf(owner, rrsig.signerName)) {
      failures.push({
        reason: 'no-matching-key',
        detail: `${tag} is signed by ${displayName(rrsig.signerName)}, not ${displayName(zone)}`,
      });
      continue;
    }
    if (rrsig.labels > rrsigLabelCount(owner)) {
      failures.push({ reason: 'bad-signature', detail: `${tag} has a Labels field larger than the owner name` });
      continue;
    }
    if (!isValidatingAlgorithm(rrsig.algorithm)) {
      failures.push({ reason: 'unsupported-algorithm', detail: `${tag} uses an algorithm that is never trusted` });
      continue;
    }
    const candidates = keys.filter(
      (key) =>
        key.keyTag === rrsig.keyTag &&
        key.algorithm === rrsig.algorithm &&
        key.zoneKey &&
        !key.revoked &&
        key.protocol === 3,
    );
    if (candidates.length === 0) {
      failures.push({
        reason: 'no-matching-key',
        detail: `${tag}: no trusted DNSKEY with key tag ${rrsig.keyTag} in ${displayName(zone)}`,
      });
      continue;
    }
    const data = signedData(rrsig, records);
    const key = candidates.find(
      (candidate) => verifySignature(rrsig.algorithm, candidate.publicKey, data, rrsig.signature) === 'valid',
    );
    if (!key) {
      failures.push({
        reason: 'bad-signature',
        detail: `${tag}: the signature does not verify with DNSKEY ${rrsig.keyTag}`,
      });
      continue;
    }
    genuine.push(rrsig);
    const window = signatureWindow(rrsig.inception, rrsig.expiration, options.nowSeconds, options.skewSeconds);
    if (window === 'expired') {
      failures.push({
        reason: 'signature-expired',
        detail: `${tag} expired at ${serialIso(rrsig.expiration, options.nowSeconds)}`,
      });
      continue;
    }
    if (window === 'not-yet-valid') {
      failures.push({
        reason: 'signature-not-yet-valid',
        detail: `${tag} is not valid before ${serialIso(rrsig.inception, options.nowSeconds)}`,
      });
      continue;
    }
    return {
      ok: true,
      rrsig,
      key,
      detail: `${tag} valid until ${serialIso(rrsig.expiration, options.nowSeconds)}`,
      genuine,
    };
  }

  failures.sort((a, b) => REASON_PRIORITY.indexOf(a.reason) - REASON_PRIORITY.indexOf(b.reason));
  const worst = failures[0]!;
  return { ok: false, reason: worst.reason, detail: failures.map((failure) => failure.detail).join('; '), genuine };
}

export function serialIso(serial: number, nowSeconds: number): string {
  return new Date(serialToEpochSeconds(serial, nowSeconds) * 1000).toISOString();
}
