/** spf.authorized: does check_host() pass for each configured sender IP (a hoster's outbound relays)? */
import type { DnsClient } from '../../dns/types.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { checkHost } from './check-host.ts';

export async function authorizedFindings(dns: DnsClient, domain: string, ips: readonly string[]): Promise<Finding[]> {
  return Promise.all(
    ips.map(async (ip): Promise<Finding> => {
      const outcome = await checkHost(dns, { ip, domain, sender: `postmaster@${domain}`, helo: domain });
      const base = { check: 'spf.authorized', subject: `${domain}/${ip}` };
      const evidence = { ip, result: outcome.result, reason: outcome.reason, lookups: outcome.lookups };
      if (outcome.result === 'pass') {
        return { ...base, status: 'ok', ...say('spf.authorized', 'pass', { domain, ip }), evidence };
      }
      if (outcome.result === 'temperror') {
        return { ...base, status: 'error', ...say('spf.authorized', 'temperror', { domain, ip }), evidence };
      }
      return {
        ...base,
        status: 'fail',
        ...say('spf.authorized', 'not-authorized', { domain, ip, result: outcome.result }),
        evidence,
      };
    }),
  );
}
