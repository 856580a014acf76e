/**
 * npm run bench [-- --domains N] : generates N mail domains in the lab (one signed zone, shared MX hosts and SPF
 * include), then measures `check` over them through the real lab resolver: domains per second, DNS queries per
 * domain, peak memory; the DNSSEC validation cost per domain on its own; and, when available, one daemon cycle.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkDomains } from '../src/check/check-domain.ts';
import { createResolver } from '../src/dns/resolver.ts';
import type { DomainReport, Status } from '../src/model.ts';
import { MONITORS } from '../src/monitors/registry.ts';
import { RunShared } from '../src/monitors/run-shared.ts';
import { DEFAULT_CHECK_OPTIONS, type Monitor, type MonitorContext } from '../src/monitors/types.ts';
import { createTargetGuard } from '../src/net/target-guard.ts';
import { flushAllResolvers, replaceZone, restoreZone } from '../test/lab/control.ts';
import { labInfo } from '../test/lab/info.ts';
import { acquireLab, releaseLab } from '../test/lab/lib/sharing.ts';
import { readLabState } from '../test/lab/lib/state.ts';
import { createTestDatabase, labPostgres } from '../test/lab/postgres.ts';
import { benchCheckSpeed } from './check-speed.ts';
import { benchCluster, benchSharedProbeLookup, formatClusterResult } from './cluster.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { benchDaemon } from './daemon-run.ts';
import { runDaemonLoopBench } from './daemon-steady.ts';
import {
  BENCH_MX_ADDRESSES,
  BENCH_ZONE,
  benchDomain,
  benchZoneText,
  FLEET_ZONE,
  fleetDomain,
  fleetZoneText,
  LAB_POSTFIX_GOOD,
} from './generate-zone.ts';
import { benchHostile } from './hostile.ts';
import { benchStores, describeStoreBench } from './store.ts';

const { values } = parseArgs({
  options: {
    domains: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    'skip-daemon': { type: 'boolean', default: false },
    /** Domains of the daemon passes (state on SQLite and on PostgreSQL); default the same as --domains. */
    'daemon-domains': { type: 'string' },
    /** Worker processes of the cluster sweeps (state on the lab's PostgreSQL). */
    'cluster-workers': { type: 'string', default: '1,2,4' },
    /** Domains of the cluster sweeps: the real daemon in N worker processes over the generated fleet (issue 10). */
    'cluster-domains': { type: 'string', default: '100000' },
    /** Sweeps per worker count: the first writes every domain's baseline, the next ones are the steady state. */
    'cluster-cycles': { type: 'string', default: '2' },
    /** Monitors of the cluster sweeps: 'all', or a comma list such as mx,spf,dmarc,dkim. */
    'cluster-monitors': { type: 'string', default: 'all' },
    'skip-cluster': { type: 'boolean', default: false },
    /** Only the cluster sweeps (bench/cluster.ts). */
    'only-cluster': { type: 'boolean', default: false },
    /** Domains of the job-engine-only sweeps (names only: nothing is checked). */
    'cluster-engine-domains': { type: 'string', default: '100000' },
    'skip-dashboard': { type: 'boolean', default: false },
    'store-domains': { type: 'string', default: '100000' },
    'skip-store': { type: 'boolean', default: false },
    // bench/check-speed.ts: the CLI against the dnsperf floor at these sizes; 'only' skips the other passes.
    'check-sizes': { type: 'string', default: '2000,4000' },
    'check-only': { type: 'boolean', default: false },
    'check-profile-dir': { type: 'string' },
    /** --concurrency of the checks against the floor (default: the CLI's own). */
    'check-concurrency': { type: 'string' },
  },
});
const checkSizes = values['check-sizes'].split(',').map(Number);
const count = Math.max(Number(values.domains), ...checkSizes);
const concurrency = Number(values.concurrency);
const daemonCount = Number(values['daemon-domains'] ?? count);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface PassResult {
  name: string;
  seconds: number;
  domainsPerSecond: number;
  queriesPerDomain: number;
  requestedPerDomain: number;
  cacheHitRate: number;
  peakRssMb: number;
  statuses: Record<Status, number>;
  errorsByCheck: Map<string, number>;
  sharedWork: number;
}

function peakRssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
    },
  };
}

