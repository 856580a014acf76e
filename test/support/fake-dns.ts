/**
 * The in-memory DnsClient for unit tests of monitor, daemon and command logic (lab tests use the real resolver).
 * It behaves like a recursive resolver in front of one zone:
 * - names are case-insensitive and a trailing dot is ignored; the root is '' and always exists;
 * - CNAMEs are followed (up to 8 hops) and kept in the answer section; asking for type CNAME returns the CNAME;
 * - the rcode belongs to the last name of the chain: NOERROR when it owns records or names below it (an empty
 *   non-terminal), NXDOMAIN otherwise;
 * - with `dnssec: true` the RRSIGs covering each answered RRset come along; AD is set for names `secure` accepts;
 * - every record carries its RDATA in wire form (dns-packet's encoding), so RDATA parsers see real bytes.
 * Names are indexed, so a zone of 10,000 domains costs a map look-up per query, not a scan.
 */
import dnsPacket from 'dns-packet';
import { DnsError, type DnsErrorKind } from '../../src/dns/errors.ts';
import { emptyQueryStats } from '../../src/dns/query-stats.ts';
import type {
  DnsAnswer,
  DnsClient,
  DnsQuestion,
  DnsRecord,
  DnsServer,
  QueryOptions,
  QueryStats,
} from '../../src/dns/types.ts';

export interface FakeRecord {
  name: string;
  type: string;
  /** As dns-packet decodes it (TXT: an array of Buffers or strings); TLSA as `{usage, selector, matchingType, data: hex}`. */
  data: unknown;
}

export interface FakeZone {
  records?: FakeRecord[];
  /** Names whose answers carry AD=1 (the resolver validated them); everything else is insecure. */
  secure?: (name: string) => boolean;
  /** `name/TYPE` → the DnsError kind that query throws (`example.test/TLSA` → 'servfail'). */
  failures?: Record<string, DnsErrorKind>;
  /** Names that answer NXDOMAIN even though names below them exist (a broken server). */
  falseNxdomain?: string[];
  /** While this returns true the resolver does not answer: every query() times out (queryServer still answers). */
  unreachable?: () => boolean;
  /** The resolver answers and errors name, `ip:port` (default 127.0.0.1:53). */
  server?: string;
}

const MAX_CNAME_HOPS = 8;

export class FakeDns implements DnsClient {
  /** Every question asked through query(), as `name/TYPE` (lower case, no trailing dot). */
  readonly queries: string[] = [];
  readonly #zone: FakeZone;
  readonly #server: string;
  readonly #byName = new Map<string, DnsRecord[]>();
  /** Every owner name and every name above one (empty non-terminals exist too), and the root. */
  readonly #existing = new Set<string>(['']);
  readonly #falseNxdomain: Set<string>;
  readonly #timedOut = new Set<string>();
  readonly #timedOutWithoutData = new Set<string>();

  constructor(zone: FakeZone = {}) {
    this.#zone = zone;
    this.#server = zone.server ?? '127.0.0.1:53';
    this.#falseNxdomain = new Set((zone.falseNxdomain ?? []).map(normalise));
    for (const record of zone.records ?? []) this.#store(record);
  }

  /** Adds one record; a TXT given as one string is stored as one character-string (latin1), as a zone file writes it. */
  add(name: string, type: string, data: unknown): this {
    const stored = type === 'TXT' && typeof data === 'string' ? [Buffer.from(data, 'latin1')] : data;
    this.#store({ name, type, data: stored });
    return this;
  }

  /** Makes `name` exist without records of its own (NOERROR with no data for every type). */
  declare(name: string): this {
    this.#register(normalise(name));
    return this;
  }

  /** Every query that reaches `name` (directly or through a CNAME) times out. */
  timeout(name: string): this {
    this.#register(normalise(name));
    this.#timedOut.add(normalise(name));
    return this;
  }

  /** Queries that reach `name` for a type it has no records of time out; its records still answer. */
  timeoutWithoutData(name: string): this {
    this.#register(normalise(name));
    this.#timedOutWithoutData.add(normalise(name));
    return this;
  }

