// The daemon's check loop in steady state and against a refusing MX, through the real daemon (canary on the lab's
// resolver, SQLite store, log channel):
// - steady state: domains spread evenly over the interval (as their hash slots spread them), a synthetic monitor
//   that answers at once, so what is measured is the loop's own cost — batches a minute and their overhead (canary,
//   judge, transaction) a minute — for run()'s loop against a loop that takes whatever is due at each poll, one batch
//   at a time (tick(), the loop before batches were sized by work);
// - a refusing MX: every domain's MX refuses connections (a 10 s delayed retry per probe), every monitor: domains/s
//   for one cycle with run() (batches overlap, the refused result is shared across batches) and with tick();
// - dead MXes: 1 domain in 100 has a dead MX of its own (no sharing helps), the rest one good shared MX.
// Called by bench/run.ts; also `node bench/daemon-steady.ts [--seconds 60] [--domains 10000] [--refusing 2000]`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load.ts';
import { type BatchSummary, Daemon } from '../src/daemon/daemon.ts';
import { createLogger } from '../src/daemon/logger.ts';
import type { Finding } from '../src/model.ts';
import type { Monitor } from '../src/monitors/types.ts';
import { createStateStore } from '../src/state/open-store.ts';

export interface SteadyOptions {
  resolver: { address: string; port: number };
  trustAnchorFile: string;
  caFile?: string;
  /** Wall time each loop runs for. */
  seconds: number;
  /** Domains spread over the interval. */
  domains: number;
  interval: string;
}

export interface LoopFigures {
  loop: 'run()' | 'tick()';
  domainsChecked: number;
  batches: number;
  batchesPerMinute: number;
  /** Σ (batch duration − time in the checks): canary, judge, transaction, per minute of wall time. */
  overheadSecondsPerMinute: number;
  meanBatchDomains: number;
}

export interface RefusingOptions {
  resolver: { address: string; port: number };
  trustAnchorFile: string;
  caFile?: string;
  /** dNNNNNN.<zone>: a lab zone whose every name has an MX that refuses connections. */
  domains: string[];
  batchSize: number;
  concurrency: number;
  monitors?: readonly Monitor[];
}

export interface RefusingFigures {
  loop: 'run()' | 'tick()';
  domains: number;
  seconds: number;
  domainsPerSecond: number;
  batches: number;
}

/** The steady-state loop figures, before (tick per poll) and after (run()). */
export async function benchSteadyState(options: SteadyOptions): Promise<LoopFigures[]> {
  return [await steady(options, 'tick()'), await steady(options, 'run()')];
}

/** One cycle over domains whose MX refuses, with run() and with tick(). */
export async function benchRefusingMx(options: RefusingOptions): Promise<RefusingFigures[]> {
  return [await refusing(options, 'run()'), await refusing(options, 'tick()')];
}

/** Answers at once with a few findings, like a domain whose checks are all cached. */
const instant: Monitor = {
  name: 'instant',
  async run(_context, domain): Promise<Finding[]> {
    return ['spf', 'dmarc', 'dkim'].map((area) => ({
      check: `${area}.policy`,
      subject: domain,
      status: 'ok' as const,
      summary: `${area} fine`,
      evidence: { record: `v=${area}1` },
    }));
  },
};

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

async function daemonIn(
  dir: string,
  domains: string[],
  yaml: { resolver: SteadyOptions['resolver']; trustAnchorFile: string; caFile?: string; schedule: string },
  monitors: readonly Monitor[] | undefined,
  batches: BatchSummary[],
) {
  const domainFile = join(dir, 'domains.txt');
  await writeFile(domainFile, `${domains.join('\n')}\n`);
  const config = parseConfig(
    `
dns: { resolvers: ["${yaml.resolver.address}:${yaml.resolver.port}"], trustAnchorFile: "${yaml.trustAnchorFile}" }
checks:
  allowPrivateTargets: true
  ehloName: mailwarden-bench.test
${yaml.caFile ? `  caFile: "${yaml.caFile}"\n` : ''}schedule: { ${yaml.schedule} }
state: { url: "sqlite:${join(dir, 'state.db')}" }
channels: { console: { type: log } }
routes: [ { name: everything, channels: [console] } ]
domainFiles: ["${domainFile}"]
`,
    join(dir, 'config.yaml'),
    { env: {} },
  );
  const store = createStateStore(config.state.url.reveal());
  await store.open();
  const daemon = new Daemon({
    config,
    store,
    logger: createLogger('info', discard()),
    ...(monitors ? { monitors } : {}),
    observer: { batchFinished: ({ summary }) => batches.push(summary) },
  });
  return { daemon, store };
}

