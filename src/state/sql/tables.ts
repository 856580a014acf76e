import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Times are epoch milliseconds (BIGINT), JSON is text; the same columns on SQLite and
 * PostgreSQL. An open period or the newest record version has `until`/`superseded_at` = OPEN_END, so "overlaps the
 * window" is one range condition on an index instead of an `IS NULL OR` that neither planner indexes well.
 */
export const OPEN_END = 8_640_000_000_000_000;

export interface Tables {
  domains: DomainsTable;
  /** The DomainState as JSON (without inFlightSince, which is a column of domains); absent before the first check. */
  domain_states: { name: string; state: string };
  domain_tags: { domain: string; tag: string };
  standard_status: { domain: string; standard: string; status: string; since: number };
  standard_periods: {
    id: Generated<number>;
    domain: string;
    standard: string;
    status: string;
    since: number;
    until: number;
  };
  history: {
    id: Generated<number>;
    domain: string;
    at: number;
    kind: string;
    check_id: string;
    subject: string;
    entry: string;
  };
  record_versions: {
    id: Generated<number>;
    domain: string;
    kind: string;
    subject: string;
    value: string;
    first_seen: number;
    last_seen: number;
    superseded_at: number;
  };
  outbox: {
    id: string;
    route: string;
    channel: string;
    created_at: number;
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    dead_at: number | null;
    notices: string;
  };
  delivered: { id: string; delivered_at: number };
  open_alerts: { domain: string; check_id: string; subject: string; since: number; alert: string };
  silences: { id: string; starts_at: number; ends_at: number; silence: string };
  global_state: { name: string; value: string };
}

export interface DomainsTable {
  name: string;
  tags: Generated<string>;
  /** Epoch ms when the domain left the configuration; null while configured. */
  retired_at: Generated<number | null>;
  next_due_at: Generated<number | null>;
  in_flight_since: Generated<number | null>;
  last_checked_at: Generated<number | null>;
  /** Worst confirmed status; null before the first check. */
  worst_status: Generated<string | null>;
  /** Sort key of worst_status (see statusRank); -1 before the first check. */
  status_rank: Generated<number>;
  open_alerts: Generated<number>;
}
