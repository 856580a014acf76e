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
  /** Sweeps over every domain (default 1); the first writes the baselines, the others are steady state. */
  cycles?: number;
  /** Connections so far to each shared MX address (read before and after the sweep). */
  smtpConnections?: () => number[];
}

export interface SweepResult {
  sweepSeconds: number;
  domainsPerSecond: number;
  /** Claim time − due time over every domain (all due at the start: the last ones wait for the sweep). */
  lagSeconds: { p50: number; p95: number; max: number };
  workerCpuSeconds: number;
  postgresCpuSeconds?: number;
  /** SMTP connections per shared MX address during the sweep (bench/counting-proxy.ts in front of each). */
  smtpConnections?: number[];
}

export interface BenchClusterResult {
  engineOnly: boolean;
  workers: number;
  domains: number;
  /** The first sweep writes every domain's baseline; the next ones are steady state (nothing changed). */
  sweeps: SweepResult[];
  peakWorkerRssMb: number;
  /** DNS queries the workers sent to the resolver (after their own caches), per domain and sweep. */
  dnsQueriesPerDomain?: number;
  /** The database after the sweeps (store and job engine), and the job engine's share. */
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
    const sweeps: SweepResult[] = [];
    const cycles = options.engineOnly ? 1 : (options.cycles ?? 1);
    for (let cycle = 0; cycle < cycles; cycle++) {
      const begin =
        cycle === 0
          ? async () => {
              for (const child of children) child.send({ type: 'go' });
            }
          : async () => {
              // The next cycle: every domain's next check (scheduled by the last sweep an interval ahead) is due now.
              await db.query(`UPDATE ${JOB_SCHEMA}.job SET start_after = now() WHERE name = $1 AND state = 'created'`, [
                CHECK_QUEUE,
              ]);
            };
      sweeps.push(await measureSweep(db, children, options, begin));
    }
    for (const child of children) child.send({ type: 'stop' });
    const reports = await Promise.all(done);
    const size = await db.query(
      `SELECT pg_database_size(current_database())::float8 AS db,
              (SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND c.relkind IN ('r', 'p'))::float8 AS jobs`,
      [JOB_SCHEMA],
    );
    return {
      engineOnly: options.engineOnly ?? false,
      workers: options.workers,
      domains: options.domains.length,
      sweeps,
      peakWorkerRssMb: Math.max(...reports.map((report) => report.peakRssMb)),
      ...(options.engineOnly
        ? {}
        : {
            dnsQueriesPerDomain:
              reports.reduce((sum, report) => sum + (report.dnsSent ?? 0), 0) / (options.domains.length * cycles),
          }),
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

/**
 * One sweep: from now until every domain has been checked (a completed check job that started after now); how late
 * each was claimed (from the job engine's own times: started − max(due, sweep start)), and the CPU the workers and
 * PostgreSQL used meanwhile.
 */
async function measureSweep(
  db: pg.Client,
  children: readonly ChildProcess[],
  options: BenchClusterOptions,
  begin: () => Promise<void>,
): Promise<SweepResult> {
  const workerCpu = () => children.reduce((sum, child) => sum + processTreeCpuSeconds(child.pid!), 0);
  const smtpBefore = options.smtpConnections?.();
  const pgCpuBefore = options.postgresPid ? processTreeCpuSeconds(options.postgresPid) : undefined;
  const workerCpuBefore = workerCpu();
  const { rows: clock } = await db.query('SELECT now() AS now');
  const since: Date = clock[0].now;
  const started = performance.now();
  await begin();
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(DISTINCT singleton_key)::int AS n FROM ${JOB_SCHEMA}.job
       WHERE name = $1 AND state = 'completed' AND started_on >= $2`,
      [CHECK_QUEUE, since],
    );
    if (rows[0].n >= options.domains.length) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const sweepSeconds = (performance.now() - started) / 1000;
  const pgCpuAfter = options.postgresPid ? processTreeCpuSeconds(options.postgresPid) : undefined;
  const workerCpuSeconds = workerCpu() - workerCpuBefore;
  const smtpAfter = options.smtpConnections?.();
  const { rows: lag } = await db.query(
    `SELECT percentile_disc(ARRAY[0.5, 0.95, 1]) WITHIN GROUP (
              ORDER BY extract(epoch FROM started_on - greatest(start_after, $2::timestamptz))) AS lags
       FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state = 'completed' AND started_on >= $2`,
    [CHECK_QUEUE, since],
  );
  const [p50 = 0, p95 = 0, max = 0] = (lag[0].lags as number[] | null) ?? [];
  return {
    sweepSeconds,
    domainsPerSecond: options.domains.length / sweepSeconds,
    lagSeconds: { p50, p95, max },
    workerCpuSeconds,
    ...(pgCpuBefore !== undefined && pgCpuAfter !== undefined ? { postgresCpuSeconds: pgCpuAfter - pgCpuBefore } : {}),
    ...(smtpBefore && smtpAfter ? { smtpConnections: smtpAfter.map((after, i) => after - (smtpBefore[i] ?? 0)) } : {}),
  };
}

export function formatClusterResult(result: BenchClusterResult): string {
  const who = `${result.engineOnly ? 'job engine' : 'cluster'}, ${result.workers} worker${result.workers > 1 ? 's' : ''}`;
  const lines = result.sweeps.map((sweep, index) => {
    const pgCpu =
      sweep.postgresCpuSeconds === undefined
        ? 'PostgreSQL CPU not measured'
        : `PostgreSQL CPU ${sweep.postgresCpuSeconds.toFixed(1)} s ` +
          `(${((sweep.postgresCpuSeconds / sweep.sweepSeconds) * 100).toFixed(0)} % of a core, ` +
          `${((sweep.postgresCpuSeconds / result.domains) * 1e6).toFixed(0)} µs per domain)`;
    const label = result.engineOnly
      ? who
      : `${who}, ${index === 0 ? 'sweep 1 (baselines)' : `sweep ${index + 1} (steady)`}`;
    return (
      `${label.padEnd(40)} ${sweep.sweepSeconds.toFixed(1).padStart(7)} s  ${sweep.domainsPerSecond.toFixed(0).padStart(6)} domains/s  ` +
      `lag p50 ${sweep.lagSeconds.p50.toFixed(0)} s p95 ${sweep.lagSeconds.p95.toFixed(0)} s max ${sweep.lagSeconds.max.toFixed(0)} s; ` +
      `workers' CPU ${sweep.workerCpuSeconds.toFixed(0)} s (${((sweep.workerCpuSeconds / result.domains) * 1000).toFixed(2)} ms per domain), ` +
      `${pgCpu}` +
      (sweep.smtpConnections ? `; SMTP connections per shared MX address ${sweep.smtpConnections.join(', ')}` : '')
    );
  });
  lines.push(
    `${''.padEnd(40)} ` +
      (result.dnsQueriesPerDomain === undefined
        ? ''
        : `${result.dnsQueriesPerDomain.toFixed(1)} DNS queries sent per domain and sweep; `) +
      `peak worker RSS ${result.peakWorkerRssMb.toFixed(0)} MB; database ${(result.databaseBytes / 2 ** 20).toFixed(0)} MB ` +
      `(job engine ${(result.jobEngineBytes / result.domains).toFixed(0)} bytes per domain, ` +
      `${((result.databaseBytes - result.jobEngineBytes) / result.domains / 1024).toFixed(1)} KB per domain besides)`,
  );
  return lines.join('\n');
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
