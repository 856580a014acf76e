import type { Finding } from '../model.ts';
import { evidenceOf, type FindingIndex } from './findings.ts';
import { type CategoryScore, category, FULL, HALF, missingCategory, type SubtestScore } from './types.ts';

interface Routes {
  state: string;
  routes: { state: string }[];
}

/**
 * Internet.nl per set of addresses: "exists" (5) when every address has a covering ROA (its routes are valid or
 * invalid); "valid" (10) unless a route is invalid or not-found (addresses without any route do not count against
 * it). No addresses: both pass.
 */
function pair(
  prefix: string,
  findings: Finding[],
  check: string,
  basis: SubtestScore['basis'] = 'tested',
): SubtestScore[] {
  const facts = findings.map((f) => evidenceOf<Routes>(f));
  const covered = facts.every((e) => (e.routes ?? []).some((r) => r.state !== 'not-found'));
  const valid = facts.every((e) => (e.routes ?? []).every((r) => r.state === 'valid'));
  return [
    { name: `${prefix}_rpki_exists`, points: covered ? HALF : 0, max: HALF, basis, checks: [check] },
    { name: `${prefix}_rpki_valid`, points: valid ? FULL : 0, max: FULL, basis, checks: [check] },
  ];
}

/**
 * Mail servers, the domain's name servers, and the name servers of the MX hosts' domains (mx_ns). mailwarden checks
 * the name servers of the mail domain only: when every MX host lies inside the mail domain they are the same servers,
 * otherwise mx_ns is assumed passed.
 */
export function rpkiCategory(index: FindingIndex, domain: string): CategoryScore {
  const config = index.one('rpki.config');
  if (config) return missingCategory('rpki', config.summary);
  const ns = index.all('rpki.ns');
  if (ns.length === 0) return missingCategory('rpki', 'the rpki monitor did not run');
  const undetermined = index.undetermined('rpki.ns', 'rpki.mx');
  if (undetermined) return missingCategory('rpki', `${undetermined.subject}: ${undetermined.summary}`);
  const mx = index.all('rpki.mx');
  const hosts = [...new Set(mx.map((f) => f.subject.slice(0, f.subject.lastIndexOf('/'))))];
  const inside = hosts.every((h) => h === domain || h.endsWith(`.${domain}`));
  const mxNs = inside ? pair('mail_mx_ns', ns, 'rpki.ns') : pair('mail_mx_ns', [], 'rpki.ns', 'assumed');
  return category('rpki', [...pair('mail', mx, 'rpki.mx'), ...pair('ns', ns, 'rpki.ns'), ...mxNs]);
}
