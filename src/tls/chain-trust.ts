import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

export interface TrustVerdict {
  trusted: boolean;
  /** Why not, in words a mail admin knows from OpenSSL ("unable to get local issuer certificate", …). */
  reason?: string;
  /** Subject of the trust anchor the path ended in. */
  anchor?: string;
  /** Subjects from leaf to anchor. */
  path: string[];
}

const MAX_PATH = 10;

let systemAnchors: X509Certificate[] | undefined;
const fileAnchors = new Map<string, X509Certificate[]>();

/** Parse every PEM certificate block of a text; unparsable blocks are skipped. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // a broken block in a CA bundle must not hide the others
    }
  }
  return certs;
}

/** The trust anchors: Node's default CA store (bundled Mozilla roots, plus the system's with --use-system-ca) and `caFile`. */
export function trustAnchors(caFile?: string): X509Certificate[] {
  systemAnchors ??= parsePemBundle(tls.getCACertificates('default').join('\n'));
  if (caFile === undefined) return systemAnchors;
  let extra = fileAnchors.get(caFile);
  if (!extra) {
    extra = parsePemBundle(readFileSync(caFile, 'utf8'));
    fileAnchors.set(caFile, extra);
  }
  return [...extra, ...systemAnchors];
}

function validityProblem(cert: X509Certificate, at: Date): string | undefined {
  if (at < cert.validFromDate) return 'certificate is not yet valid';
  if (at > cert.validToDate) return 'certificate has expired';
  return undefined;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Path validation of a presented chain (leaf first) to one of the anchors, done by us after the handshake so that
 * trust never decides whether the handshake happens. Checks issuer names, signatures, validity dates and the CA flag
 * of intermediates; no policy, name-constraint or revocation checks.
 */
export function verifyChain(
  chain: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): TrustVerdict {
  const leaf = chain[0];
  if (!leaf) return { trusted: false, reason: 'no certificate presented', path: [] };
  const path: string[] = [];
  const used = new Set<X509Certificate>();
  let current = leaf;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    path.push(current.subject);
    used.add(current);
    const problem = validityProblem(current, at);
    if (problem) return { trusted: false, reason: depth === 0 ? problem : `${problem} (chain depth ${depth})`, path };
    const anchor = anchors.find((a) => a.raw.equals(current.raw) || issuedBy(current, a));
    if (anchor) {
      const anchorProblem = validityProblem(anchor, at);
      if (anchorProblem) return { trusted: false, reason: `trust anchor: ${anchorProblem}`, path };
      if (!anchor.raw.equals(current.raw)) path.push(anchor.subject);
      return { trusted: true, anchor: anchor.subject, path };
    }
    const next = chain.find((c) => !used.has(c) && c.ca && issuedBy(current, c));
    if (!next) {
      const selfSigned = issuedBy(current, current);
      const reason = selfSigned
        ? depth === 0
          ? 'self-signed certificate'
          : 'self-signed certificate in certificate chain'
        : 'unable to get local issuer certificate';
      return { trusted: false, reason, path };
    }
    current = next;
  }
  return { trusted: false, reason: 'certificate chain too long', path };
}
