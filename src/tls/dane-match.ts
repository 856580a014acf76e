import { createHash, type X509Certificate } from 'node:crypto';
import { spkiDer } from './cert-facts.ts';
import { verifyChain } from './chain-trust.ts';
import { certificateMatchesName } from './name-match.ts';
import { type TlsaRecord, tlsaUnusableReason } from './tlsa.ts';

export type TlsaVerdict =
  /** The record matches and, for DANE-TA, the chain and the leaf name check out. */
  | 'match'
  /** The record names a certificate in the chain, but DANE-TA's extra conditions fail (name, dates, signatures). */
  | 'match-invalid'
  | 'no-match'
  | 'unusable';

export interface TlsaRecordResult {
  record: TlsaRecord;
  verdict: TlsaVerdict;
  /** Chain position of the matching certificate (0 = leaf). */
  depth?: number;
  reason: string;
}

/** Per certificate object, `selector/matchingType` → association data: one digest per probe, not per domain. */
const associations = new WeakMap<X509Certificate, Map<string, string>>();

export function associationData(cert: X509Certificate, selector: number, matchingType: number): string {
  let known = associations.get(cert);
  if (!known) {
    known = new Map();
    associations.set(cert, known);
  }
  const key = `${selector}/${matchingType}`;
  let data = known.get(key);
  if (data === undefined) {
    data = computeAssociationData(cert, selector, matchingType);
    known.set(key, data);
  }
  return data;
}

function computeAssociationData(cert: X509Certificate, selector: number, matchingType: number): string {
  const selected = selector === 0 ? cert.raw : spkiDer(cert);
  if (matchingType === 0) return Buffer.from(selected).toString('hex');
  return createHash(matchingType === 1 ? 'sha256' : 'sha512')
    .update(selected)
    .digest('hex');
}

function matchesCertificate(record: TlsaRecord, cert: X509Certificate): boolean {
  return associationData(cert, record.selector, record.matchingType) === record.data.toLowerCase();
}

/**
 * One TLSA record against the presented chain (leaf first), on its own (RFC 7671/7672):
 * DANE-EE(3) is compared with the leaf only, with no name or date checks; DANE-TA(2) must match a certificate the
 * server presented above the leaf, the chain from the leaf to it must verify and be in date, and the leaf must carry
 * one of the reference names (the MX host name, or the CNAME-expanded name).
 */
export function matchTlsaRecord(
  record: TlsaRecord,
  chain: readonly X509Certificate[],
  referenceNames: readonly string[],
  at: Date,
): TlsaRecordResult {
  const unusable = tlsaUnusableReason(record);
  if (unusable) return { record, verdict: 'unusable', reason: unusable };
  const leaf = chain[0];
  if (!leaf) return { record, verdict: 'no-match', reason: 'no certificate presented' };
  if (record.usage === 3) {
    return matchesCertificate(record, leaf)
      ? { record, verdict: 'match', depth: 0, reason: 'DANE-EE matches the server certificate' }
      : { record, verdict: 'no-match', reason: 'DANE-EE does not match the server certificate' };
  }
  const depth = chain.findIndex((cert, index) => index > 0 && matchesCertificate(record, cert));
  if (depth < 0) {
    const leafOnly = matchesCertificate(record, leaf);
    return {
      record,
      verdict: 'no-match',
      reason: leafOnly
        ? 'DANE-TA matches the server certificate itself, not an issuer in the presented chain'
        : 'DANE-TA matches no issuer certificate in the presented chain',
    };
  }
  const anchor = chain[depth]!;
  const trust = verifyChain(chain.slice(0, depth + 1), [anchor], at);
  if (!trust.trusted) {
    return {
      record,
      verdict: 'match-invalid',
      depth,
      reason: `DANE-TA matches chain depth ${depth}, but ${trust.reason}`,
    };
  }
  const name = referenceNames.find((candidate) => certificateMatchesName(leaf, candidate));
  if (name === undefined) {
    return {
      record,
      verdict: 'match-invalid',
      depth,
      reason: `DANE-TA matches chain depth ${depth}, but the certificate is not valid for ${referenceNames.join(' or ')}`,
    };
  }
  return {
    record,
    verdict: 'match',
    depth,
    reason: `DANE-TA matches chain depth ${depth}; certificate valid for ${name}`,
  };
}

export interface DaneMatchSummary {
  results: TlsaRecordResult[];
  /** At least one usable record matched: a DANE sender would deliver. */
  authenticated: boolean;
  usableCount: number;
}

export function matchTlsaSet(
  records: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
  referenceNames: readonly string[],
  at: Date,
): DaneMatchSummary {
  const results = records.map((record) => matchTlsaRecord(record, chain, referenceNames, at));
  return {
    results,
    authenticated: results.some((r) => r.verdict === 'match'),
    usableCount: results.filter((r) => r.verdict !== 'unusable').length,
  };
}
