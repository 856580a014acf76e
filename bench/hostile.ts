/**
 * The hostile lab domains (test/lab/zones/hostile/), each checked by every monitor in a fresh process: time, RSS
 * growth, DNS queries and report size. Run by bench/run.ts; `node bench/hostile.ts <domain> <ip:port> <anchor>` is
 * one measurement (a child process, so one domain's memory is not the next one's).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkDomains } from '../src/check/check-domain.ts';
import { createResolver } from '../src/dns/resolver.ts';
import { RunShared } from '../src/monitors/run-shared.ts';
import { DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../src/monitors/types.ts';
import { createTargetGuard } from '../src/net/target-guard.ts';

export const HOSTILE_DOMAINS = [
  'hostile-diamond.test',
  'hostile-tree.test',
  'hostile-mx500.test',
  'hostile-rua.test',
  'hostile-resolvermx.test',
];

interface Measurement {
  domain: string;
  ms: number;
  rssGrowthMb: number;
  queries: number;
  reportBytes: number;
  limits: string[];
}

async function measure(domain: string, resolver: string, trustAnchorFile: string): Promise<Measurement> {
  const dns = createResolver({ servers: [resolver] });
  const context: MonitorContext = {
    dns,
    guard: createTargetGuard({ allowPrivateTargets: true, trusted: [resolver] }),
    options: {
      ...DEFAULT_CHECK_OPTIONS,
      allowPrivateTargets: true,
      trustAnchorFile,
      transport: { retryDelayMs: 200 },
    },
    shared: new RunShared(),
    now: () => new Date(),
  };
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  const [report] = await checkDomains([domain], () => context, 1);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  dns.close();
  const limits = report!.findings.find((f) => f.check === 'check.limits')?.evidence.limits;
  return {
    domain,
    ms,
    rssGrowthMb: (peak - before) / 2 ** 20,
    queries: dns.stats().requested,
    reportBytes: JSON.stringify(report).length,
    limits: Array.isArray(limits) ? limits.map(String) : [],
  };
}

/** One line per hostile domain, each measured in its own process. */
export async function benchHostile(lab: {
  resolver: { address: string; port: number };
  trustAnchorFile: string;
}): Promise<string[]> {
  const lines: string[] = [];
  const resolver = `${lab.resolver.address}:${lab.resolver.port}`;
  for (const domain of HOSTILE_DOMAINS) {
    const { stdout } = await promisify(execFile)(process.execPath, [
      fileURLToPath(import.meta.url),
      domain,
      resolver,
      lab.trustAnchorFile,
    ]);
    const m = JSON.parse(stdout) as Measurement;
    lines.push(
      `${`hostile ${m.domain}`.padEnd(34)} ${(m.ms / 1000).toFixed(1).padStart(5)} s  RSS +${m.rssGrowthMb.toFixed(0)} MB  ` +
        `${m.queries} DNS queries  report ${(m.reportBytes / 1024).toFixed(0)} KB  limits hit: ${m.limits.join(', ') || 'none'}`,
    );
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [domain, resolver, anchor] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(await measure(domain!, resolver!, anchor!)));
}
