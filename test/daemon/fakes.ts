import type { Channel, Delivery } from '../../src/alerts/channel.ts';
import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord, QueryStats } from '../../src/dns/types.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';

/** A monitor whose verdict per domain the test sets; counts how often each domain was checked. */
export function fakeMonitor(statuses: Map<string, Status>, checks: Map<string, number>): Monitor {
  return {
    name: 'fake',
    async run(_context, domain): Promise<Finding[]> {
      checks.set(domain, (checks.get(domain) ?? 0) + 1);
      const status = statuses.get(domain) ?? 'ok';
      return [
        {
          check: 'fake.policy',
          subject: domain,
          status,
          summary: `fake is ${status}`,
          evidence: { txt: 'v=fake1 <!channel>' },
          fix: 'Fix the fake.',
        },
      ];
    },
  };
}

const STATS: QueryStats = {
  requested: 0,
  cacheHits: 0,
  coalesced: 0,
  sent: 0,
  tcpFallbacks: 0,
  timeouts: 0,
  errors: 0,
};

/** What the canary asks: the root SOA, and the root DNSKEY with its RRSIG (the resolver passes DNSSEC data). */
function rootRecords(name: string, type: string): DnsRecord[] {
  if (name !== '') return [];
  const record = (recordType: string, data: unknown): DnsRecord => ({
    name: '',
    type: recordType,
    class: 'IN',
    ttl: 300,
    data,
    rdata: new Uint8Array(),
  });
  if (type === 'SOA') return [record('SOA', {})];
  if (type === 'DNSKEY') return [record('DNSKEY', {}), record('RRSIG', { typeCovered: 'DNSKEY' })];
  return [];
}

/** A DNS client for the canary: answers, or times out when `down.value` is true. */
export function fakeDns(down: { value: boolean }): DnsClient {
  const answer = (name: string, type: string): DnsAnswer => ({
    question: { name, type, class: 'IN' },
    rcode: 'NOERROR',
    flags: { aa: false, tc: false, rd: true, ra: true, ad: false, cd: false },
    answers: rootRecords(name, type),
    authorities: [],
    additionals: [],
    ede: [],
    dnssecOk: false,
    server: '127.0.0.1:53',
    transport: 'udp',
    fromCache: false,
  });
  return {
    async query(name, type) {
      if (down.value) throw new DnsError('timeout', { name, type, class: 'IN' }, 'no answer from 127.0.0.1:53');
      return answer(name, type);
    },
    async queryServer(_server, name, type) {
      return answer(name, type);
    },
    stats: () => STATS,
  };
}

export class RecordingChannel implements Channel {
  readonly type = 'recording';
  readonly name: string;
  readonly deliveries: Delivery[] = [];
  failing = false;

  constructor(name: string) {
    this.name = name;
  }

  async send(delivery: Delivery): Promise<void> {
    if (this.failing) throw new Error('receiver down');
    this.deliveries.push(delivery);
  }

  secrets(): string[] {
    return [];
  }
}
