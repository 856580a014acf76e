import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterGauges, judgeClusterHealth, registerClusterMetrics } from '../../src/cluster/cluster-gauges.ts';
import { ClusterWorkSource } from '../../src/cluster/cluster-work-source.ts';
import { ClusterEngine } from '../../src/cluster/engine.ts';
import { createTestDatabase } from '../lab/postgres.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let engine: ClusterEngine;

beforeAll(async () => {
  database = await createTestDatabase('cluster_gauges');
  engine = new ClusterEngine({ url: database.url, workerId: 'gauge-worker', timings: { heartbeatSeconds: 10 } });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await database?.drop();
});

describe('cluster gauges from the database', () => {
  it('counts overdue, running and scheduled domains, the schedule lag and the live workers', async () => {
    const source = new ClusterWorkSource(engine);
    const now = Date.now();
    await source.ensureScheduled([
      { domain: 'late1.example', dueAt: now - 120_000 },
      { domain: 'late2.example', dueAt: now - 30_000 },
      { domain: 'later.example', dueAt: now + 3_600_000 },
    ]);
    const claimed = await source.claim(1); // one of the two due (fetched in creation order, not due order)
    expect(['late1.example', 'late2.example']).toContain(claimed?.domains[0]);
    const snapshot = await new ClusterGauges(engine).read();
    expect(snapshot).toMatchObject({ overdue: 1, running: 1, scheduled: 3 });
    expect(snapshot.scheduleLagSeconds).toBeGreaterThanOrEqual(29);
    expect(snapshot.scheduleLagSeconds).toBeLessThan(200);
    expect(snapshot.workersAlive).toBeGreaterThanOrEqual(1);

    const registry = new Registry();
    registerClusterMetrics(registry, new ClusterGauges(engine), async () => new Date(now - 60_000).toISOString());
    const text = await registry.metrics();
    expect(text).toMatch(/^mailwarden_cluster_domains_overdue 1$/m);
    expect(text).toMatch(/^mailwarden_cluster_domains_running 1$/m);
    expect(text).toMatch(/^mailwarden_cluster_workers_alive [1-9]/m);
    expect(text).toMatch(/^mailwarden_cluster_schedule_lag_seconds (29|[3-9]\d|1\d\d)/m);
    expect(text).toMatch(/^mailwarden_cluster_outbox_oldest_age_seconds (59|6\d)/m);
    await source.committed(claimed!, new Map([[claimed!.domains[0]!, now + 3_600_000]]));
  });
});

describe('cluster health', () => {
  const snapshot = {
    overdue: 0,
    scheduleLagSeconds: 0,
    running: 2,
    scheduled: 100,
    workersAlive: 3,
    workersResolverFailing: 0,
    readAt: 0,
  };

  it('is ok while due domains wait less than a minute (or a tenth of the interval)', () => {
    expect(judgeClusterHealth({ ...snapshot, overdue: 40, scheduleLagSeconds: 50 }, 3_600_000).status).toBe('ok');
    expect(judgeClusterHealth({ ...snapshot, overdue: 40, scheduleLagSeconds: 300 }, 3_600_000).status).toBe('ok');
  });

  it('lags when due domains wait longer, and says how many and how long', () => {
    const health = judgeClusterHealth({ ...snapshot, overdue: 1200, scheduleLagSeconds: 400 }, 3_600_000);
    expect(health.status).toBe('lagging');
    expect(health.reasons[0]).toContain('1200 domains are overdue, the oldest by 400 s');
  });

  it('is not ok without a live worker', () => {
    expect(judgeClusterHealth({ ...snapshot, workersAlive: 0 }, 60_000).reasons).toEqual([
      'no live worker in the cluster',
    ]);
  });
});
