/** dmarc.record, dmarc.policy and dmarc.reporting verdicts. */
import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
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
      ...say('dmarc.record', 'multiple', {
        owner: `_dmarc.${discovery.multiple.name}`,
        records: discovery.multiple.records.length,
      }),
      evidence: { records: discovery.multiple.records, queried },
    };
  }
  if (discovery.record === undefined || discovery.policyDomain === undefined) {
    return {
      ...base,
      status: 'fail',
      ...say('dmarc.record', 'missing', { domain, queried }),
      evidence: { queried },
    };
  }
  const { issues } = parseDmarcRecord(discovery.record);
  const inherited = discovery.policyDomain !== domain.toLowerCase();
  const evidence = { record: discovery.record, policyDomain: discovery.policyDomain, inherited, queried, issues };
  const status = worstStatus(issues.map((i) => ISSUE_STATUS[i.severity] ?? 'info'));
  const inheritedFrom = inherited ? discovery.policyDomain : null;
  if (issues.length === 0) {
    return {
      ...base,
      status: inherited ? 'info' : 'ok',
      evidence,
      ...say('dmarc.record', 'valid', { domain, inheritedFrom }),
    };
  }
  return {
    ...base,
    status,
    evidence,
    ...say('dmarc.record', 'issues', {
      domain,
      inheritedFrom,
      issues: issues.map((i) => i.message),
      invalid: status === 'fail',
    }),
  };
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
      ...say('dmarc.policy', 'invalid-policy', { domain, tag: applied.tag, written }),
    };
  }
  if (applied.value === 'none') {
    return {
      ...base,
      status: 'fail',
      ...say('dmarc.policy', 'policy-none', { domain, tag: applied.tag }),
    };
  }
  const weakenings: Part[] = [];
  if (record.testing) weakenings.push(sayPart('dmarc.policy', 'weakened-testing', {}));
  if (record.pct !== undefined && record.pct < 100)
    weakenings.push(sayPart('dmarc.policy', 'weakened-pct', { pct: record.pct }));
  if (applied.tag === 'p' && record.sp === 'none') weakenings.push(sayPart('dmarc.policy', 'weakened-sp-none', {}));
  if (record.np === 'none') weakenings.push(sayPart('dmarc.policy', 'weakened-np-none', {}));
  if (weakenings.length > 0) {
    return {
      ...base,
      status: 'warn',
      ...say('dmarc.policy', 'weakened', { domain, policy: applied.value, weakenings }),
    };
  }
  return { ...base, status: 'ok', ...say('dmarc.policy', 'ok', { domain, policy: applied.value }) };
}

export function reportingFinding(domain: string, policyDomain: string, destinations: ReportDestination[]): Finding {
  const evidence = { policyDomain, destinations };
  const base = { check: 'dmarc.reporting', subject: domain, evidence };
  const problems = destinations.flatMap((d) => d.problems.map((p) => `${d.tag}: ${p}`));
  if (problems.length > 0) {
    return {
      ...base,
      status: 'fail',
      ...say('dmarc.reporting', 'undeliverable', { domain, problems }),
    };
  }
  if (!destinations.some((d) => d.tag === 'rua')) {
    return {
      ...base,
      status: 'warn',
      ...say('dmarc.reporting', 'no-rua', { domain, policyDomain }),
    };
  }
  return {
    ...base,
    status: 'ok',
    ...say('dmarc.reporting', 'ok', { domain, addresses: destinations.map((d) => d.address ?? d.uri) }),
  };
}
