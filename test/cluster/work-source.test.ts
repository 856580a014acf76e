import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_QUEUE, ClusterWorkSource } from '../../src/cluster/cluster-work-source.ts';
import { ClusterEngine } from '../../src/cluster/engine.ts';
import { createTestDatabase } from '../lab/postgres.ts';

const FAST = { heartbeatSeconds: 10, superviseSeconds: 1, pollSeconds: 0.5, retryDelaySeconds: 1 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const engines: ClusterEngine[] = [];

async function engine(workerId: string): Promise<ClusterEngine> {
  const created = new ClusterEngine({ url: database.url, workerId, timings: FAST });
  await created.start();
  engines.push(created);
  return created;
}

beforeAll(async () => {
  database = await createTestDatabase('cluster');
});

afterAll(async () => {
  for (const created of engines) await created.stop();
  await database?.drop();
});

describe('ClusterWorkSource on a real PostgreSQL', () => {
  it('gives each due domain to exactly one of three workers, in batches, and schedules its next check', async () => {
    const sources = await Promise.all(['a', 'b', 'c'].map(async (id) => new ClusterWorkSource(await engine(id))));
    const domains = Array.from({ length: 120 }, (_, i) => `d${i}.example`);
    const now = Date.now();
    expect(await sources[0]!.ensureScheduled(domains.map((domain) => ({ domain, dueAt: now - 1000 })))).toBe(120);
    // A second worker scheduling the same domains adds nothing: one pending check per domain.
    expect(await sources[1]!.ensureScheduled(domains.map((domain) => ({ domain, dueAt: now })))).toBe(0);

    const seen: string[] = [];
    const batchSizes: number[] = [];
    await Promise.all(
      sources.map(async (source) => {
        for (;;) {
          const batch = await source.claim(16);
          if (!batch) return;
          batchSizes.push(batch.domains.length);
          seen.push(...batch.domains);
          for (const due of batch.dueAt.values()) expect(due).toBeLessThanOrEqual(batch.claimedAt);
          const next = new Map(batch.domains.map((domain) => [domain, Date.now() + 3_600_000]));
          await source.committed(batch, next);
        }
      }),
    );
    expect(seen.toSorted()).toEqual(domains.toSorted());
    expect(Math.max(...batchSizes)).toBe(16);
    // Nothing is due now, but every domain has its next check pending.
    expect(await sources[2]!.claim(16)).toBeUndefined();
    expect(await sources[2]!.ensureScheduled(domains.map((domain) => ({ domain, dueAt: now })))).toBe(0);
    const { rows } = await engines[0]!.pool.query(
      `SELECT count(*)::int AS n FROM mailwarden_jobs.job WHERE name = $1 AND state = 'created' AND start_after > now()`,
      [CHECK_QUEUE],
    );
    expect(rows[0].n).toBe(120);
  });

  it('gives the batch of a worker that stopped touching it to another worker, and an abandoned batch comes back', async () => {
    const dying = await engine('dying');
    const survivor = new ClusterWorkSource(await engine('survivor'));
    const doomed = new ClusterWorkSource(dying);
    await survivor.ensureScheduled(['x1.example', 'x2.example'].map((domain) => ({ domain, dueAt: Date.now() - 1 })));
    const lost = await doomed.claim(10);
    expect(lost?.domains.toSorted()).toEqual(['x1.example', 'x2.example']);
    await dying.stop(); // its heartbeat stops, as when the process is killed
    expect(await survivor.claim(10)).toBeUndefined();
    // Retries are spread (backoff with jitter): collect claims until both domains came back.
    const reclaimAll = async (within: number) => {
      const batches: NonNullable<Awaited<ReturnType<typeof survivor.claim>>>[] = [];
      const since = Date.now();
      while (batches.flatMap((b) => b.domains).length < 2 && Date.now() - since < within) {
        const batch = await survivor.claim(10);
        if (batch) batches.push(batch);
        else await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return batches;
    };
    const started = Date.now();
    const reclaimed = await reclaimAll(40_000);
    expect(reclaimed.flatMap((b) => b.domains).toSorted()).toEqual(['x1.example', 'x2.example']);
    // Within the heartbeat (10 s), a supervision pass and the retry delay: well inside a confirmation window.
    expect(Date.now() - started).toBeLessThan(30_000);

    for (const batch of reclaimed) await survivor.abandon(batch, 'store unavailable');
    const again = await reclaimAll(20_000);
    expect(again.flatMap((b) => b.domains).toSorted()).toEqual(['x1.example', 'x2.example']);
    for (const batch of again) await survivor.committed(batch, new Map());
  }, 90_000);

  it('brings pending checks forward to now (dependents of a worsened shared thing), leaving the others and running ones alone', async () => {
    const source = new ClusterWorkSource(await engine('forward'));
    const later = Date.now() + 3_600_000;
    await source.ensureScheduled(
      ['f1.example', 'f2.example', 'f3.example'].map((domain) => ({ domain, dueAt: later })),
    );
    expect(await source.claim(10)).toBeUndefined();
    await source.dueNow(['f1.example', 'f2.example', 'unknown.example']);
    const batch = await source.claim(10);
    expect(batch?.domains.toSorted()).toEqual(['f1.example', 'f2.example']);
    // a claimed (running) check is not touched, and no second job appears for it
    await source.dueNow(['f1.example']);
    expect(await source.claim(10)).toBeUndefined();
    await source.committed(
      batch!,
      new Map([
        ['f1.example', later],
        ['f2.example', later],
      ]),
    );
    const { rows } = await engines[0]!.pool.query(
      `SELECT singleton_key AS domain FROM mailwarden_jobs.job WHERE name = $1 AND state = 'created' AND singleton_key LIKE 'f%'`,
      [CHECK_QUEUE],
    );
    expect(rows.map((row) => row.domain).toSorted()).toEqual(['f1.example', 'f2.example', 'f3.example']);
  });
});
