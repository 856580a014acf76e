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
import { replaceZone, restoreZone } from '../test/lab/control.ts';
import { labInfo } from '../test/lab/info.ts';
import { acquireLab, releaseLab } from '../test/lab/lib/sharing.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { BENCH_MX_ADDRESSES, BENCH_ZONE, benchDomain, benchZoneText, LAB_POSTFIX_GOOD } from './generate-zone.ts';

const { values } = parseArgs({
  options: {
    domains: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    'skip-daemon': { type: 'boolean', default: false },
  },
});
const count = Number(values.domains);
const concurrency = Number(values.concurrency);
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
    await replaceZone(BENCH_ZONE, benchZoneText(count));
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
      printPass(await pass('check, every monitor', domains, MONITORS));
      console.log(
        `${'SMTP connections'.padEnd(26)} ${proxies.map((p, i) => `${BENCH_MX_ADDRESSES[i]}: ${p.connections}`).join(', ')} ` +
          `for ${count} domains sharing these two MX addresses (probe + legacy-TLS handshake per address)`,
      );
      printPass(await pass('check, mx only', domains, byName(['mx'])));
      printPass(await pass('check, spf+dmarc+dkim', domains, byName(['spf', 'dmarc', 'dkim'])));
      printPass(await pass('check, dnssec only', domains, byName(['dnssec'])));
      if (!values['skip-daemon']) await daemonPass(domains);
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    }
  } finally {
    await restoreZone(BENCH_ZONE).catch((error: unknown) => log(`could not remove the bench zone: ${String(error)}`));
    await releaseLab(log, { stop: true });
  }
}

async function daemonPass(domains: string[]): Promise<void> {
  const module = './daemon-run.ts';
  if (!existsSync(new URL(module, import.meta.url))) {
    console.log('daemon cycle: bench/daemon-run.ts not present, skipped');
    return;
  }
  const { benchDaemon } = (await import(module)) as {
    benchDaemon(options: {
      domains: string[];
      resolver: { address: string; port: number };
      trustAnchorFile: string;
      caFile?: string;
    }): Promise<{
      seconds: number;
      domainsPerSecond: number;
      peakRssMb: number;
      stateFileBytes: number;
      historyBytes: number;
      checkSeconds?: number;
      stateWrites?: number;
      stateWriteSeconds?: number;
      maxStateWriteMs?: number;
      lastStateWriteMs?: number;
    }>;
  };
  const lab = labInfo();
  const result = await benchDaemon({
    domains,
    resolver: lab.resolver,
    trustAnchorFile: lab.trustAnchorFile,
    ...(lab.caFile ? { caFile: lab.caFile } : {}),
  });
  console.log(
    `${'daemon, one full cycle'.padEnd(26)} ${result.seconds.toFixed(1).padStart(7)} s  ${result.domainsPerSecond.toFixed(0).padStart(6)} domains/s  ` +
      `peak RSS ${result.peakRssMb.toFixed(0)} MB  state file ${(result.stateFileBytes / 2 ** 20).toFixed(1)} MB  ` +
      `history ${(result.historyBytes / 2 ** 20).toFixed(1)} MB` +
      (result.stateWrites === undefined
        ? ''
        : `; checks ${result.checkSeconds?.toFixed(1)} s of it; ${result.stateWrites} state writes, ` +
          `${result.stateWriteSeconds?.toFixed(1)} s in all, largest ${result.maxStateWriteMs?.toFixed(0)} ms, ` +
          `last ${result.lastStateWriteMs?.toFixed(0)} ms`),
  );
}

await main();
// RPKI: parsing a validator export of 500,000 VRPs and validating routes against it (no lab needed)
await import('./rpki-vrps.ts');
