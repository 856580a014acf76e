import { createResolver, type Resolver } from '../dns/resolver.ts';
import type { DnsServer } from '../dns/types.ts';
import { MONITORS } from '../monitors/registry.ts';
import { RunShared, type SharedCoordinator } from '../monitors/run-shared.ts';
import type { CheckOptions, Monitor, MonitorContext } from '../monitors/types.ts';
import { createTargetGuard } from '../net/target-guard.ts';

/** Everything a `check` run is made of, as plain data: it is handed to worker threads as it is. */
export interface CheckSetup {
  servers: DnsServer[];
  resolverTimeoutMs: number;
  options: CheckOptions;
  monitors: string[];
  /** Domains checked at once (in one worker, when the run is split). */
  concurrency: number;
}

/**
 * The resolver client's queries on the wire follow the domains in flight: a domain's monitors ask about this many
 * names at once, so a fixed cap would only make higher --concurrency queue up in memory.
 */
export const QUERIES_IN_FLIGHT_PER_DOMAIN = 4;

/**
 * Answers a `check` keeps. The ones asked again are the shared names (root and TLD keys, the MX hosts, their TLSA
 * and SPF includes), which stay in the LRU as long as they are used; a domain's own names are asked within the
 * seconds its check takes. The daemon's default of 100,000 would make memory grow with the number of domains.
 */
export const CHECK_DNS_CACHE_ENTRIES = 5_000;

/**
 * Run-shared results a `check` remembers (least recently used forgotten): a few per domain are the domain's own
 * (its MX targets, its validated MX and SOA), used only while it is checked; the shared ones are used all the time.
 */
export const CHECK_SHARED_ENTRIES = 5_000;

export function monitorsNamed(names: readonly string[]): Monitor[] {
  return MONITORS.filter((monitor) => names.includes(monitor.name));
}

export function createCheckContext(
  setup: CheckSetup,
  coordinator?: SharedCoordinator,
): { context: MonitorContext; dns: Resolver } {
  const dns = createResolver({
    servers: setup.servers,
    timeoutMs: setup.resolverTimeoutMs,
    maxConcurrency: Math.max(16, setup.concurrency * QUERIES_IN_FLIGHT_PER_DOMAIN),
    cache: { maxEntries: CHECK_DNS_CACHE_ENTRIES },
  });
  const guard = createTargetGuard({
    allowPrivateTargets: setup.options.allowPrivateTargets,
    // trusted for DNS on their own port only
    trusted: dns.servers.map((server) =>
      server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`,
    ),
  });
  const shared = new RunShared({ ...(coordinator ? { coordinator } : {}), maxEntries: CHECK_SHARED_ENTRIES });
  return { context: { dns, guard, options: setup.options, shared, now: () => new Date() }, dns };
}
