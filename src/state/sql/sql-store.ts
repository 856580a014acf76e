import { type Kysely, type SqlBool, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Status } from '../../model.ts';
import {
  type BatchCommitResult,
  type BatchWrite,
  type ComplianceQuery,
  type ComplianceRow,
  type ConfiguredDomain,
  type DomainListPage,
  type DomainListQuery,
  type DomainListRow,
  type HistoryQuery,
  type OpenAlertRow,
  type OutboxStats,
  type RecordVersion,
  type RecordVersionQuery,
  type ScheduleEntry,
  StateDamagedError,
  type StateStore,
  StateStoreError,
  type StoreKind,
  type StoreStats,
} from '../store.ts';
import type { DomainState, GlobalState, HistoryEntry, OutboxEntry, Silence } from '../types.ts';
import { writeBatch } from './batch-writer.ts';
import { chunks, containsPattern, optionalIso, outboxEntry, toIso, toMs } from './rows.ts';
import { migrations } from './schema.ts';
import type { Tables } from './tables.ts';

/** Names per `IN (…)` list: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const IN_CHUNK = 500;
/** Rows per page of the streamed reads (schedule, open alerts). */
const PAGE = 5000;
/** Delivered outbox ids are remembered this long, so a re-enqueue of a delivered notice is dropped. */
export const DELIVERED_KEPT_MS = 7 * 24 * 3600_000;
const GLOBAL = 'global';

/**
 * The StateStore on SQL, shared by SQLite and PostgreSQL: every query is written once with Kysely. A subclass
 * connects (and locks), says which SQL functions its dialect spells differently, and maps its driver's errors to
 * the store's typed errors.
 */
export abstract class SqlStateStore implements StateStore {
  abstract readonly kind: StoreKind;
  abstract readonly location: string;
  #db: Kysely<Tables> | undefined;

  /** Connects, takes the lock where there is one, and checks the database can be read. */
  protected abstract connect(): Promise<Kysely<Tables>>;
  /** The dialect's error, as a StateStoreError when it is one of the known kinds; undefined when it is a bug. */
  protected abstract classify(error: unknown, doing: string): StateStoreError | undefined;
  /** Scalar minimum/maximum of several values (`min`/`max` in SQLite, `least`/`greatest` in PostgreSQL). */
  protected abstract readonly leastFn: string;
  protected abstract readonly greatestFn: string;

