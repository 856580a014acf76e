import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DaemonStatus } from '../daemon/daemon.ts';
import type { StateStore } from '../state/store.ts';
import { handleApi } from './api.ts';
import { assertSafeExposure, challenge, type HttpAuthConfig, isAuthorised } from './auth.ts';
import { registerDashboard } from './dashboard/routes.ts';
import { judgeHealth } from './health.ts';

export interface HttpSurface {
  /** `IP:PORT` actually bound (the port is chosen by the system when 0 was asked). */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** The `http:` configuration section. */
export interface HttpConfig {
  listen: string;
  publicUrl?: string | undefined;
  dashboard: boolean;
  auth?: HttpAuthConfig | undefined;
}

/** What the surface reads: the daemon satisfies it (`store` and `status()`). */
export interface HttpSource {
  readonly store: StateStore;
  status(): DaemonStatus;
}

export interface HttpOptions {
  config: HttpConfig;
  source: HttpSource;
  metrics: { registry: Registry };
  logger: Logger;
  now?: () => Date;
  /** Known tags (from the configuration), suggested in the dashboard's filters. */
  tags?: () => readonly string[];
}

/** `127.0.0.1:9110` → host and port; `[::1]:9110` → `::1`. The schema has validated the form. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(listen);
  if (!match) throw new Error(`http.listen: expected IP:PORT, got "${listen}"`);
  return { host: match[1]!, port: Number(match[2]) };
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`${JSON.stringify(body, null, 2)}\n`);
}

/** Paths anyone may read even when authentication is configured: a load balancer's health probe. */
const OPEN_PATHS = new Set(['/healthz']);

/**
 * The HTTP application, not yet listening (the bench and tests inject requests into it): `/metrics` (Prometheus),
 * `/healthz` (200 or 503 with the reasons), the read-only JSON API under `/api/`, and with `http.dashboard` the
 * dashboard (`/`, `/domains/<name>`, `/reports`). Read-only: every other method is 405.
 */
export function buildHttpApp(options: HttpOptions): FastifyInstance {
  const { config, source, metrics, logger } = options;
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    logger: false,
    keepAliveTimeout: 5_000,
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
    return503OnClosing: true,
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply.header('allow', 'GET, HEAD');
      return sendJson(reply, 405, { error: 'only GET and HEAD' });
    }
    const path = request.url.split('?')[0]!;
    if (OPEN_PATHS.has(path)) return;
    const allowed = isAuthorised(config.auth, {
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress,
    });
    if (!allowed) {
      const header = challenge(config.auth);
      if (header) reply.header('www-authenticate', header);
      return sendJson(reply, 401, { error: 'authentication required' });
    }
  });
  app.setErrorHandler((error: Error, request, reply) => {
    logger.error({ error: error.message, path: request.url }, 'HTTP error');
    return sendJson(reply, 500, { error: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) =>
    sendJson(reply, 404, {
      error: `not found; try /metrics, /healthz, /api/domains${config.dashboard ? ', / (the dashboard)' : ''}`,
    }),
  );

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
  app.get('/healthz', async (_request, reply) => {
    const health = judgeHealth(source.status(), await source.store.global(), now());
    return sendJson(reply, health.status === 'ok' ? 200 : 503, health);
  });
  const api = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await handleApi(source.store, new URL(request.url, 'http://mailwarden.invalid'));
    return sendJson(reply, answer.status, answer.body);
  };
  app.get('/api', api);
  app.get('/api/*', api);
  if (config.dashboard)
    registerDashboard(app, {
      store: source.store,
      publicUrl: config.publicUrl,
      now,
      logger,
      ...(options.tags ? { tags: options.tags } : {}),
    });
  return app;
}

/**
 * The daemon's HTTP listener (off unless `http.listen` is set). Refuses to start (HttpConfigError) when the dashboard
 * would be reachable beyond loopback without authentication.
 */
export async function startHttpSurface(options: HttpOptions): Promise<HttpSurface> {
  const { host, port } = parseListen(options.config.listen);
  assertSafeExposure(options.config, host);
  const app = buildHttpApp(options);
  await app.listen({ host, port, listenTextResolver: () => '' });
  const bound = app.server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  const address = host.includes(':') ? `[${host}]:${boundPort}` : `${host}:${boundPort}`;
  return {
    address,
    port: boundPort,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