async function pass(name: string, domains: string[], monitors: readonly Monitor[]): Promise<PassResult> {
  const lab = labInfo();
  const dns = createResolver({ servers: [lab.resolver], timeoutMs: 2000, maxConcurrency: 256 });
  const shared = new RunShared();
  const context: MonitorContext = {
    dns,
    guard: createTargetGuard({ allowPrivateTargets: true, trusted: [lab.resolver.address] }),
    options: {
      ...DEFAULT_CHECK_OPTIONS,
      dkimSelectors: ['s1'],
      allowPrivateTargets: true,
      trustAnchorFile: lab.trustAnchorFile,
      ...(lab.caFile && existsSync(lab.caFile) ? { caFile: lab.caFile } : {}),
    },
    shared,
    now: () => new Date(),
  };
  global.gc?.();
  const sampler = peakRssSampler();
  const started = performance.now();
  const reports: DomainReport[] = await checkDomains(domains, () => context, concurrency, monitors);
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = sampler.stop();
  const stats = dns.stats();
  const statuses: Record<Status, number> = { ok: 0, info: 0, warn: 0, fail: 0, error: 0 };
  const errorsByCheck = new Map<string, number>();
  for (const report of reports) {
    for (const finding of report.findings) {
      statuses[finding.status]++;
      if (finding.status === 'error') errorsByCheck.set(finding.check, (errorsByCheck.get(finding.check) ?? 0) + 1);
    }
  }
  return {
    name,
    seconds,
    domainsPerSecond: domains.length / seconds,
    queriesPerDomain: stats.sent / domains.length,
    requestedPerDomain: stats.requested / domains.length,
    cacheHitRate: (stats.cacheHits + stats.coalesced) / Math.max(1, stats.requested),
    peakRssMb,
    statuses,
    errorsByCheck,
    sharedWork: shared.size,
  };
}

function printPass(result: PassResult): void {
  const s = result.statuses;
  console.log(
    `${result.name.padEnd(26)} ${result.seconds.toFixed(1).padStart(7)} s  ${result.domainsPerSecond.toFixed(0).padStart(6)} domains/s  ` +
      `${result.queriesPerDomain.toFixed(2).padStart(6)} queries sent/domain (${result.requestedPerDomain.toFixed(1)} asked, ` +
      `${(result.cacheHitRate * 100).toFixed(0)}% from cache)  peak RSS ${result.peakRssMb.toFixed(0)} MB  ` +
      `findings ok ${s.ok} info ${s.info} warn ${s.warn} fail ${s.fail} error ${s.error}; shared work items ${result.sharedWork}`,
  );
  if (result.errorsByCheck.size > 0) {
    const errors = [...result.errorsByCheck].map(([check, n]) => `${check} ${n}`).join(', ');
    console.log(`${''.padEnd(26)} could not determine: ${errors}`);
  }
}

async function main(): Promise<void> {
  await acquireLab(log, { persistent: false });
  try {
    const zoneStarted = performance.now();
    if (!values['only-cluster']) await replaceZone(BENCH_ZONE, benchZoneText(count));
    if (!values['skip-daemon'] || values['only-cluster']) await replaceZone(FLEET_ZONE, fleetZoneText());
    log(
      `bench zone with ${count} domains signed and loaded in ${((performance.now() - zoneStarted) / 1000).toFixed(1)} s`,
    );
    const domains = Array.from({ length: count }, (_, index) => benchDomain(index + 1));
    console.log(`mailwarden bench: ${count} domains, concurrency ${concurrency}, Node ${process.version}`);
    const byName = (names: string[]) => MONITORS.filter((monitor) => names.includes(monitor.name));
    // The shared MX addresses stay up for every pass, the daemon cycle included.
    const proxies = await Promise.all(
      BENCH_MX_ADDRESSES.map((address, index) =>
        startCountingProxy({ address, port: 25 }, { address: LAB_POSTFIX_GOOD[index]!, port: 25 }),
      ),
    );
    try {
      const smtpConnections = () => proxies.map((proxy) => proxy.connections);
      if (values['only-cluster']) return await clusterPasses(clusterDomains(), engineDomains(), smtpConnections);
      await benchCheckSpeed({
        domains,
        sizes: checkSizes,
        ...(values['check-concurrency'] ? { concurrency: Number(values['check-concurrency']) } : {}),
        log,
        ...(values['check-profile-dir'] ? { profileDir: values['check-profile-dir'] } : {}),
      });
      if (values['check-only']) return;
      printPass(await pass('check, every monitor', domains, MONITORS));
      console.log(
        `${'SMTP connections'.padEnd(26)} ${proxies.map((p, i) => `${BENCH_MX_ADDRESSES[i]}: ${p.connections}`).join(', ')} ` +
          `for ${count} domains sharing these two MX addresses (probe + legacy-TLS handshake per address)`,
      );
      printPass(await pass('check, mx only', domains, byName(['mx'])));
      printPass(await pass('check, spf+dmarc+dkim', domains, byName(['spf', 'dmarc', 'dkim'])));
      printPass(await pass('check, dnssec only', domains, byName(['dnssec'])));
      for (const line of await benchHostile(labInfo())) console.log(line);
      if (!values['skip-daemon']) {
        const daemonDomains = Array.from({ length: daemonCount }, (_, index) => fleetDomain(index + 1));
        await daemonPasses(daemonDomains, byName(['mx', 'spf', 'dmarc', 'dkim']));
        await runDaemonLoopBench({ lab: labInfo(), log });
        if (!values['skip-cluster']) await clusterPasses(clusterDomains(), engineDomains(), smtpConnections);
      }
      if (!values['skip-store'])
        for (const result of await benchStores({ domains: Number(values['store-domains']), log }))
          console.log(describeStoreBench(result));
      if (!values['skip-dashboard']) await (await import('./dashboard.ts')).benchDashboard();
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    }
  } finally {
    await restoreZone(BENCH_ZONE).catch((error: unknown) => log(`could not remove the bench zone: ${String(error)}`));
    await restoreZone(FLEET_ZONE).catch((error: unknown) => log(`could not remove the fleet zone: ${String(error)}`));
    await releaseLab(log, { stop: true });
  }
}

