/** Renders a finding's texts in a language from its reason and parameters. */
import type { Finding } from '../model.ts';
import { boundText, TEXT_BOUNDS } from '../text-bounds.ts';
import { CATALOG } from './catalog/index.ts';
import type { AnyEntry, FindingTexts, Language, Part, PartTexts } from './types.ts';

export interface RenderedTexts {
  summary: string;
  fix?: string;
}

const SECTIONS: Record<string, Record<string, AnyEntry>> = CATALOG;

/** Where the texts of a reason of `check` may live: the check itself, its area, then the reasons shared by all. */
function keysFor(check: string): string[] {
  const area = check.split('.')[0] ?? check;
  return [check, area, '*'];
}

export function lookUp(check: string, reason: string): AnyEntry | undefined {
  for (const key of keysFor(check)) {
    const entry = SECTIONS[key]?.[reason];
    if (entry) return entry;
  }
  return undefined;
}

function partRenderer(check: string, language: Language): (part: Part) => string {
  const render = (part: Part): string => {
    const texts = lookUp(check, part.reason)?.[language] as PartTexts<unknown> | undefined;
    return texts && 'text' in texts ? texts.text(part.params, render) : part.reason;
  };
  return render;
}

/** The texts of a reason, or undefined when the catalogs do not know it. */
export function renderReason(
  check: string,
  reason: string,
  params: Record<string, unknown>,
  language: Language,
): RenderedTexts | undefined {
  const texts = lookUp(check, reason)?.[language] as FindingTexts<unknown> | undefined;
  if (!texts || !('summary' in texts)) return undefined;
  const part = partRenderer(check, language);
  let summary = texts.summary(params, part);
  const agreement = params.agreement as Part | undefined;
  if (agreement) summary = `${summary} ${part(agreement)}`;
  summary = boundText(summary, TEXT_BOUNDS.summaryChars);
  const fix = texts.fix?.(params, part);
  return fix === undefined ? { summary } : { summary, fix: boundText(fix, TEXT_BOUNDS.fixChars) };
}

/**
 * A finding's summary and fix in `language`. Findings without a known reason (made by an older version, or by a
 * monitor not yet in the catalogs) keep the texts they carry.
 */
export function render(finding: Finding, language: Language): RenderedTexts {
  const rendered =
    finding.reason === undefined
      ? undefined
      : renderReason(finding.check, finding.reason, finding.params ?? {}, language);
  if (rendered) return rendered;
  return finding.fix === undefined ? { summary: finding.summary } : { summary: finding.summary, fix: finding.fix };
}
