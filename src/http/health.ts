import type { DaemonStatus } from '../daemon/daemon.ts';
import type { GlobalState } from '../state/types.ts';

/** The loop wakes at least every few seconds; this long without a tick (and no batch running) means it is stuck. */
const TICK_STALE_MS = 60_000;
/** A batch running longer than this is reported: checks have timeouts, so it should never take this long. */
const BATCH_STUCK_MS = 30 * 60_000;

export interface Health {
  status: 'ok' | 'unhealthy';
  /** Why it is unhealthy; empty when ok. */
  reasons: string[];
  scheduler: DaemonStatus;
  resolver: { healthy: boolean; since?: string; detail?: string };
}

/**
 * Healthy when the scheduler loop runs (ticked recently, or a batch is in progress) and the resolver canary is fine
 * (a cluster worker's own canary; a single daemon's from the store).
 */
export function judgeHealth(status: DaemonStatus, global: GlobalState, now: Date): Health {
  const reasons: string[] = [];
  const at = now.getTime();
  if (!status.running) reasons.push('the scheduler is not running (starting or stopping)');
  else if (status.batchStartedAt !== undefined) {
    const running = at - Date.parse(status.batchStartedAt);
    if (running > BATCH_STUCK_MS) reasons.push(`a batch has been running for ${Math.round(running / 1000)} s`);
  } else if (status.lastTickAt === undefined || at - Date.parse(status.lastTickAt) > TICK_STALE_MS) {
    reasons.push(`the scheduler has not ticked since ${status.lastTickAt ?? 'start'}`);
  }
  // A cluster worker asks its own resolver and holds only its own batches: its state, not the store's.
  const down = status.worker !== undefined ? status.workerResolverDown : global.resolverDown;
  if (down) reasons.push(`the resolver is failing since ${down.since}: ${down.detail}`);
  return {
    status: reasons.length === 0 ? 'ok' : 'unhealthy',
    reasons,
    scheduler: status,
    resolver: down ? { healthy: false, since: down.since, detail: down.detail } : { healthy: true },
  };
}
