import type { FindingIndex } from './findings.ts';
import { type CategoryScore, category, FULL, missingCategory, type SubtestScore } from './types.ts';

/** Internet.nl mail TLS subtests that count (worst status fail once tested), 10 points each; DANE counts twice. */
const ASSUMED = [
  'fs_params',
  'tls_cipher_order',
  'tls_compression',
  'renegotiation_secure',
  'cert_pubkey',
  'cert_signature',
  'zero_rtt',
  'extended_master_secret',
] as const;

// NCSC phase-out (warn) still earns Internet.nl's full points (its *_OK scores); only insufficient (fail) earns none
const sufficient = (status: string | undefined) => status !== undefined && status !== 'fail' && status !== 'error';

/** One MX address: the sum of its subtests (Internet.nl scores each mail server, the category takes the lowest). */
function serverSubtests(index: FindingIndex, subject: string): SubtestScore[] {
  const host = subject.slice(0, subject.lastIndexOf('/'));
  const tls = index.one('starttls.offered', subject)?.status === 'ok';
  const points = (passed: boolean) => (tls && passed ? FULL : 0);
  const dane = index.one('dane.tlsa', host)?.status === 'ok' && index.one('dane.match', subject)?.status === 'ok';
  const tested = (name: string, passed: boolean, checks: string[]): SubtestScore => ({
    name,
    points: points(passed),
    max: FULL,
    basis: 'tested',
    checks,
  });
  return [
    tested('starttls_exists', true, ['starttls.offered']),
    tested('tls_version', sufficient(index.one('starttls.protocol', subject)?.status), ['starttls.protocol']),
    tested('tls_ciphers', sufficient(index.one('starttls.cipher', subject)?.status), ['starttls.cipher']),
    tested('dane_exists', dane, ['dane.tlsa', 'dane.match']),
    tested('dane_valid', dane, ['dane.tlsa', 'dane.match']),
    // not tested by mailwarden: counted as passed, but nothing passes without TLS
    ...ASSUMED.map((name) => ({ name, points: points(true), max: FULL, basis: 'assumed' as const, checks: [] })),
  ];
}

export function tlsCategory(index: FindingIndex): CategoryScore {
  const servers = index.all('starttls.offered');
  if (servers.length === 0) {
    // no MX address (null MX, no MX): Internet.nl does not score the category either
    return index.all('mx.records').length > 0
      ? { ...category('tls', []), percent: null }
      : missingCategory('tls', 'the starttls monitor did not run');
  }
  const undetermined = servers.find(
    (f) => f.status === 'error' || (f.status === 'info' && f.summary.startsWith('Not probed')),
  );
  if (undetermined) return missingCategory('tls', `${undetermined.subject}: ${undetermined.summary}`);
  const perServer = servers.map((f) => serverSubtests(index, f.subject));
  const totals = perServer.map((subtests) => subtests.reduce((sum, s) => sum + s.points, 0));
  const lowest = perServer[totals.indexOf(Math.min(...totals))] ?? [];
  return category('tls', lowest);
}
