import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { resolveLegacyRefs } from './legacy-refs.ts';
import { standardChanges, standardStatuses } from './standards.ts';
import {
  type BatchWrite,
  type StandardObservation,
  StateDamagedError,
  StateNeedsImportError,
  type StateStore,
  StateStoreError,
} from './store.ts';
import type { DomainState, GlobalState, HistoryEntry, OutboxEntry } from './types.ts';

/** The files of the state directory the hand-written snapshot + journal store kept (mailwarden before issue 9). */
export const LEGACY_FILES = ['state.json', 'state.journal', 'history.jsonl'] as const;
const READABLE_VERSIONS = [1, 2];
const DELIVERED_KEPT_MS = 7 * 86_400_000;
const DOMAINS_PER_BATCH = 200;
const HISTORY_PER_BATCH = 1000;

/** The old files found in `dir` (empty when there are none). */
export async function legacyStateDir(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of LEGACY_FILES) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) found.push(name);
  }
  return found;
}

/**
 * For the daemon's start: throws StateNeedsImportError, naming `mailwarden state import <dir>`, when `dir` holds an
 * old state directory and the store has never recorded anything (no checked domain, no history, no outbox), so the
 * daemon never silently starts empty beside the state it used to keep. Call after open(), before syncDomains().
 */
export async function refuseLegacyOnly(store: StateStore, dir: string): Promise<void> {
  const files = await legacyStateDir(dir);
  if (files.length === 0 || !(await isEmpty(store))) return;
  throw new StateNeedsImportError(
    `the state database ${store.location} is empty, but ${dir} holds the state of an older mailwarden ` +
      `(${files.join(', ')}). Run \`mailwarden state import ${dir}\` to move it into the database ` +
      '(open alerts, outbox and history are kept), or move those files away to start from empty on purpose.',
  );
}

async function isEmpty(store: StateStore): Promise<boolean> {
  const stats = await store.stats(new Date().toISOString());
  if (stats.domains !== stats.byStatus.unchecked) return false;
  if ((await store.readHistory({ limit: 1 })).length > 0) return false;
  const outbox = await store.outboxStats();
  return outbox.pending === 0 && outbox.dead === 0;
}

export interface LegacyImportResult {
  domains: number;
  history: number;
  outbox: number;
  delivered: number;
}

/**
 * `mailwarden state import <dir>`: reads the old state.json (replaying state.journal; formats 1 and 2, whose shared
 * findings and evidence are resolved), and history.jsonl, and writes them into `store` (opened). Domain states keep
 * their findings, open alerts, due times and counters; each domain's current standard statuses open a compliance
 * period at its last check; pending outbox entries stay pending and delivered ids stay remembered (7 days). The old
 * files are only read. Refuses a store that already holds state (an import is done once, into a new database).
 */
export async function importLegacyState(
  store: StateStore,
  dir: string,
  now = new Date().toISOString(),
): Promise<LegacyImportResult> {
  const files = await legacyStateDir(dir);
  if (!files.includes('state.json') && !files.includes('history.jsonl'))
    throw new StateStoreError(`${dir} is not an old mailwarden state directory (no state.json or history.jsonl)`);
  if (!(await isEmpty(store)))
    throw new StateStoreError(
      `the state database ${store.location} already holds state; import ${dir} into a new, empty database`,
    );
  const legacy = files.includes('state.json') ? await readLegacyState(dir) : undefined;
  const result: LegacyImportResult = { domains: 0, history: 0, outbox: 0, delivered: 0 };
  if (legacy) {
    const domains = [...legacy.domains.values()];
    for (let i = 0; i < domains.length; i += DOMAINS_PER_BATCH) {
      const part = domains.slice(i, i + DOMAINS_PER_BATCH);
      await store.commitBatch(batchOf({ domains: part, standards: part.flatMap(standardsOf) }));
      result.domains += part.length;
    }
    const outbox = Object.values(legacy.outbox);
    await store.commitBatch(batchOf({ outbox, global: legacy.global }));
    result.outbox = outbox.length;
    const cutoff = Date.parse(now) - DELIVERED_KEPT_MS;
    for (const [id, at] of Object.entries(legacy.delivered)) {
      if (Date.parse(at) < cutoff) continue;
      await store.completeOutbox(id, at);
      result.delivered++;
    }
  }
  let history: HistoryEntry[] = [];
  for await (const entry of readLegacyHistory(join(dir, 'history.jsonl'))) {
    history.push(entry);
    if (history.length >= HISTORY_PER_BATCH) {
      await store.commitBatch(batchOf({ history }));
      result.history += history.length;
      history = [];
    }
  }
  if (history.length > 0) await store.commitBatch(batchOf({ history }));
  result.history += history.length;
  return result;
}

