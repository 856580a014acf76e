import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { emptyQueryStats } from '../dns/query-stats.ts';
import type { QueryStats } from '../dns/types.ts';
import type { DomainReport } from '../model.ts';
import { transportOptions } from '../smtp/settings.ts';
import { checkDomain } from './check-domain.ts';
import { type CheckSetup, createCheckContext, monitorsNamed } from './check-setup.ts';
import { ExitCodeTally, type TallySummary } from './exit-code.ts';
import { OrderedOutput } from './ordered-output.ts';
import { SharedRegistry, type SharedReply, type SharedRequest } from './shared-coordinator.ts';

/**
 * One finished domain: the report itself, or (from a worker, for --json) its serialised form as UTF-8 bytes, which
 * move to this thread without a copy and go to stdout as they are; and its statuses.
 */
export interface CheckedDomain {
  report?: DomainReport;
  json?: Uint8Array;
  tally: TallySummary;
}

export interface RunOptions {
  /** Worker threads; 1 with a short list (under DOMAINS_PER_WORKER domains) checks in this thread. */
  workers: number;
  /** Workers serialise reports for `--json` themselves (then `report` is absent). */
  json: boolean;
}

export type WorkerInput = { type: 'domain'; index: number; domain: string } | { type: 'end' } | SharedReply;
export type WorkerOutput =
  | { type: 'report'; index: number; item: CheckedDomain }
  | { type: 'done'; stats: QueryStats }
  | SharedRequest;

/**
 * A worker's live data is small (bounded caches, a few dozen domains in flight: 30-40 MB) but it allocates fast
 * (~0.7 MB per domain, a third of it the report's JSON). Too small a young generation promotes what a domain still
 * holds and spends the time in scavenges; without an old-generation limit V8 lets the heap grow far past the live
 * data (one thread without limits: ~300 MB peak RSS for 2,000 domains). Measured with one worker on 2,000 domains
 * (young/old MB → CPU ms per domain, peak RSS MB): 12/160 → 4.3, 199; 32/96 → 3.7, 240; 48/96 → 3.2-3.5, 232-242;
 * 48/128 → 3.3, 244; 64/128 → 3.1, 265; 64/64 → 10.1 (thrashing).
 */
const WORKER_YOUNG_GENERATION_MB = 48;
/** About three times the live data, so V8 collects before its heap (and the RSS) grows with the list, never thrashing. */
const WORKER_OLD_GENERATION_MB = 96;

/**
 * Below this many domains a worker thread's start-up (and its own cold caches) costs more than it gives: a list this
 * short is checked in the main thread, a longer one in worker threads, whose heaps are bounded.
 */
const DOMAINS_PER_WORKER = 100;

/**
 * How many worker threads `check` uses by default: one core is left to the resolver and the kernel's network work
 * (on 2 cores with a local Unbound, 2 workers took 3.9-5.1 ms of CPU per domain and longer than 1 worker at
 * 3.2-3.5 ms: both competed with Unbound, and each worker has its own cold caches), fewer for short lists.
 */
export function defaultWorkers(domains: number): number {
  return Math.max(1, Math.min(availableParallelism() - 1, Math.floor(domains / DOMAINS_PER_WORKER)));
}

/**
 * Checks the domains and hands each result to `sink` in input order. At most a few times the concurrency of
 * results wait for their turn, so memory does not grow with the number of domains.
 */
export async function runChecks(
  domains: readonly string[],
  setup: CheckSetup,
  options: RunOptions,
  sink: (item: CheckedDomain) => Promise<void>,
): Promise<{ tally: ExitCodeTally; stats: QueryStats }> {
  const tally = new ExitCodeTally();
  const workers = Math.max(1, Math.min(options.workers, domains.length));
  const output = new OrderedOutput<CheckedDomain>(4 * setup.concurrency * workers, async (item) => {
    tally.merge(item.tally);
    await sink(item);
  });
  const stats =
    workers === 1 && domains.length < DOMAINS_PER_WORKER
      ? await checkHere(domains, setup, output)
      : await checkInWorkers(domains, setup, workers, options.json, output);
  await output.drained();
  return { tally, stats };
}

async function checkHere(
  domains: readonly string[],
  setup: CheckSetup,
  output: OrderedOutput<CheckedDomain>,
): Promise<QueryStats> {
  const { context, dns } = createCheckContext(setup);
  const monitors = monitorsNamed(setup.monitors);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < domains.length) {
      const index = next++;
      await output.reserve(index);
      const report = await checkDomain(context, domains[index]!, monitors);
      output.put(index, { report, tally: tallyOf(report) });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(setup.concurrency, domains.length) }, loop));
    return dns.stats();
  } finally {
    dns.close();
  }
}

export function tallyOf(report: DomainReport): TallySummary {
  const tally = new ExitCodeTally();
  tally.add(report);
  return tally.summary();
}

/**
 * Splits the list over worker threads, each with its own resolver client and caches. Domains are handed out one at
 * a time as workers finish others (in input order, so results arrive nearly in order), and the SMTP probes stay
 * once per MX address per run through the SharedRegistry here.
 */
async function checkInWorkers(
  domains: readonly string[],
  setup: CheckSetup,
  count: number,
  json: boolean,
  output: OrderedOutput<CheckedDomain>,
): Promise<QueryStats> {
  const registry = new SharedRegistry(transportOptions(setup.options).connectionsPerAddress);
  const perWorker = { ...setup, concurrency: Math.max(1, Math.ceil(setup.concurrency / count)) };
  const stats = emptyQueryStats();
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./check-worker-entry.ts', import.meta.url), {
        workerData: { setup: perWorker, json },
        resourceLimits: {
          maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
          maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
        },
      });
      let credits = 0;
      let feeding = false;
      let done = false;
      const feed = async (): Promise<void> => {
        if (feeding) return;
        feeding = true;
        while (credits > 0) {
          credits--;
          const index = next++;
          if (index >= domains.length) {
            worker.postMessage({ type: 'end' } satisfies WorkerInput);
            credits = 0;
            break;
          }
          await output.reserve(index);
          worker.postMessage({ type: 'domain', index, domain: domains[index]! } satisfies WorkerInput);
        }
        feeding = false;
      };
      worker.on('message', (message: WorkerOutput) => {
        if (message.type === 'report') {
          output.put(message.index, message.item);
          credits++;
          void feed();
        } else if (message.type === 'done') {
          for (const key of Object.keys(stats) as (keyof QueryStats)[]) stats[key] += message.stats[key];
          done = true;
          resolve();
        } else registry.handle(message, (reply) => worker.postMessage(reply satisfies WorkerInput));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (!done) reject(new Error(`a check worker stopped (exit code ${code}) before it finished`));
      });
      // two domains queued per slot, so a worker never idles while the next one is on its way
      credits = 2 * perWorker.concurrency;
      void feed();
    });
  await Promise.all(Array.from({ length: count }, runWorker));
  return stats;
}
