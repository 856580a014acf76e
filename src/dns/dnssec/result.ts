import type { DnsRecord, ExtendedDnsError } from '../types.ts';

export type Verdict = 'secure' | 'insecure' | 'bogus' | 'indeterminate';

/** Machine-readable reasons for a bogus (or indeterminate) verdict. */
export type FailureReason =
  | 'signature-expired'
  | 'signature-not-yet-valid'
  | 'bad-signature'
  | 'no-matching-key'
  | 'no-dnskey-matches-ds'
  | 'missing-dnskey'
  | 'missing-rrsig'
  | 'broken-denial'
  | 'unsupported-algorithm'
  | 'cname-chain'
  | 'no-trust-anchor'
  | 'query-failed';

/** One RRSIG that took part in a verdict: the expiry forecast reads these. */
export interface SignatureTiming {
  zone: string;
  owner: string;
  type: string;
  keyTag: number;
  algorithm: number;
  /** ISO 8601. */
  inception: string;
  expiration: string;
}

export interface DenialProof {
  kind: 'nsec' | 'nsec3';
  proves: 'nxdomain' | 'nodata' | 'no-ds' | 'opt-out' | 'wildcard';
  /** Owner names of the NSEC/NSEC3 records used. */
  records: string[];
  nsec3?: { iterations: number; saltLength: number; optOut: boolean };
}

/** One zone of the chain from the trust anchor down, as established. */
export interface ChainLink {
  zone: string;
  status: 'secure' | 'insecure' | 'bogus' | 'indeterminate';
  /** Key tags of the DS records (at the parent) and of the DNSKEYs validated. */
  dsKeyTags: number[];
  dnskeyTags: number[];
  algorithms: number[];
  digestTypes: number[];
  detail?: string;
}

export interface ResolverOpinion {
  rcode: string;
  ad: boolean;
  ede: ExtendedDnsError[];
}

export interface ValidationResult {
  name: string;
  type: string;
  verdict: Verdict;
  reason?: FailureReason;
  /** Human explanation (key tags, signature times, which proof failed). */
  detail: string;
  rcode: string;
  /** The RRset answered (after any CNAME chain: every RRset of the chain). */
  records: DnsRecord[];
  /** The zone the answer belongs to (signer), when known. */
  zone?: string;
  chain: ChainLink[];
  signatures: SignatureTiming[];
  denial?: DenialProof;
  /** Where an insecure verdict was proven: the delegation without DS. */
  insecureAt?: string;
  /** The resolver's own verdict, kept as a second opinion. */
  resolver?: ResolverOpinion;
  /** Queries issued for this result (including cached ones). */
  queries: number;
}

export class ValidationFailure extends Error {
  readonly verdict: 'bogus' | 'indeterminate';
  readonly reason: FailureReason;

  constructor(verdict: 'bogus' | 'indeterminate', reason: FailureReason, message: string) {
    super(message);
    this.name = 'ValidationFailure';
    this.verdict = verdict;
    this.reason = reason;
  }
}
