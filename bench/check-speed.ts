/**
 * `mailwarden check` against the resolver's floor: the real CLI, as a child process, over N generated signed domains
 * sharing two MX hosts with DANE (every monitor on, `--json`), compared with dnsperf replaying exactly the queries
 * that run sent to the resolver (recorded by a proxy in a separate pass), both from a cold resolver cache. Prints
 * the ratio mailwarden / floor, domains/s, CPU ms per domain, queries sent per domain and peak RSS at two sizes.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QUERIES_IN_FLIGHT_PER_DOMAIN } from '../src/check/check-setup.ts';
import { flushAllResolvers } from '../test/lab/control.ts';
import { labInfo } from '../test/lab/info.ts';
import { startRecordingDnsProxy } from './recording-dns-proxy.ts';

const run = promisify(execFile);
const DNSPERF = '/usr/bin/dnsperf';
const RECORDING_PROXY = { address: '127.53.99.1', port: 53 };
const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const USAGE_REPORTER = new URL('./report-usage.ts', import.meta.url).href;

export interface CheckRun {
  domains: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  queriesSent: number;
  reports: number;
  statuses: Record<string, number>;
  exitCode: number;
}

export interface CheckSpeedOptions {
  domains: readonly string[];
  /** A second, larger size for the memory figure (a prefix of `domains` is used for the first). */
  sizes: readonly number[];
  concurrency?: number;
  /** Directory for V8 CPU profiles of the timed runs (node --cpu-prof). */
  profileDir?: string;
  log: (line: string) => void;
}

/**
 * Runs the CLI with bench/report-usage.ts preloaded (its CPU time over every thread and its peak RSS); stdout (the
 * JSON) goes to a file that is parsed afterwards to prove the contract.
 */
