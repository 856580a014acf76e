/**
 * The state stores at a hoster's scale, without any checking: N generated domains (default 100,000) written as a
 * daemon would, in batches, on SQLite and on the lab's PostgreSQL. Reports the write cost per batch (first cycle:
 * every domain new; second cycle: 2 % of the domains change), database bytes per domain, the compliance query
 * for 10,000 domains over 30 days, listDomains page times and peak RSS.
 *   node bench/store.ts [--domains N] [--batch 50] [--sqlite-only | --postgres-only]   (npm run bench runs it too)
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Finding, Status } from '../src/model.ts';
import { openStateStore } from '../src/state/open-store.ts';
import type { BatchWrite, StateStore } from '../src/state/store.ts';
import type { DomainState } from '../src/state/types.ts';
import { acquireLab, releaseLab } from '../test/lab/lib/sharing.ts';
import { createTestDatabase } from '../test/lab/postgres.ts';

const DAY = 86_400_000;
const CHECKS = [
  ['mx.records', 'mx.null'],
  ['spf.record', 'spf.lookups', 'spf.policy'],
  ['dmarc.record', 'dmarc.policy', 'dmarc.reporting'],
  ['dkim.key', 'dkim.selector'],
  ['dnssec.chain', 'dnssec.expiry', 'dnssec.consistency'],
  ['starttls.offered', 'starttls.certificate', 'starttls.protocols'],
  ['dane.match', 'dane.rollover'],
  ['mtasts.record', 'mtasts.policy'],
  ['tlsrpt.record'],
].flat();
const RECORD_KINDS = ['spf', 'dmarc', 'dkim', 'mx', 'tlsa', 'mtasts', 'tlsrpt'];
/** Every tenth domain carries the tag the compliance query selects: 10,000 of 100,000. */
const REPORT_TAG = 'coalition';

export interface StoreBenchResult {
  kind: string;
  domains: number;
  batchSize: number;
  syncSeconds: number;
  cycles: { name: string; batches: number; meanMs: number; p95Ms: number; cpuMs: number; seconds: number }[];
  bytesPerDomain: number;
  complianceTagMs: number;
  complianceTagCpuMs: number;
  complianceListMs: number;
  complianceRows: number;
  listFirstPageMs: number;
  listDeepPageMs: number;
  listFilteredMs: number;
  statsMs: number;
  peakRssMb: number;
}

const domainName = (i: number) => `d${String(i).padStart(6, '0')}.bench.example`;

function finding(domain: string, check: string, status: Status): Finding {
  return {
    check,
    subject: check.startsWith('starttls') || check.startsWith('dane') ? `mx1.hoster.example/192.0.2.10` : domain,
    status,
    summary: `${check} is ${status} for ${domain}`,
    evidence: { record: `v=${check.split('.')[0]} some published value of about this length for ${domain}` },
  };
}

function domainState(i: number, at: number, worse: boolean): DomainState {
  const domain = domainName(i);
  const findings: DomainState['findings'] = {};
  const standards: Record<string, Status> = {};
  for (const check of CHECKS) {
    const status: Status = worse && check === 'spf.policy' ? 'fail' : 'ok';
    const f = finding(domain, check, status);
    findings[`${check}|${f.subject}`] = { confirmed: f, errorCount: 0 };
    const area = check.split('.')[0] as string;
    if (status !== 'ok' || !standards[area]) standards[area] = status;
  }
  return {
    domain,
    findings,
    standards,
    reports: 2,
    lastCheckedAt: new Date(at).toISOString(),
    nextDueAt: new Date(at + 3600_000).toISOString(),
  };
}

