// A daemon benchmark the bench runner calls: full cycles over the given domains through the real daemon code path
// (scheduler → checks → judge → one transaction per batch in the configured store → outbox with a log channel),
// measuring time, memory, the cost of each batch's write and the database's size.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { parseConfig } from '../src/config/load.ts';
import { Daemon } from '../src/daemon/daemon.ts';
import { createLogger } from '../src/daemon/logger.ts';
import type { Monitor } from '../src/monitors/types.ts';
import { createStateStore } from '../src/state/open-store.ts';
import type { StateStore } from '../src/state/store.ts';

export interface BenchDaemonOptions {
  domains: readonly string[];
  /** The recursive resolver: `IP[:PORT]` or `{ address, port }`, e.g. the lab's 127.53.0.1:53. */
  resolver: string | { address: string; port: number };
  trustAnchorFile: string;
  /** Where the SQLite file and the generated domain file go; default a tmp dir, removed afterwards. */
  stateDir?: string;
  /** state.url; default a SQLite file in stateDir. */
  stateUrl?: string;
  /** The monitors to run (default every one). */
  monitors?: readonly Monitor[];
  caFile?: string;
  /** Default true: lab MX hosts are loopback addresses. */
  allowPrivateTargets?: boolean;
  /** Domains checked at once (default 64). */
  concurrency?: number;
  batchSize?: number;
  /** Full cycles to run (default 1: the first cycle sets every domain's baseline). */
  cycles?: number;
  /** After the cycles, time the query "time in compliance per standard over 30 days" for this many domains. */
  measureCompliance?: number;
  /** Extra YAML for the `checks:` section, e.g. `transport: { smtpPort: 2525 }` as inline text. */
  checksYaml?: string;
}

export interface BenchDaemonResult {
  domains: number;
  cycles: number;
  batches: number;
  seconds: number;
  domainsPerSecond: number;
  /** Highest resident set size sampled every 100 ms during the run. */
  peakRssMb: number;
  /** Highest V8 heap used, sampled with the RSS. */
  peakHeapMb: number;
  /** Heap used at the end, after the state is in memory. */
  heapUsedMb: number;
  /** Time inside the checks themselves (DNS, probes, validation), summed over batches; the rest is the daemon's. */
  checkSeconds: number;
  /** The batches' transactions (commitBatch): count, total, largest and mean duration. */
  stateWrites: number;
  stateWriteSeconds: number;
  maxStateWriteMs: number;
  meanStateWriteMs: number;
  /** The database's size at the end (SQLite: the file plus its WAL; PostgreSQL: pg_database_size). */
  databaseBytes: number;
  databaseBytesPerDomain: number;
  /** The compliance query's time (when measureCompliance was given). */
  complianceMs?: number;
  store: string;
  /** Findings per status over the last cycle. */
  statuses: Record<string, number>;
  dnsQueriesSent: number;
  resolverHealthy: boolean;
}

