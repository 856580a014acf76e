/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #memory: SharedMemory;
  readonly #spoilt: () => boolean;

  /**
   * `coordinator`: when the run is split over worker threads, the one that keeps `memoAcrossWorkers` once per run.
   * `maxEntries`: beyond it the least recently used `memo` entry is forgotten (its work is done again if asked
   * again): a long `check` list then does not grow memory with every domain's own entries, while the shared ones,
   * asked by every domain, stay.
   */
  constructor(
    options: { coordinator?: SharedCoordinator; maxEntries?: number } = {},
    memory?: SharedMemory,
    spoilt: () => boolean = () => false,
  ) {
    this.#memory = memory ?? {
      entries: new Map(),
      kept: new Map(),
      tick: 0,
      coordinator: options.coordinator,
      maxEntries: options.maxEntries ?? Number.POSITIVE_INFINITY,
    };
    this.#spoilt = spoilt;
  }

  /** `keep`: never forgotten during the run (state the run's politeness depends on, such as per-address limiters). */
  memo<T>(key: string, work: () => Promise<T>, options: { keep?: boolean } = {}): Promise<T> {
    const memory = this.#memory;
    const kept = memory.kept.get(key);
    if (kept) return kept as Promise<T>;
    const existing = memory.entries.get(key);
    if (existing) {
      // least recently used goes first; an entry among the newest quarter need not move
      if (memory.tick - existing.touched > memory.maxEntries / 4) {
        existing.touched = ++memory.tick;
        memory.entries.delete(key);
        memory.entries.set(key, existing);
      }
      return existing.promise as Promise<T>;
    }
    const started = work();
    if (options.keep) {
      memory.kept.set(key, started);
      return started;
    }
    memory.entries.set(key, { promise: started, touched: ++memory.tick });
    if (memory.entries.size > memory.maxEntries) {
      const oldest = memory.entries.keys().next().value;
      if (oldest !== undefined) memory.entries.delete(oldest);
    }
    const settle = () => {
      // work done under a domain that ran out of budget or time may be cut short: later callers do it again
      if (this.#spoilt() && memory.entries.get(key)?.promise === started) memory.entries.delete(key);
    };
    started.then(settle, settle);
    return started;
  }

  /**
   * Like memo, but once for the whole run even when it is split over workers (worker threads of `check`, or the
   * worker processes of a cluster), and never forgotten. `slot` names the resource the work uses (the address): the
   * coordinator bounds how many keys of one slot run at once across workers. The result must survive structured
   * cloning (and JSON, in a cluster). `settled(value)`: the result only changes when the server does, so a
   * coordinator that outlives one run may reuse it for a whole cycle; any other result only briefly.
   */
  memoAcrossWorkers<T>(
    key: string,
    slot: string,
    work: () => Promise<T>,
    settled: (value: T) => boolean = () => false,
  ): Promise<T> {
    const coordinator = this.#memory.coordinator;
    return this.memo(key, coordinator ? () => coordinator.once(key, slot, work, settled) : work, { keep: true });
  }

  /**
   * The same shared work, seen from one domain's check: what it computes is kept for everyone unless `spoilt()`
   * says, when the work ends, that the domain hit one of its limits (so a hostile domain cannot leave a failed
   * DNSKEY verification or MX lookup behind for the domains that share it).
   */
  scoped(spoilt: () => boolean): RunShared {
    return new RunShared({}, this.#memory, spoilt);
  }

  get size(): number {
    return this.#memory.entries.size + this.#memory.kept.size;
  }
}

/** What a run's RunShared views share. */
interface SharedMemory {
  entries: Map<string, { promise: Promise<unknown>; touched: number }>;
  kept: Map<string, Promise<unknown>>;
  tick: number;
  coordinator: SharedCoordinator | undefined;
  maxEntries: number;
}

/**
 * Keeps shared work once across the workers of a run: worker threads of `check` (src/check/shared-coordinator.ts)
 * or the processes of a cluster, through PostgreSQL (src/cluster/shared-results.ts).
 */
export interface SharedCoordinator {
  /**
   * Runs `work` in exactly one worker for `key`; every other worker gets a copy of its result. A coordinator that
   * outlives one run keeps a `settled` result longer than any other (one that lives for one run may ignore it).
   */
  once<T>(key: string, slot: string, work: () => Promise<T>, settled: (value: T) => boolean): Promise<T>;
}

/**
 * How long a coordinator that outlives one run keeps a probe result (a cluster's shared table, a single daemon's
 * memory): a settled result (a working STARTTLS) for one check interval, so one probe per address per cycle; any other
 * for half the confirmation delay (1 s to 60 s), so the re-check that confirms a regression probes afresh.
 */
export function sharedResultTtls(
  intervalMs: number,
  confirmDelayMs: number,
): { settledTtlMs: number; unsettledTtlMs: number } {
  return {
    settledTtlMs: intervalMs,
    unsettledTtlMs: Math.max(1000, Math.min(60_000, Math.floor(confirmDelayMs / 2))),
  };
}
