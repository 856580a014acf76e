import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.ts';
import { judgeHealth } from '../../src/http/health.ts';
import { domainUrl } from '../../src/http/links.ts';
import { DaemonMetrics } from '../../src/http/metrics.ts';
import { startHttpSurface } from '../../src/http/server.ts';
import { createStateStore } from '../../src/state/open-store.ts';
import { FixtureStore } from '../support/fixture-store.ts';
import { testDatabase } from '../support/stores.ts';
import { type HttpHarness, NOW, startHarness } from './harness.ts';

let h: HttpHarness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.close();
});

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The overview's listing through the API: paging, tag, status, check, search and sort, done by the store. */
async function checkListing(h: HttpHarness): Promise<void> {
  let list = await h.json('/api/domains');
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(5);
  expect(list.body.domains.map((d: { domain: string }) => d.domain)).toEqual([
    'flaky.example',
    'good.example',
    'new.example',
    'nodnssec.example',
    'spf-broke.example',
  ]);
  list = await h.json('/api/domains?limit=2&offset=2');
  expect(list.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['new.example', 'nodnssec.example']);
  list = await h.json('/api/domains?tag=customer-a&status=fail');
  expect(list.body.total).toBe(2);
  list = await h.json('/api/domains?standard=spf&status=fail');
  expect(list.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['spf-broke.example']);
  list = await h.json('/api/domains?q=dnssec');
  expect(list.body.domains).toHaveLength(1);
  expect(list.body.domains[0]).toMatchObject({
    domain: 'nodnssec.example',
    status: 'fail',
    tags: ['customer-a', 'gold'],
    standards: { dnssec: 'fail', dane: 'warn', spf: 'ok' },
  });
  list = await h.json('/api/domains?sort=openAlerts&order=desc&limit=1');
  expect(list.body.domains[0]).toMatchObject({ domain: 'spf-broke.example', openAlerts: 1 });
}

describe('/metrics', () => {
  it('reports aggregate gauges from the store, never one series per domain', async () => {
    const response = await h.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'mailwarden_domains{state="configured"}')).toBe(5);
    // Checked in the scenario with the next check an hour later, months ago: overdue; new.example has no due time.
    expect(sample(text, 'mailwarden_domains{state="overdue"}')).toBe(4);
    expect(sample(text, 'mailwarden_domain_status{status="ok"}')).toBe(2);
    expect(sample(text, 'mailwarden_domain_status{status="fail"}')).toBe(2);
    expect(sample(text, 'mailwarden_domain_status{status="unchecked"}')).toBe(1);
    expect(sample(text, 'mailwarden_open_alerts')).toBe(1);
    expect(sample(text, 'mailwarden_outbox_queued')).toBe(0);
    expect(sample(text, 'mailwarden_outbox_dead')).toBe(0);
    expect(sample(text, 'mailwarden_resolver_up')).toBe(1);
    expect(text).not.toContain('good.example');
  });

  it('counts batches and changes the daemon reports', async () => {
    h.metrics.batchFinished({
      reports: [{ domain: 'good.example', checkedAt: NOW.toISOString(), findings: [] }],
      changes: [
        {
          kind: 'regression',
          domain: 'good.example',
          check: 'spf.policy',
          subject: 'good.example',
          at: NOW.toISOString(),
        },
      ],
      summary: { durationMs: 1500, resolverHealthy: true },
    });
    const text = await (await h.get('/metrics')).text();
    expect(sample(text, 'mailwarden_domain_checks_total')).toBe(1);
    expect(sample(text, 'mailwarden_changes_total{kind="regression"}')).toBe(1);
    expect(sample(text, 'mailwarden_batch_duration_seconds_count')).toBe(1);
  });
});

