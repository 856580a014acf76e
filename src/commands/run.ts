import { parseArgs } from 'node:util';
import cron from 'node-cron';
import { formatDuration } from '../config/duration.ts';
import { ConfigError, loadConfigFile } from '../config/load.ts';
import { Daemon } from '../daemon/daemon.ts';
import { createLogger, LOG_FORMATS, type LogFormat } from '../daemon/logger.ts';
import { HttpConfigError } from '../http/auth.ts';
import { DaemonMetrics } from '../http/metrics.ts';
import { type HttpSurface, startHttpSurface } from '../http/server.ts';
import type { StateStore } from '../state/store.ts';
import { openConfiguredStore, StoreOpenProblem } from './open-store.ts';

const HELP = `usage: mailwarden run [--config FILE] [--log-level LEVEL] [--log-format auto|json|pretty]

  --config FILE       configuration (default: config.yaml)
  --log-level LEVEL   trace, debug, info, warn, error (default: the config's log.level)
  --log-format FORMAT auto (readable on a terminal, JSON lines otherwise), json or pretty (default: log.format)

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
  const metrics = new DaemonMetrics();
  const daemon = new Daemon({ config, store, logger, observer: metrics });
  metrics.attach(daemon);
  let http: HttpSurface | undefined;
  if (config.http.listen !== undefined) {
    try {
      http = await startHttpSurface({
        config: { ...config.http, listen: config.http.listen },
        source: daemon,
        metrics,
        logger,
        tags: () => [...new Set(daemon.config.domains.flatMap((domain) => domain.tags))].sort(),
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
  const compaction = cron.schedule('17 3 * * *', compact);

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
      const next = loadConfigFile(values.config);
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
  try {
    await compact();
    await daemon.run();
  } finally {
    daemon.close();
    await compaction.stop();
    await http?.close();
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onReload);
    await store.close();
    logger.info('mailwarden stopped');
  }
  return 0;
}