/** Pino into nothing: the log channel still renders every alert, the bench measures that, not the terminal. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

export async function benchDaemon(options: BenchDaemonOptions): Promise<BenchDaemonResult> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'mw-bench-daemon-')));
  try {
    return await run({ ...options, stateDir });
  } finally {
    if (options.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
  }
}

async function run(options: BenchDaemonOptions & { stateDir: string }): Promise<BenchDaemonResult> {
  const resolver =
    typeof options.resolver === 'string' ? options.resolver : `${options.resolver.address}:${options.resolver.port}`;
  const domainFile = join(options.stateDir, 'bench-domains.txt');
  await writeFile(domainFile, `${options.domains.join('\n')}\n`);
  const yaml = `
dns: { resolvers: ["${resolver}"], trustAnchorFile: "${options.trustAnchorFile}" }
checks:
  allowPrivateTargets: ${options.allowPrivateTargets ?? true}
  ehloName: mailwarden-bench.test
${options.caFile ? `  caFile: "${options.caFile}"\n` : ''}${options.checksYaml ? `  ${options.checksYaml}\n` : ''}schedule:
  interval: 1h
  firstCheckSpread: 0s
  concurrency: ${options.concurrency ?? 64}
  batchSize: ${options.batchSize ?? 500}
state: { url: "${options.stateUrl ?? `sqlite:${join(options.stateDir, 'mailwarden.db')}`}" }
channels: { console: { type: log } }
routes: [ { name: everything, channels: [console], match: { minStatus: ok } } ]
domainFiles: ["${domainFile}"]
`;
  const config = parseConfig(yaml, join(options.stateDir, 'bench-config.yaml'), { env: {} });
  const logger = createLogger('info', discard());
  const store = createStateStore(config.state.url.reveal());
  await store.open();
  const writes = timedCommits(store);
  const daemon = new Daemon({ config, store, logger, ...(options.monitors ? { monitors: options.monitors } : {}) });

  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 100);
  const cycles = options.cycles ?? 1;
  let batches = 0;
  let checkMs = 0;
  let statuses: Record<string, number> = {};
  let resolverHealthy = true;
  const started = performance.now();
  try {
    await daemon.schedule();
    for (let cycle = 0; cycle < cycles; cycle++) {
      if (cycle > 0) for (const domain of config.domains) daemon.queue.schedule(domain.name, 0);
      statuses = {};
      for (;;) {
        const summary = await daemon.tick();
        if (summary === undefined) break;
        await daemon.deliver();
        batches++;
        checkMs += summary.checkMs;
        resolverHealthy &&= summary.resolverHealthy;
        for (const [status, count] of Object.entries(summary.statuses))
          statuses[status] = (statuses[status] ?? 0) + count;
      }
    }
  } finally {
    clearInterval(sampler);
    daemon.close();
  }
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const heapUsed = process.memoryUsage().heapUsed;
  const dnsQueriesSent = daemon.dns.stats().sent;
  let complianceMs: number | undefined;
  if (options.measureCompliance) {
    const now = Date.now();
    const domains = config.domains.slice(0, options.measureCompliance).map((domain) => domain.name);
    const queryStarted = performance.now();
    await store.compliance({
      from: new Date(now - 30 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
      domains,
    });
    complianceMs = performance.now() - queryStarted;
  }
  await store.close();
  const databaseBytes = await databaseSize(config.state.url.reveal());
  return {
    domains: config.domains.length,
    cycles,
    batches,
    seconds,
    domainsPerSecond: (config.domains.length * cycles) / seconds,
    peakRssMb: peakRss / 2 ** 20,
    peakHeapMb: Math.max(peakHeap, heapUsed) / 2 ** 20,
    heapUsedMb: heapUsed / 2 ** 20,
    checkSeconds: checkMs / 1000,
    stateWrites: writes.count,
    stateWriteSeconds: writes.totalMs / 1000,
    maxStateWriteMs: writes.maxMs,
    meanStateWriteMs: writes.count > 0 ? writes.totalMs / writes.count : 0,
    databaseBytes,
    databaseBytesPerDomain: databaseBytes / config.domains.length,
    store: store.kind,
    ...(complianceMs !== undefined ? { complianceMs } : {}),
    statuses,
    dnsQueriesSent,
    resolverHealthy,
  };
}

/** Wraps the store's commitBatch to time every batch's transaction. */
function timedCommits(store: StateStore): { count: number; totalMs: number; maxMs: number } {
  const stats = { count: 0, totalMs: 0, maxMs: 0 };
  const commit = store.commitBatch.bind(store);
  store.commitBatch = async (batch) => {
    const started = performance.now();
    try {
      return await commit(batch);
    } finally {
      const ms = performance.now() - started;
      stats.count++;
      stats.totalMs += ms;
      stats.maxMs = Math.max(stats.maxMs, ms);
    }
  };
  return stats;
}

async function databaseSize(url: string): Promise<number> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const size = async (path: string) => (await stat(path).catch(() => ({ size: 0 }))).size;
    return (await size(file)) + (await size(`${file}-wal`));
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    return Number(result.rows[0]!.bytes);
  } finally {
    await client.end();
  }
}
