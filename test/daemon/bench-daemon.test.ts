// The daemon benchmark function the bench runner calls, on a few lab domains: it must run the real code path and
// report sizes that match the files it wrote.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { benchDaemon } from '../../bench/daemon-run.ts';
import { EmbeddedStore } from '../../src/state/embedded-store.ts';
import { labInfo } from '../lab/info.ts';

it('runs full daemon cycles over lab domains and reports time, memory and state size', async () => {
  const lab = labInfo();
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-'));
  try {
    const domains = ['dmarc-good.test', 'spf-good.test', 'mx-null.test', 'lab-signed.test'];
    const result = await benchDaemon({
      domains,
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      stateDir: dir,
      cycles: 2,
    });
    expect(result).toMatchObject({ domains: 4, cycles: 2, batches: 2, resolverHealthy: true });
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.domainsPerSecond).toBeCloseTo(8 / result.seconds, 5);
    expect(result.peakRssMb).toBeGreaterThan(20);
    expect(result.dnsQueriesSent).toBeGreaterThan(0);
    expect(result.statuses.ok).toBeGreaterThan(0);
    expect(result.stateFileBytes).toBe((await stat(join(dir, 'state.json'))).size);
    expect(result.stateJournalBytes).toBe((await stat(join(dir, 'state.journal'))).size);
    expect(result.stateWrites).toBeGreaterThanOrEqual(4);
    // What it wrote (snapshot + journal) is what a restart reads.
    const store = new EmbeddedStore({ dir });
    await store.open();
    expect([...store.domains()].map((state) => state.domain).sort()).toEqual([...domains].sort());
    for (const domain of domains) expect(store.domain(domain)?.reports).toBe(2);
    await store.close();
    // The history holds only what already warned or failed at the first check (baseline alerts); the second cycle,
    // with nothing changed, adds nothing.
    const history = await readFile(join(dir, 'history.jsonl'), 'utf8');
    expect(result.historyBytes).toBe(Buffer.byteLength(history));
    const kinds = history
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).kind);
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['baseline']));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
