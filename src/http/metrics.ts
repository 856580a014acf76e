import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryEvent } from '../alerts/outbox.ts';
import type { Daemon, DaemonObserver } from '../daemon/daemon.ts';
import type { DnsClient, QueryStats } from '../dns/types.ts';
import type { Change, DomainReport } from '../model.ts';

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
 * reads the rest (queue, outbox, resolver state) from the daemon at scrape time.
 */
export class DaemonMetrics implements DaemonObserver {
  readonly registry = new Registry();
  readonly #checks: Counter;
  readonly #batches: Counter<'resolver'>;
  readonly #changes: Counter<'kind'>;
  readonly #alerts: Counter<'channel' | 'result'>;
  readonly #duration: Histogram;
  /** Current findings by check and status: per domain the findings of its last report, as indexes into #keys. */
  readonly #keys = new Map<string, number>();
  readonly #keyNames: [check: string, status: string][] = [];
  readonly #perDomain = new Map<string, Uint16Array>();
  readonly #totals: number[] = [];
  /** DNS statistics are per resolver instance (a reload makes a new one): accumulate the deltas. */
  readonly #dnsSeen = new Map<string, number>();
  readonly #dnsTotals = new Map<string, number>();
  #dnsClient: DnsClient | undefined;
  #daemon: Daemon | undefined;

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
      name: 'mailwarden_findings',
      help: 'Findings of the last check of every domain, by check id and status',
      labelNames: ['check', 'status'],
      registers,
      collect() {
        this.reset();
        metrics.#totals.forEach((count, index) => {
          const [check, status] = metrics.#keyNames[index]!;
          if (count > 0) this.set({ check, status }, count);
        });
      },
    });
    new Gauge({
      name: 'mailwarden_outbox_queued',
      help: 'Alert messages waiting in the outbox (failed sends being retried)',
      registers,
      collect() {
        this.set(metrics.#daemon?.store.outbox().length ?? 0);
      },
    });
    new Gauge({
      name: 'mailwarden_domains',
      help: 'Configured domains, and how many are due now or overdue',
      labelNames: ['state'],
      registers,
      collect() {
        const daemon = metrics.#daemon;
        if (!daemon) return;
        const now = Date.now();
        const grace = Math.max(OVERDUE_GRACE_MS, daemon.config.schedule.interval / 10);
        this.set({ state: 'configured' }, daemon.config.domains.length);
        this.set({ state: 'due' }, daemon.queue.countDueBy(now));
        this.set({ state: 'overdue' }, daemon.queue.countDueBy(now - grace));
      },
    });
    new Gauge({
      name: 'mailwarden_resolver_up',
      help: '1 when the resolver canary answers, 0 while per-domain alerts are held',
      registers,
      collect() {
        this.set(metrics.#daemon?.store.global().resolverDown === undefined ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mailwarden_last_batch_timestamp_seconds',
      help: 'When the last batch finished (unix seconds)',
      registers,
      collect() {
        const finished = metrics.#daemon?.status().lastBatch?.finishedAt;
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

  /** Reads queue, outbox and resolver state from this daemon; seeds the findings gauge from its stored state. */
  attach(daemon: Daemon): void {
    this.#daemon = daemon;
    for (const state of daemon.store.domains()) {
      const findings = Object.values(state.findings).flatMap((tracked) =>
        tracked.confirmed ? [tracked.confirmed] : [],
      );
      this.#setDomain(state.domain, findings);
    }
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
    for (const report of batch.reports) this.#setDomain(report.domain, report.findings);
  }

  delivery(event: DeliveryEvent): void {
    this.#alerts.inc({ channel: event.channel, result: event.ok ? 'sent' : 'failed' });
  }

  /** Forgets domains no longer configured (after a reload). */
  forgetDomain(domain: string): void {
    this.#setDomain(domain, []);
    this.#perDomain.delete(domain);
  }

  #setDomain(domain: string, findings: readonly { check: string; status: string }[]): void {
    const previous = this.#perDomain.get(domain);
    if (previous) for (const index of previous) this.#totals[index]!--;
    const indexes = new Uint16Array(findings.length);
    findings.forEach((finding, i) => {
      const index = this.#keyIndex(finding.check, finding.status);
      indexes[i] = index;
      this.#totals[index]!++;
    });
    this.#perDomain.set(domain, indexes);
  }

  #keyIndex(check: string, status: string): number {
    const key = `${check}|${status}`;
    let index = this.#keys.get(key);
    if (index === undefined) {
      index = this.#keyNames.length;
      this.#keys.set(key, index);
      this.#keyNames.push([check, status]);
      this.#totals.push(0);
    }
    return index;
  }

  #accumulateDns(): void {
    const dns = this.#daemon?.dns;
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
