import { pino } from 'pino';
import type { DaemonStatus } from '../../src/daemon/daemon.ts';
import type { HttpAuthConfig } from '../../src/http/auth.ts';
import { DaemonMetrics } from '../../src/http/metrics.ts';
import { type HttpSurface, startHttpSurface } from '../../src/http/server.ts';
import { SqliteStateStore } from '../../src/state/sqlite/sqlite-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { FixtureStore } from '../support/fixture-store.ts';
import { fillScenario } from './scenario.ts';

export const NOW = new Date('2026-06-30T12:00:00Z');

/** The store the HTTP tests run on: the SQLite store (in memory), or the fixture with MAILWARDEN_TEST_STORE=fixture. */
export function newStore(now: Date): StateStore {
  if (process.env.MAILWARDEN_TEST_STORE === 'fixture') return new FixtureStore(() => now);
  return new SqliteStateStore(':memory:');
}

export interface HttpHarness {
  store: StateStore;
  http: HttpSurface;
  metrics: DaemonMetrics;
  status: DaemonStatus;
  base: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many endpoints, asserted field by field
  json(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The HTTP surface over a store filled with the five-domain scenario, with a scheduler status the test sets. */
export async function startHarness(
  options: { dashboard?: boolean; auth?: HttpAuthConfig; listen?: string; store?: StateStore; now?: Date } = {},
): Promise<HttpHarness> {
  const now = options.now ?? NOW;
  const store = options.store ?? newStore(now);
  await store.open();
  await fillScenario(store, now);
  const status: DaemonStatus = { running: false };
  const metrics = new DaemonMetrics({ defaultMetrics: false });
  metrics.attach({ store, status: () => status });
  const http = await startHttpSurface({
    config: {
      listen: options.listen ?? '127.0.0.1:0',
      dashboard: options.dashboard ?? true,
      publicUrl: 'https://mailwarden.example.nl',
      ...(options.auth ? { auth: options.auth } : {}),
    },
    source: { store, status: () => status },
    metrics,
    logger: pino({ level: 'silent' }),
    now: () => now,
    tags: () => ['customer-a', 'gold'],
  });
  const base = `http://${http.address}`;
  return {
    store,
    http,
    metrics,
    status,
    base,
    get: (path, init) => fetch(`${base}${path}`, init),
    json: async (path, init) => {
      const response = await fetch(`${base}${path}`, init);
      return { status: response.status, body: await response.json() };
    },
    close: async () => {
      await http.close();
      await store.close();
    },
  };
}
