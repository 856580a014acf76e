import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStateStore } from '../../src/state/open-store.ts';
import { createTestDatabase } from '../lab/postgres.ts';

const child = join(import.meta.dirname, 'fixtures', 'store-child.ts');

/**
 * A process committing numbered batches is killed with SIGKILL in the middle of its work; the database then holds
 * every batch it reported committed and, of the one in flight, all or nothing: domain n, history of n and outbox
 * entry n appear together or not at all.
 */
async function killDuringBatches(url: string): Promise<void> {
  const proc = spawn(process.execPath, [child, 'loop', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let committed = -1;
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const outcome = JSON.parse(line) as { committed?: number; error?: string; message?: string };
        if (outcome.error) reject(new Error(`${outcome.error}: ${outcome.message}`));
        if (outcome.committed !== undefined) committed = outcome.committed;
      }
      // Killed at a point that depends on timing: somewhere inside a later batch's transaction, or between two.
      if (committed >= 30 && proc.exitCode === null) {
        proc.kill('SIGKILL');
        resolve();
      }
    });
    proc.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the writer exited by itself (${code})`));
    });
  });
  await new Promise((resolve) =>
    proc.exitCode === null && proc.signalCode === null ? proc.once('exit', resolve) : resolve(null),
  );
  const store = await openStateStore(url);
  try {
    const names = Array.from({ length: committed + 50 }, (_, i) => `n${i}.nl`);
    const domains = [...(await store.loadDomains(names)).keys()].map((name) => Number(name.slice(1, -3)));
    const outbox = (await store.listOutbox()).map((entry) => Number(entry.id.slice(1)));
    const history = (await store.readHistory({})).map((entry) => Number(entry.domain.slice(1, -3)));
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    expect(sorted(domains).slice(0, committed + 1)).toEqual(Array.from({ length: committed + 1 }, (_, i) => i));
    expect(sorted(outbox)).toEqual(sorted(domains));
    expect(sorted(history)).toEqual(sorted(domains));
    expect(domains.length).toBeLessThanOrEqual(committed + 2);
  } finally {
    await store.close();
  }
}

describe('kill -9 during a batch', () => {
  it('SQLite keeps every committed batch and all or nothing of the one in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-crash-'));
    try {
      await killDuringBatches(`sqlite:${join(dir, 'state', 'mailwarden.db')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL keeps every committed batch and all or nothing of the one in flight', async () => {
    const database = await createTestDatabase('crash');
    try {
      await killDuringBatches(database.url);
    } finally {
      await database.drop();
    }
  });
});
