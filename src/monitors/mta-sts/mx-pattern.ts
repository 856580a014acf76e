/**
 * RFC 8461 §4.1: an `mx` pattern is a host name or `*.` plus a name; the wildcard matches exactly one leftmost label
 * (`*.example.com` covers `mx1.example.com`, not `a.b.example.com` nor `example.com`).
 */
export function mxPatternMatches(pattern: string, mxHost: string): boolean {
  const p = pattern.trim().replace(/\.$/, '').toLowerCase();
  const host = mxHost.trim().replace(/\.$/, '').toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    if (!host.endsWith(suffix)) return false;
    const label = host.slice(0, host.length - suffix.length);
    return label.length > 0 && !label.includes('.');
  }
  return p === host;
}
