import type pg from 'pg';
import { CLUSTER_SCHEMA } from './cluster-schema.ts';

/** A worker's own resolver failing (its canary), as its notices say it. */
export interface ResolverDown {
  since: string;
  detail: string;
}

/** A live worker whose resolver fails. */
export interface WorkerResolverDown extends ResolverDown {
  worker: string;
}

export interface WorkerRegistryOptions {
  pool: pg.Pool;
  workerId: string;
  /** How often the worker says it is alive (and writes its resolver state again). */
  beatMs?: number;
  /** A worker not heard from for this long is not live: its resolver alert is no longer re-sent. */
  liveMs?: number;
  onError?: (error: Error) => void;
}

const TABLE = `${CLUSTER_SCHEMA}.worker`;
const DEFAULT_BEAT_MS = 10_000;
const DEFAULT_LIVE_MS = 30_000;
/** Rows of workers gone this long (a kill -9, a lost machine) are removed by whichever worker beats next. */
const FORGET_AFTER = '1 day';

const WRITE = `
INSERT INTO ${TABLE} AS w (id, last_seen, resolver_down_since, resolver_down_detail)
VALUES ($1, now(), $2::timestamptz, $3)
ON CONFLICT (id) DO UPDATE
  SET last_seen = now(), resolver_down_since = EXCLUDED.resolver_down_since,
      resolver_down_detail = EXCLUDED.resolver_down_detail`;

const FORGET = `DELETE FROM ${TABLE} WHERE last_seen < now() - interval '${FORGET_AFTER}'`;

const LIVE = `(last_seen > now() - $1 * interval '1 millisecond')`;

const RESOLVERS_DOWN = `
SELECT id, resolver_down_since AS since, resolver_down_detail AS detail FROM ${TABLE}
WHERE ${LIVE} AND resolver_down_since IS NOT NULL ORDER BY id`;

export const COUNT_RESOLVERS_FAILING = `SELECT count(*)::int AS n FROM ${TABLE} WHERE ${LIVE} AND resolver_down_since IS NOT NULL`;

/**
 * The cluster's workers in PostgreSQL, one row each: when it was last heard from and whether its own resolver fails.
 * A worker keeps its resolver state in memory (it judges its own batches by it) and mirrors it here, at once when it
 * changes and again with every beat, so a write lost to a database outage is repaired by the next beat. The row is
 * what lets one worker speak for all: the Alertmanager re-send (a cluster job) re-sends every live worker's resolver
 * alert, and the cluster gauge counts the workers whose resolver fails.
 */
export class WorkerRegistry {
  readonly #options: WorkerRegistryOptions;
  readonly liveMs: number;
  #resolverDown: ResolverDown | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The write running now, and the one waiting for it (which writes the state as it is when it starts). */
  #current: Promise<void> = Promise.resolve();
  #next: Promise<void> | undefined;

  constructor(options: WorkerRegistryOptions) {
    this.#options = options;
    this.liveMs = options.liveMs ?? DEFAULT_LIVE_MS;
  }

  /** Writes the row and beats until stop(). */
  async start(): Promise<void> {
    await this.#write();
    this.#timer = setInterval(() => {
      void this.#write();
      this.#options.pool.query(FORGET).catch((error: unknown) => this.#report(error));
    }, this.#options.beatMs ?? DEFAULT_BEAT_MS);
    this.#timer.unref();
  }

  /** This worker's resolver state: kept, and written now (a failed write is repeated by the next beat). */
  async setResolverDown(down: ResolverDown | undefined): Promise<void> {
    this.#resolverDown = down;
    await this.#write();
  }

  get resolverDown(): ResolverDown | undefined {
    return this.#resolverDown;
  }

  /** Every live worker whose resolver fails, this one included. */
  async resolversDown(): Promise<WorkerResolverDown[]> {
    const { rows } = await this.#options.pool.query(RESOLVERS_DOWN, [this.liveMs]);
    return (rows as { id: string; since: Date; detail: string | null }[]).map((row) => ({
      worker: row.id,
      since: row.since.toISOString(),
      detail: row.detail ?? '',
    }));
  }

  /** Stops beating and removes the row: a worker that stopped is not live, whatever its resolver said. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await (this.#next ?? this.#current);
    await this.#options.pool
      .query(`DELETE FROM ${TABLE} WHERE id = $1`, [this.#options.workerId])
      .catch((error: unknown) => this.#report(error));
  }

  /**
   * One write at a time, and at most one waiting, which writes the latest state when its turn comes: a beat never
   * overwrites a newer resolver state with an older one, and writes do not pile up while the database is away.
   */
  #write(): Promise<void> {
    this.#next ??= this.#current.then(() => {
      this.#next = undefined;
      const down = this.#resolverDown;
      this.#current = this.#options.pool
        .query(WRITE, [this.#options.workerId, down?.since ?? null, down?.detail ?? null])
        .then(
          () => {},
          (error: unknown) => this.#report(error),
        );
      return this.#current;
    });
    return this.#next;
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
