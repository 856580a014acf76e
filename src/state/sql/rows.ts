import { type Status, worstStatus } from '../../model.ts';
import type { DomainState, OutboxEntry } from '../types.ts';
import type { Tables } from './tables.ts';

/** ISO 8601 → epoch ms, as stored. */
export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`not an ISO 8601 time: ${iso}`);
  return ms;
}

export function toIso(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

export function optionalIso(ms: number | string | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : toIso(ms);
}

/** Sort order of a domain's worst status: `error` (could not tell) sits between the good and the bad verdicts. */
const RANK: Record<Status, number> = { ok: 0, info: 1, error: 2, warn: 3, fail: 4 };

export function statusRank(status: Status | null): number {
  return status === null ? -1 : RANK[status];
}

/** Worst confirmed status of a domain's findings; null while nothing is confirmed (never checked). */
export function worstConfirmed(state: DomainState): Status | null {
  const statuses: Status[] = [];
  for (const tracked of Object.values(state.findings)) if (tracked.confirmed) statuses.push(tracked.confirmed.status);
  return statuses.length > 0 ? worstStatus(statuses) : null;
}

/** The state as stored: inFlightSince lives in its own column. */
export function storedState(state: DomainState): string {
  const { inFlightSince: _running, ...rest } = state;
  return JSON.stringify(rest);
}

export function outboxRow(entry: OutboxEntry): Tables['outbox'] {
  return {
    id: entry.id,
    route: entry.route,
    channel: entry.channel,
    created_at: toMs(entry.createdAt),
    attempts: entry.attempts,
    next_attempt_at: toMs(entry.nextAttemptAt),
    last_error: entry.lastError ?? null,
    dead_at: entry.deadAt === undefined ? null : toMs(entry.deadAt),
    notices: JSON.stringify(entry.notices),
  };
}

export function outboxEntry(row: Tables['outbox']): OutboxEntry {
  const entry: OutboxEntry = {
    id: row.id,
    route: row.route,
    channel: row.channel,
    createdAt: toIso(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.next_attempt_at),
    notices: JSON.parse(row.notices),
  };
  if (row.last_error !== null) entry.lastError = row.last_error;
  if (row.dead_at !== null) entry.deadAt = toIso(row.dead_at);
  return entry;
}

/** Splits a long list so no statement exceeds the dialects' bound-parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A LIKE pattern matching `text` literally anywhere (escape character `\`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
