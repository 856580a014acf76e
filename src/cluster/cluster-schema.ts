import type pg from 'pg';

/** The cluster's own tables (beside the store's and the job engine's): what the workers share besides the jobs. */
export const CLUSTER_SCHEMA = 'mailwarden_cluster';

/**
 * `shared_result`: one row per shared probe (key = address, port and MX name). A worker that needs a probe reads the
 * row; a fresh result is used as is; otherwise the worker claims the row (claimed_by, claimed_until) and probes, and
 * the others wait for its result.
 *
 * `dependency`: which domains depend on which shared thing (MX address, TLSA set, zone, SPF include), from each
 * domain's confirmed findings, replaced per domain by the worker that checked it. A shared thing that starts to look
 * worse brings forward every dependent's pending check, whichever worker checked it last.
 *
 * `worker`: one row per worker — when it was last heard from, and whether its own resolver fails (since, detail). The
 * Alertmanager re-send (run by one worker for the cluster) re-sends every live worker's resolver alert from it.
 *
 * Created if missing: nothing in these tables must survive; a worker writes them again as it runs.
 */
const STATEMENTS = [
  `CREATE SCHEMA IF NOT EXISTS ${CLUSTER_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${CLUSTER_SCHEMA}.shared_result (
     key text PRIMARY KEY,
     claimed_by text,
     claimed_until timestamptz,
     result jsonb,
     expires_at timestamptz
   )`,
  `CREATE TABLE IF NOT EXISTS ${CLUSTER_SCHEMA}.dependency (
     key text NOT NULL,
     domain text NOT NULL,
     PRIMARY KEY (key, domain)
   )`,
  `CREATE INDEX IF NOT EXISTS dependency_domain ON ${CLUSTER_SCHEMA}.dependency (domain)`,
  `CREATE TABLE IF NOT EXISTS ${CLUSTER_SCHEMA}.worker (
     id text PRIMARY KEY,
     last_seen timestamptz NOT NULL,
     resolver_down_since timestamptz,
     resolver_down_detail text
   )`,
];

export async function ensureClusterSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  const ignore = () => {}; // a checked-out client's 'error' must not end the process; the query reports it
  client.on('error', ignore);
  try {
    // Two workers starting at once must not race on CREATE (a unique violation on the catalog).
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [CLUSTER_SCHEMA]);
    for (const statement of STATEMENTS) await client.query(statement);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [CLUSTER_SCHEMA]).catch(() => {});
    client.off('error', ignore);
    client.release();
  }
}
