// run()'s loop: batches sized by work (a steady stream of due domains is gathered into few batches), their checks
// overlapping within schedule.concurrency (a slow domain holds only its own batch), judge → remember → notify one
// batch at a time, a stop that ends every running batch, and probe results shared across batches.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DaemonCluster } from '../../src/cluster/cluster.ts';
import type { ClaimedBatch, WorkSource } from '../../src/cluster/work-source.ts';
import { parseConfig } from '../../src/config/load.ts';
import { type BatchSummary, Daemon } from '../../src/daemon/daemon.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import type { StateStore } from '../../src/state/store.ts';
import { type TestDatabase, testDatabase } from '../support/stores.ts';
import { fakeDns, fakeMonitor } from './fakes.ts';

const logger = pino({ level: 'silent' });

let database: TestDatabase;
let store: StateStore;
beforeEach(async () => {
  database = await testDatabase('sqlite');
  store = await database.open();
});
afterEach(async () => {
  await store.close();
  await database.remove();
});

function names(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `d${index + 1}.example`);
}

function daemonFor(
  domains: string[],
  monitor: Monitor,
  schedule: string,
  options: { now?: () => Date; alerting?: string; cluster?: DaemonCluster } = {},
): { daemon: Daemon; batches: BatchSummary[]; finishedAt: number[] } {
  const config = parseConfig(
    `
schedule: { ${schedule} }
alerting: { ${options.alerting ?? 'confirmDelay: 3m'} }
state: { url: '${database.url}' }
channels: { ops: { type: log } }
routes: [ { name: all, channels: [ops], groupWait: 0s } ]
domains: [${domains.join(', ')}]
`,
    join('/nonexistent', 'config.yaml'),
    { env: {} },
  );
  const batches: BatchSummary[] = [];
  const finishedAt: number[] = [];
  const daemon = new Daemon({
    config,
    store,
    logger,
    ...(options.now ? { now: options.now } : {}),
    monitors: [monitor],
    dns: fakeDns({ value: false }),
    canaryDns: fakeDns({ value: false }),
    canaryConfirmPauseMs: 0,
    storeRetryMs: 50,
    guard: { check: () => ({ allowed: true }) },
    channels: new Map(),
    observer: {
      batchFinished: ({ summary }) => {
        batches.push(summary);
        finishedAt.push(Date.now());
      },
    },
    ...(options.cluster ? { cluster: options.cluster } : {}),
  });
  return { daemon, batches, finishedAt };
}

/** A monitor that answers at once, except for the domains in `held`, which wait until released (or forever). */
function gatedMonitor(held: Map<string, Promise<void>>, checked: Set<string>): Monitor {
  return {
    name: 'gated',
    async run(_context, domain): Promise<Finding[]> {
      await held.get(domain);
      checked.add(domain);
      return [{ check: 'gated.policy', subject: domain, status: 'ok', summary: 'fine', evidence: {} }];
    },
  };
}

/** The domains the store has marked in flight (a restart checks them first). */
async function inFlight(): Promise<Set<string>> {
  const marked = new Set<string>();
  for await (const entry of store.schedule()) if (entry.inFlight) marked.add(entry.domain);
  return marked;
}

async function savedReports(domains: string[]): Promise<Map<string, number>> {
  const states = await store.loadDomains(domains);
  return new Map([...states].map(([name, state]) => [name, state.reports]));
}

