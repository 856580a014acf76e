import type { DnsClient } from '../../dns/types.ts';

/** The apex of the zone a name lives in: the owner of the SOA in the answer or in the authority section. */
export async function findZoneApex(dns: DnsClient, name: string): Promise<string> {
  const answer = await dns.query(name, 'SOA', { dnssec: true, checkingDisabled: true });
  const soa = [...answer.answers, ...answer.authorities].find((record) => record.type === 'SOA');
  return (soa?.name ?? name).replace(/\.$/, '').toLowerCase();
}
