import { type AlertRef, type Change, type DomainReport, type Finding, isWorse } from '../model.ts';
import { findingKey } from './finding-key.ts';
import type { DomainState, OpenAlert, TrackedFinding } from './types.ts';

/** Alert semantics, named as Gatus/Icinga users know them. Durations in ms. */
export interface AlertSettings {
  /** Consecutive worse results before a regression (or new / gone finding) is confirmed. */
  failureThreshold: number;
  /** Consecutive better results before a recovery is confirmed. */
  successThreshold: number;
  /** Consecutive `error` results before `unreachable`. */
  unreachableThreshold: number;
  /** An ok finding whose expiresAt is this close raises `expiring`. */
  expiringThreshold: number;
  /** While an alert stays open, remind after this long. */
  reminderInterval: number;
}

export interface Evaluation {
  state: DomainState;
  /** Confirmed changes, for history and alerts. */
  changes: Change[];
  /** Open alerts that are due for a reminder (their original change). */
  reminders: Change[];
  /** An unconfirmed difference is waiting: re-check soon (confirm-delay), not at the next interval. */
  needsRecheck: boolean;
}

const isVerdictBad = (finding: Finding) => finding.status === 'warn' || finding.status === 'fail';

/**
 * Applies one report to a domain's state. Pure: the caller persists the returned state.
 * - The first report sets the baseline; what already fails or warns in it opens an alert at once (a `baseline`
 *   change), so a domain that is broken when it is added is alerted, reminded and tracked like any regression.
 * - `error` never confirms nor cancels a pending regression; persisting it raises `unreachable`.
 * - A finding that disappears only counts as gone when the report has no `error` at all (an MX lookup that timed
 *   out makes every host-level finding vanish; that is not the host going away).
 */
