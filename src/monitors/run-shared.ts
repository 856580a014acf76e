/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #entries: Map<string, Promise<unknown>>;
  readonly #spoilt: () => boolean;

  constructor(entries = new Map<string, Promise<unknown>>(), spoilt: () => boolean = () => false) {
    this.#entries = entries;
    this.#spoilt = spoilt;
  }

  memo<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#entries.get(key);
    if (existing) return existing as Promise<T>;
    const started = work();
    this.#entries.set(key, started);
    const settle = () => {
      // work done under a domain that ran out of budget or time may be cut short: later callers do it again
      if (this.#spoilt() && this.#entries.get(key) === started) this.#entries.delete(key);
    };
    started.then(settle, settle);
    return started;
  }

  /**
   * The same shared work, seen from one domain's check: what it computes is kept for everyone unless `spoilt()`
   * says, when the work ends, that the domain hit one of its limits (so a hostile domain cannot leave a failed
   * DNSKEY verification or MX lookup behind for the domains that share it).
   */
  scoped(spoilt: () => boolean): RunShared {
    return new RunShared(this.#entries, spoilt);
  }

  get size(): number {
    return this.#entries.size;
  }
}
