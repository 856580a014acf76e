import type { Finding, Status } from '../../model.ts';
import type { TransportOptions } from '../../smtp/settings.ts';
import type { SmtpProbeResult } from '../../smtp/types.ts';
import {
  certificateKeyTier,
  cipherTier,
  keyExchangeGroupTier,
  protocolTier,
  signatureTier,
  type Tier,
  worstTier,
} from '../../tls/ncsc-tiers.ts';
import { analyseChain } from '../../tls/presented-chain.ts';
import type { AddressProbe } from '../mail-hosts/guarded-probe.ts';

const DAY_MS = 86_400_000;

const TIER_STATUS: Record<Tier, Status> = { good: 'ok', sufficient: 'ok', 'phase-out': 'warn', insufficient: 'fail' };

export interface AddressContext {
  host: string;
  address: string;
  /** Names the certificate may carry: the MX host name, then any CNAME targets. */
  referenceNames: string[];
  now: Date;
  caFile: string | undefined;
  transport: TransportOptions;
}

function finding(
  check: string,
  ctx: AddressContext,
  status: Status,
  summary: string,
  evidence: Finding['evidence'],
  extra: Partial<Finding> = {},
): Finding {
  return { check, subject: `${ctx.host}/${ctx.address}`, status, summary, evidence, ...extra };
}

function probeEvidence(result: SmtpProbeResult): Finding['evidence'] {
  return {
    outcome: result.outcome,
    stage: result.stage,
    detail: result.detail,
    banner: result.banner,
    ehlo: result.ehlo,
    starttlsOffered: result.starttlsOffered,
    attempts: result.attempts,
    probedAt: result.probedAt,
  };
}

/** `starttls.offered`: could we get TLS at all. */
export function offeredFinding(ctx: AddressContext, probe: AddressProbe): Finding {
  if (probe.kind === 'not-probed') {
    return finding(
      'starttls.offered',
      ctx,
      'info',
      `Not probed: ${probe.reason}`,
      { guard: { reason: probe.reason, category: probe.category } },
      {
        fix: 'An MX address on the public Internet must be publicly routable; pass --allow-private-targets to probe internal hosts on purpose.',
      },
    );
  }
  const result = probe.result;
  const evidence = probeEvidence(result);
  switch (result.outcome) {
    case 'ok':
      return finding('starttls.offered', ctx, 'ok', `STARTTLS offered and working (${result.tls?.version})`, evidence);
    case 'no-starttls':
      return finding(
        'starttls.offered',
        ctx,
        'fail',
        'STARTTLS is not offered: mail to this server travels unencrypted',
        evidence,
        {
          fix: 'Enable STARTTLS with a certificate (Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files = …).',
        },
      );
    case 'starttls-rejected':
      return finding('starttls.offered', ctx, 'fail', `STARTTLS is offered but refused: ${result.detail}`, evidence, {
        fix: 'The server advertises STARTTLS but cannot start it: check its certificate and key configuration and its TLS log.',
      });
    case 'tls-failed':
      return finding(
        'starttls.offered',
        ctx,
        'fail',
        `STARTTLS is offered but the TLS handshake fails: ${result.detail}`,
        evidence,
        {
          fix: 'Senders fall back to plain text or defer mail: check the server certificate, key and protocol/cipher settings.',
        },
      );
    default:
      return finding(
        'starttls.offered',
        ctx,
        'error',
        `Could not probe (${result.outcome}, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}): ${result.detail ?? ''}`,
        evidence,
      );
  }
}

/** `starttls.protocol`: negotiated version and whether TLS 1.0/1.1 are still accepted. */
export function protocolFinding(ctx: AddressContext, result: SmtpProbeResult): Finding | undefined {
  const tls = result.tls;
  if (!tls) return undefined;
  const legacy = result.legacy;
  const versionTier = protocolTier(tls.version);
  const legacyTier: Tier = legacy?.result === 'accepted' ? 'phase-out' : 'good';
  const tier = worstTier(versionTier, legacyTier);
  const onlyLegacy = versionTier === 'phase-out' || versionTier === 'insufficient';
  const parts = [
    onlyLegacy
      ? `offers at most ${tls.version} (NCSC: ${versionTier}): no TLS 1.2 or 1.3`
      : `negotiated ${tls.version} (NCSC: ${versionTier})`,
  ];
  if (onlyLegacy) {
    // the best version is legacy already: the legacy handshake can add nothing
  } else if (legacy?.result === 'accepted') parts.push(`still accepts ${legacy.version} (NCSC: phase-out)`);
  else if (legacy?.result === 'refused') parts.push('refuses TLS 1.0/1.1');
  else if (legacy) parts.push(`TLS 1.0/1.1 could not be tested (${legacy.result})`);
  return finding(
    'starttls.protocol',
    ctx,
    TIER_STATUS[tier],
    parts.join('; '),
    { version: tls.version, tier, legacy },
    tier === 'good' || tier === 'sufficient'
      ? {}
      : {
          fix: onlyLegacy
            ? 'Enable TLS 1.2 and 1.3 (a current OpenSSL and MTA support both), then disable TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2).'
            : 'Disable TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2, smtpd_tls_mandatory_protocols = >=TLSv1.2); prefer TLS 1.3.',
        },
  );
}

