// `npm start` runs the daemon on the example config.yaml. This starts it the same way on a copy of that file (state
// in a tmp dir, the resolver pointed at a loopback port where nothing answers, so no query leaves the machine, and
// the HTTP listener on a free port), checks that it starts, serves /healthz, /metrics, the API and the dashboard, and stops cleanly.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from './harness.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../config.yaml');

describe('npm start (the example configuration)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'starts, serves HTTP, and stops cleanly on %s',
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), 'mw-start-'));
      const original = await readFile(EXAMPLE, 'utf8');
      const copy = original
        .replace('  resolvers: []', '  resolvers: ["127.0.0.1:9"]')
        .replace('  listen: 127.0.0.1:9110', '  listen: 127.0.0.1:0');
      expect(copy).not.toBe(original);
      expect(copy).toContain('127.0.0.1:9"');
      expect(copy).toContain('listen: 127.0.0.1:0');
      await writeFile(join(dir, 'config.yaml'), copy);
      const daemon = startDaemon(join(dir, 'config.yaml'));
      try {
        const started = await waitFor('the start line', () => daemon.lines('mailwarden started')[0]);
        expect(started).toMatchObject({
          domains: 2,
          state: `sqlite ${join(dir, 'state', 'mailwarden.db')}`,
          interval: '1h',
          firstChecksWithin: '1m',
          channels: ['console'],
        });
        const base = String(started.http).replace(/\/$/, '');
        expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const health = await waitFor('a healthy /healthz', async () => {
          const response = await fetch(`${base}/healthz`);
          return response.status === 200 ? response.json() : undefined;
        });
        expect(health).toMatchObject({ status: 'ok', scheduler: { running: true } });
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toContain('mailwarden_domains{state="configured"} 2');
        const domains = (await (await fetch(`${base}/api/domains`)).json()) as { domains: { domain: string }[] };
        expect(domains.domains.map((d) => d.domain)).toEqual(['example.com', 'example.nl']);
        const dashboard = await fetch(`${base}/`);
        expect(dashboard.status).toBe(200);
        const page = await dashboard.text();
        expect(page).toContain('<h1>Domains</h1>');
        expect(page).toContain('href="/domains/example.nl"');

        expect(await daemon.stop(signal)).toEqual({ code: 0, signal: null });
        expect(daemon.lines('stopping: finishing the running batch')).toMatchObject([{ signal }]);
        expect(daemon.lines('mailwarden stopped')).toHaveLength(1);
        expect(daemon.stderr.join('')).toBe('');
      } finally {
        await daemon.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
