import { outboxEntries } from '../alerts/outbox.ts';
import { routeUnsilenced } from '../alerts/routing.ts';
import type { Silence } from '../alerts/silences.ts';
import { checkDomains } from '../check/check-domain.ts';
import type { Config, DomainConfig } from '../config/load.ts';
import type { DnsClient } from '../dns/types.ts';
import type { Change, DomainReport, Status } from '../model.ts';
import { RunShared, type SharedCoordinator } from '../monitors/run-shared.ts';
import type { Monitor, MonitorContext } from '../monitors/types.ts';
import { compactDomainState } from '../state/compact-evidence.ts';
import { type AlertSettings, evaluate } from '../state/diff.ts';
import { standardChanges, standardStatuses } from '../state/standards.ts';
import type { BatchWrite, RecordObservation, StandardObservation, StateStore } from '../state/store.ts';
import type { DomainState, GlobalState, HistoryEntry, Notice, OutboxEntry } from '../state/types.ts';
import { type CanaryResult, confirmCanaries } from './canary.ts';
import { DomainSlots } from './domain-slots.ts';
import { historyEntryFor, noticeFor, recordChangedNotice, resolverNotice } from './notices.ts';
import { diffRecords, publishedRecords } from './records.ts';
import { applySeverity } from './severity.ts';
import { nextSlot } from './slots.ts';

/** What a batch needs from the daemon around it. */
export interface BatchEnvironment {
  config: Config;
  store: StateStore;
  monitors: readonly Monitor[];
  canaryDns: DnsClient;
  canaryConfirmPauseMs: number;
  context(domain: DomainConfig, shared: RunShared): MonitorContext;
  now(): Date;
  random(): number;
  /** Probe results shared beyond this batch (the other workers of a cluster). */
  coordinator?: SharedCoordinator;
  /** Aborted when the daemon stops: the running batch's checks end early. */
  stopSignal?: AbortSignal;
  /** `schedule.concurrency` shared with the other batches whose checks run at the same time (default: this batch's own). */
  slots?: DomainSlots;
  /** Told once every domain of the batch waits for (or holds) a slot, or the batch will check none. */
  checksQueued?: () => void;
}

/** Step 1's result: the reports, and whether the resolver could be trusted while they were made. */
export interface CheckedBatch {
  reports: DomainReport[];
  resolverHealthy: boolean;
  /** Why the resolver is not trusted (when it is not). */
  resolverDetail: string;
  checkMs: number;
  /** The cluster worker whose resolver this was: its resolver notices and state name it. */
  worker?: string;
}

/** Step 2's result: everything the batch writes, and what it tells the outside. */
export interface JudgedBatch {
  write: BatchWrite;
  changes: Change[];
  notices: Notice[];
  /** When each domain is due next (ms since the epoch). */
  due: Map<string, number>;
  /** Notices a silence or maintenance window held back: recorded (history, log), not sent. */
  silenced: { notice: Notice; silence: Silence }[];
}

export interface BatchSummary {
  domains: number;
  statuses: Record<Status, number>;
  changes: number;
  notices: number;
  resolverHealthy: boolean;
  durationMs: number;
  /** Of which the checks themselves (DNS, probes, validation); the rest is canary, judging and the state write. */
  checkMs: number;
}

/**
 * Step 1, check. The canary goes first: a dead resolver costs one probe, not a batch of timeouts. If the checks then
 * hit errors, it is asked again, so a resolver that died during the batch is not mistaken for a thousand broken
 * domains; a batch in which most domains could not be checked at all is held the same way.
 */
