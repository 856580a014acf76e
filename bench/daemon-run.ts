// A daemon benchmark the bench runner calls: full cycles over the given domains through the real daemon code path
// (scheduler → checks → diff → embedded store → outbox with a log channel), measuring time, memory and state size.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config/load.ts';
import { Daemon } from '../src/daemon/daemon.ts';
import { createLogger } from '../src/daemon/logger.ts';
import { EmbeddedStore } from '../src/state/embedded-store.ts';
import type { DomainState } from '../src/state/types.ts';

export interface BenchDaemonOptions {
  domains: readonly string[];
  /** The recursive resolver: `IP[:PORT]` or `{ address, port }`, e.g. the lab's 127.53.0.1:53. */
  resolver: string | { address: string; port: number };
  trustAnchorFile: string;
  /** Where state.json, history.jsonl and the generated domain file go; default a tmp dir, removed afterwards. */
  stateDir?: string;
  caFile?: string;
  /** Default true: lab MX hosts are loopback addresses. */
  allowPrivateTargets?: boolean;
  /** Domains checked at once (default 64). */
  concurrency?: number;
  batchSize?: number;
  /** Full cycles to run (default 1: the first cycle sets every domain's baseline). */
  cycles?: number;
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
  /** Rewrites of state.json, their total and largest duration (serialize + atomic write), and the last one's. */
  stateWrites: number;
  stateWriteSeconds: number;
  maxStateWriteMs: number;
  lastStateWriteMs: number;
  stateFileBytes: number;
  /** state.journal: the changes since the last snapshot. */
  stateJournalBytes: number;
  historyBytes: number;
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
state: { dir: "${options.stateDir}" }
channels: { console: { type: log } }
routes: [ { name: everything, channels: [console], match: { minStatus: ok } } ]
domainFiles: ["${domainFile}"]
`;
  const config = parseConfig(yaml, join(options.stateDir, 'bench-config.yaml'), { env: {} });
  const logger = createLogger('info', discard());
  const store = new EmbeddedStore({ dir: options.stateDir, writeDelayMs: config.state.writeDelay });
  await store.open();
  const daemon = new Daemon({ config, store, logger });

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
    daemon.schedule();
    for (let cycle = 0; cycle < cycles; cycle++) {
      if (cycle > 0) for (const domain of config.domains) daemon.queue.schedule(domain.name, 0);
      statuses = {};
      for (;;) {
        const summary = await daemon.tick();
        if (summary === undefined) break;
        batches++;
        checkMs += summary.checkMs;
        resolverHealthy &&= summary.resolverHealthy;
        for (const [status, count] of Object.entries(summary.statuses))
          statuses[status] = (statuses[status] ?? 0) + count;
      }
    }
    await store.flush();
  } finally {
    clearInterval(sampler);
    daemon.close();
  }
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const heapUsed = process.memoryUsage().heapUsed;
  const dnsQueriesSent = daemon.dns.stats().sent;
  await store.close();
  const writes = store.writeStats();
  const size = async (file: string) => (await stat(join(options.stateDir, file)).catch(() => ({ size: 0 }))).size;
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
    stateWrites: writes.writes,
    stateWriteSeconds: writes.totalMs / 1000,
    maxStateWriteMs: writes.maxMs,
    lastStateWriteMs: writes.lastMs,
    stateFileBytes: await size('state.json'),
    stateJournalBytes: await size('state.journal'),
    historyBytes: await size('history.jsonl'),
    statuses,
    dnsQueriesSent,
    resolverHealthy,
  };
}

export interface BenchStateStoreOptions {
  /** Real domain states (e.g. from a `benchDaemon` run's state.json) cloned, renamed, into `domains` domains. */
  template: readonly DomainState[];
  domains: number;
  /** Domains changed between snapshot and the timed write, as one daemon batch changes them (default 500). */
  batch?: number;
}

export interface BenchStateStoreResult {
  domains: number;
  stateFileBytes: number;
  /** Writing every domain as a new snapshot (state.json). */
  snapshotMs: number;
  /** A write after one batch of domains changed (what the daemon pays per batch): one journal record. */
  batchWriteMs: number;
  batchWriteBytes: number;
  /** Opening the store: parse, replay the one-batch journal, write a fresh snapshot. */
  openMs: number;
  /** Heap with the state loaded after a fresh open (exact with --expose-gc). */
  heapMb: number;
}

/** Write and open costs of the state store alone at a given domain count, from realistic per-domain content. */
export async function benchStateStore(options: BenchStateStoreOptions): Promise<BenchStateStoreResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-store-'));
  try {
    const template = options.template.map((state) => ({ name: state.domain, text: JSON.stringify(state) }));
    const cloneFor = (index: number): DomainState => {
      const source = template[index % template.length]!;
      const name = `c${index}-${source.name}`;
      return JSON.parse(source.text.replaceAll(JSON.stringify(source.name).slice(1, -1), name)) as DomainState;
    };
    const store = new EmbeddedStore({ dir, writeDelayMs: 60_000 });
    await store.open();
    for (let index = 0; index < options.domains; index++) store.putDomain(cloneFor(index));
    let started = performance.now();
    await store.snapshot();
    const snapshotMs = performance.now() - started;
    const stateFileBytes = (await stat(store.statePath)).size;
    const batch = Math.min(options.batch ?? 500, options.domains);
    const at = new Date().toISOString();
    for (let index = 0; index < batch; index++) store.putDomain({ ...cloneFor(index), lastCheckedAt: at });
    started = performance.now();
    await store.flush();
    const batchWriteMs = performance.now() - started;
    const batchWriteBytes = store.writeStats().lastBytes;
    await store.close();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const again = new EmbeddedStore({ dir, writeDelayMs: 60_000 });
    started = performance.now();
    await again.open();
    const openMs = performance.now() - started;
    gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    await again.close();
    return { domains: options.domains, stateFileBytes, snapshotMs, batchWriteMs, batchWriteBytes, openMs, heapMb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
