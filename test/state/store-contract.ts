import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/model.ts';
import type { BatchWrite, StateStore } from '../../src/state/store.ts';
import type { DomainState, HistoryEntry, OutboxEntry, Silence } from '../../src/state/types.ts';

/**
 * The one behaviour every StateStore must have, run against each implementation (sqlite-store.test.ts,
 * postgres-store.test.ts). `fresh` gives a new, empty, opened store; `reopen` closes it and opens the same database.
 */
export interface StoreUnderTest {
  fresh(): Promise<StateStore>;
  reopen(store: StateStore): Promise<StateStore>;
  /**
   * `count` more writers on the database of the last fresh() store: PostgreSQL opens new stores on it (several daemons
   * share it); SQLite gives the same store back (one process owns the file), so their calls overlap in one process.
   */
  peers(store: StateStore, count: number): Promise<StateStore[]>;
  /** Removes what fresh() made (files, databases). */
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3600_000;
/** An ISO time `hours` after 2026-01-01T00:00Z. */
export const at = (hours: number): string => new Date(T0 + hours * HOUR).toISOString();

function finding(check: string, status: Status, subject = 'example.nl'): Finding {
  return { check, subject, status, summary: `${check} is ${status}`, evidence: { record: 'v=spf1 -all' } };
}

/** A checked domain with confirmed findings (and optionally an open alert on the first). */
export function domainState(
  domain: string,
  statuses: Record<string, Status>,
  options: { openAlert?: boolean; checkedAt?: string; nextDueAt?: string } = {},
): DomainState {
  const findings: DomainState['findings'] = {};
  let first = true;
  for (const [check, status] of Object.entries(statuses)) {
    const confirmed = finding(check, status, domain);
    findings[`${check}|${domain}`] = {
      confirmed,
      errorCount: 0,
      ...(first && options.openAlert
        ? {
            open: {
              kind: 'regression' as const,
              since: at(1),
              lastNotifiedAt: at(1),
              change: { kind: 'regression' as const, domain, check, subject: domain, after: confirmed, at: at(1) },
            },
          }
        : {}),
    };
    first = false;
  }
  return {
    domain,
    findings,
    reports: 2,
    lastCheckedAt: options.checkedAt ?? at(1),
    nextDueAt: options.nextDueAt ?? at(2),
    standards: Object.fromEntries(Object.entries(statuses).map(([check, s]) => [check.split('.')[0], s])),
  };
}

function outbox(id: string, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    route: 'ops',
    channel: 'slack',
    createdAt: at(1),
    attempts: 0,
    nextAttemptAt: at(1),
    notices: [{ key: `n-${id}`, type: 'regression', tags: ['prod'], at: at(1) }],
    ...overrides,
  };
}

function history(domain: string, hours: number, check = 'spf.policy'): HistoryEntry {
  return {
    at: at(hours),
    domain,
    kind: 'regression',
    check,
    subject: domain,
    before: { status: 'ok', summary: 'fine', evidence: {} },
    after: { status: 'fail', summary: 'broken', evidence: { record: 'v=spf1 +all' } },
  };
}

