import type { Logger } from 'pino';
import { type SharedCoordinator, sharedResultTtls } from '../monitors/run-shared.ts';
import { ClusterGauges } from './cluster-gauges.ts';
import { ClusterWorkSource } from './cluster-work-source.ts';
import { PgDependents, type SharedDependents } from './dependents.ts';
import { ClusterEngine, type ClusterTimings } from './engine.ts';
import { PgSharedResults } from './shared-results.ts';
import { ClusterSingletons } from './singletons.ts';
import type { WorkSource } from './work-source.ts';
import { type ResolverDown, WorkerRegistry, type WorkerResolverDown } from './workers.ts';

/**
 * What a daemon needs to be one worker of many: where its due domains come from, the probe results all workers
 * share, and jobs that run once per cluster. The daemon uses this instead of its in-process due-queue and delivery
 * loop when `state.url` is PostgreSQL.
 */
export interface DaemonCluster {
  readonly workerId: string;
  readonly work: WorkSource;
  /** Shared probe results: RunShared.memoAcrossWorkers once per cycle for the whole cluster. */
  readonly coordinator: SharedCoordinator;
  /** Which domains depend on which shared things, for the whole cluster (a single daemon's is in memory). */
  readonly dependents: SharedDependents;
  /** This worker's resolver state, mirrored in the database, and every live worker's. */
  readonly workers: {
    setResolverDown(down: ResolverDown | undefined): Promise<void>;
    resolversDown(): Promise<WorkerResolverDown[]>;
  };
  /** Runs `task` once per period for the whole cluster (never twice at once). */
  every(name: string, periodSeconds: number, task: () => Promise<void>): Promise<void>;
  /** Asks for a run of `every`'s job now (at most one per period anyway). */
  nudge(name: string): Promise<void>;
  /**
   * Runs `work` while holding a cluster-wide lock named `name` (a PostgreSQL advisory lock): workers starting
   * together bring the store's domain list in line with the configuration one after the other, so the first writes
   * it and the others find nothing to change. Not needed for correctness (syncDomains is idempotent under
   * concurrency), it saves N identical writes of the whole list and their row-lock waits.
   */
  serialized<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface ClusterRuntime extends DaemonCluster {
  readonly engine: ClusterEngine;
  readonly sharedResults: PgSharedResults;
  readonly gauges: ClusterGauges;
  readonly workers: WorkerRegistry;
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** `state.url` (postgres://…), with the password from the configuration when the URL has none. */
  url: string;
  password?: string;
  logger: Logger;
  /** The check interval: a working STARTTLS result is shared for this long (one probe per address per cycle). */
  intervalMs: number;
  /** The confirmation delay: other probe results are shared for less than this, so a confirmation probes again. */
  confirmDelayMs: number;
  workerId?: string;
  timings?: Partial<ClusterTimings>;
}

/** A probe (two attempts with timeouts and a pause) is over within this: a worker waits for another's at most twice. */
const PROBE_LONGEST_MS = 90_000;

export async function startCluster(options: StartClusterOptions): Promise<ClusterRuntime> {
  const { logger } = options;
  let lastError = '';
  const onError = (error: Error) => {
    // A restarting PostgreSQL makes every pool and timer complain at once: one line per distinct problem.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ error: error.message }, 'cluster: database problem; waiting for PostgreSQL and retrying');
  };
  const engine = new ClusterEngine({
    url: withPassword(options.url, options.password),
    ...(options.workerId ? { workerId: options.workerId } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    onError,
  });
  await engine.start();
  const work = new ClusterWorkSource(engine, { onError });
  const sharedResults = new PgSharedResults({
    pool: engine.pool,
    workerId: engine.workerId,
    ...sharedResultTtls(options.intervalMs, options.confirmDelayMs),
    // The probing worker renews its claim; one that died hands the key over after a heartbeat, as it does its batch.
    leaseMs: engine.timings.heartbeatSeconds * 1000,
    maxWaitMs: 2 * PROBE_LONGEST_MS,
    onError,
  });
  const singletons = new ClusterSingletons(engine, {
    onError: (name, error) => logger.error({ job: name, error: error.message }, 'cluster job failed'),
  });
  const workers = new WorkerRegistry({ pool: engine.pool, workerId: engine.workerId, onError });
  await workers.start();
  const gauges = new ClusterGauges(engine, workers.liveMs);
  logger.info({ worker: engine.workerId }, 'cluster: joined as a worker (job engine: pg-boss on the state database)');
  return {
    workerId: engine.workerId,
    work,
    coordinator: sharedResults,
    engine,
    sharedResults,
    gauges,
    dependents: new PgDependents(engine),
    workers,
    every: (name, periodSeconds, task) => singletons.every(name, periodSeconds, task),
    nudge: (name) => singletons.nudge(name),
    serialized: (name, work) => withAdvisoryLock(engine, name, work),
    async stop() {
      await singletons.stop();
      await workers.stop();
      await engine.stop();
    },
  };
}

/** The engine's timings from `cluster.heartbeat`: claims of a dead worker are looked for twice per heartbeat. */
export function clusterTimings(heartbeatMs: number): Partial<ClusterTimings> {
  const heartbeatSeconds = Math.max(10, Math.round(heartbeatMs / 1000));
  return { heartbeatSeconds, superviseSeconds: Math.max(1, Math.floor(heartbeatSeconds / 2)) };
}

async function withAdvisoryLock<T>(engine: ClusterEngine, name: string, work: () => Promise<T>): Promise<T> {
  const client = await engine.pool.connect();
  const ignore = () => {}; // see ClusterWorkSource: a checked-out client's 'error' must not end the process
  client.on('error', ignore);
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`mailwarden:${name}`]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`mailwarden:${name}`]).catch(() => {});
    }
  } finally {
    client.off('error', ignore);
    client.release();
  }
}

/** True for a `state.url` the cluster can run on. */
export function isClusterUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  if (parsed.password === '') parsed.password = password;
  return parsed.toString();
}
