// How the daemon turns a wave into few messages, and keeps Alertmanager informed: a shared MX address breaking
// under 100 domains in 100 different check slots (the dependents are re-checked at once, the route's groupWait
// gathers the wave), a route's groupInterval, silences from the configuration, and the Alertmanager re-send.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startHttpReceiver } from '../alerts/http-receiver.ts';
import { type TestDatabase, testDatabase } from '../support/stores.ts';
import { fakeDns, RecordingChannel } from './fakes.ts';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2025-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every domain's STARTTLS verdict on the one MX address they share, and one domain-level finding of its own. */
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

function harness(domains: string[], yaml: string, channels?: Map<string, RecordingChannel>) {
  const clock = { now: T0 };
  const mx = { status: 'ok' as Status };
  const own = new Map<string, Status>();
  const config = parseConfig(
    `
schedule: { interval: 1h, jitter: 0, firstCheckSpread: 1h, batchSize: 20 }
alerting: { confirmDelay: 3m }
state: { url: '${database.url}' }
domains: [${domains.join(', ')}]
${yaml}`,
    join('/nonexistent', 'config.yaml'),
    { env: {} },
  );
  let seed = 7;
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
    ...(channels ? { channels } : {}),
  });
  const advance = async (ms: number, step = 10_000) => {
    const end = clock.now + ms;
    while (clock.now < end) {
      clock.now = Math.min(end, clock.now + step);
      while ((await daemon.tick()) !== undefined) {}
      await daemon.deliver();
    }
  };
  return { daemon, clock, mx, own, advance };
}

const hundred = Array.from({ length: 100 }, (_, i) => `d${i}.example`);

describe('a wave across check slots', () => {
  it('a shared MX address breaking under 100 domains in 100 slots is at most two messages per channel', async () => {
    const slack = new RecordingChannel('slack');
    const mail = new RecordingChannel('mail');
    const h = harness(
      hundred,
      `channels: { slack: { type: log }, mail: { type: log } }
routes: [ { name: ops, channels: [slack, mail], groupWait: 30s, groupInterval: 5m } ]`,
      new Map([
        ['slack', slack],
        ['mail', mail],
      ]),
    );
    await h.daemon.schedule();
    await h.advance(2 * HOUR); // every domain has its baseline, in slots spread over the hour
    expect(slack.deliveries).toHaveLength(0);
    h.mx.status = 'fail';
    await h.advance(2 * HOUR);
    for (const channel of [slack, mail]) {
      expect(channel.deliveries.length).toBeGreaterThanOrEqual(1);
      expect(channel.deliveries.length).toBeLessThanOrEqual(2);
      const regressed = new Set(
        channel.deliveries.flatMap((delivery) =>
          delivery.notices.filter((notice) => notice.type === 'regression').map((notice) => notice.change?.domain),
        ),
      );
      expect(regressed.size).toBe(100);
    }
  });

  it('a route sends at most once per groupInterval; what comes meanwhile waits and goes out together', async () => {
    const ops = new RecordingChannel('ops');
    const h = harness(
      ['a.example', 'b.example', 'c.example'],
      `channels: { ops: { type: log } }
routes: [ { name: ops, channels: [ops], groupWait: 0s, groupInterval: 2h } ]`,
      new Map([['ops', ops]]),
    );
    await h.daemon.schedule();
    await h.advance(2 * HOUR);
    h.own.set('a.example', 'fail');
    await h.advance(HOUR + 10 * MINUTE, MINUTE);
    expect(ops.deliveries).toHaveLength(1);
    h.own.set('b.example', 'fail');
    h.own.set('c.example', 'fail');
    // Both confirm within the next hour and a quarter, inside the route's groupInterval: nothing goes out yet …
    await h.advance(HOUR + 15 * MINUTE, MINUTE);
    expect(ops.deliveries).toHaveLength(1);
    // … then one message with both.
    await h.advance(HOUR, MINUTE);
    expect(ops.deliveries).toHaveLength(2);
    expect(ops.deliveries[1]!.notices.map((notice) => notice.change?.domain).sort()).toEqual([
      'b.example',
      'c.example',
    ]);
  });
});

describe('silences', () => {
  it('a maintenance window from the configuration holds its notices; they are in history, not sent', async () => {
    const ops = new RecordingChannel('ops');
    const h = harness(
      ['a.example', 'b.example'],
      `channels: { ops: { type: log } }
routes: [ { name: ops, channels: [ops], groupWait: 0s } ]
silences:
  - { domains: [a.example], endsAt: '2025-01-02T00:00:00Z', comment: 'DNS provider migration', createdBy: ops }`,
      new Map([['ops', ops]]),
    );
    await h.daemon.schedule();
    await h.advance(2 * HOUR);
    h.own.set('a.example', 'fail');
    h.own.set('b.example', 'fail');
    await h.advance(2 * HOUR, MINUTE);
    const sent = ops.deliveries.flatMap((delivery) => delivery.notices.map((notice) => notice.change?.domain));
    expect(sent).toEqual(['b.example']);
    const history = await store.readHistory({ domain: 'a.example' });
    expect(history.map((entry) => entry.kind)).toContain('regression');
  });
});

describe('Alertmanager re-send', () => {
  it('re-sends every open alert with its stable labels, and stops once it is resolved', async () => {
    const receiver = await startHttpReceiver();
    try {
      const h = harness(
        ['a.example', 'b.example'],
        `channels: { am: { type: webhook, format: alertmanager, url: '${receiver.url}/api/v2/alerts' } }
routes: [ { name: ops, channels: [am], groupWait: 0s } ]`,
      );
      // No injected channels: the daemon builds the real webhook channel from the configuration.
      await h.daemon.schedule();
      await h.advance(2 * HOUR);
      h.own.set('a.example', 'fail');
      await h.advance(2 * HOUR, MINUTE);
      const before = receiver.requests.length;
      expect(before).toBeGreaterThanOrEqual(1);
      await h.daemon.resendOpenAlerts();
      const resent = JSON.parse(receiver.requests.at(-1)!.body) as { labels: Record<string, string>; endsAt: string }[];
      expect(resent).toHaveLength(1);
      expect(resent[0]!.labels).toMatchObject({ alertname: 'MailwardenRegression', domain: 'a.example' });
      expect(Date.parse(resent[0]!.endsAt)).toBeGreaterThan(h.clock.now);
      h.own.set('a.example', 'ok');
      await h.advance(2 * HOUR, MINUTE);
      const count = receiver.requests.length;
      await h.daemon.resendOpenAlerts();
      expect(receiver.requests.length).toBe(count);
    } finally {
      await receiver.close();
    }
  });
});
