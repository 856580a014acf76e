/**
 * Work shared by every domain of one run: the first caller of a key does the work, every later caller of the same
 * key gets the same promise. A hoster's 10,000 domains on one MX address cost one probe.
 */
export class RunShared {
  readonly #entries = new Map<string, Promise<unknown>>();

  memo<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#entries.get(key);
    if (existing) return existing as Promise<T>;
    const started = work();
    this.#entries.set(key, started);
    return started;
  }

  get size(): number {
    return this.#entries.size;
  }
}
