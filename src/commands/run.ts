import { parseArgs } from 'node:util';
import cron from 'node-cron';
import { type ClusterRuntime, clusterTimings, isClusterUrl, startCluster } from '../cluster/cluster.ts';
import { judgeClusterHealth, registerClusterMetrics } from '../cluster/cluster-gauges.ts';
import { Supervisor, WORKER_INDEX_ENV, workersRefusal } from '../cluster/supervisor.ts';
import { formatDuration } from '../config/duration.ts';
import { type Config, ConfigError, loadConfigFile } from '../config/load.ts';
import { Daemon } from '../daemon/daemon.ts';
import { createLogger, LOG_FORMATS, type LogFormat } from '../daemon/logger.ts';
import { HttpConfigError } from '../http/auth.ts';
import { DaemonMetrics } from '../http/metrics.ts';
import { type HttpSurface, startHttpSurface } from '../http/server.ts';
import type { StateStore } from '../state/store.ts';
import { openConfiguredStore, StoreOpenProblem } from './open-store.ts';

const HELP = `usage: mailwarden run [--config FILE] [--log-level LEVEL] [--log-format auto|json|pretty] [--workers N]

  --config FILE       configuration (default: config.yaml)
  --log-level LEVEL   trace, debug, info, warn, error (default: the config's log.level)
  --log-format FORMAT auto (readable on a terminal, JSON lines otherwise), json or pretty (default: log.format)
  --workers N         N worker processes on this machine, restarted if they die (default 1); needs state.url on
                      PostgreSQL. Worker i serves HTTP on the http.listen port + i. Any number of 'mailwarden run'
                      on other machines with the same configuration join the same cluster.

Signals: SIGHUP reloads the configuration (a bad one is refused, the old one keeps running);
SIGTERM/SIGINT stop taking work, let the running batch finish, save state and exit (a second signal exits at once).
`;

