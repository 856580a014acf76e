import type { Finding } from '../../model.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { mailHostFindings } from './mail-hosts.ts';
import { nameserverFindings } from './nameservers.ts';

/** IPv6 for mail, as Internet.nl's mail test asks it: name servers and MX hosts with AAAA, reachable over IPv6. */
async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const [nameservers, mailHosts] = await Promise.all([
    nameserverFindings(context, domain),
    mailHostFindings(context, domain),
  ]);
  return [...nameservers, ...mailHosts];
}

export const ipv6Monitor: Monitor = { name: 'ipv6', run };
