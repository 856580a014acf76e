import { describe, expect, it } from 'vitest';
import { say } from '../../src/i18n/say.ts';
import type { DomainReport, Finding } from '../../src/model.ts';
import { formatReportsAsTable, formatTotals, terminalSafe, wantsColour } from '../../src/report/table.ts';
import { wrap } from '../../src/report/wrap.ts';

const at = '2026-11-22T12:00:00.000Z';
const f = (status: Finding['status'], summary = `${status} summary`): Finding => ({
  check: 'x.y',
  subject: 'example.test',
  status,
  summary,
  evidence: {},
});
const table = (findings: Finding[], domain = 'example.test') =>
  formatReportsAsTable([{ domain, checkedAt: at, findings } satisfies DomainReport]);

describe('the check table', () => {
  it('heads a domain whose findings are ok/info but some could not be checked with ERROR, like its exit code 3', () => {
    expect(table([f('ok'), f('info'), f('error')])).toMatch(/^example\.test {2}\[ERROR\]/);
    expect(table([f('ok'), f('info')])).toMatch(/^example\.test {2}\[INFO\]/);
    expect(table([f('warn'), f('error'), f('error')])).toMatch(/^example\.test {2}\[WARN, 2 ERROR\]/);
    expect(table([f('fail'), f('warn')])).toMatch(/^example\.test {2}\[FAIL\]/);
  });

  it('neutralises terminal escapes, line breaks and bidirectional/invisible controls from DNS text', () => {
    const hostile = 'v=DMARC1\u001b[2J\r\nFAKE OK\u202eevil\u2066x\u200by\ufeff';
    const out = table([f('fail', hostile)]);
    expect(out).not.toMatch(/[\u001b\r\u202e\u2066\u200b\ufeff]/);
    expect(out.split('\n').filter((line) => line.includes('FAKE OK'))).toHaveLength(1);
    expect(terminalSafe('a\u202eb')).toBe('a·b');
    expect(table([f('ok')], 'evil\u001b]0;title\u0007.test')).not.toMatch(/\u001b|\u0007/);
  });

  it('keeps ordinary non-ASCII text (IDN labels, accents) as it is', () => {
    expect(terminalSafe('bücher.example — ok')).toBe('bücher.example — ok');
  });

  it('counts the findings per status on the domain line, the ones needing attention first', () => {
    expect(table([f('ok'), f('fail'), f('warn'), f('ok'), f('error')])).toMatch(
      /^example\.test {2}\[FAIL, 1 ERROR\] {2}1 fail, 1 warn, 1 error, 2 ok\n/,
    );
  });
});

const long = (status: Finding['status'], subject = 'example.test'): Finding => ({
  check: 'dmarc.policy',
  subject,
  status,
  ...say('dmarc.policy', 'policy-none', { domain: 'a-rather-long-subdomain.example.test', tag: 'p' }),
  evidence: {},
});
const reportOf = (findings: Finding[], domain = 'example.test'): DomainReport => ({ domain, checkedAt: at, findings });

describe('the check table on a terminal', () => {
  it('fits 100 columns, wrapping the summary and the fix under the check', () => {
    const out = formatReportsAsTable([reportOf([long('fail'), long('fail', 'mx1.example.test/192.0.2.1')])]);
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(
      /^ {2}FAIL {3}dmarc\.policy {2}DMARC policy for a-rather-long-subdomain\.example\.test is none/,
    );
    expect(lines[2]).toMatch(/^ {23}\S/);
    expect(out).toMatch(/\n {23}fix: After checking the aggregate reports/);
    // a subject other than the domain gets its own line above the summary
    expect(out).toMatch(/\n {2}FAIL {3}dmarc\.policy {2}mx1\.example\.test\/192\.0\.2\.1\n {23}DMARC policy for/);
  });

  it('speaks Dutch when asked, the checks and statuses staying as they are', () => {
    const out = formatReportsAsTable([reportOf([long('fail')])], { language: 'nl' });
    expect(out).toMatch(/FAIL {3}dmarc\.policy {2}Het DMARC-beleid van a-rather-long-subdomain\.example\.test is none/);
    expect(out).toMatch(/oplossing: Controleer in de aggregate-rapporten/);
    expect(out).not.toMatch(/fix:/);
  });

  it('shows only findings at --min-status or worse, errors always, and says how many it left out', () => {
    const out = formatReportsAsTable([reportOf([f('ok'), f('info'), f('warn', 'W'), f('error', 'E')])], {
      minStatus: 'warn',
    });
    expect(out).toMatch(/1 warn, 1 error, 1 info, 1 ok; 2 below --min-status not shown/);
    expect(out).toMatch(/WARN .*W\n/);
    expect(out).toMatch(/ERROR .*E\n/);
    expect(out).not.toMatch(/ok summary|info summary/);
  });

  it('colours the statuses only when told to', () => {
    expect(formatReportsAsTable([reportOf([f('fail')])])).not.toMatch(/\u001b\[/);
    expect(formatReportsAsTable([reportOf([f('fail')])], { colour: true })).toMatch(/\u001b\[31m/);
  });

  it('wants colour on a terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(tty, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour(tty, { TERM: 'dumb' })).toBe(false);
    expect(wantsColour(pipe, {})).toBe(false);
    expect(wantsColour(pipe, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('ends many domains with their totals', () => {
    const reports = [
      reportOf([f('fail'), f('warn')], 'a.test'),
      reportOf([f('ok')], 'b.test'),
      reportOf([f('warn')], 'c.test'),
    ];
    expect(formatTotals(reports)).toBe('3 domains: 1 FAIL, 1 WARN, 1 OK; findings: 1 fail, 2 warn, 1 ok\n');
    expect(formatTotals(reports, 'nl')).toBe('3 domeinen: 1 FAIL, 1 WARN, 1 OK; bevindingen: 1 fail, 2 warn, 1 ok\n');
  });

  it('wraps at spaces and cuts a word longer than the column', () => {
    expect(wrap('aaa bbb ccc', 10)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrap('', 10)).toEqual(['']);
  });
});
