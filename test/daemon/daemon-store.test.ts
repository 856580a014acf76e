// The daemon's use of its database: record versions and `changed` notices, standard periods for compliance, a batch
// held while the database cannot be written, and deliveries that never hold the checks. Run on both stores.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import type { StateStore } from '../../src/state/store.ts';
import { STORE_KINDS, type TestDatabase, testDatabase } from '../support/stores.ts';
import { fakeDns, RecordingChannel } from './fakes.ts';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** A domain's published SPF record and the verdict on it, as the test sets them. */
interface Published {
  spf: Map<string, string>;
  status: Map<string, Status>;
  checks: number;
}

function spfMonitor(published: Published): Monitor {
  return {
    name: 'spf',
    async run(_context, domain): Promise<Finding[]> {
      published.checks++;
      const status = published.status.get(domain) ?? 'ok';
      return [
        {
          check: 'spf.record',
          subject: domain,
          status,
          summary: `SPF is ${status}`,
          evidence: { record: published.spf.get(domain) ?? 'v=spf1 -all', strings: 1 },
        },
      ];
    },
  };
}

describe.each(STORE_KINDS)('the daemon and its %s database', (kind) => {
  let database: TestDatabase;
  let store: StateStore;
  beforeEach(async () => {
    database = await testDatabase(kind);
    store = await database.open();
  });
  afterEach(async () => {
    await store.close();
    await database.remove();
  });

  function daemonWith(published: Published, channels: Map<string, RecordingChannel>, extraYaml = '') {
    const clock = { now: T0 };
    const yaml = `
schedule: { interval: 1h, jitter: 0, firstCheckSpread: 0s }
alerting: { confirmDelay: 3m }
state: { url: '${database.url}' }
channels: { ops: { type: log }, changes: { type: log } }
routes:
  - { name: all, channels: [ops], groupWait: 0s }
  - { name: records, channels: [changes], match: { kinds: [changed] }, groupWait: 0s }
domains: [a.example, b.example]
${extraYaml}`;
    const config = parseConfig(yaml, join('/nonexistent', 'config.yaml'), { env: {} });
    const daemon = new Daemon({
      config,
      store,
      logger,
      now: () => new Date(clock.now),
      random: () => 0.5,
      monitors: [spfMonitor(published)],
      dns: fakeDns({ value: false }),
      canaryDns: fakeDns({ value: false }),
      canaryConfirmPauseMs: 0,
      storeRetryMs: 50,
      guard: { check: () => ({ allowed: true }) },
      channels,
    });
    const advance = async (ms: number, step = 60_000) => {
      const end = clock.now + ms;
      while (clock.now < end) {
        clock.now = Math.min(end, clock.now + step);
        while ((await daemon.tick()) !== undefined) {}
        await daemon.deliver();
      }
    };
    return { daemon, clock, advance };
  }

  it('keeps record versions, records a change of an ok record in history, and tells only the route that asked', async () => {
    const published: Published = { spf: new Map([['a.example', 'v=spf1 mx -all']]), status: new Map(), checks: 0 };
    const ops = new RecordingChannel('ops');
    const changes = new RecordingChannel('changes');
    const { daemon, advance } = daemonWith(
      published,
      new Map([
        ['ops', ops],
        ['changes', changes],
      ]),
    );
    await daemon.schedule();
    await advance(HOUR);
    published.spf.set('a.example', 'v=spf1 mx include:_spf.mail.example -all');
    await advance(2 * HOUR);

    const history = await store.readHistory({ domain: 'a.example' });
    expect(history).toMatchObject([
      {
        kind: 'record-changed',
        check: 'record.spf',
        subject: 'a.example',
        recordBefore: 'v=spf1 mx -all',
        recordAfter: 'v=spf1 mx include:_spf.mail.example -all',
      },
    ]);
    const versions = await store.recordVersions({ domain: 'a.example', kind: 'spf' });
    expect(versions.map((version) => version.value)).toEqual([
      'v=spf1 mx include:_spf.mail.example -all',
      'v=spf1 mx -all',
    ]);
    expect(ops.deliveries).toHaveLength(0);
    expect(changes.deliveries).toHaveLength(1);
    expect(changes.deliveries[0]!.notices).toMatchObject([
      {
        type: 'changed',
        change: { domain: 'a.example', record: { kind: 'spf', before: 'v=spf1 mx -all' } },
      },
    ]);
    expect((await store.readHistory({ domain: 'b.example' })).map((entry) => entry.kind)).toEqual([]);
  });

  it('keeps the periods of each standard, so time in compliance is a query', async () => {
    const published: Published = { spf: new Map(), status: new Map(), checks: 0 };
    const { daemon, advance, clock } = daemonWith(published, new Map([['ops', new RecordingChannel('ops')]]));
    await daemon.schedule();
    await advance(HOUR);
    published.status.set('a.example', 'fail');
    await advance(4 * HOUR);
    published.status.set('a.example', 'ok');
    await advance(5 * HOUR);
    const rows = await store.compliance({ from: new Date(T0).toISOString(), to: new Date(clock.now).toISOString() });
    const a = rows.find((row) => row.domain === 'a.example' && row.standard === 'spf')!;
    const b = rows.find((row) => row.domain === 'b.example' && row.standard === 'spf')!;
    // b.example: compliant from its first check (at T0 + 1 min) to the end.
    expect(b.compliantMs).toBe(b.knownMs);
    expect(b.knownMs).toBe(clock.now - T0 - 60_000);
    // a.example: failing from the confirmed regression until the confirmed recovery, about four hours.
    expect(a.knownMs).toBe(b.knownMs);
    expect(a.nonCompliantPeriods).toBe(1);
    const failingHours = (a.knownMs - a.compliantMs) / HOUR;
    expect(failingHours).toBeGreaterThan(3.5);
    expect(failingHours).toBeLessThan(4.5);
  });

  it('holds a batch while the database cannot be written and saves it, alert included, once it can', async () => {
    const published: Published = { spf: new Map(), status: new Map(), checks: 0 };
    const ops = new RecordingChannel('ops');
    const { daemon, advance, clock } = daemonWith(published, new Map([['ops', ops]]));
    await daemon.schedule();
    await advance(HOUR);
    published.status.set('a.example', 'fail');
    await advance(HOUR + 10 * 60_000); // a failing check, its confirmation three minutes later: one alert
    expect(ops.deliveries).toHaveLength(1);

    published.status.set('a.example', 'ok');
    const commit = store.commitBatch.bind(store);
    let failures = 0;
    store.commitBatch = async (batch) => {
      if (failures < 2) {
        failures++;
        throw new Error('connection terminated unexpectedly');
      }
      return commit(batch);
    };
    clock.now += HOUR;
    // The batch is held and retried until the database takes it.
    const summary = await daemon.tick();
    expect(failures).toBe(2);
    expect(summary).toBeDefined();
    expect(daemon.status().storeProblem).toBeUndefined();
    await advance(10 * 60_000);
    await daemon.deliver();
    expect(ops.deliveries.map((delivery) => delivery.notices[0]!.type)).toEqual(['regression', 'recovery']);
  }, 30_000);
});