function batchOf(parts: Partial<BatchWrite>): BatchWrite {
  return { domains: [], history: [], standards: [], records: [], outbox: [], ...parts };
}

/** The standards' statuses of an imported domain: its own `standards`, else the worst confirmed finding per area. */
/** A domain's current standard statuses open its compliance periods at its last check. */
function standardsOf(state: DomainState): StandardObservation[] {
  const at = state.lastCheckedAt;
  if (at === undefined) return [];
  return standardChanges(state.domain, undefined, state.standards ?? standardStatuses(state), at);
}

interface LegacyState {
  domains: Map<string, DomainState>;
  global: GlobalState;
  outbox: Record<string, OutboxEntry>;
  delivered: Record<string, string>;
}

interface LegacyFile {
  version: number;
  journal?: string;
  shared?: Record<string, unknown>;
  domains: Record<string, DomainState>;
  global?: GlobalState;
  outbox: Record<string, OutboxEntry>;
  delivered?: Record<string, string>;
}

interface LegacyJournalRecord {
  journal: string;
  shared?: Record<string, unknown>;
  domains?: Record<string, DomainState>;
  removed?: string[];
  outbox?: Record<string, OutboxEntry>;
  outboxRemoved?: string[];
  global?: GlobalState;
  delivered?: Record<string, string>;
}

/**
 * The old store's state as its open() saw it: the snapshot, then the journal records of the same journal id (a torn
 * last line is a write the crash interrupted and is skipped), shared references resolved (legacy-refs.ts).
 */
export async function readLegacyState(dir: string): Promise<LegacyState> {
  const statePath = join(dir, 'state.json');
  const journalPath = join(dir, 'state.journal');
  const file = parseSnapshot(statePath, await readText(statePath));
  const journal = await readText(journalPath).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  });
  const lines = journal.split('\n').filter((line) => line.trim() !== '');
  const shared = { ...file.shared };
  for (const [index, line] of lines.entries()) {
    let record: LegacyJournalRecord;
    try {
      record = JSON.parse(line) as LegacyJournalRecord;
    } catch (error) {
      if (index === lines.length - 1) break;
      throw new StateDamagedError(`${journalPath} is damaged (line ${index + 1}: ${(error as Error).message})`);
    }
    if (file.journal === undefined || record.journal !== file.journal) continue;
    Object.assign(shared, record.shared);
    Object.assign(file.domains, record.domains);
    for (const name of record.removed ?? []) delete file.domains[name];
    Object.assign(file.outbox, record.outbox);
    for (const id of record.outboxRemoved ?? []) delete file.outbox[id];
    if (record.global) file.global = record.global;
    if (record.delivered) file.delivered = record.delivered;
  }
  const domains = new Map<string, DomainState>();
  for (const [name, raw] of Object.entries(file.domains)) {
    try {
      domains.set(name, resolveLegacyRefs(raw, shared));
    } catch (error) {
      throw new StateDamagedError(`${statePath} is damaged (domain ${name}: ${(error as Error).message})`);
    }
  }
  return { domains, global: file.global ?? {}, outbox: file.outbox, delivered: file.delivered ?? {} };
}

function parseSnapshot(path: string, text: string): LegacyFile {
  let parsed: Partial<LegacyFile>;
  try {
    parsed = JSON.parse(text) as Partial<LegacyFile>;
  } catch (error) {
    throw new StateDamagedError(`${path} is damaged (${(error as Error).message})`);
  }
  if (!READABLE_VERSIONS.includes(parsed.version as number))
    throw new StateDamagedError(`${path} has an unknown format version ${String(parsed.version)}`);
  if (typeof parsed.domains !== 'object' || typeof parsed.outbox !== 'object' || !parsed.domains || !parsed.outbox)
    throw new StateDamagedError(`${path} is damaged (unexpected structure)`);
  return parsed as LegacyFile;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG')
      throw new StateStoreError(
        `${path} is larger than the longest string Node can hold (~512 MiB) and cannot be imported by this version`,
      );
    throw error;
  }
}

async function* readLegacyHistory(path: string): AsyncGenerator<HistoryEntry> {
  if (!(await stat(path).catch(() => undefined))) return;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as HistoryEntry;
    } catch {
      // A torn last line after a crash: the old store skipped it too.
    }
  }
}
