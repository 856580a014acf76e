import { createHash } from 'node:crypto';
import type { SilenceConfig } from '../config/schema.ts';
import type { Notice, Silence } from '../state/types.ts';

/** A silence or maintenance window (the store keeps them): matching notices are recorded, not sent. */
export type { Silence };

/** What a silence is matched against: a notice's domain, check and tags. */
export interface SilenceTarget {
  domain: string;
  check: string;
  tags: readonly string[];
}

function matchesDomain(pattern: string, domain: string): boolean {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const wanted = pattern.toLowerCase().replace(/\.$/, '');
  if (wanted.startsWith('*.')) return name.endsWith(wanted.slice(1));
  return wanted === name;
}

function matchesCheck(pattern: string, check: string): boolean {
  const area = pattern.replace(/\.\*$/, '');
  return pattern === check || check.startsWith(`${area}.`);
}

export function isInForce(silence: Pick<Silence, 'startsAt' | 'endsAt'>, now: Date): boolean {
  const at = now.getTime();
  return Date.parse(silence.startsAt) <= at && at < Date.parse(silence.endsAt);
}

/**
 * True when the silence is in force at `now` and every list it has matches (a list matches when any entry does).
 * A silence without any list matches nothing: "silence everything" is not a silence, it is switching alerts off.
 */
export function silenceMatches(silence: Silence, target: SilenceTarget, now: Date): boolean {
  if (!isInForce(silence, now)) return false;
  const lists = [silence.domains, silence.tags, silence.checks].filter((list) => list !== undefined && list.length > 0);
  if (lists.length === 0) return false;
  if (silence.domains?.length && !silence.domains.some((pattern) => matchesDomain(pattern, target.domain)))
    return false;
  if (silence.checks?.length && !silence.checks.some((pattern) => matchesCheck(pattern, target.check))) return false;
  if (silence.tags?.length && !silence.tags.some((tag) => target.tags.includes(tag))) return false;
  return true;
}

/** The silence target of a notice. Resolver notices are about mailwarden itself and are never silenced. */
export function targetOf(notice: Notice): SilenceTarget | undefined {
  if (notice.change) return { domain: notice.change.domain, check: notice.change.check, tags: notice.tags };
  return undefined;
}

export function silenceFor(notice: Notice, silences: readonly Silence[], now: Date): Silence | undefined {
  const target = targetOf(notice);
  if (target === undefined) return undefined;
  return silences.find((silence) => silenceMatches(silence, target, now));
}

/** Splits notices into those to send and those silenced (to be recorded with the silence that held them). */
export function applySilences(
  notices: readonly Notice[],
  silences: readonly Silence[],
  now: Date,
): { send: Notice[]; silenced: { notice: Notice; silence: Silence }[] } {
  const send: Notice[] = [];
  const silenced: { notice: Notice; silence: Silence }[] = [];
  for (const notice of notices) {
    const silence = silenceFor(notice, silences, now);
    if (silence) silenced.push({ notice, silence });
    else send.push(notice);
  }
  return { send, silenced };
}

/**
 * The silences of the configuration, as the store keeps them (`source: config`). An entry without an id gets one
 * derived from its content, so a reload keeps the same ids for the same entries.
 */
export function silencesFromConfig(entries: readonly SilenceConfig[], loadedAt: Date): Silence[] {
  return entries.map((entry) => {
    const silence: Silence = {
      id: entry.id ?? `config-${createHash('sha256').update(JSON.stringify(entry)).digest('hex').slice(0, 12)}`,
      startsAt: entry.startsAt ?? loadedAt.toISOString(),
      endsAt: new Date(entry.endsAt).toISOString(),
      comment: entry.comment,
      createdBy: entry.createdBy ?? 'config',
      source: 'config',
    };
    if (entry.domains?.length) silence.domains = [...entry.domains];
    if (entry.tags?.length) silence.tags = [...entry.tags];
    if (entry.checks?.length) silence.checks = [...entry.checks];
    return silence;
  });
}
