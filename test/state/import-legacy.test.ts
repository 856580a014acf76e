import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importLegacyState, legacyStateDir, refuseLegacyOnly } from '../../src/state/import-legacy.ts';
import { StateDamagedError, StateNeedsImportError, type StateStore } from '../../src/state/store.ts';
import { tempSqliteStore } from './store-helpers.ts';

// The old store's files, written out by hand so this test does not depend on the old store's code.
const FINDING_ID = 'a'.repeat(20);
const EVIDENCE_ID = 'b'.repeat(20);
const longRecord = `v=spf1 ${'include:_spf.example.net '.repeat(4)}-all`;
const spfFail = {
  check: 'spf.policy',
  subject: 'one.nl',
  status: 'fail',
  summary: 'SPF ends in +all',
  evidence: { record: { $ref: EVIDENCE_ID } },
};
const openAlert = {
  kind: 'regression',
  since: '2026-01-01T10:00:00.000Z',
  lastNotifiedAt: '2026-01-01T10:00:00.000Z',
  change: {
    kind: 'regression',
    domain: 'one.nl',
    check: 'spf.policy',
    subject: 'one.nl',
    after: { $ref: FINDING_ID },
    at: '2026-01-01T10:00:00.000Z',
  },
};
const snapshot = {
  version: 2,
  journal: 'j1',
  domains: {
    'one.nl': {
      domain: 'one.nl',
      findings: { 'spf.policy|one.nl': { confirmed: { $ref: FINDING_ID }, errorCount: 0, open: openAlert } },
      reports: 4,
      lastCheckedAt: '2026-01-01T10:00:00.000Z',
      nextDueAt: '2026-01-01T11:00:00.000Z',
    },
    'removed.nl': { domain: 'removed.nl', findings: {}, reports: 1 },
  },
  shared: { [FINDING_ID]: spfFail, [EVIDENCE_ID]: longRecord },
  global: { lastDigestAt: '2026-01-01T00:00:00.000Z' },
  outbox: {
    'out-1': {
      id: 'out-1',
      route: 'ops',
      channel: 'slack',
      createdAt: '2026-01-01T10:00:00.000Z',
      attempts: 2,
      nextAttemptAt: '2026-01-01T10:05:00.000Z',
      lastError: 'HTTP 503',
      notices: [],
    },
  },
  delivered: { 'old-id': '2025-01-01T00:00:00.000Z' },
};
const journal = [
  {
    journal: 'j1',
    domains: {
      'two.nl': {
        domain: 'two.nl',
        findings: {
          'dmarc.policy|two.nl': {
            confirmed: { check: 'dmarc.policy', subject: 'two.nl', status: 'ok', summary: 'p=reject', evidence: {} },
            errorCount: 0,
          },
        },
        reports: 2,
        lastCheckedAt: '2026-01-01T09:00:00.000Z',
        nextDueAt: '2026-01-01T12:00:00.000Z',
      },
    },
    removed: ['removed.nl'],
    delivered: { 'sent-1': '2026-01-01T09:30:00.000Z' },
  },
  { journal: 'an-older-journal', domains: { 'stale.nl': { domain: 'stale.nl', findings: {}, reports: 9 } } },
];
const historyLines = [
  { at: '2026-01-01T09:00:00.000Z', domain: 'two.nl', kind: 'new', check: 'dmarc.policy', subject: 'two.nl' },
  { at: '2026-01-01T10:00:00.000Z', domain: 'one.nl', kind: 'regression', check: 'spf.policy', subject: 'one.nl' },
];

