import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { StoreKind } from '../store.ts';

/**
 * The schema as versioned migrations, one definition for both dialects (Kysely's schema builder writes each
 * dialect's DDL; the only difference is how an auto-numbered key is spelled). Migrations are applied at open() by
 * Kysely's Migrator, which records them in kysely_migration; never edit one that shipped, add the next.
 */
export function migrations(kind: StoreKind): MigrationProvider {
  const serial = kind === 'sqlite' ? 'integer' : 'bigserial';
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it is at their time, not Tables
  type Db = Kysely<any>;
  const all: Record<string, Migration> = {
    '0001-initial': {
      async up(db: Db) {
        await db.schema
          .createTable('domains')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('retired_at', 'bigint')
          .addColumn('next_due_at', 'bigint')
          .addColumn('in_flight_since', 'bigint')
          .addColumn('last_checked_at', 'bigint')
          .addColumn('worst_status', 'text')
          .addColumn('status_rank', 'integer', (c) => c.notNull().defaultTo(-1))
          .addColumn('open_alerts', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // The DomainState JSON (several KB) apart from the domain's row, so that scans of `domains` (counts, stats,
        // search) read small rows: in SQLite a row with its state filled a page each.
        await db.schema
          .createTable('domain_states')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('domains_due').on('domains').columns(['retired_at', 'next_due_at']).execute();
        await db.schema
          .createIndex('domains_status')
          .on('domains')
          .columns(['retired_at', 'status_rank', 'name'])
          .execute();
        await db.schema
          .createIndex('domains_checked')
          .on('domains')
          .columns(['retired_at', 'last_checked_at', 'name'])
          .execute();
        await db.schema
          .createIndex('domains_alerts')
          .on('domains')
          .columns(['retired_at', 'open_alerts', 'name'])
          .execute();

        await db.schema
          .createTable('domain_tags')
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('tag', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('domain_tags_pk', ['domain', 'tag'])
          .execute();
        await db.schema.createIndex('domain_tags_tag').on('domain_tags').columns(['tag', 'domain']).execute();

        await db.schema
          .createTable('standard_status')
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('standard', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('since', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('standard_status_pk', ['domain', 'standard'])
          .execute();
        await db.schema
          .createIndex('standard_status_by_status')
          .on('standard_status')
          .columns(['standard', 'status', 'domain'])
          .execute();

        await db.schema
          .createTable('standard_periods')
          .addColumn('id', serial, (c) => c.primaryKey())
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('standard', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('since', 'bigint', (c) => c.notNull())
          .addColumn('until', 'bigint', (c) => c.notNull())
          .execute();
        // compliance(): periods overlapping [from, to) of some domains: a range on `until`, the rest read from the index.
        await db.schema
          .createIndex('standard_periods_window')
          .on('standard_periods')
          .columns(['until', 'since', 'domain', 'standard', 'status'])
          .execute();
        // The batch's "close the open period" and compliance() for a list or a tag of domains (covering: no table reads).
        await db.schema
          .createIndex('standard_periods_domain')
          .on('standard_periods')
          .columns(['domain', 'standard', 'until', 'since', 'status'])
          .execute();

        await db.schema
          .createTable('history')
          .addColumn('id', serial, (c) => c.primaryKey())
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('check_id', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('history_domain_at').on('history').columns(['domain', 'at']).execute();
        await db.schema.createIndex('history_at').on('history').columns(['at']).execute();

        await db.schema
          .createTable('record_versions')
          .addColumn('id', serial, (c) => c.primaryKey())
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('first_seen', 'bigint', (c) => c.notNull())
          .addColumn('last_seen', 'bigint', (c) => c.notNull())
          .addColumn('superseded_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('record_versions_current')
          .on('record_versions')
          .columns(['domain', 'kind', 'subject', 'superseded_at'])
          .execute();
        // No index on superseded_at alone: SQLite would pick it for "the newest versions of these domains" (all current
        // versions share the sentinel) and scan them all; compaction (daily) reads the table instead.

        await db.schema
          .createTable('outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('route', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('dead_at', 'bigint')
          .addColumn('notices', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('outbox_due').on('outbox').columns(['dead_at', 'next_attempt_at']).execute();
        await db.schema.createIndex('outbox_created').on('outbox').columns(['created_at', 'id']).execute();

        await db.schema
          .createTable('delivered')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('delivered_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('delivered_age').on('delivered').columns(['delivered_at']).execute();

        await db.schema
          .createTable('open_alerts')
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('check_id', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('since', 'bigint', (c) => c.notNull())
          .addColumn('alert', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('open_alerts_pk', ['domain', 'check_id', 'subject'])
          .execute();

        await db.schema
          .createTable('silences')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('ends_at', 'bigint', (c) => c.notNull())
          .addColumn('silence', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('global_state')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
  return { getMigrations: async () => all };
}