const isLogFormat = (value: string): value is LogFormat => (LOG_FORMATS as readonly string[]).includes(value);

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', default: 'config.yaml' },
      'log-level': { type: 'string' },
      workers: { type: 'string', default: '1' },
      'log-format': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(values.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mailwarden run: the configuration is not valid:\n${error.message}\n`);
      return 3;
    }
    throw error;
  }
  const format = values['log-format'] ?? config.log.format;
  if (!isLogFormat(format)) {
    process.stderr.write(`mailwarden run: --log-format expects ${LOG_FORMATS.join(', ')}, got "${format}"\n`);
    return 3;
  }
  const logger = createLogger(values['log-level'] ?? config.log.level, process.stdout, format);
  for (const warning of config.warnings) logger.warn(warning);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) {
    process.stderr.write(`mailwarden run: --workers must be a whole number ≥ 1, not ${values.workers}\n`);
    return 2;
  }
  const stateUrl = config.state.url.reveal();
  if (workers > 1) {
    const refusal = workersRefusal(workers, stateUrl);
    if (refusal) {
      process.stderr.write(`mailwarden run: ${refusal}\n`);
      return 3;
    }
    return supervise(workers, argv, logger);
  }
  let store: StateStore;
  try {
    store = await openConfiguredStore(config, { daemon: true });
  } catch (error) {
    if (error instanceof StoreOpenProblem) {
      logger.fatal(error.message);
      return 3;
    }
    throw error;
  }
  let cluster: ClusterRuntime | undefined;
  if (isClusterUrl(stateUrl)) {
    try {
      cluster = await startCluster({
        url: stateUrl,
        ...(config.state.password ? { password: config.state.password.reveal() } : {}),
        logger,
        intervalMs: config.schedule.interval,
        confirmDelayMs: config.alerting.confirmDelay,
        timings: clusterTimings(config.cluster.heartbeat),
      });
    } catch (error) {
      logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'cannot start the job engine');
      await store.close();
      return 3;
    }
  }
  try {
    return await serve(config, store, logger, values.config, cluster);
  } catch (error) {
    // Anything that failed before the daemon ran: the job engine's connections must not keep the process alive.
    await cluster?.stop();
    throw error;
  }
}

/** The daemon with its HTTP surface, signals and the daily compaction, until it is stopped. */
async function serve(
  config: Config,
  store: StateStore,
  logger: ReturnType<typeof createLogger>,
  configFile: string,
  cluster: ClusterRuntime | undefined,
): Promise<number> {
  const metrics = new DaemonMetrics();
  // Every line a worker logs names it: a cluster's logs are read side by side.
  if (cluster) logger = logger.child({ worker: cluster.workerId });
  const daemon = new Daemon({ config, store, logger, observer: metrics, ...(cluster ? { cluster } : {}) });
  metrics.attach(daemon);
  if (cluster) {
    const { gauges } = cluster;
    registerClusterMetrics(metrics.registry, gauges, async () => (await store.outboxStats()).oldestCreatedAt);
  }
  let http: HttpSurface | undefined;
  if (config.http.listen !== undefined) {
    const listen = workerListen(config.http.listen);
    try {
      http = await startHttpSurface({
        config: { ...config.http, listen },
        source: daemon,
        metrics,
        logger,
        tags: () => [...new Set(daemon.config.domains.flatMap((domain) => domain.tags))].sort(),
        ...(cluster
          ? { clusterHealth: async () => judgeClusterHealth(await cluster.gauges.read(), config.schedule.interval) }
          : {}),
      });
    } catch (error) {
      if (error instanceof HttpConfigError) logger.fatal(error.message);
      else
        logger.fatal(
          { listen: config.http.listen, error: error instanceof Error ? error.message : String(error) },
          'cannot listen for HTTP (http.listen); is another mailwarden running?',
        );
      await store.close();
      return 3;
    }
  }
  logger.info(
    {
      config: config.file,
      domains: config.domains.length,
      state: `${store.kind} ${store.location}`,
      interval: formatDuration(config.schedule.interval),
      firstChecksWithin: formatDuration(config.schedule.firstCheckSpread),
      resolvers: config.dns.resolvers.length > 0 ? config.dns.resolvers : 'system',
      channels: Object.keys(config.channels),
      http: http ? `http://${http.address}/` : 'off',
      ...(cluster ? { worker: cluster.workerId } : {}),
    },
    'mailwarden started',
  );
  if (config.domains.length === 0) logger.warn('no domains configured: add some under "domains:" or "domainFiles:"');

  // The one global job: drop history past its retention, once a day.
  const compact = async () => {
    try {
      const olderThan = new Date(Date.now() - config.state.historyRetention).toISOString();
      const dropped = await store.compactHistory(olderThan);
      if (dropped > 0) logger.info({ dropped, olderThan }, 'history compacted');
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'history compaction failed');
    }
  };
  // In a cluster it is a cluster job: once a day for all workers together.
  const compaction = cluster ? undefined : cron.schedule('17 3 * * *', compact);

  let stops = 0;
  const onStop = (signal: string) => {
    stops++;
    if (stops > 1) {
      logger.warn({ signal }, 'second stop signal: exiting now; interrupted checks re-run at the next start');
      process.exit(1);
      return;
    }
    logger.info({ signal }, 'stopping: finishing the running batch');
    daemon.stop();
  };
  const onReload = () => {
    try {
      const next = loadConfigFile(configFile);
      for (const warning of next.warnings) logger.warn(warning);
      if (next.http.listen !== daemon.config.http.listen)
        logger.warn({ listen: next.http.listen ?? 'off' }, 'http.listen changes take effect at the next start');
      const kept = new Set(next.domains.map((domain) => domain.name));
      for (const domain of daemon.config.domains) if (!kept.has(domain.name)) metrics.forgetDomain(domain.name);
      void daemon
        .reload(next)
        .catch((error: unknown) =>
          logger.error({ error: error instanceof Error ? error.message : String(error) }, 'reload failed'),
        );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ problems: message.split('\n') }, 'new configuration refused; the previous one keeps running');
    }
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onReload);
  // A worker of `--workers N` whose supervisor is gone stops too (its IPC channel closed); the channel itself must
  // not keep a stopped worker alive.
  if (process.connected) {
    process.once('disconnect', () => onStop('supervisor gone'));
    process.channel?.unref();
  }
  try {
    if (cluster) await cluster.every('compact-history', 24 * 3600, compact);
    else await compact();
    await daemon.run();
  } finally {
    daemon.close();
    await compaction?.stop();
    await cluster?.stop();
    await http?.close();
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onReload);
    await store.close();
    logger.info('mailwarden stopped');
  }
  return 0;
}

/** A worker of `--workers N` serves HTTP on the configured port + its index, so each has its own /metrics. */
function workerListen(listen: string): string {
  const index = Number(process.env[WORKER_INDEX_ENV] ?? 0);
  if (!index) return listen;
  const match = /^(.*):(\d+)$/.exec(listen);
  return match && Number(match[2]) !== 0 ? `${match[1]}:${Number(match[2]) + index}` : listen;
}

/** `--workers N`: this process supervises N workers (each a `mailwarden run` without --workers). */
async function supervise(workers: number, argv: string[], logger: ReturnType<typeof createLogger>): Promise<number> {
  const args = ['run', ...withoutWorkersFlag(argv)];
  const supervisor = new Supervisor({ workers, script: process.argv[1]!, args, logger });
  let stops = 0;
  const onStop = (signal: NodeJS.Signals) => {
    stops++;
    logger.info({ signal, workers }, stops > 1 ? 'stopping the workers now' : 'stopping the workers');
    supervisor.stop(stops > 1 ? 'SIGKILL' : 'SIGTERM');
  };
  const onReload = () => supervisor.signal('SIGHUP');
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onReload);
  logger.info({ workers, pid: process.pid }, 'supervising workers');
  try {
    await supervisor.run();
  } finally {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onReload);
  }
  return 0;
}

function withoutWorkersFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--workers') i++;
    else if (!arg.startsWith('--workers=')) out.push(arg);
  }
  return out;
}
