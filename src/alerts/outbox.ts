import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { RouteConfig } from '../config/schema.ts';
import type { Language } from '../i18n/types.ts';
import type { StateStore } from '../state/store.ts';
import type { Notice, OutboxEntry } from '../state/types.ts';
import { type Channel, isPermanentDeliveryError, scrub } from './channel.ts';
import { buildDigest } from './digest.ts';

export interface RetryPolicy {
  /** Delay after the first failure; doubles with each further failure. */
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 30_000, maxMs: 3_600_000 };

/** How long one send may take before it counts as failed (a hanging receiver must not hold the others). */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;

/**
 * Due entries taken from the store per pass, and waiting ones (still in their groupWait) read for one message. One
 * entry holds a whole batch's notices for a route (up to batchSize domains × their notices), so a pass is bounded in
 * entries, and a message in notices: the first sweep over 100,000 domains that already fail queued about 1.3 million "already failing"
 * notices, which as one message took a worker to 5 GB. What a message cannot take goes in the route's next message.
 */
const PASS_SIZE = 20;
const WAITING_PAGE = 10;
const MAX_NOTICES_PER_MESSAGE = 10_000;

/** Retry delays: 30 s, 1 min, 2 min, … capped at 1 h (by default). A transient failure never drops an entry. */
export function backoffMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.initialMs * 2 ** Math.max(0, attempts - 1), policy.maxMs);
}

/** What happened to one delivery attempt, for metrics. */
export interface DeliveryEvent {
  channel: string;
  route: string;
  ok: boolean;
  /** The receiver refused for good: the entry was dead-lettered. */
  dead?: boolean;
}

export function outboxId(route: string, channel: string, notices: readonly Notice[]): string {
  const keys = notices.map((notice) => notice.key).sort();
  return createHash('sha256')
    .update(JSON.stringify([route, channel, keys]))
    .digest('hex')
    .slice(0, 32);
}

/** The outbox rows for one route's notices: one per channel. Written with the batch that produced them. */
export function outboxEntries(
  route: string,
  channels: readonly string[],
  notices: readonly Notice[],
  now: Date,
  sendAt: Date = now,
): OutboxEntry[] {
  return channels.map((channel) => ({
    id: outboxId(route, channel, notices),
    route,
    channel,
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: sendAt.toISOString(),
    notices: [...notices],
  }));
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
  dead: number;
}

export interface OutboxOptions {
  retry?: RetryPolicy;
  sendTimeoutMs?: number;
  onDelivery?: (event: DeliveryEvent) => void;
  now?: () => Date;
}

/**
 * Delivers what the batches wrote into the store's outbox. Channels are served concurrently, each in creation order
 * and with its own timeout, so a hanging webhook delays only itself; the check loop never waits for a delivery.
 * Success removes the row and remembers its id; a transient failure is retried with backoff counted from the
 * failure; a permanent one is dead-lettered with the receiver's reason (`mailwarden outbox retry` revives it).
 */
export class Outbox {
  readonly #store: StateStore;
  readonly #logger: Logger;
  #channels: Map<string, Channel>;
  #draining: Promise<DeliveryReport> | undefined;
  #retry: RetryPolicy;
  #sendTimeoutMs: number;
  readonly #onDelivery: ((event: DeliveryEvent) => void) | undefined;
  readonly #now: () => Date;
  #routeLanguages: ReadonlyMap<string, Language> = new Map();
  #groupIntervals: ReadonlyMap<string, number> = new Map();
  /** When each route last sent on each channel (ms); forgotten at a restart, which then sends at most once early. */
  readonly #lastSentAt = new Map<string, number>();

  constructor(store: StateStore, channels: Map<string, Channel>, logger: Logger, options: OutboxOptions = {}) {
    this.#store = store;
    this.#channels = channels;
    this.#logger = logger;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.#onDelivery = options.onDelivery;
    this.#now = options.now ?? (() => new Date());
  }

  setChannels(channels: Map<string, Channel>): void {
    this.#channels = channels;
  }

  /** Each route's `language` (it wins over the channel's own) and `groupInterval`. */
  setRoutes(routes: readonly Pick<RouteConfig, 'name' | 'language' | 'groupInterval'>[]): void {
    this.#routeLanguages = new Map(routes.flatMap((route) => (route.language ? [[route.name, route.language]] : [])));
    this.#groupIntervals = new Map(routes.map((route) => [route.name, route.groupInterval]));
  }

  setRetry(retry: RetryPolicy, sendTimeoutMs = this.#sendTimeoutMs): void {
    this.#retry = retry;
    this.#sendTimeoutMs = sendTimeoutMs;
  }

