import type { ValidationResult } from '../../dns/dnssec/result.ts';
import type { Finding } from '../../model.ts';
import { BOGUS_FIXES } from './explain.ts';

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
function insecureReason(result: ValidationResult): string {
  if (result.insecureAt && result.denial?.proves === 'no-ds') {
    const name = result.name.replace(/\.$/, '');
    const inside = name === result.insecureAt || name.endsWith(`.${result.insecureAt}`);
    const via = inside ? '' : ` (${name} is an alias into that zone)`;
    return `${result.insecureAt} has no DS record at its parent (proven by ${result.denial.kind.toUpperCase()}), so validators treat it as unsigned${via}`;
  }
  return result.detail.replace(/^insecure: /, '');
}

/** dnssec.chain for one subject from the validations of the RRsets it depends on (the worst one decides). */
export function chainFinding(subject: string, results: readonly ValidationResult[]): Finding {
  const judged = results.some(judgesTheChain) ? results.filter(judgesTheChain) : results;
  const worst = [...judged].sort((a, b) => ORDER.indexOf(b.verdict) - ORDER.indexOf(a.verdict))[0];
  const evidence = evidenceOf(results);
  if (!worst)
    return { check: CHECK, subject, status: 'error', summary: `No DNS data to validate for ${subject}`, evidence };
  switch (worst.verdict) {
    case 'secure':
      return {
        check: CHECK,
        subject,
        status: 'ok',
        summary: `${subject} is DNSSEC-signed and validates (${zonePath(worst)})`,
        evidence,
      };
    case 'insecure':
      return {
        check: CHECK,
        subject,
        status: 'fail',
        summary: `${subject} is not protected by DNSSEC: ${insecureReason(worst)}`,
        evidence: { ...evidence, insecureAt: worst.insecureAt },
        fix: 'Enable DNSSEC signing for the zone at its DNS provider and publish the DS record at the registrar. Validating senders cannot trust unsigned MX, address or TLSA records (no DANE without DNSSEC).',
      };
    case 'bogus':
      return {
        check: CHECK,
        subject,
        status: 'fail',
        summary: `DNSSEC validation fails for ${worst.name} ${worst.type} (${worst.reason}): ${worst.detail}`,
        evidence,
        fix: `${BOGUS_FIXES[worst.reason ?? 'bad-signature']} Until then validating resolvers answer SERVFAIL: mail to this domain is delayed or bounced by every validating sender.`,
      };
    default:
      return {
        check: CHECK,
        subject,
        status: 'error',
        summary: `Could not validate ${worst.name} ${worst.type}: ${worst.detail}`,
        evidence,
      };
  }
}
