import { type Status, worstStatus } from '../model.ts';
import type { StandardObservation } from './store.ts';
import type { DomainState } from './types.ts';

/** The standard of a check is its area: `spf.lookups` → `spf`. */
export const standardOf = (check: string): string => check.split('.', 1)[0]!;

/** Worst confirmed status per standard; the basis of time-in-compliance. */
export function standardStatuses(state: DomainState): Record<string, Status> {
  const byStandard = new Map<string, Status[]>();
  for (const tracked of Object.values(state.findings)) {
    if (!tracked.confirmed) continue;
    const standard = standardOf(tracked.confirmed.check);
    const list = byStandard.get(standard) ?? [];
    list.push(tracked.confirmed.status);
    byStandard.set(standard, list);
  }
  return Object.fromEntries([...byStandard].map(([standard, statuses]) => [standard, worstStatus(statuses)]));
}

/** Standards whose status differs from before (a standard that vanished is not closed: its last status stands). */
export function standardChanges(
  domain: string,
  before: Record<string, Status> | undefined,
  now: Record<string, Status>,
  at: string,
): StandardObservation[] {
  return Object.entries(now)
    .filter(([standard, status]) => before?.[standard] !== status)
    .map(([standard, status]) => ({ domain, standard, status, at }));
}
