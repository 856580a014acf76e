import { createHash } from 'node:crypto';

/** A domain's fixed place in the interval (0 ≤ phase < 1), from a hash: stable across restarts, evenly spread. */
export function phaseOf(domain: string): number {
  return createHash('sha256').update(domain).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The next regular check after one at `checkedAt`: the domain's own slot (phase × interval past a multiple of the
 * interval) at least half an interval later, plus a small random jitter. 10,000 domains end up spread evenly over
 * the interval instead of all at :00, and a restart keeps the same slots.
 */
export function nextSlot(
  domain: string,
  checkedAt: number,
  intervalMs: number,
  jitter: number,
  random: () => number,
): number {
  const offset = phaseOf(domain) * intervalMs;
  const earliest = checkedAt + intervalMs / 2;
  let slot = Math.floor((earliest - offset) / intervalMs) * intervalMs + offset;
  if (slot < earliest) slot += intervalMs;
  return Math.round(slot + (random() * 2 - 1) * jitter * intervalMs);
}
