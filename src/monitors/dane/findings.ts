import { say } from '../../i18n/say.ts';
import type { Finding, Status } from '../../model.ts';
import type { SmtpProbeResult } from '../../smtp/types.ts';
import { type DaneMatchSummary, matchTlsaSet } from '../../tls/dane-match.ts';
import { analyseChain } from '../../tls/presented-chain.ts';
import { formatTlsa, type TlsaRecord, tlsaUnusableReason } from '../../tls/tlsa.ts';
import type { AddressProbe } from '../mail-hosts/guarded-probe.ts';
import type { MxTarget } from '../mail-hosts/mx-targets.ts';
import { type AddressSecurity, daneFamilies, type TlsaLookup } from './tlsa-lookup.ts';

const DAY_MS = 86_400_000;

export function tlsaFinding(
  host: MxTarget,
  lookup: TlsaLookup,
  falseNx: boolean | undefined,
  addressSecurity?: AddressSecurity,
): Finding {
  const base = { check: 'dane.tlsa', subject: host.host };
  if (lookup.kind === 'failed') {
    return {
      ...base,
      status: 'fail',
      ...say('dane.tlsa', 'lookup-failed', { owner: lookup.owner, reason: lookup.reason, host: host.host }),
      evidence: { owner: lookup.owner, reason: lookup.reason, detail: lookup.detail, tried: lookup.tried },
    };
  }
  if (lookup.kind === 'absent') {
    return {
      ...base,
      status: 'info',
      ...say('dane.tlsa', 'absent', { tried: lookup.tried, host: host.host }),
      evidence: { tried: lookup.tried, security: lookup.security },
    };
  }
  const records = lookup.records.map((r) => formatTlsa(r));
  const usable = lookup.records.filter((r) => tlsaUnusableReason(r) === undefined);
  const evidence = {
    owner: lookup.owner,
    records,
    security: lookup.security,
    resolverAd: lookup.resolverAd,
    usable: usable.length,
    unusable: lookup.records
      .filter((r) => tlsaUnusableReason(r) !== undefined)
      .map((r) => ({ record: formatTlsa(r, true), reason: tlsaUnusableReason(r) })),
    addressRecordsSecure: host.addressSecure,
    ...(addressSecurity ? { addressSecurity } : {}),
    falseNxdomainAtTcp: falseNx,
  };
  if (lookup.security !== 'secure') {
    return {
      ...base,
      status: 'warn',
      ...say('dane.tlsa', 'unsigned-zone', { records: records.length, owner: lookup.owner }),
      evidence,
    };
  }
  const families = addressSecurity ? daneFamilies(addressSecurity) : undefined;
  if (!host.addressSecure && families && families.dane.length > 0 && families.opportunistic.length > 0) {
    return {
      ...base,
      status: 'warn',
      ...say('dane.tlsa', 'unsigned-family', {
        owner: lookup.owner,
        host: host.host,
        dane: families.dane,
        insecure: families.opportunistic,
      }),
      evidence,
    };
  }
  if (!host.addressSecure) {
    return {
      ...base,
      status: 'warn',
      ...say('dane.tlsa', 'unsigned-addresses', {
        owner: lookup.owner,
        host: host.host,
        alias: host.cnameChain.length > 0,
      }),
      evidence,
    };
  }
  if (usable.length === 0) {
    return {
      ...base,
      status: 'warn',
      ...say('dane.tlsa', 'none-usable', { owner: lookup.owner }),
      evidence,
    };
  }
  if (falseNx === true) {
    return {
      ...base,
      status: 'warn',
      ...say('dane.tlsa', 'false-nxdomain', { owner: lookup.owner, host: host.host }),
      evidence,
    };
  }
  return {
    ...base,
    status: 'ok',
    ...say('dane.tlsa', 'ok', { usable: usable.length, owner: lookup.owner }),
    evidence,
  };
}

export interface AddressFacts {
  host: MxTarget;
  address: string;
  records: TlsaRecord[];
  referenceNames: string[];
  now: Date;
  rolloverWarnDays: number;
}

const subjectOf = (facts: AddressFacts) => `${facts.host.host}/${facts.address}`;

export interface MatchOutcome {
  finding: Finding;
  summary?: DaneMatchSummary;
  leafNotAfter?: string;
}

