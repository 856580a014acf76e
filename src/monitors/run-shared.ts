/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #entries = new Map<string, Promise<unknown>>();
  readonly #coordinator: SharedCoordinator | undefined;

  /** `coordinator`: when the run is split over worker threads, the one that keeps `memoAcrossWorkers` once per run. */
  constructor(coordinator?: SharedCoordinator) {
    this.#coordinator = coordinator;
  }

  memo<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#entries.get(key);
    if (existing) return existing as Promise<T>;
    const started = work();
    this.#entries.set(key, started);
    return started;
  }

  /**
   * Like memo, but once for the whole run even when it is split over workers (one SMTP probe per MX address per
   * run). `slot` names the resource the work uses (the address): the coordinator bounds how many keys of one slot
   * run at once across workers. The result must survive structured cloning.
   */
  memoAcrossWorkers<T>(key: string, slot: string, work: () => Promise<T>): Promise<T> {
    const coordinator = this.#coordinator;
    return this.memo(key, coordinator ? () => coordinator.once(key, slot, work) : work);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export interface SharedCoordinator {
  /** Runs `work` in exactly one worker of the run for `key`; every other worker gets a copy of its result. */
  once<T>(key: string, slot: string, work: () => Promise<T>): Promise<T>;
}
