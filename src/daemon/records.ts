import type { DomainReport, Finding } from '../model.ts';
import type { RecordObservation } from '../state/store.ts';

/** A published record as the store versions it: what kind, whose, and its canonical text. */
interface PublishedRecord {
  kind: string;
  subject: string;
  value: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** Sets are sorted, so a resolver's changed answer order is not a new version. */
const canonicalSet = (values: readonly string[]) => [...values].sort().join('\n');

/**
 * The published records each finding rests on, read from its evidence. Only definitive answers count: a finding in
 * `error` says nothing about what is published, so its record keeps its last known version.
 */
const READERS: Record<string, (finding: Finding, domain: string) => PublishedRecord | undefined> = {
  'spf.record': (finding, domain) => {
    const record = finding.evidence.record;
    const records = strings(finding.evidence.records);
    if (typeof record === 'string') return { kind: 'spf', subject: domain, value: record };
    if (records.length > 0) return { kind: 'spf', subject: domain, value: canonicalSet(records) };
    return finding.evidence.rcode !== undefined ? { kind: 'spf', subject: domain, value: '' } : undefined;
  },
  'dmarc.record': (finding, domain) => {
    const record = finding.evidence.record;
    const records = strings(finding.evidence.records);
    if (typeof record === 'string') {
      const inherited = finding.evidence.inherited === true ? ` (from ${String(finding.evidence.policyDomain)})` : '';
      return { kind: 'dmarc', subject: domain, value: `${record}${inherited}` };
    }
    if (records.length > 0) return { kind: 'dmarc', subject: domain, value: canonicalSet(records) };
    return Array.isArray(finding.evidence.queried) ? { kind: 'dmarc', subject: domain, value: '' } : undefined;
  },
  'dkim.key': (finding) =>
    Array.isArray(finding.evidence.records)
      ? { kind: 'dkim', subject: finding.subject, value: canonicalSet(strings(finding.evidence.records)) }
      : undefined,
  'mx.records': (finding, domain) => {
    if (finding.subject !== domain || !Array.isArray(finding.evidence.mx)) return undefined;
    // Hosts are `{preference, exchange}`; a null MX (RFC 7505) is written as the text `0 .`.
    const hosts = (finding.evidence.mx as unknown[]).map((mx) =>
      typeof mx === 'string'
        ? mx
        : `${String((mx as { preference?: unknown }).preference)} ${String((mx as { exchange?: unknown }).exchange) || '.'}`,
    );
    return { kind: 'mx', subject: domain, value: canonicalSet(hosts) };
  },
  'dane.tlsa': (finding) => {
    const owner = typeof finding.evidence.owner === 'string' ? finding.evidence.owner : `_25._tcp.${finding.subject}`;
    if (Array.isArray(finding.evidence.records))
      return { kind: 'tlsa', subject: owner, value: canonicalSet(strings(finding.evidence.records)) };
    return undefined;
  },
  'mtasts.record': (finding) =>
    Array.isArray(finding.evidence.records) && typeof finding.evidence.owner === 'string'
      ? { kind: 'mtasts', subject: finding.evidence.owner, value: canonicalSet(strings(finding.evidence.records)) }
      : undefined,
  'mtasts.policy': (finding, domain) =>
    typeof finding.evidence.body === 'string'
      ? { kind: 'mtasts-policy', subject: domain, value: finding.evidence.body }
      : undefined,
  'tlsrpt.record': (finding) =>
    Array.isArray(finding.evidence.records) && typeof finding.evidence.owner === 'string'
      ? { kind: 'tlsrpt', subject: finding.evidence.owner, value: canonicalSet(strings(finding.evidence.records)) }
      : undefined,
};

/** `kind|subject` → value, as kept in DomainState.records. */
export function publishedRecords(report: DomainReport): Record<string, string> {
  const records: Record<string, string> = {};
  for (const finding of report.findings) {
    if (finding.status === 'error') continue;
    const record = READERS[finding.check]?.(finding, report.domain);
    if (record) records[`${record.kind}|${record.subject}`] = record.value;
  }
  return records;
}

export interface RecordChange extends RecordObservation {
  /** The value before; undefined when the record was first seen. */
  before?: string;
}

/**
 * What differs from the records known before: every record seen now is observed (the store versions it), and the
 * ones whose value changed are returned as changes. Records not seen in this report keep their last known value.
 */
export function diffRecords(
  domain: string,
  before: Record<string, string> | undefined,
  now: Record<string, string>,
  at: string,
): { merged: Record<string, string>; observations: RecordObservation[]; changed: RecordChange[] } {
  const merged = { ...before };
  const observations: RecordObservation[] = [];
  const changed: RecordChange[] = [];
  for (const [key, value] of Object.entries(now)) {
    // Never published and still not (a DKIM selector tried and absent): nothing to keep a version of.
    if (value === '' && before?.[key] === undefined) continue;
    const split = key.indexOf('|');
    const observation = { domain, kind: key.slice(0, split), subject: key.slice(split + 1), value, at };
    observations.push(observation);
    const previous = before?.[key];
    if (before !== undefined && previous !== value) {
      changed.push(previous === undefined ? observation : { ...observation, before: previous });
    }
    merged[key] = value;
  }
  return { merged, observations, changed };
}