/** `starttls.cipher`: the negotiated suite and key-exchange group against the NCSC tiers. */
export function cipherFinding(ctx: AddressContext, result: SmtpProbeResult): Finding | undefined {
  const tls = result.tls;
  if (!tls) return undefined;
  const suiteTier = cipherTier(tls.cipherStandardName);
  const groupTier = tls.keyExchange ? keyExchangeGroupTier(tls.keyExchange) : 'good';
  const tier = worstTier(suiteTier, groupTier);
  const group = tls.keyExchange?.name ?? (tls.keyExchange?.size ? `DH ${tls.keyExchange.size} bits` : 'unknown group');
  return finding(
    'starttls.cipher',
    ctx,
    TIER_STATUS[tier],
    `${tls.cipherStandardName} with ${group} (NCSC: ${tier})`,
    {
      cipher: tls.cipher,
      cipherStandardName: tls.cipherStandardName,
      suiteTier,
      keyExchange: tls.keyExchange,
      groupTier,
      tier,
    },
    tier === 'good' || tier === 'sufficient'
      ? {}
      : { fix: 'Offer only ECDHE with AES-GCM or ChaCha20-Poly1305 (NCSC "good"), and let TLS 1.3 do the rest.' },
  );
}

/**
 * The names to show for a certificate: the one it is valid for (its other names are noise to this host), else what
 * it names instead, so that a mismatch reads as such.
 */
function certificateNames(dnsNames: readonly string[], matched: string | undefined, subject: string): string {
  const shown = matched ? [matched] : dnsNames.slice(0, 3);
  if (shown.length === 0) return subject;
  const others = dnsNames.length - shown.length;
  return `${shown.join(', ')}${others > 0 ? ` (+${others} other name${others === 1 ? '' : 's'})` : ''}`;
}

/** `starttls.certificate`: expiry, name, key, signature and trust of the presented certificate. */
export function certificateFinding(ctx: AddressContext, result: SmtpProbeResult): Finding | undefined {
  const tls = result.tls;
  if (!tls) return undefined;
  const analysis = analyseChain(tls.chain, ctx.referenceNames, ctx.now, ctx.caFile);
  if (!analysis) {
    return finding('starttls.certificate', ctx, 'fail', 'The server presented no certificate we can read', {
      chainLength: tls.chain.length,
    });
  }
  const facts = analysis.leafFacts;
  const daysLeft = (new Date(facts.notAfter).getTime() - ctx.now.getTime()) / DAY_MS;
  const keyTier = certificateKeyTier(facts.keyType, facts.keyBits);
  const sigTier = signatureTier(facts.signatureAlgorithm);
  const problems: { status: Status; text: string }[] = [];
  if (daysLeft < 0) {
    const ago = Math.floor(-daysLeft);
    const when = ago < 1 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`;
    problems.push({ status: 'fail', text: `expired on ${facts.notAfter.slice(0, 10)} (${when})` });
  } else if (daysLeft < ctx.transport.certificateFailDays)
    problems.push({ status: 'fail', text: `expires in ${daysLeft.toFixed(1)} days` });
  else if (daysLeft < ctx.transport.certificateWarnDays)
    problems.push({ status: 'warn', text: `expires in ${Math.floor(daysLeft)} days` });
  if (new Date(facts.notBefore) > ctx.now)
    problems.push({ status: 'fail', text: `not valid before ${facts.notBefore}` });
  if (keyTier === 'insufficient')
    problems.push({ status: 'fail', text: `${facts.keyType} key of ${facts.keyBits} bits is too weak` });
  else if (keyTier === 'phase-out')
    problems.push({ status: 'warn', text: `${facts.keyType} key should be phased out` });
  if (sigTier === 'insufficient') problems.push({ status: 'fail', text: `signed with ${facts.signatureAlgorithm}` });
  // opportunistic senders accept any certificate: name and trust matter only to DANE-TA and MTA-STS (judged there)
  if (analysis.matchedName === undefined) problems.push({ status: 'info', text: `not valid for ${ctx.host}` });
  // an expired certificate fails chain validation for that reason alone: already said above
  const onlyExpired = daysLeft < 0 && /expired/i.test(analysis.trust.reason ?? '');
  if (!analysis.trust.trusted && !onlyExpired)
    problems.push({ status: 'info', text: `not trusted (${analysis.trust.reason})` });
  const order: Status[] = ['ok', 'info', 'warn', 'fail'];
  const status = problems.reduce<Status>(
    (worst, p) => (order.indexOf(p.status) > order.indexOf(worst) ? p.status : worst),
    'ok',
  );
  const head = `${facts.keyType}${facts.keyBits ? ` ${facts.keyBits}` : ''} certificate for ${certificateNames(analysis.dnsNames, analysis.matchedName, facts.subject)}${daysLeft < 0 ? '' : `, valid until ${facts.notAfter.slice(0, 10)}`}`;
  const summary =
    problems.length === 0 ? `${head}; valid name, trusted chain` : `${head}: ${problems.map((p) => p.text).join('; ')}`;
  const fix =
    status === 'fail' || status === 'warn'
      ? "Renew the certificate in time (automate it), with an RSA ≥ 2048 or ECDSA P-256/P-384 key and a SHA-2 signature; publish the next key's TLSA record before the switch when you use DANE."
      : status === 'info'
        ? `Opportunistic senders accept this certificate, but MTA-STS senders and DANE-TA records need one from a trusted CA that names ${ctx.host} (e.g. from Let's Encrypt).`
        : undefined;
  return finding(
    'starttls.certificate',
    ctx,
    status,
    summary,
    {
      leaf: facts,
      chainLength: analysis.chain.length,
      chainSubjects: analysis.chain.map((c) => c.subject),
      nameMatches: analysis.matchedName !== undefined,
      matchedName: analysis.matchedName,
      referenceNames: ctx.referenceNames,
      trust: analysis.trust,
      keyTier,
      signatureTier: sigTier,
      daysLeft: Math.floor(daysLeft),
    },
    { expiresAt: facts.notAfter, ...(fix ? { fix } : {}) },
  );
}
