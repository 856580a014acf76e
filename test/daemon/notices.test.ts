import { describe, expect, it } from 'vitest';
import { historyEntryFor } from '../../src/daemon/notices.ts';
import type { Change } from '../../src/model.ts';

describe('history entries', () => {
  it('keep status, summary and the compact evidence of both sides', () => {
    const record = `v=spf1 ${Array.from({ length: 100 }, (_, i) => `ip4:192.0.2.${i}`).join(' ')} -all`;
    const change: Change = {
      kind: 'regression',
      domain: 'example.nl',
      check: 'spf.policy',
      subject: 'example.nl',
      at: '2025-01-01T00:00:00.000Z',
      before: {
        check: 'spf.policy',
        subject: 'example.nl',
        status: 'ok',
        summary: 'ends in -all',
        evidence: { record },
      },
      after: {
        check: 'spf.policy',
        subject: 'example.nl',
        status: 'fail',
        summary: 'ends in +all',
        evidence: { record: 'v=spf1 +all', terms: Array.from({ length: 30 }, (_, i) => i) },
      },
    };
    const entry = historyEntryFor(change);
    expect(entry.before?.status).toBe('ok');
    expect(entry.before?.summary).toBe('ends in -all');
    expect(entry.before?.evidence.record).toBe(`${record.slice(0, 300)}… (${record.length - 300} more characters)`);
    expect(entry.after).toEqual({
      status: 'fail',
      summary: 'ends in +all',
      evidence: { record: 'v=spf1 +all', terms: [...Array.from({ length: 20 }, (_, i) => i), '… 10 more'] },
    });
    // The change itself (what the alert is made from) is not touched.
    expect(change.before?.evidence.record).toBe(record);
  });
});
