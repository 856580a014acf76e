// Helpers for the cluster end-to-end tests: what the job engine says about the workers' checks.
import { readFileSync, writeFileSync } from 'node:fs';
import type pg from 'pg';
import { CHECK_QUEUE } from '../../src/cluster/cluster-work-source.ts';
import { JOB_SCHEMA } from '../../src/cluster/engine.ts';

/** Completed checks per domain (the job engine keeps completed jobs for an hour), epoch ms, oldest first. */
export async function completions(db: pg.Client): Promise<Map<string, number[]>> {
  const exists = await db.query('SELECT to_regclass($1) AS t', [`${JOB_SCHEMA}.job`]);
  if (exists.rows[0].t === null) return new Map(); // the workers have not installed the engine's schema yet
  const { rows } = await db.query(
    `SELECT singleton_key AS domain, extract(epoch FROM completed_on) * 1000 AS at FROM ${JOB_SCHEMA}.job
     WHERE name = $1 AND state = 'completed' ORDER BY completed_on`,
    [CHECK_QUEUE],
  );
  const byDomain = new Map<string, number[]>();
  for (const row of rows) byDomain.set(row.domain, [...(byDomain.get(row.domain) ?? []), Number(row.at)]);
  return byDomain;
}

/** The harness writes interval 4s and batches of 500; the cluster tests want their own cycle and small batches. */
export function setSchedule(configFile: string, intervalSeconds: number, batchSize: number): void {
  writeFileSync(
    configFile,
    readFileSync(configFile, 'utf8').replace(
      /^schedule: .*$/m,
      `schedule: { interval: ${intervalSeconds}s, jitter: 0, firstCheckSpread: 0s, concurrency: 4, batchSize: ${batchSize} }`,
    ),
  );
}
