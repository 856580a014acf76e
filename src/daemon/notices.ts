import type { Change } from '../model.ts';
import type { HistoryEntry, Notice } from '../state/types.ts';

export function noticeFor(type: Notice['type'], change: Change, tags: readonly string[], at: string): Notice {
  return {
    key: `${type}|${change.domain}|${change.check}|${change.subject}|${type === 'reminder' ? at : change.at}`,
    type,
    change,
    tags: [...tags],
    at,
  };
}

export function resolverNotice(
  type: 'resolver-down' | 'resolver-up',
  detail: string,
  since: string,
  at: string,
): Notice {
  return { key: `${type}|${since}`, type, tags: [], detail, at };
}

export function historyEntryFor(change: Change): HistoryEntry {
  const entry: HistoryEntry = {
    at: change.at,
    domain: change.domain,
    kind: change.kind,
    check: change.check,
    subject: change.subject,
  };
  if (change.before)
    entry.before = { status: change.before.status, summary: change.before.summary, evidence: change.before.evidence };
  if (change.after)
    entry.after = { status: change.after.status, summary: change.after.summary, evidence: change.after.evidence };
  return entry;
}
