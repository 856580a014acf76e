/**
 * Politeness against the real lab: 40 domains share one MX host with two addresses. A counting TCP proxy on
 * 127.25.0.100 and .101 (the MX addresses in tls-shared.test) forwards to the real Postfix "good" listener, so every
 * connection `mailwarden check` opens is counted. Without --allow-private-targets, nothing may connect at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from './counting-proxy.ts';
import { finding, findingsOf, labArgs, runCheck } from './run-check.ts';

const ADDRESSES = ['127.25.0.100', '127.25.0.101'];
const DOMAINS = Array.from({ length: 40 }, (_, i) => `d${i + 1}.tls-shared.test`);
const MX = 'mx.tls-shared.test';

let proxy: CountingProxy;

beforeAll(async () => {
  proxy = await startCountingProxy(ADDRESSES, 25, { address: '127.25.0.1', port: 25 });
});

afterAll(async () => {
  await proxy?.close();
});

describe('one MX shared by 40 domains, through a connection-counting proxy in front of the real Postfix', () => {
  it('opens one STARTTLS conversation per address (plus the separate TLS 1.0/1.1 handshake), one at a time', async () => {
    const before = proxy.counts();
    const run = await runCheck([...DOMAINS, ...labArgs(), '--concurrency', '40', '--checks', 'starttls,dane']);
    const after = proxy.counts();
    expect(run.reports).toHaveLength(DOMAINS.length);
    for (const domain of DOMAINS) {
      for (const address of ADDRESSES) {
        const offered = finding(findingsOf(run, domain), 'starttls.offered', `${MX}/${address}`);
        expect(offered.status).toBe('ok');
        // the legacy handshake ran too (its connection is the second one counted); the good listener refuses it
        const protocol = finding(findingsOf(run, domain), 'starttls.protocol', `${MX}/${address}`);
        expect((protocol.evidence as { legacy?: { result: string } }).legacy?.result).toBe('refused');
      }
    }
    for (const address of ADDRESSES) {
      expect({ address, connections: after[address]!.connections - before[address]!.connections }).toEqual({
        address,
        connections: 2,
      });
      expect(after[address]!.peakConcurrent).toBe(1);
    }
    console.log(
      `40 domains on one MX with 2 addresses: ${ADDRESSES.map((a) => `${a}: ${after[a]!.connections - before[a]!.connections} connections`).join(', ')}; ${Math.round(run.durationMs)} ms`,
    );
  }, 120_000);

  it('split over 3 worker threads: still one conversation per address for the whole run, one at a time', async () => {
    const before = proxy.counts();
    const run = await runCheck([...DOMAINS, ...labArgs(), '--checks', 'starttls,dane', '--workers', '3']);
    const after = proxy.counts();
    expect(run.reports.map((report) => report.domain)).toEqual(DOMAINS);
    for (const domain of DOMAINS) {
      for (const address of ADDRESSES) {
        expect(finding(findingsOf(run, domain), 'starttls.offered', `${MX}/${address}`).status).toBe('ok');
      }
    }
    for (const address of ADDRESSES) {
      expect({ address, connections: after[address]!.connections - before[address]!.connections }).toEqual({
        address,
        connections: 2,
      });
      expect(after[address]!.peakConcurrent).toBe(1);
    }
  }, 120_000);

  it('without --allow-private-targets: every address reported "not probed", and not one connection', async () => {
    const before = proxy.counts();
    const run = await runCheck([...DOMAINS.slice(0, 5), 'tls-good.test', ...labArgs({ allowPrivateTargets: false })]);
    const after = proxy.counts();
    for (const domain of DOMAINS.slice(0, 5)) {
      for (const address of ADDRESSES) {
        const offered = finding(findingsOf(run, domain), 'starttls.offered', `${MX}/${address}`);
        expect(offered.status).toBe('info');
        expect(offered.summary).toMatch(/^Not probed: /);
        expect((offered.evidence as { guard: { category?: string } }).guard.category).toBe('loopback');
      }
    }
    const good = finding(findingsOf(run, 'tls-good.test'), 'starttls.offered', 'mx1.tls-good.test/127.25.0.1');
    expect(good.summary).toMatch(/^Not probed: /);
    expect(findingsOf(run, 'tls-good.test').filter((f) => f.check === 'starttls.certificate')).toEqual([]);
    for (const address of ADDRESSES) expect(after[address]!.connections).toBe(before[address]!.connections);
  }, 120_000);
});
