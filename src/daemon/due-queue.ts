/**
 * A min-heap of domains keyed on due time. Rescheduling a domain pushes a new entry; the stale one is skipped
 * when it surfaces (lazy deletion), so every operation is O(log n) even for a million domains.
 */
export class DueQueue {
  readonly #heap: { due: number; domain: string }[] = [];
  readonly #current = new Map<string, number>();

  get size(): number {
    return this.#current.size;
  }

  schedule(domain: string, due: number): void {
    this.#current.set(domain, due);
    this.#push({ due, domain });
  }

  remove(domain: string): void {
    this.#current.delete(domain);
  }

  dueAt(domain: string): number | undefined {
    return this.#current.get(domain);
  }

  /** How many domains are due at or before `time` (a scan: for metrics, not for the hot path). */
  countDueBy(time: number): number {
    let count = 0;
    for (const due of this.#current.values()) if (due <= time) count++;
    return count;
  }

  /** The earliest due time, or undefined when empty. */
  peek(): number | undefined {
    this.#dropStale();
    return this.#heap[0]?.due;
  }

  /**
   * Whether at least `count` domains are due at or before `now`. Walks only the heap entries due by then (a heap's
   * subtree is never due earlier than its root), so it costs O(count), not O(size).
   */
  hasDue(now: number, count: number): boolean {
    if (count <= 0) return true;
    let found = 0;
    const pending = [0];
    while (pending.length > 0) {
      const index = pending.pop()!;
      const entry = this.#heap[index];
      if (entry === undefined || entry.due > now) continue;
      if (this.#current.get(entry.domain) === entry.due && ++found >= count) return true;
      pending.push(index * 2 + 1, index * 2 + 2);
    }
    return false;
  }

  /** Removes and returns up to `limit` domains due at or before `now`, earliest first. */
  popDue(now: number, limit: number): string[] {
    const due: string[] = [];
    while (due.length < limit) {
      this.#dropStale();
      const top = this.#heap[0];
      if (top === undefined || top.due > now) break;
      this.#pop();
      this.#current.delete(top.domain);
      due.push(top.domain);
    }
    return due;
  }

  #dropStale(): void {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      if (this.#current.get(top.domain) === top.due) return;
      this.#pop();
    }
  }

  #push(entry: { due: number; domain: string }): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.due <= heap[index]!.due) break;
      [heap[parent], heap[index]] = [heap[index]!, heap[parent]!];
      index = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && heap[left]!.due < heap[smallest]!.due) smallest = left;
      if (right < heap.length && heap[right]!.due < heap[smallest]!.due) smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [heap[index]!, heap[smallest]!];
      index = smallest;
    }
  }
}
