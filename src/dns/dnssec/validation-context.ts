import { isDnsError } from '../errors.ts';
import type { DnsAnswer, DnsClient } from '../types.ts';
import type { TrustAnchor } from './trust-anchors.ts';

export interface ValidatorOptions {
  dns: DnsClient;
  /** Defaults to the built-in IANA root anchors. */
  anchors?: TrustAnchor[];
  now?: () => Date;
  /** Allowance for clock differences when checking signature validity windows (default 300 s). */
  skewSeconds?: number;
  /** NSEC3 iterations above which a proof makes data insecure instead of secure (default 150, as Unbound). */
  maxNsec3Iterations?: number;
  /** Per-run memo (RunShared.memo) so chain links are validated once per run; defaults to an own cache. */
  memo?: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}

/** What the chain builder and the RRset validator share: query access with counting, time, settings. */
export class ValidationContext {
  readonly dns: DnsClient;
  readonly now: () => Date;
  readonly skewSeconds: number;
  readonly maxNsec3Iterations: number;
  readonly memo: <T>(key: string, work: () => Promise<T>) => Promise<T>;
  queries = 0;

  constructor(options: ValidatorOptions) {
    this.dns = options.dns;
    this.now = options.now ?? (() => new Date());
    this.skewSeconds = options.skewSeconds ?? 300;
    this.maxNsec3Iterations = options.maxNsec3Iterations ?? 150;
    if (options.memo) this.memo = options.memo;
    else {
      const cache = new Map<string, Promise<unknown>>();
      this.memo = <T>(key: string, work: () => Promise<T>): Promise<T> => {
        const existing = cache.get(key);
        if (existing) return existing as Promise<T>;
        const started = work();
        cache.set(key, started);
        return started;
      };
    }
  }

  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  /** DO and CD set: we want the data and signatures even when the resolver itself judges them bogus. */
  ask(name: string, type: string): Promise<DnsAnswer> {
    this.queries++;
    return this.dns.query(name === '' ? '.' : name, type, { dnssec: true, checkingDisabled: true });
  }

  /**
   * The question being validated: first with DO only. For data the resolver could validate (secure or insecure)
   * the answer is the same data and signatures as with CD, and it is the very query the monitors ask (the MX of a
   * domain), so it is sent once per run instead of twice. Only when the resolver refuses it (SERVFAIL: it judged
   * the data bogus, or could not get it) is it asked again with CD, to see the data and judge why ourselves.
   */
  async askData(name: string, type: string): Promise<DnsAnswer> {
    this.queries++;
    try {
      return await this.dns.query(name === '' ? '.' : name, type, { dnssec: true });
    } catch (error) {
      if (isDnsError(error) && error.kind === 'servfail') return this.ask(name, type);
      throw error;
    }
  }
}