describe('delivery beside the checks', () => {
  it('a channel that never answers holds only its own delivery, not the checks', async () => {
    const database = await testDatabase('sqlite');
    const store = await database.open();
    const published: Published = { spf: new Map(), status: new Map([['a.example', 'fail']]), checks: 0 };
    const hanging = new RecordingChannel('ops');
    let sends = 0;
    hanging.send = () => {
      sends++;
      return new Promise<void>(() => {});
    };
    const config = parseConfig(
      `
schedule: { interval: 1s, jitter: 0, firstCheckSpread: 0s }
alerting: { confirmDelay: 1s, failureThreshold: 1, deliveryTimeout: 20s }
state: { url: '${database.url}' }
channels: { ops: { type: log } }
routes: [ { name: all, channels: [ops], groupWait: 0s } ]
domains: [a.example, b.example]
`,
      join('/nonexistent', 'config.yaml'),
      { env: {} },
    );
    const daemon = new Daemon({
      config,
      store,
      logger,
      monitors: [spfMonitor(published)],
      dns: fakeDns({ value: false }),
      canaryDns: fakeDns({ value: false }),
      canaryConfirmPauseMs: 0,
      guard: { check: () => ({ allowed: true }) },
      channels: new Map([['ops', hanging]]),
    });
    const running = daemon.run();
    try {
      await expect.poll(() => published.checks, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      // Baseline at the first check; make it fail: the alert goes to a channel that never answers …
      published.status.set('b.example', 'fail');
      await expect.poll(() => sends, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      const checksWhileHanging = published.checks;
      // … and the checks go on every second all the same.
      await expect.poll(() => published.checks, { timeout: 10_000 }).toBeGreaterThanOrEqual(checksWhileHanging + 4);
    } finally {
      daemon.stop();
      await running;
      daemon.close();
      await store.close();
      await database.remove();
    }
  }, 30_000);
});
