/**
 * Where the daemon's due domains come from. One process alone keeps them in its in-memory due-queue; a cluster of
 * workers on one PostgreSQL claims them from the job engine (ClusterWorkSource), so each due domain is checked by
 * exactly one worker, and a worker that dies gives its claimed domains back to the others.
 *
 * The daemon's loop: `claim` → check, judge, remember (one store transaction) → `committed` with each domain's next
 * due time. A batch whose store write failed is `abandoned` and comes back after a short delay.
 */
export interface WorkSource {
  /** Up to `limit` domains due now, claimed for this process; undefined when none is due. */
  claim(limit: number): Promise<ClaimedBatch | undefined>;
  /** The batch's results are in the store: the claim ends, and each domain is due again at its next time. */
  committed(batch: ClaimedBatch, nextDue: ReadonlyMap<string, number>): Promise<void>;
  /** The batch could not be committed: its domains are claimable again after a delay (by any worker). */
  abandon(batch: ClaimedBatch, reason: string): Promise<void>;
  /**
   * Makes sure every configured domain is scheduled: a domain without a pending or running check gets one at the
   * given time; one that has one keeps it. Idempotent, so every worker may call it after a (re)load.
   */
  ensureScheduled(entries: readonly ScheduledDomain[]): Promise<number>;
  /**
   * Domains to check now rather than at their next time (they depend on a shared thing that just looked worse): a
   * pending check due later is moved to now; a running one is left alone.
   */
  dueNow(domains: readonly string[]): Promise<void>;
  /** Domains that left the configuration: their pending checks are dropped. */
  unschedule(domains: readonly string[]): Promise<void>;
}

export interface ScheduledDomain {
  domain: string;
  /** Epoch ms. */
  dueAt: number;
}

export interface ClaimedBatch {
  readonly domains: readonly string[];
  /** When each domain was due (epoch ms): claimedAt - dueAt is the schedule lag. */
  readonly dueAt: ReadonlyMap<string, number>;
  readonly claimedAt: number;
}
