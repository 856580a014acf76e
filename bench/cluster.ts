// The cluster benchmark: one sweep over N generated domains by 1, 2 or 4 worker processes (bench/cluster-worker.ts:
// the real daemon with its cluster runtime) on the lab's PostgreSQL. Measures the sweep time, domains/s, how late the
// domains were claimed, and the CPU time of the workers and of PostgreSQL.
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CHECK_QUEUE } from '../src/cluster/cluster-work-source.ts';
import { JOB_SCHEMA } from '../src/cluster/engine.ts';
import type { ClusterWorkerOptions, WorkerMessage } from './cluster-worker.ts';

export interface BenchClusterOptions {
  domains: readonly string[];
  workers: number;
  /** A PostgreSQL server URL; the bench makes a fresh database on it. */
  serverUrl: string;
  /** The PostgreSQL postmaster's pid, for its CPU time (and its backends'). */
  postgresPid?: number;
  resolver: string;
  trustAnchorFile: string;
  caFile?: string;
  monitors: string[];
  batchSize?: number;
  concurrency?: number;
  /** Only the job engine: no checks, no store (bench/cluster-worker.ts). */
  engineOnly?: boolean;
}

export interface BenchClusterResult {
  engineOnly: boolean;
  workers: number;
  domains: number;
  sweepSeconds: number;
  domainsPerSecond: number;
  /** Claim time − due time over every domain (all due at the start: the last ones wait for the sweep). */
  lagSeconds: { p50: number; p95: number; max: number };
  workerCpuSeconds: number;
  postgresCpuSeconds?: number;
  peakWorkerRssMb: number;
  /** The database after the sweep (store and job engine), and the job engine's share. */
  databaseBytes: number;
  jobEngineBytes: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime (+ reaped children's) of a process and its live children, in seconds. */
function processTreeCpuSeconds(pid: number): number {
  const stat = (p: number) => {
    const text = readFileSync(`/proc/${p}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const own = stat(pid);
  // Fields after the command: state ppid … utime(11) stime(12) cutime(13) cstime(14), counted from 0.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = stat(Number(entry));
      if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchCluster(options: BenchClusterOptions): Promise<BenchClusterResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-cluster-'));
  const name = `mw_bench_cluster_${process.pid}_${options.workers}`;
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  const domainFile = join(dir, 'domains.txt');
  await writeFile(domainFile, `${options.domains.join('\n')}\n`);
  const children: ChildProcess[] = [];
  const done: Promise<Extract<WorkerMessage, { type: 'done' }>>[] = [];
  const ready: Promise<void>[] = [];
  const db = new pg.Client({ connectionString: url.toString() });
  try {
    for (let index = 0; index < options.workers; index++) {
      const workerOptions: ClusterWorkerOptions = {
        index,
        stateUrl: url.toString(),
        resolver: options.resolver,
        trustAnchorFile: options.trustAnchorFile,
        ...(options.caFile ? { caFile: options.caFile } : {}),
        monitors: options.monitors,
        domainFile,
        batchSize: options.batchSize ?? 500,
        concurrency: options.concurrency ?? 64,
        ...(options.engineOnly ? { engineOnly: true } : {}),
      };
      const child = fork(new URL('./cluster-worker.ts', import.meta.url), [], {
        env: { ...process.env, MW_BENCH_WORKER: JSON.stringify(workerOptions) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const messages = (type: WorkerMessage['type']) =>
        new Promise<WorkerMessage>((resolve, reject) => {
          child.on('message', (message: WorkerMessage) => message.type === type && resolve(message));
          child.once('exit', (code) => reject(new Error(`bench worker ${index} exited with ${code}`)));
        });
      ready.push(messages('ready').then(() => {}));
      done.push(messages('done') as Promise<Extract<WorkerMessage, { type: 'done' }>>);
    }
    await Promise.all(ready);
    await db.connect();
    const pgCpuBefore = options.postgresPid ? processTreeCpuSeconds(options.postgresPid) : undefined;
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state = 'completed'`,
        [CHECK_QUEUE],
      );
      if (rows[0].n >= options.domains.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const sweepSeconds = (performance.now() - started) / 1000;
    const pgCpuAfter = options.postgresPid ? processTreeCpuSeconds(options.postgresPid) : undefined;
    for (const child of children) child.send({ type: 'stop' });
    const reports = await Promise.all(done);
    const size = await db.query(
      `SELECT pg_database_size(current_database())::float8 AS db,
              (SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND c.relkind IN ('r', 'p'))::float8 AS jobs`,
      [JOB_SCHEMA],
    );
    const lags = reports.flatMap((report) => report.lagsMs).sort((a, b) => a - b);
    return {
      engineOnly: options.engineOnly ?? false,
      workers: options.workers,
      domains: options.domains.length,
      sweepSeconds,
      domainsPerSecond: options.domains.length / sweepSeconds,
      lagSeconds: {
        p50: percentile(lags, 50) / 1000,
        p95: percentile(lags, 95) / 1000,
        max: (lags.at(-1) ?? 0) / 1000,
      },
      workerCpuSeconds: reports.reduce((sum, report) => sum + report.cpuMs, 0) / 1000,
      ...(pgCpuBefore !== undefined && pgCpuAfter !== undefined
        ? { postgresCpuSeconds: pgCpuAfter - pgCpuBefore }
        : {}),
      peakWorkerRssMb: Math.max(...reports.map((report) => report.peakRssMb)),
      databaseBytes: size.rows[0].db,
      jobEngineBytes: size.rows[0].jobs,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await db.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatClusterResult(result: BenchClusterResult): string {
  const pgCpu =
    result.postgresCpuSeconds === undefined
      ? 'PostgreSQL CPU not measured'
      : `PostgreSQL CPU ${result.postgresCpuSeconds.toFixed(1)} s ` +
        `(${((result.postgresCpuSeconds / result.sweepSeconds) * 100).toFixed(0)} % of a core, ` +
        `${((result.postgresCpuSeconds / result.domains) * 1e6).toFixed(0)} µs per domain)`;
  return (
    `${`${result.engineOnly ? 'job engine' : 'cluster'}, ${result.workers} worker${result.workers > 1 ? 's' : ''}`.padEnd(26)} ` +
    `${result.sweepSeconds.toFixed(1).padStart(7)} s  ${result.domainsPerSecond.toFixed(0).padStart(6)} domains/s  ` +
    `lag p50 ${result.lagSeconds.p50.toFixed(0)} s p95 ${result.lagSeconds.p95.toFixed(0)} s max ${result.lagSeconds.max.toFixed(0)} s; ` +
    `workers' CPU ${result.workerCpuSeconds.toFixed(0)} s (${((result.workerCpuSeconds / result.domains) * 1000).toFixed(2)} ms per domain), ` +
    `${pgCpu}; peak worker RSS ${result.peakWorkerRssMb.toFixed(0)} MB; database ${(result.databaseBytes / 2 ** 20).toFixed(0)} MB ` +
    `(job engine ${((result.jobEngineBytes / result.domains) * 1).toFixed(0)} bytes per domain, ` +
    `${((result.databaseBytes - result.jobEngineBytes) / result.domains / 1024).toFixed(1)} KB per domain besides)`
  );
}

/**
 * What sharing a probe result through PostgreSQL costs a worker: the round trip of a cache hit (one statement reads a
 * fresh result or claims the key), measured over `lookups` hits against a fresh database on the server.
 */
export async function benchSharedProbeLookup(
  serverUrl: string,
  lookups = 2_000,
): Promise<{ meanMs: number; p95Ms: number }> {
  const { ClusterEngine } = await import('../src/cluster/engine.ts');
  const { PgSharedResults } = await import('../src/cluster/shared-results.ts');
  const name = `mw_bench_shared_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const engine = new ClusterEngine({ url: url.toString(), workerId: 'bench-shared' });
  try {
    await engine.start();
    const shared = new PgSharedResults({
      pool: engine.pool,
      workerId: engine.workerId,
      settledTtlMs: 3_600_000,
      unsettledTtlMs: 60_000,
      leaseMs: 90_000,
    });
    await shared.once(
      'smtp:192.0.2.1:25:mx1.example',
      'slot',
      async () => ({ outcome: 'ok' }),
      () => true,
    );
    const times: number[] = [];
    for (let i = 0; i < lookups; i++) {
      const started = performance.now();
      await shared.once(
        'smtp:192.0.2.1:25:mx1.example',
        'slot',
        async () => ({ outcome: 'ok' }),
        () => true,
      );
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return {
      meanMs: times.reduce((sum, t) => sum + t, 0) / times.length,
      p95Ms: percentile(times, 95),
    };
  } finally {
    await engine.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