export function matchFinding(facts: AddressFacts, probe: AddressProbe): MatchOutcome {
  const base = { check: 'dane.match', subject: subjectOf(facts) };
  if (probe.kind === 'not-probed') {
    return {
      finding: {
        ...base,
        status: 'info',
        ...say('dane.match', 'not-probed', { detail: probe.reason }),
        evidence: { guard: probe },
      },
    };
  }
  const result: SmtpProbeResult = probe.result;
  if (result.outcome !== 'ok' || !result.tls) {
    const verdict = ['no-starttls', 'starttls-rejected', 'tls-failed'].includes(result.outcome);
    return {
      finding: {
        ...base,
        status: verdict ? 'fail' : 'error',
        ...(verdict
          ? say('dane.match', 'no-tls', { outcome: result.outcome })
          : say('dane.match', 'probe-failed', { outcome: result.outcome, detail: result.detail ?? '' })),
        evidence: { outcome: result.outcome, detail: result.detail, attempts: result.attempts },
      },
    };
  }
  const analysis = analyseChain(result.tls.chain, facts.referenceNames, facts.now);
  const chain = analysis?.chain ?? [];
  const summary = matchTlsaSet(facts.records, chain, facts.referenceNames, facts.now);
  const evidence = {
    results: summary.results.map((r) => ({
      record: formatTlsa(r.record),
      verdict: r.verdict,
      depth: r.depth,
      reason: r.reason,
    })),
    leafSha256: analysis?.leafFacts.sha256,
    leafNotAfter: analysis?.leafFacts.notAfter,
    chainSubjects: chain.map((c) => c.subject),
  };
  if (summary.authenticated) {
    const matched = summary.results.filter((r) => r.verdict === 'match').map((r) => formatTlsa(r.record, true));
    // DANE-EE ignores dates; when only DANE-TA records match, the match ends with the leaf's validity (RFC 7672 §3.1.2)
    const onlyTa = !summary.results.some((r) => r.verdict === 'match' && r.record.usage === 3);
    const expiresAt = onlyTa ? analysis?.leafFacts.notAfter : undefined;
    return {
      finding: {
        ...base,
        status: 'ok',
        ...say('dane.match', 'match', { records: matched }),
        evidence,
        ...(expiresAt ? { expiresAt } : {}),
      },
      summary,
      leafNotAfter: analysis?.leafFacts.notAfter,
    };
  }
  return {
    finding: {
      ...base,
      status: 'fail',
      ...say('dane.match', 'no-match', {
        reasons: summary.results.filter((r) => r.verdict !== 'unusable').map((r) => String(r.reason)),
      }),
      evidence,
    },
    summary,
  };
}

/** `dane.rollover`: will the next certificate renewal break DANE? */
export function rolloverFinding(
  facts: AddressFacts,
  summary: DaneMatchSummary,
  leafNotAfter: string | undefined,
): Finding | undefined {
  if (!summary.authenticated) return undefined;
  const base = { check: 'dane.rollover', subject: subjectOf(facts) };
  const matched = summary.results.filter((r) => r.verdict === 'match');
  const taMatched = matched.filter((r) => r.record.usage === 2);
  const eeMatched = matched.filter((r) => r.record.usage === 3);
  const spares = summary.results.filter((r) => r.verdict === 'no-match' || r.verdict === 'match-invalid');
  const wholeCert = facts.records.filter((r) => r.usage === 3 && r.selector === 0);
  const notAfter = leafNotAfter === undefined ? undefined : new Date(leafNotAfter);
  const daysLeft = notAfter ? (notAfter.getTime() - facts.now.getTime()) / DAY_MS : Number.POSITIVE_INFINITY;
  const evidence = {
    matched: matched.map((r) => formatTlsa(r.record, true)),
    spare: spares.map((r) => formatTlsa(r.record, true)),
    wholeCertificateRecords: wholeCert.map((r) => formatTlsa(r, true)),
    certificateNotAfter: leafNotAfter,
    daysLeft: Number.isFinite(daysLeft) ? Math.floor(daysLeft) : undefined,
  };
  if (taMatched.length === 0 && eeMatched.length > 0 && spares.length === 0) {
    const texts =
      daysLeft < 0
        ? say('dane.rollover', 'renewal-overdue', { date: String(leafNotAfter?.slice(0, 10)) })
        : daysLeft < facts.rolloverWarnDays
          ? say('dane.rollover', 'renewal-soon', { days: Math.floor(daysLeft) })
          : say('dane.rollover', 'single-key', {});
    return { ...base, status: 'warn', ...texts, evidence };
  }
  const wholeCertPinned = wholeCert.length > 0 && matched.some((r) => r.record.usage === 3 && r.record.selector === 0);
  const status: Status = wholeCertPinned ? 'info' : 'ok';
  const texts =
    taMatched.length > 0
      ? say('dane.rollover', 'ta-survives', { wholeCert: wholeCertPinned })
      : say('dane.rollover', 'spares-ready', { spares: spares.length, wholeCert: wholeCertPinned });
  return { ...base, status, ...texts, evidence };
}
