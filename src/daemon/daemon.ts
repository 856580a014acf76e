import type { Logger } from 'pino';
import type { Channel } from '../alerts/channel.ts';
import { createChannels } from '../alerts/create-channels.ts';
import { type DeliveryEvent, Outbox } from '../alerts/outbox.ts';
import { routeNotices } from '../alerts/routing.ts';
import { checkDomains } from '../check/check-domain.ts';
import type { Config, DomainConfig } from '../config/load.ts';
import { createResolver } from '../dns/resolver.ts';
import type { DnsClient } from '../dns/types.ts';
import type { Change, DomainReport, Status } from '../model.ts';
import { MONITORS } from '../monitors/registry.ts';
import { RunShared } from '../monitors/run-shared.ts';
import type { Monitor, MonitorContext } from '../monitors/types.ts';
import { createTargetGuard, type TargetGuard } from '../net/target-guard.ts';
import { type AlertSettings, evaluate } from '../state/diff.ts';
import type { StateStore } from '../state/store.ts';
import type { HistoryEntry, Notice } from '../state/types.ts';
import { CANARY_CONFIRM_PAUSE_MS, confirmCanaries } from './canary.ts';
import { checkOptionsFor } from './check-options.ts';
import { DueQueue } from './due-queue.ts';
import { historyEntryFor, noticeFor, resolverNotice } from './notices.ts';
import { applySeverity } from './severity.ts';
import { nextSlot } from './slots.ts';

export interface DaemonOptions {
  config: Config;
  store: StateStore;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
  monitors?: readonly Monitor[];
  /** Injected in tests; otherwise built from the configuration. */
  dns?: DnsClient;
  /** Uncached client for the resolver canary; otherwise built from the configuration. */
  canaryDns?: DnsClient;
  /** Pause before a failed canary is asked again (confirmation); tests with a simulated clock set 0. */
  canaryConfirmPauseMs?: number;
  guard?: TargetGuard;
  channels?: Map<string, Channel>;
  /** Told about every batch and delivery (metrics). */
  observer?: DaemonObserver;
}

export interface DaemonObserver {
  batchFinished?(batch: { reports: readonly DomainReport[]; changes: readonly Change[]; summary: BatchSummary }): void;
  delivery?(event: DeliveryEvent): void;
}

/** What /healthz and /metrics need to know about the loop. */
export interface DaemonStatus {
  /** run() is looping and no stop was requested. */
  running: boolean;
  /** When the loop last started a tick (ISO 8601). */
  lastTickAt?: string;
  /** When the batch now running started, if one runs (ISO 8601). */
  batchStartedAt?: string;
  lastBatch?: BatchSummary & { finishedAt: string };
}

export interface BatchSummary {
  domains: number;
  statuses: Record<Status, number>;
  changes: number;
  notices: number;
  resolverHealthy: boolean;
  durationMs: number;
  /** Of which the checks themselves (DNS, probes, validation); the rest is canary, diff, state and alerts. */
  checkMs: number;
}

/**
 * Answers the daemon's resolver keeps. The names every domain shares (TLD and zone keys, MX hosts, SPF includes) stay
 * hot in the LRU, and so do a domain's own names while its check runs (64 domains at once ask about 2,500); past that
 * they are not asked again before the next cycle. The resolver's default, 100,000 answers, held about 0.5 GB of parsed
 * DNSSEC answers after a 10,000-domain cycle (about 7 KB per answer).
 */
const DNS_CACHE_ENTRIES = 5_000;

/** The longest the loop sleeps, so a stop, a reload or a retry is never far away. */
const MAX_SLEEP_MS = 5_000;

/**
 * The long-running service: a due-queue of domains, checked in batches (one RunShared per batch, so MX probes are
 * shared), diffed against the store, alerts routed through the outbox.
 */
export class Daemon {
  readonly #store: StateStore;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #monitors: readonly Monitor[];
  readonly #injected: Pick<DaemonOptions, 'dns' | 'canaryDns' | 'guard' | 'channels'>;
  readonly #queue = new DueQueue();
  #config!: Config;
  #domains = new Map<string, DomainConfig>();
  #dns!: DnsClient;
  #canaryDns!: DnsClient;
  readonly #canaryConfirmPauseMs: number;
  #guard!: TargetGuard;
  #outbox!: Outbox;
  #stopping = false;
  /** Aborted by stop(): the running batch ends its domain checks early instead of finishing them. */
  readonly #stop = new AbortController();
  #running = false;
  #lastTickAt: Date | undefined;
  #batchStartedAt: Date | undefined;
  #lastBatch: DaemonStatus['lastBatch'];
  readonly #observer: DaemonObserver | undefined;
  #wake: (() => void) | undefined;
  readonly #retired: (DnsClient & { close?: () => void })[] = [];

