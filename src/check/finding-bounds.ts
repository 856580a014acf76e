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

/** A plain object or array: what boundValue and boundParam copy without changing it when it fits. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null || Array.isArray(value);
}

/**
 * The most JSON characters a value fitting boundValue's limits can take (a string may need six per character when
 * every one is escaped), or Infinity when boundValue would change it. Walking is far cheaper than copying the
 * evidence and serialising it, which almost every finding (a few hundred bytes) does not need.
 */
function evidenceJsonBound(value: unknown, depth: number): number {
  if (typeof value === 'string')
    return value.length > FINDING_BOUNDS.evidenceStringChars ? Number.POSITIVE_INFINITY : 6 * value.length + 2;
  if (value === null || typeof value !== 'object') return 24;
  if (value instanceof Date) return 26;
  if (depth > 8 || !isPlain(value)) return Number.POSITIVE_INFINITY;
  let chars = 2;
  if (Array.isArray(value)) {
    if (value.length > FINDING_BOUNDS.evidenceListItems) return Number.POSITIVE_INFINITY;
    for (const item of value) chars += evidenceJsonBound(item, depth + 1) + 1;
    return chars;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    chars += 6 * key.length + 4 + evidenceJsonBound((value as Record<string, unknown>)[key], depth + 1);
  }
  return chars;
}

/** Whether boundParam would give back an equal value. */
function paramFits(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.length <= FINDING_BOUNDS.paramStringChars;
  if (value === null || typeof value !== 'object' || depth > 8) return true;
  if (!isPlain(value)) return false;
  if (Array.isArray(value)) {
    if (value.length > FINDING_BOUNDS.evidenceListItems) return false;
    for (const item of value) if (!paramFits(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && !paramFits((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * A finding that is within every bound already comes back as it is: its params need no cut, so its texts are what
 * rendering them again would give (they were rendered from these same params), and its evidence needs no copy.
 */
function fitsAsItIs(finding: Finding): boolean {
  return (
    finding.summary.length <= FINDING_BOUNDS.summaryChars &&
    (finding.fix === undefined || finding.fix.length <= FINDING_BOUNDS.fixChars) &&
    (finding.params === undefined || paramFits(finding.params, 0)) &&
    evidenceJsonBound(finding.evidence, 0) <= FINDING_BOUNDS.evidenceJsonChars
  );
}

/**
 * A finding kept within its bounds. Its params are cut first and its English texts rendered again from them, so the
 * texts kept with it are exactly what any rendering of it gives (in English, and cut like it in every language).
 */
export function boundFinding(finding: Finding): Finding {
  if (fitsAsItIs(finding)) return finding;
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
