import type { ClusterEngine } from './engine.ts';
import { ensureQueue } from './queues.ts';

/**
 * Jobs that run once per cluster, not once per worker: the outbox delivery, the reconciler that re-schedules lost
 * domains, history compaction, Alertmanager re-sends. Each is a pg-boss queue with the `exclusive` policy (at most one
 * run queued or running in the whole cluster) and throttled sends (at most one run per period): every worker offers
 * to run it each period, the first to fetch the job runs it, and a worker that dies while running it stops its
 * heartbeat, so the run is handed to another worker.
 */
export class ClusterSingletons {
  readonly #engine: ClusterEngine;
  readonly #onError: (name: string, error: Error) => void;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #periods = new Map<string, number>();
  #stopped = false;

  constructor(engine: ClusterEngine, options: { onError?: (name: string, error: Error) => void } = {}) {
    this.#engine = engine;
    this.#onError = options.onError ?? (() => {});
  }

  /** Runs `task` at most once per `periodSeconds` (whole seconds, ≥ 1) across the cluster, never twice at once. */
  async every(name: string, periodSeconds: number, task: () => Promise<void>): Promise<void> {
    const queue = queueName(name);
    const period = Math.max(1, Math.round(periodSeconds));
    this.#periods.set(name, period);
    const timings = this.#engine.timings;
    await ensureQueue(this.#engine.boss, queue, {
      policy: 'exclusive',
      heartbeatSeconds: timings.heartbeatSeconds,
      expireInSeconds: timings.expireSeconds,
      retryLimit: 0,
      deleteAfterSeconds: 3600,
    });
    await this.#engine.boss.work(
      queue,
      { pollingIntervalSeconds: Math.max(0.5, Math.min(timings.pollSeconds, period)) },
      async () => {
        try {
          await task();
        } catch (error) {
          this.#onError(name, error instanceof Error ? error : new Error(String(error)));
        }
      },
    );
    await this.nudge(name);
    const timer = setInterval(() => void this.nudge(name), (period * 1000) / 2);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Offers a run now (for example: new alerts are in the outbox). Dropped when this period already had one. */
  async nudge(name: string): Promise<void> {
    const period = this.#periods.get(name);
    if (period === undefined || this.#stopped) return;
    try {
      await this.#engine.boss.send(queueName(name), {}, { singletonSeconds: period });
    } catch (error) {
      this.#onError(name, error instanceof Error ? error : new Error(String(error)));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    for (const name of this.#periods.keys()) await this.#engine.boss.offWork(queueName(name)).catch(() => {});
  }
}

function queueName(name: string): string {
  return `mailwarden-${name}`;
}
