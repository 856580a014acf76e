import { checkDnssecSupport } from '../dns/resolver-health.ts';
import type { DnsClient } from '../dns/types.ts';

export interface CanaryResult {
  healthy: boolean;
  /** What failed, for the resolver alert (no secrets: names, rcodes and error kinds). */
  detail: string;
}

/**
 * Asks the resolver for names that always exist (default: the root SOA) and checks that it passes DNSSEC data
 * (the root DNSKEY with its RRSIG, asked with DO). A canary counts when it answers NOERROR — a resolver that says
 * NXDOMAIN or REFUSED for the root is lying or filtered, and every domain would look broken through it. Healthy when
 * at least one canary answers and DNSSEC data comes through; otherwise the daemon holds per-domain alerts and sends
 * one about the resolver. Use an uncached client so a dead resolver is noticed.
 */
export async function checkCanaries(dns: DnsClient, names: readonly string[]): Promise<CanaryResult> {
  const failures: string[] = [];
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const answer = await dns.query(name === '.' ? '' : name, 'SOA');
        const rootWithoutSoa = name === '.' && !answer.answers.some((record) => record.type === 'SOA');
        if (answer.rcode === 'NOERROR' && !rootWithoutSoa) return true;
        const what = answer.rcode === 'NOERROR' ? 'NOERROR without SOA' : answer.rcode;
        failures.push(`${name}: ${what} from ${answer.server}`);
        return false;
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    }),
  );
  if (!results.some(Boolean)) return { healthy: false, detail: `canary queries failed: ${failures.join('; ')}` };
  const dnssec = await checkDnssecSupport(dns);
  if (!dnssec.ok) return { healthy: false, detail: dnssec.problem?.message ?? 'the resolver fails the DNSSEC probe' };
  return { healthy: true, detail: '' };
}

/**
 * A canary that fails is asked once more after a pause before the resolver counts as broken: one query lost to a
 * loaded machine or a resolver restarting must not raise a resolver alert (no false alarms). A dead resolver costs
 * two probes.
 */
export async function confirmCanaries(
  dns: DnsClient,
  names: readonly string[],
  pauseMs = CANARY_CONFIRM_PAUSE_MS,
): Promise<CanaryResult> {
  const first = await checkCanaries(dns, names);
  if (first.healthy) return first;
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  return checkCanaries(dns, names);
}

export const CANARY_CONFIRM_PAUSE_MS = 1000;
