import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryEvent } from '../alerts/outbox.ts';
import type { DaemonObserver, DaemonStatus } from '../daemon/daemon.ts';
import type { DnsClient, QueryStats } from '../dns/types.ts';
import type { Change, DomainReport } from '../model.ts';
import type { StateStore, StoreStats } from '../state/store.ts';

/** The gauges of one scrape read one store.stats() (a count over every domain): reused for this long. */
const STATS_REUSE_MS = 1_000;

/** What the metrics read at scrape time: the daemon satisfies it. */
export interface MetricsSource {
  readonly store: StateStore;
  readonly dns?: DnsClient;
  status(): DaemonStatus;
  readonly queue?: { countDueBy(at: number): number };
  /** The schedule's interval sets the grace before a due domain counts as overdue. */
  readonly config?: { schedule: { interval: number } };
}

/** A domain due longer than this (or 10 % of the interval, whichever is longer) counts as overdue. */
const OVERDUE_GRACE_MS = 60_000;

const DNS_COUNTERS: [keyof QueryStats, string][] = [
  ['requested', 'requested'],
  ['sent', 'sent'],
  ['cacheHits', 'cache_hit'],
  ['coalesced', 'coalesced'],
  ['tcpFallbacks', 'tcp_fallback'],
  ['timeouts', 'timeout'],
  ['errors', 'error'],
];

/**
 * The daemon's Prometheus metrics on a registry of its own. It is the daemon's observer (batches, deliveries) and
 * reads the rest at scrape time: counts over all domains from `store.stats()` (aggregate gauges, never one series
 * per domain: a hoster has 100,000), outbox and resolver state from the store, the due count from the queue.
 */
