import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildComplianceReport } from '../../src/report/compliance-report.ts';
import { csvCell, csvLine } from '../../src/report/csv.ts';
import { exportReport, parsePeriod, reportFilename } from '../../src/report/export.ts';
import { reportCsv, reportHtml } from '../../src/report/render-report.ts';
import type { StateStore } from '../../src/state/store.ts';
import { NOW, newStore } from '../http/harness.ts';
import { DAY, fillScenario } from '../http/scenario.ts';
import { STORE_KINDS, type TestDatabase, testDatabase } from '../support/stores.ts';

let store: StateStore;
let database: TestDatabase | undefined;
const days = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();

/** The figures come from the store's SQL (compliance, history): checked on both stores. */
describe.each(STORE_KINDS)('compliance report on %s', (kind) => {
  beforeEach(async () => {
    database = kind === 'sqlite' ? undefined : await testDatabase(kind);
    store = database ? await database.open() : newStore(NOW);
    if (!database) await store.open();
    await fillScenario(store, NOW);
  });
  afterEach(async () => {
    await store.close();
    await database?.remove();
  });

  it('gives per domain and standard the time in compliance, changes and open issues of the period', async () => {
    const report = await buildComplianceReport(store, { from: days(30), to: NOW.toISOString() }, NOW);
    expect(report.summary.domains).toBe(5);
    const spfBroke = report.domains.find((d) => d.domain === 'spf-broke.example')!;
    const spf = spfBroke.standards.find((s) => s.standard === 'spf')!;
    // ok for 20 of the 30 days, `+all` (fail) for the last 10.
    expect(spf.percent).toBeCloseTo((20 / 30) * 100, 1);
    expect(spf.knownMs).toBe(30 * DAY);
    expect(spf.compliantMs).toBe(20 * DAY);
    expect(spf.changes).toBe(1);
    expect(spf.current).toBe('fail');
    expect(spfBroke.openIssues).toEqual([
      expect.objectContaining({
        check: 'spf.policy',
        subject: 'spf-broke.example',
        kind: 'regression',
        since: days(10),
      }),
    ]);
    expect(spfBroke.standards.find((s) => s.standard === 'dmarc')!.percent).toBe(100);
    const noDnssec = report.domains.find((d) => d.domain === 'nodnssec.example')!;
    expect(noDnssec.standards.find((s) => s.standard === 'dnssec')!.percent).toBe(0);
    const unchecked = report.domains.find((d) => d.domain === 'new.example')!;
    expect(unchecked.standards.every((s) => s.percent === null && s.current === null)).toBe(true);
    // flaky.example's DMARC failure (days 60–50 ago) lies outside the last 30 days.
    const flaky = report.domains.find((d) => d.domain === 'flaky.example')!;
    expect(flaky.changes).toEqual([]);
    expect(flaky.standards.find((s) => s.standard === 'dmarc')!.percent).toBe(100);
    expect(report.summary.openIssues).toBe(1);
    expect(report.summary.changes).toBe(1);
    const summarySpf = report.summary.standards.find((s) => s.standard === 'spf')!;
    // four checked domains: three ok all along, spf-broke 20 of 30 days.
    expect(summarySpf.percent).toBeCloseTo(((3 * 30 + 20) / (4 * 30)) * 100, 1);
    expect(summarySpf.fullyCompliantDomains).toBe(3);
  });

  it('counts a change and its non-compliant time when the period covers it, and keeps to one tag', async () => {
    const report = await buildComplianceReport(store, { from: days(90), to: days(40) }, NOW);
    const flaky = report.domains.find((d) => d.domain === 'flaky.example')!;
    const dmarc = flaky.standards.find((s) => s.standard === 'dmarc')!;
    expect(dmarc.percent).toBeCloseTo((40 / 50) * 100, 1);
    expect(dmarc.nonCompliantPeriods).toBe(1);
    expect(dmarc.changes).toBe(2);
    expect(flaky.changes.map((c) => [c.kind, c.before, c.after])).toEqual([
      ['regression', 'ok', 'fail'],
      ['recovery', 'fail', 'ok'],
    ]);
    const tagged = await buildComplianceReport(
      store,
      { from: days(30), to: NOW.toISOString(), tag: 'customer-a' },
      NOW,
    );
    expect(tagged.domains.map((d) => d.domain)).toEqual(['nodnssec.example', 'spf-broke.example']);
    expect(tagged.summary.domains).toBe(2);
  });
});

