import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Daemon } from '../daemon/daemon.ts';
import { handleApi } from './api.ts';
import { judgeHealth } from './health.ts';
import type { DaemonMetrics } from './metrics.ts';

export interface HttpSurface {
  /** `IP:PORT` actually bound (the port is chosen by the system when 0 was asked). */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** `127.0.0.1:9110` → host and port; `[::1]:9110` → `::1`. The schema has validated the form. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(listen);
  if (!match) throw new Error(`http.listen: expected IP:PORT, got "${listen}"`);
  return { host: match[1]!, port: Number(match[2]) };
}

function sendJson(response: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(head ? undefined : text);
}

/**
 * The daemon's HTTP listener (off unless `http.listen` is set; the example binds loopback only): `/metrics`
 * (Prometheus), `/healthz` (200 or 503 with the reasons as JSON) and the read-only JSON API under `/api/`.
 * Read-only, no authentication: expose it beyond loopback only behind a proxy that adds it.
 */
export async function startHttpSurface(options: {
  listen: string;
  daemon: Daemon;
  metrics: DaemonMetrics;
  logger: Logger;
  /** A cluster worker's view of the whole cluster (src/cluster/cluster-gauges.ts): a lagging cluster is unhealthy. */
  clusterHealth?: () => Promise<{ status: string; reasons: string[] }>;
}): Promise<HttpSurface> {
  const { daemon, metrics, logger } = options;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://mailwarden.invalid');
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      response.setHeader('allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'only GET and HEAD' }, head);
      return;
    }
    if (url.pathname === '/metrics') {
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      response.end(head ? undefined : text);
      return;
    }
    if (url.pathname === '/healthz') {
      const health = judgeHealth(daemon.status(), daemon.store.global(), new Date());
      const cluster = await options.clusterHealth?.();
      if (cluster && cluster.status !== 'ok')
        Object.assign(health, { status: 'unhealthy' }).reasons.push(...cluster.reasons);
      sendJson(response, health.status === 'ok' ? 200 : 503, cluster ? { ...health, cluster } : health, head);
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const answer = await handleApi({ domains: () => daemon.config.domains, store: daemon.store }, url);
      sendJson(response, answer.status, answer.body, head);
      return;
    }
    sendJson(response, 404, { error: 'not found; try /metrics, /healthz, /api/domains' }, head);
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ error: error instanceof Error ? error.message : String(error), path: request.url }, 'HTTP error');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' }, false);
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const { host, port } = parseListen(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  const address = host.includes(':') ? `[${host}]:${boundPort}` : `${host}:${boundPort}`;
  return {
    address,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
