/** spf.authorized: does check_host() pass for each configured sender IP (a hoster's outbound relays)? */
import type { DnsClient } from '../../dns/types.ts';
import type { Finding } from '../../model.ts';
import { checkHost } from './check-host.ts';

export async function authorizedFindings(dns: DnsClient, domain: string, ips: readonly string[]): Promise<Finding[]> {
  return Promise.all(
    ips.map(async (ip): Promise<Finding> => {
      const outcome = await checkHost(dns, { ip, domain, sender: `postmaster@${domain}`, helo: domain });
      const base = { check: 'spf.authorized', subject: `${domain}/${ip}` };
      const evidence = { ip, result: outcome.result, reason: outcome.reason, lookups: outcome.lookups };
      if (outcome.result === 'pass') {
        return { ...base, status: 'ok', summary: `SPF of ${domain} authorizes ${ip}`, evidence };
      }
      if (outcome.result === 'temperror') {
        return { ...base, status: 'error', summary: `SPF check of ${ip} for ${domain} hit a DNS error`, evidence };
      }
      return {
        ...base,
        status: 'fail',
        summary: `SPF of ${domain} gives ${outcome.result} for sender ${ip}: mail it relays may be rejected or junked`,
        evidence,
        fix:
          outcome.result === 'permerror' || outcome.result === 'none'
            ? `The SPF of ${domain} cannot authorize anyone until it is fixed (see spf.record and spf.lookups); then make sure it covers ${ip}.`
            : `Add ${ip} to the SPF record of ${domain} (ip4:/ip6: or the include: of the service that owns it), or stop relaying ${domain}'s mail through it.`,
      };
    }),
  );
}
