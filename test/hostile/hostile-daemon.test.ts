/**
 * `mailwarden run` over the hostile lab domains (and a good one): /healthz keeps answering while they are checked,
 * every batch finishes, and SIGTERM in the middle of a batch ends the process cleanly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startDaemon, tmpConfig, waitFor } from '../e2e/harness.ts';
import { labInfo } from '../lab/info.ts';

const DOMAINS = [
  'hostile-diamond.test',
  'hostile-tree.test',
  'hostile-mx500.test',
  'hostile-rua.test',
  'hostile-resolvermx.test',
  'spf-good.test',
];

describe('the daemon while hostile domains are checked', () => {
  it('answers /healthz throughout and honours SIGTERM during a batch', async () => {
    const lab = labInfo();
    const config = await tmpConfig({
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      domains: DOMAINS,
      extra: 'http: { listen: 127.0.0.1:0 }\n',
    });
    // the 500-MX domain's ten probed hosts share one refusing address: one probe at a time, each retried once
    const text = await readFile(config.file, 'utf8');
    const limited = text.replace(
      'checks:\n',
      'checks:\n  limits: { domainDeadline: 30s }\n  transport: { retryDelay: 200ms, legacyTls: false }\n',
    );
    expect(limited).not.toBe(text);
    await writeFile(config.file, limited);
    const daemon = startDaemon(config.file);
    try {
      const started = await waitFor('the start line', () => daemon.lines('mailwarden started')[0]);
      const base = String(started.http).replace(/\/$/, '');
      let answers = 0;
      let sawBatchInFlight = false;
      await waitFor(
        'two finished batches, with /healthz answering all along',
        async () => {
          const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
          const body = (await response.json()) as { scheduler?: { batchStartedAt?: string } };
          answers++;
          if (body.scheduler?.batchStartedAt) sawBatchInFlight = true;
          const checked = daemon.lines('run finished').reduce((sum, line) => sum + Number(line.domains), 0);
          return checked >= DOMAINS.length * 2 ? true : undefined;
        },
        90_000,
      );
      expect(answers).toBeGreaterThan(1);
      expect(sawBatchInFlight).toBe(true);

      await waitFor('a batch in flight', async () => {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
        const body = (await response.json()) as { scheduler?: { batchStartedAt?: string } };
        return body.scheduler?.batchStartedAt ? true : undefined;
      });
      expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(daemon.lines('mailwarden stopped')).toHaveLength(1);
    } finally {
      await daemon.stop();
      await config.remove();
    }
  }, 150_000);
});
