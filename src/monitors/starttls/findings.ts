import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
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
  texts: ReturnType<typeof say>,
  evidence: Finding['evidence'],
  extra: Partial<Finding> = {},
): Finding {
  return { check, subject: `${ctx.host}/${ctx.address}`, status, ...texts, evidence, ...extra };
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
    return finding('starttls.offered', ctx, 'info', say('starttls', 'not-probed', { detail: probe.reason }), {
      guard: { reason: probe.reason, category: probe.category },
    });
  }
  const result = probe.result;
  const evidence = probeEvidence(result);
  switch (result.outcome) {
    case 'ok':
      return finding(
        'starttls.offered',
        ctx,
        'ok',
        say('starttls.offered', 'ok', { version: String(result.tls?.version) }),
        evidence,
      );
    case 'no-starttls':
      return finding('starttls.offered', ctx, 'fail', say('starttls.offered', 'not-offered', {}), evidence);
    case 'starttls-rejected':
      return finding(
        'starttls.offered',
        ctx,
        'fail',
        say('starttls.offered', 'refused', { detail: String(result.detail) }),
        evidence,
      );
    case 'tls-failed':
      return finding(
        'starttls.offered',
        ctx,
        'fail',
        say('starttls.offered', 'handshake-failed', { detail: String(result.detail) }),
        evidence,
      );
    default:
      if (result.deadlinePassed)
        return finding(
          'starttls.offered',
          ctx,
          'error',
          say('starttls', 'probe-deadline', {
            stage: result.stage,
            deadlineMs: result.deadlineMs ?? 0,
            attempts: result.attempts,
          }),
          evidence,
        );
      return finding(
        'starttls.offered',
        ctx,
        'error',
        say('starttls', 'probe-failed', {
          outcome: result.outcome,
          attempts: result.attempts,
          detail: result.detail ?? '',
        }),
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
  const parts: Part[] = [
    onlyLegacy
      ? sayPart('starttls.protocol', 'only-legacy', { version: tls.version, tier: versionTier })
      : sayPart('starttls.protocol', 'negotiated', { version: tls.version, tier: versionTier }),
  ];
  if (onlyLegacy) {
    // the best version is legacy already: the legacy handshake can add nothing
  } else if (legacy?.result === 'accepted')
    parts.push(sayPart('starttls.protocol', 'legacy-accepted', { version: String(legacy.version) }));
  else if (legacy?.result === 'refused') parts.push(sayPart('starttls.protocol', 'legacy-refused', {}));
  else if (legacy) parts.push(sayPart('starttls.protocol', 'legacy-untested', { result: legacy.result }));
  const fix = tier === 'good' || tier === 'sufficient' ? null : onlyLegacy ? 'legacy-only' : 'legacy-accepted';
  return finding('starttls.protocol', ctx, TIER_STATUS[tier], say('starttls.protocol', 'protocol', { parts, fix }), {
    version: tls.version,
    tier,
    legacy,
  });
}

/** `starttls.cipher`: the negotiated suite and key-exchange group against the NCSC tiers. */
export function cipherFinding(ctx: AddressContext, result: SmtpProbeResult): Finding | undefined {
  const tls = result.tls;
  if (!tls) return undefined;
  const suiteTier = cipherTier(tls.cipherStandardName);
  const groupTier = tls.keyExchange ? keyExchangeGroupTier(tls.keyExchange) : 'good';
  const tier = worstTier(suiteTier, groupTier);
  return finding(
    'starttls.cipher',
    ctx,
    TIER_STATUS[tier],
    say('starttls.cipher', 'cipher', {
      cipher: tls.cipherStandardName,
      group: tls.keyExchange?.name ?? null,
      dhBits: tls.keyExchange?.size ?? null,
      tier,
      weak: !(tier === 'good' || tier === 'sufficient'),
    }),
    {
      cipher: tls.cipher,
      cipherStandardName: tls.cipherStandardName,
      suiteTier,
      keyExchange: tls.keyExchange,
      groupTier,
      tier,
    },
  );
}

/**
 * The names to show for a certificate: the one it is valid for (its other names are noise to this host), else what
 * it names instead, so that a mismatch reads as such.
 */
function certificateNames(
  dnsNames: readonly string[],
  matched: string | undefined,
  subject: string,
): { names: string[]; otherNames: number } {
  const shown = matched ? [matched] : dnsNames.slice(0, 3);
  if (shown.length === 0) return { names: [subject], otherNames: 0 };
  return { names: shown, otherNames: dnsNames.length - shown.length };
}

/** `starttls.certificate`: expiry, name, key, signature and trust of the presented certificate. */
export function certificateFinding(ctx: AddressContext, result: SmtpProbeResult): Finding | undefined {
  const tls = result.tls;
  if (!tls) return undefined;
  const analysis = analyseChain(tls.chain, ctx.referenceNames, ctx.now, ctx.caFile);
  if (!analysis) {
    return finding('starttls.certificate', ctx, 'fail', say('starttls.certificate', 'no-certificate', {}), {
      chainLength: tls.chain.length,
    });
  }
  const facts = analysis.leafFacts;
  const daysLeft = (new Date(facts.notAfter).getTime() - ctx.now.getTime()) / DAY_MS;
  const keyTier = certificateKeyTier(facts.keyType, facts.keyBits);
  const sigTier = signatureTier(facts.signatureAlgorithm);
  const problems: { status: Status; text: Part }[] = [];
  const problem = (status: Status, text: Part) => problems.push({ status, text });
  if (daysLeft < 0) {
    const daysAgo = Math.floor(-daysLeft);
    problem('fail', sayPart('starttls.certificate', 'expired', { date: facts.notAfter.slice(0, 10), daysAgo }));
  } else if (daysLeft < ctx.transport.certificateFailDays)
    problem('fail', sayPart('starttls.certificate', 'expires-very-soon', { days: daysLeft.toFixed(1) }));
  else if (daysLeft < ctx.transport.certificateWarnDays)
    problem('warn', sayPart('starttls.certificate', 'expires-soon', { days: Math.floor(daysLeft) }));
  if (new Date(facts.notBefore) > ctx.now)
    problem('fail', sayPart('starttls.certificate', 'not-yet-valid', { notBefore: facts.notBefore }));
  if (keyTier === 'insufficient')
    problem(
      'fail',
      sayPart('starttls.certificate', 'weak-key', { keyType: facts.keyType, bits: facts.keyBits ?? null }),
    );
  else if (keyTier === 'phase-out')
    problem('warn', sayPart('starttls.certificate', 'phase-out-key', { keyType: facts.keyType }));
  if (sigTier === 'insufficient')
    problem('fail', sayPart('starttls.certificate', 'weak-signature', { algorithm: facts.signatureAlgorithm }));
  // opportunistic senders accept any certificate: name and trust matter only to DANE-TA and MTA-STS (judged there)
  if (analysis.matchedName === undefined)
    problem('info', sayPart('starttls.certificate', 'name-mismatch', { host: ctx.host }));
  // an expired certificate fails chain validation for that reason alone: already said above
  const onlyExpired = daysLeft < 0 && /expired/i.test(analysis.trust.reason ?? '');
  if (!analysis.trust.trusted && !onlyExpired)
    problem('info', sayPart('starttls.certificate', 'untrusted', { detail: String(analysis.trust.reason) }));
  const order: Status[] = ['ok', 'info', 'warn', 'fail'];
  const status = problems.reduce<Status>(
    (worst, p) => (order.indexOf(p.status) > order.indexOf(worst) ? p.status : worst),
    'ok',
  );
  const texts = say('starttls.certificate', 'certificate', {
    keyType: facts.keyType,
    keyBits: facts.keyBits ?? null,
    ...certificateNames(analysis.dnsNames, analysis.matchedName, facts.subject),
    validUntil: daysLeft < 0 ? null : facts.notAfter.slice(0, 10),
    problems: problems.map((p) => p.text),
    advice: status === 'fail' || status === 'warn' ? 'renew' : status === 'info' ? 'trusted-ca' : null,
    host: ctx.host,
  });
  return finding(
    'starttls.certificate',
    ctx,
    status,
    texts,
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
    { expiresAt: facts.notAfter },
  );
}
