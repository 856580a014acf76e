import type { QueryStats } from './types.ts';

/** Counters of a client that has not been asked anything yet; a fresh object each call, for the owner to count in. */
export function emptyQueryStats(): QueryStats {
  return { requested: 0, cacheHits: 0, coalesced: 0, sent: 0, tcpFallbacks: 0, timeouts: 0, errors: 0 };
}
