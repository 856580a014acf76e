import type { SignatureTiming, ValidationResult } from '../../dns/dnssec/result.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import type { DnssecSettings } from './settings.ts';

const CHECK = 'dnssec.expiry';
const MAIL_TYPES = new Set(['SOA', 'MX', 'DNSKEY', 'TLSA', 'A', 'AAAA', 'CNAME', 'NSEC', 'NSEC3']);

/**
 * dnssec.expiry: the earliest expiration among the RRSIGs the domain's mail depends on, in the zones of the domain
 * and its MX hosts (the chain above, root and TLD, is someone else's to watch). An RRset signed twice counts with
 * its latest signature, since it stays valid until that one expires.
 */
export function expiryFinding(
  domain: string,
  zones: ReadonlySet<string>,
  results: readonly ValidationResult[],
  now: Date,
  settings: DnssecSettings,
): Finding | undefined {
  const latestPerRrset = new Map<string, SignatureTiming>();
  for (const result of results) {
    if (result.verdict !== 'secure') continue;
    for (const timing of result.signatures) {
      if (!zones.has(timing.zone) || !MAIL_TYPES.has(timing.type)) continue;
      const key = `${timing.owner}/${timing.type}`;
      const current = latestPerRrset.get(key);
      if (!current || timing.expiration > current.expiration) latestPerRrset.set(key, timing);
    }
  }
  const expired = results.find((result) => result.reason === 'signature-expired');
  if (expired) {
    return {
      check: CHECK,
      subject: domain,
      status: 'fail',
      ...say('dnssec.expiry', 'expired', { detail: expired.detail }),
      evidence: { name: expired.name, type: expired.type, detail: expired.detail },
    };
  }
  const timings = [...latestPerRrset.values()].sort((a, b) => a.expiration.localeCompare(b.expiration));
  const earliest = timings[0];
  if (!earliest) return undefined;
  const remaining = (Date.parse(earliest.expiration) - now.getTime()) / 1000;
  const lifetime = (Date.parse(earliest.expiration) - Date.parse(earliest.inception)) / 1000;
  const evidence = {
    earliest,
    remainingSeconds: Math.round(remaining),
    lifetimeSeconds: Math.round(lifetime),
    thresholds: {
      warnSeconds: settings.expiryWarnSeconds,
      warnFraction: settings.expiryWarnFraction,
      failSeconds: settings.expiryFailSeconds,
    },
    signatures: timings.slice(0, 10),
  };
  const expiring = say('dnssec.expiry', 'expires-soon', {
    seconds: remaining,
    owner: earliest.owner,
    type: earliest.type,
    keyTag: earliest.keyTag,
    expiration: earliest.expiration,
  });
  if (remaining < settings.expiryFailSeconds) {
    return {
      check: CHECK,
      subject: domain,
      status: 'fail',
      ...expiring,
      evidence,
      expiresAt: earliest.expiration,
    };
  }
  if (remaining < settings.expiryWarnSeconds || remaining < lifetime * settings.expiryWarnFraction) {
    return {
      check: CHECK,
      subject: domain,
      status: 'warn',
      ...expiring,
      evidence,
      expiresAt: earliest.expiration,
    };
  }
  return {
    check: CHECK,
    subject: domain,
    status: 'ok',
    ...say('dnssec.expiry', 'ok', { seconds: remaining, owner: earliest.owner, type: earliest.type }),
    evidence,
    expiresAt: earliest.expiration,
  };
}
