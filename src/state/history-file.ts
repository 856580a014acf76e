import { createReadStream } from 'node:fs';
import { appendFile, open, rename, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileExists as exists } from './atomic-write.ts';
import type { HistoryQuery } from './store.ts';
import type { HistoryEntry } from './types.ts';

/**
 * Append-only JSON Lines file: one confirmed change per line. Kept apart from the state file so the state file
 * stays small and each change costs one append, not a rewrite.
 */
export class HistoryFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async append(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), 'utf8');
  }

  async read(query: HistoryQuery): Promise<HistoryEntry[]> {
    const found: HistoryEntry[] = [];
    for await (const entry of this.#entries()) {
      if (query.domain !== undefined && entry.domain !== query.domain) continue;
      if (query.since !== undefined && entry.at < query.since) continue;
      found.push(entry);
    }
    return query.limit === undefined ? found : found.slice(-query.limit);
  }

  /** Rewrites the file without entries older than `cutoff` (atomic: temp file + rename). */
  async compact(cutoff: string): Promise<number> {
    if (!(await exists(this.path))) return 0;
    const temporary = `${this.path}.compact`;
    const handle = await open(temporary, 'w');
    let dropped = 0;
    try {
      for await (const entry of this.#entries()) {
        if (entry.at < cutoff) dropped++;
        else await handle.write(`${JSON.stringify(entry)}\n`);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (dropped > 0) await rename(temporary, this.path);
    else await unlink(temporary);
    return dropped;
  }

  async *#entries(): AsyncGenerator<HistoryEntry> {
    if (!(await exists(this.path))) return;
    const lines = createInterface({ input: createReadStream(this.path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line) as HistoryEntry;
      } catch {
        // A torn last line after a crash is skipped, not fatal: the state file is the source of truth.
      }
    }
  }
}
