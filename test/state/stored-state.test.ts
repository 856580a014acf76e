// What the embedded store keeps and how: compact and shared evidence, the journal beside the snapshot, and what
// happens when a write fails or the process died in the middle of one.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenEvidence } from '../../src/alerts/digest.ts';
import type { Finding } from '../../src/model.ts';
import { compactEvidenceValue, EVIDENCE_LIMITS } from '../../src/state/compact-evidence.ts';
import { EmbeddedStore } from '../../src/state/embedded-store.ts';
import { StateDamagedError } from '../../src/state/store.ts';
import type { DomainState } from '../../src/state/types.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-stored-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const certificate = (host: string): Finding => ({
  check: 'starttls.certificate',
  subject: `${host}/192.0.2.10`,
  status: 'ok',
  summary: `rsa 2048 certificate for ${host}, valid until 2027-02-20`,
  evidence: {
    leaf: {
      subject: `CN=${host}`,
      subjectAltName: Array.from({ length: 80 }, (_, i) => `DNS:mx${i}.customer-${i}.example`).join(', '),
      notAfter: '2027-02-20T11:43:24.000Z',
      sha256: '29dd2265a5f82281c5f2913586f4d001562600068b2981b400d592bd63150a35',
    },
    chainSubjects: [`CN=${host}`, 'O=Example CA\nCN=Example Issuing CA'],
    daysLeft: 89,
  },
  expiresAt: '2027-02-20T11:43:24.000Z',
});

const dmarc = (domain: string, record: string): Finding => ({
  check: 'dmarc.policy',
  subject: domain,
  status: 'ok',
  summary: 'DMARC policy is p=reject',
  evidence: { record, tags: Array.from({ length: 50 }, (_, i) => ({ tag: `x${i}`, value: `v${i}` })) },
});

function domainWith(name: string, findings: Finding[], extra: Partial<DomainState> = {}): DomainState {
  return {
    domain: name,
    reports: 1,
    findings: Object.fromEntries(
      findings.map((finding) => [`${finding.check}|${finding.subject}`, { confirmed: finding, errorCount: 0 }]),
    ),
    ...extra,
  };
}

const confirmed = (store: EmbeddedStore, domain: string, key: string) => store.domain(domain)?.findings[key]?.confirmed;

describe('compact evidence', () => {
  it('caps long strings and arrays, and an alert shows the same lines from the stored finding as from the full one', () => {
    const record = `v=DMARC1; p=reject; rua=${Array.from({ length: 200 }, (_, i) => `mailto:r${i}@example.nl`).join(',')}`;
    const full = dmarc('example.nl', record);
    const stored = compactEvidenceValue(full.evidence) as Record<string, unknown>;
    expect(stored.record).toBe(
      `${record.slice(0, EVIDENCE_LIMITS.maxStringLength)}… (${record.length - EVIDENCE_LIMITS.maxStringLength} more characters)`,
    );
    expect(stored.tags).toHaveLength(EVIDENCE_LIMITS.maxArrayItems + 1);
    expect((stored.tags as unknown[]).at(-1)).toBe('… 30 more');
    expect(flattenEvidence(stored)).toEqual(flattenEvidence(full.evidence));
    const cert = certificate('mx1.example.nl');
    expect(flattenEvidence(compactEvidenceValue(cert.evidence) as Record<string, unknown>)).toEqual(
      flattenEvidence(cert.evidence),
    );
  });

  it('compacting twice changes nothing', () => {
    const evidence = dmarc('example.nl', 'x'.repeat(5000)).evidence;
    const once = compactEvidenceValue(evidence);
    expect(compactEvidenceValue(once)).toEqual(once);
  });
});

describe('shared findings and evidence', () => {
  it('keeps a host finding that many domains share once in state.json and once in memory after a restart', async () => {
    const store = new EmbeddedStore({ dir, writeDelayMs: 60_000 });
    await store.open();
    const names = Array.from({ length: 50 }, (_, i) => `customer${i}.example`);
    for (const name of names) store.putDomain(domainWith(name, [certificate('mx1.hoster.example')]));
    await store.snapshot();
    const text = await readFile(store.statePath, 'utf8');
    expect(text.split('"sha256":').length - 1).toBe(1);
    await store.close();

    const again = new EmbeddedStore({ dir });
    await again.open();
    const key = 'starttls.certificate|mx1.hoster.example/192.0.2.10';
    const first = confirmed(again, names[0]!, key);
    expect(first?.summary).toBe('rsa 2048 certificate for mx1.hoster.example, valid until 2027-02-20');
    expect(first?.evidence.daysLeft).toBe(89);
    for (const name of names) expect(confirmed(again, name, key)).toBe(first);
    await again.close();
  });

  it('stores the compact form but leaves the caller’s finding (which alerts and history use) untouched', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    const full = dmarc('example.nl', 'y'.repeat(1000));
    store.putDomain(domainWith('example.nl', [full]));
    expect(full.evidence.record).toHaveLength(1000);
    const kept = confirmed(store, 'example.nl', 'dmarc.policy|example.nl');
    expect(String(kept?.evidence.record).startsWith('y'.repeat(300))).toBe(true);
    expect(kept?.evidence.record).toContain('(700 more characters)');
    await store.close();
  });
});

