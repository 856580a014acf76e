/**
 * The one place that bounds what a Finding carries. Summaries, fixes and evidence come from DNS and remote
 * servers; a domain with 1,000 rua addresses once made a 495,393-character summary and 826 KB of evidence that
 * went all the way into alerts and state. Every finding of every monitor passes through boundFinding.
 */
import type { Evidence, Finding } from '../model.ts';

export const FINDING_BOUNDS = {
  summaryChars: 1_000,
  fixChars: 2_000,
  /** Any one string inside the evidence (a TXT record, a banner). */
  evidenceStringChars: 4_096,
  /** Any one list inside the evidence (rua addresses, MX hosts, problems). */
  evidenceListItems: 50,
  /** The whole evidence, as JSON. */
  evidenceJsonChars: 32_768,
} as const;

export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ` … (${text.length - max} more characters)`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

function boundValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return boundText(value, FINDING_BOUNDS.evidenceStringChars);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, FINDING_BOUNDS.evidenceListItems).map((item) => boundValue(item, depth + 1));
    const dropped = value.length - kept.length;
    return dropped > 0 ? [...kept, `… ${dropped} more items (${value.length} in all)`] : kept;
  }
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, boundValue(item, depth + 1)]));
}

export function boundEvidence(evidence: Evidence): Evidence {
  const bounded = boundValue(evidence, 0) as Evidence;
  const json = JSON.stringify(bounded) ?? '';
  if (json.length <= FINDING_BOUNDS.evidenceJsonChars) return bounded;
  return {
    truncated: true,
    jsonChars: json.length,
    // half: quoting the JSON text as a JSON string may double it
    excerpt: boundText(json, FINDING_BOUNDS.evidenceJsonChars / 2 - 100),
  };
}

export function boundFinding(finding: Finding): Finding {
  const bounded: Finding = {
    ...finding,
    summary: boundText(finding.summary, FINDING_BOUNDS.summaryChars),
    evidence: boundEvidence(finding.evidence),
  };
  if (finding.fix !== undefined) bounded.fix = boundText(finding.fix, FINDING_BOUNDS.fixChars);
  return bounded;
}
