import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { Status } from '../../src/model.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { DomainState } from '../../src/state/types.ts';
import { STORE_KINDS, type TestDatabase, testDatabase } from '../support/stores.ts';
import { fakeDns, fakeMonitor, RecordingChannel } from './fakes.ts';

const logger = pino({ level: 'silent' });

describe.each(STORE_KINDS)('daemon on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await testDatabase(kind);
  });
  afterEach(async () => {
    await database.remove();
  });

  async function stateOf(store: StateStore, domain: string): Promise<DomainState> {
    const state = (await store.loadDomains([domain])).get(domain);
    if (!state) throw new Error(`no state for ${domain}`);
    return state;
  }

  interface Harness {
    daemon: Daemon;
    store: StateStore;
    clock: { now: number };
    checks: Map<string, number>;
    statuses: Map<string, Status>;
    channel: RecordingChannel;
    down: { value: boolean };
  }

  const T0 = Date.parse('2025-01-01T00:00:00Z');

  async function harness(domains: string[], shared?: Partial<Harness>, extraYaml = ''): Promise<Harness> {
    const yaml = `
schedule: { interval: 1h, jitter: 0, firstCheckSpread: 1m, concurrency: 4 }
alerting: { confirmDelay: 3m, resolverMinBatch: 3 }
state: { url: '${database.url}' }
channels: { ops: { type: log } }
routes: [ { name: all, channels: [ops], groupWait: 0s, groupInterval: 0s } ]
domains: [${domains.join(', ')}]
${extraYaml}`;
    const config = parseConfig(yaml, join('/nonexistent', 'config.yaml'), { env: {} });
    const store = await database.open();
    const clock = shared?.clock ?? { now: T0 };
    const checks = shared?.checks ?? new Map<string, number>();
    const statuses = shared?.statuses ?? new Map<string, Status>();
    const channel = shared?.channel ?? new RecordingChannel('ops');
    const down = shared?.down ?? { value: false };
    let seed = 1;
    const daemon = new Daemon({
      config,
      store,
      logger,
      now: () => new Date(clock.now),
      random: () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      },
      monitors: [fakeMonitor(statuses, checks)],
      dns: fakeDns({ value: false }),
      canaryDns: fakeDns(down),
      canaryConfirmPauseMs: 0,
      guard: { check: () => ({ allowed: true }) },
      channels: new Map([['ops', channel]]),
    });
    await daemon.schedule();
    return { daemon, store, clock, checks, statuses, channel, down };
  }

  /** Advances the clock in steps, ticking until nothing is due at each step. */
  async function advance(h: Harness, ms: number, step = 10_000): Promise<void> {
    const end = h.clock.now + ms;
    while (h.clock.now < end) {
      h.clock.now = Math.min(end, h.clock.now + step);
      while ((await h.daemon.tick()) !== undefined) {}
      await h.daemon.deliver();
    }
  }

  describe('scheduler', () => {
    it('spreads new domains over firstCheckSpread, then over the interval in stable slots', async () => {
      const domains = Array.from({ length: 400 }, (_, i) => `d${i}.example`);
      const h = await harness(domains);
      const firstDue = domains.map((d) => h.daemon.queue.dueAt(d)! - T0);
      expect(Math.min(...firstDue)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...firstDue)).toBeLessThan(60_000);
      await advance(h, 60_000);
      expect([...h.checks.values()].every((n) => n === 1)).toBe(true);
      const buckets = new Array(10).fill(0);
      for (const d of domains) {
        const due = h.daemon.queue.dueAt(d)!;
        expect(due - T0).toBeGreaterThanOrEqual(30 * 60_000);
        buckets[Math.floor(((due - T0) % 3_600_000) / 360_000)]++;
      }
      // Even spread: every tenth of the hour holds roughly a tenth of the domains, none piles up at :00.
      for (const count of buckets) expect(count).toBeGreaterThan(20);
      for (const count of buckets) expect(count).toBeLessThan(70);
      await h.store.close();
    });

    it('after a restart rechecks neither everything at once nor skips what was due, and re-runs interrupted checks', async () => {
      const domains = ['a.example', 'b.example', 'c.example'];
      const first = await harness(domains);
      await advance(first, 60_000);
      // Simulate a crash in the middle of a check of b.example.
      await first.store.markInFlight(['b.example'], new Date(first.clock.now).toISOString());
      await first.store.close();

      const second = await harness(domains, { clock: first.clock, checks: first.checks, statuses: first.statuses });
      await advance(second, 10_000);
      expect(second.checks.get('a.example')).toBe(1);
      expect(second.checks.get('b.example')).toBe(2);
      expect(second.checks.get('c.example')).toBe(1);
      // What was due while we were down is checked, once.
      const lastDue = Math.max(...domains.map((d) => second.daemon.queue.dueAt(d)!).filter((d) => d !== undefined));
      second.clock.now = lastDue + 3_600_000 * 2;
      while ((await second.daemon.tick()) !== undefined) {}
      expect(domains.map((d) => second.checks.get(d))).toEqual([2, 3, 2]);
      await second.store.close();
    });
  });

  describe('confirmation, alerts and restarts', () => {
    it('re-checks a regression after confirmDelay, alerts once, survives a restart without re-sending, then recovers', async () => {
      const h = await harness(['a.example', 'b.example', 'c.example']);
      await advance(h, 60_000);
      expect(h.channel.deliveries).toHaveLength(0);

      h.statuses.set('b.example', 'fail');
      const due = h.daemon.queue.dueAt('b.example')!;
      h.clock.now = due;
      await h.daemon.tick();
      expect(h.channel.deliveries).toHaveLength(0);
      const recheck = h.daemon.queue.dueAt('b.example')! - h.clock.now;
      expect(recheck).toBe(180_000);
      await advance(h, 180_000);
      expect(h.channel.deliveries).toHaveLength(1);
      const [delivery] = h.channel.deliveries;
      expect(delivery!.notices.map((n) => [n.type, n.change?.domain])).toEqual([['regression', 'b.example']]);
      await h.store.close();

      // Restart: a new daemon on the same state sends nothing new.
      const again = await harness(['a.example', 'b.example', 'c.example'], {
        clock: h.clock,
        checks: h.checks,
        statuses: h.statuses,
        channel: h.channel,
      });
      await advance(again, 2 * 3_600_000, 60_000);
      expect(again.channel.deliveries).toHaveLength(1);

      // Fixed: recovery after two good results.
      again.statuses.set('b.example', 'ok');
      await advance(again, 2 * 3_600_000, 60_000);
      expect(again.channel.deliveries.map((d) => d.notices[0]!.type)).toEqual(['regression', 'recovery']);
      const history = await again.store.readHistory({ domain: 'b.example' });
      expect(history.map((e) => e.kind)).toEqual(['regression', 'recovery']);
      await again.store.close();
    });

    it('holds domain alerts while the resolver canary fails and sends one resolver alert, then one recovery', async () => {
      const h = await harness(['a.example', 'b.example', 'c.example']);
      await advance(h, 60_000);
      h.down.value = true;
      h.statuses.set('a.example', 'fail');
      await advance(h, 3 * 3_600_000, 60_000);
      expect(h.channel.deliveries.map((d) => d.notices.map((n) => n.type))).toEqual([['resolver-down']]);
      h.down.value = false;
      await advance(h, 3_600_000, 60_000);
      const types = h.channel.deliveries.flatMap((d) => d.notices.map((n) => n.type));
      expect(types[0]).toBe('resolver-down');
      expect(types).toContain('resolver-up');
      expect(types.filter((t) => t === 'resolver-down')).toHaveLength(1);
      await h.store.close();
    });

    it('treats a batch where most domains could not be checked at all as a broken resolver, even with a healthy canary', async () => {
      const domains = ['a.example', 'b.example', 'c.example', 'd.example'];
      const h = await harness(domains);
      await advance(h, 60_000);
      const checkAllAtOnce = async () => {
        h.clock.now = Math.max(...domains.map((d) => h.daemon.queue.dueAt(d)!));
        const summary = await h.daemon.tick();
        await h.daemon.deliver();
        return summary;
      };
      for (const d of ['a.example', 'b.example', 'c.example']) h.statuses.set(d, 'error');
      h.statuses.set('d.example', 'fail');
      const held = await checkAllAtOnce();
      expect(held).toMatchObject({ domains: 4, resolverHealthy: false, notices: 1 });
      expect(h.channel.deliveries).toHaveLength(1);
      const [notice] = h.channel.deliveries[0]!.notices;
      expect(notice).toMatchObject({ type: 'resolver-down', detail: '3 of 4 domains could not be checked at all' });
      // Nothing was learned from the held batch: no error counted, d.example's worse result not even pending.
      expect((await stateOf(h.store, 'a.example')).findings['fake.policy|a.example']!.errorCount).toBe(0);
      expect((await stateOf(h.store, 'd.example')).findings['fake.policy|d.example']!.pending).toBeUndefined();
      // Retried after confirmDelay, not at the next interval.
      expect(h.daemon.queue.dueAt('a.example')! - h.clock.now).toBe(180_000);

      for (const d of domains) h.statuses.set(d, 'ok');
      const recovered = await checkAllAtOnce();
      expect(recovered).toMatchObject({ resolverHealthy: true });
      expect(h.channel.deliveries.flatMap((d) => d.notices.map((n) => n.type))).toEqual([
        'resolver-down',
        'resolver-up',
      ]);
      await h.store.close();
    });

    it('does not blame the resolver when only a minority of the batch errors', async () => {
      const domains = ['a.example', 'b.example', 'c.example', 'd.example'];
      const h = await harness(domains);
      await advance(h, 60_000);
      h.statuses.set('a.example', 'error');
      h.clock.now = Math.max(...domains.map((d) => h.daemon.queue.dueAt(d)!));
      expect(await h.daemon.tick()).toMatchObject({ domains: 4, resolverHealthy: true, notices: 0 });
      expect((await stateOf(h.store, 'a.example')).findings['fake.policy|a.example']!.errorCount).toBe(1);
      expect((await h.store.global()).resolverDown).toBeUndefined();
      await h.store.close();
    });
  });
});
