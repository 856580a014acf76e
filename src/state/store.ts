import type { DomainState, GlobalState, HistoryEntry, OutboxEntry } from './types.ts';

export interface HistoryQuery {
  domain?: string;
  /** ISO 8601 lower bound. */
  since?: string;
  limit?: number;
}

/**
 * Where the daemon keeps what it knows. Reads are synchronous from memory; writes are batched and become durable at
 * the next flush (the embedded store flushes after a short delay, and `flush()` forces it — the outbox does so before
 * every send). History is append-only.
 */
export interface StateStore {
  open(): Promise<void>;
  domain(name: string): DomainState | undefined;
  putDomain(state: DomainState): void;
  removeDomain(name: string): void;
  domains(): Iterable<DomainState>;
  global(): GlobalState;
  putGlobal(state: GlobalState): void;
  outbox(): OutboxEntry[];
  putOutbox(entry: OutboxEntry): void;
  removeOutbox(id: string): void;
  /** Ids of outbox entries delivered recently: a re-enqueued duplicate is dropped, not sent twice. */
  wasDelivered(id: string): boolean;
  markDelivered(id: string, at: string): void;
  appendHistory(entries: readonly HistoryEntry[]): Promise<void>;
  readHistory(query: HistoryQuery): Promise<HistoryEntry[]>;
  /** Drops history older than the retention; returns how many entries were removed. */
  compactHistory(now: Date): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The state file exists but cannot be used. The daemon refuses to start rather than silently forgetting alerts. */
export class StateDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDamagedError';
  }
}
