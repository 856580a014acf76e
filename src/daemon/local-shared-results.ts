import type { SharedCoordinator } from '../monitors/run-shared.ts';
import { AddressLimiter } from '../smtp/address-limiter.ts';

export interface LocalSharedResultsSettings {
  /** How long a settled result (a working STARTTLS) is reused: the check interval, so one probe per cycle. */
  settledTtlMs: number;
  /** How long any other result is reused: shorter than the confirmation delay, so a confirmation probes again. */
  unsettledTtlMs: number;
  /** Keys of one slot (an MX address) worked on at once, across every batch. */
  perSlot: number;
}

export interface LocalSharedResultStats {
  /** A fresh result reused. */
  hits: number;
  /** The work was done (a probe). */
  computed: number;
  /** Joined work another batch had started (single flight). */
  joined: number;
}

/**
 * Results kept beyond a single batch: at most this many keys. A key is one (MX address, port, MX name); past the
 * bound the oldest is forgotten, which costs one probe more, never a wrong answer. A probe result is a few KB (the
 * presented chain's facts), so the bound keeps this under about 50 MB however many MX hosts the domains use.
 */
const MAX_ENTRIES = 10_000;

/**
 * A single daemon's SharedCoordinator: the in-memory twin of the cluster's PgSharedResults, with the same rules. The
 * first batch to need a key does the work and every batch that asks meanwhile joins it (single flight); a settled
 * result is reused for `settledTtlMs` (one interval: one STARTTLS probe per MX address per cycle however the domains
 * fall into batches), any other result only for `unsettledTtlMs`, so the re-check that confirms a failure probes
 * again. A failed piece of work is not kept. At most `perSlot` keys of one slot run at once across batches, the
 * per-address politeness one batch's own limiter gives within the batch.
 */
export class LocalSharedResults implements SharedCoordinator {
  readonly stats: LocalSharedResultStats = { hits: 0, computed: 0, joined: 0 };
  readonly #entries = new Map<string, { promise: Promise<unknown>; expiresAt: number }>();
  readonly #now: () => number;
  #settings: LocalSharedResultsSettings;
  #limiter: AddressLimiter;

  constructor(settings: LocalSharedResultsSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#limiter = new AddressLimiter(settings.perSlot);
    this.#now = now;
  }

  /** A reload: new TTLs apply to results produced from now on; a new per-slot bound to work started from now on. */
  configure(settings: LocalSharedResultsSettings): void {
    if (settings.perSlot !== this.#settings.perSlot) this.#limiter = new AddressLimiter(settings.perSlot);
    this.#settings = settings;
  }

  get size(): number {
    return this.#entries.size;
  }

  once<T>(key: string, slot: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T> {
    const now = this.#now();
    const known = this.#entries.get(key);
    if (known && known.expiresAt > now) {
      if (known.expiresAt === Number.POSITIVE_INFINITY) this.stats.joined++;
      else this.stats.hits++;
      return known.promise as Promise<T>;
    }
    this.#entries.delete(key);
    this.stats.computed++;
    const entry = { promise: undefined as unknown as Promise<T>, expiresAt: Number.POSITIVE_INFINITY };
    entry.promise = this.#limiter.run(slot, work).then(
      (value) => {
        const ttl = settled(value) ? this.#settings.settledTtlMs : this.#settings.unsettledTtlMs;
        entry.expiresAt = this.#now() + ttl;
        return value;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        throw error;
      },
    );
    this.#entries.set(key, entry);
    this.#forgetOld(now);
    return entry.promise;
  }

  /** Expired results go when the map is at its bound; then the oldest, if it still is. */
  #forgetOld(now: number): void {
    if (this.#entries.size <= MAX_ENTRIES) return;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    while (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
