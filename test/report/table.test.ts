import { describe, expect, it } from 'vitest';
import type { DomainReport, Finding } from '../../src/model.ts';
import { formatReportsAsTable, terminalSafe } from '../../src/report/table.ts';

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
});
