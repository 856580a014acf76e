import { createHash } from 'node:crypto';
import type { Change, Evidence, Finding } from '../model.ts';
import { compactEvidenceValue } from './compact-evidence.ts';
import type { DomainState, TrackedFinding } from './types.ts';

/** Evidence values whose JSON is at least this long are kept once and referenced; shorter ones stay inline. */
const SHARE_MIN_JSON_LENGTH = 64;
const REF = '$ref';
const ID_PATTERN = /^[0-9a-f]{20}$/;

interface Entry {
  value: unknown;
  /** The stored JSON until the entry is on disk (then dropped: memory holds the value only). */
  json?: string;
  /** For a finding: evidence keys whose value is another entry. */
  refs?: Record<string, string>;
}

/**
 * Content-addressed store of the findings the state keeps, and of their larger evidence values. A hoster's 10,000
 * domains on two MX hosts have 10,000 identical copies of each host's certificate, STARTTLS and DNSSEC findings, and
 * the same DNSSEC chain above every domain: in memory they become one object each, and on disk one entry in `shared`
 * that domains reference as `{"$ref": id}` (id = the first 80 bits of the SHA-1 of the entry's JSON). Evidence is
 * compacted first (`compactEvidenceValue`). Entries remember whether they were written, so a journal record carries
 * only the new ones.
 */
export class SharedValues {
  readonly #entries = new Map<string, Entry>();
  readonly #idOf = new WeakMap<object, string>();

  get size(): number {
    return this.#entries.size;
  }

  /** The canonical stored copy of a finding: evidence compacted, large values and the finding itself shared. */
  finding(finding: Finding): Finding {
    const known = this.#idOf.get(finding);
    if (known !== undefined && this.#entries.has(known)) return finding;
    const evidence: Evidence = {};
    const stored: Evidence = {};
    const refs: Record<string, string> = {};
    for (const [key, raw] of Object.entries(finding.evidence ?? {})) {
      const value = compactEvidenceValue(raw);
      const json = JSON.stringify(value);
      if (json === undefined) continue;
      if (json.length >= SHARE_MIN_JSON_LENGTH) {
        const id = this.#add(value, json);
        evidence[key] = this.#entries.get(id)!.value;
        stored[key] = { [REF]: id };
        refs[key] = id;
      } else {
        evidence[key] = value;
        stored[key] = value;
      }
    }
    const id = this.#add({ ...finding, evidence }, JSON.stringify({ ...finding, evidence: stored }), refs);
    return this.#entries.get(id)!.value as Finding;
  }

  /** The domain with every kept finding replaced by its canonical copy (tracked entries already canonical stay). */
  domain(state: DomainState): DomainState {
    const findings: Record<string, TrackedFinding> = {};
    let changed = false;
    for (const [key, tracked] of Object.entries(state.findings)) {
      const canonical = this.#tracked(tracked);
      if (canonical !== tracked) changed = true;
      findings[key] = canonical;
    }
    return changed ? { ...state, findings } : state;
  }

  #tracked(tracked: TrackedFinding): TrackedFinding {
    const confirmed = tracked.confirmed && this.finding(tracked.confirmed);
    const pendingFinding = tracked.pending?.finding && this.finding(tracked.pending.finding);
    const change = tracked.open && this.#change(tracked.open.change);
    if (
      confirmed === tracked.confirmed &&
      pendingFinding === tracked.pending?.finding &&
      change === tracked.open?.change
    )
      return tracked;
    const copy: TrackedFinding = { ...tracked };
    if (confirmed) copy.confirmed = confirmed;
    if (tracked.pending && pendingFinding) copy.pending = { ...tracked.pending, finding: pendingFinding };
    if (tracked.open && change) copy.open = { ...tracked.open, change };
    return copy;
  }

