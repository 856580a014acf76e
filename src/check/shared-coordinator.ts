import type { MessagePort } from 'node:worker_threads';
import type { SharedCoordinator } from '../monitors/run-shared.ts';

/** Messages between a worker's coordinator client and the parent's registry. */
export type SharedRequest =
  | { type: 'shared-ask'; key: string; slot: string }
  | { type: 'shared-done'; key: string; slot: string; ok: true; value: unknown }
  | { type: 'shared-done'; key: string; slot: string; ok: false; error: string };
export type SharedReply =
  | { type: 'shared-run'; key: string }
  | { type: 'shared-result'; key: string; ok: true; value: unknown }
  | { type: 'shared-result'; key: string; ok: false; error: string };

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The parent's side: the first worker to ask for a key runs it, the others wait for its result. At most
 * `perSlot` keys of one slot (an MX address) run at once across all workers, as one process would allow.
 */
export class SharedRegistry {
  readonly #perSlot: number;
  readonly #keys = new Map<string, { outcome?: Outcome; waiting: ((reply: SharedReply) => void)[] }>();
  readonly #running = new Map<string, number>();
  readonly #queued = new Map<string, (() => void)[]>();

  constructor(perSlot: number) {
    this.#perSlot = Math.max(1, perSlot);
  }

  handle(request: SharedRequest, reply: (message: SharedReply) => void): void {
    if (request.type === 'shared-ask') {
      const entry = this.#keys.get(request.key);
      if (entry?.outcome) reply({ type: 'shared-result', key: request.key, ...entry.outcome });
      else if (entry) entry.waiting.push(reply);
      else {
        this.#keys.set(request.key, { waiting: [] });
        this.#whenSlotFree(request.slot, () => reply({ type: 'shared-run', key: request.key }));
      }
      return;
    }
    const entry = this.#keys.get(request.key);
    const outcome: Outcome = request.ok ? { ok: true, value: request.value } : { ok: false, error: request.error };
    if (entry) {
      entry.outcome = outcome;
      for (const waiter of entry.waiting.splice(0)) waiter({ type: 'shared-result', key: request.key, ...outcome });
    }
    this.#slotDone(request.slot);
  }

  #whenSlotFree(slot: string, start: () => void): void {
    const running = this.#running.get(slot) ?? 0;
    if (running < this.#perSlot) {
      this.#running.set(slot, running + 1);
      start();
    } else {
      const queue = this.#queued.get(slot) ?? [];
      queue.push(start);
      this.#queued.set(slot, queue);
    }
  }

  #slotDone(slot: string): void {
    const next = this.#queued.get(slot)?.shift();
    if (next) next();
    else this.#running.set(slot, (this.#running.get(slot) ?? 1) - 1);
  }
}

/** The worker's side: asks the parent whether to run a key or wait for the worker that does. */
export class WorkerCoordinator implements SharedCoordinator {
  readonly #port: MessagePort;
  readonly #pending = new Map<string, (reply: SharedReply) => void>();

  constructor(port: MessagePort) {
    this.#port = port;
  }

  /** Feed every SharedReply the parent sends here. */
  receive(reply: SharedReply): void {
    const waiter = this.#pending.get(reply.key);
    this.#pending.delete(reply.key);
    waiter?.(reply);
  }

  async once<T>(key: string, slot: string, work: () => Promise<T>): Promise<T> {
    const reply = await new Promise<SharedReply>((resolve) => {
      this.#pending.set(key, resolve);
      this.#port.postMessage({ type: 'shared-ask', key, slot } satisfies SharedRequest);
    });
    if (reply.type === 'shared-result') {
      if (reply.ok) return reply.value as T;
      throw new Error(reply.error);
    }
    try {
      const value = await work();
      this.#port.postMessage({ type: 'shared-done', key, slot, ok: true, value } satisfies SharedRequest);
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#port.postMessage({ type: 'shared-done', key, slot, ok: false, error: message } satisfies SharedRequest);
      throw error;
    }
  }
}