export class DaemonMetrics implements DaemonObserver {
  readonly registry = new Registry();
  readonly #checks: Counter;
  readonly #batches: Counter<'resolver'>;
  readonly #changes: Counter<'kind'>;
  readonly #alerts: Counter<'channel' | 'result'>;
  readonly #duration: Histogram;
  /** DNS statistics are per resolver instance (a reload makes a new one): accumulate the deltas. */
  readonly #dnsSeen = new Map<string, number>();
  readonly #dnsTotals = new Map<string, number>();
  #dnsClient: DnsClient | undefined;
  #source: MetricsSource | undefined;
  #statsCache: { at: number; stats: Promise<StoreStats> } | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.#checks = new Counter({
      name: 'mailwarden_domain_checks_total',
      help: 'Domain checks run (every monitor for one domain)',
      registers,
    });
    this.#batches = new Counter({
      name: 'mailwarden_batches_total',
      help: 'Batches run; resolver="held" when the resolver was failing and nothing was learned',
      labelNames: ['resolver'],
      registers,
    });
    this.#changes = new Counter({
      name: 'mailwarden_changes_total',
      help: 'Confirmed changes by kind (regression, recovery, new, gone, expiring, unreachable)',
      labelNames: ['kind'],
      registers,
    });
    this.#alerts = new Counter({
      name: 'mailwarden_alert_deliveries_total',
      help: 'Alert delivery attempts by channel and result (sent, failed: will be retried)',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'mailwarden_batch_duration_seconds',
      help: 'Duration of one batch: checks, diff, state, alert enqueue',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'mailwarden_domains',
      help: 'Domains: configured, due now (by the scheduler) and overdue',
      labelNames: ['state'],
      registers,
      async collect() {
        const source = metrics.#source;
        if (!source) return;
        const stats = await metrics.#stats();
        this.set({ state: 'configured' }, stats.domains);
        this.set({ state: 'overdue' }, stats.overdue);
        if (source.queue) this.set({ state: 'due' }, source.queue.countDueBy(Date.now()));
      },
    });
    new Gauge({
      name: 'mailwarden_domain_status',
      help: 'Domains by their worst confirmed status (unchecked: not checked yet)',
      labelNames: ['status'],
      registers,
      async collect() {
        if (!metrics.#source) return;
        const stats = await metrics.#stats();
        for (const [status, count] of Object.entries(stats.byStatus)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'mailwarden_open_alerts',
      help: 'Alerts sent and not yet resolved, across all domains',
      registers,
      async collect() {
        if (!metrics.#source) return;
        this.set((await metrics.#stats()).openAlerts);
      },
    });
    new Gauge({
      name: 'mailwarden_outbox_queued',
      help: 'Alert messages waiting in the outbox (failed sends being retried)',
      registers,
      async collect() {
        const store = metrics.#source?.store;
        if (store) this.set((await store.outboxStats()).pending);
      },
    });
    new Gauge({
      name: 'mailwarden_outbox_dead',
      help: 'Alert messages dead-lettered after a permanent failure (mailwarden outbox list --dead)',
      registers,
      async collect() {
        const store = metrics.#source?.store;
        if (store) this.set((await store.outboxStats()).dead);
      },
    });
    new Gauge({
      name: 'mailwarden_resolver_up',
      help: "1 when the resolver canary answers, 0 while per-domain alerts are held (a cluster worker: its own resolver's)",
      registers,
      async collect() {
        const source = metrics.#source;
        if (!source) return;
        const status = source.status();
        if (status.worker !== undefined) this.set(status.workerResolverDown === undefined ? 1 : 0);
        else this.set((await source.store.global()).resolverDown === undefined ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mailwarden_last_batch_timestamp_seconds',
      help: 'When the last batch finished (unix seconds)',
      registers,
      collect() {
        const finished = metrics.#source?.status().lastBatch?.finishedAt;
        if (finished) this.set(Date.parse(finished) / 1000);
      },
    });
    new Counter({
      name: 'mailwarden_dns_queries_total',
      help: 'DNS queries of the checks by kind: requested, sent, cache_hit, coalesced, tcp_fallback, timeout, error',
      labelNames: ['kind'],
      registers,
      collect() {
        metrics.#accumulateDns();
        this.reset();
        for (const [kind, total] of metrics.#dnsTotals) this.inc({ kind }, total);
      },
    });
  }

  /** Reads counts from the daemon's store and its queue at scrape time. */
  attach(source: MetricsSource): void {
    this.#source = source;
  }

  batchFinished(batch: {
    reports: readonly DomainReport[];
    changes: readonly Change[];
    summary: { durationMs: number; resolverHealthy: boolean };
  }): void {
    this.#checks.inc(batch.reports.length);
    this.#batches.inc({ resolver: batch.summary.resolverHealthy ? 'healthy' : 'held' });
    for (const change of batch.changes) this.#changes.inc({ kind: change.kind });
    this.#duration.observe(batch.summary.durationMs / 1000);
  }

  delivery(event: DeliveryEvent): void {
    this.#alerts.inc({ channel: event.channel, result: event.ok ? 'sent' : 'failed' });
  }

  /** Kept for callers from before the store: nothing to forget, the gauges count what the store holds. */
  forgetDomain(_domain: string): void {}

  /** One store.stats() per scrape, shared by the gauges that read it (they collect one after another). */
  #stats(): Promise<StoreStats> {
    const now = Date.now();
    if (!this.#statsCache || now - this.#statsCache.at > STATS_REUSE_MS) {
      const interval = this.#source!.config?.schedule.interval ?? 0;
      const overdueBefore = now - Math.max(OVERDUE_GRACE_MS, interval / 10);
      this.#statsCache = { at: now, stats: this.#source!.store.stats(new Date(overdueBefore).toISOString()) };
    }
    return this.#statsCache.stats;
  }

  #accumulateDns(): void {
    const dns = this.#source?.dns;
    if (!dns) return;
    if (dns !== this.#dnsClient) {
      this.#dnsClient = dns;
      this.#dnsSeen.clear();
    }
    const stats = dns.stats();
    for (const [field, kind] of DNS_COUNTERS) {
      const value = stats[field];
      const delta = value - (this.#dnsSeen.get(kind) ?? 0);
      this.#dnsSeen.set(kind, value);
      this.#dnsTotals.set(kind, (this.#dnsTotals.get(kind) ?? 0) + Math.max(0, delta));
    }
  }
}
