import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { HistoryFile } from './history-file.ts';
import { type HistoryQuery, StateDamagedError, type StateStore } from './store.ts';
import type { DomainState, GlobalState, HistoryEntry, OutboxEntry } from './types.ts';

const FORMAT_VERSION = 1;
/** Delivered outbox ids are remembered this long, to drop a duplicate enqueue after a crash. */
const DELIVERED_MEMORY_MS = 7 * 86_400_000;

interface StateFile {
  version: number;
  domains: Record<string, DomainState>;
  global: GlobalState;
  outbox: Record<string, OutboxEntry>;
  delivered: Record<string, string>;
}

export interface LowdbStoreOptions {
  /** Directory for state.json, state.json.bak and history.jsonl. */
  dir: string;
  /** Batch writes: at most one rewrite of state.json per this many ms. */
  writeDelayMs?: number;
  historyRetentionMs?: number;
  /** Called when a batched background write fails (disk full, permissions); the next write retries. */
  onWriteError?: (error: unknown) => void;
}

/**
 * The embedded default: lowdb over one JSON file, written atomically (temp file + rename, by steno), batched so a
 * run of a thousand domains is one rewrite, not a thousand. History goes to a separate append-only JSONL file.
 */
export class LowdbStore implements StateStore {
  readonly statePath: string;
  readonly #dir: string;
  readonly #writeDelayMs: number;
  readonly #retentionMs: number;
  readonly #history: HistoryFile;
  #db: Low<StateFile> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #onWriteError: (error: unknown) => void;

  constructor(options: LowdbStoreOptions) {
    this.#dir = options.dir;
    this.statePath = join(options.dir, 'state.json');
    this.#writeDelayMs = options.writeDelayMs ?? 1000;
    this.#retentionMs = options.historyRetentionMs ?? 400 * 86_400_000;
    this.#onWriteError = options.onWriteError ?? (() => {});
    this.#history = new HistoryFile(join(options.dir, 'history.jsonl'));
  }

  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const adapter = new TextFile(this.statePath);
    const text = await adapter.read();
    const backup = `${this.statePath}.bak`;
    let data: StateFile;
    if (text === null) {
      if (await exists(backup)) {
        throw new StateDamagedError(
          `State file ${this.statePath} is missing but its backup ${backup} exists. Copy the backup to ${this.statePath} ` +
            'to keep alert state, or delete the backup to start from empty on purpose (open alerts are then forgotten).',
        );
      }
      data = emptyState();
    } else {
      data = await this.#parse(text);
      await copyFile(this.statePath, backup);
    }
    this.#db = new Low<StateFile>(
      {
        read: async () => data,
        write: async (value) => adapter.write(JSON.stringify(value)),
      },
      data,
    );
    if (text === null) await this.flush();
  }

  async #parse(text: string): Promise<StateFile> {
    let problem: string;
    try {
      const parsed = JSON.parse(text) as Partial<StateFile>;
      if (parsed.version === FORMAT_VERSION && isObject(parsed.domains) && isObject(parsed.outbox)) {
        return { global: {}, delivered: {}, ...parsed } as StateFile;
      }
      problem =
        parsed.version !== FORMAT_VERSION ? `unknown format version ${String(parsed.version)}` : 'unexpected structure';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const kept = `${this.statePath}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(this.statePath, kept);
    const backup = `${this.statePath}.bak`;
    throw new StateDamagedError(
      `State file ${this.statePath} is damaged (${problem}). A copy was kept at ${kept}. ` +
        ((await exists(backup))
          ? `The last good copy from the previous start is ${backup}: copy it over ${this.statePath} to resume. `
          : '') +
        `To start from empty on purpose (open alerts are forgotten), move ${this.statePath} away.`,
    );
  }

  get #data(): StateFile {
    if (!this.#db) throw new Error('state store used before open()');
    return this.#db.data;
  }

  domain(name: string): DomainState | undefined {
    return this.#data.domains[name];
  }

  putDomain(state: DomainState): void {
    this.#data.domains[state.domain] = state;
    this.#schedule();
  }

  removeDomain(name: string): void {
    delete this.#data.domains[name];
    this.#schedule();
  }

  domains(): Iterable<DomainState> {
    return Object.values(this.#data.domains);
  }

  global(): GlobalState {
    return this.#data.global;
  }

  putGlobal(state: GlobalState): void {
    this.#data.global = state;
    this.#schedule();
  }

  outbox(): OutboxEntry[] {
    return Object.values(this.#data.outbox);
  }

  putOutbox(entry: OutboxEntry): void {
    this.#data.outbox[entry.id] = entry;
    this.#schedule();
  }

  removeOutbox(id: string): void {
    delete this.#data.outbox[id];
    this.#schedule();
  }

  wasDelivered(id: string): boolean {
    return id in this.#data.delivered;
  }

  markDelivered(id: string, at: string): void {
    const delivered = this.#data.delivered;
    delivered[id] = at;
    const cutoff = new Date(Date.parse(at) - DELIVERED_MEMORY_MS).toISOString();
    for (const [known, when] of Object.entries(delivered)) if (when < cutoff) delete delivered[known];
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

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write().catch((error: unknown) => this.#onWriteError(error));
    }, this.#writeDelayMs);
    this.#timer.unref();
  }

  #write(): Promise<void> {
    const db = this.#db;
    if (!db) return Promise.resolve();
    this.#writing = this.#writing.catch(() => {}).then(() => db.write());
    return this.#writing;
  }

  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#write();
  }

  async close(): Promise<void> {
    if (this.#db) await this.flush();
  }
}

function emptyState(): StateFile {
  return { version: FORMAT_VERSION, domains: {}, global: {}, outbox: {}, delivered: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