function batchFor(from: number, to: number, at: number, cycle: number): BatchWrite {
  const iso = new Date(at).toISOString();
  const batch: BatchWrite = { domains: [], history: [], standards: [], records: [], outbox: [] };
  for (let i = from; i < to; i++) {
    const worse = cycle > 0 && i % 50 === 7;
    const state = domainState(i, at, worse);
    (batch.domains as DomainState[]).push(state);
    const domain = state.domain;
    for (const [standard, status] of Object.entries(state.standards ?? {}))
      (batch.standards as BatchWrite['standards'][number][]).push({ domain, standard, status, at: iso });
    for (const kind of RECORD_KINDS)
      (batch.records as BatchWrite['records'][number][]).push({
        domain,
        kind,
        subject: domain,
        value: `${kind} value of ${domain}${worse && kind === 'spf' ? ' +all' : ''}`,
        at: iso,
      });
    if (worse) {
      (batch.history as BatchWrite['history'][number][]).push({
        at: iso,
        domain,
        kind: 'regression',
        check: 'spf.policy',
        subject: domain,
        after: { status: 'fail', summary: 'SPF +all', evidence: {} },
      });
      (batch.outbox as BatchWrite['outbox'][number][]).push({
        id: `bench-${cycle}-${domain}`,
        route: 'ops',
        channel: 'webhook',
        createdAt: iso,
        attempts: 0,
        nextAttemptAt: iso,
        notices: [{ key: `${domain}|spf.policy`, type: 'regression', tags: [], at: iso }],
      });
    }
  }
  return batch;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * Best of three, wall time — and this process's CPU time of that run, which for SQLite (in-process) is the query's
 * own cost whatever else the machine is doing.
 */
let lastCpuMs = 0;
async function best(fn: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const cpu = process.cpuUsage();
    const { ms } = await timed(fn);
    const used = process.cpuUsage(cpu);
    if (ms < fastest) {
      fastest = ms;
      lastCpuMs = (used.user + used.system) / 1000;
    }
  }
  return fastest;
}

