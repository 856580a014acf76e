import { Gauge, type Registry } from 'prom-client';
import { CHECK_QUEUE } from './cluster-work-source.ts';
import { type ClusterEngine, JOB_SCHEMA } from './engine.ts';
import { COUNT_RESOLVERS_FAILING } from './workers.ts';

/** The cluster as the database sees it, the same from every worker. */
export interface ClusterSnapshot {
  /** Domains whose check is due and not yet claimed by any worker. */
  overdue: number;
  /** How long the longest-waiting due domain has waited (0 when none waits), seconds. */
  scheduleLagSeconds: number;
  /** Domains being checked now (claimed). */
  running: number;
  /** Domains with a check scheduled (waiting, due or running). */
  scheduled: number;
  /** Workers that are running and were heard from recently (the engine's instance registry). */
  workersAlive: number;
  /** Live workers whose own resolver fails (they hold their batches; the others check the domains). */
  workersResolverFailing: number;
  readAt: number;
}

/** Snapshots are shared by scrapes within this long: a Prometheus scraping every worker costs one query each. */
const SNAPSHOT_TTL_MS = 5_000;

const SNAPSHOT_SQL = `
SELECT
  count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())::int AS overdue,
  COALESCE(EXTRACT(EPOCH FROM now() - min(start_after) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())), 0)::float8 AS lag,
  count(*) FILTER (WHERE state = 'active')::int AS running,
  count(*)::int AS scheduled
FROM ${JOB_SCHEMA}.job
WHERE name = $1 AND state IN ('created', 'retry', 'active')`;

/** Cluster-wide gauges read from PostgreSQL (the job engine's tables and instance registry). */
export class ClusterGauges {
  readonly #engine: ClusterEngine;
  readonly #liveMs: number;
  #cached: Promise<ClusterSnapshot> | undefined;

  /** `liveMs`: a worker heard from within this long is live (WorkerRegistry.liveMs). */
  constructor(engine: ClusterEngine, liveMs = 30_000) {
    this.#engine = engine;
    this.#liveMs = liveMs;
  }

  read(): Promise<ClusterSnapshot> {
    const cached = this.#cached;
    if (cached) return cached;
    const reading = this.#read();
    this.#cached = reading;
    const forget = () => {
      setTimeout(() => {
        if (this.#cached === reading) this.#cached = undefined;
      }, SNAPSHOT_TTL_MS).unref();
    };
    reading.then(forget, () => {
      this.#cached = undefined;
    });
    return reading;
  }

  async #read(): Promise<ClusterSnapshot> {
    const [jobs, instances, failing] = await Promise.all([
      this.#engine.pool.query(SNAPSHOT_SQL, [CHECK_QUEUE]),
      this.#engine.boss.getInstances(),
      this.#engine.pool.query(COUNT_RESOLVERS_FAILING, [this.#liveMs]),
    ]);
    const row = jobs.rows[0] ?? { overdue: 0, lag: 0, running: 0, scheduled: 0 };
    return {
      overdue: row.overdue,
      scheduleLagSeconds: Math.max(0, row.lag),
      running: row.running,
      scheduled: row.scheduled,
      workersAlive: instances.filter((instance) => instance.live).length,
      workersResolverFailing: failing.rows[0]?.n ?? 0,
      readAt: Date.now(),
    };
  }
}

export interface ClusterHealth {
  status: 'ok' | 'lagging';
  reasons: string[];
  cluster: ClusterSnapshot;
}

/**
 * A healthy cluster checks every domain near its slot: the longest wait of a due domain stays under the grace (a
 * minute, or 10 % of the interval when that is longer). A cluster that lags needs more workers (or a resolver that
 * answers faster); one without live workers checks nothing.
 */
export function judgeClusterHealth(snapshot: ClusterSnapshot, intervalMs: number): ClusterHealth {
  const graceSeconds = Math.max(60, intervalMs / 10_000);
  const reasons: string[] = [];
  if (snapshot.workersAlive === 0) reasons.push('no live worker in the cluster');
  if (snapshot.scheduleLagSeconds > graceSeconds)
    reasons.push(
      `the cluster lags: ${snapshot.overdue} domains are overdue, the oldest by ${Math.round(snapshot.scheduleLagSeconds)} s ` +
        `(more than ${Math.round(graceSeconds)} s)`,
    );
  return { status: reasons.length === 0 ? 'ok' : 'lagging', reasons, cluster: snapshot };
}

/**
 * Adds the cluster gauges to a worker's /metrics registry. Every worker exports the same cluster-wide values (take
 * max() over workers in PromQL); the outbox age comes from the store, the same for all workers too.
 */
export function registerClusterMetrics(
  registry: Registry,
  gauges: { read(): Promise<ClusterSnapshot> },
  outboxOldest?: () => Promise<string | undefined>,
): void {
  const registers = [registry];
  const gauge = (name: string, help: string, pick: (snapshot: ClusterSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        try {
          this.set(pick(await gauges.read()));
        } catch {
          this.reset(); // the database cannot be read: no value rather than a stale one
        }
      },
    });
  gauge('mailwarden_cluster_domains_overdue', 'Domains due and not yet claimed by any worker', (s) => s.overdue);
  gauge(
    'mailwarden_cluster_schedule_lag_seconds',
    'How long the longest-waiting due domain has waited for a worker',
    (s) => s.scheduleLagSeconds,
  );
  gauge('mailwarden_cluster_domains_running', 'Domains being checked by some worker now', (s) => s.running);
  gauge('mailwarden_cluster_domains_scheduled', 'Domains with a check scheduled in the job engine', (s) => s.scheduled);
  gauge('mailwarden_cluster_workers_alive', 'Workers running and heard from recently', (s) => s.workersAlive);
  gauge(
    'mailwarden_cluster_workers_resolver_failing',
    'Live workers whose own resolver fails (they hold their batches)',
    (s) => s.workersResolverFailing,
  );
  if (outboxOldest)
    new Gauge({
      name: 'mailwarden_cluster_outbox_oldest_age_seconds',
      help: 'Age of the oldest alert waiting in the outbox (0 when empty)',
      registers,
      async collect() {
        try {
          const oldest = await outboxOldest();
          this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000));
        } catch {
          this.reset();
        }
      },
    });
}
