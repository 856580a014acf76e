// The daemon benchmark function the bench runner calls, on a few lab domains: it must run the real code path, on
// the store it is given, and report what it wrote.
import { expect, it } from 'vitest';
import { benchDaemon } from '../../bench/daemon-run.ts';
import { labInfo } from '../lab/info.ts';
import { testDatabase } from '../support/stores.ts';

it('runs full daemon cycles over lab domains and reports time, memory, batch writes and the database size', async () => {
  const lab = labInfo();
  const database = await testDatabase('sqlite');
  try {
    const domains = ['dmarc-good.test', 'spf-good.test', 'mx-null.test', 'lab-signed.test'];
    const result = await benchDaemon({
      domains,
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      stateUrl: database.url,
      cycles: 2,
      measureCompliance: 4,
    });
    expect(result).toMatchObject({ domains: 4, cycles: 2, batches: 2, resolverHealthy: true, store: 'sqlite' });
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.domainsPerSecond).toBeCloseTo(8 / result.seconds, 5);
    expect(result.peakRssMb).toBeGreaterThan(20);
    expect(result.dnsQueriesSent).toBeGreaterThan(0);
    expect(result.statuses.ok).toBeGreaterThan(0);
    expect(result.stateWrites).toBe(2);
    expect(result.maxStateWriteMs).toBeGreaterThan(0);
    expect(result.databaseBytes).toBeGreaterThan(0);
    expect(result.databaseBytesPerDomain).toBe(result.databaseBytes / 4);
    expect(result.complianceMs).toBeGreaterThanOrEqual(0);
    // What it wrote is what a restart reads: every domain checked twice.
    const store = await database.open();
    try {
      const states = await store.loadDomains(domains);
      for (const domain of domains) expect(states.get(domain)?.reports).toBe(2);
    } finally {
      await store.close();
    }
  } finally {
    await database.remove();
  }
}, 60_000);