export function evaluate(
  previous: DomainState | undefined,
  report: DomainReport,
  settings: AlertSettings,
  now: Date,
): Evaluation {
  const at = now.toISOString();
  const state: DomainState = previous
    ? { ...previous, findings: { ...previous.findings } }
    : { domain: report.domain, findings: {}, reports: 0 };
  const changes: Change[] = [];
  const reminders: Change[] = [];
  let needsRecheck = false;
  const baseline = state.reports === 0;
  const seen = new Set<string>();
  const reportHasErrors = report.findings.some((finding) => finding.status === 'error');
  const change = (
    kind: Change['kind'],
    subject: Pick<Finding, 'check' | 'subject'>,
    before?: Finding,
    after?: Finding,
  ) => {
    const made: Change = { kind, domain: report.domain, check: subject.check, subject: subject.subject, at };
    if (before) made.before = before;
    if (after) made.after = after;
    changes.push(made);
    return made;
  };
  const open = (kind: OpenAlert['kind'], made: Change, replaced?: OpenAlert): OpenAlert => {
    made.alert = { kind, since: at, status: kind === 'unreachable' ? 'error' : (made.after?.status ?? 'fail') };
    if (replaced) made.replaces = alertRefOf(replaced);
    return { kind, since: at, lastNotifiedAt: at, change: made };
  };

  for (const finding of report.findings) {
    const key = findingKey(finding);
    seen.add(key);
    const tracked: TrackedFinding = state.findings[key] ? { ...state.findings[key]! } : { errorCount: 0 };
    state.findings[key] = tracked;

    if (baseline) {
      tracked.confirmed = finding;
      tracked.errorCount = finding.status === 'error' ? 1 : 0;
      if (isVerdictBad(finding)) tracked.open = open('regression', change('baseline', finding, undefined, finding));
      continue;
    }

    if (finding.status === 'error') {
      tracked.errorCount += 1;
      if (tracked.errorCount >= settings.unreachableThreshold && tracked.open === undefined && tracked.confirmed) {
        tracked.open = open('unreachable', change('unreachable', finding, tracked.confirmed, finding));
      }
      continue;
    }

    if (tracked.open?.kind === 'unreachable') {
      change('recovery', finding, tracked.open.change.after, finding).alert = alertRefOf(tracked.open);
      delete tracked.open;
    }
    tracked.errorCount = 0;
    const confirmed = tracked.confirmed;

    if (confirmed === undefined) {
      // A finding we have not seen before: confirm that it stays before announcing it.
      tracked.pending = {
        status: finding.status,
        count: (tracked.pending?.count ?? 0) + 1,
        since: tracked.pending?.since ?? at,
        finding,
      };
      if (tracked.pending.count >= settings.failureThreshold) {
        const made = change('new', finding, undefined, finding);
        tracked.confirmed = finding;
        delete tracked.pending;
        if (isVerdictBad(finding)) tracked.open = open('regression', made);
      } else {
        needsRecheck = true;
      }
    } else if (confirmed.status === 'error') {
      // The baseline was unknown: the first verdict becomes the baseline, silently.
      tracked.confirmed = finding;
      delete tracked.pending;
    } else if (isWorse(confirmed.status, finding.status)) {
      const continuing =
        tracked.pending &&
        tracked.pending.status !== 'absent' &&
        tracked.pending.status !== 'error' &&
        isWorse(confirmed.status, tracked.pending.status);
      tracked.pending = {
        status: finding.status,
        count: continuing ? tracked.pending!.count + 1 : 1,
        since: continuing ? tracked.pending!.since : at,
        finding,
      };
      if (tracked.pending.count >= settings.failureThreshold) {
        const made = change('regression', finding, confirmed, finding);
        tracked.confirmed = finding;
        delete tracked.pending;
        tracked.open = open('regression', made, tracked.open);
      } else {
        needsRecheck = true;
      }
    } else if (isWorse(finding.status, confirmed.status)) {
      const continuing =
        tracked.pending &&
        tracked.pending.status !== 'absent' &&
        tracked.pending.status !== 'error' &&
        isWorse(tracked.pending.status, confirmed.status);
      tracked.pending = {
        status: finding.status,
        count: continuing ? tracked.pending!.count + 1 : 1,
        since: continuing ? tracked.pending!.since : at,
        finding,
      };
      if (tracked.pending.count >= settings.successThreshold) {
        const made = change('recovery', finding, confirmed, finding);
        tracked.confirmed = finding;
        delete tracked.pending;
        if (tracked.open) made.alert = alertRefOf(tracked.open);
        if (isVerdictBad(finding) && tracked.open) tracked.open = { ...tracked.open, change: made };
        else delete tracked.open;
      } else {
        needsRecheck = true;
      }
    } else {
      // Same verdict: a flap is over; keep the freshest summary, evidence and expiry.
      tracked.confirmed = finding;
      delete tracked.pending;
    }

    const current = tracked.confirmed;
    if (
      current?.expiresAt !== undefined &&
      !isVerdictBad(current) &&
      tracked.expiringNotifiedFor !== current.expiresAt &&
      Date.parse(current.expiresAt) - now.getTime() <= settings.expiringThreshold
    ) {
      change('expiring', current, undefined, current);
      tracked.expiringNotifiedFor = current.expiresAt;
    }
  }

  for (const [key, previousTracked] of Object.entries(state.findings)) {
    if (seen.has(key) || baseline) continue;
    if (reportHasErrors) continue;
    if (previousTracked.confirmed === undefined) {
      delete state.findings[key];
      continue;
    }
    const tracked = { ...previousTracked };
    const continuing = tracked.pending?.status === 'absent';
    tracked.pending = {
      status: 'absent',
      count: continuing ? tracked.pending!.count + 1 : 1,
      since: continuing ? tracked.pending!.since : at,
    };
    if (tracked.pending.count >= settings.failureThreshold) {
      const made = change('gone', tracked.confirmed!, tracked.confirmed, undefined);
      if (tracked.open) made.alert = alertRefOf(tracked.open);
      delete state.findings[key];
    } else {
      state.findings[key] = tracked;
      needsRecheck = true;
    }
  }

  const fresh = new Set(changes.map((made) => made.at === at && `${made.check}|${made.subject}`));
  for (const [key, tracked] of Object.entries(state.findings)) {
    if (!tracked.open || fresh.has(key)) continue;
    if (now.getTime() - Date.parse(tracked.open.lastNotifiedAt) >= settings.reminderInterval) {
      reminders.push(tracked.open.change);
      state.findings[key] = { ...tracked, open: { ...tracked.open, lastNotifiedAt: at } };
    }
  }

  state.reports += 1;
  state.lastCheckedAt = report.checkedAt;
  return { state, changes, reminders, needsRecheck };
}

/**
 * The identity of an open alert. Alerts opened before changes carried it fall back to what the opening change says
 * (after a partial recovery of such an old alert that is the newer status: the best that is known).
 */
export function alertRefOf(open: OpenAlert): AlertRef {
  if (open.change.alert) return open.change.alert;
  const status = open.kind === 'unreachable' ? 'error' : (open.change.after?.status ?? 'fail');
  return { kind: open.kind, since: open.since, status };
}
