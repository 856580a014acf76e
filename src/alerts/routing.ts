import type { RouteConfig } from '../config/schema.ts';
import { type Status, worstStatus } from '../model.ts';
import type { Notice } from '../state/types.ts';
import { applySilences, type Silence } from './silences.ts';

const RANK: Record<Status, number> = { ok: 0, info: 1, warn: 2, fail: 3, error: 2 };

/** The status a notice is "about", compared with a route's minStatus. */
export function noticeSeverity(notice: Notice): Status {
  const change = notice.change;
  switch (notice.type) {
    case 'expiring':
    case 'unreachable':
      return 'warn';
    case 'recovery':
    case 'gone':
      return worstStatus([change?.before?.status ?? 'ok']);
    default:
      return change?.after?.status ?? 'fail';
  }
}

/** `dane` matches every dane.* check; `*.example.nl` matches subdomains; exact otherwise. */
function matchesCheck(pattern: string, check: string): boolean {
  return pattern === check || check.startsWith(`${pattern.replace(/\.\*$/, '')}.`);
}

function matchesDomain(pattern: string, domain: string): boolean {
  if (pattern.startsWith('*.')) return domain.endsWith(pattern.slice(1));
  return pattern === domain;
}

/** An alert opened at the first check is a regression for routes that list `regression` (or `baseline`). */
function kindListed(kinds: readonly string[], kind: string): boolean {
  return kinds.includes(kind) || (kind === 'baseline' && kinds.includes('regression'));
}

/** Resolver notices are about the service itself: every route gets them, whatever its filters. */
export function routeMatches(route: RouteConfig, notice: Notice): boolean {
  if (notice.type === 'resolver-down' || notice.type === 'resolver-up') return true;
  if (notice.type === 'baseline' && !route.baseline) return false;
  const change = notice.change;
  if (!change) return false;
  const match = route.match;
  const kind = notice.type === 'reminder' ? change.kind : notice.type;
  // `changed` (record changes, chatty) only reaches routes that list it; an empty list means every other kind.
  if (kind === 'changed' ? !match.kinds.includes('changed') : match.kinds.length > 0 && !kindListed(match.kinds, kind))
    return false;
  if (match.checks.length > 0 && !match.checks.some((pattern) => matchesCheck(pattern, change.check))) return false;
  if (match.domains.length > 0 && !match.domains.some((pattern) => matchesDomain(pattern, change.domain))) return false;
  if (match.tags.length > 0 && !match.tags.some((tag) => notice.tags.includes(tag))) return false;
  return RANK[noticeSeverity(notice)] >= RANK[match.minStatus];
}

/** Notices per route, in route order; routes with nothing to say are left out. */
export function routeNotices(routes: readonly RouteConfig[], notices: readonly Notice[]): Map<RouteConfig, Notice[]> {
  const routed = new Map<RouteConfig, Notice[]>();
  for (const route of routes) {
    const matched = notices.filter((notice) => routeMatches(route, notice));
    if (matched.length > 0) routed.set(route, matched);
  }
  return routed;
}

/**
 * The daemon's hook for one batch's notices: silenced ones are set aside (to be recorded, not sent), the rest are
 * routed. Call it with the silences in force (`store.listSilences(now)` plus the configuration's).
 */
export function routeUnsilenced(
  routes: readonly RouteConfig[],
  notices: readonly Notice[],
  silences: readonly Silence[],
  now: Date,
): { routed: Map<RouteConfig, Notice[]>; silenced: { notice: Notice; silence: Silence }[] } {
  const { send, silenced } = applySilences(notices, silences, now);
  return { routed: routeNotices(routes, send), silenced };
}
