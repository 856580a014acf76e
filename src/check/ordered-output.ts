/**
 * Hands results to a sink in input order while they finish out of order, and keeps at most `window` results
 * waiting: work for index i starts only once i is within `window` of the next index to be written, so memory is
 * bounded by the window, not by the number of domains.
 */
export class OrderedOutput<T> {
  readonly #window: number;
  readonly #sink: (item: T) => Promise<void>;
  readonly #done = new Map<number, T>();
  readonly #waiting: { index: number; resolve: () => void }[] = [];
  #next = 0;
  #flushing: Promise<void> = Promise.resolve();
  #failure: unknown;

  constructor(window: number, sink: (item: T) => Promise<void>) {
    this.#window = Math.max(1, window);
    this.#sink = sink;
  }

  /** Resolves when work on `index` may start. */
  reserve(index: number): Promise<void> {
    if (index < this.#next + this.#window) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ index, resolve }));
  }

  put(index: number, item: T): void {
    this.#done.set(index, item);
    this.#flushing = this.#flushing
      .then(() => this.#flush())
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
  }

  /** Resolves when everything put so far is written; rejects with the sink's first failure. */
  async drained(): Promise<void> {
    await this.#flushing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #flush(): Promise<void> {
    for (let item = this.#done.get(this.#next); item !== undefined; item = this.#done.get(this.#next)) {
      this.#done.delete(this.#next);
      await this.#sink(item);
      this.#next++;
      this.#release();
    }
  }

  #release(): void {
    const limit = this.#next + this.#window;
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      const waiter = this.#waiting[i]!;
      if (waiter.index < limit) {
        this.#waiting.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