  constructor(options: DaemonOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#monitors = options.monitors ?? MONITORS;
    this.#canaryConfirmPauseMs = options.canaryConfirmPauseMs ?? CANARY_CONFIRM_PAUSE_MS;
    this.#injected = {
      dns: options.dns,
      canaryDns: options.canaryDns,
      guard: options.guard,
      channels: options.channels,
    };
    this.#observer = options.observer;
    this.#apply(options.config);
  }

  get config(): Config {
    return this.#config;
  }

  get queue(): DueQueue {
    return this.#queue;
  }

  get store(): StateStore {
    return this.#store;
  }

  /** The resolver the checks use (its statistics feed the metrics). */
  get dns(): DnsClient {
    return this.#dns;
  }

  status(): DaemonStatus {
    return {
      running: this.#running && !this.#stopping,
      ...(this.#lastTickAt ? { lastTickAt: this.#lastTickAt.toISOString() } : {}),
      ...(this.#batchStartedAt ? { batchStartedAt: this.#batchStartedAt.toISOString() } : {}),
      ...(this.#lastBatch ? { lastBatch: this.#lastBatch } : {}),
    };
  }

  #apply(config: Config): void {
    this.#config = config;
    this.#domains = new Map(config.domains.map((domain) => [domain.name, domain]));
    const resolvers = config.dns.resolvers;
    const base = { ...(resolvers.length > 0 ? { servers: resolvers } : {}), timeoutMs: config.dns.timeout };
    this.#closeResolvers();
    // Failures are cached for less than confirmDelay: the confirmation re-check of a domain, and the retry after a
    // resolver outage, ask again instead of reading the old timeout from the cache.
    const errorTtlSeconds = Math.min(30, Math.floor(config.alerting.confirmDelay / 2000));
    this.#dns =
      this.#injected.dns ?? createResolver({ ...base, cache: { errorTtlSeconds, maxEntries: DNS_CACHE_ENTRIES } });
    this.#canaryDns = this.#injected.canaryDns ?? createResolver({ ...base, cache: false });
    this.#guard =
      this.#injected.guard ??
      createTargetGuard({ allowPrivateTargets: config.checks.allowPrivateTargets, trusted: resolvers });
    const channels = this.#injected.channels ?? createChannels(config.channels, this.#logger);
    const retry = { initialMs: config.alerting.retryBackoff, maxMs: config.alerting.retryBackoffMax };
    if (this.#outbox) {
      this.#outbox.setChannels(channels);
      this.#outbox.setRetry(retry);
    } else {
      this.#outbox = new Outbox(this.#store, channels, this.#logger, {
        retry,
        onDelivery: (event) => this.#observer?.delivery?.(event),
      });
    }
  }

  /**
   * Puts every configured domain in the queue. Due times come from the store: a restart neither rechecks everything
   * at once nor skips what was due; a check interrupted by the restart is due now; a new domain is due within
   * `firstCheckSpread`.
   */
  schedule(): void {
    const now = this.#now().getTime();
    for (const domain of this.#domains.keys()) {
      if (this.#queue.dueAt(domain) !== undefined) continue;
      const state = this.#store.domain(domain);
      let due: number;
      if (state?.inFlightSince !== undefined) due = now;
      else if (state?.nextDueAt !== undefined) due = Date.parse(state.nextDueAt);
      else due = now + Math.floor(this.#random() * this.#config.schedule.firstCheckSpread);
      this.#queue.schedule(domain, due);
    }
  }

  /**
   * Retires the resolvers this daemon created (injected clients are the caller's). They are closed once no batch
   * uses them: a reload in the middle of a batch must not cut off its queries.
   */
  #closeResolvers(): void {
    for (const client of [this.#dns, this.#canaryDns]) {
      if (client === undefined || client === this.#injected.dns || client === this.#injected.canaryDns) continue;
      this.#retired.push(client as DnsClient & { close?: () => void });
    }
    if (this.#batchStartedAt === undefined) this.#closeRetired();
  }

  #closeRetired(): void {
    for (const client of this.#retired.splice(0)) client.close?.();
  }

  /** Releases sockets after run() returned (or when the daemon is used tick by tick, as the benchmark does). */
  close(): void {
    this.#closeResolvers();
    this.#closeRetired();
  }

  /** Swaps in a new, already validated configuration; state and due times are kept. */
  reload(config: Config): void {
    const before = new Set(this.#domains.keys());
    this.#apply(config);
    for (const domain of before) if (!this.#domains.has(domain)) this.#queue.remove(domain);
    this.schedule();
    this.#logger.info(
      { domains: this.#domains.size, channels: Object.keys(config.channels).length },
      'configuration reloaded',
    );
    this.#wake?.();
  }

  #settings(): AlertSettings {
    const alerting = this.#config.alerting;
    return {
      failureThreshold: alerting.failureThreshold,
      successThreshold: alerting.successThreshold,
      unreachableThreshold: alerting.unreachableThreshold,
      expiringThreshold: alerting.expiringThreshold,
      reminderInterval: alerting.reminderInterval,
    };
  }

  #context(domain: DomainConfig, shared: RunShared): MonitorContext {
    return {
      dns: this.#dns,
      guard: this.#guard,
      shared,
      now: this.#now,
      options: checkOptionsFor(this.#config, domain),
    };
  }

  /** One step: deliver due alerts, then check one batch of due domains. Returns the batch summary, if any ran. */
  async tick(): Promise<BatchSummary | undefined> {
    this.#lastTickAt = this.#now();
    await this.#outbox.deliverDue(this.#now());
    const due = this.#queue
      .popDue(this.#now().getTime(), this.#config.schedule.batchSize)
      .filter((d) => this.#domains.has(d));
    if (due.length === 0) return undefined;
    this.#batchStartedAt = this.#now();
    try {
      return await this.#runBatch(due);
    } finally {
      this.#batchStartedAt = undefined;
      this.#closeRetired();
    }
  }

  async #runBatch(names: string[]): Promise<BatchSummary> {
    const started = this.#now();
    const startedAt = started.toISOString();
    for (const name of names) {
      const state = this.#store.domain(name) ?? { domain: name, findings: {}, reports: 0 };
      this.#store.putDomain({ ...state, inFlightSince: startedAt });
    }
    await this.#store.flush();

    const shared = new RunShared();
    const domains = names.map((name) => this.#domains.get(name)!);
    // The canary goes first: a dead resolver costs one probe, not a batch of timeouts. If the checks then hit errors,
    // it is asked again, so a resolver that died during the batch is not mistaken for a thousand broken domains.
    const canaries = this.#config.alerting.resolverCanaries;
    let canary = await confirmCanaries(this.#canaryDns, canaries, this.#canaryConfirmPauseMs);
    let rawReports: DomainReport[] = [];
    let checkMs = 0;
    if (canary.healthy) {
      const checksStarted = performance.now();
      rawReports = await checkDomains(
        names,
        (name) => this.#context(this.#domains.get(name)!, shared),
        this.#config.schedule.concurrency,
        this.#monitors,
        { batchDeadlineMs: this.#config.checks.limits.batchDeadline, signal: this.#stop.signal },
      );
      checkMs = Math.round(performance.now() - checksStarted);
      if (rawReports.some((report) => report.findings.some((finding) => finding.status === 'error')))
        canary = await confirmCanaries(this.#canaryDns, canaries, this.#canaryConfirmPauseMs);
    }
    const reports = rawReports.map((report, index) => applySeverity(report, domains[index]!.severity));
    const now = this.#now();
    const at = now.toISOString();
    const errored = reports.filter(
      (report) => report.findings.length > 0 && report.findings.every((f) => f.status === 'error'),
    ).length;
    const alerting = this.#config.alerting;
    const massFailure =
      reports.length >= alerting.resolverMinBatch && errored / reports.length >= alerting.resolverErrorRatio;
    const resolverHealthy = canary.healthy && !massFailure;

    const notices: Notice[] = [];
    const history: HistoryEntry[] = [];
    const global = this.#store.global();
    if (!resolverHealthy && global.resolverDown === undefined) {
      const detail = canary.healthy
        ? `${errored} of ${reports.length} domains could not be checked at all`
        : canary.detail;
      this.#store.putGlobal({ ...global, resolverDown: { since: at, detail } });
      notices.push(resolverNotice('resolver-down', detail, at, at));
      history.push({ at, domain: '', kind: 'resolver-down', check: 'resolver', subject: 'resolver' });
    } else if (resolverHealthy && global.resolverDown !== undefined) {
      const { resolverDown, ...rest } = global;
      this.#store.putGlobal(rest);
      notices.push(
        resolverNotice(
          'resolver-up',
          `the resolver answers again (failing since ${resolverDown.since})`,
          resolverDown.since,
          at,
        ),
      );
      history.push({ at, domain: '', kind: 'resolver-up', check: 'resolver', subject: 'resolver' });
    }

    let changeCount = 0;
    const changes: Change[] = [];
    for (const [index, domain] of domains.entries()) {
      const previous = this.#store.domain(domain.name);
      const report = reports[index];
      if (!resolverHealthy || report === undefined) {
        // Held: nothing is learned from a broken resolver. Try again soon.
        const held = { ...previous!, nextDueAt: new Date(now.getTime() + alerting.confirmDelay).toISOString() };
        delete held.inFlightSince;
        this.#store.putDomain(held);
        this.#queue.schedule(domain.name, Date.parse(held.nextDueAt!));
        continue;
      }
      const evaluation = evaluate(previous, report, this.#settings(), now);
      const nextDue = evaluation.needsRecheck
        ? now.getTime() + alerting.confirmDelay
        : nextSlot(
            domain.name,
            now.getTime(),
            this.#config.schedule.interval,
            this.#config.schedule.jitter,
            this.#random,
          );
      const state = { ...evaluation.state, nextDueAt: new Date(nextDue).toISOString() };
      delete state.inFlightSince;
      this.#store.putDomain(state);
      this.#queue.schedule(domain.name, nextDue);
      changeCount += evaluation.changes.length;
      changes.push(...evaluation.changes);
      for (const change of evaluation.changes) {
        history.push(historyEntryFor(change));
        if (change.kind === 'recovery' && !alerting.sendOnResolved) continue;
        notices.push(noticeFor(change.kind, change, domain.tags, at));
      }
      for (const reminder of evaluation.reminders) notices.push(noticeFor('reminder', reminder, domain.tags, at));
    }

    await this.#store.appendHistory(history);
    for (const [route, routed] of routeNotices(this.#config.routes, notices)) {
      this.#outbox.enqueue(route.name, route.channels, routed, now);
    }
    await this.#store.flush();
    await this.#outbox.deliverDue(this.#now());

    const statuses: Record<Status, number> = { ok: 0, info: 0, warn: 0, fail: 0, error: 0 };
    for (const report of reports) for (const finding of report.findings) statuses[finding.status]++;
    const summary: BatchSummary = {
      domains: names.length,
      statuses,
      changes: changeCount,
      notices: notices.length,
      resolverHealthy,
      durationMs: this.#now().getTime() - started.getTime(),
      checkMs,
    };
    this.#lastBatch = { ...summary, finishedAt: this.#now().toISOString() };
    this.#observer?.batchFinished?.({ reports, changes, summary });
    const log = resolverHealthy ? this.#logger.info.bind(this.#logger) : this.#logger.warn.bind(this.#logger);
    log(
      { ...summary, queued: this.#queue.size, outbox: this.#store.outbox().length, dns: this.#dns.stats() },
      resolverHealthy ? 'run finished' : 'run held: resolver failing',
    );
    return summary;
  }

  /** Runs until stop(): ticks, then sleeps until the next due domain or retry (at most a few seconds). */
  async run(): Promise<void> {
    this.schedule();
    this.#running = true;
    while (!this.#stopping) {
      try {
        const summary = await this.tick();
        if (summary !== undefined) continue;
      } catch (error) {
        this.#logger.error({ error: error instanceof Error ? error.message : String(error) }, 'run failed; retrying');
      }
      if (this.#stopping) break;
      await this.#sleep(this.#sleepMs());
    }
    this.#running = false;
    await this.#store.flush();
  }

  #sleepMs(): number {
    const now = this.#now().getTime();
    const wakeups = [this.#queue.peek(), this.#outbox.nextAttemptAt()?.getTime()].filter((t) => t !== undefined);
    const next = wakeups.length > 0 ? Math.min(...wakeups) : now + MAX_SLEEP_MS;
    return Math.max(0, Math.min(MAX_SLEEP_MS, next - now));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Stop taking work; the batch in flight ends early (its DNS fails fast from now on), then state is flushed. */
  stop(): void {
    this.#stopping = true;
    this.#stop.abort();
    this.#wake?.();
  }
}
