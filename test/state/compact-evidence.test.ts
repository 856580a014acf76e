// What the database keeps of a finding: compact evidence, bounded, showing in alerts what the full finding shows.
import { describe, expect, it } from 'vitest';
import { flattenEvidence } from '../../src/alerts/digest.ts';
import type { Finding } from '../../src/model.ts';
import { compactDomainState, compactEvidenceValue, EVIDENCE_LIMITS } from '../../src/state/compact-evidence.ts';
import type { DomainState } from '../../src/state/types.ts';

const certificate = (host: string): Finding => ({
  check: 'starttls.certificate',
  subject: `${host}/192.0.2.10`,
  status: 'ok',
  summary: `rsa 2048 certificate for ${host}, valid until 2027-02-20`,
  evidence: {
    leaf: {
      subject: `CN=${host}`,
      subjectAltName: Array.from({ length: 80 }, (_, i) => `DNS:mx${i}.customer-${i}.example`).join(', '),
      notAfter: '2027-02-20T11:43:24.000Z',
      sha256: '29dd2265a5f82281c5f2913586f4d001562600068b2981b400d592bd63150a35',
    },
    chainSubjects: [`CN=${host}`, 'O=Example CA\nCN=Example Issuing CA'],
    daysLeft: 89,
  },
  expiresAt: '2027-02-20T11:43:24.000Z',
});

const dmarc = (domain: string, record: string): Finding => ({
  check: 'dmarc.policy',
  subject: domain,
  status: 'ok',
  summary: 'DMARC policy is p=reject',
  evidence: { record, tags: Array.from({ length: 50 }, (_, i) => ({ tag: `x${i}`, value: `v${i}` })) },
});

function domainWith(name: string, findings: Finding[], extra: Partial<DomainState> = {}): DomainState {
  return {
    domain: name,
    reports: 1,
    findings: Object.fromEntries(
      findings.map((finding) => [`${finding.check}|${finding.subject}`, { confirmed: finding, errorCount: 0 }]),
    ),
    ...extra,
  };
}

describe('compact evidence', () => {
  it('caps long strings and arrays, and an alert shows the same lines from the stored finding as from the full one', () => {
    const record = `v=DMARC1; p=reject; rua=${Array.from({ length: 200 }, (_, i) => `mailto:r${i}@example.nl`).join(',')}`;
    const full = dmarc('example.nl', record);
    const stored = compactEvidenceValue(full.evidence) as Record<string, unknown>;
    expect(stored.record).toBe(
      `${record.slice(0, EVIDENCE_LIMITS.maxStringLength)}… (${record.length - EVIDENCE_LIMITS.maxStringLength} more characters)`,
    );
    expect(stored.tags).toHaveLength(EVIDENCE_LIMITS.maxArrayItems + 1);
    expect((stored.tags as unknown[]).at(-1)).toBe('… 30 more');
    expect(flattenEvidence(stored)).toEqual(flattenEvidence(full.evidence));
    const cert = certificate('mx1.example.nl');
    expect(flattenEvidence(compactEvidenceValue(cert.evidence) as Record<string, unknown>)).toEqual(
      flattenEvidence(cert.evidence),
    );
  });

  it('compacting twice changes nothing', () => {
    const evidence = dmarc('example.nl', 'x'.repeat(5000)).evidence;
    const once = compactEvidenceValue(evidence);
    expect(compactEvidenceValue(once)).toEqual(once);
  });

  it('compacts every finding a domain state keeps (confirmed, pending, an open alert) and leaves the caller’s alone', () => {
    const record = 'v=DMARC1; p=reject; '.padEnd(5000, 'x');
    const full = dmarc('example.nl', record);
    const worse = { ...dmarc('example.nl', record), status: 'fail' as const };
    const state = domainWith('example.nl', [full], {});
    const key = 'dmarc.policy|example.nl';
    state.findings[key] = {
      confirmed: full,
      errorCount: 0,
      pending: { status: 'fail', count: 1, since: '2025-01-01T00:00:00Z', finding: worse },
      open: {
        kind: 'regression',
        since: '2025-01-01T00:00:00Z',
        lastNotifiedAt: '2025-01-01T00:00:00Z',
        change: {
          kind: 'regression',
          domain: 'example.nl',
          check: 'dmarc.policy',
          subject: 'example.nl',
          before: full,
          after: worse,
          at: '2025-01-01T00:00:00Z',
        },
      },
    };
    const stored = compactDomainState(state).findings[key]!;
    const cut = (finding: Finding | undefined) => String(finding?.evidence.record).length;
    expect(cut(stored.confirmed)).toBeLessThan(400);
    expect(cut(stored.pending?.finding)).toBeLessThan(400);
    expect(cut(stored.open?.change.before)).toBeLessThan(400);
    expect(cut(stored.open?.change.after)).toBeLessThan(400);
    expect(cut(state.findings[key]!.confirmed)).toBe(5000);
  });
});
