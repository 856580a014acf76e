/**
 * The one place that bounds what a Finding carries. Summaries, fixes and evidence come from DNS and remote
 * servers; a domain with 1,000 rua addresses once made a 495,393-character summary and 826 KB of evidence that
 * went all the way into alerts and state. Every finding of every monitor passes through boundFinding.
 */
import { renderReason } from '../i18n/render.ts';
import type { Evidence, Finding } from '../model.ts';
import { boundText, TEXT_BOUNDS } from '../text-bounds.ts';

export { boundText };

export const FINDING_BOUNDS = {
  ...TEXT_BOUNDS,
  /** Any one string inside the evidence (a TXT record, a banner). */
  evidenceStringChars: 4_096,
  /** Any one list inside the evidence (rua addresses, MX hosts, problems). */
  evidenceListItems: 50,
  /** Any one string inside a finding's params (a host, a URI, a server's detail). */
  paramStringChars: 1_000,
  /** The whole evidence, as JSON. */
  evidenceJsonChars: 32_768,
} as const;

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

/**
 * The parameters the texts are rendered from in another language (issue 15): lists and strings are cut like the
 * evidence's, so a Dutch summary cannot grow back to what the English one was cut from. A cut list of plain values
 * says how much was left out; a cut list of parts (which the catalogs render) just ends early.
 */
function boundParam(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return boundText(value, FINDING_BOUNDS.paramStringChars);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, FINDING_BOUNDS.evidenceListItems).map((item) => boundParam(item, depth + 1));
    const dropped = value.length - kept.length;
    const plain = kept.every((item) => typeof item !== 'object' || item === null);
    return dropped > 0 && plain ? [...kept, `… ${dropped} more (${value.length} in all)`] : kept;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, boundParam(item, depth + 1)]));
}

/**
 * A finding kept within its bounds. Its params are cut first and its English texts rendered again from them, so the
 * texts kept with it are exactly what any rendering of it gives (in English, and cut like it in every language).
 */
export function boundFinding(finding: Finding): Finding {
  const params = finding.params === undefined ? undefined : (boundParam(finding.params, 0) as Finding['params']);
  const rendered =
    finding.reason === undefined || params === undefined
      ? undefined
      : renderReason(finding.check, finding.reason, params, 'en');
  const fix = rendered ? rendered.fix : finding.fix;
  const bounded: Finding = {
    ...finding,
    summary: boundText(rendered?.summary ?? finding.summary, FINDING_BOUNDS.summaryChars),
    evidence: boundEvidence(finding.evidence),
  };
  if (params !== undefined) bounded.params = params;
  if (fix !== undefined) bounded.fix = boundText(fix, FINDING_BOUNDS.fixChars);
  else delete bounded.fix;
  return bounded;
}
