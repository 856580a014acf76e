import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { judgeHealth } from '../../src/http/health.ts';
import { DaemonMetrics } from '../../src/http/metrics.ts';
import { type HttpSurface, startHttpSurface } from '../../src/http/server.ts';
import type { Status } from '../../src/model.ts';
import { EmbeddedStore } from '../../src/state/embedded-store.ts';
import { fakeDns, fakeMonitor, RecordingChannel } from '../daemon/fakes.ts';

const logger = pino({ level: 'silent' });
const DOMAINS = ['a.example', 'b.example', 'c.example'];

interface Harness {
  daemon: Daemon;
  store: EmbeddedStore;
  http: HttpSurface;
  statuses: Map<string, Status>;
  channel: RecordingChannel;
  down: { value: boolean };
  get(path: string, init?: RequestInit): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON bodies of many endpoints, asserted field by field
  json(path: string): Promise<{ status: number; body: any }>;
  /** Makes every domain due now and runs one batch. */
  checkAll(): Promise<void>;
}

let dir: string;
let h: Harness;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-http-'));
  const config = parseConfig(
    `schedule: { interval: 1h, jitter: 0, firstCheckSpread: 0s }
alerting: { confirmDelay: 1s, resolverMinBatch: 10 }
state: { dir: ${dir} }
http: { listen: "127.0.0.1:0" }
channels: { ops: { type: log } }
routes: [ { name: all, channels: [ops] } ]
domains: [a.example, { name: b.example, tags: [gold] }, c.example]
`,
    join(dir, 'config.yaml'),
    { env: {} },
  );
  const store = new EmbeddedStore({ dir, writeDelayMs: 1 });
  await store.open();
  const statuses = new Map<string, Status>();
  const channel = new RecordingChannel('ops');
  const down = { value: false };
  const metrics = new DaemonMetrics({ defaultMetrics: false });
  const daemon = new Daemon({
    config,
    store,
    logger,
    monitors: [fakeMonitor(statuses, new Map())],
    dns: fakeDns({ value: false }),
    canaryDns: fakeDns(down),
    canaryConfirmPauseMs: 0,
    guard: { check: () => ({ allowed: true }) },
    channels: new Map([['ops', channel]]),
    observer: metrics,
  });
  metrics.attach(daemon);
  daemon.schedule();
  const http = await startHttpSurface({ listen: config.http.listen!, daemon, metrics, logger });
  const base = `http://${http.address}`;
  h = {
    daemon,
    store,
    http,
    statuses,
    channel,
    down,
    get: (path, init) => fetch(`${base}${path}`, init),
    json: async (path) => {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      return { status: response.status, body: await response.json() };
    },
    checkAll: async () => {
      for (const domain of DOMAINS) daemon.queue.schedule(domain, 0);
      await daemon.tick();
    },
  };
});

