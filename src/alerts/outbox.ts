import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Language } from '../i18n/types.ts';
import type { StateStore } from '../state/store.ts';
import type { Notice, OutboxEntry } from '../state/types.ts';
import { type Channel, scrub } from './channel.ts';
import { buildDigest } from './digest.ts';

export interface RetryPolicy {
  /** Delay after the first failure; doubles with each further failure. */
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 30_000, maxMs: 3_600_000 };

/** Retry delays: 30 s, 1 min, 2 min, … capped at 1 h (by default). An entry is never dropped for failing. */
export function backoffMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.initialMs * 2 ** Math.max(0, attempts - 1), policy.maxMs);
}

/** What happened to one delivery attempt, for metrics. */
export interface DeliveryEvent {
  channel: string;
  route: string;
  ok: boolean;
}

export function outboxId(route: string, channel: string, notices: readonly Notice[]): string {
  const keys = notices.map((notice) => notice.key).sort();
  return createHash('sha256')
    .update(JSON.stringify([route, channel, keys]))
    .digest('hex')
    .slice(0, 32);
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
  pending: number;
}

/**
 * Every message goes through here. `enqueue` records it in the store (the caller flushes before delivering), so a
 * crash or a channel outage loses nothing; a delivered id is remembered, so the same message is never queued twice.
 */
export class Outbox {
  readonly #store: StateStore;
  readonly #logger: Logger;
  #channels: Map<string, Channel>;
  #draining = false;
  #retry: RetryPolicy;
  readonly #onDelivery: ((event: DeliveryEvent) => void) | undefined;
  #routeLanguages: ReadonlyMap<string, Language> = new Map();

  constructor(
    store: StateStore,
    channels: Map<string, Channel>,
    logger: Logger,
    options: { retry?: RetryPolicy; onDelivery?: (event: DeliveryEvent) => void } = {},
  ) {
    this.#store = store;
    this.#channels = channels;
    this.#logger = logger;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#onDelivery = options.onDelivery;
  }

  setChannels(channels: Map<string, Channel>): void {
    this.#channels = channels;
  }

  /** The `language` of each route that sets one; it wins over the channel's own. */
  setRouteLanguages(languages: ReadonlyMap<string, Language>): void {
    this.#routeLanguages = languages;
  }

  setRetry(retry: RetryPolicy): void {
    this.#retry = retry;
  }

  enqueue(route: string, channels: readonly string[], notices: readonly Notice[], now: Date): OutboxEntry[] {
    const added: OutboxEntry[] = [];
    for (const channel of channels) {
      const id = outboxId(route, channel, notices);
      if (this.#store.wasDelivered(id) || this.#store.outbox().some((entry) => entry.id === id)) continue;
      const entry: OutboxEntry = {
        id,
        route,
        channel,
        createdAt: now.toISOString(),
        attempts: 0,
        nextAttemptAt: now.toISOString(),
        notices: [...notices],
      };
      this.#store.putOutbox(entry);
      added.push(entry);
    }
    return added;
  }

  /** Attempts every entry that is due. Only one drain runs at a time. */
  async deliverDue(now: Date): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, failed: 0, pending: 0 };
    if (this.#draining) return { ...report, pending: this.#store.outbox().length };
    this.#draining = true;
    try {
      const due = this.#store
        .outbox()
        .filter((entry) => entry.nextAttemptAt <= now.toISOString())
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      for (const entry of due) {
        const ok = await this.#attempt(entry, now);
        if (ok) report.delivered++;
        else report.failed++;
      }
      report.pending = this.#store.outbox().length;
      if (due.length > 0) await this.#store.flush();
      return report;
    } finally {
      this.#draining = false;
    }
  }

  async #attempt(entry: OutboxEntry, now: Date): Promise<boolean> {
    const channel = this.#channels.get(entry.channel);
    const attempts = entry.attempts + 1;
    try {
      if (!channel) throw new Error(`channel "${entry.channel}" is no longer configured`);
      await channel.send({
        idempotencyKey: entry.id,
        route: entry.route,
        digest: buildDigest(entry.notices, {
          language: this.#routeLanguages.get(entry.route) ?? channel.language ?? 'en',
        }),
        notices: entry.notices,
      });
      this.#store.removeOutbox(entry.id);
      this.#store.markDelivered(entry.id, new Date().toISOString());
      await this.#store.flush();
      this.#onDelivery?.({ channel: entry.channel, route: entry.route, ok: true });
      this.#logger.info(
        { channel: entry.channel, route: entry.route, id: entry.id, notices: entry.notices.length, attempts },
        'alert delivered',
      );
      return true;
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), channel?.secrets() ?? []);
      const nextAttemptAt = new Date(now.getTime() + backoffMs(attempts, this.#retry)).toISOString();
      this.#store.putOutbox({ ...entry, attempts, nextAttemptAt, lastError: message });
      this.#onDelivery?.({ channel: entry.channel, route: entry.route, ok: false });
      this.#logger.warn(
        { channel: entry.channel, route: entry.route, id: entry.id, attempts, nextAttemptAt, error: message },
        'alert delivery failed; will retry',
      );
      return false;
    }
  }

  /** When the next entry is due, for the run loop's sleep. */
  nextAttemptAt(): Date | undefined {
    const times = this.#store.outbox().map((entry) => Date.parse(entry.nextAttemptAt));
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }
}
