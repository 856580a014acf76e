import type { ValidationResult } from '../../dns/dnssec/result.ts';
import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import type { Finding } from '../../model.ts';

const CHECK = 'dnssec.chain';
const ORDER = ['secure', 'insecure', 'indeterminate', 'bogus'] as const;

function zonePath(result: ValidationResult): string {
  return result.chain.map((link) => (link.zone === '' ? '.' : `${link.zone}.`)).join(' → ');
}

function evidenceOf(results: readonly ValidationResult[]) {
  return {
    rrsets: results.map((result) => ({
      name: result.name,
      type: result.type,
      verdict: result.verdict,
      reason: result.reason,
      detail: result.detail,
      rcode: result.rcode,
      denial: result.denial,
      resolver: result.resolver,
    })),
    chain: results[0]?.chain ?? [],
  };
}

/**
 * A TLSA record that does not exist, with an insecure denial (an NSEC3 opt-out span covers the name), says nothing
 * about whether the host's own records are signed: dane.tlsa reports it ("no TLSA"), the chain must not fail on it.
 */
function judgesTheChain(result: ValidationResult): boolean {
  return !(result.type === 'TLSA' && result.verdict === 'insecure' && result.records.length === 0);
}

/** Why a name is insecure, in words: the delegation without DS is the usual answer (the proof stays in evidence). */
function insecureReason(result: ValidationResult): Part {
  if (result.insecureAt && result.denial?.proves === 'no-ds') {
    const name = result.name.replace(/\.$/, '');
    const inside = name === result.insecureAt || name.endsWith(`.${result.insecureAt}`);
    return sayPart('dnssec.chain', 'no-ds', {
      zone: result.insecureAt,
      proof: result.denial.kind.toUpperCase(),
      alias: inside ? null : name,
    });
  }
  return sayPart('dnssec.chain', 'insecure-detail', { detail: result.detail.replace(/^insecure: /, '') });
}

/** dnssec.chain for one subject from the validations of the RRsets it depends on (the worst one decides). */
export function chainFinding(subject: string, results: readonly ValidationResult[]): Finding {
  const judged = results.some(judgesTheChain) ? results.filter(judgesTheChain) : results;
  const worst = [...judged].sort((a, b) => ORDER.indexOf(b.verdict) - ORDER.indexOf(a.verdict))[0];
  const evidence = evidenceOf(results);
  if (!worst)
    return { check: CHECK, subject, status: 'error', ...say('dnssec.chain', 'no-data', { subject }), evidence };
  switch (worst.verdict) {
    case 'secure':
      return {
        check: CHECK,
        subject,
        status: 'ok',
        ...say('dnssec.chain', 'secure', { subject, path: zonePath(worst) }),
        evidence,
      };
    case 'insecure':
      return {
        check: CHECK,
        subject,
        status: 'fail',
        ...say('dnssec.chain', 'insecure', { subject, why: insecureReason(worst) }),
        evidence: { ...evidence, insecureAt: worst.insecureAt },
      };
    case 'bogus':
      return {
        check: CHECK,
        subject,
        status: 'fail',
        ...say('dnssec.chain', 'bogus', {
          name: worst.name,
          type: worst.type,
          failure: String(worst.reason),
          detail: worst.detail,
        }),
        evidence,
      };
    default:
      return {
        check: CHECK,
        subject,
        status: 'error',
        ...say('dnssec.chain', 'undetermined', { name: worst.name, type: worst.type, detail: worst.detail }),
        evidence,
      };
  }
}