describe('overlapping batches', () => {
  it('a domain that hangs holds only its own batch: every other batch is saved meanwhile, one commit at a time', async () => {
    const domains = names(24);
    let release!: () => void;
    const slow = domains[5]!;
    const held = new Map([[slow, new Promise<void>((resolve) => (release = resolve))]]);
    const checked = new Set<string>();
    const { daemon, batches } = daemonFor(
      domains,
      gatedMonitor(held, checked),
      'interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 4, concurrency: 4',
    );
    // Judge and remember must not overlap between batches: the judge's reads happen outside any commit.
    let committing = 0;
    let overlaps = 0;
    const commit = store.commitBatch.bind(store);
    store.commitBatch = async (batch) => {
      if (committing++ > 0) overlaps++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await commit(batch);
      } finally {
        committing--;
      }
    };
    const global = store.global.bind(store);
    store.global = async () => {
      if (committing > 0) overlaps++;
      return global();
    };

    const running = daemon.run();
    try {
      // Everything outside the slow domain's batch of 4 is checked and saved while it hangs.
      await expect
        .poll(async () => [...(await savedReports(domains)).values()].filter((reports) => reports === 1).length, {
          timeout: 10_000,
        })
        .toBe(20);
      const saved = await savedReports(domains);
      expect(saved.get(slow) ?? 0).toBe(0);
      expect(checked.has(slow)).toBe(false);
      expect(await inFlight()).toContain(slow);
      expect(batches).toHaveLength(5);

      release();
      await expect.poll(async () => (await savedReports([slow])).get(slow), { timeout: 10_000 }).toBe(1);
      expect(batches).toHaveLength(6);
      expect(batches.reduce((sum, batch) => sum + batch.domains, 0)).toBe(24);
      expect(overlaps).toBe(0);
    } finally {
      daemon.stop();
      await running;
      daemon.close();
    }
  }, 30_000);

  it('a steady stream of due domains is gathered into a few batches instead of one per poll', async () => {
    // 300 domains come due over 4 s; at a 5 min interval a partial batch gathers for 3 s (1 % of the interval).
    const domains = names(300);
    const checks = new Map<string, number>();
    const { daemon, batches } = daemonFor(
      domains,
      fakeMonitor(new Map<string, Status>(), checks),
      'interval: 5m, jitter: 0, firstCheckSpread: 4s, batchSize: 500, concurrency: 20',
    );
    const running = daemon.run();
    try {
      await expect.poll(() => checks.size, { timeout: 20_000, interval: 100 }).toBe(300);
      // Without gathering the loop took whatever was due at each pass: well over a hundred batches.
      expect(batches.length).toBeLessThanOrEqual(5);
      expect(batches.reduce((sum, batch) => sum + batch.domains, 0)).toBe(300);
      expect(Math.max(...batches.map((batch) => batch.domains))).toBeGreaterThanOrEqual(60);
    } finally {
      daemon.stop();
      await running;
      daemon.close();
    }
  }, 30_000);

  it('a full batch does not wait for the gather window; the partial rest does', async () => {
    // At 1 h the window is 5 s; 120 domains due at once make two full batches of 50 at once, the rest of 20 later.
    const domains = names(120);
    const checks = new Map<string, number>();
    const { daemon, batches, finishedAt } = daemonFor(
      domains,
      fakeMonitor(new Map<string, Status>(), checks),
      'interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 50, concurrency: 10',
    );
    const started = Date.now();
    const running = daemon.run();
    try {
      await expect.poll(() => batches.length, { timeout: 20_000 }).toBe(3);
      expect(batches.map((batch) => batch.domains)).toEqual([50, 50, 20]);
      const [, second, third] = finishedAt.map((at) => at - started);
      // the partial batch waited for the window (a lower bound: load only makes it later), the full ones did not
      expect(third).toBeGreaterThanOrEqual(4_500);
      expect(third! - second!).toBeGreaterThanOrEqual(1_000);
      expect(checks.size).toBe(120);
    } finally {
      daemon.stop();
      await running;
      daemon.close();
    }
  }, 30_000);
});

/** A job engine in memory, on the real clock: every domain due now, claimed in batches, committed or handed back. */
class MemoryWork implements WorkSource {
  readonly due = new Set<string>();
  readonly committedBatches: string[][] = [];
  async claim(limit: number): Promise<ClaimedBatch | undefined> {
    const domains = [...this.due].slice(0, limit);
    if (domains.length === 0) return undefined;
    for (const domain of domains) this.due.delete(domain);
    return { domains, dueAt: new Map(domains.map((domain) => [domain, 0])), claimedAt: Date.now() };
  }
  async committed(batch: ClaimedBatch): Promise<void> {
    this.committedBatches.push([...batch.domains]);
  }
  async abandon(batch: ClaimedBatch): Promise<void> {
    for (const domain of batch.domains) this.due.add(domain);
  }
  async ensureScheduled(entries: readonly { domain: string }[]): Promise<number> {
    for (const entry of entries) this.due.add(entry.domain);
    return entries.length;
  }
  async dueNow(): Promise<void> {}
  async unschedule(): Promise<void> {}
}

describe('a cluster worker', () => {
  it('keeps several claims in flight: a hanging domain holds only its claim, the others are committed meanwhile', async () => {
    const domains = names(15);
    let release!: () => void;
    const slow = domains[0]!;
    const checked = new Set<string>();
    const work = new MemoryWork();
    const cluster: DaemonCluster = {
      workerId: 'w1',
      work,
      coordinator: { once: (_key, _slot, run) => run() },
      dependents: { record: async () => {}, bringForward: async () => new Map() },
      workers: { setResolverDown: async () => {}, resolversDown: async () => [] },
      every: async () => {},
      nudge: async () => {},
      serialized: (_name, run) => run(),
    };
    const { daemon } = daemonFor(
      domains,
      gatedMonitor(new Map([[slow, new Promise<void>((resolve) => (release = resolve))]]), checked),
      'interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 3, concurrency: 3',
      { cluster },
    );
    const running = daemon.run();
    try {
      await expect.poll(() => work.committedBatches.flat().length, { timeout: 10_000 }).toBe(12);
      expect(work.committedBatches.flat()).not.toContain(slow);
      release();
      await expect.poll(() => work.committedBatches.flat().length, { timeout: 10_000 }).toBe(15);
      expect(work.committedBatches.at(-1)).toContain(slow);
    } finally {
      daemon.stop();
      await running;
      daemon.close();
    }
  }, 30_000);
});

