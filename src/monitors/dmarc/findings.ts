/** dmarc.record, dmarc.policy and dmarc.reporting verdicts. */
import { type Finding, type Status, worstStatus } from '../../model.ts';
import type { DmarcDiscovery } from './discovery.ts';
import { type DmarcPolicy, type DmarcRecord, parseDmarcRecord } from './record-parser.ts';
import type { ReportDestination } from './reporting.ts';

const ISSUE_STATUS: Record<string, Status> = {
  error: 'fail',
  missing: 'warn',
  duplicate: 'warn',
  unknown: 'info',
  obsolete: 'info',
};

export function recordFinding(domain: string, discovery: DmarcDiscovery): Finding {
  const base = { check: 'dmarc.record', subject: domain };
  const queried = discovery.steps.map((s) => `_dmarc.${s.name}`);
  if (discovery.multiple) {
    return {
      ...base,
      status: 'fail',
      summary: `_dmarc.${discovery.multiple.name} has ${discovery.multiple.records.length} DMARC records: receivers ignore them all`,
      evidence: { records: discovery.multiple.records, queried },
      fix: `Keep exactly one "v=DMARC1; ..." TXT record at _dmarc.${discovery.multiple.name}.`,
    };
  }
  if (discovery.record === undefined || discovery.policyDomain === undefined) {
    return {
      ...base,
      status: 'fail',
      summary: `No DMARC record for ${domain} (tree walk queried ${queried.join(', ')})`,
      evidence: { queried },
      fix: `Publish a TXT record at _dmarc.${domain} such as "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${domain}".`,
    };
  }
  const { issues } = parseDmarcRecord(discovery.record);
  const inherited = discovery.policyDomain !== domain.toLowerCase();
  const evidence = { record: discovery.record, policyDomain: discovery.policyDomain, inherited, queried, issues };
  const status = worstStatus(issues.map((i) => ISSUE_STATUS[i.severity] ?? 'info'));
  const where = inherited ? ` (inherited from _dmarc.${discovery.policyDomain})` : '';
  if (issues.length === 0) {
    return {
      ...base,
      status: inherited ? 'info' : 'ok',
      evidence,
      summary: `${domain} has one valid DMARC record${where}`,
    };
  }
  const finding: Finding = {
    ...base,
    status,
    evidence,
    summary: `DMARC record of ${domain}${where}: ${issues.map((i) => i.message).join('; ')}`,
  };
  finding.fix =
    status === 'fail'
      ? 'Correct the invalid tags: receivers may ignore the whole record or the broken tag, leaving the domain unprotected.'
      : 'Remove duplicate, unknown and obsolete tags (pct, rf, ri were dropped by RFC 9989; use t=y for testing instead of pct).';
  return finding;
}

/** Which policy tag applies to the domain: p at the policy domain itself, sp (or p) when inherited. */
function appliedPolicy(domain: string, policyDomain: string, record: DmarcRecord): { value: DmarcPolicy; tag: string } {
  if (policyDomain === domain.toLowerCase()) return { value: record.p ?? 'none', tag: 'p' };
  if (record.sp) return { value: record.sp, tag: 'sp' };
  return { value: record.p ?? 'none', tag: 'p' };
}

export function policyFinding(domain: string, policyDomain: string, record: DmarcRecord): Finding {
  const applied = appliedPolicy(domain, policyDomain, record);
  const evidence = {
    policy: applied.value,
    policyTag: applied.tag,
    policyDomain,
    p: record.p ?? null,
    sp: record.sp ?? null,
    np: record.np ?? null,
    testing: record.testing,
    pct: record.pct ?? null,
  };
  const base = { check: 'dmarc.policy', subject: domain, evidence };
  const written = record.tags.get(applied.tag);
  if (applied.value === 'none' && written !== undefined && written.toLowerCase() !== 'none') {
    // an invalid p/sp counts as none at receivers (RFC 7489 §6.6.3), or the record is ignored altogether
    return {
      ...base,
      evidence: { ...evidence, written: `${applied.tag}=${written}` },
      status: 'fail',
      summary: `DMARC policy for ${domain} is effectively none: ${applied.tag}=${written} is not a policy, so receivers apply none or ignore the record`,
      fix: `Write ${applied.tag}=quarantine or ${applied.tag}=reject (the only values besides none).`,
    };
  }
  if (applied.value === 'none') {
    return {
      ...base,
      status: 'fail',
      summary: `DMARC policy for ${domain} is none (${applied.tag}=none): spoofed mail is delivered as usual`,
      fix: 'After checking the aggregate reports that all legitimate mail passes SPF or DKIM aligned, move to p=quarantine and then p=reject.',
    };
  }
  const weakenings: string[] = [];
  if (record.testing) weakenings.push('t=y (testing mode: receivers apply one step weaker)');
  if (record.pct !== undefined && record.pct < 100)
    weakenings.push(`pct=${record.pct} (applied to only part of the mail by older receivers)`);
  if (applied.tag === 'p' && record.sp === 'none') weakenings.push('sp=none leaves subdomains unprotected');
  if (record.np === 'none') weakenings.push('np=none leaves non-existent subdomains open to spoofing');
  if (weakenings.length > 0) {
    return {
      ...base,
      status: 'warn',
      summary: `DMARC policy for ${domain} is ${applied.value}, weakened: ${weakenings.join('; ')}`,
      fix: 'Remove t=y and pct, and set sp/np to quarantine or reject (or drop them to inherit p).',
    };
  }
  return { ...base, status: 'ok', summary: `DMARC policy for ${domain} is ${applied.value}` };
}

export function reportingFinding(domain: string, policyDomain: string, destinations: ReportDestination[]): Finding {
  const evidence = { policyDomain, destinations };
  const base = { check: 'dmarc.reporting', subject: domain, evidence };
  const problems = destinations.flatMap((d) => d.problems.map((p) => `${d.tag}: ${p}`));
  if (problems.length > 0) {
    return {
      ...base,
      status: 'fail',
      summary: `DMARC reports for ${domain} will not arrive: ${problems.join('; ')}`,
      fix: 'Use a mailto: address at a domain that receives mail; for a report address at another organization, that domain must publish "v=DMARC1" at <your domain>._report._dmarc.<their domain> (a *._report._dmarc wildcard also works).',
    };
  }
  if (!destinations.some((d) => d.tag === 'rua')) {
    return {
      ...base,
      status: 'warn',
      summary: `DMARC record for ${domain} asks for no aggregate reports (no rua=)`,
      fix: `Add rua=mailto:dmarc-reports@${policyDomain}: the reports show who sends as you and whether SPF/DKIM pass, which you need before p=reject and to notice breakage.`,
    };
  }
  return {
    ...base,
    status: 'ok',
    summary: `DMARC reports for ${domain} go to ${destinations.map((d) => d.address).join(', ')}`,
  };
}
