import type { DnsClient } from '../dns/types.ts';

export interface CanaryResult {
  healthy: boolean;
  /** What failed, for the resolver alert (no secrets: names and error kinds). */
  detail: string;
}

/**
 * Asks the resolver for names that always resolve (default: the root SOA). Any answer, even NXDOMAIN, proves the
 * resolver works; healthy if at least one canary answers. Use an uncached client so a dead resolver is noticed.
 */
export async function checkCanaries(dns: DnsClient, names: readonly string[]): Promise<CanaryResult> {
  const failures: string[] = [];
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        await dns.query(name === '.' ? '' : name, 'SOA');
        return true;
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    }),
  );
  const healthy = results.some(Boolean);
  return { healthy, detail: healthy ? '' : `canary queries failed: ${failures.join('; ')}` };
}
