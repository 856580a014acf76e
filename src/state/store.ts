import type { Status } from '../model.ts';
import type { DomainState, GlobalState, HistoryEntry, OpenAlert, OutboxEntry, Silence } from './types.ts';

/**
 * Where the daemon keeps what it knows: one interface, one folder per implementation (`sqlite/`, `postgres/`), one
 * contract test suite run against each (test/state/store-contract.ts). Everything is asynchronous and nothing is
 * held in memory beyond what a call returns: the daemon loads the domains of one batch, judges them and writes the
 * batch back in ONE transaction (domain states, history, standard periods, record versions and outbox rows), so a
 * crash leaves either the whole batch or none of it.
 *
 * Times cross this interface as ISO 8601 strings (as in the rest of the model); implementations may store them as
 * numbers. Standards are the area prefix of a check id (`spf`, `dmarc`, `dkim`, `dnssec`, `starttls`, `dane`,
 * `mtasts`, `tlsrpt`, `mx`, …).
 */
export interface StateStore {
  /** `sqlite` or `postgres`. */
  readonly kind: StoreKind;
  /** Where it is, for messages: a file path, or a URL without its password. */
  readonly location: string;

  /**
   * Connects, takes the store's lock (SQLite: a second daemon on the same file is refused with StateLockedError),
   * applies pending migrations. Throws StateUnavailableError / StateDamagedError / StateLockedError with a message
   * that names the database; never starts empty on a damaged or unreachable database.
   */
  open(): Promise<void>;
  close(): Promise<void>;

  // ── schedule and domain state ────────────────────────────────────────────────────────────────────────────────
  /**
   * Brings the store's domain list in line with the configuration: inserts new domains (no state yet), updates tags,
   * and marks domains that left the configuration as retired (their history stays queryable). Idempotent.
   */
  syncDomains(domains: readonly ConfiguredDomain[], at: string): Promise<void>;
  /** Due times of every configured domain, streamed (a few bytes each): the daemon builds its due-queue from it. */
  schedule(): AsyncIterable<ScheduleEntry>;
  /** The states of these domains (missing names are absent from the map: never checked). */
  loadDomains(names: readonly string[]): Promise<Map<string, DomainState>>;
  /** Marks a batch as running (a restart re-runs it first). One small write. */
  markInFlight(names: readonly string[], at: string): Promise<void>;
  /** Writes one batch's results atomically: see BatchWrite. */
  commitBatch(batch: BatchWrite): Promise<BatchCommitResult>;
  global(): Promise<GlobalState>;

  // ── outbox (alerts waiting for a channel) ────────────────────────────────────────────────────────────────────
  /** Entries whose nextAttemptAt ≤ now, oldest first. */
  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]>;
  /**
   * Entries never attempted whose nextAttemptAt is after now (waiting out a route's groupWait), oldest first; of one
   * route and channel when given.
   */
  waitingOutbox(now: string, limit: number, of?: { route: string; channel: string }): Promise<OutboxEntry[]>;
  /** Pending entries (the default), or dead-lettered ones with `{ dead: true }` (`mailwarden outbox list`, the API), oldest first. */
  listOutbox(filter?: { dead?: boolean }): Promise<OutboxEntry[]>;
  /** Records a failed attempt (attempts, nextAttemptAt, lastError). */
  saveAttempt(entry: OutboxEntry): Promise<void>;
  /** Delivered: removes the entry and remembers its id (a duplicate enqueue is then dropped), in one transaction. */
  completeOutbox(id: string, at: string): Promise<void>;
  /** A permanent failure (a 4xx other than 408/429): kept with the receiver's reason, never retried by itself. */
  deadLetter(id: string, reason: string, at: string): Promise<void>;
  /** A dead-lettered or waiting entry is tried again now (`mailwarden outbox retry`). False when there is no such id. */
  retryOutbox(id: string, at: string): Promise<boolean>;
  /** Removes an entry without sending it (`mailwarden outbox drop`). False when there is no such id. */
  dropOutbox(id: string): Promise<boolean>;
  outboxStats(): Promise<OutboxStats>;

  // ── open alerts and silences ─────────────────────────────────────────────────────────────────────────────────
  /**
   * Every open alert across all configured domains (derived by the store from the `open` entries of the domain states
   * it was given; a retired domain's are left out, as in stats()), for Alertmanager re-sends and the dashboard.
   * Streamed: a hoster may have many.
   */
  openAlerts(): AsyncIterable<OpenAlertRow>;
  /**
   * Silences and maintenance windows not yet ended at `now` (in force, or scheduled to start later; all when `now` is
   * absent), by start time. Whether one applies to a notice at a given time is the caller's check (startsAt ≤ t < endsAt).
   */
  listSilences(now?: string): Promise<Silence[]>;
  putSilence(silence: Silence): Promise<void>;
  /** False when there is no such id. */
  removeSilence(id: string): Promise<boolean>;

  // ── history, compliance and record versions (queries for the API, reports and dashboard) ──────────────────────
  /** Confirmed changes and resolver events, oldest first. With a `limit`, the newest `limit` entries of the range. */
  readHistory(query: HistoryQuery): Promise<HistoryEntry[]>;
  /**
   * Time in compliance per domain and standard over [from, to): one indexed query. Only (domain, standard) pairs with a
   * period overlapping the window are returned, sorted by domain and standard.
   */
  compliance(query: ComplianceQuery): Promise<ComplianceRow[]>;
  /** The published records of a domain as versions with first/last seen, newest first. */
  recordVersions(query: RecordVersionQuery): Promise<RecordVersion[]>;
  /** One page of the domain overview (server-side filter, sort and paging). */
  listDomains(query: DomainListQuery): Promise<DomainListPage>;
  /** Counts for /metrics: domains by worst status, overdue domains, and so on. */
  stats(now: string): Promise<StoreStats>;
  /** Drops history, periods and record versions older than the retention; returns how many rows were removed. */
  compactHistory(olderThan: string): Promise<number>;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface ConfiguredDomain {
  name: string;
  tags: readonly string[];
}