  async query(name: string, type: string, options: QueryOptions = {}): Promise<DnsAnswer> {
    const question = { name: normalise(name), type, class: 'IN' };
    this.queries.push(`${question.name}/${type}`);
    if (this.#zone.unreachable?.()) throw new DnsError('timeout', question, `no answer from ${this.#server}`);
    return this.#answer(question, options);
  }

  async queryServer(_server: DnsServer, name: string, type: string, options: QueryOptions = {}): Promise<DnsAnswer> {
    return this.#answer({ name: normalise(name), type, class: 'IN' }, options);
  }

  stats(): QueryStats {
    return { ...emptyQueryStats(), requested: this.queries.length };
  }

  #answer(question: DnsQuestion, options: QueryOptions): DnsAnswer {
    const { name, type } = question;
    const failure = this.#zone.failures?.[`${name}/${type}`];
    if (failure) throw this.#error(failure, question);
    const answers: DnsRecord[] = [];
    let current = name;
    for (let hops = 0; hops <= MAX_CNAME_HOPS; hops++) {
      if (this.#timedOut.has(current)) throw this.#error('timeout', question);
      const owned = this.#byName.get(current) ?? [];
      const matching = owned.filter((record) => record.type === type);
      if (matching.length === 0 && this.#timedOutWithoutData.has(current)) throw this.#error('timeout', question);
      const cname = owned.find((record) => record.type === 'CNAME');
      if (matching.length > 0 || type === 'CNAME' || !cname || hops === MAX_CNAME_HOPS) {
        answers.push(...this.#signed(matching, owned, options));
        break;
      }
      answers.push(...this.#signed([cname], owned, options));
      current = normalise(String(cname.data));
    }
    const falseNxdomain = this.#falseNxdomain.has(current);
    return fakeAnswer(question, falseNxdomain || !this.#existing.has(current) ? 'NXDOMAIN' : 'NOERROR', {
      answers: falseNxdomain ? [] : answers,
      ad: this.#zone.secure?.(current) ?? false,
      dnssecOk: options.dnssec === true,
      server: this.#server,
    });
  }

  /** Copies of the records, followed by the RRSIGs covering their type when DO was asked for. */
  #signed(records: DnsRecord[], owned: DnsRecord[], options: QueryOptions): DnsRecord[] {
    const types = new Set(records.map((record) => record.type));
    const signatures =
      options.dnssec && !types.has('RRSIG')
        ? owned.filter((record) => record.type === 'RRSIG' && types.has(typeCovered(record) ?? ''))
        : [];
    return [...records, ...signatures].map((record) => ({ ...record }));
  }

  #error(kind: DnsErrorKind, question: DnsQuestion): DnsError {
    const message = `${kind} for ${question.name}/${question.type}`;
    return kind === 'timeout'
      ? new DnsError(kind, question, message)
      : new DnsError(kind, question, message, { server: this.#server });
  }

  #store(record: FakeRecord): void {
    const owner = normalise(record.name);
    this.#register(owner);
    const stored: DnsRecord = {
      name: owner,
      type: record.type,
      class: 'IN',
      ttl: 300,
      data: record.data,
      rdata: wire(record.type, record.data),
    };
    const list = this.#byName.get(owner);
    if (list) list.push(stored);
    else this.#byName.set(owner, [stored]);
  }

  #register(owner: string): void {
    const labels = owner.split('.');
    for (let i = 0; i < labels.length; i++) this.#existing.add(labels.slice(i).join('.'));
  }
}

/** A DnsAnswer envelope around `answers`, for tests that hand-build what a resolver returns. */
export function fakeAnswer(
  question: DnsQuestion,
  rcode: string,
  options: { answers?: DnsRecord[]; ad?: boolean; dnssecOk?: boolean; server?: string } = {},
): DnsAnswer {
  return {
    question,
    rcode,
    flags: { aa: false, tc: false, rd: true, ra: true, ad: options.ad ?? false, cd: false },
    answers: options.answers ?? [],
    authorities: [],
    additionals: [],
    ede: [],
    dnssecOk: options.dnssecOk ?? false,
    server: options.server ?? '127.0.0.1:53',
    transport: 'udp',
    fromCache: false,
  };
}

function typeCovered(signature: DnsRecord): string | undefined {
  return (signature.data as { typeCovered?: string } | undefined)?.typeCovered;
}

function normalise(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

function wire(type: string, data: unknown): Uint8Array {
  if (type === 'TLSA') {
    const tlsa = data as { usage: number; selector: number; matchingType: number; data: string };
    return Uint8Array.from([tlsa.usage, tlsa.selector, tlsa.matchingType, ...Buffer.from(tlsa.data, 'hex')]);
  }
  try {
    // biome-ignore lint/suspicious/noExplicitAny: dns-packet's per-type encoders are untyped
    const codec = (dnsPacket as any)[type.toLowerCase()];
    return codec.encode(data).subarray(2);
  } catch {
    // Partial data some tests give (an SOA as {}) has no wire form; nothing in those tests parses it.
    return new Uint8Array();
  }
}