describe('snapshot and journal', () => {
  it('appends only what changed to the journal, leaves state.json alone, and folds the journal in at the next start', async () => {
    const store = new EmbeddedStore({ dir, writeDelayMs: 60_000 });
    await store.open();
    for (let i = 0; i < 20; i++) store.putDomain(domainWith(`d${i}.example`, [certificate('mx1.hoster.example')]));
    await store.snapshot();
    const snapshot = await readFile(store.statePath, 'utf8');
    store.putDomain(domainWith('d3.example', [dmarc('d3.example', 'v=DMARC1; p=none')], { reports: 7 }));
    store.removeDomain('d4.example');
    store.putGlobal({ lastDigestAt: '2025-01-01T00:00:00.000Z' });
    await store.flush();
    expect(await readFile(store.statePath, 'utf8')).toBe(snapshot);
    const lines = (await readFile(store.journalPath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(Object.keys(record.domains)).toEqual(['d3.example']);
    expect(record.removed).toEqual(['d4.example']);
    expect(record.global).toEqual({ lastDigestAt: '2025-01-01T00:00:00.000Z' });
    await store.close();

    const again = new EmbeddedStore({ dir });
    await again.open();
    expect(again.domain('d3.example')?.reports).toBe(7);
    expect(confirmed(again, 'd3.example', 'dmarc.policy|d3.example')?.evidence.record).toBe('v=DMARC1; p=none');
    expect(again.domain('d4.example')).toBeUndefined();
    expect(again.domain('d5.example')?.reports).toBe(1);
    expect(again.global().lastDigestAt).toBe('2025-01-01T00:00:00.000Z');
    // The start wrote a snapshot that stands alone, and backed it up.
    expect(await readdir(dir)).not.toContain('state.journal');
    expect(await readFile(join(dir, 'state.json.bak'), 'utf8')).toBe(await readFile(again.statePath, 'utf8'));
    await again.close();
  });

  it('writes nothing when nothing changed', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    store.putDomain(domainWith('a.example', []));
    await store.flush();
    const writes = store.writeStats().writes;
    const before = await Promise.all([stat(store.statePath), stat(store.journalPath)]);
    await store.flush();
    await store.flush();
    expect(store.writeStats().writes).toBe(writes);
    expect(store.writeStats().skipped).toBeGreaterThanOrEqual(2);
    const after = await Promise.all([stat(store.statePath), stat(store.journalPath)]);
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    await store.close();
  });

  it('ignores a torn last journal line (a crash during a flush) but refuses a damaged line in the middle', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    store.putDomain(domainWith('a.example', [], { reports: 1 }));
    await store.flush();
    store.putDomain(domainWith('a.example', [], { reports: 2 }));
    await store.flush();
    await store.close();
    const journal = await readFile(join(dir, 'state.journal'), 'utf8');
    await writeFile(join(dir, 'state.journal'), `${journal}{"journal":"x","domains":{"a.exa`);
    const torn = new EmbeddedStore({ dir });
    await torn.open();
    expect(torn.domain('a.example')?.reports).toBe(2);
    await torn.close();

    const lines = journal.split('\n');
    await writeFile(join(dir, 'state.journal'), `${lines[0]}\n{"journal":"bad\n${lines[1]}\n`);
    const error = await new EmbeddedStore({ dir }).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDamagedError);
    expect((error as Error).message).toMatch(
      /state\.journal is damaged \(line 2: .*A copy was kept at .*state\.journal\.damaged-/s,
    );
  });

  it('never replays a journal older than the snapshot (a crash between writing the snapshot and removing the journal)', async () => {
    const store = new EmbeddedStore({ dir });
    await store.open();
    store.putDomain(domainWith('a.example', [], { reports: 1 }));
    await store.flush();
    const old = await readFile(join(dir, 'state.journal'), 'utf8');
    store.putDomain(domainWith('a.example', [], { reports: 5 }));
    await store.snapshot();
    await store.close();
    await writeFile(join(dir, 'state.journal'), old);
    const again = new EmbeddedStore({ dir });
    await again.open();
    expect(again.domain('a.example')?.reports).toBe(5);
    await again.close();
  });

  it('after a failed write, the next one writes everything (nothing is lost)', async () => {
    const errors: unknown[] = [];
    const store = new EmbeddedStore({ dir, onWriteError: (error) => errors.push(error) });
    await store.open();
    store.putDomain(domainWith('a.example', [certificate('mx1.hoster.example')]));
    await store.flush();
    await rm(store.journalPath);
    await mkdir(store.journalPath); // appending to a directory fails
    store.putDomain(domainWith('b.example', [dmarc('b.example', 'v=DMARC1; p=reject')]));
    await expect(store.flush()).rejects.toThrow();
    await rm(store.journalPath, { recursive: true });
    await store.flush();
    await store.close();
    const again = new EmbeddedStore({ dir });
    await again.open();
    expect(confirmed(again, 'a.example', 'starttls.certificate|mx1.hoster.example/192.0.2.10')?.status).toBe('ok');
    expect(confirmed(again, 'b.example', 'dmarc.policy|b.example')?.evidence.record).toBe('v=DMARC1; p=reject');
    await again.close();
  });

  it('reads a format-1 state file (every finding inline) and writes format 2 from then on', async () => {
    const v1 = {
      version: 1,
      domains: { 'a.example': domainWith('a.example', [certificate('mx1.hoster.example')], { nextDueAt: 'z' }) },
      global: {},
      outbox: {},
      delivered: { o1: '2025-01-01T00:00:00Z' },
    };
    await writeFile(join(dir, 'state.json'), JSON.stringify(v1));
    const store = new EmbeddedStore({ dir });
    await store.open();
    expect(store.domain('a.example')?.nextDueAt).toBe('z');
    expect(store.wasDelivered('o1')).toBe(true);
    store.putGlobal({ lastDigestAt: 'x' });
    await store.close();
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).version).toBe(2);
    const again = new EmbeddedStore({ dir });
    await again.open();
    expect(confirmed(again, 'a.example', 'starttls.certificate|mx1.hoster.example/192.0.2.10')?.evidence.daysLeft).toBe(
      89,
    );
    await again.close();
  });
});