export interface ScheduleEntry {
  domain: string;
  /** ISO 8601; absent before the first check. */
  nextDueAt?: string;
  /** A batch was running for it when the daemon stopped: due now. */
  inFlight: boolean;
}

/** One batch's results. Everything is written in one transaction. */
export interface BatchWrite {
  /** New states of the batch's domains (replacing the stored ones; inFlightSince is cleared). */
  domains: readonly DomainState[];
  /** Confirmed changes and resolver events. */
  history: readonly HistoryEntry[];
  /** A standard's status changed for a domain: closes its open period and opens one with this status. */
  standards: readonly StandardObservation[];
  /** Published records seen now; a value that differs from the newest version starts a new version. */
  records: readonly RecordObservation[];
  /** New outbox entries. An id that is already pending or was delivered is skipped, not sent twice. */
  outbox: readonly OutboxEntry[];
  /** Replaces the global state when present. */
  global?: GlobalState;
}

export interface BatchCommitResult {
  /** Ids of the outbox entries actually added (not duplicates). */
  outboxAdded: string[];
}

export interface StandardObservation {
  domain: string;
  standard: string;
  /** Worst confirmed status of the standard's findings; `error` when it could not be determined. */
  status: Status;
  at: string;
}

/** A published record a verdict rests on: SPF, DMARC, DKIM key, MX set, TLSA set, MTA-STS policy, TLS-RPT. */
export interface RecordObservation {
  domain: string;
  /** `spf`, `dmarc`, `dkim`, `mx`, `tlsa`, `mtasts`, `tlsrpt`. */
  kind: string;
  /** What the record belongs to: the domain, `selector._domainkey.domain`, `_25._tcp.mx-host`. */
  subject: string;
  /** The record as published (canonical text; sets sorted). */
  value: string;
  at: string;
}

export interface RecordVersion {
  domain: string;
  kind: string;
  subject: string;
  value: string;
  firstSeen: string;
  /** The last time this value was seen (for the newest version: the domain's last check). */
  lastSeen: string;
}

export interface RecordVersionQuery {
  domain: string;
  kind?: string;
  limit?: number;
}

export interface HistoryQuery {
  domain?: string;
  /** ISO 8601 lower bound (inclusive). */
  since?: string;
  /** ISO 8601 upper bound (exclusive). */
  until?: string;
  limit?: number;
}

export interface ComplianceQuery {
  from: string;
  to: string;
  /** Only these domains; all when absent. */
  domains?: readonly string[];
  /** Only domains with this tag. */
  tag?: string;
  /** Only these standards. */
  standards?: readonly string[];
}

/**
 * Time in compliance: `compliantMs` (status ok or info) and `knownMs` (any status but error) within the period; open
 * periods count up to min(to, now). Compliance = compliantMs / knownMs.
 */
export interface ComplianceRow {
  domain: string;
  standard: string;
  compliantMs: number;
  knownMs: number;
  /** Periods whose status was warn or fail, for the report's "changes" column. */
  nonCompliantPeriods: number;
}

export interface DomainListQuery {
  offset: number;
  limit: number;
  /** Substring of the domain name. */
  search?: string;
  tag?: string;
  /** Worst confirmed status of the domain. */
  status?: Status;
  /** Only domains whose given standard has this status (`status` then applies to it). */
  standard?: string;
  sort?: 'domain' | 'status' | 'lastChecked' | 'openAlerts';
  descending?: boolean;
}

export interface DomainListRow {
  domain: string;
  tags: string[];
  /** Worst confirmed status; null before the first check. */
  status: Status | null;
  /** Current status per standard. */
  standards: Record<string, Status>;
  openAlerts: number;
  lastCheckedAt: string | null;
  nextDueAt: string | null;
}

export interface DomainListPage {
  total: number;
  rows: DomainListRow[];
}

export interface OpenAlertRow {
  domain: string;
  check: string;
  subject: string;
  alert: OpenAlert;
}

export interface OutboxStats {
  pending: number;
  /** Dead-lettered entries (permanent failures). */
  dead: number;
  /** ISO 8601 creation time of the oldest pending entry. */
  oldestCreatedAt?: string;
  nextAttemptAt?: string;
}

export interface StoreStats {
  domains: number;
  /** Domains by worst confirmed status (never-checked domains under `unchecked`). */
  byStatus: Record<Status | 'unchecked', number>;
  /** Domains whose nextDueAt is in the past. */
  overdue: number;
  /** Open alerts across all domains. */
  openAlerts: number;
}

/** Base of the store's errors: each message names the database (path or URL without password). */
export class StateStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The database exists but cannot be used (corrupt, unknown schema version, a newer mailwarden's schema). */
export class StateDamagedError extends StateStoreError {}
/** Another daemon holds the SQLite file. */
export class StateLockedError extends StateStoreError {}
/** The database cannot be reached or written (server down, disk full, permission denied). */
export class StateUnavailableError extends StateStoreError {}
/** Only an old state directory (state.json, state.journal, history.jsonl) was found: run `mailwarden state import`. */
export class StateNeedsImportError extends StateStoreError {}
