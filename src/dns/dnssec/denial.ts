import type { DnsAnswer } from '../types.ts';
import { nsec3sOf, nsecsOf, ownersOf, rrsetOf, rrsigsOf } from './answer-parts.ts';
import { proveWildcardWithNsec, proveWithNsec } from './denial-nsec.ts';
import { proveWildcardWithNsec3, proveWithNsec3 } from './denial-nsec3.ts';
import { displayName } from './names.ts';
import type { DenialProof, FailureReason, SignatureTiming } from './result.ts';
import { timings } from './timings.ts';
import type { ValidationContext } from './validation-context.ts';
import { verifyRrset } from './verify-rrset.ts';
import type { ZoneState } from './zone-state.ts';

export type DenialResult =
  | { ok: true; proof: DenialProof; insecure: boolean; detail: string; signatures: SignatureTiming[] }
  | { ok: false; reason: FailureReason; detail: string };

type SecureZone = Extract<ZoneState, { status: 'secure' }>;

interface VerifiedDenialRecords {
  nsecOwners: string[];
  nsec3Owners: string[];
  failures: { reason: FailureReason; detail: string }[];
  signatures: SignatureTiming[];
}

/** Verifies every NSEC/NSEC3 RRset of the authority section with the zone keys; only verified ones may prove. */
function verifiedDenialRecords(context: ValidationContext, answer: DnsAnswer, zone: SecureZone): VerifiedDenialRecords {
  const result: VerifiedDenialRecords = { nsecOwners: [], nsec3Owners: [], failures: [], signatures: [] };
  for (const type of ['NSEC', 'NSEC3'] as const) {
    for (const owner of ownersOf(answer.authorities, type)) {
      const verification = verifyRrset(
        rrsetOf(answer.authorities, owner, type),
        rrsigsOf(answer.authorities, owner, type),
        zone.keys,
        {
          zone: zone.zone,
          nowSeconds: context.nowSeconds(),
          skewSeconds: context.skewSeconds,
        },
      );
      if (!verification.ok) {
        result.failures.push({
          reason: verification.reason ?? 'bad-signature',
          detail: `${type} ${displayName(owner)}: ${verification.detail}`,
        });
        continue;
      }
      (type === 'NSEC' ? result.nsecOwners : result.nsec3Owners).push(owner);
      result.signatures.push(...timings(zone.zone, owner, type, verification.genuine, context.nowSeconds()));
    }
  }
  return result;
}

function unverified(records: VerifiedDenialRecords, what: string): DenialResult {
  const first = records.failures[0];
  if (first)
    return {
      ok: false,
      reason: first.reason,
      detail: `${what}: ${records.failures.map((failure) => failure.detail).join('; ')}`,
    };
  return { ok: false, reason: 'broken-denial', detail: `${what}: the answer carries no NSEC or NSEC3 record` };
}

/** Proof that qname/qtype does not exist (NXDOMAIN, NODATA, or no DS at a delegation), from a signed zone. */
export function proveDenial(
  context: ValidationContext,
  answer: DnsAnswer,
  qname: string,
  qtype: string,
  zone: SecureZone,
): DenialResult {
  const records = verifiedDenialRecords(context, answer, zone);
  const what = `denial of ${displayName(qname)} ${qtype}`;
  if (records.nsecOwners.length > 0) {
    const outcome = proveWithNsec(nsecsOf(answer, records.nsecOwners), qname, qtype, zone.zone);
    if (!outcome.ok) return { ok: false, reason: 'broken-denial', detail: `${what}: ${outcome.detail}` };
    return {
      ok: true,
      insecure: false,
      proof: {
        kind: 'nsec',
        proves: outcome.proves === 'not-a-cut' ? 'nodata' : outcome.proves,
        records: outcome.records,
      },
      detail: `NSEC ${outcome.records.map(displayName).join(', ')} proves ${outcome.proves} for ${displayName(qname)} ${qtype}`,
      signatures: records.signatures,
    };
  }
  if (records.nsec3Owners.length > 0) {
    const nsec3s = nsec3sOf(answer, records.nsec3Owners);
    const outcome = proveWithNsec3(nsec3s, qname, qtype, zone.zone, context.maxNsec3Iterations);
    if (!outcome.ok) return { ok: false, reason: 'broken-denial', detail: `${what}: ${outcome.detail}` };
    const first = nsec3s[0]!;
    const proves = outcome.proves === 'not-a-cut' ? 'nodata' : outcome.proves;
    const costly =
      first.iterations > context.maxNsec3Iterations
        ? ` (iterations ${first.iterations} > ${context.maxNsec3Iterations}: insecure)`
        : '';
    return {
      ok: true,
      insecure: outcome.insecure,
      proof: {
        kind: 'nsec3',
        proves: outcome.proves === 'not-a-cut' ? 'nodata' : proves,
        records: outcome.records,
        nsec3: {
          iterations: first.iterations,
          saltLength: first.salt.length,
          optOut: nsec3s.some((record) => record.optOut),
        },
      },
      detail: `NSEC3 ${outcome.records.map(displayName).join(', ')} proves ${outcome.proves} for ${displayName(qname)} ${qtype}${costly}`,
      signatures: records.signatures,
    };
  }
  return unverified(records, what);
}

/** Proof that a wildcard expansion was legitimate: the query name itself does not exist. */
export function proveWildcard(
  context: ValidationContext,
  answer: DnsAnswer,
  qname: string,
  rrsigLabels: number,
  zone: SecureZone,
): DenialResult {
  const records = verifiedDenialRecords(context, answer, zone);
  const what = `wildcard expansion for ${displayName(qname)}`;
  if (records.nsecOwners.length > 0) {
    const outcome = proveWildcardWithNsec(nsecsOf(answer, records.nsecOwners), qname, zone.zone);
    if (!outcome.ok) return { ok: false, reason: 'broken-denial', detail: `${what}: ${outcome.detail}` };
    return {
      ok: true,
      insecure: false,
      proof: { kind: 'nsec', proves: 'wildcard', records: outcome.records },
      detail: what,
      signatures: records.signatures,
    };
  }
  if (records.nsec3Owners.length > 0) {
    const outcome = proveWildcardWithNsec3(
      nsec3sOf(answer, records.nsec3Owners),
      qname,
      rrsigLabels,
      context.maxNsec3Iterations,
    );
    if (!outcome.ok) return { ok: false, reason: 'broken-denial', detail: `${what}: ${outcome.detail}` };
    return {
      ok: true,
      insecure: outcome.insecure,
      proof: { kind: 'nsec3', proves: 'wildcard', records: outcome.records },
      detail: what,
      signatures: records.signatures,
    };
  }
  return unverified(records, what);
}
