import type { Change } from '../../src/model.ts';
import type { Notice } from '../../src/state/types.ts';

export function regressionNotice(domain: string, overrides: Partial<Change> = {}, tags: string[] = []): Notice {
  const change: Change = {
    kind: 'regression',
    domain,
    check: 'dmarc.policy',
    subject: domain,
    at: '2025-01-01T00:00:00.000Z',
    before: { check: 'dmarc.policy', subject: domain, status: 'ok', summary: 'p=reject', evidence: {} },
    after: {
      check: 'dmarc.policy',
      subject: domain,
      status: 'fail',
      summary: 'no DMARC record',
      evidence: { record: 'v=spf1 <!channel> <@U123> <https://evil.example|click> & <script>alert(1)</script>' },
      fix: 'Publish a DMARC record',
    },
    ...overrides,
  };
  return {
    key: `regression|${domain}|${change.check}|${change.subject}`,
    type: 'regression',
    change,
    tags,
    at: change.at,
  };
}
