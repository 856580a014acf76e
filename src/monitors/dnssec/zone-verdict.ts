import type { Evidence, Finding, Status } from '../../model.ts';
import { worstStatus } from '../../model.ts';

/** One thing wrong with a zone; its finding lists every one and takes the worst status. */
export interface ZoneProblem {
  status: Status;
  text: string;
}

/**
 * The finding of a zone-level check: ok with `okSummary` when nothing is wrong, otherwise the worst problem's status,
 * every problem in the summary (`zone: first; second`) and the fix.
 */
export function zoneVerdict(
  check: string,
  zone: string,
  problems: ZoneProblem[],
  evidence: Evidence,
  texts: { okSummary: string; fix: string },
): Finding {
  if (problems.length === 0) return { check, subject: zone, status: 'ok', summary: texts.okSummary, evidence };
  return {
    check,
    subject: zone,
    status: worstStatus(problems.map((problem) => problem.status)),
    summary: `${zone}: ${problems.map((problem) => problem.text).join('; ')}`,
    evidence,
    fix: texts.fix,
  };
}
