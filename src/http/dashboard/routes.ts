import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { exportReport, parsePeriod } from '../../report/export.ts';
import { escapeHtml } from '../../report/html.ts';
import { REPORT_FORMATS, type ReportFormat } from '../../report/render-report.ts';
import type { StateStore } from '../../state/store.ts';
import { findDomain, listQueryFrom } from '../api.ts';
import { COMPLIANCE_WINDOWS, domainPage } from './domain-page.ts';
import { OVERVIEW_PAGE_SIZE, overviewPage } from './overview.ts';
import { reportsPage } from './reports-page.ts';

const STYLESHEET = readFileSync(new URL('./style.css', import.meta.url), 'utf8');

/** No script, no frames, nothing from elsewhere: the pages are static HTML and one stylesheet. */
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The HTML report is one self-contained file (its stylesheet inline, so it prints the same when saved). */
const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

const DAY_MS = 86_400_000;

export interface DashboardOptions {
  store: StateStore;
  publicUrl?: string | undefined;
  now: () => Date;
  logger: Logger;
  /** Known tags for the filter's suggestions (from the configuration). */
  tags?: () => readonly string[];
}

function sendPage(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'no-referrer')
    .send(text);
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The dashboard's routes: `/` (overview), `/domains/<name>` (a domain), `/reports` and `/reports/download`. */
export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const { store, now } = options;
  const tags = () => options.tags?.() ?? [];
  app.get('/assets/dashboard.css', async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLESHEET),
  );
  app.get('/', async (request, reply) => {
    const url = new URL(request.url, 'http://mailwarden.invalid');
    const query = listQueryFrom(url.searchParams, OVERVIEW_PAGE_SIZE);
    if (typeof query === 'string')
      return sendPage(
        reply,
        400,
        `<!doctype html><html lang="en"><title>Bad request · mailwarden</title><p>${escapeHtml(query)}</p></html>`,
      );
    query.limit = Math.min(query.limit, 500);
    const result = await store.listDomains(query);
    return sendPage(reply, 200, overviewPage(query, result, tags()));
  });
  app.get<{ Params: { name: string } }>('/domains/:name', async (request, reply) => {
    const found = await findDomain(store, encodeURIComponent(request.params.name));
    if ('status' in found) {
      const message = (found.body as { error: string }).error;
      return sendPage(
        reply,
        found.status,
        `<!doctype html><html lang="en"><title>Not found · mailwarden</title><p>${escapeHtml(message)}</p><p><a href="/">All domains</a></p></html>`,
      );
    }
    const at = now();
    const [history, records, ...compliance] = await Promise.all([
      store.readHistory({ domain: found.name, since: new Date(at.getTime() - 365 * DAY_MS).toISOString() }),
      store.recordVersions({ domain: found.name, limit: 100 }),
      ...COMPLIANCE_WINDOWS.map((window) =>
        store.compliance({
          from: new Date(at.getTime() - window.days * DAY_MS).toISOString(),
          to: at.toISOString(),
          domains: [found.name],
        }),
      ),
    ]);
    return sendPage(
      reply,
      200,
      domainPage({
        row: found.row!,
        state: found.state,
        history: history.slice(-200).reverse(),
        records,
        compliance: compliance.map(
          (rows) =>
            new Map(
              rows
                .filter((row) => row.knownMs > 0)
                .map((row) => [row.standard, (100 * row.compliantMs) / row.knownMs] as const),
            ),
        ),
      }),
    );
  });
  const defaults = () => {
    const to = now();
    return { from: day(new Date(to.getTime() - 90 * DAY_MS)), to: day(new Date(to.getTime() + DAY_MS)) };
  };
  app.get('/reports', async (_request, reply) => sendPage(reply, 200, reportsPage(defaults(), tags())));
  app.get<{ Querystring: Record<string, string | undefined> }>('/reports/download', async (request, reply) => {
    const { from, to, tag, format = 'html' } = request.query;
    const period = parsePeriod(from, to, tag);
    if (typeof period === 'string') return sendPage(reply, 400, reportsPage(defaults(), tags(), period));
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      return sendPage(
        reply,
        400,
        reportsPage(defaults(), tags(), `format must be one of ${REPORT_FORMATS.join(', ')}`),
      );
    }
    const file = await exportReport(store, period, format as ReportFormat, now());
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .header('content-security-policy', REPORT_CSP)
      .send(file.body);
  });
}
