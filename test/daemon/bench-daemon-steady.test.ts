// The daemon loop benchmark the bench runner calls, kept short: it must drive the real daemon both ways and report
// batches, overhead and domains as they happened.
import { expect, it } from 'vitest';
import { benchSteadyState } from '../../bench/daemon-steady.ts';
import { labInfo } from '../lab/info.ts';

it('measures batches and their overhead a minute for one batch per poll and for run()', async () => {
  const lab = labInfo();
  const [before, after] = await benchSteadyState({
    resolver: lab.resolver,
    trustAnchorFile: lab.trustAnchorFile,
    seconds: 4,
    domains: 1800,
    interval: '3m',
  });
  expect(before!.loop).toBe('tick()');
  expect(after!.loop).toBe('run()');
  for (const figures of [before!, after!]) {
    expect(figures.batches).toBeGreaterThan(0);
    expect(figures.domainsChecked).toBeGreaterThanOrEqual(figures.batches);
    expect(figures.batchesPerMinute).toBeCloseTo(figures.batches * 15, 5);
    expect(figures.meanBatchDomains).toBeCloseTo(figures.domainsChecked / figures.batches, 5);
    expect(figures.overheadSecondsPerMinute).toBeGreaterThan(0);
  }
  // 10 domains come due a second: one batch per poll takes them one or two at a time, run() gathers 1.8 s of them.
  expect(before!.meanBatchDomains).toBeLessThan(after!.meanBatchDomains);
}, 30_000);