describe('stop while batches overlap', () => {
  it('ends every running batch, saves each (a hanging check as "not checked: stopping"), and run() returns', async () => {
    const domains = names(12);
    const never = new Promise<void>(() => {});
    const hanging = [domains[0]!, domains[11]!];
    const checked = new Set<string>();
    const { daemon, batches } = daemonFor(
      domains,
      gatedMonitor(new Map(hanging.map((name) => [name, never])), checked),
      'interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 3, concurrency: 3',
    );
    const running = daemon.run();
    await expect.poll(() => checked.size, { timeout: 10_000 }).toBe(10);
    // The two hanging domains sit in one or two batches whose checks still run: they hold no later batch.
    expect(daemon.status().batchStartedAt).toBeDefined();
    daemon.stop();
    await running;
    daemon.close();
    expect(batches.reduce((sum, batch) => sum + batch.domains, 0)).toBe(12);
    const states = await store.loadDomains(domains);
    for (const domain of domains) {
      const state = states.get(domain)!;
      expect({ domain, reports: state.reports, inFlight: state.inFlightSince }).toEqual({
        domain,
        reports: 1,
        inFlight: undefined,
      });
    }
    for (const domain of hanging) {
      expect(Object.keys(states.get(domain)!.findings)).toContain(`check.limits|${domain}`);
      expect(checked.has(domain)).toBe(false);
    }
  }, 30_000);

  it('with the database refusing writes, a stop gives the held batches up: their domains stay marked in flight', async () => {
    const domains = names(9);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const checked = new Set<string>();
    const { daemon } = daemonFor(
      domains,
      gatedMonitor(new Map(domains.map((name) => [name, gate])), checked),
      'interval: 1h, jitter: 0, firstCheckSpread: 0s, batchSize: 3, concurrency: 9',
    );
    const commit = store.commitBatch.bind(store);
    let refused = 0;
    store.commitBatch = async () => {
      refused++;
      throw new Error('database is locked');
    };
    const running = daemon.run();
    await expect.poll(async () => (await inFlight()).size, { timeout: 10_000 }).toBe(9);
    release();
    await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(daemon.status().storeProblem?.message).toBe('database is locked');
    daemon.stop();
    await running;
    daemon.close();
    store.commitBatch = commit;
    expect(await inFlight()).toEqual(new Set(domains));
    expect(await store.loadDomains(domains)).toEqual(new Map());
  }, 30_000);
});
describe('probe results across batches (single daemon)', () => {
  /** A monitor probing one shared "MX address" the way sharedProbe does; its answer is set by the test. */
  function probingMonitor(answer: { outcome: string }, probes: { count: number }): Monitor {
    return {
      name: 'probe',
      async run(context): Promise<Finding[]> {
        const result = await context.shared.memoAcrossWorkers(
          'smtp:192.0.2.25:25:mx.shared.example',
          '192.0.2.25',
          async () => {
            probes.count++;
            return { ...answer };
          },
          (value) => value.outcome === 'ok',
        );
        const status: Status = result.outcome === 'ok' ? 'ok' : 'fail';
        return [
          { check: 'probe.starttls', subject: 'mx.shared.example', status, summary: result.outcome, evidence: {} },
        ];
      },
    };
  }

  it('one probe per address per cycle across batches; a failure is probed afresh at the confirmation re-check', async () => {
    const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
    const answer = { outcome: 'ok' };
    const probes = { count: 0 };
    const domains = names(20);
    const { daemon, batches } = daemonFor(
      domains,
      probingMonitor(answer, probes),
      'interval: 1h, jitter: 0, firstCheckSpread: 10m, batchSize: 3, concurrency: 4',
      { now: () => new Date(clock.now), alerting: 'confirmDelay: 3m, failureThreshold: 2' },
    );
    await daemon.schedule();
    const advance = async (ms: number) => {
      const end = clock.now + ms;
      while (clock.now < end) {
        clock.now = Math.min(end, clock.now + 30_000);
        while ((await daemon.tick()) !== undefined) {}
      }
    };
    await advance(11 * 60_000);
    expect(batches.length).toBeGreaterThan(5);
    expect(probes.count).toBe(1);
    expect(daemon.sharedResults?.stats.computed).toBe(1);

    // The next cycle: still one probe for the whole cycle (the working answer is kept for one interval).
    await advance(60 * 60_000);
    expect(probes.count).toBe(2);

    // The server breaks: the regular check sees it after the kept answer expires; the failure is kept only briefly,
    // so each domain's confirmation three minutes later probes again and the alert rests on two real probes.
    answer.outcome = 'refused';
    const before = probes.count;
    await advance(60 * 60_000);
    const failing = await store.loadDomains(domains);
    expect(
      [...failing.values()].filter(
        (state) => state.findings['probe.starttls|mx.shared.example']?.confirmed?.status === 'fail',
      ).length,
    ).toBeGreaterThan(0);
    // at least one probe for the first failures and one more for their confirmations, never one per batch
    expect(probes.count - before).toBeGreaterThanOrEqual(2);
    expect(probes.count - before).toBeLessThan(batches.length / 2);
    daemon.close();
  }, 30_000);
});