/**
 * Two daemon cycles through the real daemon (checks → judge → one transaction per batch → outbox) with its state on
 * SQLite and then on the lab's PostgreSQL. The DNS-only monitors keep 100,000 domains within minutes: what is
 * measured here is the daemon and its store (memory independent of the domain count, the write per batch, the
 * database's size), not the checks, which the passes above measure.
 */
async function daemonPasses(domains: string[], monitors: readonly Monitor[]): Promise<void> {
  const lab = labInfo();
  const postgres = await createTestDatabase('bench');
  const stores: { name: string; url?: string }[] = [{ name: 'sqlite' }, { name: 'postgres', url: postgres.url }];
  for (const store of stores) {
    const result = await benchDaemon({
      domains,
      resolver: lab.resolver,
      trustAnchorFile: lab.trustAnchorFile,
      ...(lab.caFile ? { caFile: lab.caFile } : {}),
      ...(store.url ? { stateUrl: store.url } : {}),
      monitors,
      cycles: Number(values['cluster-cycles']),
      measureCompliance: 10_000,
    });
    console.log(
      `${`daemon on ${store.name}, 2 cycles`.padEnd(26)} ${result.seconds.toFixed(1).padStart(7)} s  ` +
        `${result.domainsPerSecond.toFixed(0).padStart(6)} domains/s  peak RSS ${result.peakRssMb.toFixed(0)} MB ` +
        `(${domains.length} domains, mx+spf+dmarc+dkim)\n` +
        `${''.padEnd(26)} ${result.stateWrites} batch writes: mean ${result.meanStateWriteMs.toFixed(1)} ms, ` +
        `largest ${result.maxStateWriteMs.toFixed(0)} ms; database ${(result.databaseBytes / 2 ** 20).toFixed(0)} MB, ` +
        `${(result.databaseBytesPerDomain / 1024).toFixed(1)} KB per domain; ` +
        `time in compliance for ${Math.min(10_000, domains.length)} domains over 30 days: ` +
        `${result.complianceMs?.toFixed(0)} ms`,
    );
  }
  await postgres.drop();
}

function clusterDomains(): string[] {
  return Array.from({ length: Number(values['cluster-domains']) }, (_, index) => fleetDomain(index + 1));
}

function engineDomains(): string[] {
  return Array.from({ length: Number(values['cluster-engine-domains']) }, (_, index) => benchDomain(index + 1));
}

/** One sweep per worker count over the daemon's domains, the workers sharing the lab's PostgreSQL (bench/cluster.ts). */
async function clusterPasses(
  domains: string[],
  engineDomains: string[],
  smtpConnections: () => number[],
): Promise<void> {
  const server = await labPostgres();
  const lab = labInfo();
  const postgresPid = readLabState()?.processes.find((p) => p.name === 'postgres')?.pid;
  const lookup = await benchSharedProbeLookup(server.url);
  console.log(
    `${'shared probe result'.padEnd(26)} ${lookup.meanMs.toFixed(2)} ms per lookup (p95 ${lookup.p95Ms.toFixed(2)} ms): ` +
      'one per MX address per batch, instead of a probe per MX address per batch',
  );
  const workerCounts = String(values['cluster-workers']).split(',').map(Number);
  // What the cluster itself costs at the full domain count (claims and commits, no checks), then real sweeps.
  for (const workers of workerCounts) {
    const result = await benchCluster({
      domains: engineDomains,
      workers,
      serverUrl: server.url,
      ...(postgresPid ? { postgresPid } : {}),
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      monitors: [],
      engineOnly: true,
    });
    console.log(formatClusterResult(result));
  }
  for (const workers of workerCounts) {
    // Every sweep starts from a cold resolver cache, as the first after a restart of the resolver would.
    await flushAllResolvers();
    const result = await benchCluster({
      domains,
      workers,
      serverUrl: server.url,
      ...(postgresPid ? { postgresPid } : {}),
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      ...(lab.caFile ? { caFile: lab.caFile } : {}),
      monitors:
        values['cluster-monitors'] === 'all'
          ? MONITORS.map((monitor) => monitor.name)
          : values['cluster-monitors'].split(','),
      concurrency,
      // At least 20 batches, so that every worker count has batches to share.
      batchSize: Math.max(50, Math.min(500, Math.ceil(domains.length / 20))),
      smtpConnections,
      cycles: Number(values['cluster-cycles']),
    });
    console.log(formatClusterResult(result));
  }
}

await main();
// RPKI: parsing a validator export of 500,000 VRPs and validating routes against it (no lab needed)
await import('./rpki-vrps.ts');
