import type { Notice } from '../state/types.ts';

/**
 * Alertmanager's grouping words, per route: a wave of notices across the check slots of many domains becomes one
 * message. The first notice of a quiet route waits `groupWait` for the rest of its wave; after a message, the next
 * one waits at least `groupInterval`. Pure: the outbox persists the held notices and asks again later.
 */
export interface GroupTiming {
  /** ms a new group waits for more notices before its first message. */
  groupWait: number;
  /** ms between two messages of the same route. */
  groupInterval: number;
}

export interface HeldNotice {
  notice: Notice;
  /** When the notice was produced (ms since the epoch). */
  heldSince: number;
}

export interface GroupPlan {
  /** Send these now, as one message. */
  send: Notice[];
  /** Keep holding these. */
  hold: HeldNotice[];
  /** When to ask again (ms since the epoch), if anything is held. */
  nextAt?: number;
}

/** Notices about mailwarden itself wait for nothing: per-domain alerts are held while the resolver fails. */
const URGENT: ReadonlySet<Notice['type']> = new Set(['resolver-down']);

/**
 * Which of a route's pending notices to send now. `lastSentAt` is when the route's last message went out (undefined:
 * never, or forgotten). The group is due at the later of "first pending + groupWait" and "last sent +
 * groupInterval"; then everything pending goes in one message.
 */
export function planGroup(
  pending: readonly HeldNotice[],
  timing: GroupTiming,
  lastSentAt: number | undefined,
  now: number,
): GroupPlan {
  if (pending.length === 0) return { send: [], hold: [] };
  const first = Math.min(...pending.map((held) => held.heldSince));
  let dueAt = first + timing.groupWait;
  if (lastSentAt !== undefined) dueAt = Math.max(dueAt, lastSentAt + timing.groupInterval);
  if (pending.some((held) => URGENT.has(held.notice.type))) dueAt = Math.min(dueAt, now);
  if (now >= dueAt) {
    const send = [...pending].sort((a, b) => a.heldSince - b.heldSince).map((held) => held.notice);
    return { send, hold: [] };
  }
  return { send: [], hold: [...pending], nextAt: dueAt };
}
