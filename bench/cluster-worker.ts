// One worker process of the cluster benchmark (bench/cluster.ts forks N of these): the real daemon on the lab's
// PostgreSQL with its cluster runtime, DNS-only monitors, until the parent says stop. It reports how late each claimed
// domain was (claim time − due time) and its own CPU time.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startCluster } from '../src/cluster/cluster.ts';
import type { WorkSource } from '../src/cluster/work-source.ts';
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
  | { type: 'done'; lagsMs: number[]; checked: number; cpuMs: number; peakRssMb: number };

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
  const goAt = Date.now();
  const cpuStart = process.cpuUsage();
  let stopping = false;
  process.once('message', () => {
    stopping = true;
  });
  const lagsMs: number[] = [];
  let checked = 0;
  while (!stopping) {
    const batch = await runtime.work.claim(options.batchSize).catch(() => undefined);
    if (!batch) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    for (const due of batch.dueAt.values()) lagsMs.push(batch.claimedAt - Math.max(due, goAt));
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
      lagsMs,
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
  const lagsMs: number[] = [];
  let goAt = Number.POSITIVE_INFINITY;
  const work: WorkSource = {
    claim: async (limit) => {
      const batch = await runtime.work.claim(limit);
      // How late after it was due, counted from the start of the sweep (the set-up before it is not the cluster's).
      if (batch) for (const due of batch.dueAt.values()) lagsMs.push(batch.claimedAt - Math.max(due, goAt));
      return batch;
    },
    committed: (batch, next) => runtime.work.committed(batch, next),
    abandon: (batch, reason) => runtime.work.abandon(batch, reason),
    ensureScheduled: (entries) => runtime.work.ensureScheduled(entries),
    dueNow: (domains) => runtime.work.dueNow(domains),
    unschedule: (domains) => runtime.work.unschedule(domains),
  };
  const monitors = MONITORS.filter((monitor) => options.monitors.includes(monitor.name));
  const daemon = new Daemon({ config, store, logger, monitors, cluster: { ...runtime, work } });
  await daemon.schedule();
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  goAt = Date.now();
  const cpuStart = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  let stopping = false;
  process.once('message', () => {
    stopping = true;
  });
  let checked = 0;
  while (!stopping) {
    const summary = await daemon.tick().catch(() => undefined);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (summary) checked += summary.domains;
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const cpu = process.cpuUsage(cpuStart);
  daemon.close();
  await runtime.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  send({ type: 'done', lagsMs, checked, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 2 ** 20 }, () =>
    process.disconnect?.(),
  );
}

await (options.engineOnly ? engineOnly() : main());
