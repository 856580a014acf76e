// The dashboard of a real daemon on the lab, in Chromium: `mailwarden run` as a child process checks two lab zones,
// the overview shows their statuses, a change the test makes in DNS appears on the domain page, and the report the
// dashboard downloads agrees with the history the daemon recorded.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, screenshot, seriousA11yViolations } from '../http/browser.ts';
import { replaceZone, restoreZone } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';
import { startDaemon, tmpConfig, waitFor } from './harness.ts';

const GOOD = 'e2e-dashboard-good.test';
const BAD = 'e2e-dashboard-bad.test';
const zoneText = (name: string) =>
  readFileSync(join(import.meta.dirname, '../lab/zones/e2e', `${name.replace(/\.test$/, '')}.zone`), 'utf8');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Overview cells of a domain's row: [overall, DMARC, DKIM, SPF, STARTTLS, DANE, DNSSEC, MTA-STS, TLS-RPT]. */
async function rowOf(page: import('playwright-core').Page, domain: string): Promise<string[]> {
  return page.$$eval(
    'main table tbody tr',
    (rows, name) => {
      const row = rows.find((r) => r.querySelector('th a')?.textContent?.trim() === name);
      if (!row) return [];
      return [...row.querySelectorAll('td')]
        .slice(0, 9)
        .map((cell) => (cell.textContent ?? '').trim().replace(/^\S+\s+/, ''));
    },
    domain,
  );
}

describe('dashboard of a daemon on the lab', () => {
  it('shows the lab domains, a DNS change the test makes, and a report that matches the history', async () => {
    const lab = labInfo();
    const config = await tmpConfig({
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      ...(lab.caFile ? { caFile: lab.caFile } : {}),
      domains: [GOOD, `{ name: ${BAD}, tags: [customer-b] }`],
      extra: 'http: { listen: "127.0.0.1:0", dashboard: true, publicUrl: "https://mailwarden.example.nl" }\n',
    });
    const started = Date.now();
    const daemon = startDaemon(config.file);
    try {
      const line = await waitFor('the start line', () => daemon.lines('mailwarden started')[0]);
      const base = String(line.http).replace(/\/$/, '');
      await waitFor('the first checks', () => daemon.lines('run finished').length >= 1);
      const firstRun = Date.now();
      const { page, errors } = await browser.page();
      await page.goto(`${base}/`);
      await waitFor('both domains checked on the overview', async () => {
        await page.reload();
        return (await rowOf(page, GOOD))[0] !== 'not checked' && (await rowOf(page, BAD))[0] !== 'not checked';
      });
      const good = await rowOf(page, GOOD);
      const bad = await rowOf(page, BAD);
      expect({ dmarc: good[1], spf: good[3], dnssec: good[6] }).toEqual({ dmarc: 'ok', spf: 'ok', dnssec: 'ok' });
      expect(bad[0]).toBe('failing');
      expect({ dmarc: bad[1], spf: bad[3], dnssec: bad[6] }).toEqual({
        dmarc: 'failing',
        spf: 'failing',
        dnssec: 'failing',
      });
      await screenshot(page, 'lab-overview.png');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.fill('input[name=tag]', 'customer-b');
      await Promise.all([page.waitForURL(/tag=customer-b/), page.click('button[type=submit]')]);
      expect(await page.$$eval('main table tbody th a', (links) => links.map((a) => a.textContent))).toEqual([BAD]);

      // The test weakens GOOD's DMARC; the daemon confirms it; the domain page shows the change.
      await replaceZone(GOOD, zoneText(GOOD).replace('"v=DMARC1; p=reject;', '"v=DMARC1; p=none;'));
      await page.goto(`${base}/domains/${GOOD}`);
      await waitFor(
        'the regression on the domain page',
        async () => {
          await page.reload();
          return (await page.locator('#timeline td:text-is("regression")').count()) > 0;
        },
        60_000,
      );
      const timeline = await page.$$eval('#timeline tbody tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim())),
      );
      // Newest first: the confirmed regression, and the record change seen before it was confirmed.
      expect(timeline.map((row) => row.slice(1, 4))).toEqual([
        ['regression', 'dmarc.policy', GOOD],
        ['record-changed', 'record.dmarc', GOOD],
      ]);
      expect(timeline[1]![4]).toBe('record changed');
      expect(timeline[1]![5]).toMatch(
        /^was v=DMARC1; p=reject; rua=mailto:inbox@dmarc-reports\.test\s*now v=DMARC1; p=none; rua=mailto:inbox@dmarc-reports\.test$/,
      );
      expect(await page.textContent('section#dmarc')).toContain('Open alert (regression)');
      expect(await page.textContent('#attention')).toMatch(/DMARC: DMARC policy for e2e-dashboard-good\.test is none/);
      await screenshot(page, 'lab-domain.png');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // The report: GOOD's DMARC was compliant from its first check to the regression, not after.
      const history = (await (await fetch(`${base}/api/history/${GOOD}`)).json()) as {
        entries: { at: string; kind: string; check: string }[];
      };
      const regression = history.entries.find((e) => e.kind === 'regression' && e.check === 'dmarc.policy')!;
      expect(regression).toBeDefined();
      const from = new Date(started - 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      await page.goto(`${base}/reports`);
      await page.fill('input[name=from]', from.slice(0, 10));
      await page.fill('input[name=to]', new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
      await page.selectOption('select[name=format]', 'json');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[type=submit]')]);
      const report = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
        domains: {
          domain: string;
          standards: { standard: string; compliantMs: number; knownMs: number; changes: number; current: string }[];
          openIssues: { check: string }[];
        }[];
      };
      const dmarc = report.domains.find((d) => d.domain === GOOD)!.standards.find((s) => s.standard === 'dmarc')!;
      // The record change and the regression it caused.
      expect(dmarc.changes).toBe(2);
      expect(dmarc.current).toBe('fail');
      const regressionAt = Date.parse(regression.at);
      expect(dmarc.compliantMs).toBeLessThanOrEqual(regressionAt - started);
      expect(dmarc.compliantMs).toBeGreaterThanOrEqual(regressionAt - firstRun);
      expect(dmarc.knownMs).toBeGreaterThan(dmarc.compliantMs);
      expect(report.domains.find((d) => d.domain === GOOD)!.openIssues.map((i) => i.check)).toContain('dmarc.policy');
      expect(to > from).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await restoreZone(GOOD);
      await daemon.stop();
      await config.remove();
    }
  }, 150_000);
});