async function steady(options: SteadyOptions, loop: LoopFigures['loop']): Promise<LoopFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-steady-'));
  const batches: BatchSummary[] = [];
  const domains = Array.from({ length: options.domains }, (_, index) => `s${index + 1}.steady.test`);
  // firstCheckSpread = interval: due times spread evenly over the interval, as the domains' hash slots spread them.
  const { daemon, store } = await daemonIn(
    dir,
    domains,
    {
      ...options,
      schedule: `interval: ${options.interval}, firstCheckSpread: ${options.interval}, batchSize: 500, concurrency: 64`,
    },
    [instant],
    batches,
  );
  try {
    await daemon.schedule();
    const end = Date.now() + options.seconds * 1000;
    if (loop === 'run()') {
      const running = daemon.run();
      await new Promise((resolve) => setTimeout(resolve, end - Date.now()));
      daemon.stop();
      await running;
    } else {
      // The loop before: a batch of whatever is due at each pass; with nothing due, sleep until the next due time.
      while (Date.now() < end) {
        if ((await daemon.tick()) !== undefined) {
          await daemon.deliver();
          continue;
        }
        const next = daemon.queue.peek() ?? end;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(next, end) - Date.now())));
      }
    }
  } finally {
    daemon.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  const minutes = options.seconds / 60;
  const checked = batches.reduce((sum, batch) => sum + batch.domains, 0);
  const overheadMs = batches.reduce((sum, batch) => sum + Math.max(0, batch.durationMs - batch.checkMs), 0);
  return {
    loop,
    domainsChecked: checked,
    batches: batches.length,
    batchesPerMinute: batches.length / minutes,
    overheadSecondsPerMinute: overheadMs / 1000 / minutes,
    meanBatchDomains: checked / Math.max(1, batches.length),
  };
}

async function refusing(options: RefusingOptions, loop: RefusingFigures['loop']): Promise<RefusingFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-refusing-'));
  const batches: BatchSummary[] = [];
  const { daemon, store } = await daemonIn(
    dir,
    options.domains,
    {
      ...options,
      schedule: `interval: 1h, firstCheckSpread: 0s, batchSize: ${options.batchSize}, concurrency: ${options.concurrency}`,
    },
    options.monitors,
    batches,
  );
  const checked = () => batches.reduce((sum, batch) => sum + batch.domains, 0);
  const started = performance.now();
  try {
    await daemon.schedule();
    if (loop === 'run()') {
      const running = daemon.run();
      while (checked() < options.domains.length) await new Promise((resolve) => setTimeout(resolve, 50));
      daemon.stop();
      await running;
    } else {
      // one batch at a time, its alerts delivered before the next, as run() delivers beside the checks
      while ((await daemon.tick()) !== undefined) await daemon.deliver();
    }
  } finally {
    daemon.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    loop,
    domains: checked(),
    seconds,
    domainsPerSecond: checked() / seconds,
    batches: batches.length,
  };
}

/** The lab zone of the refusing-MX pass: every name's MX is 127.25.0.254, where nothing listens. */
export const REFUSING_ZONE = 'refusing.test';

export function refusingZoneText(): string {
  return `${[
    '; lab: sign=ecdsap256sha256',
    'mx1 A 127.25.0.254',
    '* MX 10 mx1',
    '* TXT "v=spf1 ip4:127.25.0.0/24 -all"',
    '* TXT "v=DMARC1; p=reject; rua=mailto:dmarc@refusing.test"',
  ].join('\n')}\n`;
}

export function refusingDomain(index: number): string {
  return `d${String(index).padStart(6, '0')}.${REFUSING_ZONE}`;
}

/**
 * The mixed pass's zone: every name's MX is the lab's good Postfix (one probe per cycle, shared), except `deadN`,
 * whose MX `mxdeadN` has an address of its own where nothing listens (a customer's dead mail server).
 */
export const MIXED_ZONE = 'mixed.test';
const DEAD_EVERY = 100;

export function mixedZoneText(count: number): string {
  const lines = [
    '; lab: sign=ecdsap256sha256',
    'mx1 A 127.25.0.1',
    '* MX 10 mx1',
    '* TXT "v=spf1 ip4:127.25.0.0/24 -all"',
    '* TXT "v=DMARC1; p=reject; rua=mailto:dmarc@mixed.test"',
  ];
  for (let dead = 1; dead <= Math.ceil(count / DEAD_EVERY); dead++)
    lines.push(`dead${dead} MX 10 mxdead${dead}`, `mxdead${dead} A 127.25.8.${dead % 250}`);
  return `${lines.join('\n')}\n`;
}

