import type { Transaction } from 'kysely';
import type { BatchCommitResult, BatchWrite } from '../store.ts';
import type { DomainState } from '../types.ts';
import { chunks, outboxRow, statusRank, storedState, toMs, worstConfirmed } from './rows.ts';
import { OPEN_END, type Tables } from './tables.ts';

/** Rows per multi-row INSERT: 100 rows × ≤ 10 columns stays far below either dialect's bound-parameter limit. */
const ROWS = 100;
const IN_CHUNK = 500;

/**
 * Writes one batch inside the caller's transaction with a fixed, small number of statements per batch (not per
 * domain): the current standard statuses, record versions and known outbox ids of the whole batch are read once,
 * compared in memory, and written back as multi-row statements. On PostgreSQL each statement is a round trip, so
 * this is what keeps a 50-domain batch at a few milliseconds.
 */
export async function writeBatch(trx: Transaction<Tables>, batch: BatchWrite): Promise<BatchCommitResult> {
  await writeDomains(trx, batch.domains);
  await writeStandards(trx, batch.standards);
  await writeRecords(trx, batch.records);
  for (const rows of chunks(batch.history, ROWS))
    await trx
      .insertInto('history')
      .values(
        rows.map((entry) => ({
          domain: entry.domain,
          at: toMs(entry.at),
          kind: entry.kind,
          check_id: entry.check,
          subject: entry.subject,
          entry: JSON.stringify(entry),
        })),
      )
      .execute();
  const outboxAdded = await writeOutbox(trx, batch.outbox);
  if (batch.global) {
    const value = JSON.stringify(batch.global);
    await trx
      .insertInto('global_state')
      .values({ name: 'global', value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }
  return { outboxAdded };
}

async function writeDomains(trx: Transaction<Tables>, states: readonly DomainState[]): Promise<void> {
  // The last state given for a domain wins (one row may not be upserted twice in one statement).
  const byName = new Map(states.map((state) => [state.domain, state]));
  const rows = [...byName.values()].map((state) => {
    const worst = worstConfirmed(state);
    return {
      name: state.domain,
      next_due_at: state.nextDueAt === undefined ? null : toMs(state.nextDueAt),
      last_checked_at: state.lastCheckedAt === undefined ? null : toMs(state.lastCheckedAt),
      in_flight_since: null,
      worst_status: worst,
      status_rank: statusRank(worst),
      open_alerts: Object.values(state.findings).filter((tracked) => tracked.open).length,
    };
  });
  for (const part of chunks(rows, ROWS))
    await trx
      .insertInto('domains')
      .values(part)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          next_due_at: eb.ref('excluded.next_due_at'),
          last_checked_at: eb.ref('excluded.last_checked_at'),
          in_flight_since: eb.ref('excluded.in_flight_since'),
          worst_status: eb.ref('excluded.worst_status'),
          status_rank: eb.ref('excluded.status_rank'),
          open_alerts: eb.ref('excluded.open_alerts'),
        })),
      )
      .execute();
  for (const part of chunks([...byName.values()], ROWS))
    await trx
      .insertInto('domain_states')
      .values(part.map((state) => ({ name: state.domain, state: storedState(state) })))
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })))
      .execute();
  await writeOpenAlerts(trx, [...byName.values()]);
}

/**
 * Open alerts are derived from the states. Only a domain whose open alerts changed has its rows replaced: a steady
 * check of a domain with ten failing findings rewrote ten rows every cycle, which on PostgreSQL left as many dead rows
 * (the largest table of a fleet, after two sweeps, was this churn).
 */
async function writeOpenAlerts(trx: Transaction<Tables>, states: readonly DomainState[]): Promise<void> {
  const key = (row: { domain: string; check_id: string; subject: string }) =>
    `${row.domain}\n${row.check_id}\n${row.subject}`;
  const wanted = new Map<string, Map<string, Tables['open_alerts']>>();
  for (const state of states) {
    const rows = new Map<string, Tables['open_alerts']>();
    for (const tracked of Object.values(state.findings)) {
      const open = tracked.open;
      if (!open) continue;
      const row = {
        domain: state.domain,
        check_id: open.change.check,
        subject: open.change.subject,
        since: toMs(open.since),
        alert: JSON.stringify(open),
      };
      rows.set(key(row), row);
    }
    wanted.set(state.domain, rows);
  }
  const stored = new Map<string, Map<string, string>>();
  for (const names of chunks([...wanted.keys()], IN_CHUNK))
    for (const row of await trx
      .selectFrom('open_alerts')
      .select(['domain', 'check_id', 'subject', 'alert'])
      .where('domain', 'in', names)
      .execute()) {
      const rows = stored.get(row.domain) ?? new Map<string, string>();
      rows.set(key(row), row.alert);
      stored.set(row.domain, rows);
    }
  const changed = [...wanted].filter(([domain, rows]) => !sameAlerts(rows, stored.get(domain)));
  if (changed.length === 0) return;
  for (const names of chunks(
    changed.map(([domain]) => domain),
    IN_CHUNK,
  ))
    await trx.deleteFrom('open_alerts').where('domain', 'in', names).execute();
  const inserts = changed.flatMap(([, rows]) => [...rows.values()]);
  for (const part of chunks(inserts, ROWS)) await trx.insertInto('open_alerts').values(part).execute();
}

function sameAlerts(wanted: ReadonlyMap<string, Tables['open_alerts']>, stored?: ReadonlyMap<string, string>): boolean {
  if ((stored?.size ?? 0) !== wanted.size) return false;
  for (const [k, row] of wanted) if (stored?.get(k) !== row.alert) return false;
  return true;
}

