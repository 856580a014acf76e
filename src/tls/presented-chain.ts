import type { X509Certificate } from 'node:crypto';
import { type CertificateFacts, certificateFacts, parseDer } from './cert-facts.ts';
import { type TrustVerdict, trustAnchors, verifyChain } from './chain-trust.ts';
import { certificateMatchesName, dnsNamesOf } from './name-match.ts';

/** The presented chain decoded and judged: leaf facts, RFC 6125 name match, PKIX trust (system store + caFile). */
export interface ChainAnalysis {
  chain: X509Certificate[];
  leaf: X509Certificate;
  leafFacts: CertificateFacts;
  /** The reference name the leaf is valid for, if any. */
  matchedName: string | undefined;
  dnsNames: string[];
  trust: TrustVerdict;
}

interface DecodedChain {
  chain: X509Certificate[];
  leafFacts: CertificateFacts;
  dnsNames: string[];
}

/**
 * A probe's chain is one array shared by every domain on that MX: it is decoded once (weakly keyed by the array), and
 * the trust path search over it is remembered in chain-trust.ts, so only the date checks run per domain.
 */
const decodedChains = new WeakMap<readonly string[], DecodedChain | null>();

export function analyseChain(
  chainBase64: readonly string[],
  referenceNames: readonly string[],
  at: Date,
  caFile?: string,
): ChainAnalysis | undefined {
  let decoded = decodedChains.get(chainBase64);
  if (decoded === undefined) {
    decoded = decodeChain(chainBase64) ?? null;
    decodedChains.set(chainBase64, decoded);
  }
  if (!decoded) return undefined;
  const { chain, leafFacts, dnsNames } = decoded;
  const leaf = chain[0]!;
  return {
    chain,
    leaf,
    leafFacts,
    matchedName: referenceNames.find((name) => certificateMatchesName(leaf, name)),
    dnsNames,
    trust: verifyChain(chain, trustAnchors(caFile), at),
  };
}

function decodeChain(chainBase64: readonly string[]): DecodedChain | undefined {
  const chain: X509Certificate[] = [];
  for (const der of chainBase64) {
    try {
      chain.push(parseDer(Buffer.from(der, 'base64')));
    } catch {
      // an undecodable certificate ends the usable part of the chain
      break;
    }
  }
  const leaf = chain[0];
  if (!leaf) return undefined;
  // shared by every domain on the MX: frozen, so no caller can change another's evidence
  return {
    chain: Object.freeze(chain) as X509Certificate[],
    leafFacts: Object.freeze(certificateFacts(leaf)),
    dnsNames: Object.freeze(dnsNamesOf(leaf)) as string[],
  };
}
