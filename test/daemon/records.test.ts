import { describe, expect, it } from 'vitest';
import { diffRecords, publishedRecords } from '../../src/daemon/records.ts';
import type { Finding } from '../../src/model.ts';

const finding = (check: string, subject: string, evidence: Record<string, unknown>, status: Finding['status'] = 'ok') =>
  ({ check, subject, status, summary: '', evidence }) as Finding;

describe('published records read from the findings', () => {
  it('reads every kind a verdict rests on, as canonical text (sets sorted)', () => {
    const records = publishedRecords({
      domain: 'example.nl',
      checkedAt: '2026-01-01T00:00:00Z',
      findings: [
        finding('mx.records', 'example.nl', {
          mx: [
            { preference: 20, exchange: 'mx2.example.nl', addresses: ['192.0.2.2'] },
            { preference: 10, exchange: 'mx1.example.nl', addresses: ['192.0.2.1'] },
          ],
        }),
        finding('mx.records', 'mx1.example.nl', { domain: 'example.nl', preference: 10, exchange: 'mx1.example.nl' }),
        finding('spf.record', 'example.nl', { record: 'v=spf1 mx -all', strings: 1 }),
        finding('dmarc.record', 'example.nl', {
          record: 'v=DMARC1; p=reject',
          inherited: true,
          policyDomain: 'example.nl.parent',
        }),
        finding('dkim.key', 's1._domainkey.example.nl', { selector: 's1', records: ['v=DKIM1; k=ed25519; p=AAA'] }),
        finding('dane.tlsa', 'mx1.example.nl', { owner: '_25._tcp.mx1.example.nl', records: ['3 1 1 bb', '3 1 1 aa'] }),
        finding('mtasts.record', 'example.nl', { owner: '_mta-sts.example.nl', records: ['v=STSv1; id=1'] }),
        finding('mtasts.policy', 'example.nl', { body: 'version: STSv1\nmode: enforce\n' }),
        finding('tlsrpt.record', 'example.nl', { owner: '_smtp._tls.example.nl', records: [] }),
        finding('spf.policy', 'example.nl', { record: 'not a record kind' }),
      ],
    });
    expect(records).toEqual({
      'mx|example.nl': '10 mx1.example.nl\n20 mx2.example.nl',
      'spf|example.nl': 'v=spf1 mx -all',
      'dmarc|example.nl': 'v=DMARC1; p=reject (from example.nl.parent)',
      'dkim|s1._domainkey.example.nl': 'v=DKIM1; k=ed25519; p=AAA',
      'tlsa|_25._tcp.mx1.example.nl': '3 1 1 aa\n3 1 1 bb',
      'mtasts|_mta-sts.example.nl': 'v=STSv1; id=1',
      'mtasts-policy|example.nl': 'version: STSv1\nmode: enforce\n',
      'tlsrpt|_smtp._tls.example.nl': '',
    });
  });

  it('writes a null MX as "0 ." and learns nothing from a finding in error', () => {
    expect(
      publishedRecords({
        domain: 'null.example',
        checkedAt: '2026-01-01T00:00:00Z',
        findings: [
          finding('mx.records', 'null.example', { mx: ['0 .'], nullMx: true }),
          finding('spf.record', 'null.example', { record: 'v=spf1 -all' }, 'error'),
        ],
      }),
    ).toEqual({ 'mx|null.example': '0 .' });
  });

  it('a changed or newly published record is a change; a first check and an unchanged record are not', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(diffRecords('a.nl', undefined, { 'spf|a.nl': 'v=spf1 -all' }, at).changed).toEqual([]);
    const next = diffRecords(
      'a.nl',
      { 'spf|a.nl': 'v=spf1 -all', 'mx|a.nl': '10 mx.a.nl' },
      { 'spf|a.nl': 'v=spf1 mx -all', 'mx|a.nl': '10 mx.a.nl', 'dkim|s1._domainkey.a.nl': 'v=DKIM1; p=B' },
      at,
    );
    expect(next.changed).toEqual([
      { domain: 'a.nl', kind: 'spf', subject: 'a.nl', value: 'v=spf1 mx -all', at, before: 'v=spf1 -all' },
      { domain: 'a.nl', kind: 'dkim', subject: 's1._domainkey.a.nl', value: 'v=DKIM1; p=B', at },
    ]);
    expect(next.observations).toHaveLength(3);
    // A record never published and still absent (a DKIM selector tried) is not kept; one that was published and is
    // gone now is a change to the empty value.
    expect(diffRecords('a.nl', {}, { 'dkim|s2._domainkey.a.nl': '' }, at)).toMatchObject({
      observations: [],
      merged: {},
    });
    expect(diffRecords('a.nl', { 'spf|a.nl': 'v=spf1 -all' }, { 'spf|a.nl': '' }, at).changed).toMatchObject([
      { kind: 'spf', value: '', before: 'v=spf1 -all' },
    ]);
    // A record this report did not see (its lookup failed) keeps its last known value.
    expect(diffRecords('a.nl', { 'spf|a.nl': 'v=spf1 -all' }, {}, at).merged).toEqual({ 'spf|a.nl': 'v=spf1 -all' });
  });
});
