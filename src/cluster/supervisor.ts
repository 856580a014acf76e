import { type ChildProcess, fork } from 'node:child_process';
import type { Logger } from 'pino';

export interface SupervisorOptions {
  workers: number;
  /** The CLI script and the arguments of each worker (`run --config …`, without `--workers`). */
  script: string;
  args: readonly string[];
  logger: Logger;
  /** First restart delay after a worker died; doubles for a worker that keeps dying, up to a minute. */
  restartDelayMs?: number;
}

/** The environment variable that tells a worker its number (0 … N-1): its HTTP port is the configured one + N. */
export const WORKER_INDEX_ENV = 'MAILWARDEN_WORKER_INDEX';

/** A worker that ran this long before it died counts as healthy: its next restart is immediate again. */
const STABLE_AFTER_MS = 60_000;
const MAX_RESTART_DELAY_MS = 60_000;

/**
 * `mailwarden run --workers N`: N worker processes on this machine, one per core, all workers of the same cluster
 * (they share the work through the job engine, exactly like workers on other machines). The supervisor only keeps
 * them running: a worker that dies is started again (with a growing delay if it keeps dying); SIGTERM/SIGINT are
 * passed on and the supervisor exits when all workers have; SIGHUP (reload) is passed on.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #children = new Map<number, ChildProcess>();
  readonly #delays = new Map<number, number>();
  #stopping = false;
  #finished: (() => void) | undefined;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  /** Starts the workers and resolves when they have all stopped after stop(). */
  run(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#finished = resolve;
    });
    for (let index = 0; index < this.#options.workers; index++) this.#start(index);
    return done;
  }

  /** The workers' pids by index (tests kill one to see it replaced). */
  pids(): Map<number, number> {
    const pids = new Map<number, number>();
    for (const [index, child] of this.#children) if (child.pid !== undefined) pids.set(index, child.pid);
    return pids;
  }

  signal(signal: NodeJS.Signals): void {
    for (const child of this.#children.values()) child.kill(signal);
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.#stopping = true;
    this.signal(signal);
    if (this.#children.size === 0) this.#finished?.();
  }

  #start(index: number): void {
    const { logger } = this.#options;
    const startedAt = Date.now();
    const child = fork(this.#options.script, [...this.#options.args], {
      env: { ...process.env, [WORKER_INDEX_ENV]: String(index) },
      stdio: 'inherit',
      // Its own process group: a Ctrl-C reaches the supervisor only, which passes one SIGTERM on (two would mean
      // "exit now"). A worker whose supervisor died notices the closed IPC channel and stops by itself.
      detached: true,
    });
    this.#children.set(index, child);
    logger.info({ worker: index, pid: child.pid }, 'worker started');
    child.once('exit', (code, signal) => {
      this.#children.delete(index);
      if (this.#stopping) {
        if (this.#children.size === 0) this.#finished?.();
        return;
      }
      const ranMs = Date.now() - startedAt;
      const base = this.#options.restartDelayMs ?? 1000;
      const delay =
        ranMs > STABLE_AFTER_MS ? base : Math.min(MAX_RESTART_DELAY_MS, (this.#delays.get(index) ?? base / 2) * 2);
      this.#delays.set(index, delay);
      logger.error(
        { worker: index, pid: child.pid, code, signal, restartInMs: delay },
        'worker died; its claimed domains go back to the cluster; restarting it',
      );
      setTimeout(() => {
        if (!this.#stopping) this.#start(index);
      }, delay);
    });
  }
}

/**
 * Why `--workers N` (N > 1) cannot run on this store, or undefined when it can. SQLite allows one writer: N workers
 * would each need the state file, and a second daemon on it is refused by design. Running the checks in child
 * processes and funnelling every report to one writer would work, but would build a second scale-out path beside the
 * one PostgreSQL already gives; a hoster that needs more than one core moves the state to PostgreSQL.
 */
export function workersRefusal(workers: number, stateUrl: string): string | undefined {
  if (workers <= 1) return undefined;
  if (/^postgres(ql)?:\/\//.test(stateUrl)) return undefined;
  return (
    `--workers ${workers} needs state.url on PostgreSQL (postgres://user@host:port/db): with SQLite (${stateUrl}) ` +
    'one process owns the state file and a second one is refused. Use --workers 1 (the default), or move the state ' +
    'to PostgreSQL (mailwarden state import) to spread the checks over every core and machine.'
  );
}