async function writeStandards(trx: Transaction<Tables>, observations: BatchWrite['standards']): Promise<void> {
  if (observations.length === 0) return;
  const key = (domain: string, standard: string) => `${domain}\n${standard}`;
  const current = new Map<string, { status: string; since: number }>();
  for (const names of chunks([...new Set(observations.map((o) => o.domain))], IN_CHUNK))
    for (const row of await trx
      .selectFrom('standard_status')
      .select(['domain', 'standard', 'status', 'since'])
      .where('domain', 'in', names)
      .execute())
      current.set(key(row.domain, row.standard), { status: row.status, since: Number(row.since) });
  const periods: Omit<Tables['standard_periods'], 'id'>[] = [];
  const openInBatch = new Map<string, Omit<Tables['standard_periods'], 'id'>>();
  const closes: { domain: string; standard: string; at: number }[] = [];
  const statuses = new Map<string, Tables['standard_status']>();
  for (const observation of observations) {
    const at = toMs(observation.at);
    const k = key(observation.domain, observation.standard);
    const now = current.get(k);
    if (now && (now.status === observation.status || now.since > at)) continue;
    const pending = openInBatch.get(k);
    if (pending) pending.until = at;
    else if (now) closes.push({ domain: observation.domain, standard: observation.standard, at });
    const period = {
      domain: observation.domain,
      standard: observation.standard,
      status: observation.status,
      since: at,
      until: OPEN_END,
    };
    periods.push(period);
    openInBatch.set(k, period);
    current.set(k, { status: observation.status, since: at });
    statuses.set(k, {
      domain: observation.domain,
      standard: observation.standard,
      status: observation.status,
      since: at,
    });
  }
  for (const close of closes)
    await trx
      .updateTable('standard_periods')
      .set({ until: close.at })
      .where('domain', '=', close.domain)
      .where('standard', '=', close.standard)
      .where('until', '=', OPEN_END)
      .execute();
  for (const part of chunks(periods, ROWS)) await trx.insertInto('standard_periods').values(part).execute();
  for (const part of chunks([...statuses.values()], ROWS))
    await trx
      .insertInto('standard_status')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['domain', 'standard'])
          .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), since: eb.ref('excluded.since') })),
      )
      .execute();
}

interface NewestVersion {
  /** Absent for a version this batch inserts. */
  id?: number;
  value: string;
  lastSeen: number;
  row?: Omit<Tables['record_versions'], 'id'>;
}

async function writeRecords(trx: Transaction<Tables>, observations: BatchWrite['records']): Promise<void> {
  if (observations.length === 0) return;
  const key = (o: { domain: string; kind: string; subject: string }) => `${o.domain}\n${o.kind}\n${o.subject}`;
  const newest = new Map<string, NewestVersion>();
  for (const names of chunks([...new Set(observations.map((o) => o.domain))], IN_CHUNK))
    for (const row of await trx
      .selectFrom('record_versions')
      .select(['id', 'domain', 'kind', 'subject', 'value', 'last_seen'])
      .where('domain', 'in', names)
      .where('superseded_at', '=', OPEN_END)
      .execute())
      newest.set(key(row), { id: Number(row.id), value: row.value, lastSeen: Number(row.last_seen) });
  const seenAt = new Map<number, number>();
  const supersededAt = new Map<number, number>();
  const inserts: Omit<Tables['record_versions'], 'id'>[] = [];
  for (const observation of observations) {
    const at = toMs(observation.at);
    const k = key(observation);
    const version = newest.get(k);
    if (version && version.value === observation.value) {
      if (version.lastSeen >= at) continue;
      version.lastSeen = at;
      if (version.row) version.row.last_seen = at;
      else seenAt.set(version.id as number, at);
      continue;
    }
    if (version?.row) version.row.superseded_at = at;
    else if (version) supersededAt.set(version.id as number, at);
    const row = {
      domain: observation.domain,
      kind: observation.kind,
      subject: observation.subject,
      value: observation.value,
      first_seen: at,
      last_seen: at,
      superseded_at: OPEN_END,
    };
    inserts.push(row);
    newest.set(k, { value: observation.value, lastSeen: at, row });
  }
  for (const [at, ids] of groupByValue(seenAt))
    for (const part of chunks(ids, IN_CHUNK))
      await trx.updateTable('record_versions').set({ last_seen: at }).where('id', 'in', part).execute();
  for (const [at, ids] of groupByValue(supersededAt))
    for (const part of chunks(ids, IN_CHUNK))
      await trx.updateTable('record_versions').set({ superseded_at: at }).where('id', 'in', part).execute();
  for (const part of chunks(inserts, ROWS)) await trx.insertInto('record_versions').values(part).execute();
}

/** Adds the entries whose id is neither pending nor delivered; returns their ids. */
async function writeOutbox(trx: Transaction<Tables>, entries: BatchWrite['outbox']): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids = [...new Set(entries.map((e) => e.id))];
  const known = new Set<string>();
  for (const part of chunks(ids, IN_CHUNK)) {
    for (const row of await trx.selectFrom('delivered').select('id').where('id', 'in', part).execute())
      known.add(row.id);
    for (const row of await trx.selectFrom('outbox').select('id').where('id', 'in', part).execute()) known.add(row.id);
  }
  const fresh = entries.filter((entry) => {
    if (known.has(entry.id)) return false;
    known.add(entry.id);
    return true;
  });
  for (const part of chunks(fresh, ROWS)) await trx.insertInto('outbox').values(part.map(outboxRow)).execute();
  return fresh.map((entry) => entry.id);
}

function groupByValue(map: Map<number, number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const [id, value] of map) groups.set(value, [...(groups.get(value) ?? []), id]);
  return groups;
}