let dir: string;
let store: StateStore;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-legacy-'));
  ({ store, cleanup } = await tempSqliteStore());
});
afterEach(async () => {
  await store.close();
  await cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function writeLegacy(options: { tornLine?: boolean } = {}): Promise<void> {
  await writeFile(join(dir, 'state.json'), JSON.stringify(snapshot));
  await writeFile(
    join(dir, 'state.journal'),
    `${journal.map((record) => JSON.stringify(record)).join('\n')}\n${options.tornLine ? '{"journal":"j1","dom' : ''}`,
  );
  await writeFile(join(dir, 'history.jsonl'), `${historyLines.map((line) => JSON.stringify(line)).join('\n')}\n`);
}

describe('importing an old state directory', () => {
  it('detects an old state directory', async () => {
    expect(await legacyStateDir(dir)).toEqual([]);
    await writeLegacy();
    expect(await legacyStateDir(dir)).toEqual(['state.json', 'state.journal', 'history.jsonl']);
  });

  it('refuses to start on an empty database beside an old state directory, naming the import command', async () => {
    await refuseLegacyOnly(store, dir);
    await writeLegacy();
    const error = await refuseLegacyOnly(store, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateNeedsImportError);
    expect((error as Error).message).toContain(`mailwarden state import ${dir}`);
    expect((error as Error).message).toContain(store.location);
    await importLegacyState(store, dir, '2026-01-02T00:00:00.000Z');
    await refuseLegacyOnly(store, dir);
  });

  it('moves domains (journal replayed, shared values resolved), open alerts, outbox, delivered ids and history', async () => {
    await writeLegacy({ tornLine: true });
    const before = await readFile(join(dir, 'state.json'), 'utf8');
    const result = await importLegacyState(store, dir, '2026-01-02T00:00:00.000Z');
    expect(result).toEqual({ domains: 2, history: 2, outbox: 1, delivered: 1 });
    const domains = await store.loadDomains(['one.nl', 'two.nl', 'removed.nl', 'stale.nl']);
    expect([...domains.keys()].sort()).toEqual(['one.nl', 'two.nl']);
    const one = domains.get('one.nl');
    const resolved = { ...spfFail, evidence: { record: longRecord } };
    expect(one?.findings['spf.policy|one.nl']?.confirmed).toEqual(resolved);
    expect(one?.findings['spf.policy|one.nl']?.open?.change.after).toEqual(resolved);
    expect(one?.reports).toBe(4);
    const alerts = [];
    for await (const alert of store.openAlerts()) alerts.push([alert.domain, alert.check, alert.alert.since]);
    expect(alerts).toEqual([['one.nl', 'spf.policy', '2026-01-01T10:00:00.000Z']]);
    expect(await store.listOutbox()).toEqual([snapshot.outbox['out-1']]);
    expect(await store.global()).toEqual({ lastDigestAt: '2026-01-01T00:00:00.000Z' });
    // sent-1 was delivered within 7 days: a re-enqueue is dropped; old-id is older and forgotten.
    const outbox = (id: string) => ({ ...snapshot.outbox['out-1'], id });
    const batch = { domains: [], history: [], standards: [], records: [] };
    expect((await store.commitBatch({ ...batch, outbox: [outbox('sent-1'), outbox('old-id')] })).outboxAdded).toEqual([
      'old-id',
    ]);
    expect((await store.readHistory({})).map((h) => [h.domain, h.kind])).toEqual([
      ['two.nl', 'new'],
      ['one.nl', 'regression'],
    ]);
    const compliance = await store.compliance({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T12:00:00.000Z' });
    expect(compliance.map((r) => [r.domain, r.standard, r.compliantMs, r.knownMs])).toEqual([
      ['one.nl', 'spf', 0, 2 * 3600_000],
      ['two.nl', 'dmarc', 3 * 3600_000, 3 * 3600_000],
    ]);
    const page = await store.listDomains({ offset: 0, limit: 10 });
    expect(page.rows.map((r) => [r.domain, r.status, r.openAlerts])).toEqual([
      ['one.nl', 'fail', 1],
      ['two.nl', 'ok', 0],
    ]);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('reads format 1 (every finding inline) and refuses a second import', async () => {
    const inline = {
      version: 1,
      domains: {
        'old.nl': {
          domain: 'old.nl',
          findings: {
            'spf.policy|old.nl': { confirmed: { ...spfFail, subject: 'old.nl', evidence: {} }, errorCount: 0 },
          },
          reports: 7,
          lastCheckedAt: '2025-06-01T00:00:00.000Z',
        },
      },
      outbox: {},
    };
    await writeFile(join(dir, 'state.json'), JSON.stringify(inline));
    expect(await importLegacyState(store, dir)).toEqual({ domains: 1, history: 0, outbox: 0, delivered: 0 });
    expect((await store.loadDomains(['old.nl'])).get('old.nl')?.reports).toBe(7);
    await expect(importLegacyState(store, dir)).rejects.toThrow(/already holds state/);
  });

  it('refuses a damaged old state file without writing anything', async () => {
    await writeFile(join(dir, 'state.json'), '{"version":2,"domains":{"one.nl"');
    await expect(importLegacyState(store, dir)).rejects.toBeInstanceOf(StateDamagedError);
    expect((await store.stats('2026-01-01T00:00:00Z')).domains).toBe(0);
  });
});
