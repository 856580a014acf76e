/**
 * The DnsClient the monitors use: recursive queries to the configured resolvers through one shared UDP pool,
 * cached and coalesced for the whole run, with at most `maxConcurrency` queries on the wire at once.
 */
import { type CacheOptions, cacheKey, DnsCache } from './cache.ts';
import { DnsError } from './errors.ts';
import { Limiter } from './limiter.ts';
import { trimTrailingDot } from './names.ts';
import { emptyQueryStats } from './query-stats.ts';
import { canonicalAddress, parseServerAddress, systemServers } from './servers.ts';
import { type ExchangeFlags, Transport } from './transport.ts';
import type { DnsAnswer, DnsClient, DnsQuestion, DnsServer, QueryOptions, QueryStats } from './types.ts';
import { UdpPool } from './udp-pool.ts';

export { parseServerAddress } from './servers.ts';

export interface ResolverOptions {
  /** Resolvers to ask, in order of preference; `IP[:PORT]`/`[IPv6]:PORT` strings or objects. Default: the system's. */
  servers?: (DnsServer | string)[];
  /** Wait for one attempt at one server, ms (default 2000). */
  timeoutMs?: number;
  /** Extra rounds over all servers after the first (default 1). */
  retries?: number;
  /** Queries on the wire at once (default 64). */
  maxConcurrency?: number;
  /** false disables the cache; an object tunes it (default: on, with CACHE_DEFAULTS). */
  cache?: boolean | CacheOptions;
  /** UDP sockets per address family (default 2). */
  socketsPerFamily?: number;
}

export const RESOLVER_DEFAULTS = { timeoutMs: 2000, retries: 1, maxConcurrency: 64 } as const;

export class Resolver implements DnsClient {
  readonly servers: readonly DnsServer[];
  readonly #pool: UdpPool;
  readonly #transport: Transport;
  readonly #limiter: Limiter;
  readonly #cache: DnsCache | undefined;
  readonly #inFlight = new Map<string, Promise<DnsAnswer>>();
  readonly #stats: QueryStats = emptyQueryStats();

  constructor(options: ResolverOptions = {}) {
    const servers = (options.servers ?? []).map((server) =>
      typeof server === 'string'
        ? parseServerAddress(server)
        : { address: canonicalAddress(server.address), port: server.port },
    );
    this.servers = servers.length > 0 ? servers : systemServers();
    this.#pool = new UdpPool({ socketsPerFamily: options.socketsPerFamily });
    this.#transport = new Transport(this.#pool, this.#stats, {
      timeoutMs: options.timeoutMs ?? RESOLVER_DEFAULTS.timeoutMs,
      retries: options.retries ?? RESOLVER_DEFAULTS.retries,
    });
    this.#limiter = new Limiter(options.maxConcurrency ?? RESOLVER_DEFAULTS.maxConcurrency);
    const cache = options.cache ?? true;
    this.#cache = cache === false ? undefined : new DnsCache(cache === true ? {} : cache);
  }

  query(name: string, type: string, options: QueryOptions = {}): Promise<DnsAnswer> {
    this.#stats.requested++;
    const question = questionFor(name, type);
    const key = cacheKey(question.name, question.type, options);
    const cached = this.#cache?.get(key);
    if (cached) {
      this.#stats.cacheHits++;
      if (cached.kind === 'error') return Promise.reject(cached.error);
      return Promise.resolve(
        sameQuestion(cached.answer.question, question) ? cached.answer : { ...cached.answer, question },
      );
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.#stats.coalesced++;
      return pending.then((answer) => (sameQuestion(answer.question, question) ? answer : { ...answer, question }));
    }
    const started = this.#send([...this.servers], question, flagsFor(options, true)).then(
      (answer) => {
        this.#cache?.setAnswer(key, answer);
        return answer;
      },
      (error: unknown) => {
        if (error instanceof DnsError) this.#cache?.setError(key, error);
        throw error;
      },
    );
    const tracked = started.finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, tracked);
    return tracked;
  }

  queryServer(server: DnsServer, name: string, type: string, options: QueryOptions = {}): Promise<DnsAnswer> {
    this.#stats.requested++;
    const target = { address: canonicalAddress(server.address), port: server.port };
    return this.#send([target], questionFor(name, type), flagsFor(options, false));
  }

  stats(): QueryStats {
    return { ...this.#stats };
  }

  /** Highest number of queries that were on the wire at once. */
  get peakConcurrency(): number {
    return this.#limiter.peak;
  }

  /** UDP sockets opened so far (they are shared by all queries). */
  get socketsCreated(): number {
    return this.#pool.socketsCreated;
  }

  /** Closes the UDP sockets; later queries fail. */
  close(): void {
    this.#pool.close();
  }

  async #send(servers: DnsServer[], question: DnsQuestion, flags: ExchangeFlags): Promise<DnsAnswer> {
    try {
      return await this.#limiter.run(() => this.#transport.exchange(servers, question, flags));
    } catch (error) {
      this.#stats.errors++;
      if (error instanceof DnsError) throw error;
      throw new DnsError('network', question, `query failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

export function createResolver(options: ResolverOptions = {}): Resolver {
  return new Resolver(options);
}

function sameQuestion(a: DnsQuestion, b: DnsQuestion): boolean {
  return a.name === b.name && a.type === b.type && a.class === b.class;
}

function questionFor(name: string, type: string): DnsQuestion {
  return { name: trimTrailingDot(name), type: type.toUpperCase(), class: 'IN' };
}

function flagsFor(options: QueryOptions, recursionDesired: boolean): ExchangeFlags {
  return {
    recursionDesired,
    dnssecOk: options.dnssec ?? false,
    checkingDisabled: options.checkingDisabled ?? false,
  };
}