describe('/healthz', () => {
  it('is 503 while the scheduler does not run, 200 while it ticks, 503 with the reason while the resolver fails', async () => {
    let response = await h.json('/healthz');
    expect(response.status).toBe(503);
    expect(response.body.reasons).toEqual(['the scheduler is not running (starting or stopping)']);
    h.status.running = true;
    h.status.lastTickAt = NOW.toISOString();
    response = await h.json('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', reasons: [], resolver: { healthy: true } });
    await h.store.commitBatch({
      domains: [],
      history: [],
      standards: [],
      records: [],
      outbox: [],
      global: { resolverDown: { since: NOW.toISOString(), detail: 'canary queries failed' } },
    });
    response = await h.json('/healthz');
    expect(response.status).toBe(503);
    expect(response.body.reasons).toEqual([
      `the resolver is failing since ${NOW.toISOString()}: canary queries failed`,
    ]);
    const text = await (await h.get('/metrics')).text();
    expect(sample(text, 'mailwarden_resolver_up')).toBe(0);
  });

  it('reports a loop that stopped ticking and a batch that hangs', () => {
    const now = new Date('2025-01-01T01:00:00Z');
    expect(judgeHealth({ running: true, lastTickAt: '2025-01-01T00:59:50Z' }, {}, now).status).toBe('ok');
    expect(judgeHealth({ running: true, lastTickAt: '2025-01-01T00:50:00Z' }, {}, now).reasons).toEqual([
      'the scheduler has not ticked since 2025-01-01T00:50:00Z',
    ]);
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
  it('pages, filters and sorts the domain list on the server', async () => {
    await checkListing(h);
  });

  it('shows one domain’s findings and history', async () => {
    const detail = await h.json('/api/domains/SPF-Broke.Example.');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ domain: 'spf-broke.example', status: 'fail', openAlerts: 1 });
    const spf = detail.body.findings.find((f: { check: string }) => f.check === 'spf.policy');
    expect(spf).toMatchObject({ status: 'fail', openAlert: { kind: 'regression' } });
    const history = await h.json('/api/history/spf-broke.example');
    expect(history.body.entries).toHaveLength(1);
    expect(history.body.entries[0]).toMatchObject({ kind: 'regression', check: 'spf.policy' });
    const unchecked = await h.json('/api/domains/new.example');
    expect(unchecked.body).toMatchObject({ domain: 'new.example', status: null, findings: [] });
  });

  it('answers 404 for unknown domains and paths, 400 for bad parameters, 405 for writes', async () => {
    expect(await h.json('/api/domains/unknown.example')).toEqual({
      status: 404,
      body: { error: 'unknown.example is not a configured domain' },
    });
    expect((await h.json('/api/history/unknown.example')).status).toBe(404);
    expect((await h.json('/api/nothing')).status).toBe(404);
    expect((await h.json('/nothing')).status).toBe(404);
    expect((await h.json('/api/domains?limit=0')).status).toBe(400);
    expect((await h.json('/api/domains?offset=-1')).status).toBe(400);
    expect((await h.json('/api/domains?status=green')).status).toBe(400);
    expect((await h.json('/api/domains?sort=size')).status).toBe(400);
    expect((await h.json('/api/history/good.example?since=yesterday')).status).toBe(400);
    const post = await h.get('/api/domains', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await h.get('/api/domains', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('refuses to start on an address in use', async () => {
    await expect(
      startHttpSurface({
        config: { listen: h.http.address, dashboard: false },
        source: { store: h.store, status: () => h.status },
        metrics: new DaemonMetrics({ defaultMetrics: false }),
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('authentication', () => {
  const source = () => ({ store: new FixtureStore(), status: () => ({ running: false }) });
  const start = (listen: string, dashboard: boolean) =>
    startHttpSurface({
      config: { listen, dashboard },
      source: source(),
      metrics: new DaemonMetrics({ defaultMetrics: false }),
      logger: pino({ level: 'silent' }),
    });

  it('refuses to serve the dashboard beyond loopback without authentication, and says what to set', async () => {
    await expect(start('0.0.0.0:0', true)).rejects.toThrow(
      /http\.dashboard is on and http\.listen \(0\.0\.0\.0:0\) is not a loopback address, but http\.auth is not set/,
    );
    await expect(start('[::]:0', true)).rejects.toThrow(/http\.auth\.token/);
    const loopback = await start('127.0.0.2:0', true);
    await loopback.close();
    const noDashboard = await start('0.0.0.0:0', false);
    await noDashboard.close();
  });

  it('accepts a bearer token, basic credentials or a trusted proxy’s header; /healthz stays open', async () => {
    await h.close();
    h = await startHarness({
      listen: '0.0.0.0:0',
      auth: {
        token: new Secret('s3cret-token'),
        basic: { user: 'auditor', password: new Secret('pa:ss') },
        trustedProxy: { header: 'X-Remote-User', from: ['127.0.0.1'] },
      },
    });
    const url = `http://127.0.0.1:${h.http.port}`;
    const anonymous = await fetch(`${url}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="mailwarden"/);
    expect((await fetch(`${url}/api/domains`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    const bearer = (token: string) => fetch(`${url}/`, { headers: { authorization: `Bearer ${token}` } });
    expect((await bearer('s3cret-token')).status).toBe(200);
    expect((await bearer('s3cret-tokeN')).status).toBe(401);
    const basic = (user: string, password: string) =>
      fetch(`${url}/api/domains`, {
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      });
    expect((await basic('auditor', 'pa:ss')).status).toBe(200);
    expect((await basic('auditor', 'pa:s')).status).toBe(401);
    expect((await basic('admin', 'pa:ss')).status).toBe(401);
    expect((await fetch(`${url}/`, { headers: { 'x-remote-user': 'alice' } })).status).toBe(200);
    expect((await fetch(`${url}/`, { headers: { 'x-remote-user': '' } })).status).toBe(401);
  });

  it('ignores the proxy header from any other address', async () => {
    await h.close();
    h = await startHarness({
      listen: '0.0.0.0:0',
      auth: { trustedProxy: { header: 'X-Remote-User', from: ['127.0.0.9'] } },
    });
    const response = await fetch(`http://127.0.0.1:${h.http.port}/`, { headers: { 'x-remote-user': 'alice' } });
    expect(response.status).toBe(401);
  });
});

describe('links for alerts', () => {
  it('builds a domain’s stable URL from http.publicUrl, and none without one', () => {
    expect(domainUrl('https://mw.example.nl/', 'example.nl')).toBe('https://mw.example.nl/domains/example.nl');
    expect(domainUrl('https://mw.example.nl/base', 'example.nl', 'dmarc')).toBe(
      'https://mw.example.nl/base/domains/example.nl#dmarc',
    );
    expect(domainUrl(undefined, 'example.nl')).toBeUndefined();
  });

  it('serves the page such a link points to', async () => {
    const path = new URL(domainUrl('https://mailwarden.example.nl', 'spf-broke.example', 'spf')!).pathname;
    const response = await h.get(path);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('id="spf"');
  });
});

describe('dashboard pages', () => {
  it('escapes hostile text from DNS in findings, evidence and history', async () => {
    const hostile = '<script>alert(1)</script>';
    const state = (await h.store.loadDomains(['good.example'])).get('good.example')!;
    const key = 'spf.policy|good.example';
    state.findings[key] = {
      errorCount: 0,
      confirmed: {
        check: 'spf.policy',
        subject: 'good.example',
        status: 'fail',
        summary: `SPF says ${hostile}`,
        evidence: { record: `v=spf1 ${hostile} -all` },
        fix: `Remove ${hostile}`,
      },
    };
    await h.store.commitBatch({
      domains: [state],
      history: [
        {
          at: NOW.toISOString(),
          domain: 'good.example',
          kind: 'record-changed',
          check: 'record.spf',
          subject: 'good.example',
          recordAfter: `v=spf1 ${hostile} -all`,
        },
      ],
      standards: [],
      records: [
        { domain: 'good.example', kind: 'spf', subject: 'good.example', value: hostile, at: NOW.toISOString() },
      ],
      outbox: [],
    });
    const response = await h.get('/domains/good.example');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await response.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('SPF says &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain('Remove &lt;script&gt;');
    expect(text).toContain('&quot;v=spf1 &lt;script&gt;alert(1)&lt;/script&gt; -all&quot;');
  });

  it('answers an unknown domain with 404, a bad filter with 400, and serves a PDF report', async () => {
    const missing = await h.get('/domains/unknown.example');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('unknown.example is not a configured domain');
    expect((await h.get('/?status=green')).status).toBe(400);
    const badReport = await h.get('/reports/download?from=2026-01-01&to=2025-01-01&format=csv');
    expect(badReport.status).toBe(400);
    expect(await badReport.text()).toContain('--to must be after --from');
    const pdf = await h.get('/reports/download?from=2026-06-01&to=2026-07-01&format=pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      'attachment; filename="mailwarden-report-2026-06-01_2026-07-01.pdf"',
    );
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  }, 60_000);

  it('is not served unless http.dashboard is on', async () => {
    await h.close();
    h = await startHarness({ dashboard: false });
    expect((await h.get('/')).status).toBe(404);
    expect((await h.get('/domains/good.example')).status).toBe(404);
    expect((await h.get('/api/domains')).status).toBe(200);
  });
});

describe('on PostgreSQL', () => {
  it('pages, filters and sorts the domain list the same way, and shows a domain page', async () => {
    await h.close();
    const database = await testDatabase('postgres');
    try {
      h = await startHarness({ store: createStateStore(database.url) });
      await checkListing(h);
      const page = await h.get('/domains/spf-broke.example');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('66.7 %');
    } finally {
      await h.close();
      await database.remove();
    }
  });
});
