import type { Finding, Status } from '../../model.ts';
import type { SmtpProbeResult } from '../../smtp/types.ts';
import { type DaneMatchSummary, matchTlsaSet } from '../../tls/dane-match.ts';
import { analyseChain } from '../../tls/presented-chain.ts';
import { formatTlsa, type TlsaRecord, tlsaUnusableReason } from '../../tls/tlsa.ts';
import type { AddressProbe } from '../mail-hosts/guarded-probe.ts';
import type { MxTarget } from '../mail-hosts/mx-targets.ts';
import { type AddressSecurity, daneFamilies, type TlsaLookup } from './tlsa-lookup.ts';

const DAY_MS = 86_400_000;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

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
      summary: `TLSA lookup for ${lookup.owner} fails (${lookup.reason}): DANE senders defer all mail to ${host.host}`,
      evidence: { owner: lookup.owner, reason: lookup.reason, detail: lookup.detail, tried: lookup.tried },
      fix: 'A bogus or unanswerable TLSA RRset blocks DANE senders: fix the zone signatures (or the server that does not answer), or remove the TLSA records cleanly.',
    };
  }
  if (lookup.kind === 'absent') {
    return {
      ...base,
      status: 'info',
      summary: `No TLSA record at ${lookup.tried.join(' or ')}: DANE is not used for ${host.host}`,
      evidence: { tried: lookup.tried, security: lookup.security },
      fix: `Sign the zone with DNSSEC and publish "_25._tcp.${host.host}. IN TLSA 3 1 1 <sha256 of the server key>" (and one for the next key).`,
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
      summary: `${plural(records.length, 'TLSA record')} at ${lookup.owner}, but the zone is not DNSSEC-signed: senders ignore them`,
      evidence,
      fix: 'Sign the zone (and publish its DS at the parent), or the TLSA records protect nothing.',
    };
  }
  const families = addressSecurity ? daneFamilies(addressSecurity) : undefined;
  if (!host.addressSecure && families && families.dane.length > 0 && families.opportunistic.length > 0) {
    const name = (f: string) => (f === 'ipv4' ? 'IPv4' : 'IPv6');
    const insecure = families.opportunistic.map(name).join('/');
    return {
      ...base,
      status: 'warn',
      summary: `TLSA at ${lookup.owner} is signed, but the ${insecure} address records of ${host.host} are not: senders use DANE over ${families.dane.map(name).join('/')} only and fall back to unauthenticated TLS over ${insecure} (RFC 7672 §2.2.2)`,
      evidence,
      fix: `Sign the ${insecure === 'IPv6' ? 'AAAA' : 'A'} records of ${host.host} (they are in an unsigned zone, or their zone's proofs are not accepted by validators).`,
    };
  }
  if (!host.addressSecure) {
    const aliasNote =
      host.cnameChain.length > 0
        ? ' (Postfix still uses the TLSA records at the alias name when the CNAME itself is signed; senders that require secure address records do not)'
        : '';
    return {
      ...base,
      status: 'warn',
      summary: `TLSA at ${lookup.owner} is signed, but the address records of ${host.host} are not: senders skip DANE (RFC 7672 §2.2.2)${aliasNote}`,
      evidence,
      fix: `Sign the zone that holds the A/AAAA records of ${host.host}.`,
    };
  }
  if (usable.length === 0) {
    return {
      ...base,
      status: 'warn',
      summary: `TLSA at ${lookup.owner} is signed but has no record SMTP senders can use (only PKIX usages 0/1 or unknown parameters)`,
      evidence,
      fix: 'SMTP uses only DANE-EE(3) and DANE-TA(2) (RFC 7672 §3.1.3): publish e.g. "3 1 1 <sha256 of the server key>".',
    };
  }
  if (falseNx === true) {
    return {
      ...base,
      status: 'warn',
      summary: `TLSA at ${lookup.owner} is signed and usable, but _tcp.${host.host} answers NXDOMAIN: resolvers that trust NXDOMAIN (RFC 8020) never see the TLSA records`,
      evidence,
      fix: 'The authoritative server mishandles empty non-terminals: upgrade or fix it so that _tcp.<mx> answers NOERROR without data.',
    };
  }
  return {
    ...base,
    status: 'ok',
    summary: `${plural(usable.length, 'usable TLSA record')} at ${lookup.owner}, DNSSEC-signed`,
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
    return { finding: { ...base, status: 'info', summary: `Not probed: ${probe.reason}`, evidence: { guard: probe } } };
  }
  const result: SmtpProbeResult = probe.result;
  if (result.outcome !== 'ok' || !result.tls) {
    const verdict = ['no-starttls', 'starttls-rejected', 'tls-failed'].includes(result.outcome);
    return {
      finding: {
        ...base,
        status: verdict ? 'fail' : 'error',
        summary: verdict
          ? `TLSA published but no TLS session (${result.outcome}): DANE senders defer mail to this address`
          : `Could not probe (${result.outcome}): ${result.detail ?? ''}`,
        evidence: { outcome: result.outcome, detail: result.detail, attempts: result.attempts },
        ...(verdict
          ? {
              fix: 'With usable TLSA records STARTTLS is mandatory for DANE senders: make STARTTLS work on every address.',
            }
          : {}),
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
        summary: `Certificate matches TLSA ${matched.join(', ')}`,
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
      summary: `No usable TLSA record matches the presented certificate: DANE senders defer mail to this address (${summary.results
        .filter((r) => r.verdict !== 'unusable')
        .map((r) => r.reason)
        .join('; ')})`,
      evidence,
      fix: `Publish a TLSA record for the key the server presents now (e.g. "3 1 1 <sha256 of its SubjectPublicKeyInfo>") or put the matching certificate back; keep the old record until the new one has been in DNS for at least two TTLs.`,
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
  let status: Status = 'ok';
  let text =
    taMatched.length > 0
      ? 'A DANE-TA record survives leaf renewals'
      : `${plural(spares.length, 'spare record')} ready for the next key`;
  let fix: string | undefined;
  if (taMatched.length === 0 && eeMatched.length > 0 && spares.length === 0) {
    status = 'warn';
    if (daysLeft < 0) {
      text = `The certificate expired on ${leafNotAfter?.slice(0, 10)} (DANE-EE ignores that) and only one DANE-EE record matches the current key: its overdue renewal will break DANE unless a record for the next key is published first`;
    } else if (daysLeft < facts.rolloverWarnDays) {
      text = `The certificate expires in ${Math.floor(daysLeft)} day${Math.floor(daysLeft) === 1 ? '' : 's'} and only one DANE-EE record matches the current key: the renewal will break DANE unless a record for the next key is published first`;
    } else {
      text = 'Only one DANE-EE record, for the current key, and nothing to take over: a key change breaks DANE';
    }
    fix =
      'Publish a second TLSA record for the next key ("3 1 1 <sha256 of the next key>") at least two TTLs before the switch, or a DANE-TA record for your issuing CA; Let\'s Encrypt users: reuse the key (certbot --reuse-key) or pre-generate the next one.';
  } else if (wholeCert.length > 0 && matched.some((r) => r.record.usage === 3 && r.record.selector === 0)) {
    status = 'info';
    text = `${text}; "3 0 x" records pin the whole certificate and break on every renewal, even with the same key`;
    fix = 'Prefer "3 1 1" (the public key): it survives renewals that keep the key.';
  }
  return { ...base, status, summary: text, evidence, ...(fix ? { fix } : {}) };
}
