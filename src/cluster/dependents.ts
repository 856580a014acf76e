import { CLUSTER_SCHEMA } from './cluster-schema.ts';
import { CHECK_QUEUE } from './cluster-work-source.ts';
import { type ClusterEngine, JOB_SCHEMA } from './engine.ts';

/** What one domain depends on: the keys of the shared things its confirmed findings name. */
export interface DomainDependencies {
  domain: string;
  keys: readonly string[];
}

/**
 * The dependents of shared things for the whole cluster (a single daemon keeps them in memory: DependentsIndex). Each
 * worker records what the domains of its batch depend on; a shared thing that starts to look worse brings forward the
 * pending checks of every domain that depends on it, whichever worker checked that domain last.
 */
export interface SharedDependents {
  /** Replaces what each of these domains depends on (a domain with no keys depends on nothing). */
  record(entries: readonly DomainDependencies[]): Promise<void>;
  /**
   * Moves the pending check of every domain depending on one of `keys` (except `except`: the batch that saw it) to
   * now; a running check is left alone. Returns how many domains were brought forward per key.
   */
  bringForward(keys: readonly string[], except: readonly string[]): Promise<Map<string, number>>;
}

const TABLE = `${CLUSTER_SCHEMA}.dependency`;

// One statement per batch. Rows a domain no longer depends on are deleted; the rest are inserted unless present
// (ON CONFLICT DO NOTHING: in the steady state, where nothing changed, the statement writes nothing).
const RECORD = `
WITH fresh AS (
  SELECT * FROM unnest($1::text[], $2::text[]) AS f(domain, key)
), dropped AS (
  DELETE FROM ${TABLE} d
  WHERE d.domain = ANY($3::text[])
    AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.domain = d.domain AND fresh.key = d.key)
)
INSERT INTO ${TABLE} (key, domain) SELECT key, domain FROM fresh ON CONFLICT DO NOTHING`;

// The dependents' pending checks (created or retry, due later) move to now, in one statement against the job
// engine's table (pg-boss has no call that moves a queued job's start); per key, how many moved.
const BRING_FORWARD = `
WITH moved AS (
  UPDATE ${JOB_SCHEMA}.job AS j SET start_after = now()
  FROM (
    SELECT DISTINCT domain FROM ${TABLE} WHERE key = ANY($2::text[]) AND NOT (domain = ANY($3::text[]))
  ) AS d
  WHERE j.name = $1 AND j.singleton_key = d.domain AND j.state < 'active' AND j.start_after > now()
  RETURNING j.singleton_key AS domain
)
SELECT key, count(*)::int AS domains FROM ${TABLE}
WHERE key = ANY($2::text[]) AND domain IN (SELECT domain FROM moved)
GROUP BY key`;

/** Rows per RECORD statement: a batch of 500 domains with a handful of shared things each fits in one. */
const RECORD_CHUNK = 5_000;

export class PgDependents implements SharedDependents {
  readonly #engine: ClusterEngine;

  constructor(engine: ClusterEngine) {
    this.#engine = engine;
  }

  async record(entries: readonly DomainDependencies[]): Promise<void> {
    let domains: string[] = [];
    let rowDomains: string[] = [];
    let rowKeys: string[] = [];
    const flush = async () => {
      if (domains.length === 0) return;
      await this.#engine.pool.query(RECORD, [rowDomains, rowKeys, domains]);
      domains = [];
      rowDomains = [];
      rowKeys = [];
    };
    for (const entry of entries) {
      domains.push(entry.domain);
      for (const key of new Set(entry.keys)) {
        rowDomains.push(entry.domain);
        rowKeys.push(key);
      }
      if (rowKeys.length >= RECORD_CHUNK) await flush();
    }
    await flush();
  }

  async bringForward(keys: readonly string[], except: readonly string[]): Promise<Map<string, number>> {
    const moved = new Map<string, number>();
    if (keys.length === 0) return moved;
    const { rows } = await this.#engine.pool.query(BRING_FORWARD, [CHECK_QUEUE, [...keys], [...except]]);
    for (const row of rows as { key: string; domains: number }[]) moved.set(row.key, row.domains);
    return moved;
  }
}