  /** Attempts every entry due at `now`. A pass already running is joined, not doubled. */
  deliverDue(now: Date = this.#now()): Promise<DeliveryReport> {
    this.#draining ??= this.#pass(now).finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /**
   * One pass. Due entries are grouped per route and channel; a group also takes the route's entries that are still
   * waiting out their `groupWait` (a wave across many check slots becomes one message), and a route that sent less
   * than `groupInterval` ago waits for it (resolver trouble excepted).
   */
  async #pass(now: Date): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, failed: 0, dead: 0 };
    const due = await this.#store.dueOutbox(now.toISOString(), PASS_SIZE);
    if (due.length === 0) return report;
    const groups = Map.groupBy(due, (entry) => `${entry.channel}\u0000${entry.route}`);
    const byChannel = Map.groupBy([...groups.values()], (entries) => entries[0]!.channel);
    await Promise.all(
      [...byChannel.values()].map(async (channelGroups) => {
        for (const entries of channelGroups) {
          const result = await this.#deliverGroup(entries, now);
          if (result) report[result.outcome] += result.entries;
        }
      }),
    );
    return report;
  }

  /**
   * One route's due entries on one channel: held while the route sent less than `groupInterval` ago; otherwise sent
   * as one message with the route's entries still waiting out their `groupWait`, oldest first, as many as a message
   * takes. The waiting ones are read only for a message that goes out now: a held wave is not read again and again.
   */
  async #deliverGroup(
    due: OutboxEntry[],
    now: Date,
  ): Promise<{ outcome: keyof DeliveryReport; entries: number } | undefined> {
    const { route, channel: channelName } = due[0]!;
    const lastSent = this.#lastSentAt.get(`${channelName}\u0000${route}`);
    const interval = this.#groupIntervals.get(route) ?? 0;
    const urgent = due.some((entry) => entry.notices.some((notice) => notice.type === 'resolver-down'));
    if (!urgent && lastSent !== undefined && now.getTime() < lastSent + interval) {
      const at = new Date(lastSent + interval).toISOString();
      for (const entry of due) await this.#store.saveAttempt({ ...entry, nextAttemptAt: at });
      return undefined;
    }
    const waiting = await this.#store.waitingOutbox(now.toISOString(), WAITING_PAGE, { route, channel: channelName });
    const entries = fillMessage([...due, ...waiting]);
    const channel = this.#channels.get(channelName);
    const attempts = Math.max(...entries.map((entry) => entry.attempts)) + 1;
    const notices = [
      ...new Map(entries.flatMap((entry) => entry.notices).map((notice) => [notice.key, notice])).values(),
    ];
    const id = entries.length === 1 ? entries[0]!.id : outboxId(route, channelName, notices);
    const where = { channel: channelName, route, id, entries: entries.length, attempts };
    try {
      if (!channel) throw new Error(`channel "${channelName}" is no longer configured`);
      await withTimeout(
        channel.send({
          idempotencyKey: id,
          route,
          digest: buildDigest(notices, { language: this.#routeLanguages.get(route) ?? channel.language ?? 'en' }),
          notices,
        }),
        this.#sendTimeoutMs,
        `no answer from channel "${channelName}" within ${this.#sendTimeoutMs} ms`,
      );
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), channel?.secrets() ?? []);
      const failedAt = this.#now();
      if (isPermanentDeliveryError(error)) {
        for (const entry of entries) await this.#store.deadLetter(entry.id, message, failedAt.toISOString());
        this.#onDelivery?.({ channel: channelName, route, ok: false, dead: true });
        this.#logger.error(
          { ...where, error: message },
          'alert refused by the receiver; dead-lettered (mailwarden outbox retry <id>)',
        );
        return { outcome: 'dead', entries: entries.length };
      }
      const nextAttemptAt = new Date(failedAt.getTime() + backoffMs(attempts, this.#retry)).toISOString();
      for (const entry of entries)
        await this.#store.saveAttempt({ ...entry, attempts, nextAttemptAt, lastError: message });
      this.#onDelivery?.({ channel: channelName, route, ok: false });
      this.#logger.warn({ ...where, nextAttemptAt, error: message }, 'alert delivery failed; will retry');
      return { outcome: 'failed', entries: entries.length };
    }
    const sentAt = this.#now();
    this.#lastSentAt.set(`${channelName}\u0000${route}`, sentAt.getTime());
    for (const entry of entries) await this.#store.completeOutbox(entry.id, sentAt.toISOString());
    this.#onDelivery?.({ channel: channelName, route, ok: true });
    this.#logger.info({ ...where, notices: notices.length }, 'alert delivered');
    return { outcome: 'delivered', entries: entries.length };
  }

  /** When the next waiting entry is due, for the delivery loop's sleep. */
  async nextAttemptAt(): Promise<Date | undefined> {
    const next = (await this.#store.outboxStats()).nextAttemptAt;
    return next === undefined ? undefined : new Date(next);
  }
}

/** The oldest entries of one route and channel, as many as one message takes (at least one). */
function fillMessage(entries: OutboxEntry[]): OutboxEntry[] {
  const oldestFirst = entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const taken: OutboxEntry[] = [];
  let notices = 0;
  for (const entry of oldestFirst) {
    if (taken.length > 0 && notices + entry.notices.length > MAX_NOTICES_PER_MESSAGE) break;
    taken.push(entry);
    notices += entry.notices.length;
  }
  return taken;
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
