import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { SqlStateStore } from '../sql/sql-store.ts';
import type { Tables } from '../sql/tables.ts';
import { StateDamagedError, type StateStoreError, StateUnavailableError, type StoreKind } from '../store.ts';

export interface PostgresStoreOptions {
  /** The password, when the URL has none (resolved from `${ENV}` or `file:` by the configuration). */
  password?: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
  /** How long to wait for a connection before the call fails as unavailable. Default 5 s. */
  connectTimeoutMs?: number;
}

/** BIGINT (epoch ms, counts) and NUMERIC (sums) as numbers: every value the store keeps fits in 2^53. */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 || oid === NUMERIC
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The hosters' store: PostgreSQL through a `pg` pool. Several daemons may share it (no lock; the scale-out workers
 * coordinate elsewhere). A connection that breaks is dropped by the pool, so after the server comes back the next
 * call simply works again.
 */
export class PostgresStateStore extends SqlStateStore {
  readonly kind: StoreKind = 'postgres';
  readonly location: string;
  protected readonly leastFn = 'least';
  protected readonly greatestFn = 'greatest';
  readonly #url: string;
  readonly #options: PostgresStoreOptions;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    super();
    this.#url = url;
    this.#options = options;
    this.location = withoutPassword(url);
  }

  protected async connect(): Promise<Kysely<Tables>> {
    const pool = new pg.Pool({
      connectionString: withPassword(this.#url, this.#options.password),
      max: this.#options.poolSize ?? 4,
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 5000,
      keepAlive: true,
      types,
    });
    // An idle connection that breaks (server restart) is reported here; the pool drops it and the next call reconnects.
    pool.on('error', () => {});
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await db.destroy().catch(() => {});
      throw error;
    }
    return db;
  }

  protected classify(error: unknown, doing: string): StateStoreError | undefined {
    const e = error as { code?: string; message?: string };
    const message = e?.message ?? String(error);
    const where = `the state database ${this.location}`;
    const code = typeof e?.code === 'string' ? e.code : '';
    if (/^XX00[12]$/.test(code)) return new StateDamagedError(`${where} is damaged: ${message}`);
    const connection =
      /^(08|57|53|58|28|3D)/.test(code) ||
      /^E(CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH|PIPE|AI_AGAIN|NOTFOUND)$/.test(code) ||
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|^SASL:|password/i.test(
        message,
      );
    if (connection) return new StateUnavailableError(`cannot ${doing} ${where}: ${message || code}`);
    if (code === '40001' || code === '40P01')
      return new StateUnavailableError(`cannot ${doing} ${where} (try again): ${message}`);
    return undefined;
  }
}

/** The URL as it may appear in messages and logs. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/:[^:@/]*@/, '@');
  }
}

/** pg lets the connection string's (absent) password win over a separate one: put it into the URL. */
function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
