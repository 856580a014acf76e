/**
 * A StateStore held in memory, for the HTTP and report tests until the SQLite store can be used in its place. It is
 * filled only through the interface (syncDomains, commitBatch), like the real stores; its queries follow the
 * contract's comments (store.ts). Not a product: src/ has the real stores.
 */
import { type Status, worstStatus } from '../../src/model.ts';
import type {
  BatchCommitResult,
  BatchWrite,
  ComplianceQuery,
  ComplianceRow,
  ConfiguredDomain,
  DomainListPage,
  DomainListQuery,
  DomainListRow,
  HistoryQuery,
  OpenAlertRow,
  OutboxStats,
  RecordVersion,
  RecordVersionQuery,
  ScheduleEntry,
  StateStore,
  StoreStats,
} from '../../src/state/store.ts';
import type { DomainState, GlobalState, HistoryEntry, OutboxEntry, Silence } from '../../src/state/types.ts';

interface Period {
  status: Status;
  from: number;
  to?: number;
}

const RANK: Record<string, number> = { unchecked: -1, ok: 0, info: 1, error: 2, warn: 3, fail: 4 };

export class FixtureStore implements StateStore {
  readonly kind = 'sqlite' as const;
  readonly location = 'memory (test fixture)';
  readonly #now: () => Date;
  readonly #domains = new Map<string, { tags: string[]; retired: boolean }>();
  readonly #states = new Map<string, DomainState>();
  readonly #history: HistoryEntry[] = [];
  readonly #periods = new Map<string, Period[]>();
  readonly #records: RecordVersion[] = [];
  readonly #outbox = new Map<string, OutboxEntry>();
  #global: GlobalState = {};

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async syncDomains(domains: readonly ConfiguredDomain[]): Promise<void> {
    const names = new Set(domains.map((d) => d.name));
    for (const [name, entry] of this.#domains) if (!names.has(name)) entry.retired = true;
    for (const domain of domains) this.#domains.set(domain.name, { tags: [...domain.tags], retired: false });
  }

  async *schedule(): AsyncIterable<ScheduleEntry> {
    for (const [name, entry] of this.#domains) {
      if (entry.retired) continue;
      const state = this.#states.get(name);
      yield {
        domain: name,
        ...(state?.nextDueAt ? { nextDueAt: state.nextDueAt } : {}),
        inFlight: state?.inFlightSince !== undefined,
      };
    }
  }

  async loadDomains(names: readonly string[]): Promise<Map<string, DomainState>> {
    const found = new Map<string, DomainState>();
    for (const name of names) {
      const state = this.#states.get(name);
      if (state) found.set(name, structuredClone(state));
    }
    return found;
  }

  async markInFlight(names: readonly string[], at: string): Promise<void> {
    for (const name of names) {
      const state = this.#states.get(name) ?? { domain: name, findings: {}, reports: 0 };
      this.#states.set(name, { ...state, inFlightSince: at });
    }
  }

  async commitBatch(batch: BatchWrite): Promise<BatchCommitResult> {
    for (const state of batch.domains) {
      const { inFlightSince: _, ...rest } = structuredClone(state);
      this.#states.set(state.domain, rest);
    }
    this.#history.push(...batch.history);
    this.#history.sort((a, b) => a.at.localeCompare(b.at));
    for (const observation of batch.standards) {
      const key = `${observation.domain}|${observation.standard}`;
      const periods = this.#periods.get(key) ?? [];
      const at = Date.parse(observation.at);
      const open = periods.at(-1);
      if (open && open.to === undefined) {
        if (open.status === observation.status) continue;
        open.to = at;
      }
      periods.push({ status: observation.status, from: at });
      this.#periods.set(key, periods);
    }
    for (const observation of batch.records) {
      const newest = this.#records.find(
        (r) => r.domain === observation.domain && r.kind === observation.kind && r.subject === observation.subject,
      );
      if (newest && newest.value === observation.value) newest.lastSeen = observation.at;
      else
        this.#records.unshift({
          domain: observation.domain,
          kind: observation.kind,
          subject: observation.subject,
          value: observation.value,
          firstSeen: observation.at,
          lastSeen: observation.at,
        });
    }
    const outboxAdded: string[] = [];
    for (const entry of batch.outbox) {
      if (this.#outbox.has(entry.id)) continue;
      this.#outbox.set(entry.id, entry);
      outboxAdded.push(entry.id);
    }
    if (batch.global) this.#global = batch.global;
    return { outboxAdded };
  }

  async global(): Promise<GlobalState> {
    return structuredClone(this.#global);
  }

  async dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return [...this.#outbox.values()].filter((e) => !e.deadAt && e.nextAttemptAt <= now).slice(0, limit);
  }
  async waitingOutbox(now: string, limit: number, of?: { route: string; channel: string }): Promise<OutboxEntry[]> {
    return [...this.#outbox.values()]
      .filter((e) => !e.deadAt && e.attempts === 0 && e.nextAttemptAt > now)
      .filter((e) => !of || (e.route === of.route && e.channel === of.channel))
      .slice(0, limit);
  }
  async listOutbox(filter?: { dead?: boolean }): Promise<OutboxEntry[]> {
    return [...this.#outbox.values()].filter((e) => (filter?.dead ? e.deadAt !== undefined : e.deadAt === undefined));
  }
  async saveAttempt(entry: OutboxEntry): Promise<void> {
    this.#outbox.set(entry.id, entry);
  }
  async completeOutbox(id: string): Promise<void> {
    this.#outbox.delete(id);
  }
  async deadLetter(id: string, reason: string, at: string): Promise<void> {
    const entry = this.#outbox.get(id);
    if (entry) this.#outbox.set(id, { ...entry, lastError: reason, deadAt: at });
  }
  async retryOutbox(id: string, at: string): Promise<boolean> {
    const entry = this.#outbox.get(id);
    if (!entry) return false;
    const { deadAt: _, ...rest } = entry;
    this.#outbox.set(id, { ...rest, nextAttemptAt: at });
    return true;
  }
  async dropOutbox(id: string): Promise<boolean> {
    return this.#outbox.delete(id);
  }
  async outboxStats(): Promise<OutboxStats> {
    const entries = [...this.#outbox.values()];
    return { pending: entries.filter((e) => !e.deadAt).length, dead: entries.filter((e) => e.deadAt).length };
  }

  async *openAlerts(): AsyncIterable<OpenAlertRow> {
    for (const [domain, state] of this.#states) {
      for (const tracked of Object.values(state.findings)) {
        if (!tracked.open) continue;
        const check = tracked.confirmed?.check ?? tracked.open.change.check;
        const subject = tracked.confirmed?.subject ?? tracked.open.change.subject;
        yield { domain, check, subject, alert: tracked.open };
      }
    }
  }
  async listSilences(): Promise<Silence[]> {
    return [];
  }
  async putSilence(): Promise<void> {}
  async removeSilence(): Promise<boolean> {
    return false;
  }

  async readHistory(query: HistoryQuery): Promise<HistoryEntry[]> {
    const rows = this.#history.filter(
      (e) =>
        (query.domain === undefined || e.domain === query.domain) &&
        (query.since === undefined || e.at >= query.since) &&
        (query.until === undefined || e.at < query.until),
    );
    return query.limit === undefined ? rows : rows.slice(0, query.limit);
  }

  async compliance(query: ComplianceQuery): Promise<ComplianceRow[]> {
    const from = Date.parse(query.from);
    const to = Math.min(Date.parse(query.to), this.#now().getTime());
    const rows: ComplianceRow[] = [];
    for (const [key, periods] of this.#periods) {
      const [domain, standard] = key.split('|') as [string, string];
      if (query.domains && !query.domains.includes(domain)) continue;
      if (query.tag && !this.#domains.get(domain)?.tags.includes(query.tag)) continue;
      if (query.standards && !query.standards.includes(standard)) continue;
      let compliantMs = 0;
      let knownMs = 0;
      let nonCompliantPeriods = 0;
      for (const period of periods) {
        const start = Math.max(from, period.from);
        const end = Math.min(to, period.to ?? this.#now().getTime());
        if (end <= start) continue;
        if (period.status !== 'error') knownMs += end - start;
        if (period.status === 'ok' || period.status === 'info') compliantMs += end - start;
        if (period.status === 'warn' || period.status === 'fail') nonCompliantPeriods++;
      }
      rows.push({ domain, standard, compliantMs, knownMs, nonCompliantPeriods });
    }
    return rows;
  }

  async recordVersions(query: RecordVersionQuery): Promise<RecordVersion[]> {
    const rows = this.#records.filter(
      (r) => r.domain === query.domain && (query.kind === undefined || r.kind === query.kind),
    );
    return query.limit === undefined ? rows : rows.slice(0, query.limit);
  }

  #row(name: string, tags: string[]): DomainListRow {
    const state = this.#states.get(name);
    const confirmed = Object.values(state?.findings ?? {}).flatMap((t) => (t.confirmed ? [t.confirmed.status] : []));
    return {
      domain: name,
      tags,
      status: confirmed.length > 0 ? worstStatus(confirmed) : null,
      standards: { ...(state?.standards ?? {}) },
      openAlerts: Object.values(state?.findings ?? {}).filter((t) => t.open).length,
      lastCheckedAt: state?.lastCheckedAt ?? null,
      nextDueAt: state?.nextDueAt ?? null,
    };
  }

  async listDomains(query: DomainListQuery): Promise<DomainListPage> {
    let rows = [...this.#domains]
      .filter(([, entry]) => !entry.retired)
      .map(([name, entry]) => this.#row(name, entry.tags));
    if (query.search) rows = rows.filter((r) => r.domain.includes(query.search!));
    if (query.tag) rows = rows.filter((r) => r.tags.includes(query.tag!));
    if (query.standard) {
      rows = rows.filter((r) =>
        query.status ? r.standards[query.standard!] === query.status : r.standards[query.standard!] !== undefined,
      );
    } else if (query.status) rows = rows.filter((r) => r.status === query.status);
    const sort = query.sort ?? 'domain';
    const value = (r: DomainListRow): string | number =>
      sort === 'status'
        ? RANK[r.status ?? 'unchecked']!
        : sort === 'openAlerts'
          ? r.openAlerts
          : sort === 'lastChecked'
            ? (r.lastCheckedAt ?? '')
            : r.domain;
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = x < y ? -1 : x > y ? 1 : a.domain.localeCompare(b.domain);
      return query.descending && x !== y ? -order : order;
    });
    return { total: rows.length, rows: rows.slice(query.offset, query.offset + query.limit) };
  }

  async stats(now: string): Promise<StoreStats> {
    const byStatus: StoreStats['byStatus'] = { ok: 0, info: 0, warn: 0, fail: 0, error: 0, unchecked: 0 };
    let overdue = 0;
    let openAlerts = 0;
    let domains = 0;
    for (const [name, entry] of this.#domains) {
      if (entry.retired) continue;
      domains++;
      const row = this.#row(name, entry.tags);
      byStatus[row.status ?? 'unchecked']++;
      openAlerts += row.openAlerts;
      if (row.nextDueAt !== null && row.nextDueAt < now) overdue++;
    }
    return { domains, byStatus, overdue, openAlerts };
  }

  async compactHistory(): Promise<number> {
    return 0;
  }
}
