import type { Change, Evidence, Finding } from '../model.ts';
import { compactEvidenceValue } from '../state/compact-evidence.ts';
import type { HistoryEntry, Notice } from '../state/types.ts';
import type { RecordChange } from './records.ts';

export function noticeFor(type: Notice['type'], change: Change, tags: readonly string[], at: string): Notice {
  return {
    key: `${type}|${change.domain}|${change.check}|${change.subject}|${type === 'reminder' ? at : change.at}`,
    type,
    change,
    tags: [...tags],
    at,
  };
}

/** A worker's resolver notice names the worker (each worker of a cluster asks its own resolver). */
export function resolverNotice(
  type: 'resolver-down' | 'resolver-up',
  detail: string,
  since: string,
  at: string,
  worker?: string,
): Notice {
  if (worker === undefined) return { key: `${type}|${since}`, type, tags: [], detail, at };
  return { key: `${type}|${since}|${worker}`, type, tags: [], detail: `worker ${worker}: ${detail}`, worker, at };
}

export function historyEntryFor(change: Change): HistoryEntry {
  const entry: HistoryEntry = {
    at: change.at,
    domain: change.domain,
    kind: change.kind,
    check: change.check,
    subject: change.subject,
  };
  if (change.before) entry.before = side(change.before);
  if (change.after) entry.after = side(change.after);
  return entry;
}

/** History keeps the compact evidence (as the state does): a shared MX breaking for 10,000 domains stays bounded. */
function side(finding: Finding): NonNullable<HistoryEntry['before']> {
  return {
    status: finding.status,
    summary: finding.summary,
    evidence: compactEvidenceValue(finding.evidence) as Evidence,
  };
}

/** Opt-in notice (routes listing the `changed` kind) for a published record that changed. */
export function recordChangedNotice(record: RecordChange, tags: readonly string[]): Notice {
  const change: Change = {
    kind: 'changed',
    domain: record.domain,
    check: `record.${record.kind}`,
    subject: record.subject,
    at: record.at,
    record: {
      kind: record.kind,
      ...(record.before !== undefined ? { before: record.before } : {}),
      after: record.value,
    },
  };
  return noticeFor('changed', change, tags, record.at);
}
