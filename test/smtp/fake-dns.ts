/** A tiny in-memory DnsClient for unit tests of the transport monitors (the lab tests use the real resolver). */
import dnsPacket from 'dns-packet';
import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord, QueryStats } from '../../src/dns/types.ts';

export interface FakeRecord {
  name: string;
  type: string;
  data: unknown;
}

export interface FakeZoneData {
  records: FakeRecord[];
  /** Names whose answers carry AD=1 (secure); everything else is insecure. */
  secure?: (name: string) => boolean;
  /** name/type → error kind to throw (`example.test/TLSA` → 'servfail'). */
  failures?: Record<string, 'servfail' | 'timeout'>;
  /** Names that answer NXDOMAIN even though names below them exist (a broken server). */
  falseNxdomain?: string[];
}

const norm = (name: string) => name.replace(/\.$/, '').toLowerCase();

function wire(type: string, data: unknown): Uint8Array {
  if (type === 'TLSA') {
    const t = data as { usage: number; selector: number; matchingType: number; data: string };
    return Uint8Array.from([t.usage, t.selector, t.matchingType, ...Buffer.from(t.data, 'hex')]);
  }
  try {
    // biome-ignore lint/suspicious/noExplicitAny: dns-packet's per-type encoders are untyped
    const codec = (dnsPacket as any)[type.toLowerCase()];
    const buffer = codec.encode(data);
    return buffer.subarray(2);
  } catch {
    return new Uint8Array();
  }
}

export class FakeDns implements DnsClient {
  readonly queries: string[] = [];
  readonly #zone: FakeZoneData;
  readonly #byName = new Map<string, FakeRecord[]>();
  /** Every owner name and every name above one (empty non-terminals exist too). */
  readonly #existing = new Set<string>();

  constructor(zone: FakeZoneData) {
    this.#zone = zone;
    for (const r of zone.records) {
      const owner = norm(r.name);
      this.#byName.set(owner, [...(this.#byName.get(owner) ?? []), r]);
      const labels = owner.split('.');
      for (let i = 0; i < labels.length; i++) this.#existing.add(labels.slice(i).join('.'));
    }
  }

  async query(name: string, type: string): Promise<DnsAnswer> {
    const qname = norm(name);
    this.queries.push(`${qname}/${type}`);
    const question = { name: qname, type, class: 'IN' };
    const failure = this.#zone.failures?.[`${qname}/${type}`];
    if (failure) throw new DnsError(failure, question, `${failure} for ${qname}/${type}`);
    const answers: DnsRecord[] = [];
    let current = qname;
    for (let hops = 0; hops < 8; hops++) {
      const cname = this.#byName.get(current)?.find((r) => r.type === 'CNAME');
      if (!cname || type === 'CNAME') break;
      answers.push(this.#record(cname));
      current = norm(String(cname.data));
    }
    for (const r of this.#byName.get(current) ?? []) if (r.type === type) answers.push(this.#record(r));
    const exists = this.#existing.has(current);
    const falseNx = this.#zone.falseNxdomain?.includes(current) ?? false;
    const rcode = falseNx || (!exists && answers.length === 0) ? 'NXDOMAIN' : 'NOERROR';
    const ad = this.#zone.secure?.(current) ?? false;
    return {
      question,
      rcode,
      flags: { aa: false, tc: false, rd: true, ra: true, ad, cd: false },
      answers: falseNx ? [] : answers,
      authorities: [],
      additionals: [],
      ede: [],
      dnssecOk: true,
      server: 'fake',
      transport: 'udp',
      fromCache: false,
    };
  }

  #record(r: FakeRecord): DnsRecord {
    return { name: norm(r.name), type: r.type, class: 'IN', ttl: 300, data: r.data, rdata: wire(r.type, r.data) };
  }

  queryServer(): Promise<DnsAnswer> {
    throw new Error('not used');
  }

  stats(): QueryStats {
    return {
      requested: this.queries.length,
      cacheHits: 0,
      coalesced: 0,
      sent: 0,
      tcpFallbacks: 0,
      timeouts: 0,
      errors: 0,
    };
  }
}
