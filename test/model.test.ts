import { describe, expect, it } from 'vitest';
import { isWorse, nagiosExitCode, worstStatus } from '../src/model.ts';

describe('status order', () => {
  it('orders ok < info < warn < fail and keeps error outside the order', () => {
    expect(isWorse('ok', 'warn')).toBe(true);
    expect(isWorse('fail', 'warn')).toBe(false);
    expect(isWorse('ok', 'error')).toBe(false);
    expect(isWorse('error', 'fail')).toBe(false);
  });

  it('takes the worst verdict and reports error only when nothing was determined', () => {
    expect(worstStatus(['ok', 'error', 'warn'])).toBe('warn');
    expect(worstStatus(['error'])).toBe('error');
    expect(worstStatus([])).toBe('ok');
  });

  it('maps reports to Nagios exit codes', () => {
    const report = (...statuses: Array<'ok' | 'info' | 'warn' | 'fail' | 'error'>) => ({
      domain: 'example.test',
      checkedAt: '2026-01-01T00:00:00Z',
      findings: statuses.map((status) => ({
        check: 'mx.records',
        subject: 'example.test',
        status,
        summary: '',
        evidence: {},
      })),
    });
    expect(nagiosExitCode([report('ok', 'info')])).toBe(0);
    expect(nagiosExitCode([report('ok', 'warn')])).toBe(1);
    expect(nagiosExitCode([report('warn'), report('fail')])).toBe(2);
    expect(nagiosExitCode([report('ok', 'error')])).toBe(3);
  });
});
