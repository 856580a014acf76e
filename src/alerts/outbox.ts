import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
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

/** Entries taken from the store per pass. */
const PASS_SIZE = 200;

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
): OutboxEntry[] {
  return channels.map((channel) => ({
    id: outboxId(route, channel, notices),
    route,
    channel,
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
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

  /** The `language` of each route that sets one; it wins over the channel's own. */
  setRouteLanguages(languages: ReadonlyMap<string, Language>): void {
    this.#routeLanguages = languages;
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

  async #pass(now: Date): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, failed: 0, dead: 0 };
    const due = await this.#store.dueOutbox(now.toISOString(), PASS_SIZE);
    const byChannel = Map.groupBy(due, (entry) => entry.channel);
    await Promise.all(
      [...byChannel.values()].map(async (entries) => {
        for (const entry of entries) report[await this.#attempt(entry)]++;
      }),
    );
    return report;
  }

  async #attempt(entry: OutboxEntry): Promise<keyof DeliveryReport> {
    const channel = this.#channels.get(entry.channel);
    const attempts = entry.attempts + 1;
    try {
      if (!channel) throw new Error(`channel "${entry.channel}" is no longer configured`);
      await withTimeout(
        channel.send({
          idempotencyKey: entry.id,
          route: entry.route,
          digest: buildDigest(entry.notices, {
            language: this.#routeLanguages.get(entry.route) ?? channel.language ?? 'en',
          }),
          notices: entry.notices,
        }),
        this.#sendTimeoutMs,
        `no answer from channel "${entry.channel}" within ${this.#sendTimeoutMs} ms`,
      );
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), channel?.secrets() ?? []);
      const failedAt = this.#now();
      const where = { channel: entry.channel, route: entry.route, id: entry.id, attempts, error: message };
      if (isPermanentDeliveryError(error)) {
        await this.#store.deadLetter(entry.id, message, failedAt.toISOString());
        this.#onDelivery?.({ channel: entry.channel, route: entry.route, ok: false, dead: true });
        this.#logger.error(where, 'alert refused by the receiver; dead-lettered (mailwarden outbox retry <id>)');
        return 'dead';
      }
      const nextAttemptAt = new Date(failedAt.getTime() + backoffMs(attempts, this.#retry)).toISOString();
      await this.#store.saveAttempt({ ...entry, attempts, nextAttemptAt, lastError: message });
      this.#onDelivery?.({ channel: entry.channel, route: entry.route, ok: false });
      this.#logger.warn({ ...where, nextAttemptAt }, 'alert delivery failed; will retry');
      return 'failed';
    }
    await this.#store.completeOutbox(entry.id, this.#now().toISOString());
    this.#onDelivery?.({ channel: entry.channel, route: entry.route, ok: true });
    this.#logger.info(
      { channel: entry.channel, route: entry.route, id: entry.id, notices: entry.notices.length, attempts },
      'alert delivered',
    );
    return 'delivered';
  }

  /** When the next waiting entry is due, for the delivery loop's sleep. */
  async nextAttemptAt(): Promise<Date | undefined> {
    const next = (await this.#store.outboxStats()).nextAttemptAt;
    return next === undefined ? undefined : new Date(next);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
