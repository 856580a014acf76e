import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildComplianceReport } from '../../src/report/compliance-report.ts';
import { type Browser, launchBrowser, screenshot, seriousA11yViolations } from './browser.ts';
import { type HttpHarness, NOW, startHarness } from './harness.ts';
import { ALL_OK, checkDomain, DAY } from './scenario.ts';

/** The dashboard in a real browser (Debian's Chromium through playwright-core) over a filled SQLite store. */
let browser: Browser;
let h: HttpHarness;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.close();
});

/** The overview's rows as [domain, overall status, DMARC, DKIM, SPF, STARTTLS, DANE, DNSSEC, MTA-STS, TLS-RPT]. */
async function overviewRows(page: import('playwright-core').Page): Promise<string[][]> {
  return page.$$eval('main table tbody tr', (rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim());
      const name = row.querySelector('th a')?.textContent?.trim() ?? '';
      return [name, ...cells.slice(1, 10).map((text) => text.replace(/^\S+\s+/, ''))];
    }),
  );
}

describe('dashboard in Chromium', () => {
  it('overview lists every domain with its statuses; filters, search and sort work; accessible, no console errors', async () => {
    const { page, errors } = await browser.page();
    await page.goto(`${h.base}/`);
    expect(await page.title()).toBe('Domains · mailwarden');
    expect(await page.textContent('#count')).toBe('Domains 1–5 of 5');
    const rows = await overviewRows(page);
    expect(rows.map((r) => r[0])).toEqual([
      'flaky.example',
      'good.example',
      'new.example',
      'nodnssec.example',
      'spf-broke.example',
    ]);
    const ok = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'];
    expect(rows[1]!.slice(1)).toEqual(['ok', ...ok]);
    expect(rows[2]!.slice(1)).toEqual(Array(9).fill('not checked'));
    expect(rows[3]!.slice(1)).toEqual(['failing', 'ok', 'ok', 'ok', 'ok', 'warning', 'failing', 'ok', 'ok']);
    expect(rows[4]!.slice(1)).toEqual(['failing', 'ok', 'ok', 'failing', 'ok', 'ok', 'ok', 'ok', 'ok']);
    // Status is never colour alone: each badge carries its text.
    expect(await page.textContent('tbody tr:nth-child(5) td:nth-child(2)')).toContain('failing');
    await screenshot(page, 'overview.png');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.selectOption('select[name=status]', 'fail');
    await Promise.all([page.waitForURL(/status=fail/), page.click('button[type=submit]')]);
    expect((await overviewRows(page)).map((r) => r[0])).toEqual(['nodnssec.example', 'spf-broke.example']);

    await page.selectOption('select[name=standard]', 'spf');
    await Promise.all([page.waitForURL(/standard=spf/), page.click('button[type=submit]')]);
    expect((await overviewRows(page)).map((r) => r[0])).toEqual(['spf-broke.example']);

    await page.goto(`${h.base}/`);
    await page.fill('input[name=tag]', 'gold');
    await Promise.all([page.waitForURL(/tag=gold/), page.click('button[type=submit]')]);
    expect((await overviewRows(page)).map((r) => r[0])).toEqual(['nodnssec.example']);

    await page.goto(`${h.base}/`);
    await page.fill('input[name=q]', 'flak');
    await Promise.all([page.waitForURL(/q=flak/), page.click('button[type=submit]')]);
    expect((await overviewRows(page)).map((r) => r[0])).toEqual(['flaky.example']);
    await screenshot(page, 'overview-search.png');

    await page.goto(`${h.base}/`);
    await Promise.all([page.waitForURL(/sort=status/), page.click('thead a:text("Status")')]);
    const byStatus = (await overviewRows(page)).map((r) => r[0]);
    expect(byStatus.slice(0, 2).sort()).toEqual(['nodnssec.example', 'spf-broke.example']);
    expect(byStatus.slice(2, 4).sort()).toEqual(['flaky.example', 'good.example']);
    expect(errors).toEqual([]);
  });

  it('domain page: findings with fix and evidence, compliance chart, and a change the test made happen', async () => {
    // The test breaks good.example's DMARC now: a regression with an open alert.
    const broken = { ...ALL_OK, 'dmarc.policy': 'fail' as const };
    await checkDomain(h.store, 'good.example', broken, new Date(NOW.getTime() - DAY), ALL_OK);
    const { page, errors } = await browser.page();
    await page.goto(`${h.base}/`);
    await Promise.all([page.waitForURL(/\/domains\/good\.example$/), page.click('a:text("good.example")')]);
    expect(await page.textContent('h1')).toBe('good.example');
    expect(await page.textContent('#domain-status')).toContain('failing');
    const timeline = await page.$$eval('#timeline tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim())),
    );
    expect(timeline[0]!.slice(1, 4)).toEqual(['regression', 'dmarc.policy', 'good.example']);
    expect(timeline[0]![4]).toMatch(/ok\s*→\s*\S+\s+failing/);
    expect(await page.textContent('#attention')).toMatch(/failing\s+DMARC: dmarc\.policy is fail for good\.example/);
    const dmarc = page.locator('section#dmarc');
    expect(await dmarc.textContent()).toContain('How to fix: Publish a correct dmarc record for good.example.');
    expect(await dmarc.textContent()).toContain('Open alert (regression)');
    await dmarc.locator('summary').first().click();
    expect(await dmarc.locator('pre').first().textContent()).toContain('dmarc.policy=fail');
    expect(await page.locator('.chart svg > title').textContent()).toBe(
      'Time in compliance per standard over the last 30 days, 90 days, 365 days',
    );
    expect(await page.locator('.chart rect title').first().textContent()).toBe('DMARC, 30 days: 96.7 %');
    // DMARC failing for the last one of 30 days: 29/30.
    expect(
      await page.locator('table:has(caption:text("Time in compliance")) tr:has(th:text("DMARC"))').textContent(),
    ).toContain('96.7 %');
    expect(await page.locator('#records').textContent()).toContain('v=spf1 mx -all');
    await screenshot(page, 'domain.png');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('report page downloads a CSV whose numbers match the history, and an HTML report for print', async () => {
    const { page, errors } = await browser.page();
    await page.goto(`${h.base}/reports`);
    await screenshot(page, 'reports.png');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const from = new Date(NOW.getTime() - 30 * DAY).toISOString().slice(0, 10);
    const to = NOW.toISOString().slice(0, 10);
    await page.fill('input[name=from]', from);
    await page.fill('input[name=to]', to);
    await page.fill('input[name=tag]', 'customer-a');
    await page.selectOption('select[name=format]', 'csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[type=submit]')]);
    expect(download.suggestedFilename()).toBe(`mailwarden-report-${from}_${to}-customer-a.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 2 * 8);
    // spf-broke.example: SPF ok until 10 days before NOW (noon), `+all` since. The form's dates are midnights:
    // the period is NOW - 30.5 days to NOW - 0.5 days, ok for 20.5 of its 30 days.
    const expected = await buildComplianceReport(h.store, {
      from: new Date(`${from}T00:00:00Z`).toISOString(),
      to: new Date(`${to}T00:00:00Z`).toISOString(),
      tag: 'customer-a',
    });
    const spf = expected.domains
      .find((d) => d.domain === 'spf-broke.example')!
      .standards.find((s) => s.standard === 'spf')!;
    expect(spf.percent).toBeCloseTo((20.5 / 30) * 100, 1);
    expect(lines).toContain(`"spf-broke.example","customer-a","spf",${spf.percent},492,720,1,1,"fail",1`);

    await page.goto(`${h.base}/reports/download?from=${from}&to=${to}&format=html`);
    expect(await page.textContent('h1')).toBe('Mail security compliance report');
    await screenshot(page, 'report.png');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('keeps a copy of the overview and a domain page for the README when asked (MAILWARDEN_UPDATE_DOCS=1)', async () => {
    if (process.env.MAILWARDEN_UPDATE_DOCS !== '1') return;
    const docs = new URL('../../docs/images/', import.meta.url);
    await mkdir(docs, { recursive: true });
    const { page } = await browser.page();
    await page.setViewportSize({ width: 1280, height: 560 });
    await page.goto(`${h.base}/`);
    await page.screenshot({ path: new URL('dashboard-overview.png', docs).pathname });
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${h.base}/domains/spf-broke.example`);
    await page.screenshot({ path: new URL('dashboard-domain.png', docs).pathname });
    await copyFile(new URL('dashboard-overview.png', docs), new URL('../artifacts/docs-overview.png', import.meta.url));
  });
});