export async function checkBatch(env: BatchEnvironment, domains: readonly DomainConfig[]): Promise<CheckedBatch> {
  const canaries = env.config.alerting.resolverCanaries;
  let canary: CanaryResult;
  try {
    canary = await confirmCanaries(env.canaryDns, canaries, env.canaryConfirmPauseMs);
  } catch (error) {
    env.checksQueued?.();
    throw error;
  }
  if (!canary.healthy) {
    env.checksQueued?.();
    return { reports: [], resolverHealthy: false, resolverDetail: canary.detail, checkMs: 0 };
  }
  const shared = new RunShared(env.coordinator ? { coordinator: env.coordinator } : {});
  const started = performance.now();
  // every domain is in the slots' queue once checkInSlots returns its promise
  const checking = checkInSlots(env, domains, shared, started);
  env.checksQueued?.();
  const raw = await checking;
  const checkMs = Math.round(performance.now() - started);
  if (raw.some((report) => report.findings.some((finding) => finding.status === 'error')))
    canary = await confirmCanaries(env.canaryDns, canaries, env.canaryConfirmPauseMs);
  const reports = raw.map((report, index) => applySeverity(report, domains[index]!.severity));
  if (!canary.healthy) return { reports, resolverHealthy: false, resolverDetail: canary.detail, checkMs };
  const alerting = env.config.alerting;
  const errored = reports.filter(
    (report) => report.findings.length > 0 && report.findings.every((finding) => finding.status === 'error'),
  ).length;
  const massFailure =
    reports.length >= alerting.resolverMinBatch && errored / reports.length >= alerting.resolverErrorRatio;
  return {
    reports,
    resolverHealthy: !massFailure,
    resolverDetail: massFailure ? `${errored} of ${reports.length} domains could not be checked at all` : '',
    checkMs,
  };
}

/**
 * Each domain checks once it holds one of the slots: a batch's domains no longer wait for the slowest of their own
 * batch, and several batches' checks share `schedule.concurrency`. The batch deadline counts from the batch's start,
 * time spent waiting for a slot included.
 */
async function checkInSlots(
  env: BatchEnvironment,
  domains: readonly DomainConfig[],
  shared: RunShared,
  started: number,
): Promise<DomainReport[]> {
  const slots = env.slots ?? new DomainSlots(env.config.schedule.concurrency);
  const deadline = env.config.checks.limits.batchDeadline;
  return Promise.all(
    domains.map(async (domain) => {
      const release = await slots.acquire();
      try {
        const left = deadline === undefined ? undefined : Math.max(0, deadline - (performance.now() - started));
        const [report] = await checkDomains([domain.name], () => env.context(domain, shared), 1, env.monitors, {
          batchDeadlineMs: left,
          signal: env.stopSignal,
        });
        return report!;
      } finally {
        release();
      }
    }),
  );
}

function alertSettings(config: Config): AlertSettings {
  const alerting = config.alerting;
  return {
    failureThreshold: alerting.failureThreshold,
    successThreshold: alerting.successThreshold,
    unreachableThreshold: alerting.unreachableThreshold,
    expiringThreshold: alerting.expiringThreshold,
    reminderInterval: alerting.reminderInterval,
  };
}

/**
 * Step 2, judge: pure. Diffs each report against the domain's stored state (confirmation, recovery, reminders), derives
 * the standards' statuses and the published records, and turns confirmed changes into history, notices and outbox
 * rows. While the resolver cannot be trusted nothing is learned: every domain is held and re-checked soon.
 */
