import type { X509Certificate } from 'node:crypto';

/**
 * RFC 6125 host name check of a certificate: DNS subjectAltNames, a wildcard only as the whole leftmost label and
 * matching exactly one label; the subject CN only when there is no DNS SAN. OpenSSL's X509_check_host does this.
 */
const nameChecks = new WeakMap<X509Certificate, Map<string, boolean>>();

export function certificateMatchesName(cert: X509Certificate, hostname: string): boolean {
  const name = hostname.replace(/\.$/, '').toLowerCase();
  if (name === '') return false;
  // one MX certificate is judged for the same names by every domain on it: remembered per certificate object
  let checks = nameChecks.get(cert);
  if (!checks) {
    checks = new Map();
    nameChecks.set(cert, checks);
  }
  let matches = checks.get(name);
  if (matches === undefined) {
    matches = hostMatches(cert, name);
    checks.set(name, matches);
  }
  return matches;
}

function hostMatches(cert: X509Certificate, name: string): boolean {
  return (
    cert.checkHost(name, {
      subject: 'default',
      wildcards: true,
      partialWildcards: false,
      multiLabelWildcards: false,
      singleLabelSubdomains: false,
    }) !== undefined
  );
}

/** The DNS names a certificate claims (SAN dNSName entries), for evidence. */
export function dnsNamesOf(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? '';
  return san
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
    .slice(0, 100);
}
