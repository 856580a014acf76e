/**
 * The daemon's `schedule.concurrency`: how many domains are checked at once, across every batch whose checks run.
 * A domain takes a slot before its check and gives it back after; the rest wait in arrival order, so the domains of
 * an earlier batch go before those of a later one.
 */
export class DomainSlots {
  #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #released: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** A reload may change the concurrency: more slots start waiting checks now, fewer take effect as checks end. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, Math.floor(limit));
    while (this.#waiting.length > 0 && this.#active < this.#limit) {
      this.#active++;
      this.#waiting.shift()!();
    }
  }

  get active(): number {
    return this.#active;
  }

  /** Slots free that no check waits for: room for another batch's checks. */
  get idle(): number {
    return this.#waiting.length > 0 ? 0 : Math.max(0, this.#limit - this.#active);
  }

  /** Resolves with the slot's release function once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.#active < this.#limit && this.#waiting.length === 0) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#releaser())));
  }

  /** Resolves when a slot is next given back. */
  released(): Promise<void> {
    return new Promise((resolve) => this.#released.push(resolve));
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#active <= this.#limit ? this.#waiting.shift() : undefined;
      if (next) next();
      else this.#active--;
      for (const listener of this.#released.splice(0)) listener();
    };
  }
}
