import type { Change } from '../model.ts';
import type { DomainState } from './types.ts';

/**
 * The bounded form of evidence the state keeps for the last confirmed findings. Alerts show at most six evidence
 * keys of a finding, each flattened to 300 characters (`flattenEvidence` in src/alerts/digest.ts); the limits here are
 * at or above that, so what an alert shows from a stored finding is what it would show from the full one. The full
 * evidence of a change still goes to the history and to the outbox, which take it from the fresh report.
 */
export const EVIDENCE_LIMITS = {
  /** Longer strings keep their first 300 characters and say how many were cut. */
  maxStringLength: 300,
  /** Longer arrays keep their first 20 items and end with a "… N more" item. */
  maxArrayItems: 20,
  /** Deeper objects and arrays are replaced by a short description. */
  maxDepth: 6,
} as const;

const CUT_STRING = /… \(\d+ more characters\)$/;
const CUT_ARRAY = /^… \d+ more$/;

/** Compacts a value; compacting a compacted value changes nothing. */
export function compactEvidenceValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    if (value.length <= EVIDENCE_LIMITS.maxStringLength) return value;
    if (CUT_STRING.test(value) && value.search(CUT_STRING) === EVIDENCE_LIMITS.maxStringLength) return value;
    return `${value.slice(0, EVIDENCE_LIMITS.maxStringLength)}… (${value.length - EVIDENCE_LIMITS.maxStringLength} more characters)`;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return compactEvidenceValue((value as { toJSON(): unknown }).toJSON(), depth);
  if (depth >= EVIDENCE_LIMITS.maxDepth) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const alreadyCut =
      value.length === EVIDENCE_LIMITS.maxArrayItems + 1 && CUT_ARRAY.test(String(value[value.length - 1]));
    if (alreadyCut) return value.map((item) => compactEvidenceValue(item, depth + 1));
    const kept = value.slice(0, EVIDENCE_LIMITS.maxArrayItems).map((item) => compactEvidenceValue(item, depth + 1));
    if (value.length > EVIDENCE_LIMITS.maxArrayItems)
      kept.push(`… ${value.length - EVIDENCE_LIMITS.maxArrayItems} more`);
    return kept;
  }
  const compact: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) compact[key] = compactEvidenceValue(item, depth + 1);
  return compact;
}

function compactFinding<T extends { evidence: Record<string, unknown> } | undefined>(finding: T): T {
  return finding === undefined
    ? finding
    : { ...finding, evidence: compactEvidenceValue(finding.evidence) as Record<string, unknown> };
}

function compactChange(change: Change): Change {
  return {
    ...change,
    ...(change.before ? { before: compactFinding(change.before) } : {}),
    ...(change.after ? { after: compactFinding(change.after) } : {}),
  };
}

/**
 * A domain's state as it is stored: every finding it keeps (confirmed, pending, the change of an open alert) with
 * compact evidence, so a 4 kB TXT record or a long certificate chain does not grow the database per domain.
 */
export function compactDomainState(state: DomainState): DomainState {
  const findings: DomainState['findings'] = {};
  for (const [key, tracked] of Object.entries(state.findings)) {
    findings[key] = {
      ...tracked,
      ...(tracked.confirmed ? { confirmed: compactFinding(tracked.confirmed) } : {}),
      ...(tracked.pending?.finding
        ? { pending: { ...tracked.pending, finding: compactFinding(tracked.pending.finding) } }
        : {}),
      ...(tracked.open ? { open: { ...tracked.open, change: compactChange(tracked.open.change) } } : {}),
    };
  }
  return { ...state, findings };
}
