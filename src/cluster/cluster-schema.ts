import type pg from 'pg';

/** The cluster's own tables (beside the store's and the job engine's): results shared between workers. */
export const CLUSTER_SCHEMA = 'mailwarden_cluster';

/**
 * `shared_result`: one row per shared probe (key = address, port and MX name). A worker that needs a probe reads the
 * row; a fresh result is used as is; otherwise the worker claims the row (claimed_by, claimed_until) and probes, and
 * the others wait for its result. Created if missing: the table is a cache, nothing in it must survive.
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
