/**
 * The core model: the contract between layers (see shared design.md).
 * Every layer may import this file; it imports nothing.
 */

/** `ok` < `info` < `warn` < `fail`; `error` means "could not determine" and is never a regression by itself. */
export const STATUSES = ['ok', 'info', 'warn', 'fail', 'error'] as const;
export type Status = (typeof STATUSES)[number];

/** Rank of the verdict statuses; `error` is deliberately outside this order. */
const VERDICT_RANK: Record<Exclude<Status, 'error'>, number> = { ok: 0, info: 1, warn: 2, fail: 3 };

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** True when `after` is a worse verdict than `before`. Neither side may be `error`: that is never a regression. */
export function isWorse(before: Status, after: Status): boolean {
  if (before === 'error' || after === 'error') return false;
  return VERDICT_RANK[after] > VERDICT_RANK[before];
}

/** The worst verdict of a list; `error` counts only when there is no verdict at all. */
export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Exclude<Status, 'error'> | undefined;
  let sawError = false;
  for (const status of statuses) {
    if (status === 'error') {
      sawError = true;
      continue;
    }
    if (worst === undefined || VERDICT_RANK[status] > VERDICT_RANK[worst]) worst = status;
  }
  return worst ?? (sawError ? 'error' : 'ok');
}

/** JSON-safe evidence: the records, counts and certificate facts that justify a verdict. */
export type Evidence = Record<string, unknown>;

/** Plain JSON values from which a finding's texts are rendered in any language (see src/i18n/). */
export type FindingParams = Record<string, unknown>;

export interface Finding {
  /** Stable id `<area>.<aspect>`, e.g. `mx.records`. Part of the user interface: never rename casually. */
  check: string;
  /** What the verdict is about: the domain, an MX host, `mx1.example.nl/192.0.2.10`, a DKIM selector. */
  subject: string;
  status: Status;
  /** Stable code per check (e.g. `policy-none` of `dmarc.policy`): with `params`, the source of every text. */
  reason?: string;
  /** The values the texts of `reason` are rendered from; plain JSON. */
  params?: FindingParams;
  /** One human line, in English (rendered from `reason` and `params` when the finding was made). */
  summary: string;
  evidence: Evidence;
  /** How to fix it, when the status is not ok; in English like `summary`. */
  fix?: string;
  /** ISO 8601: when an `ok` stops being ok with no change (certificate notAfter, earliest RRSIG expiration). */
  expiresAt?: string;
}

export interface DomainReport {
  domain: string;
  /** ISO 8601. */
  checkedAt: string;
  findings: Finding[];
}

/**
 * `changed`: a published record (SPF, DMARC, DKIM key, MX set, TLSA set, MTA-STS, TLS-RPT) changed; the status may
 * not have. `baseline`: a domain's first results already show a problem (it opens an alert like a regression).
 */
export type ChangeKind =
  | 'regression'
  | 'recovery'
  | 'new'
  | 'gone'
  | 'expiring'
  | 'unreachable'
  | 'changed'
  | 'baseline';

/**
 * The open alert a change opens, continues or closes: its identity and the status it opened with. Receivers that key
 * alerts by labels (Alertmanager) need the same labels from the first firing to the resolution.
 */
export interface AlertRef {
  kind: 'regression' | 'unreachable';
  /** ISO 8601: when the alert opened. */
  since: string;
  /** The status of the finding that opened it (`error` for unreachable). */
  status: Status;
}

export interface Change {
  kind: ChangeKind;
  domain: string;
  check: string;
  subject: string;
  before?: Finding;
  after?: Finding;
  /** ISO 8601, when the change was confirmed. */
  at: string;
  /** For `changed`: the record's value before (absent when it was first published) and now. */
  record?: { kind: string; before?: string; after: string };
  /** The alert this change opens, keeps open or resolves. */
  alert?: AlertRef;
  /** An open alert this change supersedes (warn → fail opens a new alert and resolves the warn one). */
  replaces?: AlertRef;
}

/** Nagios plugin exit code for a set of reports: 0 ok/info, 1 warn, 2 fail, 3 could not check. */
export function nagiosExitCode(reports: readonly DomainReport[]): 0 | 1 | 2 | 3 {
  const statuses = reports.flatMap((r) => r.findings.map((f) => f.status));
  if (statuses.includes('fail')) return 2;
  if (statuses.includes('warn')) return 1;
  if (statuses.includes('error') || reports.length === 0) return 3;
  return 0;
}
