import { normaliseDomain } from '../check/check-domain.ts';
import { isStatus } from '../model.ts';
import type { DomainListQuery, DomainListRow, StateStore } from '../state/store.ts';
import type { DomainState, TrackedFinding } from '../state/types.ts';

/** A JSON answer: status code and body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

const MAX_LIMIT = 1000;
const SORTS = ['domain', 'status', 'lastChecked', 'openAlerts'] as const;

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

/** The overview's filters from query parameters (shared by the API and the dashboard); a string is the problem. */
export function listQueryFrom(params: URLSearchParams, defaultLimit: number): DomainListQuery | string {
  const limit = parseLimit(params.get('limit'), defaultLimit);
  const offset = Number(params.get('offset') ?? 0);
  if (limit === undefined) return `limit must be a whole number from 1 to ${MAX_LIMIT}`;
  if (!Number.isInteger(offset) || offset < 0) return 'offset must be a whole number ≥ 0';
  const query: DomainListQuery = { offset, limit };
  const search = params.get('q')?.trim();
  if (search) query.search = search.toLowerCase();
  const tag = params.get('tag')?.trim();
  if (tag) query.tag = tag;
  const status = params.get('status');
  if (status) {
    if (!isStatus(status)) return 'status must be one of ok, info, warn, fail, error';
    query.status = status;
  }
  const standard = params.get('standard')?.trim();
  if (standard) query.standard = standard;
  const sort = params.get('sort');
  if (sort) {
    if (!(SORTS as readonly string[]).includes(sort)) return `sort must be one of ${SORTS.join(', ')}`;
    query.sort = sort as DomainListQuery['sort'] & string;
  }
  if (params.get('order') === 'desc') query.descending = true;
  return query;
}

/** The stored state of one domain, or why not: 400 for a bad name, 404 for a domain that is not configured. */
export async function findDomain(
  store: StateStore,
  encoded: string,
): Promise<{ name: string; state?: DomainState; row?: DomainListRow } | ApiResponse> {
  let name: string;
  try {
    name = normaliseDomain(decodeURIComponent(encoded));
  } catch {
    return badRequest('the domain name is not valid');
  }
  const states = await store.loadDomains([name]);
  const page = await store.listDomains({ offset: 0, limit: 50, search: name });
  const row = page.rows.find((candidate) => candidate.domain === name);
  if (!row) return notFound(`${name} is not a configured domain`);
  const state = states.get(name);
  return { name, row, ...(state ? { state } : {}) };
}

const isResponse = (value: object): value is ApiResponse => 'status' in value && 'body' in value;

/**
 * The JSON API, read-only:
 *   GET /api/domains[?limit&offset&q&tag&status&standard&sort&order]   one page of the overview
 *   GET /api/domains/<name>               the last confirmed findings, pending changes and open alerts
 *   GET /api/history/<name>[?since=ISO&limit=N]  the recorded changes, oldest first
 */
export async function handleApi(store: StateStore, url: URL): Promise<ApiResponse> {
  const parts = url.pathname.split('/').filter((part) => part !== '');
  if (parts.length === 2 && parts[1] === 'domains') {
    const query = listQueryFrom(url.searchParams, 100);
    if (typeof query === 'string') return badRequest(query);
    const page = await store.listDomains(query);
    return { status: 200, body: { total: page.total, offset: query.offset, domains: page.rows } };
  }
  if (parts.length === 3 && (parts[1] === 'domains' || parts[1] === 'history')) {
    const found = await findDomain(store, parts[2]!);
    if (isResponse(found)) return found;
    if (parts[1] === 'domains') {
      return {
        status: 200,
        body: { ...found.row, findings: Object.values(found.state?.findings ?? {}).map(findingView) },
      };
    }
    const limit = parseLimit(url.searchParams.get('limit'), 1000);
    if (limit === undefined) return badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    const since = url.searchParams.get('since') ?? undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since))) return badRequest('since must be an ISO 8601 date');
    const entries = await store.readHistory({
      domain: found.name,
      ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
      limit,
    });
    return { status: 200, body: { domain: found.name, entries } };
  }
  return notFound('no such API path; try /api/domains, /api/domains/<name>, /api/history/<name>');
}
