import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably, fileExists as exists, writeFileAtomically } from './atomic-write.ts';
import { HistoryFile } from './history-file.ts';
import { SharedValues } from './shared-values.ts';
import { type HistoryQuery, StateDamagedError, type StateStore } from './store.ts';
import type { DomainState, GlobalState, HistoryEntry, OutboxEntry } from './types.ts';

/** Format 2 keeps shared findings and evidence values once (`shared`); format 1 files (all inline) are still read. */
const FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
/** Delivered outbox ids are remembered this long, to drop a duplicate enqueue after a crash. */
const DELIVERED_MEMORY_MS = 7 * 86_400_000;
/** The journal is folded into a new snapshot once it is larger than the snapshot (and at least this large). */
const MIN_JOURNAL_BYTES_BEFORE_SNAPSHOT = 4 << 20;

interface StateFile {
  version: number;
  /** Id of the journal that continues this snapshot; records of any other journal are older and ignored. */
  journal?: string;
  shared?: Record<string, unknown>;
  domains: Record<string, DomainState>;
  global: GlobalState;
  outbox: Record<string, OutboxEntry>;
  delivered: Record<string, string>;
}

/** One line of state.journal: what one flush changed. */
interface JournalRecord {
  journal: string;
  shared?: Record<string, unknown>;
  domains?: Record<string, DomainState>;
  removed?: string[];
  outbox?: Record<string, OutboxEntry>;
  outboxRemoved?: string[];
  global?: GlobalState;
  delivered?: Record<string, string>;
}

export interface EmbeddedStoreOptions {
  /** Directory for state.json, state.journal, state.json.bak and history.jsonl. */
  dir: string;
  /** Batch writes: at most one write per this many ms. */
  writeDelayMs?: number;
  historyRetentionMs?: number;
  /** Called when a batched background write fails (disk full, permissions); the next write retries. */
  onWriteError?: (error: unknown) => void;
}

/** What the writes cost so far (the benchmark and the docs report these). */
export interface WriteStats {
  /** Appends to the journal plus snapshots. */
  writes: number;
  snapshots: number;
  /** Flushes that found nothing changed and wrote nothing. */
  skipped: number;
  totalMs: number;
  lastMs: number;
  maxMs: number;
  lastBytes: number;
  /** Size of state.json after the last snapshot. */
  snapshotBytes: number;
  journalBytes: number;
}

/**
 * The embedded default store (it began on lowdb, which the README explains it outgrew): state.json, a snapshot
 * written atomically (temp file, fsync, rename), and state.journal, one appended and fsynced JSON line per flush holding only what changed since the
 * previous one (the domains put or removed, new shared evidence, outbox changes). When the journal outgrows the
 * snapshot, the next flush writes a new snapshot and starts a new journal; opening replays the journal and writes a
 * fresh snapshot. lowdb's own model, one JSON.stringify of everything and one whole-file rewrite per write, cost
 * seconds and hundreds of MB per write at 10,000 domains. Findings and evidence values many domains share are kept
 * once (`SharedValues`). A flush with nothing changed writes nothing. History is a separate append-only JSONL file.
 */
