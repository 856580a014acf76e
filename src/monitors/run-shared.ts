/**
 * Results that outlive one run and are shared beyond this process: the workers of a cluster reuse one worker's
 * STARTTLS probe of a shared MX address instead of each probing it (src/cluster/shared-results.ts on PostgreSQL).
 */
export interface CrossRunCache {
  /**
   * The cached value of `key` while it is fresh; otherwise `work()` — done by one caller at a time across the
   * cluster while the others wait for its result — kept for a long time when `settled(value)` (an answer that only
   * changes when the server changes) and briefly otherwise (a failure must be seen afresh when it is confirmed).
   */
  through<T>(key: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T>;
}

/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #entries = new Map<string, Promise<unknown>>();
  readonly #crossRun: CrossRunCache | undefined;

  constructor(crossRun?: CrossRunCache) {
    this.#crossRun = crossRun;
  }

  memo<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#entries.get(key);
    if (existing) return existing as Promise<T>;
    const started = work();
    this.#entries.set(key, started);
    return started;
  }

  /** Like memo(), and shared with other runs and workers through the cross-run cache when there is one. */
  memoAcross<T>(key: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T> {
    const crossRun = this.#crossRun;
    return this.memo(key, crossRun ? () => crossRun.through(key, work, settled) : work);
  }

  get size(): number {
    return this.#entries.size;
  }
}
