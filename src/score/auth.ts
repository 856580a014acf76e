import { evidenceOf, type FindingIndex } from './findings.ts';
import { type CategoryScore, category, FULL, LESS, missingCategory, type SubtestScore } from './types.ts';

const tested = (name: string, points: number, checks: string[]): SubtestScore => ({
  name,
  points,
  max: FULL,
  basis: 'tested',
  checks,
});

/** DMARC, DMARC policy, DKIM, SPF, SPF policy: 10 points each, policies 2 when only partly right. */
export function authCategory(index: FindingIndex): CategoryScore {
  const needed = ['spf.record', 'dmarc.record', 'dkim.selectors'];
  const absent = needed.find((check) => index.all(check).length === 0);
  if (absent) return missingCategory('auth', `no ${absent} finding (the monitor did not run)`);
  const undetermined = index.undetermined(
    'spf.record',
    'spf.policy',
    'spf.lookups',
    'dmarc.record',
    'dmarc.policy',
    'dkim.selectors',
  );
  if (undetermined)
    return missingCategory('auth', `${undetermined.check} ${undetermined.subject}: ${undetermined.summary}`);

  // dmarc.record fails when there is no record (or several): nothing to apply
  const dmarcFound = index.one('dmarc.record')?.status !== 'fail';
  const { policy: applied, testing } = evidenceOf<{ policy: string; testing: boolean }>(index.one('dmarc.policy'));
  // p=none, or t=y with quarantine (one step weaker at receivers): partial; no policy we could read: 0
  const weakPolicy = applied === 'none' || (testing === true && applied === 'quarantine');
  const dmarcPolicy = !dmarcFound || applied === undefined ? 0 : weakPolicy ? LESS : FULL;

  const selectors = evidenceOf<{ domainkeyExists: boolean; nonSending: string[] }>(index.one('dkim.selectors'));
  const dkim = selectors.domainkeyExists || (selectors.nonSending ?? []).length > 0 ? FULL : 0;

  const spfExists = index.one('spf.record')?.status === 'ok';
  const spfPolicy = index.one('spf.policy');
  const tooManyLookups = index.all('spf.lookups').some((f) => f.status === 'fail');
  // -all and ~all pass; +all, ?all or no all: partial; more than 10 lookups: partial; no usable record: 0
  const spfPolicyPoints = !spfExists ? 0 : tooManyLookups ? LESS : spfPolicy?.status === 'fail' ? LESS : FULL;

  return category('auth', [
    tested('dmarc', dmarcFound ? FULL : 0, ['dmarc.record']),
    tested('dmarc_policy', dmarcPolicy, ['dmarc.policy']),
    tested('dkim', dkim, ['dkim.selectors']),
    tested('spf', spfExists ? FULL : 0, ['spf.record']),
    tested('spf_policy', spfPolicyPoints, ['spf.policy', 'spf.lookups']),
  ]);
}
