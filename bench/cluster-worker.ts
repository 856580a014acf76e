// One worker process of the cluster benchmark (bench/cluster.ts forks N of these): the real daemon (`run()`) on the
// lab's PostgreSQL with its cluster runtime and the given monitors, until the parent says stop. It reports its CPU
// time, peak RSS and DNS queries sent; the parent reads how late each domain was claimed from the job engine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startCluster } from '../src/cluster/cluster.ts';
import { parseConfig } from '../src/config/load.ts';
import { Daemon } from '../src/daemon/daemon.ts';
import { createLogger } from '../src/daemon/logger.ts';
import { MONITORS } from '../src/monitors/registry.ts';
import { createStateStore } from '../src/state/open-store.ts';

export interface ClusterWorkerOptions {
  index: number;
  stateUrl: string;
  resolver: string;
  trustAnchorFile: string;
  caFile?: string;
  monitors: string[];
  domainFile: string;
  batchSize: number;
  concurrency: number;
  /**
   * Only the job engine: claim and commit batches without checks or store (what the cluster itself costs the
   * workers and PostgreSQL per domain); worker 0 schedules the domains.
   */
  engineOnly?: boolean;
}

export type ParentMessage = { type: 'go' } | { type: 'stop' };
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; checked?: number; cpuMs: number; peakRssMb: number; dnsSent?: number };

const options = JSON.parse(process.env.MW_BENCH_WORKER ?? '{}') as ClusterWorkerOptions;
const send = (message: WorkerMessage, then?: () => void) => process.send?.(message, undefined, {}, () => then?.());

const discard = new Writable({
  write(_chunk, _encoding, done) {
    done();
  },
});

async function engineOnly(): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const logger = createLogger('warn', discard);
  const runtime = await startCluster({
    url: options.stateUrl,
    logger,
    intervalMs: 3_600_000,
    confirmDelayMs: 180_000,
    workerId: `bench-engine-${options.index}-${process.pid}`,
  });
  if (options.index === 0) {
    const domains = (await readFile(options.domainFile, 'utf8')).split('\n').filter(Boolean);
    const now = Date.now();
    await runtime.work.ensureScheduled(domains.map((domain) => ({ domain, dueAt: now })));
  }
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const cpuStart = process.cpuUsage();
  let stopping = false;
  process.once('message', () => {
    stopping = true;
  });
  let checked = 0;
  while (!stopping) {
    const batch = await runtime.work.claim(options.batchSize).catch(() => undefined);
    if (!batch) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const next = Date.now() + 3_600_000;
    await runtime.work.committed(batch, new Map(batch.domains.map((domain) => [domain, next])));
    checked += batch.domains.length;
  }
  const cpu = process.cpuUsage(cpuStart);
  await runtime.stop();
  // The report is large (one lag per domain): disconnect only once it is sent.
  send(
    {
      type: 'done',
      checked,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.memoryUsage.rss() / 2 ** 20,
    },
    () => process.disconnect?.(),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-cluster-'));
  const yaml = `
dns: { resolvers: ["${options.resolver}"], trustAnchorFile: "${options.trustAnchorFile}" }
checks:
  allowPrivateTargets: true
  ehloName: mailwarden-bench.test
${options.caFile ? `  caFile: "${options.caFile}"\n` : ''}schedule:
  interval: 1h
  firstCheckSpread: 0s
  concurrency: ${options.concurrency}
  batchSize: ${options.batchSize}
state: { url: "${options.stateUrl}" }
channels: { console: { type: log } }
routes: [ { name: everything, channels: [console], match: { minStatus: ok } } ]
domainFiles: ["${options.domainFile}"]
`;
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, yaml);
  const config = parseConfig(yaml, configFile, { env: {} });
  const logger = createLogger('warn', discard);
  const store = createStateStore(config.state.url.reveal());
  await store.open();
  const runtime = await startCluster({
    url: config.state.url.reveal(),
    logger,
    intervalMs: config.schedule.interval,
    confirmDelayMs: config.alerting.confirmDelay,
    workerId: `bench-${options.index}-${process.pid}`,
  });
  const monitors = MONITORS.filter((monitor) => options.monitors.includes(monitor.name));
  const daemon = new Daemon({ config, store, logger, monitors, cluster: runtime });
  await daemon.schedule();
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const cpuStart = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 250);
  process.once('message', () => daemon.stop());
  // The real loop (run(): check loop, cluster jobs for delivery and re-sends), as `mailwarden run` runs it.
  await daemon.run();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuStart);
  const dnsSent = daemon.dns.stats().sent;
  daemon.close();
  await runtime.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  send({ type: 'done', cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 2 ** 20, dnsSent }, () =>
    process.disconnect?.(),
  );
}

await (options.engineOnly ? engineOnly() : main());
