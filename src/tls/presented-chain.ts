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

export function analyseChain(
  chainBase64: readonly string[],
  referenceNames: readonly string[],
  at: Date,
  caFile?: string,
): ChainAnalysis | undefined {
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
  return {
    chain,
    leaf,
    leafFacts: certificateFacts(leaf),
    matchedName: referenceNames.find((name) => certificateMatchesName(leaf, name)),
    dnsNames: dnsNamesOf(leaf),
    trust: verifyChain(chain, trustAnchors(caFile), at),
  };
}
