/** At most `perAddress` jobs at a time per address; the rest wait in arrival order. */
export class AddressLimiter {
  readonly #perAddress: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(perAddress: number) {
    this.#perAddress = Math.max(1, Math.floor(perAddress));
  }

  async run<T>(address: string, job: () => Promise<T>): Promise<T> {
    await this.#acquire(address);
    try {
      return await job();
    } finally {
      this.#release(address);
    }
  }

  #acquire(address: string): Promise<void> {
    const active = this.#active.get(address) ?? 0;
    if (active < this.#perAddress) {
      this.#active.set(address, active + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.#waiting.get(address) ?? [];
      queue.push(resolve);
      this.#waiting.set(address, queue);
    });
  }

  #release(address: string): void {
    const queue = this.#waiting.get(address);
    const next = queue?.shift();
    if (next) {
      // the slot passes straight to the next waiter
      if (queue?.length === 0) this.#waiting.delete(address);
      next();
      return;
    }
    const active = (this.#active.get(address) ?? 1) - 1;
    if (active <= 0) this.#active.delete(address);
    else this.#active.set(address, active);
  }
}
