// The daemon as one worker of a cluster, through its seam (DaemonCluster) with an in-memory work source: the issue 12
// pieces keep working there — silences hold a worker's notices, dependents of a worsened shared thing are brought
// forward in the job engine (not a local queue), and the outbox delivery and the Alertmanager re-send are cluster
// jobs (once per cluster) instead of the single daemon's own loops.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DaemonCluster } from '../../src/cluster/cluster.ts';
import type { DomainDependencies, SharedDependents } from '../../src/cluster/dependents.ts';
import type { ClaimedBatch, ScheduledDomain, WorkSource } from '../../src/cluster/work-source.ts';
import type { ResolverDown } from '../../src/cluster/workers.ts';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import type { StateStore } from '../../src/state/store.ts';
import { type TestDatabase, testDatabase } from '../support/stores.ts';
import { fakeDns, RecordingChannel } from './fakes.ts';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2025-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The job engine's behaviour in memory: one pending check per domain, claimed when due. */
class MemoryWork implements WorkSource {
  readonly due = new Map<string, number>();
  readonly broughtForward: string[][] = [];
  readonly #clock: { now: number };

  constructor(clock: { now: number }) {
    this.#clock = clock;
  }

  async claim(limit: number): Promise<ClaimedBatch | undefined> {
    const ready = [...this.due]
      .filter(([, at]) => at <= this.#clock.now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit);
    if (ready.length === 0) return undefined;
    for (const [domain] of ready) this.due.delete(domain);
    return { domains: ready.map(([domain]) => domain), dueAt: new Map(ready), claimedAt: this.#clock.now };
  }

  async committed(_batch: ClaimedBatch, nextDue: ReadonlyMap<string, number>): Promise<void> {
    for (const [domain, at] of nextDue) this.due.set(domain, at);
  }

  async abandon(batch: ClaimedBatch): Promise<void> {
    for (const domain of batch.domains) this.due.set(domain, this.#clock.now);
  }

  async ensureScheduled(entries: readonly ScheduledDomain[]): Promise<number> {
    let added = 0;
    for (const entry of entries) {
      if (this.due.has(entry.domain)) continue;
      this.due.set(entry.domain, entry.dueAt);
      added++;
    }
    return added;
  }

  async dueNow(domains: readonly string[]): Promise<void> {
    this.broughtForward.push([...domains]);
    for (const domain of domains) {
      const at = this.due.get(domain);
      if (at !== undefined && at > this.#clock.now) this.due.set(domain, this.#clock.now);
    }
  }

  async unschedule(domains: readonly string[]): Promise<void> {
    for (const domain of domains) this.due.delete(domain);
  }
}

/** The cluster's dependency table in memory: what each domain depends on; bringing forward moves jobs to now. */
class MemoryDependents implements SharedDependents {
  readonly byDomain = new Map<string, readonly string[]>();
  readonly #work: MemoryWork;

  constructor(work: MemoryWork) {
    this.#work = work;
  }

  async record(entries: readonly DomainDependencies[]): Promise<void> {
    for (const entry of entries) this.byDomain.set(entry.domain, entry.keys);
  }

  async bringForward(keys: readonly string[], except: readonly string[]): Promise<Map<string, number>> {
    const moved = new Map<string, number>();
    const domains = new Set<string>();
    for (const key of keys) {
      const dependents = [...this.byDomain].filter(([d, k]) => k.includes(key) && !except.includes(d)).map(([d]) => d);
      if (dependents.length > 0) moved.set(key, dependents.length);
      for (const domain of dependents) domains.add(domain);
    }
    if (domains.size > 0) await this.#work.dueNow([...domains]);
    return moved;
  }
}

function sharedMxMonitor(mx: { status: Status }, own: Map<string, Status>): Monitor {
  return {
    name: 'starttls',
    async run(_context, domain): Promise<Finding[]> {
      return [
        {
          check: 'starttls.offered',
          subject: 'mx1.hoster.example/192.0.2.25',
          status: mx.status,
          summary: `STARTTLS ${mx.status}`,
          evidence: {},
        },
        { check: 'dmarc.policy', subject: domain, status: own.get(domain) ?? 'ok', summary: 'DMARC', evidence: {} },
      ];
    },
  };
}

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

function worker(domains: string[], yaml: string, channels: Map<string, RecordingChannel>) {
  const clock = { now: T0 };
  const mx = { status: 'ok' as Status };
  const own = new Map<string, Status>();
  const work = new MemoryWork(clock);
  const jobs: { name: string; periodSeconds: number; task: () => Promise<void> }[] = [];
  const dependents = new MemoryDependents(work);
  const resolverStates: (ResolverDown | undefined)[] = [];
  const cluster: DaemonCluster = {
    workerId: 'w1',
    work,
    coordinator: { once: (_key, _slot, run) => run() },
    dependents,
    workers: {
      setResolverDown: async (down) => {
        resolverStates.push(down);
      },
      resolversDown: async () => {
        const down = resolverStates.at(-1);
        return down ? [{ worker: 'w1', ...down }] : [];
      },
    },
    every: async (name, periodSeconds, task) => {
      jobs.push({ name, periodSeconds, task });
    },
    nudge: async () => {},
    serialized: (_name, run) => run(),
  };
  const config = parseConfig(
    `
schedule: { interval: 1h, jitter: 0, firstCheckSpread: 1h, batchSize: 1 }
alerting: { confirmDelay: 3m }
state: { url: '${database.url}' }
domains: [${domains.join(', ')}]
${yaml}`,
    join('/nonexistent', 'config.yaml'),
    { env: {} },
  );
  let seed = 11;
  const daemon = new Daemon({
    config,
    store,
    logger,
    now: () => new Date(clock.now),
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    },
    monitors: [sharedMxMonitor(mx, own)],
    dns: fakeDns({ value: false }),
    canaryDns: fakeDns({ value: false }),
    canaryConfirmPauseMs: 0,
    guard: { check: () => ({ allowed: true }) },
    channels,
    cluster,
  });
  const advance = async (ms: number, step = 10_000) => {
    const end = clock.now + ms;
    while (clock.now < end) {
      clock.now = Math.min(end, clock.now + step);
      while ((await daemon.tick()) !== undefined) {}
      await daemon.deliver();
    }
  };
  return { daemon, clock, mx, own, work, jobs, advance, dependents, resolverStates };
}

describe('a cluster worker', () => {
  it('brings the dependents of a shared MX that looks worse forward in the job engine', async () => {
    const ops = new RecordingChannel('ops');
    const w = worker(
      ['a.example', 'b.example', 'c.example'],
      `channels: { ops: { type: log } }
routes: [ { name: ops, channels: [ops], groupWait: 0s } ]`,
      new Map([['ops', ops]]),
    );
    await w.daemon.schedule();
    expect([...w.work.due.keys()].toSorted()).toEqual(['a.example', 'b.example', 'c.example']);
    await w.advance(2 * HOUR);
    expect(w.work.broughtForward).toEqual([]);
    w.mx.status = 'fail';
    const failedAt = w.clock.now;
    // step until the first domain sees the failure: the other two must be brought forward at once
    while (w.work.broughtForward.flat().length === 0 && w.clock.now < failedAt + HOUR) await w.advance(10_000);
    // the first domain that saw it brings the other two forward (they, checked at once, may do the same in turn)
    const moved = w.work.broughtForward[0]!.toSorted();
    expect(moved).toHaveLength(2);
    expect(new Set(moved).size).toBe(2);
    // all three confirm within the confirmation window, not at their next slots an hour apart
    await w.advance(5 * MINUTE);
    const regressed = new Set(
      ops.deliveries.flatMap((delivery) =>
        delivery.notices.filter((notice) => notice.type === 'regression').map((notice) => notice.change?.domain),
      ),
    );
    expect([...regressed].toSorted()).toEqual(['a.example', 'b.example', 'c.example']);
  });

  it('holds a silenced notice, as a single daemon does', async () => {
    const ops = new RecordingChannel('ops');
    const w = worker(
      ['a.example', 'b.example'],
      `channels: { ops: { type: log } }
routes: [ { name: ops, channels: [ops], groupWait: 0s } ]
silences:
  - { domains: [a.example], endsAt: '2025-01-02T00:00:00Z', comment: 'DNS provider migration', createdBy: ops }`,
      new Map([['ops', ops]]),
    );
    await w.daemon.schedule();
    await w.advance(2 * HOUR);
    w.own.set('a.example', 'fail');
    w.own.set('b.example', 'fail');
    await w.advance(2 * HOUR, MINUTE);
    const sent = ops.deliveries.flatMap((delivery) => delivery.notices.map((notice) => notice.change?.domain));
    expect(sent).toEqual(['b.example']);
    const history = await store.readHistory({ domain: 'a.example' });
    expect(history.map((entry) => entry.kind)).toContain('regression');
  });

  it('offers outbox delivery and the Alertmanager re-send as cluster jobs, at the configured periods', async () => {
    const w = worker(['a.example'], 'alertmanager: { resendInterval: 2m }', new Map());
    const running = w.daemon.run();
    const since = Date.now();
    while (w.jobs.length < 2 && Date.now() - since < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
    w.daemon.stop();
    await running;
    expect(w.jobs.map(({ name, periodSeconds }) => ({ name, periodSeconds }))).toEqual([
      { name: 'deliver-outbox', periodSeconds: 2 },
      { name: 'resend-alertmanager', periodSeconds: 120 },
    ]);
    // the jobs run the daemon's own passes
    for (const job of w.jobs) await expect(job.task()).resolves.toBeUndefined();
  });
});