afterEach(async () => {
  h.daemon.stop();
  await h.http.close();
  await h.store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The value of one sample line of the Prometheus text format, e.g. `mailwarden_domains{state="due"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('counts checks, findings by check and status, changes by kind, deliveries, queue and outbox', async () => {
    let text = await (await h.get('/metrics')).text();
    expect(sample(text, 'mailwarden_domains{state="configured"}')).toBe(3);
    expect(sample(text, 'mailwarden_domains{state="due"}')).toBe(3);
    expect(sample(text, 'mailwarden_domain_checks_total')).toBe(0);

    await h.checkAll();
    h.statuses.set('b.example', 'fail');
    await h.checkAll();
    h.channel.failing = true;
    await h.checkAll(); // confirms the regression; the delivery fails and stays in the outbox

    const response = await h.get('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = await response.text();
    expect(sample(text, 'mailwarden_domain_checks_total')).toBe(9);
    expect(sample(text, 'mailwarden_batches_total{resolver="healthy"}')).toBe(3);
    expect(sample(text, 'mailwarden_findings{check="fake.policy",status="ok"}')).toBe(2);
    expect(sample(text, 'mailwarden_findings{check="fake.policy",status="fail"}')).toBe(1);
    expect(sample(text, 'mailwarden_changes_total{kind="regression"}')).toBe(1);
    expect(sample(text, 'mailwarden_alert_deliveries_total{channel="ops",result="failed"}')).toBe(1);
    expect(sample(text, 'mailwarden_outbox_queued')).toBe(1);
    expect(sample(text, 'mailwarden_domains{state="due"}')).toBe(0);
    expect(sample(text, 'mailwarden_resolver_up')).toBe(1);
    expect(sample(text, 'mailwarden_batch_duration_seconds_count')).toBe(3);
    expect(text).toContain('mailwarden_dns_queries_total{kind="requested"}');

    h.channel.failing = false;
    h.daemon.queue.schedule('a.example', 0);
    await h.store.flush();
    // Deliveries are retried by the loop; force the retry time to now.
    for (const entry of h.store.outbox()) h.store.putOutbox({ ...entry, nextAttemptAt: new Date(0).toISOString() });
    await h.daemon.tick();
    text = await (await h.get('/metrics')).text();
    expect(sample(text, 'mailwarden_alert_deliveries_total{channel="ops",result="sent"}')).toBe(1);
    expect(sample(text, 'mailwarden_outbox_queued')).toBe(0);
  });
});

describe('/healthz', () => {
  it('is 503 until the scheduler runs, 200 while it runs, 503 with the reason while the resolver fails', async () => {
    let response = await h.json('/healthz');
    expect(response.status).toBe(503);
    expect(response.body.reasons).toEqual(['the scheduler is not running (starting or stopping)']);

    const loop = h.daemon.run();
    try {
      await waitUntil(() => h.daemon.status().lastBatch !== undefined);
      response = await h.json('/healthz');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok', reasons: [], resolver: { healthy: true } });

      h.down.value = true;
      await h.checkAll();
      response = await h.json('/healthz');
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('unhealthy');
      expect(response.body.reasons).toHaveLength(1);
      expect(response.body.reasons[0]).toMatch(
        /^the resolver is failing since .*: canary queries failed: \.: no answer/,
      );
      expect(response.body.resolver.healthy).toBe(false);
    } finally {
      h.daemon.stop();
      await loop;
    }
    response = await h.json('/healthz');
    expect(response.status).toBe(503);
  });

  it('reports a loop that stopped ticking and a batch that hangs', () => {
    const now = new Date('2025-01-01T01:00:00Z');
    expect(judgeHealth({ running: true, lastTickAt: '2025-01-01T00:59:50Z' }, {}, now).status).toBe('ok');
    expect(judgeHealth({ running: true, lastTickAt: '2025-01-01T00:50:00Z' }, {}, now).reasons).toEqual([
      'the scheduler has not ticked since 2025-01-01T00:50:00Z',
    ]);
    expect(
      judgeHealth(
        { running: true, lastTickAt: '2025-01-01T00:50:00Z', batchStartedAt: '2025-01-01T00:50:00Z' },
        {},
        now,
      ).status,
    ).toBe('ok');
    expect(
      judgeHealth(
        { running: true, lastTickAt: '2025-01-01T00:00:00Z', batchStartedAt: '2025-01-01T00:00:00Z' },
        {},
        now,
      ).reasons,
    ).toEqual(['a batch has been running for 3600 s']);
  });
});

describe('JSON API', () => {
  it('lists domains with their worst confirmed status and shows one domain’s findings and history', async () => {
    let list = await h.json('/api/domains');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.domains[0]).toEqual({
      domain: 'a.example',
      tags: [],
      status: null,
      lastCheckedAt: null,
      nextDueAt: null,
      openAlerts: 0,
      pendingChanges: 0,
    });

    await h.checkAll();
    h.statuses.set('b.example', 'fail');
    await h.checkAll();
    let detail = await h.json('/api/domains/b.example');
    expect(detail.body).toMatchObject({ domain: 'b.example', tags: ['gold'], status: 'ok', pendingChanges: 1 });
    expect(detail.body.findings).toEqual([
      expect.objectContaining({
        check: 'fake.policy',
        subject: 'b.example',
        status: 'ok',
        evidence: { txt: 'v=fake1 <!channel>' },
        pending: expect.objectContaining({ status: 'fail', count: 1 }),
      }),
    ]);

    await h.checkAll();
    detail = await h.json('/api/domains/B.Example.');
    expect(detail.body).toMatchObject({ domain: 'b.example', status: 'fail', openAlerts: 1, pendingChanges: 0 });
    expect(detail.body.findings[0]).toMatchObject({ status: 'fail', openAlert: { kind: 'regression' } });

    list = await h.json('/api/domains?limit=1&offset=1');
    expect(list.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['b.example']);
    expect(list.body.domains[0].status).toBe('fail');

    const history = await h.json('/api/history/b.example');
    expect(history.status).toBe(200);
    expect(history.body.entries).toHaveLength(1);
    expect(history.body.entries[0]).toMatchObject({
      domain: 'b.example',
      kind: 'regression',
      check: 'fake.policy',
      before: { status: 'ok' },
      after: { status: 'fail' },
    });
    expect((await h.json('/api/history/b.example?since=2999-01-01T00:00:00Z')).body.entries).toEqual([]);
  });

  it('answers 404 for unknown domains and paths, 400 for bad parameters, 405 for writes', async () => {
    expect(await h.json('/api/domains/unknown.example')).toEqual({
      status: 404,
      body: { error: 'unknown.example is not a configured domain' },
    });
    expect((await h.json('/api/history/unknown.example')).status).toBe(404);
    expect((await h.json('/api/nothing')).status).toBe(404);
    expect((await h.json('/')).status).toBe(404);
    expect((await h.json('/api/domains?limit=-3')).status).toBe(400);
    expect((await h.json('/api/history/a.example?since=yesterday')).status).toBe(400);
    const post = await h.get('/api/domains', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('listener', () => {
  it('refuses to start on an address in use', async () => {
    await expect(
      startHttpSurface({
        listen: h.http.address,
        daemon: h.daemon,
        metrics: new DaemonMetrics({ defaultMetrics: false }),
        logger,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