async function runCheck(
  domainsFile: string,
  resolver: { address: string; port: number },
  extra: { concurrency?: number; profileDir?: string; outFile: string },
): Promise<CheckRun> {
  const lab = labInfo();
  const args = [
    '--import',
    USAGE_REPORTER,
    ...(extra.profileDir ? ['--cpu-prof', '--cpu-prof-dir', extra.profileDir] : []),
    CLI,
    'check',
    '--domains-file',
    domainsFile,
    '--resolver',
    `${resolver.address}:${resolver.port}`,
    '--trust-anchor',
    lab.trustAnchorFile,
    ...(lab.caFile ? ['--ca-file', lab.caFile] : []),
    '--allow-private-targets',
    '--dkim-selectors',
    's1',
    '--json',
    '--stats',
    ...(extra.concurrency ? ['--concurrency', String(extra.concurrency)] : []),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(extra.outFile);
  child.stdout.pipe(out);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  await new Promise<void>((resolve) => out.end(resolve));
  const elapsed = (performance.now() - started) / 1000;
  const usage = /bench-usage (\d+) (\d+) (\d+)/.exec(stderr);
  if (!usage) throw new Error(`mailwarden check failed: ${stderr}`);
  const [user, system, maxRssKb] = usage.slice(1).map(Number);
  const sent = /(\d+) sent/.exec(stderr);
  const parsed = JSON.parse(await readFile(extra.outFile, 'utf8')) as {
    reports: { findings: { status: string }[] }[];
  };
  const statuses: Record<string, number> = {};
  for (const report of parsed.reports)
    for (const finding of report.findings) statuses[finding.status] = (statuses[finding.status] ?? 0) + 1;
  return {
    domains: 0,
    seconds: elapsed,
    cpuSeconds: ((user ?? 0) + (system ?? 0)) / 1e6,
    peakRssMb: (maxRssKb ?? 0) / 1024,
    queriesSent: Number(sent?.[1] ?? Number.NaN),
    reports: parsed.reports.length,
    statuses,
    exitCode,
  };
}

/** dnsperf from Debian (the bench's floor): installed here when missing and we are root, as the lab installs its own. */
async function ensureDnsperf(log: (line: string) => void): Promise<void> {
  if (existsSync(DNSPERF)) return;
  if (process.getuid?.() !== 0) {
    throw new Error('the bench needs dnsperf: as root, apt-get install dnsperf');
  }
  log('installing dnsperf (the resolver floor of the check bench)');
  await run('sh', [
    '-c',
    'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dnsperf',
  ]);
}

/** dnsperf over the recorded queries (binary format, flags as sent), as many in flight as mailwarden allows itself. */
async function dnsperfFloor(recordingFile: string, inFlight: number): Promise<{ seconds: number; lost: number }> {
  const lab = labInfo();
  const { stdout } = await run(DNSPERF, [
    '-B',
    '-d',
    recordingFile,
    '-s',
    lab.resolver.address,
    '-p',
    String(lab.resolver.port),
    '-n',
    '1',
    '-q',
    String(inFlight),
    '-t',
    '5',
  ]);
  const seconds = Number(/Run time \(s\):\s+([\d.]+)/.exec(stdout)?.[1]);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const sent = Number(/Queries sent:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  // In a network namespace with only a loopback interface getaddrinfo offers dnsperf an IPv4-mapped IPv6 address
  // that cannot be sent to: it then sends nothing, and the floor would read 0 s.
  if (sent === 0)
    throw new Error(
      `dnsperf sent no queries (a namespace with only loopback? give it a dummy interface with an IPv4 address):\n${stdout}`,
    );
  return { seconds, lost };
}

export async function benchCheckSpeed(options: CheckSpeedOptions): Promise<void> {
  const lab = labInfo();
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-check-'));
  const concurrency = options.concurrency ?? 32;
  await ensureDnsperf(options.log);
  try {
    const fileFor = async (size: number) => {
      const file = join(dir, `domains-${size}.txt`);
      await writeFile(file, `${options.domains.slice(0, size).join('\n')}\n`);
      return file;
    };
    const [first, ...more] = options.sizes;
    if (first === undefined) return;
    const firstFile = await fileFor(first);

    // 1. Which queries does a check send to the resolver? Recorded through a proxy, cold cache.
    await flushAllResolvers();
    const proxy = await startRecordingDnsProxy(RECORDING_PROXY, lab.resolver);
    try {
      await runCheck(firstFile, RECORDING_PROXY, { concurrency, outFile: join(dir, 'recording.json') });
    } finally {
      await proxy.close();
    }
    const recordingFile = join(dir, 'queries.raw');
    await writeFile(recordingFile, proxy.recording());

    // 2. The floor: the resolver answering exactly those queries, cold cache, no client work in between.
    await flushAllResolvers();
    // as many queries in flight as mailwarden allows itself over all its workers
    const floor = await dnsperfFloor(recordingFile, concurrency * QUERIES_IN_FLIGHT_PER_DOMAIN);

    // 3. mailwarden itself, cold cache, and the larger size for memory.
    const runs: CheckRun[] = [];
    for (const size of [first, ...more]) {
      await flushAllResolvers();
      const file = size === first ? firstFile : await fileFor(size);
      const result = await runCheck(file, lab.resolver, {
        concurrency,
        ...(options.profileDir ? { profileDir: options.profileDir } : {}),
        outFile: join(dir, `out-${size}.json`),
      });
      result.domains = size;
      runs.push(result);
      if (result.reports !== size) throw new Error(`--json held ${result.reports} reports for ${size} domains`);
    }
    const main = runs[0]!;
    console.log(
      `check vs floor (${cpus().length} cores, ${cpus()[0]?.model.trim()}; --json, every monitor, concurrency ${concurrency})`,
    );
    console.log(
      `  dnsperf floor: the same ${proxy.queries} resolver queries (${(proxy.queries / first).toFixed(2)}/domain), ` +
        `${concurrency * QUERIES_IN_FLIGHT_PER_DOMAIN} in flight, in ${floor.seconds.toFixed(2)} s, ${floor.lost} lost`,
    );
    for (const r of runs) {
      const s = r.statuses;
      console.log(
        `  mailwarden check ${String(r.domains).padStart(6)} domains: ${r.seconds.toFixed(2)} s` +
          (r === main ? ` = ${(r.seconds / floor.seconds).toFixed(2)}x the floor` : '') +
          `, ${(r.domains / r.seconds).toFixed(0)} domains/s, CPU ${((r.cpuSeconds * 1000) / r.domains).toFixed(2)} ms/domain, ` +
          `${(r.queriesSent / r.domains).toFixed(2)} queries sent/domain, peak RSS ${r.peakRssMb.toFixed(0)} MB; ` +
          `findings ok ${s.ok ?? 0} info ${s.info ?? 0} warn ${s.warn ?? 0} fail ${s.fail ?? 0} error ${s.error ?? 0}; exit ${r.exitCode}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