export function judgeBatch(
  env: Pick<BatchEnvironment, 'config' | 'random'>,
  domains: readonly DomainConfig[],
  previous: ReadonlyMap<string, DomainState>,
  checked: CheckedBatch,
  global: GlobalState,
  now: Date,
  silences: readonly Silence[] = [],
): JudgedBatch {
  const { config } = env;
  const at = now.toISOString();
  const write = {
    domains: [] as DomainState[],
    history: [] as HistoryEntry[],
    standards: [] as StandardObservation[],
    records: [] as RecordObservation[],
    outbox: [] as OutboxEntry[],
    global: undefined as GlobalState | undefined,
  };
  const notices: Notice[] = [];
  const changes: Change[] = [];
  const due = new Map<string, number>();

  const resolverChange = judgeResolver(global, checked, at);
  if (resolverChange) {
    write.global = resolverChange.global;
    notices.push(resolverChange.notice);
    write.history.push(resolverChange.history);
  }

  const settings = alertSettings(config);
  for (const [index, domain] of domains.entries()) {
    const before = previous.get(domain.name);
    const report = checked.reports[index];
    if (!checked.resolverHealthy || report === undefined) {
      const heldUntil = now.getTime() + config.alerting.confirmDelay;
      const held: DomainState = { ...(before ?? { domain: domain.name, findings: {}, reports: 0 }) };
      held.nextDueAt = new Date(heldUntil).toISOString();
      delete held.inFlightSince;
      write.domains.push(held);
      due.set(domain.name, heldUntil);
      continue;
    }
    const evaluation = evaluate(before, report, settings, now);
    const nextDue = evaluation.needsRecheck
      ? now.getTime() + config.alerting.confirmDelay
      : nextSlot(domain.name, now.getTime(), config.schedule.interval, config.schedule.jitter, env.random);
    const state: DomainState = { ...evaluation.state, nextDueAt: new Date(nextDue).toISOString() };
    delete state.inFlightSince;

    const standards = standardStatuses(state);
    write.standards.push(...standardChanges(domain.name, before?.standards, standards, at));
    state.standards = standards;
    const records = diffRecords(domain.name, before?.records, publishedRecords(report), at);
    write.records.push(...records.observations);
    state.records = records.merged;

    write.domains.push(compactDomainState(state));
    due.set(domain.name, nextDue);
    changes.push(...evaluation.changes);
    for (const change of evaluation.changes) {
      write.history.push(historyEntryFor(change));
      if (change.kind === 'recovery' && !config.alerting.sendOnResolved) continue;
      notices.push(noticeFor(change.kind, change, domain.tags, at));
    }
    for (const reminder of evaluation.reminders) notices.push(noticeFor('reminder', reminder, domain.tags, at));
    for (const record of records.changed) {
      write.history.push({
        at,
        domain: domain.name,
        kind: 'record-changed',
        check: `record.${record.kind}`,
        subject: record.subject,
        ...(record.before !== undefined ? { recordBefore: record.before } : {}),
        recordAfter: record.value,
      });
      notices.push(recordChangedNotice(record, domain.tags));
    }
  }

  const { routed, silenced } = routeUnsilenced(config.routes, notices, silences, now);
  for (const [route, forRoute] of routed) {
    // A route's first notice waits `groupWait` for the rest of its wave (the delivery pass sends the wave as one).
    const urgent = forRoute.some((notice) => notice.type === 'resolver-down');
    const sendAt = new Date(now.getTime() + (urgent ? 0 : route.groupWait));
    write.outbox.push(...outboxEntries(route.name, route.channels, forRoute, now, sendAt));
  }
  const { global: newGlobal, ...rest } = write;
  return { write: newGlobal ? { ...rest, global: newGlobal } : rest, changes, notices, due, silenced };
}

/** The resolver's own alert: raised once when it goes bad, cleared once when it answers again. */
function judgeResolver(
  global: GlobalState,
  checked: CheckedBatch,
  at: string,
): { global: GlobalState; notice: Notice; history: HistoryEntry } | undefined {
  if (!checked.resolverHealthy && global.resolverDown === undefined) {
    const notice = resolverNotice('resolver-down', checked.resolverDetail, at, at, checked.worker);
    return {
      global: { ...global, resolverDown: { since: at, detail: notice.detail ?? checked.resolverDetail } },
      notice,
      history: { at, domain: '', kind: 'resolver-down', check: 'resolver', subject: 'resolver' },
    };
  }
  if (checked.resolverHealthy && global.resolverDown !== undefined) {
    const { resolverDown, ...rest } = global;
    return {
      global: rest,
      notice: resolverNotice(
        'resolver-up',
        `the resolver answers again (failing since ${resolverDown.since})`,
        resolverDown.since,
        at,
        checked.worker,
      ),
      history: { at, domain: '', kind: 'resolver-up', check: 'resolver', subject: 'resolver' },
    };
  }
  return undefined;
}

export function summarise(
  domains: number,
  checked: CheckedBatch,
  judged: JudgedBatch,
  durationMs: number,
): BatchSummary {
  const statuses: Record<Status, number> = { ok: 0, info: 0, warn: 0, fail: 0, error: 0 };
  for (const report of checked.reports) for (const finding of report.findings) statuses[finding.status]++;
  return {
    domains,
    statuses,
    changes: judged.changes.length,
    notices: judged.notices.length,
    resolverHealthy: checked.resolverHealthy,
    durationMs,
    checkMs: checked.checkMs,
  };
}
