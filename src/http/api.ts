import { normaliseDomain } from '../check/check-domain.ts';
import type { DomainConfig } from '../config/load.ts';
import { type Status, worstStatus } from '../model.ts';
import type { StateStore } from '../state/store.ts';
import type { DomainState, TrackedFinding } from '../state/types.ts';

/** A JSON answer: status code and body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiSource {
  domains(): readonly DomainConfig[];
  store: StateStore;
}

const MAX_LIMIT = 10_000;

function confirmedStatuses(state: DomainState | undefined): Status[] {
  if (!state) return [];
  return Object.values(state.findings).flatMap((tracked) => (tracked.confirmed ? [tracked.confirmed.status] : []));
}

function domainSummary(domain: DomainConfig, state: DomainState | undefined) {
  const statuses = confirmedStatuses(state);
  const tracked = Object.values(state?.findings ?? {});
  return {
    domain: domain.name,
    tags: domain.tags,
    /** Worst confirmed status; null before the first check. */
    status: statuses.length > 0 ? worstStatus(statuses) : null,
    lastCheckedAt: state?.lastCheckedAt ?? null,
    nextDueAt: state?.nextDueAt ?? null,
    openAlerts: tracked.filter((t) => t.open).length,
    pendingChanges: tracked.filter((t) => t.pending).length,
  };
}

function findingView(tracked: TrackedFinding) {
  return {
    ...(tracked.confirmed ?? {}),
    ...(tracked.pending
      ? { pending: { status: tracked.pending.status, count: tracked.pending.count, since: tracked.pending.since } }
      : {}),
    ...(tracked.open ? { openAlert: { kind: tracked.open.kind, since: tracked.open.since } } : {}),
    ...(tracked.errorCount > 0 ? { consecutiveErrors: tracked.errorCount } : {}),
  };
}

function parseLimit(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_LIMIT) : undefined;
}

const badRequest = (message: string): ApiResponse => ({ status: 400, body: { error: message } });
const notFound = (message: string): ApiResponse => ({ status: 404, body: { error: message } });

/**
 * The JSON API, read-only:
 *   GET /api/domains[?limit=N&offset=N]   configured domains with their worst confirmed status
 *   GET /api/domains/<name>               the last confirmed findings, pending changes and open alerts
 *   GET /api/history/<name>[?since=ISO&limit=N]  the recorded changes, oldest first
 */
export async function handleApi(source: ApiSource, url: URL): Promise<ApiResponse> {
  const parts = url.pathname.split('/').filter((part) => part !== '');
  const domains = source.domains();
  if (parts.length === 2 && parts[1] === 'domains') {
    const limit = parseLimit(url.searchParams.get('limit'), 1000);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (limit === undefined) return badRequest('limit must be a positive whole number');
    if (!Number.isInteger(offset) || offset < 0) return badRequest('offset must be a whole number ≥ 0');
    return {
      status: 200,
      body: {
        total: domains.length,
        offset,
        domains: domains.slice(offset, offset + limit).map((d) => domainSummary(d, source.store.domain(d.name))),
      },
    };
  }
  if (parts.length === 3 && (parts[1] === 'domains' || parts[1] === 'history')) {
    let name: string;
    try {
      name = normaliseDomain(decodeURIComponent(parts[2]!));
    } catch {
      return badRequest('the domain name is not valid URL encoding');
    }
    const domain = domains.find((d) => d.name === name);
    if (!domain) return notFound(`${name} is not a configured domain`);
    if (parts[1] === 'domains') {
      const state = source.store.domain(name);
      return {
        status: 200,
        body: {
          ...domainSummary(domain, state),
          findings: Object.values(state?.findings ?? {}).map(findingView),
        },
      };
    }
    const limit = parseLimit(url.searchParams.get('limit'), 1000);
    if (limit === undefined) return badRequest('limit must be a positive whole number');
    const since = url.searchParams.get('since') ?? undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since))) return badRequest('since must be an ISO 8601 date');
    const entries = await source.store.readHistory({
      domain: name,
      ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
      limit,
    });
    return { status: 200, body: { domain: name, entries } };
  }
  return notFound('no such API path; try /api/domains, /api/domains/<name>, /api/history/<name>');
}
