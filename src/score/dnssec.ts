import type { Finding } from '../model.ts';
import { evidenceOf, type FindingIndex } from './findings.ts';
import { type CategoryScore, category, FULL, LESS, missingCategory } from './types.ts';

/** secure 10, insecure 2, bogus 0 (Internet.nl's MAIL_DNSSEC_*). */
function chainPoints(finding: Finding): number {
  if (finding.status === 'ok') return FULL;
  const verdicts = (evidenceOf<{ rrsets: { verdict: string }[] }>(finding).rrsets ?? []).map((r) => r.verdict);
  return verdicts.includes('bogus') ? 0 : LESS;
}

/** The mail domain and every MX host name: the category gets the lowest of their points. */
export function dnssecCategory(index: FindingIndex): CategoryScore {
  const chains = index.all('dnssec.chain');
  if (chains.length === 0) return missingCategory('dnssec', 'the dnssec monitor did not run');
  const undetermined = index.undetermined('dnssec.chain');
  if (undetermined) return missingCategory('dnssec', `dnssec.chain ${undetermined.subject}: ${undetermined.summary}`);
  const points = Math.min(...chains.map(chainPoints));
  return category('dnssec', [{ name: 'dnssec_valid', points, max: FULL, basis: 'tested', checks: ['dnssec.chain'] }]);
}
