// End to end, cluster faults: PostgreSQL restarting under `mailwarden run --workers 2` (the workers wait and resume,
// none dies), and a worker whose own resolver is broken (it holds its batches and says so; the other worker checks
// the domains; no domain alert is made up from the broken resolver).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labInfo } from '../lab/info.ts';
import { type PrivatePostgres, startPrivatePostgres } from '../lab/postgres.ts';
import { completions, setSchedule } from './cluster-harness.ts';
import { type Receivers, startDaemon, startReceivers, tmpConfig, waitFor } from './harness.ts';

/** Lab zones nothing else changes. */
const DOMAINS = ['mx-good.test', 'mx-null.test', 'mx-none.test', 'mx-cname.test'];
const INTERVAL_S = 6;

let receivers: Receivers;
let postgres: PrivatePostgres;

beforeAll(async () => {
  receivers = await startReceivers();
  postgres = await startPrivatePostgres();
});

afterAll(async () => {
  await receivers?.close();
  await postgres?.close();
});

async function clusterConfig(url: string, resolver: string) {
  const lab = labInfo();
  const config = await tmpConfig({
    stateUrl: url,
    resolver,
    trustAnchorFile: lab.trustAnchorFile,
    ...(lab.caFile ? { caFile: lab.caFile } : {}),
    domains: DOMAINS,
    receivers,
    extra: 'cluster: { heartbeat: 10s }\n',
  });
  setSchedule(config.file, INTERVAL_S, 2);
  return config;
}

const checkedAfter = async (db: () => Promise<pg.Client>, time: number) => {
  const client = await db();
  try {
    const done = await completions(client);
    return DOMAINS.every((domain) => (done.get(domain) ?? []).some((at) => at > time));
  } finally {
    await client.end();
  }
};

describe('cluster faults', () => {
  it('waits while PostgreSQL restarts and resumes: no worker dies, every domain is checked again', async () => {
    const database = await postgres.createDatabase('cluster_restart');
    const lab = labInfo();
    const config = await clusterConfig(database.url, `${lab.resolver.address}:${lab.resolver.port}`);
    const connect = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      return client;
    };
    const cluster = startDaemon(config.file, ['--workers', '2']);
    let exit: Awaited<ReturnType<typeof cluster.stop>> | undefined;
    try {
      await waitFor('both workers running', () => cluster.lines('mailwarden started').length >= 2, 60_000);
      await waitFor('the baseline of every domain', () => checkedAfter(connect, 0), 60_000);
      await postgres.stop();
      const downAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      await postgres.start();
      const upAt = Date.now();
      await waitFor('every domain checked after the restart', () => checkedAfter(connect, upAt), 90_000);
      // They noticed (a warning, not a crash) and stayed up.
      expect(
        cluster.logs.some((line) => (line.level ?? 0) >= 40 && Date.parse(String(line.time)) >= downAt - 1000),
      ).toBe(true);
      expect(cluster.logs.filter((line) => String(line.msg).startsWith('worker died'))).toHaveLength(0);
    } finally {
      exit = await cluster.stop();
      await config.remove();
    }
    expect(exit).toEqual({ code: 0, signal: null });
    await database.drop();
  }, 240_000);

  it('a worker whose own resolver is broken holds its batches and says so; the healthy worker checks the domains', async () => {
    const database = await postgres.createDatabase('cluster_resolver');
    const lab = labInfo();
    const healthyConfig = await clusterConfig(database.url, `${lab.resolver.address}:${lab.resolver.port}`);
    // Nothing listens there: every query of this worker times out.
    const brokenConfig = await clusterConfig(database.url, '127.53.1.254:53');
    const connect = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      return client;
    };
    for (const http of [receivers.slack, receivers.webhook]) http.requests.length = 0;
    receivers.smtp.mails.length = 0;
    const broken = startDaemon(brokenConfig.file);
    const healthy = startDaemon(healthyConfig.file);
    try {
      await waitFor(
        'the broken worker holding a batch',
        () => broken.lines('run held: resolver failing').length >= 1,
        60_000,
      );
      const heldAt = Date.now();
      await waitFor('every domain checked by the healthy worker', () => checkedAfter(connect, heldAt), 60_000);
      // It says so: one resolver alert, naming the worker, on each route.
      const resolverAlerts = () =>
        receivers.webhook.requests.filter((request) => request.body.includes('"resolver-down"')).length;
      await waitFor('the resolver alert', () => resolverAlerts() >= 1, 30_000);
      // (The healthy worker's first checks also send "already failing" notices for these lab zones: not counted.)
      const notices = receivers.webhook.requests
        .flatMap(
          (request) =>
            (JSON.parse(request.body) as { notices: { type: string; detail?: string; worker?: string }[] }).notices,
        )
        .filter((notice) => notice.type.startsWith('resolver'));
      expect(notices.map((notice) => notice.type)).toEqual(['resolver-down']);
      const brokenWorker = String(broken.lines('mailwarden started')[0]?.worker);
      expect(notices[0]!.detail).toContain(`worker ${brokenWorker}`);
      expect(notices[0]!.worker).toBe(brokenWorker);
      // Two more cycles: no domain alert, and the healthy worker's batches did not flip the broken one's state.
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_S * 2 * 1000));
      const later = receivers.webhook.requests.flatMap(
        (request) => (JSON.parse(request.body) as { notices: { type: string }[] }).notices,
      );
      expect(later.filter((notice) => notice.type !== 'baseline').map((notice) => notice.type)).toEqual([
        'resolver-down',
      ]);
      expect(healthy.lines('run held: resolver failing')).toHaveLength(0);
    } finally {
      await Promise.all([broken.stop(), healthy.stop()]);
      await healthyConfig.remove();
      await brokenConfig.remove();
    }
    await database.drop();
  }, 240_000);
});