export async function benchStore(
  store: StateStore,
  options: { domains: number; batchSize: number; sizeBytes: () => Promise<number>; log: (line: string) => void },
): Promise<StoreBenchResult> {
  const { domains, batchSize, log } = options;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const emptyBytes = await options.sizeBytes();
    const configured = Array.from({ length: domains }, (_, i) => ({
      name: domainName(i),
      tags: i % 10 === 0 ? [REPORT_TAG, 'hosted'] : ['hosted'],
    }));
    const now = Date.now();
    const sync = await timed(() => store.syncDomains(configured, new Date(now - 31 * DAY).toISOString()));
    log(`${store.kind}: ${domains} domains synced in ${(sync.ms / 1000).toFixed(1)} s`);
    const cycles: StoreBenchResult['cycles'] = [];
    for (const [cycle, at] of [now - 30 * DAY, now - 15 * DAY].entries()) {
      const times: number[] = [];
      const started = performance.now();
      const cpu = process.cpuUsage();
      for (let from = 0; from < domains; from += batchSize) {
        const batch = batchFor(from, Math.min(domains, from + batchSize), at + from, cycle);
        const names = batch.domains.map((d) => d.domain);
        const took = await timed(async () => {
          await store.loadDomains(names);
          await store.markInFlight(names, new Date(at + from).toISOString());
          await store.commitBatch(batch);
        });
        times.push(took.ms);
      }
      times.sort((a, b) => a - b);
      const result = {
        name: cycle === 0 ? 'first cycle (all new)' : 'second cycle (2 % changed)',
        batches: times.length,
        meanMs: times.reduce((a, b) => a + b, 0) / times.length,
        p95Ms: times[Math.floor(times.length * 0.95)] ?? 0,
        cpuMs: (() => {
          const used = process.cpuUsage(cpu);
          return (used.user + used.system) / 1000 / times.length;
        })(),
        seconds: (performance.now() - started) / 1000,
      };
      cycles.push(result);
      log(
        `${store.kind}: ${result.name}: ${result.meanMs.toFixed(1)} ms per batch (p95 ${result.p95Ms.toFixed(1)}, ` +
          `mailwarden CPU ${result.cpuMs.toFixed(1)} ms)`,
      );
    }
    const from = new Date(now - 30 * DAY).toISOString();
    const to = new Date(now).toISOString();
    const tagged = await store.compliance({ from, to, tag: REPORT_TAG });
    const complianceTagMs = await best(() => store.compliance({ from, to, tag: REPORT_TAG }));
    const complianceTagCpuMs = lastCpuMs;
    const list = configured.filter((d) => d.tags.includes(REPORT_TAG)).map((d) => d.name);
    const complianceListMs = await best(() => store.compliance({ from, to, domains: list }));
    const listFirstPageMs = await best(() => store.listDomains({ offset: 0, limit: 50 }));
    const listDeepPageMs = await best(() =>
      store.listDomains({ offset: Math.floor(domains / 2), limit: 50, sort: 'status', descending: true }),
    );
    const listFilteredMs = await best(() =>
      store.listDomains({ offset: 0, limit: 50, tag: REPORT_TAG, search: '7', status: 'fail', sort: 'lastChecked' }),
    );
    const statsMs = await best(() => store.stats(new Date().toISOString()));
    const bytes = (await options.sizeBytes()) - emptyBytes;
    return {
      kind: store.kind,
      domains,
      batchSize,
      syncSeconds: sync.ms / 1000,
      cycles,
      bytesPerDomain: bytes / domains,
      complianceTagMs,
      complianceTagCpuMs,
      complianceListMs,
      complianceRows: tagged.length,
      listFirstPageMs,
      listDeepPageMs,
      listFilteredMs,
      statsMs,
      peakRssMb: peak / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function describeStoreBench(r: StoreBenchResult): string {
  const cycles = r.cycles
    .map(
      (c) =>
        `${c.name} ${c.meanMs.toFixed(1)} ms/batch (p95 ${c.p95Ms.toFixed(1)}, CPU ${c.cpuMs.toFixed(1)}, ${c.seconds.toFixed(0)} s)`,
    )
    .join('; ');
  return (
    `store ${r.kind.padEnd(8)} ${r.domains} domains, batches of ${r.batchSize}: ${cycles}; ` +
    `${(r.bytesPerDomain / 1024).toFixed(1)} KB per domain; compliance ${r.domains / 10} domains × 30 days ` +
    `${r.complianceTagMs.toFixed(0)} ms by tag (mailwarden CPU ${r.complianceTagCpuMs.toFixed(0)} ms), ` +
    `${r.complianceListMs.toFixed(0)} ms by name list (${r.complianceRows} rows); ` +
    `listDomains first page ${r.listFirstPageMs.toFixed(1)} ms, page at offset ${r.domains / 2} by status ` +
    `${r.listDeepPageMs.toFixed(1)} ms, filtered ${r.listFilteredMs.toFixed(1)} ms; stats ${r.statsMs.toFixed(1)} ms; ` +
    `sync ${r.syncSeconds.toFixed(1)} s; peak RSS ${r.peakRssMb.toFixed(0)} MB`
  );
}

interface BenchOptions {
  domains: number;
  batchSize?: number;
  sqliteOnly?: boolean;
  postgresOnly?: boolean;
  log: (line: string) => void;
}

/** Both stores; the PostgreSQL one needs the lab (its own database on the lab server, dropped afterwards). */
export async function benchStores(options: BenchOptions): Promise<StoreBenchResult[]> {
  const results: StoreBenchResult[] = [];
  if (!options.postgresOnly) results.push(await benchSqlite(options));
  if (!options.sqliteOnly) results.push(await benchPostgres(options));
  return results;
}

async function benchSqlite(options: BenchOptions): Promise<StoreBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-store-'));
  try {
    const file = join(dir, 'mailwarden.db');
    const store = await openStateStore(`sqlite:${file}`);
    let result: StoreBenchResult;
    try {
      const size = async () => (await stat(file)).size;
      result = await benchStore(store, { ...options, batchSize: options.batchSize ?? 50, sizeBytes: size });
    } finally {
      await store.close();
    }
    // After the checkpoint at close the WAL is folded in: the file alone is the database.
    result.bytesPerDomain = (await stat(file)).size / options.domains;
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(options: BenchOptions): Promise<StoreBenchResult> {
  const database = await createTestDatabase('bench');
  const store = await openStateStore(database.url, { poolSize: 4 });
  try {
    const size = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT pg_database_size(current_database()) AS bytes');
        return Number(rows[0]?.bytes ?? 0);
      } finally {
        await client.end();
      }
    };
    return await benchStore(store, { ...options, batchSize: options.batchSize ?? 50, sizeBytes: size });
  } finally {
    await store.close();
    await database.drop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      domains: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '50' },
      'sqlite-only': { type: 'boolean', default: false },
      'postgres-only': { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sqliteOnly = values['sqlite-only'];
  if (!sqliteOnly) await acquireLab(log, { persistent: false });
  try {
    const results = await benchStores({
      domains: Number(values.domains),
      batchSize: Number(values.batch),
      sqliteOnly,
      postgresOnly: values['postgres-only'],
      log,
    });
    for (const result of results) console.log(describeStoreBench(result));
  } finally {
    if (!sqliteOnly) await releaseLab(log, { stop: true });
  }
}
