import type { Said } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import type { Evidence, Finding, Status } from '../../model.ts';
import { worstStatus } from '../../model.ts';

/** One thing wrong with a zone; its finding lists every one and takes the worst status. */
export interface ZoneProblem {
  status: Status;
  text: Part;
}

/**
 * The finding of a zone-level check: ok with `okSummary` when nothing is wrong, otherwise the worst problem's status,
 * every problem in the summary (`zone: first; second`, worded by `problemTexts`) and the fix.
 */
export function zoneVerdict(
  check: string,
  zone: string,
  problems: ZoneProblem[],
  evidence: Evidence,
  texts: {
    ok: Said<string, Record<string, unknown>>;
    problems: (parts: Part[]) => Said<string, Record<string, unknown>>;
  },
): Finding {
  if (problems.length === 0) return { check, subject: zone, status: 'ok', ...texts.ok, evidence };
  return {
    check,
    subject: zone,
    status: worstStatus(problems.map((problem) => problem.status)),
    ...texts.problems(problems.map((problem) => problem.text)),
    evidence,
  };
}