  #change(change: Change): Change {
    const before = change.before && this.finding(change.before);
    const after = change.after && this.finding(change.after);
    if (before === change.before && after === change.after) return change;
    const copy: Change = { ...change };
    if (before) copy.before = before;
    if (after) copy.after = after;
    return copy;
  }

  /**
   * The JSON of a canonical domain (see `domain()`) with findings as references, and every entry it uses (directly
   * or through a finding's evidence).
   */
  serializeDomain(state: DomainState): { json: string; uses: string[] } {
    const uses: string[] = [];
    const ref = (finding: Finding) => {
      const id = this.#idOf.get(this.finding(finding))!;
      uses.push(id);
      const refs = this.#entries.get(id)!.refs;
      if (refs) for (const used of Object.values(refs)) uses.push(used);
      return { [REF]: id };
    };
    const findings: Record<string, unknown> = {};
    for (const [key, tracked] of Object.entries(state.findings)) {
      const out: Record<string, unknown> = { ...tracked };
      if (tracked.confirmed) out.confirmed = ref(tracked.confirmed);
      if (tracked.pending?.finding) out.pending = { ...tracked.pending, finding: ref(tracked.pending.finding) };
      if (tracked.open) {
        const change: Record<string, unknown> = { ...tracked.open.change };
        if (tracked.open.change.before) change.before = ref(tracked.open.change.before);
        if (tracked.open.change.after) change.after = ref(tracked.open.change.after);
        out.open = { ...tracked.open, change };
      }
      findings[key] = out;
    }
    return { json: JSON.stringify({ ...state, findings }), uses };
  }

  /** `"id":<JSON>` of each given entry not yet written, marking them written. */
  takeUnwritten(ids: Iterable<string>): string[] {
    const parts: string[] = [];
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry?.json === undefined) continue;
      parts.push(`"${id}":${entry.json}`);
      delete entry.json;
    }
    return parts;
  }

  /** `"id":<JSON>` of each given entry, written or not, marking them written (a snapshot). */
  *serializeEach(ids: Iterable<string>): Generator<string> {
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry === undefined) continue;
      yield `"${id}":${entry.json ?? this.#storedJson(entry)}`;
      delete entry.json;
    }
  }

  /** Forgets every entry not in `live` (nothing references it any more). */
  retainOnly(live: ReadonlySet<string>): void {
    for (const id of this.#entries.keys()) if (!live.has(id)) this.#entries.delete(id);
  }

  /**
   * A domain as read from disk: references resolved against `section` (every `shared` entry of the snapshot and the
   * journal) or inline findings (format 1), then made canonical. Entries read from disk count as written, and keep the
   * id the file gives them (the hash of their JSON when we wrote it), so opening costs no compaction or hashing of
   * what was already stored. Throws on a reference the section does not have.
   */
  load(raw: DomainState, section: Record<string, unknown>): DomainState {
    const stored = (id: string): unknown => {
      if (!Object.hasOwn(section, id)) throw new Error(`reference to a missing shared entry ${id}`);
      return section[id];
    };
    const value = (id: string): unknown => {
      const known = this.#entries.get(id);
      if (known) return known.value;
      const loaded = stored(id);
      this.#put(id, { value: loaded });
      return loaded;
    };
    const finding = (item: unknown): Finding => {
      const id = refId(item);
      if (id === undefined) return this.finding(item as Finding);
      const known = this.#entries.get(id);
      if (known) return known.value as Finding;
      const plain = stored(id) as Finding;
      const evidence: Evidence = {};
      const refs: Record<string, string> = {};
      for (const [key, part] of Object.entries(plain.evidence ?? {})) {
        const partId = refId(part);
        if (partId !== undefined) refs[key] = partId;
        evidence[key] = partId === undefined ? part : value(partId);
      }
      const canonical = { ...plain, evidence };
      this.#put(id, { value: canonical, refs });
      return canonical;
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

  #storedJson(entry: Entry): string {
    if (!entry.refs) return JSON.stringify(entry.value);
    const finding = entry.value as Finding;
    const evidence: Evidence = { ...finding.evidence };
    for (const [key, id] of Object.entries(entry.refs)) evidence[key] = { [REF]: id };
    return JSON.stringify({ ...finding, evidence });
  }

  #add(value: unknown, json: string, refs?: Record<string, string>): string {
    const id = createHash('sha1').update(json).digest('hex').slice(0, 20);
    if (!this.#entries.has(id)) this.#put(id, refs ? { value, json, refs } : { value, json });
    return id;
  }

  #put(id: string, entry: Entry): void {
    this.#entries.set(id, entry);
    if (typeof entry.value === 'object' && entry.value !== null) this.#idOf.set(entry.value, id);
  }
}

function refId(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const keys = Object.keys(item);
  if (keys.length !== 1 || keys[0] !== REF) return undefined;
  const id = (item as Record<string, unknown>)[REF];
  return typeof id === 'string' && ID_PATTERN.test(id) ? id : undefined;
}
