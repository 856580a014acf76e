import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Channel, type Delivery, PermanentDeliveryError } from '../../src/alerts/channel.ts';
import { createChannels } from '../../src/alerts/create-channels.ts';
import { Outbox, outboxEntries } from '../../src/alerts/outbox.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { BatchWrite, StateStore } from '../../src/state/store.ts';
import type { OutboxEntry } from '../../src/state/types.ts';
import { STORE_KINDS, type TestDatabase, testDatabase } from '../support/stores.ts';
import { regressionNotice } from './helpers.ts';
import { startHttpReceiver } from './http-receiver.ts';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2025-01-01T00:00:00Z');

function channelsFrom(yaml: string, env: NodeJS.ProcessEnv): Map<string, Channel> {
  return createChannels(parseConfig(yaml, 'config.yaml', { env }).channels, logger);
}

const batchWith = (outbox: OutboxEntry[]): BatchWrite => ({
  domains: [],
  history: [],
  standards: [],
  records: [],
  outbox,
});

/** A channel that answers as told: ok, a transient or a permanent failure, or never. */
class ScriptedChannel implements Channel {
  readonly type = 'scripted';
  readonly sent: Delivery[] = [];
  answer: 'ok' | 'fail' | 'refuse' | 'hang' = 'ok';
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  async send(delivery: Delivery): Promise<void> {
    this.sent.push(delivery);
    if (this.answer === 'fail') throw new Error('receiver answered HTTP 503');
    if (this.answer === 'refuse') throw new PermanentDeliveryError('receiver answered HTTP 400: invalid_blocks');
    if (this.answer === 'hang') await new Promise(() => {});
  }
  secrets(): string[] {
    return [];
  }
}

describe.each(STORE_KINDS)('outbox on %s', (kind) => {
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

  it('retries a failing webhook with backoff from the failure, survives a restart, delivers once, never re-queues a delivered id', async () => {
    const receiver = await startHttpReceiver();
    receiver.status.code = 500;
    const env = { HOOK_URL: `${receiver.url}/hook` };
    const yaml = 'channels:\n  hook:\n    type: webhook\n    url: ${HOOK_URL}\n';
    const notices = [regressionNotice('x.example')];
    const clock = { now: T0 };
    const now = () => new Date(clock.now);
    try {
      const entries = outboxEntries('all', ['hook'], notices, now());
      expect((await store.commitBatch(batchWith(entries))).outboxAdded).toHaveLength(1);
      expect((await store.commitBatch(batchWith(entries))).outboxAdded).toHaveLength(0);
      let outbox = new Outbox(store, channelsFrom(yaml, env), logger, { now });
      expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 1, dead: 0 });
      expect(await store.listOutbox()).toMatchObject([
        { attempts: 1, nextAttemptAt: '2025-01-01T00:00:30.000Z', lastError: 'webhook answered HTTP 500' },
      ]);
      clock.now = T0 + 10_000;
      expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });

      // Restart: a new store and outbox on the same database.
      await store.close();
      store = await database.open();
      outbox = new Outbox(store, channelsFrom(yaml, env), logger, { now });
      clock.now = T0 + 31_000;
      expect(await outbox.deliverDue()).toMatchObject({ failed: 1 });
      expect((await store.listOutbox())[0]!.nextAttemptAt).toBe('2025-01-01T00:01:31.000Z');
      receiver.status.code = 200;
      clock.now = T0 + 92_000;
      expect(await outbox.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
      expect(receiver.requests).toHaveLength(3);
      expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      // The same notices again (re-judged after a crash before the batch was saved): dropped, not sent twice.
      expect((await store.commitBatch(batchWith(entries))).outboxAdded).toHaveLength(0);
      expect(await store.outboxStats()).toMatchObject({ pending: 0, dead: 0 });
    } finally {
      await receiver.close();
    }
  });

  it('sends a wave too large for one message in bounded messages, oldest first, the rest after groupInterval', async () => {
    const channel = new ScriptedChannel('slack');
    const clock = { now: T0 };
    const outbox = new Outbox(store, new Map([['slack', channel]]), logger, { now: () => new Date(clock.now) });
    outbox.setRoutes([{ name: 'all', groupInterval: 300_000 }]);
    // Three batches' entries of 4,000 notices each: 12,000 notices in all, more than a message takes (10,000).
    const batches = [0, 1, 2].map((batch) =>
      outboxEntries(
        'all',
        ['slack'],
        Array.from({ length: 4_000 }, (_, i) => regressionNotice(`d${batch}-${i}.example`)),
        new Date(T0 + batch),
      ),
    );
    for (const entries of batches) await store.commitBatch(batchWith(entries));
    clock.now = T0 + 60_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 2, failed: 0, dead: 0 });
    expect(channel.sent.map((delivery) => delivery.notices.length)).toEqual([8_000]);
    expect(channel.sent[0]!.digest.title).toContain('8000 domains');
    // The third waits out the route's groupInterval, as any later message of the group does.
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    clock.now = T0 + 60_000 + 300_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(channel.sent.map((delivery) => delivery.notices.length)).toEqual([8_000, 4_000]);
    expect(await store.outboxStats()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('dead-letters a permanent refusal after one try with the reason, and `retry` revives it', async () => {
    const channel = new ScriptedChannel('slack');
    channel.answer = 'refuse';
    const clock = { now: T0 };
    const outbox = new Outbox(store, new Map([['slack', channel]]), logger, { now: () => new Date(clock.now) });
    const [entry] = outboxEntries('all', ['slack'], [regressionNotice('x.example')], new Date(T0));
    await store.commitBatch(batchWith([entry!]));
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 1 });
    clock.now = T0 + 86_400_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(channel.sent).toHaveLength(1);
    expect(await store.listOutbox({ dead: true })).toMatchObject([
      { id: entry!.id, lastError: 'receiver answered HTTP 400: invalid_blocks' },
    ]);
    expect(await store.outboxStats()).toMatchObject({ dead: 1 });

    channel.answer = 'ok';
    expect(await store.retryOutbox(entry!.id, new Date(clock.now).toISOString())).toBe(true);
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(await store.outboxStats()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('a hanging channel times out on its own; the other channels are delivered meanwhile', async () => {
    const hanging = new ScriptedChannel('hook');
    hanging.answer = 'hang';
    const slack = new ScriptedChannel('slack');
    const outbox = new Outbox(
      store,
      new Map([
        ['hook', hanging],
        ['slack', slack],
      ]),
      logger,
      { sendTimeoutMs: 200 },
    );
    const now = new Date();
    await store.commitBatch(batchWith(outboxEntries('all', ['hook', 'slack'], [regressionNotice('x.example')], now)));
    const pass = outbox.deliverDue(now);
    await expect.poll(() => slack.sent.length).toBe(1);
    expect(await pass).toEqual({ delivered: 1, failed: 1, dead: 0 });
    expect((await store.listOutbox())[0]).toMatchObject({
      channel: 'hook',
      lastError: expect.stringContaining('200 ms'),
    });
  });
});
