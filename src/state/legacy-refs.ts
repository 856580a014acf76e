import type { Change, Evidence, Finding } from '../model.ts';
import type { DomainState, TrackedFinding } from './types.ts';

const REF = '$ref';
const ID_PATTERN = /^[0-9a-f]{20}$/;

/** `{"$ref": id}`, as the old state files referenced a finding or evidence value kept once in their `shared` section. */
function refId(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const keys = Object.keys(item);
  if (keys.length !== 1 || keys[0] !== REF) return undefined;
  const id = (item as Record<string, unknown>)[REF];
  return typeof id === 'string' && ID_PATTERN.test(id) ? id : undefined;
}

/**
 * A domain of an old state file (format 2) with its references resolved against `shared` (the snapshot's and the
 * journal's shared entries); format 1 findings are inline and pass through. Throws on a reference `shared` lacks.
 */
export function resolveLegacyRefs(raw: DomainState, shared: Record<string, unknown>): DomainState {
  const stored = (id: string): unknown => {
    if (!Object.hasOwn(shared, id)) throw new Error(`reference to a missing shared entry ${id}`);
    return shared[id];
  };
  const finding = (item: unknown): Finding => {
    const id = refId(item);
    const plain = (id === undefined ? item : stored(id)) as Finding;
    const evidence: Evidence = {};
    for (const [key, part] of Object.entries(plain.evidence ?? {})) {
      const partId = refId(part);
      evidence[key] = partId === undefined ? part : stored(partId);
    }
    return { ...plain, evidence };
  };
  const findings: Record<string, TrackedFinding> = {};
  for (const [key, tracked] of Object.entries(raw.findings ?? {})) {
    const copy: TrackedFinding = { ...tracked };
    if (tracked.confirmed) copy.confirmed = finding(tracked.confirmed);
    if (tracked.pending?.finding) copy.pending = { ...tracked.pending, finding: finding(tracked.pending.finding) };
    if (tracked.open) {
      const change: Change = { ...tracked.open.change };
      if (change.before) change.before = finding(change.before);
      if (change.after) change.after = finding(change.after);
      copy.open = { ...tracked.open, change };
    }
    findings[key] = copy;
  }
  return { ...raw, findings };
}
