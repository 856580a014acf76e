import type { AlertRef, Change, Finding } from '../model.ts';
import { alertRefOf } from '../state/diff.ts';
import type { Notice, OpenAlert } from '../state/types.ts';
import { domainPageUrl } from './links.ts';

/**
 * Prometheus Alertmanager speaks "alerts", not messages: an alert is its label set, it fires until its endsAt, and
 * one without a fresh re-send resolves by itself after the endsAt (or resolve_timeout) passes. So every open alert is
 * re-sent every `resendInterval` with an endsAt a few intervals ahead, and the labels never change during its life:
 * the severity comes from the finding that opened it, never from the one that recovers it.
 */

/** The `POST /api/v2/alerts` element. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertmanagerOptions {
  /** How often the daemon re-sends every open alert (ms). */
  resendInterval: number;
  /** `http.publicUrl`: alerts link to the domain's page. */
  publicUrl?: string;
  /** Tags of a domain (re-sends start from the store's open alerts, which do not carry them). */
  tagsOf?: (domain: string) => readonly string[];
}

/**
 * How far ahead a firing alert's endsAt lies: four re-send intervals (as Prometheus does with its resend delay), so
 * one or two lost re-sends do not resolve it, and an alert the daemon stopped sending resolves within minutes.
 */
export function endsAtHorizon(resendInterval: number): number {
  return 4 * resendInterval;
}

export type AlertKind = AlertRef['kind'] | 'expiring' | 'resolver';

const ALERTNAMES: Record<AlertKind, string> = {
  regression: 'MailwardenRegression',
  unreachable: 'MailwardenUnreachable',
  expiring: 'MailwardenExpiring',
  resolver: 'MailwardenResolver',
};

export function severityOf(status: Finding['status'] | 'resolver'): 'critical' | 'warning' {
  return status === 'fail' || status === 'resolver' ? 'critical' : 'warning';
}

/** A label name from a tag: Prometheus label names are `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function tagLabel(tag: string): string {
  return `tag_${tag.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * The identity labels of an alert. Tags are labels twice over: `tags=",a,b,"` (the Prometheus convention, for regex
 * matchers such as `tags=~".*,customer-x,.*"`) and one `tag_<name>="true"` per tag (for plain equality matchers).
 */
export function alertLabels(
  kind: AlertKind,
  severity: 'critical' | 'warning',
  about: { domain: string; check: string; subject: string } | undefined,
  tags: readonly string[],
): Record<string, string> {
  const labels: Record<string, string> = { alertname: ALERTNAMES[kind], kind, severity };
  if (about) Object.assign(labels, { domain: about.domain, check: about.check, subject: about.subject });
  if (tags.length > 0) {
    labels.tags = `,${[...tags].sort().join(',')},`;
    for (const tag of tags) labels[tagLabel(tag)] = 'true';
  }
  return labels;
}

function annotationsFor(change: Change | undefined, noticeType: string, detail?: string): Record<string, string> {
  const finding = change?.after ?? change?.before;
  const annotations: Record<string, string> = { summary: finding?.summary ?? detail ?? noticeType, notice: noticeType };
  if (change?.before && change.after)
    annotations.description = `${change.before.status} → ${change.after.status}: ${change.after.summary}`;
  if (finding?.fix && noticeType !== 'recovery' && noticeType !== 'gone') annotations.fix = finding.fix;
  if (detail) annotations.detail = detail;
  return annotations;
}

function generatorUrl(options: AlertmanagerOptions, domain: string | undefined): { generatorURL?: string } {
  if (options.publicUrl === undefined) return {};
  return { generatorURL: domain ? domainPageUrl(options.publicUrl, domain) : options.publicUrl };
}

function firingEndsAt(options: AlertmanagerOptions, now: Date): string {
  return new Date(now.getTime() + endsAtHorizon(options.resendInterval)).toISOString();
}

/** The alert a change belongs to (changes stored before they carried one: derived as diff.ts would have). */
function refOfChange(change: Change): AlertRef {
  if (change.alert) return change.alert;
  if (change.kind === 'unreachable') return { kind: 'unreachable', since: change.at, status: 'error' };
  if (change.kind === 'recovery' && change.before?.status === 'error')
    return { kind: 'unreachable', since: change.at, status: 'error' };
  const status = change.kind === 'recovery' || change.kind === 'gone' ? change.before?.status : change.after?.status;
  return { kind: 'regression', since: change.at, status: status ?? 'fail' };
}

function alertOf(
  ref: AlertRef,
  change: Change,
  tags: readonly string[],
  noticeType: string,
  endsAt: string,
  options: AlertmanagerOptions,
): PostableAlert {
  return {
    labels: alertLabels(ref.kind, severityOf(ref.status), change, tags),
    annotations: annotationsFor(change, noticeType),
    startsAt: ref.since,
    endsAt,
    ...generatorUrl(options, change.domain),
  };
}

