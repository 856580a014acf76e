import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's own SqliteDialect drives any client shaped like better-sqlite3; this is `node:sqlite` in that shape. It
 * keeps the prepared statements of the store's few distinct queries (the batch write repeats the same dozen).
 */
export function kyselySqliteDatabase(db: DatabaseSync, cacheSize = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      if (!db.isOpen) return;
      try {
        db.exec('PRAGMA optimize'); // planner statistics for the next start, as SQLite advises at close
      } catch {
        // a read-only or full database: closing matters more than statistics
      }
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      if (/^\s*rollback\s*$/i.test(sql)) return rollback(db);
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = wrap(db.prepare(sql));
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

function wrap(statement: StatementSync): SqliteStatement {
  const params = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...params(parameters)),
    run: (parameters) => statement.run(...params(parameters)),
    iterate: (parameters) => statement.iterate(...params(parameters)),
  };
}

/**
 * SQLite itself rolls a transaction back when a statement fails with SQLITE_FULL or SQLITE_IOERR; Kysely's ROLLBACK
 * after it would then fail with "no transaction is active" and hide the real error (the full disk).
 */
function rollback(db: DatabaseSync): SqliteStatement {
  const run = () => {
    if (db.isTransaction) db.exec('ROLLBACK');
    return { changes: 0, lastInsertRowid: 0 };
  };
  return {
    reader: false,
    all: () => {
      run();
      return [];
    },
    run,
    iterate: () => [][Symbol.iterator](),
  };
}
