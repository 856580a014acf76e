/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #entries = new Map<string, { promise: Promise<unknown>; touched: number }>();
  #tick = 0;
  /** Entries that must live as long as the run: cross-worker work and what asks for `keep`. */
  readonly #kept = new Map<string, Promise<unknown>>();
  readonly #coordinator: SharedCoordinator | undefined;
  readonly #maxEntries: number;

  /**
   * `coordinator`: when the run is split over worker threads, the one that keeps `memoAcrossWorkers` once per run.
   * `maxEntries`: beyond it the least recently used `memo` entry is forgotten (its work is done again if asked
   * again): a long `check` list then does not grow memory with every domain's own entries, while the shared ones,
   * asked by every domain, stay.
   */
  constructor(options: { coordinator?: SharedCoordinator; maxEntries?: number } = {}) {
    this.#coordinator = options.coordinator;
    this.#maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  }

  /** `keep`: never forgotten during the run (state the run's politeness depends on, such as per-address limiters). */
  memo<T>(key: string, work: () => Promise<T>, options: { keep?: boolean } = {}): Promise<T> {
    const kept = this.#kept.get(key);
    if (kept) return kept as Promise<T>;
    const existing = this.#entries.get(key);
    if (existing) {
      // least recently used goes first; an entry among the newest quarter need not move
      if (this.#tick - existing.touched > this.#maxEntries / 4) {
        existing.touched = ++this.#tick;
        this.#entries.delete(key);
        this.#entries.set(key, existing);
      }
      return existing.promise as Promise<T>;
    }
    const started = work();
    if (options.keep) {
      this.#kept.set(key, started);
      return started;
    }
    this.#entries.set(key, { promise: started, touched: ++this.#tick });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return started;
  }

  /**
   * Like memo, but once for the whole run even when it is split over workers (one SMTP probe per MX address per
   * run), and never forgotten. `slot` names the resource the work uses (the address): the coordinator bounds how
   * many keys of one slot run at once across workers. The result must survive structured cloning.
   */
  memoAcrossWorkers<T>(key: string, slot: string, work: () => Promise<T>): Promise<T> {
    const coordinator = this.#coordinator;
    return this.memo(key, coordinator ? () => coordinator.once(key, slot, work) : work, { keep: true });
  }

  get size(): number {
    return this.#entries.size + this.#kept.size;
  }
}

export interface SharedCoordinator {
  /** Runs `work` in exactly one worker of the run for `key`; every other worker gets a copy of its result. */
  once<T>(key: string, slot: string, work: () => Promise<T>): Promise<T>;
}
