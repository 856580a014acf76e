// A daemon benchmark the bench runner calls: full cycles over the given domains through the real daemon code path
// (scheduler → checks → diff → lowdb store → outbox with a log channel), measuring time, memory and state size.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config/load.ts';
import { Daemon } from '../src/daemon/daemon.ts';
import { createLogger } from '../src/daemon/logger.ts';
import { LowdbStore } from '../src/state/lowdb-store.ts';

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
  /** Heap used at the end, after the state is in memory. */
  heapUsedMb: number;
  stateFileBytes: number;
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
  const store = new LowdbStore({ dir: options.stateDir, writeDelayMs: config.state.writeDelay });
  await store.open();
  const daemon = new Daemon({ config, store, logger });

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const cycles = options.cycles ?? 1;
  let batches = 0;
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
  const size = async (file: string) => (await stat(join(options.stateDir, file)).catch(() => ({ size: 0 }))).size;
  return {
    domains: config.domains.length,
    cycles,
    batches,
    seconds,
    domainsPerSecond: (config.domains.length * cycles) / seconds,
    peakRssMb: peakRss / 2 ** 20,
    heapUsedMb: heapUsed / 2 ** 20,
    stateFileBytes: await size('state.json'),
    historyBytes: await size('history.jsonl'),
    statuses,
    dnsQueriesSent,
    resolverHealthy,
  };
}
