/**
 * RPKI origin validation through the real lab: a VRP export in rpki-client's JSON form (test/lab/rpki/vrps.json),
 * read from a file and from an HTTP URL, and the origin AS of each address from a `prefix AS` file or from the
 * Team Cymru-style TXT zones the lab serves (rpki-origin.test, rpki-origin6.test) through its Unbound.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCheckFlags } from '../support/cli.ts';
import { type CheckRun, finding, findingsOf, runCheck } from '../transport-e2e/run-check.ts';

const vrpFile = fileURLToPath(new URL('../lab/rpki/vrps.json', import.meta.url));
const originFile = fileURLToPath(new URL('../lab/rpki/origins.txt', import.meta.url));
const DOMAINS = ['rpki-valid.test', 'rpki-invalid.test', 'rpki-notfound.test', 'ipv6-good.test'];
const args = (...extra: string[]) => [...DOMAINS, ...labCheckFlags(), '--checks', 'rpki', '--json', ...extra];

let http: Server;
let fromFiles: CheckRun;
let fromDnsAndUrl: CheckRun;
let unconfigured: CheckRun;
let broken: CheckRun;

beforeAll(async () => {
  http = createServer((request, response) => {
    if (request.url === '/vrps.json') response.end(readFileSync(vrpFile));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/vrps.json`;
  [fromFiles, fromDnsAndUrl, unconfigured, broken] = await Promise.all([
    runCheck(args('--rpki-vrps', vrpFile, '--rpki-origins', originFile)),
    runCheck(args('--rpki-vrps', url, '--rpki-origins', 'dns:rpki-origin.test,rpki-origin6.test')),
    runCheck(args()),
    runCheck(args('--rpki-vrps', `${vrpFile}.missing`, '--rpki-origins', originFile)),
  ]);
}, 170_000);

afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

for (const [source, run] of [
  ['origins file, VRP file', () => fromFiles],
  ['origins from DNS, VRPs from a URL', () => fromDnsAndUrl],
] as const) {
  describe(`each outcome (${source})`, () => {
    const get = (domain: string, check: string, subject: string) => finding(findingsOf(run(), domain), check, subject);

    it('valid: name server and MX host in routes that ROAs authorise', () => {
      const ns = get('rpki-valid.test', 'rpki.ns', 'ns1.rpki-valid.test/127.53.1.3');
      expect(ns.status).toBe('ok');
      expect(ns.evidence).toMatchObject({ state: 'valid', routes: [{ prefix: '127.53.0.0/16', asn: 64500 }] });
      expect(get('rpki-valid.test', 'rpki.mx', 'mx1.rpki-valid.test/127.25.0.1').status).toBe('ok');
    });

    it('invalid: announced by an AS the covering ROA does not authorise', () => {
      const mx = get('rpki-invalid.test', 'rpki.mx', 'mx1.rpki-invalid.test/127.25.0.10');
      expect(mx.status).toBe('fail');
      expect(mx.evidence).toMatchObject({
        state: 'invalid',
        routes: [{ asn: 64666, vrps: ['127.25.0.8/29-30 AS64500'] }],
      });
    });

    it('not-found: no ROA covers the route', () => {
      const mx = get('rpki-notfound.test', 'rpki.mx', 'mx1.rpki-notfound.test/127.25.0.5');
      expect(mx.status).toBe('warn');
      expect(mx.evidence).toMatchObject({ state: 'not-found' });
    });

    it('IPv6 name servers and MX address are validated too', () => {
      expect(get('ipv6-good.test', 'rpki.ns', 'ns6a.ipv6-good.test/fd00:5353:25::53').status).toBe('ok');
      expect(get('ipv6-good.test', 'rpki.mx', 'mx6.ipv6-good.test/fd00:5353:25::25').status).toBe('ok');
    });
  });
}

describe('configuration', () => {
  it('no source set: one info finding per domain that says what to configure', () => {
    for (const domain of DOMAINS) {
      const findings = findingsOf(unconfigured, domain);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ check: 'rpki.config', status: 'info', subject: domain });
      expect(findings[0]?.summary).toContain('not configured');
    }
  });

  it('an unreadable VRP export: error, never a verdict', () => {
    const findings = findingsOf(broken, 'rpki-valid.test');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'rpki.config', status: 'error' });
    expect(findings[0]?.summary).toContain('vrps.json.missing');
  });
});