describe('report formats', () => {
  beforeEach(async () => {
    store = newStore(NOW);
    await store.open();
    await fillScenario(store, NOW);
  });
  afterEach(async () => {
    await store.close();
  });

  it('CSV: one row per domain and standard whose figures match the report', async () => {
    const file = await exportReport(store, { from: days(30), to: NOW.toISOString() }, 'csv', NOW);
    const lines = String(file.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"domain","tags","standard","compliance_percent","compliant_hours","known_hours","non_compliant_periods","changes","status_now","open_issues"',
    );
    expect(lines).toHaveLength(1 + 5 * 8);
    expect(lines).toContain('"spf-broke.example","customer-a","spf",66.67,480,720,1,1,"fail",1');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.filename).toBe(`mailwarden-report-${days(30).slice(0, 10)}_${NOW.toISOString().slice(0, 10)}.csv`);
  });

  it('CSV cells cannot become formulas in a spreadsheet', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    expect(csvCell('plain, "quoted"')).toBe('"plain, ""quoted"""');
    expect(csvCell(-5)).toBe('-5');
    expect(csvLine(['a', null, 1])).toBe('"a","",1\r\n');
  });

  it('HTML: summary first, then per domain, hostile text escaped', async () => {
    await store.commitBatch({
      domains: [],
      history: [
        {
          at: days(1),
          domain: 'good.example',
          kind: 'record-changed',
          check: 'spf.record',
          subject: 'good.example',
          recordBefore: 'v=spf1 mx -all',
          recordAfter: 'v=spf1 <img src=x onerror=alert(1)> -all',
        },
      ],
      standards: [],
      records: [],
      outbox: [],
    });
    const report = await buildComplianceReport(store, { from: days(30), to: NOW.toISOString() }, NOW);
    const text = reportHtml(report);
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('was: v=spf1 mx -all; now: v=spf1 &lt;img src=x onerror=alert(1)&gt; -all');
    expect(text.indexOf('<h2>Summary</h2>')).toBeLessThan(text.indexOf('<h2>Per domain</h2>'));
    expect(text).not.toMatch(/<script/i);
    expect(reportCsv(report)).toContain('"good.example","","spf",100');
  });

  it('PDF: printed by headless Chromium', async () => {
    const file = await exportReport(store, { from: days(30), to: NOW.toISOString() }, 'pdf', NOW);
    expect(file.contentType).toBe('application/pdf');
    const pdf = file.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5000);
  }, 120_000);

  it('reads a period from the user, or says what is wrong', () => {
    expect(parsePeriod('2026-01-01', '2026-04-01', ' gold ')).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      tag: 'gold',
    });
    expect(parsePeriod(undefined, '2026-04-01')).toMatch(/both --from and --to/);
    expect(parsePeriod('soon', '2026-04-01')).toMatch(/--from: "soon" is not an ISO 8601 date/);
    expect(parsePeriod('2026-04-01', '2026-01-01')).toBe('--to must be after --from');
    expect(reportFilename({ from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', tag: 'a/b c' }, 'pdf')).toBe(
      'mailwarden-report-2026-01-01_2026-04-01-a_b_c.pdf',
    );
  });
});

describe('standards', () => {
  it('counts a record change under the standard the record serves', async () => {
    const { standardOf } = await import('../../src/report/standards.ts');
    expect(standardOf('dmarc.policy')).toBe('dmarc');
    expect(standardOf('record.dmarc')).toBe('dmarc');
    expect(standardOf('record.tlsa')).toBe('dane');
    expect(standardOf('record.mtasts')).toBe('mtasts');
    expect(standardOf('resolver')).toBe('resolver');
  });
});