/**
 * The alerts one delivery's notices mean. A recovery that leaves the finding bad (fail → warn) keeps the alert
 * firing under its original labels; a full recovery, a gone finding or the resolver answering again resolves it;
 * an escalation (warn → fail) fires the new alert and resolves the one it replaces. `changed` notices are not
 * alerts and are left out.
 */
export function alertmanagerAlerts(
  notices: readonly Notice[],
  options: AlertmanagerOptions,
  now: Date,
): PostableAlert[] {
  const alerts: PostableAlert[] = [];
  const firingUntil = firingEndsAt(options, now);
  for (const notice of notices) {
    const change = notice.change;
    if (notice.type === 'resolver-down' || notice.type === 'resolver-up') {
      const since = notice.key.split('|')[1] || notice.at;
      alerts.push({
        labels: resolverLabels(notice.worker),
        annotations: annotationsFor(undefined, notice.type, notice.detail),
        startsAt: since,
        endsAt: notice.type === 'resolver-up' ? notice.at : firingUntil,
        ...generatorUrl(options, undefined),
      });
      continue;
    }
    if (change === undefined || notice.type === 'changed') continue;
    if (notice.type === 'expiring') {
      alerts.push({
        labels: alertLabels('expiring', 'warning', change, notice.tags),
        annotations: {
          ...annotationsFor(change, notice.type),
          ...(change.after?.expiresAt ? { expiresAt: change.after.expiresAt } : {}),
        },
        startsAt: change.at,
        endsAt: firingUntil,
        ...generatorUrl(options, change.domain),
      });
      continue;
    }
    // Nothing fired for these: a good new finding, a finding gone that had no open alert.
    if (notice.type === 'new' && !change.alert && !isBad(change.after)) continue;
    if (notice.type === 'gone' && !change.alert) continue;
    const ref = refOfChange(change);
    const resolves =
      notice.type === 'gone' || (notice.type === 'recovery' && !(isBad(change.after) && ref.kind === 'regression'));
    alerts.push(alertOf(ref, change, notice.tags, notice.type, resolves ? notice.at : firingUntil, options));
    const replaced = change.replaces;
    if (replaced && severityOf(replaced.status) !== severityOf(ref.status))
      alerts.push(alertOf(replaced, change, notice.tags, 'replaced', notice.at, options));
  }
  return alerts;
}

function isBad(finding: Finding | undefined): boolean {
  return finding?.status === 'warn' || finding?.status === 'fail';
}

/** One open alert as the store streams it (`StateStore.openAlerts()` rows). */
export interface OpenAlertLike {
  domain: string;
  check: string;
  subject: string;
  alert: OpenAlert;
}

/** The firing alert for an alert that is still open, as the re-send carries it. */
export function openAlertToPostable(row: OpenAlertLike, options: AlertmanagerOptions, now: Date): PostableAlert {
  const ref = alertRefOf(row.alert);
  const change: Change = { ...row.alert.change, domain: row.domain, check: row.check, subject: row.subject };
  return alertOf(ref, change, options.tagsOf?.(row.domain) ?? [], 'firing', firingEndsAt(options, now), options);
}

/** The resolver alert's labels; a cluster worker's carries `worker` (each worker's resolver is its own alert). */
function resolverLabels(worker: string | undefined): Record<string, string> {
  const labels = alertLabels('resolver', 'critical', undefined, []);
  return worker === undefined ? labels : { ...labels, worker };
}

export interface ResendOptions extends AlertmanagerOptions {
  /**
   * Resolvers that are down, each re-sent as its alert: the daemon's (GlobalState.resolverDown), or in a cluster every
   * live worker's (named by `worker`).
   */
  resolversDown?: readonly { since: string; detail: string; worker?: string }[];
  /** Alerts silenced in mailwarden are not re-sent (Alertmanager lets them expire). */
  isSilenced?: (row: OpenAlertLike) => boolean;
  /** Alerts per POST (Alertmanager takes any number; bounded bodies keep a hoster's re-send streaming). */
  batchSize?: number;
}

/**
 * Re-sends every open alert: the daemon calls this every `alertmanager.resendInterval` for each Alertmanager channel,
 * with `store.openAlerts()`. Streams: at most `batchSize` alerts are held at once. Returns how many were sent.
 */
export async function resendOpenAlerts(
  open: AsyncIterable<OpenAlertLike>,
  post: (alerts: PostableAlert[]) => Promise<void>,
  options: ResendOptions,
  now: Date,
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let batch: PostableAlert[] = [];
  let sent = 0;
  for (const { since, detail, worker } of options.resolversDown ?? []) {
    batch.push({
      labels: resolverLabels(worker),
      annotations: { summary: detail, notice: 'firing', detail },
      startsAt: since,
      endsAt: firingEndsAt(options, now),
      ...generatorUrl(options, undefined),
    });
  }
  for await (const row of open) {
    if (options.isSilenced?.(row)) continue;
    batch.push(openAlertToPostable(row, options, now));
    if (batch.length >= batchSize) {
      await post(batch);
      sent += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await post(batch);
    sent += batch.length;
  }
  return sent;
}
