import type { Change, Finding, Status } from '../model.ts';

/** An unconfirmed observation that differs from the confirmed baseline, counted until a threshold confirms it. */
export interface PendingChange {
  /** The observed status, or `absent` when the finding disappeared. */
  status: Status | 'absent';
  count: number;
  /** ISO 8601, first observation. */
  since: string;
  finding?: Finding;
}

/** An alert that was sent and is not yet resolved: drives reminders and recovery across restarts. */
export interface OpenAlert {
  kind: 'regression' | 'unreachable';
  /** ISO 8601. */
  since: string;
  lastNotifiedAt: string;
  change: Change;
}

/** What we know about one finding (one check + subject) of one domain. */
export interface TrackedFinding {
  /** The last confirmed finding; absent while a new finding is still being confirmed. */
  confirmed?: Finding;
  pending?: PendingChange;
  /** Consecutive `error` results. */
  errorCount: number;
  open?: OpenAlert;
  /** The expiresAt value an `expiring` change was already sent for. */
  expiringNotifiedFor?: string;
}

export interface DomainState {
  domain: string;
  /** Current status per standard (area prefix of the check id); the store keeps periods of these for compliance. */
  standards?: Record<string, Status>;
  /** Current published records by `kind|subject` → value; a change becomes a record version and a history event. */
  records?: Record<string, string>;
  /** Keyed by `check|subject`. */
  findings: Record<string, TrackedFinding>;
  /** How many reports were applied. 0 means the next report sets the baseline silently. */
  reports: number;
  lastCheckedAt?: string;
  /** ISO 8601: when the scheduler checks this domain next. */
  nextDueAt?: string;
  /** ISO 8601, set while a check runs: a restart re-runs it first. */
  inFlightSince?: string;
}

/** One row of the append-only history: a confirmed change and its evidence. */
export interface HistoryEntry {
  at: string;
  domain: string;
  kind: Change['kind'] | 'resolver-down' | 'resolver-up' | 'record-changed';
  check: string;
  subject: string;
  before?: { status: Status; summary: string; evidence: Finding['evidence'] };
  after?: { status: Status; summary: string; evidence: Finding['evidence'] };
  /** For `record-changed`: the published record before (absent when first published) and after. */
  recordBefore?: string;
  recordAfter?: string;
}

/** A message to one channel waiting to be delivered. Persisted before the first attempt. */
export interface OutboxEntry {
  /** Idempotency key: same notices to the same route and channel → same id. */
  id: string;
  route: string;
  channel: string;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  /** ISO 8601: dead-lettered (a permanent failure); such an entry is not retried until `outbox retry`. */
  deadAt?: string;
  notices: Notice[];
}

/** A silence or maintenance window: matching notices are recorded, not sent. */
export interface Silence {
  id: string;
  /** Any of these match; an empty matcher matches everything of its kind. */
  domains?: string[];
  tags?: string[];
  checks?: string[];
  /** ISO 8601. */
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  /** `config` silences are replaced at each (re)load; `cli`/`api` ones stay until they end or are removed. */
  source: 'config' | 'cli' | 'api';
}

/** Something a route may announce: a change, a reminder of an open one, or the resolver's own trouble. */
export interface Notice {
  /** Stable id, part of the outbox idempotency key. */
  key: string;
  type: Change['kind'] | 'reminder' | 'resolver-down' | 'resolver-up';
  change?: Change;
  /** Tags of the domain, for routing. */
  tags: string[];
  /** For resolver notices: what failed. */
  detail?: string;
  /** For resolver notices of a cluster worker: whose resolver (each worker asks its own). */
  worker?: string;
  at: string;
}

export interface GlobalState {
  resolverDown?: { since: string; detail: string };
  lastDigestAt?: string;
}
