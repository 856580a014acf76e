/**
 * The answer cache shared by every domain of a run.
 *
 * - Positive answers live for the smallest TTL among the answer RRs, capped at `maxTtlSeconds`.
 * - Negative answers (NXDOMAIN, NODATA) live per RFC 2308 §5: min(SOA TTL, SOA MINIMUM) of the SOA in the authority
 *   section, capped at `maxNegativeTtlSeconds`; without a SOA, `negativeDefaultTtlSeconds`.
 * - Failures (DnsError) live `errorTtlSeconds` (RFC 9520 asks resolvers to hold failures for 1 s to 5 min): long
 *   enough that 10,000 domains sharing one broken name do not each wait for its timeouts, short enough that a
 *   confirmation re-check a minute later asks again. 0 disables it.
 * - At most `maxEntries` entries; the least recently used goes first.
 * Cached answers come back with `fromCache: true` and TTLs reduced by the time spent in the cache.
 *
 * Answers are frozen when stored, so every hit can hand out the same object: a hit copies nothing unless a whole
 * second has passed since the last hit of that entry (the aged copy is then made once and shared again).
 */
import type { DnsError } from './errors.ts';
import { canonicalName } from './names.ts';
import type { DnsAnswer, DnsRecord, QueryOptions } from './types.ts';

export interface CacheOptions {
  maxEntries?: number;
  maxTtlSeconds?: number;
  maxNegativeTtlSeconds?: number;
  negativeDefaultTtlSeconds?: number;
  errorTtlSeconds?: number;
  /** Clock in ms; tests pass a fake one. */
  now?: () => number;
}

export const CACHE_DEFAULTS = {
  maxEntries: 100_000,
  maxTtlSeconds: 3600,
  maxNegativeTtlSeconds: 900,
  negativeDefaultTtlSeconds: 30,
  errorTtlSeconds: 30,
} as const;

type Entry = (
  | { kind: 'answer'; answer: DnsAnswer; storedAt: number; expiresAt: number; view?: DnsAnswer; viewAge?: number }
  | {
      kind: 'error';
      error: DnsError;
      expiresAt: number;
    }
) & { touched?: number };

export type CacheHit = { kind: 'answer'; answer: DnsAnswer } | { kind: 'error'; error: DnsError };

export function cacheKey(name: string, type: string, options: QueryOptions = {}): string {
  return `${canonicalName(name)}|${type.toUpperCase()}|${options.dnssec ? 'do' : ''}|${options.checkingDisabled ? 'cd' : ''}`;
}

export class DnsCache {
  readonly #entries = new Map<string, Entry>();
  readonly #options: Required<Omit<CacheOptions, 'now'>>;
  readonly #now: () => number;
  #tick = 0;

  constructor(options: CacheOptions = {}) {
    const { now, ...rest } = options;
    this.#options = { ...CACHE_DEFAULTS, ...rest };
    this.#now = now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CacheHit | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const now = this.#now();
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    // Refresh recency: Map iteration order is insertion order, so the first key is the least recently used. An entry
    // already among the newest quarter is left where it is: the hot shared names are hit thousands of times a second.
    if (this.#tick - (entry.touched ?? 0) > this.#options.maxEntries / 4) {
      entry.touched = ++this.#tick;
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    if (entry.kind === 'error') return entry;
    const elapsed = Math.floor((now - entry.storedAt) / 1000);
    if (entry.view === undefined || entry.viewAge !== elapsed) {
      entry.view = aged(entry.answer, elapsed);
      entry.viewAge = elapsed;
    }
    return { kind: 'answer', answer: entry.view };
  }

  setAnswer(key: string, answer: DnsAnswer): void {
    const seconds = this.ttlOf(answer);
    if (seconds <= 0) return;
    const now = this.#now();
    freezeAnswer(answer);
    this.#store(key, { kind: 'answer', answer, storedAt: now, expiresAt: now + seconds * 1000 });
  }

  setError(key: string, error: DnsError): void {
    if (this.#options.errorTtlSeconds <= 0) return;
    this.#store(key, { kind: 'error', error, expiresAt: this.#now() + this.#options.errorTtlSeconds * 1000 });
  }

  /** How long an answer may be cached, in seconds. */
  ttlOf(answer: DnsAnswer): number {
    const negative = negativeTtl(answer.authorities);
    if (answer.rcode === 'NXDOMAIN' || answer.answers.length === 0) {
      return Math.min(negative ?? this.#options.negativeDefaultTtlSeconds, this.#options.maxNegativeTtlSeconds);
    }
    const smallest = Math.min(...answer.answers.map((record) => record.ttl));
    return Math.min(smallest, this.#options.maxTtlSeconds);
  }

  clear(): void {
    this.#entries.clear();
  }

  #store(key: string, entry: Entry): void {
    entry.touched = ++this.#tick;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

/** RFC 2308 §5: the negative TTL is the smaller of the SOA's own TTL and its MINIMUM field. */
function negativeTtl(authorities: DnsRecord[]): number | undefined {
  const soa = authorities.find((record) => record.type === 'SOA');
  if (!soa) return undefined;
  const minimum = (soa.data as { minimum?: number } | undefined)?.minimum;
  return typeof minimum === 'number' ? Math.min(soa.ttl, minimum) : soa.ttl;
}

function aged(answer: DnsAnswer, elapsedSeconds: number): DnsAnswer {
  const age = (records: DnsRecord[]) =>
    elapsedSeconds === 0
      ? records
      : records.map((record) => Object.freeze({ ...record, ttl: Math.max(0, record.ttl - elapsedSeconds) }));
  return Object.freeze({
    ...answer,
    answers: Object.freeze(age(answer.answers)) as DnsRecord[],
    authorities: Object.freeze(age(answer.authorities)) as DnsRecord[],
    additionals: Object.freeze(age(answer.additionals)) as DnsRecord[],
    fromCache: true,
  });
}

/** A cached answer is shared by every caller: nobody may change it (the records' decoded data included). */
function freezeAnswer(answer: DnsAnswer): void {
  for (const section of [answer.answers, answer.authorities, answer.additionals]) {
    for (const record of section) {
      if (record.data !== null && typeof record.data === 'object') Object.freeze(record.data);
      Object.freeze(record);
    }
    Object.freeze(section);
  }
  Object.freeze(answer.question);
  Object.freeze(answer.ede);
  Object.freeze(answer.flags);
  Object.freeze(answer);
}