/** One dead MX per DEAD_EVERY domains. */
export function mixedDomains(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index % DEAD_EVERY === DEAD_EVERY / 2
      ? `dead${Math.floor(index / DEAD_EVERY) + 1}.${MIXED_ZONE}`
      : `d${index + 1}.${MIXED_ZONE}`,
  );
}

export function formatSteady(figures: LoopFigures[], options: Pick<SteadyOptions, 'domains' | 'interval'>): string {
  return figures
    .map(
      (f) =>
        `${`daemon steady, ${f.loop}`.padEnd(26)} ${f.batchesPerMinute.toFixed(0).padStart(5)} batches/min, ` +
        `overhead ${f.overheadSecondsPerMinute.toFixed(2)} s/min, ${f.meanBatchDomains.toFixed(1)} domains/batch ` +
        `(${options.domains} domains over ${options.interval}; ${f.domainsChecked} checked in ${f.batches} batches)`,
    )
    .join('\n');
}

export function formatRefusing(figures: RefusingFigures[], batchSize: number, what = 'on one refusing MX'): string {
  return figures
    .map(
      (f) =>
        `${`daemon ${what === 'on one refusing MX' ? 'refusing MX' : 'dead MXes'}, ${f.loop}`.padEnd(26)} ` +
        `${f.seconds.toFixed(1).padStart(7)} s  ${f.domainsPerSecond.toFixed(0).padStart(6)} domains/s ` +
        `(${f.domains} domains ${what}, every monitor, ${f.batches} batches of up to ${batchSize})`,
    )
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      domains: { type: 'string', default: '10000' },
      intervals: { type: 'string', default: '1h,10m' },
      refusing: { type: 'string', default: '2000' },
    },
  });
  const { acquireLab, releaseLab } = await import('../test/lab/lib/sharing.ts');
  const { labInfo } = await import('../test/lab/info.ts');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await acquireLab(log, { persistent: false });
  try {
    await runDaemonLoopBench({
      lab: labInfo(),
      seconds: Number(values.seconds),
      domains: Number(values.domains),
      intervals: values.intervals.split(',').filter(Boolean),
      refusing: Number(values.refusing),
      log,
    });
  } finally {
    await releaseLab(log, { stop: true });
  }
}

/** What bench/run.ts calls: the steady-state passes, then the refusing-MX pass (its zone added and removed). */
export async function runDaemonLoopBench(options: {
  lab: { resolver: { address: string; port: number }; trustAnchorFile: string; caFile?: string };
  seconds?: number;
  domains?: number;
  intervals?: string[];
  refusing?: number;
  log: (line: string) => void;
}): Promise<void> {
  const { lab } = options;
  const base = {
    resolver: lab.resolver,
    trustAnchorFile: lab.trustAnchorFile,
    ...(lab.caFile ? { caFile: lab.caFile } : {}),
  };
  for (const interval of options.intervals ?? ['1h', '10m']) {
    const steadyOptions = { ...base, seconds: options.seconds ?? 60, domains: options.domains ?? 10_000, interval };
    console.log(formatSteady(await benchSteadyState(steadyOptions), steadyOptions));
  }
  const count = options.refusing ?? 2000;
  if (count <= 0) return;
  const { replaceZone, restoreZone } = await import('../test/lab/control.ts');
  await replaceZone(REFUSING_ZONE, refusingZoneText());
  try {
    const domains = Array.from({ length: count }, (_, index) => refusingDomain(index + 1));
    const figures = await benchRefusingMx({ ...base, domains, batchSize: 100, concurrency: 64 });
    console.log(formatRefusing(figures, 100));
  } finally {
    await restoreZone(REFUSING_ZONE).catch((error: unknown) =>
      options.log(`could not remove ${REFUSING_ZONE}: ${error}`),
    );
  }
  await replaceZone(MIXED_ZONE, mixedZoneText(count));
  try {
    const figures = await benchRefusingMx({ ...base, domains: mixedDomains(count), batchSize: 100, concurrency: 64 });
    console.log(formatRefusing(figures, 100, `(1 in ${DEAD_EVERY} with a dead MX of its own)`));
  } finally {
    await restoreZone(MIXED_ZONE).catch((error: unknown) => options.log(`could not remove ${MIXED_ZONE}: ${error}`));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
