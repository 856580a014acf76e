import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord, QueryStats } from '../../src/dns/types.ts';

/** A zone in memory for unit tests of monitor logic: `${name} ${TYPE}` → records, or a thrown DnsError kind. */
export interface FakeZone {
  records: Record<string, Array<{ type: string; data: unknown; name?: string }>>;
  nxdomain?: string[];
  failures?: Record<string, DnsError['kind']>;
}

export function fakeDns(zone: FakeZone): DnsClient & { asked: string[] } {
  const asked: string[] = [];
  const stats: QueryStats = {
    requested: 0,
    cacheHits: 0,
    coalesced: 0,
    sent: 0,
    tcpFallbacks: 0,
    timeouts: 0,
    errors: 0,
  };
  const query = async (name: string, type: string): Promise<DnsAnswer> => {
    const key = `${name.toLowerCase()} ${type}`;
    asked.push(key);
    stats.requested++;
    const question = { name, type, class: 'IN' };
    const failure = zone.failures?.[key];
    if (failure) throw new DnsError(failure, question, `${failure} for ${name}/${type}`, { server: 'fake' });
    const answers: DnsRecord[] = (zone.records[key] ?? []).map((record) => ({
      name: record.name ?? name,
      type: record.type,
      class: 'IN',
      ttl: 300,
      data: record.data,
      rdata: new Uint8Array(),
    }));
    return {
      question,
      rcode: zone.nxdomain?.includes(name.toLowerCase()) ? 'NXDOMAIN' : 'NOERROR',
      flags: { aa: false, tc: false, rd: true, ra: true, ad: false, cd: false },
      answers,
      authorities: [],
      additionals: [],
      ede: [],
      dnssecOk: false,
      server: 'fake',
      transport: 'udp',
      fromCache: false,
    };
  };
  return { asked, query, queryServer: async (_server, name, type) => query(name, type), stats: () => ({ ...stats }) };
}
