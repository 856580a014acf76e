import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/state/embedded-store.ts';
import { StateDamagedError } from '../../src/state/store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('embedded state store', () => {
  it('persists domains, outbox and delivered ids across a reopen', async () => {
    const store = new EmbeddedStore({ dir, writeDelayMs: 5 });
    await store.open();
    store.putDomain({ domain: 'example.nl', findings: {}, reports: 3, nextDueAt: '2025-01-01T01:00:00Z' });
    store.putOutbox({
      id: 'o1',
      route: 'r',
      channel: 'c',
      createdAt: 'x',
      attempts: 1,
      nextAttemptAt: 'y',
      notices: [],
    });
    store.markDelivered('o0', '2025-01-01T00:00:00Z');
    await store.close();
    const again = new EmbeddedStore({ dir });
    await again.open();
    expect(again.domain('example.nl')?.reports).toBe(3);
    expect(again.outbox().map((entry) => entry.id)).toEqual(['o1']);
    expect(again.wasDelivered('o0')).toBe(true);
  });

  it('batches many updates into one write', async () => {
    const store = new EmbeddedStore({ dir, writeDelayMs: 50 });
    await store.open();
    const files = async () =>
      Promise.all(['state.json', 'state.journal'].map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
    const before = await files();
    const writesBefore = store.writeStats().writes;
    for (let i = 0; i < 1000; i++) store.putDomain({ domain: `d${i}.example`, findings: {}, reports: i });
    expect(await files()).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(store.writeStats().writes).toBe(writesBefore + 1);
    await store.close();
    const again = new EmbeddedStore({ dir });
    await again.open();
    expect([...again.domains()]).toHaveLength(1000);
    expect(again.domain('d999.example')?.reports).toBe(999);
  });

  it('refuses a damaged state file, keeps a copy and names the last good backup', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    store.putDomain({ domain: 'example.nl', findings: {}, reports: 1 });
    await store.close();
    await new EmbeddedStore({ dir }).open(); // a good start makes state.json.bak
    await writeFile(join(dir, 'state.json'), '{"version":1,"domains":{"exam');
    const broken = new EmbeddedStore({ dir });
    const error = await broken.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDamagedError);
    expect((error as Error).message).toMatch(
      /is damaged .*A copy was kept at .*state\.json\.damaged-.*state\.json\.bak/s,
    );
    const files = await readdir(dir);
    expect(files.some((name) => name.startsWith('state.json.damaged-'))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'state.json.bak'), 'utf8')).domains['example.nl'].reports).toBe(1);
    // The damaged file itself is left alone: nothing silently starts from empty.
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe('{"version":1,"domains":{"exam');
  });

  it('refuses to start empty when the state file vanished but a backup exists', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    await store.close();
    await new EmbeddedStore({ dir }).open();
    await rm(join(dir, 'state.json'));
    await expect(new EmbeddedStore({ dir }).open()).rejects.toThrow(/is missing but its backup/);
  });

  it('appends history as JSON lines, filters per domain, and drops entries past retention', async () => {
    const store = new EmbeddedStore({ dir, historyRetentionMs: 30 * 86_400_000 });
    await store.open();
    const entry = (domain: string, at: string) => ({
      at,
      domain,
      kind: 'regression' as const,
      check: 'spf.policy',
      subject: domain,
    });
    await store.appendHistory([entry('a.example', '2024-01-01T00:00:00Z'), entry('b.example', '2025-01-01T00:00:00Z')]);
    await store.appendHistory([entry('a.example', '2025-01-02T00:00:00Z')]);
    expect((await store.readHistory({ domain: 'a.example' })).map((e) => e.at)).toEqual([
      '2024-01-01T00:00:00Z',
      '2025-01-02T00:00:00Z',
    ]);
    expect(await store.compactHistory(new Date('2025-01-10T00:00:00Z'))).toBe(1);
    expect((await readFile(join(dir, 'history.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    await store.close();
  });
});
