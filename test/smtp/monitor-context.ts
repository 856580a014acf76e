/** A MonitorContext for unit tests of the transport monitors: fake DNS, real guard, fresh per-run memo. */
import type { DnsClient } from '../../src/dns/types.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { createTargetGuard } from '../../src/net/target-guard.ts';
import type { TransportOptions } from '../../src/smtp/settings.ts';

export function testContext(
  dns: DnsClient,
  options: Partial<CheckOptions> & { transport?: Partial<TransportOptions>; now?: Date } = {},
): MonitorContext {
  const { now, ...rest } = options;
  const merged: CheckOptions = {
    ...DEFAULT_CHECK_OPTIONS,
    allowPrivateTargets: true,
    timeoutMs: 2000,
    ehloName: 'probe.mailwarden.test',
    ...rest,
    transport: { retryDelayMs: 50, bannerTimeoutMs: 2000, tlsaSecurity: 'resolver-ad', ...rest.transport },
  };
  return {
    dns,
    guard: createTargetGuard({ allowPrivateTargets: merged.allowPrivateTargets, trusted: [] }),
    options: merged,
    shared: new RunShared(),
    now: () => now ?? new Date(),
  };
}
