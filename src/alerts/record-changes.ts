import type { Notice, RecordChange } from '../state/types.ts';

/**
 * `changed` notices (opt-in per route): a published record changed while the verdicts stayed the same (a new SPF
 * include, a rotated DKIM key, an MX swap). `before` and `after` are a domain's current records by `kind|subject`
 * (DomainState.records); a record that appears for the first time is not a change (the domain's first check) unless
 * the domain had records before.
 */
export function recordChanges(
  domain: string,
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>,
): RecordChange[] {
  if (before === undefined) return [];
  const changes: RecordChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[key];
    const now = after[key];
    if (old === now) continue;
    const bar = key.indexOf('|');
    const change: RecordChange = { domain, kind: key.slice(0, bar), subject: key.slice(bar + 1) };
    if (old !== undefined) change.before = old;
    if (now !== undefined) change.after = now;
    changes.push(change);
  }
  return changes.sort((a, b) => `${a.kind}|${a.subject}`.localeCompare(`${b.kind}|${b.subject}`));
}

/** The notice for one record change. */
export function changedNotice(change: RecordChange, tags: readonly string[], at: string): Notice {
  return {
    key: `changed|${change.domain}|${change.kind}|${change.subject}|${at}`,
    type: 'changed',
    record: change,
    tags: [...tags],
    at,
  };
}

/** Record changes of a domain as notices, minus those of a record kind whose checks changed status in this report. */
export function changedNotices(
  domain: string,
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>,
  tags: readonly string[],
  at: string,
  statusChangedAreas: ReadonlySet<string> = new Set(),
): Notice[] {
  return recordChanges(domain, before, after)
    .filter((change) => !statusChangedAreas.has(change.kind))
    .map((change) => changedNotice(change, tags, at));
}