const empty: BatchWrite = { domains: [], history: [], standards: [], records: [], outbox: [] };
const batch = (parts: Partial<BatchWrite>): BatchWrite => ({ ...empty, ...parts });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export function storeContract(name: string, subject: StoreUnderTest): void {
  describe(`${name} store contract`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await subject.fresh();
    });
    afterEach(async () => {
      await store.close();
      await subject.cleanup();
    });

    it('keeps domains, outbox, delivered ids and the global state across a reopen', async () => {
      await store.syncDomains([{ name: 'example.nl', tags: ['prod'] }], at(0));
      await store.commitBatch(
        batch({
          domains: [domainState('example.nl', { 'spf.policy': 'ok' })],
          outbox: [outbox('o1'), outbox('o2')],
          global: { lastDigestAt: at(1) },
        }),
      );
      await store.completeOutbox('o2', at(1));
      store = await subject.reopen(store);
      const loaded = await store.loadDomains(['example.nl']);
      expect(loaded.get('example.nl')).toEqual(domainState('example.nl', { 'spf.policy': 'ok' }));
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o1']);
      expect(await store.global()).toEqual({ lastDigestAt: at(1) });
      const again = await store.commitBatch(batch({ outbox: [outbox('o2')] }));
      expect(again.outboxAdded).toEqual([]);
    });

    it('syncs the configured domains: adds, retags, retires and brings back, idempotently', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: ['prod'] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      await store.syncDomains(
        [
          { name: 'a.nl', tags: ['prod'] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(['a.nl', 'b.nl']);
      await store.syncDomains(
        [
          { name: 'b.nl', tags: ['new'] },
          { name: 'c.nl', tags: [] },
        ],
        at(1),
      );
      expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(['b.nl', 'c.nl']);
      const page = await store.listDomains({ offset: 0, limit: 10 });
      expect(page.rows.map((r) => [r.domain, r.tags])).toEqual([
        ['b.nl', ['new']],
        ['c.nl', []],
      ]);
      expect((await store.listDomains({ offset: 0, limit: 10, tag: 'prod' })).total).toBe(0);
      await store.syncDomains([{ name: 'a.nl', tags: ['prod'] }], at(2));
      expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(['a.nl']);
      expect((await store.listDomains({ offset: 0, limit: 10, tag: 'prod' })).total).toBe(1);
    });

    it('syncs the same domain list from several writers at once (workers starting together) without duplicate rows', async () => {
      const peers = await subject.peers(store, 2);
      const writers = [store, ...peers];
      const domains = Array.from({ length: 300 }, (_, i) => ({
        name: `d${String(i).padStart(3, '0')}.nl`,
        tags: i % 2 === 0 ? ['prod', 'eu'] : [],
      }));
      try {
        await Promise.all(writers.map((writer) => writer.syncDomains(domains, at(0))));
        expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(domains.map((d) => d.name));
        expect((await store.listDomains({ offset: 0, limit: 1, tag: 'prod' })).total).toBe(150);
        // Retagging and retiring at once, too.
        const kept = domains.slice(0, 200).map((d) => ({ name: d.name, tags: ['new', 'prod'] }));
        await Promise.all(writers.map((writer) => writer.syncDomains(kept, at(1))));
        expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(kept.map((d) => d.name));
        expect((await store.listDomains({ offset: 0, limit: 1, tag: 'new' })).total).toBe(200);
        expect((await store.listDomains({ offset: 0, limit: 1, tag: 'eu' })).total).toBe(0);
        // And bringing retired domains back.
        await Promise.all(writers.map((writer) => writer.syncDomains(domains, at(2))));
        expect((await collect(store.schedule())).map((e) => e.domain)).toEqual(domains.map((d) => d.name));
        expect((await store.listDomains({ offset: 0, limit: 1, tag: 'eu' })).total).toBe(150);
      } finally {
        for (const peer of peers) if (peer !== store) await peer.close();
      }
    });

    it('streams the schedule with due times and in-flight marks, and a commit clears the mark', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: [] },
          { name: 'b.nl', tags: [] },
          { name: 'c.nl', tags: [] },
        ],
        at(0),
      );
      await store.commitBatch(batch({ domains: [domainState('a.nl', { 'spf.policy': 'ok' }, { nextDueAt: at(5) })] }));
      await store.markInFlight(['b.nl', 'c.nl'], at(3));
      expect(await collect(store.schedule())).toEqual([
        { domain: 'a.nl', nextDueAt: at(5), inFlight: false },
        { domain: 'b.nl', inFlight: true },
        { domain: 'c.nl', inFlight: true },
      ]);
      await store.commitBatch(batch({ domains: [domainState('b.nl', { 'spf.policy': 'ok' }, { nextDueAt: at(6) })] }));
      const schedule = await collect(store.schedule());
      expect(schedule.find((e) => e.domain === 'b.nl')).toEqual({ domain: 'b.nl', nextDueAt: at(6), inFlight: false });
      expect(schedule.find((e) => e.domain === 'c.nl')?.inFlight).toBe(true);
    });

    it('loads only the asked domains that have a state, with their in-flight mark', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: [] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      const a = domainState('a.nl', { 'spf.policy': 'warn', 'dmarc.policy': 'ok' });
      await store.commitBatch(batch({ domains: [a] }));
      await store.markInFlight(['a.nl'], at(4));
      const loaded = await store.loadDomains(['a.nl', 'b.nl', 'nowhere.nl']);
      expect([...loaded.keys()]).toEqual(['a.nl']);
      expect(loaded.get('a.nl')).toEqual({ ...a, inFlightSince: at(4) });
      expect((await store.loadDomains([])).size).toBe(0);
    });

    it('writes nothing of a batch that fails part-way (one transaction)', async () => {
      await store.syncDomains([{ name: 'a.nl', tags: [] }], at(0));
      const before = domainState('a.nl', { 'spf.policy': 'ok' });
      await store.commitBatch(batch({ domains: [before] }));
      const failing = batch({
        domains: [domainState('a.nl', { 'spf.policy': 'fail' }, { openAlert: true })],
        history: [history('a.nl', 2)],
        standards: [{ domain: 'a.nl', standard: 'spf', status: 'fail', at: at(2) }],
        records: [{ domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v=spf1 +all', at: at(2) }],
        outbox: [outbox('good'), outbox('bad', { nextAttemptAt: 'not a time' })],
      });
      await expect(store.commitBatch(failing)).rejects.toThrow();
      expect((await store.loadDomains(['a.nl'])).get('a.nl')).toEqual(before);
      expect(await store.readHistory({})).toEqual([]);
      expect(await store.listOutbox()).toEqual([]);
      expect(await collect(store.openAlerts())).toEqual([]);
      expect(await store.recordVersions({ domain: 'a.nl' })).toEqual([]);
      expect(await store.compliance({ from: at(0), to: at(10) })).toEqual([]);
      expect((await store.commitBatch(batch({ outbox: [outbox('good')] }))).outboxAdded).toEqual(['good']);
    });

    it('lists the entries waiting out their groupWait, oldest first and bounded', async () => {
      await store.commitBatch(
        batch({
          outbox: [
            outbox('later', { nextAttemptAt: at(3), createdAt: at(0) }),
            outbox('due', { nextAttemptAt: at(1), createdAt: at(0) }),
            outbox('retried', { nextAttemptAt: at(4), createdAt: at(0), attempts: 1 }),
            outbox('latest', { nextAttemptAt: at(5), createdAt: at(1) }),
            outbox('last', { nextAttemptAt: at(5), createdAt: at(2) }),
          ],
        }),
      );
      expect((await store.waitingOutbox(at(2), 10)).map((entry) => entry.id)).toEqual(['later', 'latest', 'last']);
      expect((await store.waitingOutbox(at(2), 2)).map((entry) => entry.id)).toEqual(['later', 'latest']);
      expect((await store.waitingOutbox(at(5), 10)).map((entry) => entry.id)).toEqual([]);
      await store.commitBatch(
        batch({ outbox: [outbox('other-route', { route: 'dev', nextAttemptAt: at(3), createdAt: at(0) })] }),
      );
      const of = { route: 'ops', channel: 'slack' };
      expect((await store.waitingOutbox(at(2), 10, of)).map((entry) => entry.id)).toEqual(['later', 'latest', 'last']);
      expect((await store.waitingOutbox(at(2), 10)).map((entry) => entry.id)).toContain('other-route');
    });

    it('skips an outbox id that is pending or was delivered, and reports what it added', async () => {
      const first = await store.commitBatch(batch({ outbox: [outbox('o1'), outbox('o2')] }));
      expect(first.outboxAdded).toEqual(['o1', 'o2']);
      const second = await store.commitBatch(batch({ outbox: [outbox('o1', { route: 'other' }), outbox('o3')] }));
      expect(second.outboxAdded).toEqual(['o3']);
      expect((await store.listOutbox()).find((e) => e.id === 'o1')?.route).toBe('ops');
      await store.completeOutbox('o1', at(2));
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o2', 'o3']);
      expect((await store.commitBatch(batch({ outbox: [outbox('o1')] }))).outboxAdded).toEqual([]);
      // Delivered ids are forgotten after 7 days: the next delivery prunes them.
      await store.completeOutbox('o2', at(2 + 24 * 8));
      expect((await store.commitBatch(batch({ outbox: [outbox('o1')] }))).outboxAdded).toEqual(['o1']);
    });

    it('hands out due entries oldest first, records attempts, dead-letters, retries and drops', async () => {
      await store.commitBatch(
        batch({
          outbox: [
            outbox('late', { createdAt: at(1), nextAttemptAt: at(9) }),
            outbox('second', { createdAt: at(2), nextAttemptAt: at(2) }),
            outbox('first', { createdAt: at(1), nextAttemptAt: at(3) }),
          ],
        }),
      );
      expect((await store.dueOutbox(at(5), 10)).map((e) => e.id)).toEqual(['first', 'second']);
      expect((await store.dueOutbox(at(5), 1)).map((e) => e.id)).toEqual(['first']);
      expect(await store.dueOutbox(at(0), 10)).toEqual([]);
      const first = (await store.dueOutbox(at(5), 1))[0] as OutboxEntry;
      await store.saveAttempt({ ...first, attempts: 1, nextAttemptAt: at(6), lastError: 'HTTP 503' });
      expect((await store.dueOutbox(at(5), 10)).map((e) => e.id)).toEqual(['second']);
      expect((await store.listOutbox()).find((e) => e.id === 'first')).toEqual({
        ...first,
        attempts: 1,
        nextAttemptAt: at(6),
        lastError: 'HTTP 503',
      });
      await store.deadLetter('second', 'HTTP 400 invalid payload', at(5));
      expect((await store.dueOutbox(at(5), 10)).map((e) => e.id)).toEqual([]);
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['first', 'late']);
      const dead = await store.listOutbox({ dead: true });
      expect(dead.map((e) => [e.id, e.lastError, e.deadAt])).toEqual([['second', 'HTTP 400 invalid payload', at(5)]]);
      expect(await store.outboxStats()).toEqual({
        pending: 2,
        dead: 1,
        oldestCreatedAt: at(1),
        nextAttemptAt: at(6),
      });
      expect(await store.retryOutbox('second', at(7))).toBe(true);
      expect((await store.dueOutbox(at(7), 10)).map((e) => e.id)).toEqual(['first', 'second']);
      expect((await store.listOutbox({ dead: true })).length).toBe(0);
      expect(await store.retryOutbox('nope', at(7))).toBe(false);
      expect(await store.dropOutbox('late')).toBe(true);
      expect(await store.dropOutbox('late')).toBe(false);
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['first', 'second']);
      await store.completeOutbox('first', at(8));
      await store.completeOutbox('second', at(8));
      expect(await store.outboxStats()).toEqual({ pending: 0, dead: 0 });
    });

    it('derives open alerts from the domain states it is given', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: [] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      await store.commitBatch(
        batch({
          domains: [
            domainState('a.nl', { 'spf.policy': 'fail', 'dmarc.policy': 'ok' }, { openAlert: true }),
            domainState('b.nl', { 'dane.match': 'fail' }, { openAlert: true }),
          ],
        }),
      );
      const open = await collect(store.openAlerts());
      expect(open.map((a) => [a.domain, a.check, a.subject, a.alert.kind, a.alert.since])).toEqual([
        ['a.nl', 'spf.policy', 'a.nl', 'regression', at(1)],
        ['b.nl', 'dane.match', 'b.nl', 'regression', at(1)],
      ]);
      expect(open[0]?.alert.change.after?.status).toBe('fail');
      expect((await store.stats(at(0))).openAlerts).toBe(2);
      await store.commitBatch(batch({ domains: [domainState('a.nl', { 'spf.policy': 'ok' })] }));
      expect((await collect(store.openAlerts())).map((a) => a.domain)).toEqual(['b.nl']);
      const page = await store.listDomains({ offset: 0, limit: 10, sort: 'openAlerts', descending: true });
      expect(page.rows.map((r) => [r.domain, r.openAlerts])).toEqual([
        ['b.nl', 1],
        ['a.nl', 0],
      ]);
    });

    it('replaces the open alerts of a domain whose alerts changed, and keeps the others as they are', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: [] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      const a = domainState('a.nl', { 'spf.policy': 'fail' }, { openAlert: true });
      const b = domainState('b.nl', { 'dane.match': 'fail' }, { openAlert: true });
      await store.commitBatch(batch({ domains: [a, b] }));
      await store.commitBatch(batch({ domains: [a, b] }));
      const reminded = structuredClone(a);
      reminded.findings['spf.policy|a.nl']!.open!.lastNotifiedAt = at(5);
      await store.commitBatch(batch({ domains: [reminded, b] }));
      const open = await collect(store.openAlerts());
      expect(open.map((alert) => [alert.domain, alert.check, alert.alert.lastNotifiedAt])).toEqual([
        ['a.nl', 'spf.policy', at(5)],
        ['b.nl', 'dane.match', at(1)],
      ]);
    });

    it('keeps silences until they end or are removed', async () => {
      const silence = (id: string, from: number, to: number): Silence => ({
        id,
        domains: ['a.nl'],
        startsAt: at(from),
        endsAt: at(to),
        comment: `maintenance ${id}`,
        createdBy: 'ops',
        source: 'cli',
      });
      await store.putSilence(silence('past', 0, 1));
      await store.putSilence(silence('now', 1, 5));
      await store.putSilence(silence('later', 6, 8));
      expect((await store.listSilences(at(2))).map((s) => s.id)).toEqual(['now', 'later']);
      expect((await store.listSilences()).map((s) => s.id)).toEqual(['past', 'now', 'later']);
      await store.putSilence({ ...silence('now', 1, 1.5), comment: 'shorter' });
      expect((await store.listSilences(at(2))).map((s) => s.id)).toEqual(['later']);
      expect((await store.listSilences()).find((s) => s.id === 'now')?.comment).toBe('shorter');
      expect(await store.removeSilence('later')).toBe(true);
      expect(await store.removeSilence('later')).toBe(false);
      expect(await store.listSilences(at(2))).toEqual([]);
    });

    it('reads history by domain and time, oldest first; a limit keeps the newest', async () => {
      await store.commitBatch(batch({ history: [history('a.nl', 1), history('b.nl', 2), history('a.nl', 3)] }));
      await store.commitBatch(batch({ history: [history('a.nl', 5, 'dmarc.policy')] }));
      expect((await store.readHistory({})).map((h) => [h.domain, h.at])).toEqual([
        ['a.nl', at(1)],
        ['b.nl', at(2)],
        ['a.nl', at(3)],
        ['a.nl', at(5)],
      ]);
      expect((await store.readHistory({ domain: 'a.nl', since: at(3) })).map((h) => h.at)).toEqual([at(3), at(5)]);
      expect((await store.readHistory({ until: at(3) })).map((h) => h.at)).toEqual([at(1), at(2)]);
      expect((await store.readHistory({ domain: 'a.nl', limit: 2 })).map((h) => h.at)).toEqual([at(3), at(5)]);
      expect((await store.readHistory({ domain: 'b.nl' }))[0]).toEqual(history('b.nl', 2));
    });

    it('computes time in compliance per domain and standard, clipped to the window', async () => {
      await store.syncDomains(
        [
          { name: 'a.nl', tags: ['gov'] },
          { name: 'b.nl', tags: [] },
        ],
        at(0),
      );
      const observe = (domain: string, standard: string, status: Status, hours: number) =>
        store.commitBatch(batch({ standards: [{ domain, standard, status, at: at(hours) }] }));
      await observe('a.nl', 'spf', 'ok', 0);
      await observe('a.nl', 'spf', 'fail', 10);
      await observe('a.nl', 'spf', 'fail', 11); // unchanged: no new period
      await observe('a.nl', 'spf', 'ok', 12);
      await observe('a.nl', 'spf', 'error', 18);
      await observe('a.nl', 'spf', 'info', 19);
      await observe('a.nl', 'dmarc', 'warn', 2);
      await observe('a.nl', 'dmarc', 'ok', 4); // a period entirely before the window is not counted
      await observe('b.nl', 'spf', 'ok', 30); // starts after the window
      const rows = await store.compliance({ from: at(5), to: at(20) });
      expect(rows).toEqual([
        // dmarc ok from 4 (open), clipped to [5, 20)
        { domain: 'a.nl', standard: 'dmarc', compliantMs: 15 * HOUR, knownMs: 15 * HOUR, nonCompliantPeriods: 0 },
        // spf: ok 5–10, fail 10–12, ok 12–18, error 18–19 (unknown), info 19–20
        { domain: 'a.nl', standard: 'spf', compliantMs: 12 * HOUR, knownMs: 14 * HOUR, nonCompliantPeriods: 1 },
      ]);
      expect(await store.compliance({ from: at(0), to: at(5), standards: ['dmarc'] })).toEqual([
        { domain: 'a.nl', standard: 'dmarc', compliantMs: 1 * HOUR, knownMs: 3 * HOUR, nonCompliantPeriods: 1 },
      ]);
      expect((await store.compliance({ from: at(0), to: at(40), tag: 'gov' })).map((r) => r.domain)).toEqual([
        'a.nl',
        'a.nl',
      ]);
      expect(await store.compliance({ from: at(0), to: at(40), domains: ['b.nl'] })).toEqual([
        { domain: 'b.nl', standard: 'spf', compliantMs: 10 * HOUR, knownMs: 10 * HOUR, nonCompliantPeriods: 0 },
      ]);
      expect(await store.compliance({ from: at(0), to: at(40), domains: [] })).toEqual([]);
    });

    it('counts an open period up to now when the window reaches into the future', async () => {
      const now = Date.now();
      await store.commitBatch(
        batch({
          standards: [{ domain: 'a.nl', standard: 'dane', status: 'ok', at: new Date(now - 2 * HOUR).toISOString() }],
        }),
      );
      const [row] = await store.compliance({
        from: new Date(now - HOUR).toISOString(),
        to: new Date(now + 10 * HOUR).toISOString(),
      });
      expect(row?.knownMs).toBeGreaterThanOrEqual(HOUR);
      expect(row?.knownMs).toBeLessThan(HOUR + 60_000);
      expect(row?.compliantMs).toBe(row?.knownMs);
    });

    it('applies several observations of one standard or record within one batch in order', async () => {
      await store.commitBatch(
        batch({
          domains: [domainState('a.nl', { 'spf.policy': 'ok' }), domainState('a.nl', { 'spf.policy': 'fail' })],
          standards: [
            { domain: 'a.nl', standard: 'spf', status: 'ok', at: at(0) },
            { domain: 'a.nl', standard: 'spf', status: 'fail', at: at(2) },
            { domain: 'a.nl', standard: 'spf', status: 'ok', at: at(3) },
          ],
          records: [
            { domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v1', at: at(0) },
            { domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v1', at: at(1) },
            { domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v2', at: at(2) },
          ],
          outbox: [outbox('twice'), outbox('twice', { route: 'other' })],
        }),
      );
      expect(await store.compliance({ from: at(0), to: at(4) })).toEqual([
        { domain: 'a.nl', standard: 'spf', compliantMs: 3 * HOUR, knownMs: 4 * HOUR, nonCompliantPeriods: 1 },
      ]);
      expect((await store.recordVersions({ domain: 'a.nl' })).map((v) => [v.value, v.firstSeen, v.lastSeen])).toEqual([
        ['v2', at(2), at(2)],
        ['v1', at(0), at(1)],
      ]);
      expect((await store.loadDomains(['a.nl'])).get('a.nl')?.findings['spf.policy|a.nl']?.confirmed?.status).toBe(
        'fail',
      );
      expect((await store.listOutbox()).map((e) => [e.id, e.route])).toEqual([['twice', 'ops']]);
    });

    it('keeps record versions with first and last seen, newest first', async () => {
      const seen = (kind: string, subject: string, value: string, hours: number) => ({
        domain: 'a.nl',
        kind,
        subject,
        value,
        at: at(hours),
      });
      await store.commitBatch(
        batch({ records: [seen('spf', 'a.nl', 'v=spf1 -all', 1), seen('mx', 'a.nl', 'mx1', 1)] }),
      );
      await store.commitBatch(batch({ records: [seen('spf', 'a.nl', 'v=spf1 -all', 2)] }));
      await store.commitBatch(batch({ records: [seen('spf', 'a.nl', 'v=spf1 ~all', 3)] }));
      await store.commitBatch(batch({ records: [seen('spf', 'a.nl', 'v=spf1 ~all', 4)] }));
      await store.commitBatch(batch({ records: [seen('spf', 'a.nl', 'v=spf1 -all', 5)] }));
      const spf = await store.recordVersions({ domain: 'a.nl', kind: 'spf' });
      expect(spf.map((v) => [v.value, v.firstSeen, v.lastSeen])).toEqual([
        ['v=spf1 -all', at(5), at(5)],
        ['v=spf1 ~all', at(3), at(4)],
        ['v=spf1 -all', at(1), at(2)],
      ]);
      expect((await store.recordVersions({ domain: 'a.nl' })).length).toBe(4);
      expect((await store.recordVersions({ domain: 'a.nl', kind: 'spf', limit: 1 }))[0]?.value).toBe('v=spf1 -all');
      expect(await store.recordVersions({ domain: 'b.nl' })).toEqual([]);
    });

    it('lists domains with filter, sort and paging on the server', async () => {
      await store.syncDomains(
        [
          { name: 'alpha.nl', tags: ['gov'] },
          { name: 'beta.nl', tags: ['gov', 'prod'] },
          { name: 'gamma.com', tags: [] },
          { name: 'delta.nl', tags: ['prod'] },
          { name: 'unchecked.nl', tags: [] },
          { name: 'x_y.nl', tags: [] },
        ],
        at(0),
      );
      await store.commitBatch(
        batch({
          domains: [
            domainState('alpha.nl', { 'spf.policy': 'ok' }, { checkedAt: at(3) }),
            domainState(
              'beta.nl',
              { 'spf.policy': 'fail', 'dmarc.policy': 'ok' },
              { checkedAt: at(1), openAlert: true },
            ),
            domainState('gamma.com', { 'spf.policy': 'warn' }, { checkedAt: at(2) }),
            domainState('delta.nl', { 'spf.policy': 'error' }, { checkedAt: at(4) }),
            domainState('x_y.nl', { 'spf.policy': 'ok' }, { checkedAt: at(5) }),
          ],
          standards: [
            { domain: 'alpha.nl', standard: 'spf', status: 'ok', at: at(3) },
            { domain: 'beta.nl', standard: 'spf', status: 'fail', at: at(1) },
            { domain: 'beta.nl', standard: 'dmarc', status: 'ok', at: at(1) },
            { domain: 'gamma.com', standard: 'spf', status: 'warn', at: at(2) },
          ],
        }),
      );
      const names = async (query: Parameters<StateStore['listDomains']>[0]) => {
        const page = await store.listDomains(query);
        return [page.total, page.rows.map((r) => r.domain)];
      };
      expect(await names({ offset: 0, limit: 2 })).toEqual([6, ['alpha.nl', 'beta.nl']]);
      expect(await names({ offset: 2, limit: 2 })).toEqual([6, ['delta.nl', 'gamma.com']]);
      expect(await names({ offset: 0, limit: 3, descending: true })).toEqual([
        6,
        ['x_y.nl', 'unchecked.nl', 'gamma.com'],
      ]);
      expect(await names({ offset: 0, limit: 10, search: 'TA' })).toEqual([2, ['beta.nl', 'delta.nl']]);
      expect(await names({ offset: 0, limit: 10, search: '_' })).toEqual([1, ['x_y.nl']]);
      expect(await names({ offset: 0, limit: 10, tag: 'gov' })).toEqual([2, ['alpha.nl', 'beta.nl']]);
      expect(await names({ offset: 0, limit: 10, tag: 'prod', search: 'del' })).toEqual([1, ['delta.nl']]);
      expect(await names({ offset: 0, limit: 10, status: 'ok' })).toEqual([2, ['alpha.nl', 'x_y.nl']]);
      expect(await names({ offset: 0, limit: 10, standard: 'dmarc', status: 'ok' })).toEqual([1, ['beta.nl']]);
      expect(await names({ offset: 0, limit: 10, standard: 'spf', status: 'ok' })).toEqual([1, ['alpha.nl']]);
      expect(await names({ offset: 0, limit: 10, standard: 'spf' })).toEqual([3, ['alpha.nl', 'beta.nl', 'gamma.com']]);
      expect(await names({ offset: 0, limit: 10, sort: 'status', descending: true })).toEqual([
        6,
        ['beta.nl', 'gamma.com', 'delta.nl', 'x_y.nl', 'alpha.nl', 'unchecked.nl'],
      ]);
      expect(await names({ offset: 0, limit: 10, sort: 'lastChecked' })).toEqual([
        6,
        ['unchecked.nl', 'beta.nl', 'gamma.com', 'alpha.nl', 'delta.nl', 'x_y.nl'],
      ]);
      const page = await store.listDomains({ offset: 0, limit: 10, search: 'beta' });
      expect(page.rows).toEqual([
        {
          domain: 'beta.nl',
          tags: ['gov', 'prod'],
          status: 'fail',
          standards: { dmarc: 'ok', spf: 'fail' },
          openAlerts: 1,
          lastCheckedAt: at(1),
          nextDueAt: at(2),
        },
      ]);
      const unchecked = await store.listDomains({ offset: 0, limit: 1, search: 'unchecked' });
      expect(unchecked.rows[0]).toMatchObject({ status: null, standards: {}, lastCheckedAt: null, nextDueAt: null });
    });

    it('counts domains by status, overdue domains and open alerts', async () => {
      await store.syncDomains(
        ['a.nl', 'b.nl', 'c.nl', 'd.nl', 'gone.nl'].map((name) => ({ name, tags: [] })),
        at(0),
      );
      await store.commitBatch(
        batch({
          domains: [
            domainState('a.nl', { 'spf.policy': 'ok' }, { nextDueAt: at(1) }),
            domainState('b.nl', { 'spf.policy': 'fail', 'dkim.key': 'ok' }, { nextDueAt: at(9), openAlert: true }),
            domainState('c.nl', { 'spf.policy': 'ok', 'dkim.key': 'warn' }, { nextDueAt: at(2) }),
            domainState('gone.nl', { 'spf.policy': 'fail' }, { nextDueAt: at(0), openAlert: true }),
          ],
        }),
      );
      await store.syncDomains(
        ['a.nl', 'b.nl', 'c.nl', 'd.nl'].map((name) => ({ name, tags: [] })),
        at(1),
      );
      expect(await store.stats(at(5))).toEqual({
        domains: 4,
        byStatus: { ok: 1, info: 0, warn: 1, fail: 1, error: 0, unchecked: 1 },
        overdue: 2,
        openAlerts: 1,
      });
      expect((await collect(store.openAlerts())).map((alert) => alert.domain)).toEqual(['b.nl']);
    });

    it('compacts history, closed periods and superseded record versions older than the retention', async () => {
      await store.commitBatch(
        batch({
          history: [history('a.nl', 1), history('a.nl', 30)],
          standards: [{ domain: 'a.nl', standard: 'spf', status: 'ok', at: at(0) }],
          records: [{ domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v1', at: at(0) }],
        }),
      );
      await store.commitBatch(
        batch({
          standards: [{ domain: 'a.nl', standard: 'spf', status: 'fail', at: at(2) }],
          records: [{ domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v2', at: at(2) }],
        }),
      );
      // Removed: history at 1, the ok period 0–2, the v1 version superseded at 2. The open period and v2 stay.
      expect(await store.compactHistory(at(10))).toBe(3);
      expect((await store.readHistory({})).map((h) => h.at)).toEqual([at(30)]);
      expect((await store.recordVersions({ domain: 'a.nl' })).map((v) => v.value)).toEqual(['v2']);
      expect(await store.compliance({ from: at(0), to: at(12) })).toEqual([
        { domain: 'a.nl', standard: 'spf', compliantMs: 0, knownMs: 10 * HOUR, nonCompliantPeriods: 1 },
      ]);
      expect(await store.compactHistory(at(10))).toBe(0);
    });

    it('replaces the global state only when a batch carries one', async () => {
      expect(await store.global()).toEqual({});
      await store.commitBatch(batch({ global: { resolverDown: { since: at(1), detail: 'SERVFAIL' } } }));
      await store.commitBatch(batch({ history: [history('a.nl', 2)] }));
      expect(await store.global()).toEqual({ resolverDown: { since: at(1), detail: 'SERVFAIL' } });
      await store.commitBatch(batch({ global: {} }));
      expect(await store.global()).toEqual({});
    });

    it('streams more schedule entries and open alerts than one page', async () => {
      const names = Array.from({ length: 5200 }, (_, i) => `d${String(i).padStart(5, '0')}.nl`);
      await store.syncDomains(
        names.map((name) => ({ name, tags: [] })),
        at(0),
      );
      const schedule = await collect(store.schedule());
      expect(schedule.length).toBe(5200);
      expect(schedule.at(-1)?.domain).toBe('d05199.nl');
      const states = names
        .slice(0, 5100)
        .map((name) => domainState(name, { 'spf.policy': 'fail' }, { openAlert: true }));
      for (let i = 0; i < states.length; i += 1000)
        await store.commitBatch(batch({ domains: states.slice(i, i + 1000) }));
      const open = await collect(store.openAlerts());
      expect(open.length).toBe(5100);
      expect(new Set(open.map((a) => a.domain)).size).toBe(5100);
      expect((await store.loadDomains(names)).size).toBe(5100);
    });
  });
}
