/**
 * Dashboard and report figures on the SQLite store (no lab needed):
 * - the overview page (server time, HTML included) over 100,000 domains: first page, a status filter, a check
 *   filter, a search, a tag, sorted by status, the last page; and a domain page;
 * - a report over 10,000 domains and 90 days of history (each domain with a few status changes), CSV and HTML.
 * `node bench/dashboard.ts [--domains N] [--report-domains N]`; npm run bench runs it after the lab passes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { listQueryFrom } from '../src/http/api.ts';
import { DaemonMetrics } from '../src/http/metrics.ts';
import { buildHttpApp } from '../src/http/server.ts';
import type { Finding, Status } from '../src/model.ts';
import { buildComplianceReport } from '../src/report/compliance-report.ts';
import { reportCsv, reportHtml } from '../src/report/render-report.ts';
import { SqliteStateStore } from '../src/state/sqlite/sqlite-store.ts';
import type { StandardObservation } from '../src/state/store.ts';
import type { DomainState, HistoryEntry, TrackedFinding } from '../src/state/types.ts';

const DAY = 86_400_000;
const STANDARDS = ['spf', 'dmarc', 'dkim', 'starttls', 'dane', 'dnssec', 'mtasts', 'tlsrpt'];
const TAGS = ['customer-a', 'customer-b', 'customer-c', 'gold'];
const BATCH = 1000;

/** Deterministic variety: most domains ok, some warn or fail in one standard. */
function statusOf(index: number, standard: number, phase: number): Status {
  const x = (index * 31 + standard * 17 + phase * 7) % 100;
  return x < 80 ? 'ok' : x < 90 ? 'warn' : x < 97 ? 'fail' : 'info';
}

function stateOf(domain: string, index: number, phase: number, at: string): DomainState {
  const findings: Record<string, TrackedFinding> = {};
  const standards: Record<string, Status> = {};
  STANDARDS.forEach((standard, s) => {
    const status = statusOf(index, s, phase);
    standards[standard] = status;
    const finding: Finding = {
      check: `${standard}.policy`,
      subject: domain,
      status,
      summary: `${standard} is ${status}`,
      evidence: { record: `v=${standard}1 test` },
    };
    findings[`${standard}.policy|${domain}`] = { confirmed: finding, errorCount: 0 };
  });
  return { domain, standards, findings, reports: phase + 1, lastCheckedAt: at, nextDueAt: at };
}

/** `count` domains with `phases` checks spread over `days` days before now, written a batch at a time. */
async function fill(store: SqliteStateStore, count: number, days: number, phases: number): Promise<number> {
  const started = performance.now();
  const names = Array.from({ length: count }, (_, i) => `d${String(i).padStart(6, '0')}.bench.example`);
  await store.syncDomains(
    names.map((name, i) => ({ name, tags: [TAGS[i % TAGS.length]!] })),
    new Date(Date.now() - days * DAY).toISOString(),
  );
  for (let phase = 0; phase < phases; phase++) {
    const at = new Date(Date.now() - days * DAY + (phase * days * DAY) / phases).toISOString();
    for (let start = 0; start < count; start += BATCH) {
      const domains: DomainState[] = [];
      const standards: StandardObservation[] = [];
      const history: HistoryEntry[] = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const state = stateOf(names[i]!, i, phase, at);
        domains.push(state);
        STANDARDS.forEach((standard, s) => {
          if (phase === 0 || statusOf(i, s, phase - 1) !== statusOf(i, s, phase))
            standards.push({ domain: names[i]!, standard, status: state.standards![standard]!, at });
          if (phase > 0 && statusOf(i, s, phase - 1) !== statusOf(i, s, phase)) {
            const before = statusOf(i, s, phase - 1);
            const after = statusOf(i, s, phase);
            history.push({
              at,
              domain: names[i]!,
              kind: after === 'warn' || after === 'fail' ? 'regression' : 'recovery',
              check: `${standard}.policy`,
              subject: names[i]!,
              before: { status: before, summary: `${standard} was ${before}`, evidence: {} },
              after: { status: after, summary: `${standard} is ${after}`, evidence: {} },
            });
          }
        });
      }
      await store.commitBatch({ domains, history, standards, records: [], outbox: [] });
    }
  }
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeRequest(app: ReturnType<typeof buildHttpApp>, url: string, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    // /metrics reuses one store.stats() for a second: time a fresh one each run.
    if (url === '/metrics') await new Promise((resolve) => setTimeout(resolve, 1100));
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url });
    times.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  return median(times);
}

