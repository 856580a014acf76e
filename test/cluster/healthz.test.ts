import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterSnapshot, judgeClusterHealth } from '../../src/cluster/cluster-gauges.ts';
import type { DaemonStatus } from '../../src/daemon/daemon.ts';
import { DaemonMetrics } from '../../src/http/metrics.ts';
import { type HttpSurface, startHttpSurface } from '../../src/http/server.ts';
import { SqliteStateStore } from '../../src/state/sqlite/sqlite-store.ts';

const HOUR = 3_600_000;
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A worker's HTTP surface whose scheduler is fine, with the cluster as the database would report it. */
async function worker(snapshot: ClusterSnapshot): Promise<HttpSurface> {
  const store = new SqliteStateStore(':memory:');
  await store.open();
  const status: DaemonStatus = { running: true, lastTickAt: new Date().toISOString() };
  const metrics = new DaemonMetrics({ defaultMetrics: false });
  metrics.attach({ store, status: () => status });
  const http = await startHttpSurface({
    config: { listen: '127.0.0.1:0', dashboard: false },
    source: { store, status: () => status },
    metrics,
    logger: pino({ level: 'silent' }),
    clusterHealth: async () => judgeClusterHealth(snapshot, HOUR),
  });
  close = async () => {
    await http.close();
    await store.close();
  };
  return http;
}

const healthy: ClusterSnapshot = {
  overdue: 3,
  scheduleLagSeconds: 4,
  running: 500,
  scheduled: 100_000,
  workersAlive: 3,
  workersResolverFailing: 0,
  readAt: 0,
};

describe('/healthz of a cluster worker', () => {
  it('is 200 for a healthy cluster and shows the cluster figures', async () => {
    const http = await worker(healthy);
    const response = await fetch(`http://${http.address}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; reasons: string[]; cluster: unknown };
    expect(body.status).toBe('ok');
    expect(body.cluster).toMatchObject({ status: 'ok', cluster: { overdue: 3, workersAlive: 3 } });
  });

  it('is 503 with the reason when the cluster lags, though this worker itself is fine', async () => {
    const http = await worker({ ...healthy, overdue: 25_000, scheduleLagSeconds: 900 });
    const response = await fetch(`http://${http.address}/healthz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; reasons: string[]; cluster: unknown };
    expect(body.status).toBe('unhealthy');
    expect(body.reasons).toEqual([
      'the cluster lags: 25000 domains are overdue, the oldest by 900 s (more than 360 s)',
    ]);
  });
});
