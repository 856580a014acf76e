import type pg from 'pg';
import type { SharedCoordinator } from '../monitors/run-shared.ts';
import { CLUSTER_SCHEMA } from './cluster-schema.ts';

export interface SharedResultsOptions {
  pool: pg.Pool;
  workerId: string;
  /** How long a settled result (a working STARTTLS) is reused: the check interval, so one probe per cycle. */
  settledTtlMs: number;
  /** How long any other result is reused: shorter than the confirmation delay, so a confirmation probes again. */
  unsettledTtlMs: number;
  /**
   * How long a claim holds unless renewed: the worker probing renews it every third of this while the probe runs, so
   * a worker that dies (kill -9, lost machine) in the middle of a probe hands the key over after at most this long.
   */
  leaseMs: number;
  /** How long a worker waits for another's result in all before it probes by itself (a probe's longest run, twice). */
  maxWaitMs?: number;
  /** How often a worker waiting for another's probe looks for the result. */
  pollMs?: number;
  onError?: (error: Error) => void;
}

export interface SharedResultStats {
  /** A fresh result from the database (this or another worker probed). */
  hits: number;
  /** This worker claimed the key and did the work. */
  computed: number;
  /** Waited for another worker's result. */
  waited: number;
  /** Did the work without the database (unreachable, or the other worker's claim ran out). */
  fallbacks: number;
}

/**
 * Shared probe results across the workers of a cluster, in PostgreSQL: one row per key with the result, when it
 * expires, and who is producing it now. A worker reads a fresh result or, in the same statement, claims the key; a
 * worker that finds the key claimed by another waits for that result (single flight), so a shared MX address is
 * probed once per cycle for the whole cluster. Without the database the work is done locally: a check is never held
 * up by the cache. This is the cluster's SharedCoordinator, so RunShared.memoAcrossWorkers is once per cycle across
 * worker processes exactly as it is once per run across `check`'s worker threads. The slot is not bounded here:
 * one key per address is claimed at a time, and each process's AddressLimiter bounds its own connections.
 */
export class PgSharedResults implements SharedCoordinator {
  readonly stats: SharedResultStats = { hits: 0, computed: 0, waited: 0, fallbacks: 0 };
  readonly #options: SharedResultsOptions;

  constructor(options: SharedResultsOptions) {
    this.#options = options;
  }

  async once<T>(key: string, _slot: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T> {
    const { pool, workerId, leaseMs } = this.#options;
    const giveUpAt = Date.now() + (this.#options.maxWaitMs ?? leaseMs * 2);
    let waited = false;
    for (;;) {
      let row: { result: T | null; claimed: boolean };
      try {
        const answer = await pool.query(CLAIM_OR_READ, [key, workerId, leaseMs]);
        row = answer.rows[0];
      } catch (error) {
        this.#report(error);
        this.stats.fallbacks++;
        return work();
      }
      if (row.result !== null) {
        if (waited) this.stats.waited++;
        else this.stats.hits++;
        return row.result;
      }
      if (row.claimed) return this.#produce(key, work, settled);
      if (Date.now() > giveUpAt) {
        this.stats.fallbacks++;
        return work();
      }
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, this.#options.pollMs ?? 200));
    }
  }

  async #produce<T>(key: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T> {
    const { pool, workerId } = this.#options;
    this.stats.computed++;
    let value: T;
    const renew = setInterval(
      () => {
        pool.query(RENEW, [key, workerId, this.#options.leaseMs]).catch((error: unknown) => this.#report(error));
      },
      Math.max(100, Math.floor(this.#options.leaseMs / 3)),
    );
    renew.unref();
    try {
      value = await work();
    } catch (error) {
      await pool.query(RELEASE, [key, workerId]).catch((release: unknown) => this.#report(release));
      throw error;
    } finally {
      clearInterval(renew);
    }
    const ttl = settled(value) ? this.#options.settledTtlMs : this.#options.unsettledTtlMs;
    await pool.query(STORE, [key, workerId, JSON.stringify(value), ttl]).catch((error: unknown) => this.#report(error));
    return value;
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

const TABLE = `${CLUSTER_SCHEMA}.shared_result`;

// Read a fresh result, or claim the key if it has neither a fresh result nor a live claim. Two workers claiming at
// once: the second's ON CONFLICT update waits for the first's row lock, then sees the live claim and does nothing.
const CLAIM_OR_READ = `
WITH fresh AS (
  SELECT result FROM ${TABLE} WHERE key = $1 AND expires_at > now() AND result IS NOT NULL
), claim AS (
  INSERT INTO ${TABLE} AS t (key, claimed_by, claimed_until)
  SELECT $1, $2, now() + $3 * interval '1 millisecond' WHERE NOT EXISTS (SELECT 1 FROM fresh)
  ON CONFLICT (key) DO UPDATE
    SET claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until, result = NULL, expires_at = NULL
    WHERE (t.expires_at IS NULL OR t.expires_at <= now()) AND (t.claimed_until IS NULL OR t.claimed_until <= now())
  RETURNING 1
)
SELECT (SELECT result FROM fresh) AS result, EXISTS (SELECT 1 FROM claim) AS claimed`;

const STORE = `
UPDATE ${TABLE} SET result = $3::jsonb, expires_at = now() + $4 * interval '1 millisecond', claimed_until = NULL
WHERE key = $1 AND claimed_by = $2`;

const RENEW = `
UPDATE ${TABLE} SET claimed_until = now() + $3 * interval '1 millisecond'
WHERE key = $1 AND claimed_by = $2 AND result IS NULL`;

const RELEASE = `UPDATE ${TABLE} SET claimed_until = NULL WHERE key = $1 AND claimed_by = $2 AND result IS NULL`;
