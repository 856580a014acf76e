// Workers of one cluster as in-process Daemons on one lab PostgreSQL database (the real job engine, store and cluster
// tables; fake monitors and canary DNS): what one worker learns reaches the others through the database. Dependents of
// a shared thing that looks worse are brought forward whichever worker checked them; a worker's resolver state is its
// own (its /healthz and resolver gauge), and the Alertmanager re-send, run by any one worker, carries every live
// worker's resolver alert (a real Alertmanager from the lab).
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClusterRuntime, startCluster } from '../../src/cluster/cluster.ts';
import { ClusterGauges, registerClusterMetrics } from '../../src/cluster/cluster-gauges.ts';
import { CHECK_QUEUE } from '../../src/cluster/cluster-work-source.ts';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { DaemonMetrics } from '../../src/http/metrics.ts';
import { startHttpSurface } from '../../src/http/server.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import { createStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { fakeDns } from '../daemon/fakes.ts';
import { type RunningAlertmanager, startAlertmanager } from '../lab/lib/alertmanager.ts';
import { createTestDatabase } from '../lab/postgres.ts';

const logger = pino({ level: 'silent' });
const MX = 'mx1.hoster.example/192.0.2.25';

/** Every domain's mail goes through one shared MX address, whose STARTTLS the test breaks. */
function sharedMxMonitor(mx: { status: Status }, checked: string[]): Monitor {
  return {
    name: 'starttls',
    async run(_context, domain): Promise<Finding[]> {
      checked.push(domain);
      return [
        { check: 'starttls.offered', subject: MX, status: mx.status, summary: `STARTTLS ${mx.status}`, evidence: {} },
      ];
    },
  };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const running: { runtime: ClusterRuntime; store: StateStore; daemon: Daemon }[] = [];

beforeEach(async () => {
  database = await createTestDatabase('cluster_daemons');
});

afterEach(async () => {
  for (const { runtime, store, daemon } of running.splice(0)) {
    daemon.close();
    await runtime.stop();
    await store.close();
  }
  await database?.drop();
});

interface Worker {
  id: string;
  daemon: Daemon;
  runtime: ClusterRuntime;
  checked: string[];
  canaryDown: { value: boolean };
  /** Claims and checks until nothing is due for this worker. */
  drain(): Promise<void>;
}

async function worker(id: string, domains: string[], mx: { status: Status }, yaml = ''): Promise<Worker> {
  const config = parseConfig(
    `
schedule: { interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 1 }
alerting: { confirmDelay: 3m }
state: { url: '${database.url}' }
domains: [${domains.join(', ')}]
${yaml}`,
    join('/nonexistent', 'config.yaml'),
    { env: {} },
  );
  const store = createStateStore(database.url);
  await store.open();
  const runtime = await startCluster({
    url: database.url,
    logger,
    intervalMs: config.schedule.interval,
    confirmDelayMs: config.alerting.confirmDelay,
    workerId: id,
    timings: { heartbeatSeconds: 10, superviseSeconds: 5 },
  });
  const checked: string[] = [];
  const canaryDown = { value: false };
  const daemon = new Daemon({
    config,
    store,
    logger,
    monitors: [sharedMxMonitor(mx, checked)],
    dns: fakeDns({ value: false }),
    canaryDns: fakeDns(canaryDown),
    canaryConfirmPauseMs: 0,
    guard: { check: () => ({ allowed: true }) },
    cluster: runtime,
  });
  running.push({ runtime, store, daemon });
  await daemon.schedule();
  const drain = async () => {
    while ((await daemon.tick()) !== undefined) {}
  };
  return { id, daemon, runtime, checked, canaryDown, drain };
}

/** When each domain's pending check is due (epoch ms). */
async function pendingDue(runtime: ClusterRuntime): Promise<Map<string, number>> {
  const { rows } = await runtime.engine.pool.query(
    `SELECT singleton_key AS domain, extract(epoch FROM start_after) * 1000 AS at FROM mailwarden_jobs.job
     WHERE name = $1 AND state < 'active'`,
    [CHECK_QUEUE],
  );
  return new Map(rows.map((row: { domain: string; at: string }) => [row.domain, Number(row.at)]));
}

describe('dependents of a shared thing, cluster-wide', () => {
  it('a shared MX that looks worse to worker A brings forward the dependents only worker B has checked', async () => {
    const domains = ['a.example', 'b.example', 'c.example', 'd.example'];
    const mx = { status: 'ok' as Status };
    const a = await worker('worker-a', domains, mx);
    const b = await worker('worker-b', domains, mx);
    // B checks three domains, A the fourth: A has never seen the other three.
    for (let i = 0; i < 3; i++) expect(await b.daemon.tick()).toBeDefined();
    await a.drain();
    expect(a.checked).toHaveLength(1);
    expect(b.checked).toHaveLength(3);
    const own = a.checked[0]!;
    const others = domains.filter((domain) => domain !== own);
    expect(b.checked.toSorted()).toEqual(others);
    // Every domain's next check is an hour away.
    const before = await pendingDue(a.runtime);
    for (const domain of domains) expect(before.get(domain)).toBeGreaterThan(Date.now() + 30 * 60_000);

    // The MX stops offering STARTTLS; A's domain comes up first (as if its slot came), and A sees it.
    mx.status = 'fail';
    await a.runtime.work.dueNow([own]);
    expect(await a.daemon.tick()).toBeDefined();
    expect(a.checked).toEqual([own, own]);
    const after = await pendingDue(a.runtime);
    for (const domain of others) expect(after.get(domain), domain).toBeLessThanOrEqual(Date.now());
    // A's own domain waits for its confirmation, not for the others.
    expect(after.get(own)).toBeGreaterThan(Date.now() + 60_000);
    // Any worker claims them now: B checks the three at once.
    await b.drain();
    for (const domain of others) expect(b.checked.slice(3)).toContain(domain);
  });

  it("replaces a domain's dependencies when its findings change, so a thing it left no longer brings it forward", async () => {
    const mx = { status: 'ok' as Status };
    const a = await worker('worker-a', ['a.example', 'b.example'], mx);
    await a.drain();
    const rows = async () =>
      (await a.runtime.engine.pool.query('SELECT domain, key FROM mailwarden_cluster.dependency ORDER BY domain, key'))
        .rows;
    expect(await rows()).toEqual([
      { domain: 'a.example', key: 'mx-address:192.0.2.25' },
      { domain: 'b.example', key: 'mx-address:192.0.2.25' },
    ]);
    await a.runtime.dependents.record([{ domain: 'a.example', keys: ['mx-address:192.0.2.99'] }]);
    expect(await rows()).toEqual([
      { domain: 'a.example', key: 'mx-address:192.0.2.99' },
      { domain: 'b.example', key: 'mx-address:192.0.2.25' },
    ]);
    const moved = await a.runtime.dependents.bringForward(['mx-address:192.0.2.25'], []);
    expect([...moved]).toEqual([['mx-address:192.0.2.25', 1]]);
    const due = await pendingDue(a.runtime);
    expect(due.get('b.example')).toBeLessThanOrEqual(Date.now());
    expect(due.get('a.example')).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});

describe("a worker's resolver state in the database", () => {
  let alertmanager: RunningAlertmanager | undefined;
  afterEach(async () => {
    await alertmanager?.stop();
    alertmanager = undefined;
  });

  it("re-sends every live worker's resolver alert, named per worker; /healthz, the gauges and the re-send follow each worker's own state", async () => {
    alertmanager = await startAlertmanager(
      ['route:', '  receiver: none', 'receivers:', '  - name: none', ''].join('\n'),
    );
    const yaml = `channels: { am: { type: webhook, format: alertmanager, url: '${alertmanager.url}/api/v2/alerts' } }
routes: [ { name: am, channels: [am], groupWait: 0s } ]
alertmanager: { resendInterval: 1m }`;
    const domains = ['a.example', 'b.example', 'c.example', 'd.example'];
    const mx = { status: 'ok' as Status };
    const healthy = await worker('worker-ok', domains, mx, yaml);
    const broken = await worker('worker-broken', domains, mx, yaml);
    const third = await worker('worker-third', domains, mx, yaml);
    broken.canaryDown.value = true;
    third.canaryDown.value = true;
    // The broken workers hold a batch each and say so; the healthy one checks.
    expect((await broken.daemon.tick())?.resolverHealthy).toBe(false);
    expect((await third.daemon.tick())?.resolverHealthy).toBe(false);
    await healthy.drain();
    expect(healthy.checked.length).toBeGreaterThan(0);
    expect(broken.daemon.status()).toMatchObject({ worker: 'worker-broken', workerResolverDown: {} });
    expect(healthy.daemon.status().workerResolverDown).toBeUndefined();

    // Each worker's /healthz and resolver gauge say its own state; the cluster gauge counts the failing workers.
    const surfaces = await Promise.all(
      [healthy, broken].map(async (w) => {
        const metrics = new DaemonMetrics({ defaultMetrics: false });
        metrics.attach(w.daemon);
        registerClusterMetrics(metrics.registry, w.runtime.gauges);
        const http = await startHttpSurface({
          config: { listen: '127.0.0.1:0', dashboard: false },
          source: w.daemon,
          metrics,
          logger,
        });
        return { http, metrics };
      }),
    );
    try {
      const health = await Promise.all(
        surfaces.map(async ({ http }) => {
          const response = await fetch(`http://${http.address}/healthz`);
          return { status: response.status, body: (await response.json()) as { reasons: string[]; resolver: unknown } };
        }),
      );
      expect(health[0]!.status).toBe(503); // the scheduler is not running (driven tick by tick), but the resolver is fine
      expect(health[0]!.body.resolver).toEqual({ healthy: true });
      expect(health[1]!.status).toBe(503);
      expect(health[1]!.body.resolver).toMatchObject({ healthy: false });
      expect(health[1]!.body.reasons.join('\n')).toContain('worker worker-broken: canary queries failed');
      const texts = await Promise.all(surfaces.map(({ metrics }) => metrics.registry.metrics()));
      expect(texts[0]).toMatch(/^mailwarden_resolver_up 1$/m);
      expect(texts[1]).toMatch(/^mailwarden_resolver_up 0$/m);
      for (const text of texts) expect(text).toMatch(/^mailwarden_cluster_workers_resolver_failing 2$/m);
    } finally {
      for (const { http } of surfaces) await http.close();
    }

    // The re-send, run by the healthy worker (any worker runs the cluster job), carries both failing workers' alerts,
    // each by its name (nothing was delivered yet: these come from the re-send alone).
    const resolverAlerts = async () =>
      (await alertmanager!.alerts())
        .filter((alert) => alert.labels.alertname === 'MailwardenResolver' && alert.status.state === 'active')
        .map((alert) => ({
          worker: alert.labels.worker,
          detail: alert.annotations.detail,
          fingerprint: alert.fingerprint,
        }))
        .toSorted((x, y) => String(x.worker).localeCompare(String(y.worker)));
    expect(await resolverAlerts()).toEqual([]);
    await healthy.daemon.resendOpenAlerts();
    const resent = await resolverAlerts();
    expect(resent).toEqual([
      {
        worker: 'worker-broken',
        detail: expect.stringContaining('worker worker-broken: canary queries failed'),
        fingerprint: expect.any(String),
      },
      {
        worker: 'worker-third',
        detail: expect.stringContaining('worker worker-third: canary queries failed'),
        fingerprint: expect.any(String),
      },
    ]);
    // The workers' own notices, delivered now, are the same two alerts (same labels), not two more.
    await healthy.daemon.deliver();
    expect((await resolverAlerts()).map((alert) => alert.fingerprint)).toEqual(
      resent.map((alert) => alert.fingerprint),
    );

    // The third worker's resolver answers again: its alert resolves, and the re-send no longer carries it.
    third.canaryDown.value = false;
    await third.runtime.work.dueNow(['a.example']);
    expect((await third.daemon.tick())?.resolverHealthy).toBe(true);
    await third.daemon.deliver();
    expect((await resolverAlerts()).map((alert) => alert.worker)).toEqual(['worker-broken']);
    await healthy.daemon.resendOpenAlerts();
    expect((await resolverAlerts()).map((alert) => alert.worker)).toEqual(['worker-broken']);
    expect((await new ClusterGauges(healthy.runtime.engine).read()).workersResolverFailing).toBe(1);

    // A worker that stopped is not live: its resolver alert is no longer re-sent (Alertmanager lets it expire).
    await broken.runtime.workers.stop();
    expect(await healthy.runtime.workers.resolversDown()).toEqual([]);
  }, 60_000);
});