export async function benchDashboard(
  options: { domains?: number; reportDomains?: number; keep?: boolean } = {},
): Promise<void> {
  const domains = options.domains ?? 100_000;
  const reportDomains = options.reportDomains ?? 10_000;
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-dashboard-'));
  try {
    const store = new SqliteStateStore(join(dir, 'overview.db'));
    await store.open();
    const fillSeconds = await fill(store, domains, 30, 2);
    const metrics = new DaemonMetrics({ defaultMetrics: false });
    metrics.attach({ store, status: () => ({ running: true }) });
    const app = buildHttpApp({
      config: { listen: '127.0.0.1:0', dashboard: true },
      source: { store, status: () => ({ running: true }) },
      metrics,
      logger: pino({ level: 'silent' }),
    });
    await app.ready();
    const pages: [string, string][] = [
      ['first page', '/'],
      ['status=fail', '/?status=fail'],
      ['check dnssec=warn', '/?standard=dnssec&status=warn'],
      ['search "d0123"', '/?q=d0123'],
      ['tag gold', '/?tag=gold'],
      ['sorted by status', '/?sort=status&order=desc'],
      ['last page', `/?offset=${domains - 50}`],
      ['domain page', `/domains/d${String(Math.min(123, domains - 1)).padStart(6, '0')}.bench.example`],
      ['/metrics', '/metrics'],
      ['/api/domains', '/api/domains?limit=100'],
    ];
    console.log(
      `dashboard, ${domains} domains (SQLite, filled in ${fillSeconds.toFixed(1)} s, ` +
        `${((await stat(join(dir, 'overview.db'))).size / 2 ** 20).toFixed(0)} MB): median server time of 5 requests`,
    );
    for (const [name, url] of pages) {
      const total = await timeRequest(app, url);
      // The store's share: the same query straight to store.listDomains (overview pages only).
      const query =
        url.startsWith('/?') || url === '/' ? listQueryFrom(new URL(url, 'http://x').searchParams, 50) : undefined;
      let storeMs: number | undefined;
      if (query !== undefined && typeof query !== 'string') {
        const times: number[] = [];
        for (let run = 0; run < 5; run++) {
          const started = performance.now();
          await store.listDomains(query);
          times.push(performance.now() - started);
        }
        storeMs = median(times);
      }
      console.log(
        `  ${name.padEnd(22)} ${total.toFixed(0).padStart(6)} ms` +
          (storeMs === undefined ? '' : `  (store.listDomains ${storeMs.toFixed(0)} ms of it)`),
      );
    }
    await app.close();
    await store.close();

    const reportStore = new SqliteStateStore(join(dir, 'report.db'));
    await reportStore.open();
    const reportFill = await fill(reportStore, reportDomains, 90, 6);
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 90 * DAY).toISOString();
    let started = performance.now();
    const report = await buildComplianceReport(reportStore, { from, to });
    const queries = performance.now() - started;
    started = performance.now();
    const csv = reportCsv(report);
    const csvMs = performance.now() - started;
    started = performance.now();
    const html = reportHtml(report);
    const htmlMs = performance.now() - started;
    started = performance.now();
    const tagged = await buildComplianceReport(reportStore, { from, to, tag: 'gold' });
    const taggedMs = performance.now() - started;
    console.log(
      `report, ${reportDomains} domains over 90 days, ${report.summary.changes} changes (${report.summary.domains} domains, filled in ${reportFill.toFixed(1)} s): ` +
        `data ${queries.toFixed(0)} ms, CSV ${csvMs.toFixed(0)} ms (${(csv.length / 2 ** 20).toFixed(1)} MB), ` +
        `HTML ${htmlMs.toFixed(0)} ms (${(html.length / 2 ** 20).toFixed(1)} MB); one tag (${tagged.summary.domains} domains) ${taggedMs.toFixed(0)} ms`,
    );
    await reportStore.close();
  } finally {
    if (options.keep) console.log(`  databases kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { domains: { type: 'string' }, 'report-domains': { type: 'string' }, keep: { type: 'boolean' } },
  });
  await benchDashboard({
    ...(values.domains ? { domains: Number(values.domains) } : {}),
    ...(values['report-domains'] ? { reportDomains: Number(values['report-domains']) } : {}),
    ...(values.keep ? { keep: true } : {}),
  });
}
