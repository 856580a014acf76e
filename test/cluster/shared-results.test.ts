import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterEngine } from '../../src/cluster/engine.ts';
import { PgSharedResults } from '../../src/cluster/shared-results.ts';
import { ClusterSingletons } from '../../src/cluster/singletons.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { createTestDatabase } from '../lab/postgres.ts';

const FAST = { heartbeatSeconds: 10, superviseSeconds: 1, pollSeconds: 0.5 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const engines: ClusterEngine[] = [];

async function engine(workerId: string): Promise<ClusterEngine> {
  const created = new ClusterEngine({ url: database.url, workerId, timings: FAST });
  await created.start();
  engines.push(created);
  return created;
}

function cache(worker: ClusterEngine, overrides: Partial<ConstructorParameters<typeof PgSharedResults>[0]> = {}) {
  return new PgSharedResults({
    pool: worker.pool,
    workerId: worker.workerId,
    settledTtlMs: 60_000,
    unsettledTtlMs: 300,
    leaseMs: 2_000,
    pollMs: 50,
    ...overrides,
  });
}

beforeAll(async () => {
  database = await createTestDatabase('cluster');
});

afterAll(async () => {
  for (const created of engines) await created.stop();
  await database?.drop();
});

describe('shared probe results across workers (PostgreSQL)', () => {
  it('probes a key once for three workers asking at the same time, and they all get its result', async () => {
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((id) => engine(id)));
    const caches = workers.map((worker) => cache(worker));
    let probes = 0;
    const probe = async () => {
      probes++;
      await sleep(300);
      return { outcome: 'ok', address: '192.0.2.1' };
    };
    const results = await Promise.all(
      caches.flatMap((shared) => Array.from({ length: 5 }, () => shared.once('smtp:a', 'slot', probe, () => true))),
    );
    expect(probes).toBe(1);
    expect(results.every((result) => result.outcome === 'ok' && result.address === '192.0.2.1')).toBe(true);
    expect(caches.reduce((sum, shared) => sum + shared.stats.computed, 0)).toBe(1);
    // Later runs in any worker reuse it while it is fresh.
    await caches[2]!.once('smtp:a', 'slot', probe, () => true);
    expect(probes).toBe(1);
  });

  it('keeps an unsettled result (a failure) only briefly, so its confirmation probes again', async () => {
    const shared = cache(await engine('w4'));
    let probes = 0;
    const failing = async () => ({ outcome: 'tls-failed', n: ++probes });
    expect((await shared.once('smtp:b', 'slot', failing, (r) => r.outcome === 'ok')).n).toBe(1);
    expect((await shared.once('smtp:b', 'slot', failing, (r) => r.outcome === 'ok')).n).toBe(1);
    await sleep(400);
    expect((await shared.once('smtp:b', 'slot', failing, (r) => r.outcome === 'ok')).n).toBe(2);
  });

  it('takes over a key whose claimant died (its claim no longer renewed), once its lease ran out', async () => {
    const dying = await engine('w5');
    const [dead, alive] = [cache(dying, { leaseMs: 600 }), cache(await engine('w6'), { leaseMs: 600 })];
    void dead
      .once(
        'smtp:c',
        'slot',
        () => new Promise<never>(() => {}),
        () => true,
      )
      .catch(() => {});
    await sleep(100);
    await dying.stop(); // its connections close, as when the process is killed: the claim is not renewed any more
    const started = Date.now();
    const result = await alive.once(
      'smtp:c',
      'slot',
      async () => 'probed by w6',
      () => true,
    );
    expect(result).toBe('probed by w6');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(alive.stats.computed).toBe(1);
  });

  it('keeps the claim of a live worker whose probe runs longer than the lease: the others wait for its result', async () => {
    const options = { leaseMs: 300, maxWaitMs: 10_000 };
    const [slow, waiting] = [cache(await engine('w9'), options), cache(await engine('w10'), options)];
    let probes = 0;
    const first = slow.once(
      'smtp:f',
      'slot',
      async () => {
        probes++;
        await sleep(1_500); // five leases
        return 'probed by w9';
      },
      () => true,
    );
    await sleep(100);
    const second = await waiting.once(
      'smtp:f',
      'slot',
      async () => {
        probes++;
        return 'probed by w10';
      },
      () => true,
    );
    expect(await first).toBe('probed by w9');
    expect(second).toBe('probed by w9');
    expect(probes).toBe(1);
    expect(waiting.stats.waited).toBe(1);
  });

  it('probes locally when the database cannot be reached (a check is never held up by the cache)', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    const errors: Error[] = [];
    const shared = new PgSharedResults({
      pool,
      workerId: 'lonely',
      settledTtlMs: 1000,
      unsettledTtlMs: 100,
      leaseMs: 1000,
      onError: (error) => errors.push(error),
    });
    expect(
      await shared.once(
        'smtp:d',
        'd',
        async () => 'local',
        () => true,
      ),
    ).toBe('local');
    expect(shared.stats.fallbacks).toBe(1);
    expect(errors.length).toBe(1);
    await pool.end();
  });

  it('is the coordinator of RunShared.memoAcrossWorkers across processes and keeps memo() local', async () => {
    const shared = cache(await engine('w7'));
    const first = new RunShared({ coordinator: shared });
    const second = new RunShared({ coordinator: shared });
    let probes = 0;
    const probe = async () => ++probes;
    expect(await first.memoAcrossWorkers('smtp:e', 'e', probe, () => true)).toBe(1);
    expect(await second.memoAcrossWorkers('smtp:e', 'e', probe, () => true)).toBe(1);
    expect(await second.memo('local', probe)).toBe(2);
  });
});

describe('cluster singletons', () => {
  it('runs a periodic job once per period for the whole cluster, never twice at once, whoever offers it', async () => {
    const workers = await Promise.all(['s1', 's2', 's3'].map((id) => engine(id)));
    const runs: { worker: string; start: number; end: number }[] = [];
    let running = 0;
    let overlapped = false;
    const singletons = workers.map((worker) => new ClusterSingletons(worker));
    const started = Date.now();
    await Promise.all(
      singletons.map((singleton, index) =>
        singleton.every('test-tick', 1, async () => {
          running++;
          if (running > 1) overlapped = true;
          const start = Date.now();
          await sleep(150);
          runs.push({ worker: workers[index]!.workerId, start, end: Date.now() });
          running--;
        }),
      ),
    );
    await sleep(5_000);
    for (const singleton of singletons) await singleton.stop();
    const seconds = (Date.now() - started) / 1000;
    expect(overlapped).toBe(false);
    // One run per one-second period (three workers offering it every half second would give ~30 without the engine).
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  }, 30_000);
});