  protected get db(): Kysely<Tables> {
    if (!this.#db) throw new StateStoreError(`the state database ${this.location} is not open`);
    return this.#db;
  }

  async open(): Promise<void> {
    if (this.#db) return;
    const db = await this.guard('open', () => this.connect());
    try {
      await this.migrate(db);
    } catch (error) {
      await db.destroy().catch(() => {});
      throw error;
    }
    this.#db = db;
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) await db.destroy();
  }

  private async migrate(db: Kysely<Tables>): Promise<void> {
    const migrator = new Migrator({ db, provider: migrations(this.kind) });
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    const message = error instanceof Error ? error.message : String(error);
    if (/corrupted migrations|missing/i.test(message))
      throw new StateDamagedError(
        `the state database ${this.location} has a schema this mailwarden does not know (${message}); ` +
          'was it written by a newer version?',
      );
    throw this.translate(error, 'migrate the schema of');
  }

  /** Runs a database call; a failure becomes the store's typed error naming the database. */
  protected async guard<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.translate(error, doing);
    }
  }

  private translate(error: unknown, doing: string): unknown {
    if (error instanceof StateStoreError) return error;
    return this.classify(error, doing) ?? error;
  }

  // ── schedule and domain state ──────────────────────────────────────────────────────────────────────────────────

  async syncDomains(domains: readonly ConfiguredDomain[], at: string): Promise<void> {
    const retiredAt = toMs(at);
    await this.guard('update the domain list in', async () => {
      const known = new Map<string, { tags: string; retired: boolean }>();
      for await (const row of this.pages((after) =>
        this.db
          .selectFrom('domains')
          .select(['name', 'tags', 'retired_at'])
          .where('name', '>', after)
          .orderBy('name')
          .limit(PAGE)
          .execute(),
      ))
        known.set(row.name, { tags: row.tags, retired: row.retired_at !== null });
      const configured = new Set<string>();
      const changed: { name: string; tags: string[]; isNew: boolean }[] = [];
      for (const domain of domains) {
        configured.add(domain.name);
        const tags = [...new Set(domain.tags)];
        const before = known.get(domain.name);
        if (!before) changed.push({ name: domain.name, tags, isNew: true });
        else if (before.retired || before.tags !== JSON.stringify(tags))
          changed.push({ name: domain.name, tags, isNew: false });
      }
      const leaving = [...known].filter(([name, row]) => !row.retired && !configured.has(name)).map(([name]) => name);
      if (changed.length === 0 && leaving.length === 0) return;
      // Idempotent under concurrency (workers of a cluster starting together read the same list and write the same
      // rows): a domain another writer added meanwhile is updated, a tag it wrote is kept, nothing fails on a duplicate.
      await this.db.transaction().execute(async (trx) => {
        for (const part of chunks(changed, 100)) {
          await trx
            .insertInto('domains')
            .values(part.map((d) => ({ name: d.name, tags: JSON.stringify(d.tags) })))
            .onConflict((conflict) =>
              conflict.column('name').doUpdateSet({ tags: (eb) => eb.ref('excluded.tags'), retired_at: null }),
            )
            .execute();
          const names = part.filter((d) => !d.isNew).map((d) => d.name);
          if (names.length > 0) await trx.deleteFrom('domain_tags').where('domain', 'in', names).execute();
          const tagRows = part.flatMap((d) => d.tags.map((tag) => ({ domain: d.name, tag })));
          for (const rows of chunks(tagRows, 200))
            await trx
              .insertInto('domain_tags')
              .values(rows)
              .onConflict((conflict) => conflict.columns(['domain', 'tag']).doNothing())
              .execute();
        }
        for (const names of chunks(leaving, IN_CHUNK))
          await trx.updateTable('domains').set({ retired_at: retiredAt }).where('name', 'in', names).execute();
      });
    });
  }

  async *schedule(): AsyncIterable<ScheduleEntry> {
    for await (const row of this.pages((after) =>
      this.guard('read the schedule from', () =>
        this.db
          .selectFrom('domains')
          .select(['name', 'next_due_at', 'in_flight_since'])
          .where('retired_at', 'is', null)
          .where('name', '>', after)
          .orderBy('name')
          .limit(PAGE)
          .execute(),
      ),
    )) {
      const entry: ScheduleEntry = { domain: row.name, inFlight: row.in_flight_since !== null };
      if (row.next_due_at !== null) entry.nextDueAt = toIso(row.next_due_at);
      yield entry;
    }
  }

  /** Streams a table in name order, one page at a time (keyset paging: no offset scans). */
  private async *pages<R extends { name: string }>(page: (after: string) => Promise<R[]>): AsyncIterable<R> {
    let after = '';
    for (;;) {
      const rows = await page(after);
      yield* rows;
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = last.name;
    }
  }

  async loadDomains(names: readonly string[]): Promise<Map<string, DomainState>> {
    return this.guard('load domains from', async () => {
      const states = new Map<string, DomainState>();
      for (const part of chunks([...new Set(names)], IN_CHUNK)) {
        const rows = await this.db
          .selectFrom('domain_states')
          .innerJoin('domains', 'domains.name', 'domain_states.name')
          .select(['domain_states.name', 'domain_states.state', 'domains.in_flight_since'])
          .where('domain_states.name', 'in', part)
          .execute();
        for (const row of rows) {
          const state = JSON.parse(row.state) as DomainState;
          if (row.in_flight_since !== null) state.inFlightSince = toIso(row.in_flight_since);
          states.set(row.name, state);
        }
      }
      return states;
    });
  }

  async markInFlight(names: readonly string[], at: string): Promise<void> {
    const since = toMs(at);
    await this.guard('mark a batch in', async () => {
      await this.db.transaction().execute(async (trx) => {
        for (const part of chunks(names, IN_CHUNK))
          await trx.updateTable('domains').set({ in_flight_since: since }).where('name', 'in', part).execute();
      });
    });
  }

  async commitBatch(batch: BatchWrite): Promise<BatchCommitResult> {
    return this.guard('write a batch to', () => this.db.transaction().execute((trx) => writeBatch(trx, batch)));
  }

  async global(): Promise<GlobalState> {
    return this.guard('read the global state from', async () => {
      const row = await this.db
        .selectFrom('global_state')
        .select('value')
        .where('name', '=', GLOBAL)
        .executeTakeFirst();
      return row ? (JSON.parse(row.value) as GlobalState) : {};
    });
  }

  // ── outbox ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.guard('read the outbox of', async () => {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('dead_at', 'is', null)
        .where('next_attempt_at', '<=', toMs(now))
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(outboxEntry);
    });
  }

  async waitingOutbox(now: string, limit: number, of?: { route: string; channel: string }): Promise<OutboxEntry[]> {
    return this.guard('read the outbox of', async () => {
      let query = this.db
        .selectFrom('outbox')
        .selectAll()
        .where('dead_at', 'is', null)
        .where('attempts', '=', 0)
        .where('next_attempt_at', '>', toMs(now));
      if (of) query = query.where('route', '=', of.route).where('channel', '=', of.channel);
      const rows = await query.orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(outboxEntry);
    });
  }

  async listOutbox(filter: { dead?: boolean } = {}): Promise<OutboxEntry[]> {
    return this.guard('read the outbox of', async () => {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('dead_at', filter.dead ? 'is not' : 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(outboxEntry);
    });
  }

  async saveAttempt(entry: OutboxEntry): Promise<void> {
    await this.guard('record a delivery attempt in', () =>
      this.db
        .updateTable('outbox')
        .set({
          attempts: entry.attempts,
          next_attempt_at: toMs(entry.nextAttemptAt),
          last_error: entry.lastError ?? null,
        })
        .where('id', '=', entry.id)
        .execute(),
    );
  }

  async completeOutbox(id: string, at: string): Promise<void> {
    const deliveredAt = toMs(at);
    await this.guard('record a delivery in', () =>
      this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('outbox').where('id', '=', id).execute();
        await trx
          .insertInto('delivered')
          .values({ id, delivered_at: deliveredAt })
          .onConflict((oc) => oc.column('id').doUpdateSet({ delivered_at: deliveredAt }))
          .execute();
        await trx
          .deleteFrom('delivered')
          .where('delivered_at', '<', deliveredAt - DELIVERED_KEPT_MS)
          .execute();
      }),
    );
  }

  async deadLetter(id: string, reason: string, at: string): Promise<void> {
    await this.guard('dead-letter an outbox entry in', () =>
      this.db
        .updateTable('outbox')
        .set({ dead_at: toMs(at), last_error: reason })
        .where('id', '=', id)
        .execute(),
    );
  }

  async retryOutbox(id: string, at: string): Promise<boolean> {
    return this.guard('retry an outbox entry in', async () => {
      const result = await this.db
        .updateTable('outbox')
        .set({ dead_at: null, next_attempt_at: toMs(at) })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  async dropOutbox(id: string): Promise<boolean> {
    return this.guard('drop an outbox entry from', async () => {
      const result = await this.db.deleteFrom('outbox').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async outboxStats(): Promise<OutboxStats> {
    return this.guard('count the outbox of', async () => {
      const row = await this.db
        .selectFrom('outbox')
        .select((eb) => [
          eb.fn.count<number>(eb.case().when('dead_at', 'is', null).then(1).end()).as('pending'),
          eb.fn.count<number>(eb.case().when('dead_at', 'is not', null).then(1).end()).as('dead'),
          eb.fn.min<number | null>(eb.case().when('dead_at', 'is', null).then(eb.ref('created_at')).end()).as('oldest'),
          eb.fn
            .min<number | null>(eb.case().when('dead_at', 'is', null).then(eb.ref('next_attempt_at')).end())
            .as('next'),
        ])
        .executeTakeFirstOrThrow();
      const stats: OutboxStats = { pending: Number(row.pending), dead: Number(row.dead) };
      const oldest = optionalIso(row.oldest);
      const next = optionalIso(row.next);
      if (oldest) stats.oldestCreatedAt = oldest;
      if (next) stats.nextAttemptAt = next;
      return stats;
    });
  }

  // ── open alerts and silences ───────────────────────────────────────────────────────────────────────────────────

  async *openAlerts(): AsyncIterable<OpenAlertRow> {
    let after: [string, string, string] | undefined;
    for (;;) {
      const from = after;
      const rows = await this.guard('read open alerts from', () =>
        this.db
          .selectFrom('open_alerts')
          .select(['domain', 'check_id', 'subject', 'alert'])
          // A domain that left the configuration keeps its rows (and history) but raises nothing any more.
          .where('domain', 'in', (eb) => eb.selectFrom('domains').select('name').where('retired_at', 'is', null))
          .$if(from !== undefined, (q) =>
            q.where((eb) =>
              eb(eb.refTuple('domain', 'check_id', 'subject'), '>', eb.tuple(...(from as [string, string, string]))),
            ),
          )
          .orderBy('domain')
          .orderBy('check_id')
          .orderBy('subject')
          .limit(PAGE)
          .execute(),
      );
      for (const row of rows)
        yield { domain: row.domain, check: row.check_id, subject: row.subject, alert: JSON.parse(row.alert) };
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = [last.domain, last.check_id, last.subject];
    }
  }

  async listSilences(now?: string): Promise<Silence[]> {
    return this.guard('read silences from', async () => {
      const rows = await this.db
        .selectFrom('silences')
        .select('silence')
        .$if(now !== undefined, (q) => q.where('ends_at', '>', toMs(now as string)))
        .orderBy('starts_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => JSON.parse(row.silence) as Silence);
    });
  }

  async putSilence(silence: Silence): Promise<void> {
    const row = {
      id: silence.id,
      starts_at: toMs(silence.startsAt),
      ends_at: toMs(silence.endsAt),
      silence: JSON.stringify(silence),
    };
    await this.guard('write a silence to', () =>
      this.db
        .insertInto('silences')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ starts_at: row.starts_at, ends_at: row.ends_at, silence: row.silence }),
        )
        .execute(),
    );
  }

  async removeSilence(id: string): Promise<boolean> {
    return this.guard('remove a silence from', async () => {
      const result = await this.db.deleteFrom('silences').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  // ── history, compliance, record versions, overview ─────────────────────────────────────────────────────────────

  async readHistory(query: HistoryQuery): Promise<HistoryEntry[]> {
    return this.guard('read history from', async () => {
      const newestFirst = query.limit !== undefined;
      const rows = await this.db
        .selectFrom('history')
        .select('entry')
        .$if(query.domain !== undefined, (q) => q.where('domain', '=', query.domain as string))
        .$if(query.since !== undefined, (q) => q.where('at', '>=', toMs(query.since as string)))
        .$if(query.until !== undefined, (q) => q.where('at', '<', toMs(query.until as string)))
        .orderBy('at', newestFirst ? 'desc' : 'asc')
        .orderBy('id', newestFirst ? 'desc' : 'asc')
        .$if(newestFirst, (q) => q.limit(query.limit as number))
        .execute();
      const entries = rows.map((row) => JSON.parse(row.entry) as HistoryEntry);
      return newestFirst ? entries.reverse() : entries;
    });
  }

  async compliance(query: ComplianceQuery): Promise<ComplianceRow[]> {
    const from = toMs(query.from);
    const to = toMs(query.to);
    const end = Math.min(to, Date.now());
    if (query.domains !== undefined && query.domains.length === 0) return [];
    const domainSets = query.domains === undefined ? [undefined] : chunks([...new Set(query.domains)], 20_000);
    return this.guard('compute compliance in', async () => {
      const out: ComplianceRow[] = [];
      for (const domains of domainSets) out.push(...(await this.complianceOf(from, end, to, query, domains)));
      return out;
    });
  }

  /** One indexed query: periods that overlap [from, to), clipped to the window and summed per domain and standard. */
  private async complianceOf(
    from: number,
    end: number,
    to: number,
    query: ComplianceQuery,
    domains: string[] | undefined,
  ): Promise<ComplianceRow[]> {
    const least = sql.raw(this.leastFn);
    const greatest = sql.raw(this.greatestFn);
    const duration = sql<number>`${greatest}(0, ${least}(until, ${end}) - ${greatest}(since, ${from}))`;
    const rows = await this.db
      .selectFrom('standard_periods')
      .select((eb) => [
        'domain',
        'standard',
        eb.fn
          .sum<number>(eb.case().when('status', 'in', ['ok', 'info']).then(duration).else(sql<number>`0`).end())
          .as('compliant'),
        eb.fn
          .sum<number>(eb.case().when('status', '<>', 'error').then(duration).else(sql<number>`0`).end())
          .as('known'),
        eb.fn.count<number>(eb.case().when('status', 'in', ['warn', 'fail']).then(1).end()).as('bad'),
      ])
      .where('until', '>', from)
      .where('since', '<', to)
      .$if(domains !== undefined, (q) => q.where('domain', 'in', domains as string[]))
      .$if(query.tag !== undefined, (q) =>
        q.where('domain', 'in', (eb) =>
          eb
            .selectFrom('domain_tags')
            .select('domain')
            .where('tag', '=', query.tag as string),
        ),
      )
      .$if(query.standards !== undefined, (q) =>
        q.where('standard', 'in', query.standards?.length ? [...(query.standards as string[])] : ['']),
      )
      .groupBy(['domain', 'standard'])
      .orderBy('domain')
      .orderBy('standard')
      .execute();
    return rows.map((row) => ({
      domain: row.domain,
      standard: row.standard,
      compliantMs: Number(row.compliant ?? 0),
      knownMs: Number(row.known ?? 0),
      nonCompliantPeriods: Number(row.bad),
    }));
  }

  async recordVersions(query: RecordVersionQuery): Promise<RecordVersion[]> {
    return this.guard('read record versions from', async () => {
      const rows = await this.db
        .selectFrom('record_versions')
        .select(['domain', 'kind', 'subject', 'value', 'first_seen', 'last_seen'])
        .where('domain', '=', query.domain)
        .$if(query.kind !== undefined, (q) => q.where('kind', '=', query.kind as string))
        .orderBy('first_seen', 'desc')
        .orderBy('id', 'desc')
        .$if(query.limit !== undefined, (q) => q.limit(query.limit as number))
        .execute();
      return rows.map((row) => ({
        domain: row.domain,
        kind: row.kind,
        subject: row.subject,
        value: row.value,
        firstSeen: toIso(row.first_seen),
        lastSeen: toIso(row.last_seen),
      }));
    });
  }

  async listDomains(query: DomainListQuery): Promise<DomainListPage> {
    return this.guard('list domains in', async () => {
      const filtered = this.db
        .selectFrom('domains')
        .where('retired_at', 'is', null)
        .$if(query.search !== undefined && query.search !== '', (q) =>
          q.where(sql<SqlBool>`lower(name) like ${containsPattern(query.search as string)} escape '\\'`),
        )
        .$if(query.tag !== undefined, (q) =>
          q.where('name', 'in', (eb) =>
            eb
              .selectFrom('domain_tags')
              .select('domain')
              .where('tag', '=', query.tag as string),
          ),
        )
        .$if(query.standard !== undefined, (q) =>
          q.where('name', 'in', (eb) =>
            eb
              .selectFrom('standard_status')
              .select('domain')
              .where('standard', '=', query.standard as string)
              .$if(query.status !== undefined, (s) => s.where('status', '=', query.status as string)),
          ),
        )
        .$if(query.standard === undefined && query.status !== undefined, (q) =>
          q.where('worst_status', '=', query.status as string),
        );
      const { total } = await filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      const direction = query.descending ? 'desc' : 'asc';
      const sortKey = (
        { domain: 'name', status: 'status_rank', lastChecked: 'last_checked_at', openAlerts: 'open_alerts' } as const
      )[query.sort ?? 'domain'];
      // Never-checked domains sort as the oldest (NULLs first ascending, last descending: SQLite's own order, which
      // lets it read the (retired_at, key, name) indexes in order).
      const rows = await filtered
        .select(['name', 'tags', 'worst_status', 'open_alerts', 'last_checked_at', 'next_due_at'])
        .orderBy(sortKey, (ob) => (query.descending ? ob.desc().nullsLast() : ob.asc().nullsFirst()))
        .orderBy('name', direction)
        .limit(query.limit)
        .offset(query.offset)
        .execute();
      const standards = new Map<string, Record<string, Status>>();
      if (rows.length > 0) {
        const statusRows = await this.db
          .selectFrom('standard_status')
          .select(['domain', 'standard', 'status'])
          .where(
            'domain',
            'in',
            rows.map((row) => row.name),
          )
          .orderBy('domain')
          .orderBy('standard')
          .execute();
        for (const row of statusRows) {
          const map = standards.get(row.domain) ?? {};
          map[row.standard] = row.status as Status;
          standards.set(row.domain, map);
        }
      }
      return {
        total: Number(total),
        rows: rows.map(
          (row): DomainListRow => ({
            domain: row.name,
            tags: JSON.parse(row.tags) as string[],
            status: row.worst_status as Status | null,
            standards: standards.get(row.name) ?? {},
            openAlerts: Number(row.open_alerts),
            lastCheckedAt: optionalIso(row.last_checked_at) ?? null,
            nextDueAt: optionalIso(row.next_due_at) ?? null,
          }),
        ),
      };
    });
  }

  async stats(now: string): Promise<StoreStats> {
    const at = toMs(now);
    return this.guard('count the domains of', async () => {
      const rows = await this.db
        .selectFrom('domains')
        .select((eb) => [
          'worst_status',
          eb.fn.countAll<number>().as('domains'),
          eb.fn.count<number>(eb.case().when('next_due_at', '<', at).then(1).end()).as('overdue'),
          eb.fn.sum<number>('open_alerts').as('alerts'),
        ])
        .where('retired_at', 'is', null)
        .groupBy('worst_status')
        .execute();
      const stats: StoreStats = {
        domains: 0,
        byStatus: { ok: 0, info: 0, warn: 0, fail: 0, error: 0, unchecked: 0 },
        overdue: 0,
        openAlerts: 0,
      };
      for (const row of rows) {
        const count = Number(row.domains);
        stats.domains += count;
        stats.byStatus[(row.worst_status as Status | null) ?? 'unchecked'] += count;
        stats.overdue += Number(row.overdue);
        stats.openAlerts += Number(row.alerts ?? 0);
      }
      return stats;
    });
  }

  async compactHistory(olderThan: string): Promise<number> {
    const before = toMs(olderThan);
    return this.guard('compact the history of', () =>
      this.db.transaction().execute(async (trx) => {
        const history = await trx.deleteFrom('history').where('at', '<', before).executeTakeFirst();
        const periods = await trx.deleteFrom('standard_periods').where('until', '<', before).executeTakeFirst();
        const versions = await trx.deleteFrom('record_versions').where('superseded_at', '<', before).executeTakeFirst();
        return [history, periods, versions].reduce((sum, result) => sum + Number(result.numDeletedRows), 0);
      }),
    );
  }
}
