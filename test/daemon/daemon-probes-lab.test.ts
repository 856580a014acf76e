// Politeness of a single daemon against the real lab: 40 domains share one MX host with two addresses
// (tls-shared.test). Checked by run() in 8 overlapping batches, each address still gets one STARTTLS conversation
// (and the separate TLS 1.0/1.1 handshake) for the whole cycle, one connection at a time, counted by proxies in
// front of the lab's Postfix. Before the daemon shared probe results across batches it was one per batch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { DomainReport } from '../../src/model.ts';
import { MONITORS } from '../../src/monitors/registry.ts';
import { createStateStore } from '../../src/state/open-store.ts';
import { labInfo } from '../lab/info.ts';
import { type CountingProxy, startCountingProxy } from '../transport-e2e/counting-proxy.ts';

const ADDRESSES = ['127.25.0.100', '127.25.0.101'];
/** Not port 25: test/transport-e2e puts its own proxies on these addresses' port 25, perhaps at the same time. */
const PORT = 2526;
const DOMAINS = Array.from({ length: 40 }, (_, i) => `d${i + 1}.tls-shared.test`);
const MX = 'mx.tls-shared.test';

let proxy: CountingProxy;
let dir: string;

beforeAll(async () => {
  proxy = await startCountingProxy(ADDRESSES, PORT, { address: '127.25.0.1', port: 25 });
  dir = await mkdtemp(join(tmpdir(), 'mw-daemon-probes-'));
});

afterAll(async () => {
  await proxy?.close();
  await rm(dir, { recursive: true, force: true });
});

it('one STARTTLS conversation per MX address for a whole cycle of overlapping batches, one at a time', async () => {
  const lab = labInfo();
  const config = parseConfig(
    `
dns: { resolvers: ["${lab.resolver.address}:${lab.resolver.port}"], trustAnchorFile: "${lab.trustAnchorFile}" }
checks:
  allowPrivateTargets: true
  ehloName: mailwarden-test.test
${lab.caFile ? `  caFile: "${lab.caFile}"\n` : ''}  transport: { smtpPort: ${PORT} }
schedule: { interval: 1h, firstCheckSpread: 0s, batchSize: 5, concurrency: 4 }
state: { url: "sqlite:${join(dir, 'state.db')}" }
channels: { console: { type: log } }
routes: [ { name: everything, channels: [console] } ]
domains: [${DOMAINS.join(', ')}]
`,
    join(dir, 'config.yaml'),
    { env: {} },
  );
  const store = createStateStore(config.state.url.reveal());
  await store.open();
  const reports: DomainReport[] = [];
  let batches = 0;
  const daemon = new Daemon({
    config,
    store,
    logger: pino({ level: 'silent' }),
    monitors: MONITORS.filter((monitor) => monitor.name === 'starttls'),
    observer: {
      batchFinished: (batch) => {
        batches++;
        reports.push(...batch.reports);
      },
    },
  });
  const before = proxy.counts();
  const running = daemon.run();
  try {
    await expect.poll(() => reports.length, { timeout: 60_000, interval: 200 }).toBe(DOMAINS.length);
  } finally {
    daemon.stop();
    await running;
    daemon.close();
    await store.close();
  }
  const after = proxy.counts();
  expect(batches).toBe(8);
  for (const report of reports) {
    for (const address of ADDRESSES) {
      const offered = report.findings.find(
        (finding) => finding.check === 'starttls.offered' && finding.subject === `${MX}/${address}`,
      );
      expect({ domain: report.domain, address, status: offered?.status }).toEqual({
        domain: report.domain,
        address,
        status: 'ok',
      });
    }
  }
  for (const address of ADDRESSES) {
    expect({ address, connections: after[address]!.connections - before[address]!.connections }).toEqual({
      address,
      connections: 2,
    });
    expect(after[address]!.peakConcurrent).toBe(1);
  }
}, 90_000);
