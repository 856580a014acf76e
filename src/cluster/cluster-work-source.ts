import type { JobInsert, JobWithMetadata } from 'pg-boss';
import { type ClusterEngine, JOB_SCHEMA } from './engine.ts';
import { ensureQueue } from './queues.ts';
import type { ClaimedBatch, ScheduledDomain, WorkSource } from './work-source.ts';

/** One job per domain: its next check. */
export const CHECK_QUEUE = 'mailwarden-check';

/** Jobs are inserted in chunks of this many rows (one statement each). */
const INSERT_CHUNK = 2_000;

interface ClusterBatch extends ClaimedBatch {
  readonly jobs: readonly { id: string; retryCount: number }[];
  readonly heartbeat: NodeJS.Timeout;
}

/**
 * Due domains from the job engine (pg-boss on the store's PostgreSQL). Every configured domain has exactly one
 * pending check job, keyed by its name (the queue's `exclusive` policy: at most one job per domain queued or running,
 * so a domain can never be scheduled twice, whoever schedules it). A worker fetches up to a batch of due jobs at once
 * (`FOR UPDATE SKIP LOCKED`: two workers never get the same domain), touches them while the batch runs, and when the
 * batch is in the store, completes them and inserts each domain's next check in one transaction. A worker that dies
 * stops touching its jobs; pg-boss's supervisor then puts them back for another worker (heartbeat timeout).
 */
export class ClusterWorkSource implements WorkSource {
  readonly #engine: ClusterEngine;
  readonly #onError: (error: Error) => void;
  #ready: Promise<void> | undefined;

  constructor(engine: ClusterEngine, options: { onError?: (error: Error) => void } = {}) {
    this.#engine = engine;
    this.#onError = options.onError ?? (() => {});
  }

  #prepare(): Promise<void> {
    const timings = this.#engine.timings;
    this.#ready ??= ensureQueue(this.#engine.boss, CHECK_QUEUE, {
      policy: 'exclusive',
      heartbeatSeconds: timings.heartbeatSeconds,
      expireInSeconds: timings.expireSeconds,
      retryLimit: timings.retryLimit,
      retryDelay: timings.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 300,
      // A domain's next check may be far ahead (a long interval); completed jobs are of no further use.
      retentionSeconds: 400 * 24 * 3600,
      deleteAfterSeconds: 3600,
    }).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async claim(limit: number): Promise<ClaimedBatch | undefined> {
    await this.#prepare();
    const jobs = (await this.#engine.boss.fetch(CHECK_QUEUE, {
      batchSize: limit,
      includeMetadata: true,
    })) as JobWithMetadata[];
    if (jobs.length === 0) return undefined;
    const claimedAt = Date.now();
    const attempts = jobs.map((job) => ({ id: job.id, retryCount: job.retryCount }));
    const touchMs = Math.max(1000, (this.#engine.timings.heartbeatSeconds * 1000) / 3);
    const heartbeat = setInterval(() => {
      this.#engine.boss.touch(CHECK_QUEUE, attempts).catch((error: unknown) => this.#report(error));
    }, touchMs);
    heartbeat.unref();
    const dueAt = new Map<string, number>();
    for (const job of jobs) dueAt.set(job.singletonKey ?? '', new Date(job.startAfter).getTime());
    const batch: ClusterBatch = { domains: [...dueAt.keys()], dueAt, claimedAt, jobs: attempts, heartbeat };
    return batch;
  }

  async committed(claimed: ClaimedBatch, nextDue: ReadonlyMap<string, number>): Promise<void> {
    const batch = claimed as ClusterBatch;
    const next: JobInsert[] = [];
    for (const domain of batch.domains) {
      const due = nextDue.get(domain);
      if (due !== undefined) next.push({ singletonKey: domain, startAfter: new Date(due) });
    }
    try {
      // The store already holds the results: keep trying through a short database outage rather than have the
      // claim expire and the domains checked again (harmless, but work).
      await withRetries(() => this.#completeAndReschedule(batch, next), 6, 500);
    } finally {
      clearInterval(batch.heartbeat);
    }
  }

  /** Completes the batch's jobs and inserts the next ones in one transaction: a domain is never left unscheduled. */
  async #completeAndReschedule(batch: ClusterBatch, next: JobInsert[]): Promise<void> {
    const client = await this.#engine.pool.connect();
    // A server that goes away while the client is checked out but between queries emits 'error' on the client, which
    // would end the process without a listener; the failed query is what reports it.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
      // Passing the attempts (id + retryCount) leaves a job alone that expired and was claimed by another worker.
      await this.#engine.boss.complete(CHECK_QUEUE, [...batch.jobs], null, { db });
      for (let i = 0; i < next.length; i += INSERT_CHUNK)
        await this.#engine.boss.insert(CHECK_QUEUE, next.slice(i, i + INSERT_CHUNK), { db });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.off('error', ignore);
      client.release();
    }
  }

  async abandon(claimed: ClaimedBatch, reason: string): Promise<void> {
    const batch = claimed as ClusterBatch;
    clearInterval(batch.heartbeat);
    // If this fails too (the database is down), the heartbeat has stopped: the claim lapses and comes back anyway.
    await this.#engine.boss
      .fail(CHECK_QUEUE, [...batch.jobs], { reason })
      .catch((error: unknown) => this.#report(error));
  }

  async ensureScheduled(entries: readonly ScheduledDomain[]): Promise<number> {
    await this.#prepare();
    let added = 0;
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      const chunk = entries
        .slice(i, i + INSERT_CHUNK)
        .map((entry) => ({ singletonKey: entry.domain, startAfter: new Date(entry.dueAt) }));
      // ON CONFLICT DO NOTHING under the exclusive policy: a domain with a pending or running check keeps it.
      const ids = await this.#engine.boss.insert(CHECK_QUEUE, chunk, { returnId: true });
      added += ids?.length ?? 0;
    }
    return added;
  }

  async dueNow(domains: readonly string[]): Promise<void> {
    if (domains.length === 0) return;
    await this.#prepare();
    // One statement on the engine's job table: pg-boss has no call that moves a queued job's start.
    await this.#engine.pool.query(
      `UPDATE ${JOB_SCHEMA}.job SET start_after = now()
       WHERE name = $1 AND singleton_key = ANY($2) AND state < 'active' AND start_after > now()`,
      [CHECK_QUEUE, [...domains]],
    );
  }

  async unschedule(domains: readonly string[]): Promise<void> {
    await this.#prepare();
    for (const domain of domains) {
      const jobs = await this.#engine.boss.findJobs(CHECK_QUEUE, { key: domain, queued: true });
      if (jobs.length > 0)
        await this.#engine.boss.deleteJob(
          CHECK_QUEUE,
          jobs.map((job) => job.id),
        );
    }
  }

  #report(error: unknown): void {
    this.#onError(error instanceof Error ? error : new Error(String(error)));
  }
}

async function withRetries<T>(work: () => Promise<T>, attempts: number, firstDelayMs: number): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}
