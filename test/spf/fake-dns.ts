/**
 * A tiny in-memory DnsClient for unit tests of the SPF, DMARC and DKIM monitors: names map to records; a name
 * marked TIMEOUT throws a DnsError('timeout'); unknown names are NXDOMAIN; CNAMEs are followed like a recursive
 * resolver does (the CNAME records are kept in the answer section).
 */
import { DnsError } from '../../src/dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord, QueryStats } from '../../src/dns/types.ts';

export interface FakeRecord {
  type: string;
  data: unknown;
}

export type FakeZone = Map<string, FakeRecord[] | 'TIMEOUT'>;

export class FakeDns implements DnsClient {
  readonly zone: FakeZone;
  readonly queries: string[] = [];
  /** Names where a query for a type without records times out (the suite's TIMEOUT beside records). */
  readonly timeoutOtherTypes = new Set<string>();

  constructor(zone: FakeZone = new Map()) {
    this.zone = zone;
  }

  add(name: string, type: string, data: unknown): this {
    const key = name.toLowerCase().replace(/\.$/, '');
    const existing = this.zone.get(key);
    const list = Array.isArray(existing) ? existing : [];
    list.push({ type, data: type === 'TXT' && typeof data === 'string' ? [Buffer.from(data, 'latin1')] : data });
    this.zone.set(key, list);
    return this;
  }

  timeout(name: string): this {
    this.zone.set(name.toLowerCase(), 'TIMEOUT');
    return this;
  }

  async query(name: string, type: string): Promise<DnsAnswer> {
    this.queries.push(`${name} ${type}`);
    const answers: DnsRecord[] = [];
    let current = name.toLowerCase().replace(/\.$/, '');
    for (let hops = 0; hops < 8; hops++) {
      const entry = this.zone.get(current);
      if (entry === 'TIMEOUT') {
        throw new DnsError('timeout', { name, type, class: 'IN' }, `timeout for ${name}/${type}`);
      }
      if (entry === undefined) {
        // An empty non-terminal (a name with only names below it) is NOERROR/NODATA, as in real DNS.
        const emptyNonTerminal = [...this.zone.keys()].some((key) => key.endsWith(`.${current}`));
        return answer(name, type, emptyNonTerminal ? 'NOERROR' : 'NXDOMAIN', answers);
      }
      const matching = entry.filter((r) => r.type === type);
      if (matching.length === 0 && this.timeoutOtherTypes.has(current)) {
        throw new DnsError('timeout', { name, type, class: 'IN' }, `timeout for ${name}/${type}`);
      }
      if (matching.length > 0 || type === 'CNAME') {
        answers.push(...matching.map((r) => record(current, r)));
        return answer(name, type, 'NOERROR', answers);
      }
      const cname = entry.find((r) => r.type === 'CNAME');
      if (!cname) return answer(name, type, 'NOERROR', answers);
      answers.push(record(current, cname));
      current = String(cname.data).toLowerCase().replace(/\.$/, '');
    }
    return answer(name, type, 'NOERROR', answers);
  }

  queryServer(): Promise<DnsAnswer> {
    throw new Error('not used');
  }

  stats(): QueryStats {
    const n = this.queries.length;
    return { requested: n, cacheHits: 0, coalesced: 0, sent: n, tcpFallbacks: 0, timeouts: 0, errors: 0 };
  }
}

function record(name: string, r: FakeRecord): DnsRecord {
  return { name, type: r.type, class: 'IN', ttl: 300, data: r.data, rdata: new Uint8Array() };
}

function answer(name: string, type: string, rcode: string, answers: DnsRecord[]): DnsAnswer {
  const flags = { aa: false, tc: false, rd: true, ra: true, ad: false, cd: false };
  return {
    question: { name, type, class: 'IN' },
    rcode,
    flags,
    answers,
    authorities: [],
    additionals: [],
    ede: [],
    dnssecOk: false,
    server: '127.0.0.1:53',
    transport: 'udp',
    fromCache: false,
  };
}
