import type { Dnskey } from './rdata/dnskey.ts';
import type { ChainLink, DenialProof, FailureReason, SignatureTiming } from './result.ts';

interface Common {
  /** The deepest zone reached: the secure zone, or the last secure zone above an insecure/bogus cut. */
  zone: string;
  /** The chain from the trust anchor down to here. */
  links: ChainLink[];
  /** RRSIGs over the DS and DNSKEY RRsets of the chain. */
  signatures: SignatureTiming[];
}

export type ZoneState =
  | (Common & { status: 'secure'; keys: Dnskey[] })
  | (Common & { status: 'insecure'; insecureAt: string; detail: string; denial?: DenialProof })
  | (Common & { status: 'bogus' | 'indeterminate'; reason: FailureReason; detail: string });
