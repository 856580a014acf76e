import type { DnsClient } from '../../src/dns/types.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';

/** A MonitorContext over any DnsClient (the fake in unit tests, the real resolver in lab tests). */
export function monitorContext(dns: DnsClient, options: Partial<CheckOptions> = {}): MonitorContext {
  return {
    dns,
    guard: { check: () => ({ allowed: true }) },
    options: { ...DEFAULT_CHECK_OPTIONS, ...options },
    shared: new RunShared(),
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
}
