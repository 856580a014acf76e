import type { Channel, Delivery } from '../../src/alerts/channel.ts';
import type { DnsClient } from '../../src/dns/types.ts';
import type { Finding, Status } from '../../src/model.ts';
import type { Monitor } from '../../src/monitors/types.ts';
import { FakeDns, type FakeRecord } from '../support/fake-dns.ts';

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

/** What the canary asks: the root SOA, and the root DNSKEY with its RRSIG (the resolver passes DNSSEC data). */
const ROOT: FakeRecord[] = [
  { name: '', type: 'SOA', data: {} },
  { name: '', type: 'DNSKEY', data: {} },
  { name: '', type: 'RRSIG', data: { typeCovered: 'DNSKEY' } },
];

/** A DNS client for the canary: answers, or times out when `down.value` is true. */
export function fakeDns(down: { value: boolean }): DnsClient {
  return new FakeDns({ records: ROOT, unreachable: () => down.value });
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