export class EmbeddedStore implements StateStore {
  readonly statePath: string;
  readonly journalPath: string;
  readonly #dir: string;
  readonly #writeDelayMs: number;
  readonly #retentionMs: number;
  readonly #history: HistoryFile;
  #opened = false;
  readonly #domains = new Map<string, DomainState>();
  #global: GlobalState = {};
  #outbox: Record<string, OutboxEntry> = {};
  #delivered: Record<string, string> = {};
  readonly #shared = new SharedValues();
  readonly #dirtyDomains = new Set<string>();
  readonly #dirtyOutbox = new Set<string>();
  #globalDirty = false;
  #deliveredDirty = false;
  /** Set when the journal cannot continue (none yet, a failed write): the next flush writes a snapshot. */
  #needsSnapshot = true;
  #journalId = '';
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #onWriteError: (error: unknown) => void;
  readonly #stats: WriteStats = {
    writes: 0,
    snapshots: 0,
    skipped: 0,
    totalMs: 0,
    lastMs: 0,
    maxMs: 0,
    lastBytes: 0,
    snapshotBytes: 0,
    journalBytes: 0,
  };

  constructor(options: EmbeddedStoreOptions) {
    this.#dir = options.dir;
    this.statePath = join(options.dir, 'state.json');
    this.journalPath = join(options.dir, 'state.journal');
    this.#writeDelayMs = options.writeDelayMs ?? 1000;
    this.#retentionMs = options.historyRetentionMs ?? 400 * 86_400_000;
    this.#onWriteError = options.onWriteError ?? (() => {});
    this.#history = new HistoryFile(join(options.dir, 'history.jsonl'));
  }

  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const text = await readText(this.statePath);
    const journal = await readText(this.journalPath);
    const backup = `${this.statePath}.bak`;
    if (text === null) {
      const left = (await exists(backup))
        ? `its backup ${backup}`
        : journal !== null
          ? `its journal ${this.journalPath}`
          : undefined;
      if (left !== undefined) {
        throw new StateDamagedError(
          `State file ${this.statePath} is missing but ${left} exists. Copy the backup ${backup} to ${this.statePath} ` +
            'to keep alert state, or move the files away to start from empty on purpose (open alerts are then forgotten).',
        );
      }
    } else {
      const file = await this.#parse(text);
      if (journal !== null) await this.#replay(file, journal);
      this.#load(file);
      this.#opened = true;
      this.#journalId = file.journal ?? '';
      this.#stats.snapshotBytes = Buffer.byteLength(text);
      // With a journal (replayed, stale, or ending in a torn line) a new snapshot is written first: the backup must
      // stand alone, and new records must not follow a torn line.
      this.#needsSnapshot = journal !== null || file.version !== FORMAT_VERSION || file.journal === undefined;
      if (journal !== null) await this.#write();
      await copyFile(this.statePath, backup);
      return;
    }
    this.#opened = true;
    await this.#write();
  }

  async #parse(text: string): Promise<StateFile> {
    let problem: string;
    try {
      const parsed = JSON.parse(text) as Partial<StateFile>;
      if (READABLE_VERSIONS.includes(parsed.version as number) && isObject(parsed.domains) && isObject(parsed.outbox)) {
        return { global: {}, delivered: {}, shared: {}, ...parsed } as StateFile;
      }
      problem = !READABLE_VERSIONS.includes(parsed.version as number)
        ? `unknown format version ${String(parsed.version)}`
        : 'unexpected structure';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    throw await this.#damaged(this.statePath, problem);
  }

  /** Applies the journal's records to the parsed snapshot. */
  async #replay(file: StateFile, text: string): Promise<void> {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    for (const [index, line] of lines.entries()) {
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch (error) {
        // A torn last line is a flush the crash interrupted: the caller never saw it complete.
        if (index === lines.length - 1) break;
        throw await this.#damaged(
          this.journalPath,
          `line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (file.journal === undefined || record.journal !== file.journal) continue;
      Object.assign(file.shared!, record.shared);
      Object.assign(file.domains, record.domains);
      for (const name of record.removed ?? []) delete file.domains[name];
      Object.assign(file.outbox, record.outbox);
      for (const id of record.outboxRemoved ?? []) delete file.outbox[id];
      if (record.global) file.global = record.global;
      if (record.delivered) file.delivered = record.delivered;
    }
  }

  #load(file: StateFile): void {
    for (const [name, raw] of Object.entries(file.domains)) {
      try {
        this.#domains.set(name, this.#shared.load(raw, file.shared ?? {}));
      } catch (error) {
        this.#domains.clear();
        throw new StateDamagedError(
          `State file ${this.statePath} is damaged (domain ${name}: ${error instanceof Error ? error.message : String(error)}). ` +
            `The last good copy from the previous start is ${this.statePath}.bak.`,
        );
      }
    }
    this.#global = file.global;
    this.#outbox = file.outbox;
    this.#delivered = file.delivered;
  }

  async #damaged(path: string, problem: string): Promise<StateDamagedError> {
    const kept = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(path, kept);
    const backup = `${this.statePath}.bak`;
    return new StateDamagedError(
      `State file ${path} is damaged (${problem}). A copy was kept at ${kept}. ` +
        ((await exists(backup))
          ? `The last good copy from the previous start is ${backup}: copy it over ${this.statePath} (and remove ${this.journalPath}) to resume. `
          : '') +
        `To start from empty on purpose (open alerts are forgotten), move ${this.statePath} and ${this.journalPath} away.`,
    );
  }

  #assertOpen(): void {
    if (!this.#opened) throw new Error('state store used before open()');
  }

  domain(name: string): DomainState | undefined {
    return this.#domains.get(name);
  }

  /** Keeps the canonical form (compact, shared evidence); callers must not mutate what `domain()` returns. */
  putDomain(state: DomainState): void {
    this.#assertOpen();
    this.#domains.set(state.domain, this.#shared.domain(state));
    this.#dirtyDomains.add(state.domain);
    this.#schedule();
  }

  removeDomain(name: string): void {
    this.#assertOpen();
    this.#domains.delete(name);
    this.#dirtyDomains.add(name);
    this.#schedule();
  }

  domains(): Iterable<DomainState> {
    return [...this.#domains.values()];
  }

  global(): GlobalState {
    this.#assertOpen();
    return this.#global;
  }

  putGlobal(state: GlobalState): void {
    this.#assertOpen();
    this.#global = state;
    this.#globalDirty = true;
    this.#schedule();
  }

  outbox(): OutboxEntry[] {
    this.#assertOpen();
    return Object.values(this.#outbox);
  }

  putOutbox(entry: OutboxEntry): void {
    this.#assertOpen();
    this.#outbox[entry.id] = entry;
    this.#dirtyOutbox.add(entry.id);
    this.#schedule();
  }

  removeOutbox(id: string): void {
    this.#assertOpen();
    delete this.#outbox[id];
    this.#dirtyOutbox.add(id);
    this.#schedule();
  }

  wasDelivered(id: string): boolean {
    this.#assertOpen();
    return id in this.#delivered;
  }

  markDelivered(id: string, at: string): void {
    this.#assertOpen();
    const delivered = this.#delivered;
    delivered[id] = at;
    const cutoff = new Date(Date.parse(at) - DELIVERED_MEMORY_MS).toISOString();
    for (const [known, when] of Object.entries(delivered)) if (when < cutoff) delete delivered[known];
    this.#deliveredDirty = true;
    this.#schedule();
  }

  appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    return this.#history.append(entries);
  }

  readHistory(query: HistoryQuery): Promise<HistoryEntry[]> {
    return this.#history.read(query);
  }

  compactHistory(now: Date): Promise<number> {
    return this.#history.compact(new Date(now.getTime() - this.#retentionMs).toISOString());
  }

  writeStats(): WriteStats {
    return { ...this.#stats };
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write().catch((error: unknown) => this.#onWriteError(error));
    }, this.#writeDelayMs);
    this.#timer.unref();
  }

  #hasChanges(): boolean {
    return this.#dirtyDomains.size > 0 || this.#dirtyOutbox.size > 0 || this.#globalDirty || this.#deliveredDirty;
  }

  #clearChanges(): void {
    this.#dirtyDomains.clear();
    this.#dirtyOutbox.clear();
    this.#globalDirty = false;
    this.#deliveredDirty = false;
  }

  /** Every domain, all shared entries they use, global, outbox and delivered ids: a new state.json. */
  async #writeSnapshot(): Promise<number> {
    const journal = randomBytes(8).toString('hex');
    this.#clearChanges();
    const bytes = await writeFileAtomically(this.statePath, this.#snapshotText(journal));
    // The old journal's id no longer matches: even if removing it fails, it is never replayed.
    await rm(this.journalPath, { force: true });
    this.#journalId = journal;
    this.#stats.snapshots++;
    this.#stats.snapshotBytes = bytes;
    this.#stats.journalBytes = 0;
    return bytes;
  }

  /**
   * The snapshot as pieces, produced while they are written (a 100 MB state never exists as one string): domains
   * first, collecting the shared entries they use, then those entries; entries nothing uses are then forgotten.
   * Changes made meanwhile are in the dirty sets and go to the new journal.
   */
  *#snapshotText(journal: string): Generator<string> {
    yield `{"version":${FORMAT_VERSION},"journal":"${journal}","domains":{`;
    const live = new Set<string>();
    let separator = '';
    for (const [name, state] of this.#domains) {
      const serialized = this.#shared.serializeDomain(state);
      for (const id of serialized.uses) live.add(id);
      yield `${separator}${JSON.stringify(name)}:${serialized.json}`;
      separator = ',';
    }
    yield '},"shared":{';
    separator = '';
    for (const part of this.#shared.serializeEach(live)) {
      yield `${separator}${part}`;
      separator = ',';
    }
    this.#shared.retainOnly(live);
    yield `},"global":${JSON.stringify(this.#global)},"outbox":${JSON.stringify(this.#outbox)},` +
      `"delivered":${JSON.stringify(this.#delivered)}}`;
  }

  /** What changed since the last write, as one journal line. */
  async #appendJournal(): Promise<number> {
    const record: string[] = [`{"journal":"${this.#journalId}"`];
    const uses = new Set<string>();
    const domains: string[] = [];
    const removed: string[] = [];
    for (const name of this.#dirtyDomains) {
      const state = this.#domains.get(name);
      if (state === undefined) {
        removed.push(name);
        continue;
      }
      const serialized = this.#shared.serializeDomain(state);
      for (const id of serialized.uses) uses.add(id);
      domains.push(`${JSON.stringify(name)}:${serialized.json}`);
    }
    const shared = this.#shared.takeUnwritten(uses);
    if (shared.length > 0) record.push(`,"shared":{${shared.join(',')}}`);
    if (domains.length > 0) record.push(`,"domains":{${domains.join(',')}}`);
    if (removed.length > 0) record.push(`,"removed":${JSON.stringify(removed)}`);
    const outbox: Record<string, OutboxEntry> = {};
    const outboxRemoved: string[] = [];
    for (const id of this.#dirtyOutbox) {
      const entry = this.#outbox[id];
      if (entry) outbox[id] = entry;
      else outboxRemoved.push(id);
    }
    if (Object.keys(outbox).length > 0) record.push(`,"outbox":${JSON.stringify(outbox)}`);
    if (outboxRemoved.length > 0) record.push(`,"outboxRemoved":${JSON.stringify(outboxRemoved)}`);
    if (this.#globalDirty) record.push(`,"global":${JSON.stringify(this.#global)}`);
    if (this.#deliveredDirty) record.push(`,"delivered":${JSON.stringify(this.#delivered)}`);
    record.push('}\n');
    this.#clearChanges();
    const bytes = await appendDurably(this.journalPath, record.join(''));
    this.#stats.journalBytes += bytes;
    return bytes;
  }

  #write(): Promise<void> {
    if (!this.#opened) return Promise.resolve();
    this.#writing = this.#writing
      .catch(() => {})
      .then(async () => {
        if (!this.#hasChanges() && !this.#needsSnapshot) {
          this.#stats.skipped++;
          return;
        }
        const started = performance.now();
        const snapshot =
          this.#needsSnapshot ||
          this.#stats.journalBytes > Math.max(this.#stats.snapshotBytes, MIN_JOURNAL_BYTES_BEFORE_SNAPSHOT);
        let bytes: number;
        try {
          bytes = snapshot ? await this.#writeSnapshot() : await this.#appendJournal();
          this.#needsSnapshot = false;
        } catch (error) {
          // What this write took is not known to be on disk: the next write is a whole snapshot.
          this.#needsSnapshot = true;
          throw error;
        }
        const ms = performance.now() - started;
        this.#stats.writes++;
        this.#stats.totalMs += ms;
        this.#stats.lastMs = ms;
        this.#stats.maxMs = Math.max(this.#stats.maxMs, ms);
        this.#stats.lastBytes = bytes;
      });
    return this.#writing;
  }

  /** Writes a new snapshot now (and starts a new journal), instead of waiting for the journal to outgrow it. */
  async snapshot(): Promise<void> {
    await this.flush();
    this.#needsSnapshot = true;
    await this.#write();
  }

  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#write();
  }

  async close(): Promise<void> {
    if (this.#opened) await this.flush();
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
