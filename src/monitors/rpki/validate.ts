import type { Route } from './origins.ts';
import { parsePrefix } from './prefix.ts';
import type { VrpTable } from './vrps.ts';

/** RFC 6811 route origin validation states. */
export type OriginState = 'valid' | 'invalid' | 'not-found';

export interface RouteVerdict {
  prefix: string;
  asn: number;
  state: OriginState;
  /** The covering VRPs, as `prefix-maxLength AS`. */
  vrps: string[];
}

/**
 * RFC 6811 §2: no VRP covers the route → not-found; a covering VRP with the route's origin AS (never AS 0) and a
 * maxLength at least the route's length → valid; covered otherwise → invalid.
 */
export function validateRoute(table: VrpTable, route: Route): RouteVerdict {
  const prefix = parsePrefix(route.prefix);
  if (!prefix) return { ...route, state: 'not-found', vrps: [] };
  const covering = table.covering(prefix);
  const vrps = covering.map((v) => `${v.prefixText}-${v.maxLength} AS${v.asn}`);
  if (covering.length === 0) return { ...route, state: 'not-found', vrps };
  const matched = covering.some((v) => v.asn !== 0 && v.asn === route.asn && prefix.length <= v.maxLength);
  return { ...route, state: matched ? 'valid' : 'invalid', vrps };
}

const RANK: Record<OriginState, number> = { valid: 0, 'not-found': 1, invalid: 2 };

/** An address announced in several routes (MOAS, overlapping prefixes) is as good as its worst route. */
export function worstState(verdicts: RouteVerdict[]): OriginState {
  return verdicts.reduce<OriginState>((worst, v) => (RANK[v.state] > RANK[worst] ? v.state : worst), 'valid');
}
