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
/**
 * Signature checks and anchor searches are pure functions of the certificates, remembered per certificate object:
 * a chain presented by one MX and judged for 10,000 domains is checked against the roots once. Weak maps, so they
 * go when the chain does.
 */
const issuerChecks = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();
const anchorSearches = new WeakMap<readonly X509Certificate[], WeakMap<X509Certificate, X509Certificate | null>>();

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
  let anchors = fileAnchors.get(caFile);
  if (!anchors) {
    // one array per file, so the anchor searches over it are remembered
    anchors = [...parsePemBundle(readFileSync(caFile, 'utf8')), ...systemAnchors];
    fileAnchors.set(caFile, anchors);
  }
  return anchors;
}

function validityProblem(cert: X509Certificate, at: Date): string | undefined {
  if (at < cert.validFromDate) return 'certificate is not yet valid';
  if (at > cert.validToDate) return 'certificate has expired';
  return undefined;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  let checks = issuerChecks.get(child);
  if (!checks) {
    checks = new WeakMap();
    issuerChecks.set(child, checks);
  }
  let issued = checks.get(issuer);
  if (issued === undefined) {
    try {
      issued = child.checkIssued(issuer) && child.verify(issuer.publicKey);
    } catch {
      issued = false;
    }
    checks.set(issuer, issued);
  }
  return issued;
}

function anchorFor(cert: X509Certificate, anchors: readonly X509Certificate[]): X509Certificate | undefined {
  let searches = anchorSearches.get(anchors);
  if (!searches) {
    searches = new WeakMap();
    anchorSearches.set(anchors, searches);
  }
  let anchor = searches.get(cert);
  if (anchor === undefined) {
    const raw = cert.raw;
    anchor = anchors.find((a) => a.raw.equals(raw) || issuedBy(cert, a)) ?? null;
    searches.set(cert, anchor);
  }
  return anchor ?? undefined;
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
    const anchor = anchorFor(current, anchors);
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
