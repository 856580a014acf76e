import { hostname } from 'node:os';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { ensureClusterSchema } from './cluster-schema.ts';

/** How the cluster's claims time out. The defaults suit production; tests shorten them. */
export interface ClusterTimings {
  /**
   * A claimed batch is touched this often while it runs; a batch not touched for `heartbeatSeconds` (a worker that
   * died or lost the database) is given to another worker at the engine's next supervision.
   */
  heartbeatSeconds: number;
  /** How often the engine looks for claims whose heartbeat stopped (pg-boss `superviseIntervalSeconds`). */
  superviseSeconds: number;
  /** How often an idle worker asks for due work. */
  pollSeconds: number;
  /** The longest a batch may run at all, heartbeat or not. */
  expireSeconds: number;
  /**
   * A claim that lapsed (dead worker) or was given back (store down) is claimable again after retryDelaySeconds,
   * doubling for a domain that keeps failing; after retryLimit tries the next start of a worker schedules it anew.
   */
  retryLimit: number;
  retryDelaySeconds: number;
}

export const DEFAULT_TIMINGS: ClusterTimings = {
  heartbeatSeconds: 30,
  superviseSeconds: 15,
  pollSeconds: 2,
  expireSeconds: 30 * 60,
  retryLimit: 10,
  retryDelaySeconds: 2,
};

export interface ClusterEngineOptions {
  /** postgres://… (the daemon's `state.url`). */
  url: string;
  /** This worker's name in logs, metrics and the engine's instance registry; default `<host>:<pid>`. */
  workerId?: string;
  timings?: Partial<ClusterTimings>;
  /** The engine's database errors (a restarting PostgreSQL): logged, the engine keeps retrying. */
  onError?: (error: Error) => void;
}

/** The job engine's tables live in their own schema, beside the store's tables in the same database. */
export const JOB_SCHEMA = 'mailwarden_jobs';

/**
 * The cluster's share of PostgreSQL: a pg-boss instance (claims, retries, expiry of dead workers' claims, singleton
 * jobs, a registry of live workers) and a small pool for the cluster's own queries (shared probe results, gauges).
 */
export class ClusterEngine {
  readonly boss: PgBoss;
  readonly pool: pg.Pool;
  readonly workerId: string;
  readonly timings: ClusterTimings;
  #started = false;

  constructor(options: ClusterEngineOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    const onError = options.onError ?? (() => {});
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: JOB_SCHEMA,
      application_name: `mailwarden ${this.workerId}`,
      max: 4,
      superviseIntervalSeconds: this.timings.superviseSeconds,
      // Lapsed heartbeats are failed in the monitor pass, which runs at most once per monitor interval per queue for
      // the whole cluster: the same interval as the supervision, or a dead worker's claims wait for the longer one.
      monitorIntervalSeconds: this.timings.superviseSeconds,
      instanceName: this.workerId,
      instanceHeartbeatSeconds: 10,
      schedule: false,
      openTelemetry: { enabled: false },
    });
    this.boss.on('error', (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 4,
      application_name: `mailwarden ${this.workerId}`,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose server went away emits 'error'; without a listener that would end the process.
    this.pool.on('error', (error) => onError(error));
  }

  /** Connects and installs or migrates the engine's schema; retries while PostgreSQL is not (yet) reachable. */
  async start(attempts = 10): Promise<void> {
    if (this.#started) return;
    await this.boss.start({ attempts });
    await ensureClusterSchema(this.pool);
    this.#started = true;
  }

  async stop(): Promise<void> {
    if (!this.#started) {
      await this.pool.end().catch(() => {});
      return;
    }
    this.#started = false;
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true }).catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
