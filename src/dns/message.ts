/**
 * DNS messages on the wire: queries we send (EDNS0, DO/CD/RD per query) and answers we parse.
 *
 * Parsing walks the message itself rather than trusting dns-packet with hostile input: every bound is checked,
 * compression pointers are followed with a jump limit, and each RR's RDATA is copied out in wire form with names
 * expanded (RFC 3597 §4 for the well-known types; RRSIG/NSEC signer and next names too, leniently). dns-packet then
 * decodes the expanded RDATA into `data`, where nothing can point outside the record any more.
 */
import { createRequire } from 'node:module';
import { labelsToPresentation, labelsToWire, NameError, nameToWire, readName } from './names.ts';
import { className, classNumber, rcodeName, typeName, typeNumber } from './rrtypes.ts';
import type { DnsFlags, DnsQuestion, DnsRecord, ExtendedDnsError } from './types.ts';

const require = createRequire(import.meta.url);
interface RdataCodec {
  decode: ((buf: Buffer, offset: number) => unknown) & { bytes: number };
}
const packet = require('dns-packet') as { record(type: string): RdataCodec };

/** RFC 8914 Extended DNS Error option code. */
export const EDE_OPTION_CODE = 15;
/** The DNS Flag Day 2020 buffer size: avoids IP fragmentation. */
export const EDNS_UDP_PAYLOAD_SIZE = 1232;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const FLAG_AD = 0x0020;
const FLAG_CD = 0x0010;
const EDNS_DO = 0x8000;
const TYPE_OPT = 41;

export class MessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageError';
  }
}

export interface QuerySpec {
  id: number;
  question: DnsQuestion;
  recursionDesired: boolean;
  checkingDisabled: boolean;
  dnssecOk: boolean;
}

/** Encodes a query. Throws NameError for an invalid name and MessageError for an unknown type or class. */
export function encodeQuery(spec: QuerySpec): Uint8Array {
  const qname = nameToWire(spec.question.name);
  const qtype = typeNumber(spec.question.type);
  const qclass = classNumber(spec.question.class);
  if (qtype === undefined) throw new MessageError(`unknown query type ${spec.question.type}`);
  if (qclass === undefined) throw new MessageError(`unknown query class ${spec.question.class}`);
  // AD=1 in a query asks for the AD bit in the answer even without DO (RFC 6840 §5.7).
  const flags = FLAG_AD | (spec.recursionDesired ? FLAG_RD : 0) | (spec.checkingDisabled ? FLAG_CD : 0);
  const out = Buffer.alloc(12 + qname.length + 4 + 11);
  out.writeUInt16BE(spec.id, 0);
  out.writeUInt16BE(flags, 2);
  out.writeUInt16BE(1, 4); // QDCOUNT
  out.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  let offset = 12;
  out.set(qname, offset);
  offset += qname.length;
  out.writeUInt16BE(qtype, offset);
  out.writeUInt16BE(qclass, offset + 2);
  offset += 4;
  out[offset] = 0; // OPT owner: root
  out.writeUInt16BE(TYPE_OPT, offset + 1);
  out.writeUInt16BE(EDNS_UDP_PAYLOAD_SIZE, offset + 3);
  out.writeUInt32BE(spec.dnssecOk ? EDNS_DO : 0, offset + 5); // extended RCODE 0, version 0, flags
  out.writeUInt16BE(0, offset + 9); // RDLENGTH
  return out;
}

export interface EdnsInfo {
  udpPayloadSize: number;
  version: number;
  dnssecOk: boolean;
  options: { code: number; data: Uint8Array }[];
}

export interface ParsedMessage {
  id: number;
  isResponse: boolean;
  opcode: number;
  /** Full RCODE: header bits plus the OPT extension. */
  rcode: number;
  rcodeName: string;
  flags: DnsFlags;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns: EdnsInfo | undefined;
  ede: ExtendedDnsError[];
}

export interface MessageHeader {
  id: number;
  isResponse: boolean;
  questionCount: number;
}

export function readHeader(message: Uint8Array): MessageHeader | undefined {
  if (message.length < 12) return undefined;
  return {
    id: (message[0]! << 8) | message[1]!,
    isResponse: (message[2]! & 0x80) !== 0,
    questionCount: (message[4]! << 8) | message[5]!,
  };
}

/** Parses a whole message. Throws MessageError on anything malformed; never loops, never reads out of bounds. */
export function parseMessage(input: Uint8Array): ParsedMessage {
  try {
    return parseUnchecked(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  } catch (error) {
    if (error instanceof MessageError) throw error;
    const reason = error instanceof NameError ? error.message : 'unreadable message';
    throw new MessageError(reason, { cause: error });
  }
}

/** Only the questions; for deciding whether an unparseable answer was meant for us at all. */
export function parseQuestions(input: Uint8Array): DnsQuestion[] {
  try {
    const reader = new Reader(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    const count = reader.buf.readUInt16BE(4);
    reader.offset = 12;
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < count; i++) questions.push(reader.question());
    return questions;
  } catch {
    return [];
  }
}

function parseUnchecked(buf: Buffer): ParsedMessage {
  if (buf.length < 12) throw new MessageError('message shorter than its 12-byte header');
  const reader = new Reader(buf);
  const id = buf.readUInt16BE(0);
  const flagBits = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  reader.offset = 12;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push(reader.question());
  const answers = reader.records(counts[1]);
  const authorities = reader.records(counts[2]);
  const rawAdditionals = reader.records(counts[3]);

  let edns: EdnsInfo | undefined;
  let extendedRcode = 0;
  const additionals: DnsRecord[] = [];
  for (const record of rawAdditionals) {
    if (record.type !== 'OPT') {
      additionals.push(record);
      continue;
    }
    if (edns) throw new MessageError('more than one OPT record');
    if (record.name !== '') throw new MessageError('OPT record not owned by the root');
    const opt = record as DnsRecord & { rawClass: number; rawTtl: number };
    extendedRcode = opt.rawTtl >>> 24;
    edns = {
      udpPayloadSize: opt.rawClass,
      version: (opt.rawTtl >>> 16) & 0xff,
      dnssecOk: (opt.rawTtl & EDNS_DO) !== 0,
      options: readOptions(record.rdata),
    };
  }
  const rcode = (extendedRcode << 4) | (flagBits & 0x0f);
  return {
    id,
    isResponse: (flagBits & FLAG_QR) !== 0,
    opcode: (flagBits >> 11) & 0x0f,
    rcode,
    rcodeName: rcodeName(rcode),
    flags: {
      aa: (flagBits & FLAG_AA) !== 0,
      tc: (flagBits & FLAG_TC) !== 0,
      rd: (flagBits & FLAG_RD) !== 0,
      ra: (flagBits & FLAG_RA) !== 0,
      ad: (flagBits & FLAG_AD) !== 0,
      cd: (flagBits & FLAG_CD) !== 0,
    },
    questions,
    answers,
    authorities,
    additionals,
    edns,
    ede: edns ? extendedErrors(edns.options) : [],
  };
}

function readOptions(rdata: Uint8Array): { code: number; data: Uint8Array }[] {
  const options: { code: number; data: Uint8Array }[] = [];
  let offset = 0;
  while (offset < rdata.length) {
    if (offset + 4 > rdata.length) throw new MessageError('truncated EDNS option');
    const code = (rdata[offset]! << 8) | rdata[offset + 1]!;
    const length = (rdata[offset + 2]! << 8) | rdata[offset + 3]!;
    if (offset + 4 + length > rdata.length) throw new MessageError('EDNS option longer than the OPT record');
    options.push({ code, data: rdata.slice(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  return options;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function extendedErrors(options: { code: number; data: Uint8Array }[]): ExtendedDnsError[] {
  return options
    .filter((option) => option.code === EDE_OPTION_CODE && option.data.length >= 2)
    .map((option) => ({
      code: (option.data[0]! << 8) | option.data[1]!,
      text: utf8.decode(option.data.subarray(2)).replace(/\0+$/, ''),
    }));
}

type Field = 'name' | 'rest' | 'charstring' | number;

/** RDATA layouts whose names may be compressed and so must be expanded. Other types are copied as they are. */
const NAME_LAYOUTS: Record<string, Field[]> = {
  NS: ['name'],
  MD: ['name'],
  MF: ['name'],
  CNAME: ['name'],
  MB: ['name'],
  MG: ['name'],
  MR: ['name'],
  PTR: ['name'],
  DNAME: ['name'],
  SOA: ['name', 'name', 20],
  MINFO: ['name', 'name'],
  RP: ['name', 'name'],
  MX: [2, 'name'],
  AFSDB: [2, 'name'],
  RT: [2, 'name'],
  KX: [2, 'name'],
  PX: [2, 'name', 'name'],
  SRV: [6, 'name'],
  NAPTR: [4, 'charstring', 'charstring', 'charstring', 'name'],
  RRSIG: [18, 'name', 'rest'],
  NSEC: ['name', 'rest'],
};

/** RDATA lengths that dns-packet would not check itself. */
const FIXED_LENGTHS: Record<string, number> = { A: 4, AAAA: 16 };

class Reader {
  readonly buf: Buffer;
  offset = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  need(bytes: number, what: string): void {
    if (this.offset + bytes > this.buf.length) throw new MessageError(`${what} runs past the end of the message`);
  }

  name(): string {
    const decoded = readName(this.buf, this.offset);
    this.offset = decoded.end;
    return labelsToPresentation(decoded.labels);
  }

  question(): DnsQuestion {
    const name = this.name();
    this.need(4, 'question');
    const type = typeName(this.buf.readUInt16BE(this.offset));
    const klass = className(this.buf.readUInt16BE(this.offset + 2));
    this.offset += 4;
    return { name, type, class: klass };
  }

  records(count: number): DnsRecord[] {
    const records: DnsRecord[] = [];
    for (let i = 0; i < count; i++) records.push(this.record());
    return records;
  }

  record(): DnsRecord {
    const name = this.name();
    this.need(10, 'resource record header');
    const typeCode = this.buf.readUInt16BE(this.offset);
    const rawClass = this.buf.readUInt16BE(this.offset + 2);
    const rawTtl = this.buf.readUInt32BE(this.offset + 4);
    const rdLength = this.buf.readUInt16BE(this.offset + 8);
    this.offset += 10;
    this.need(rdLength, 'RDATA');
    const rdStart = this.offset;
    const rdEnd = rdStart + rdLength;
    this.offset = rdEnd;
    const type = typeName(typeCode);
    if (typeCode === TYPE_OPT) {
      const opt = { name, type, class: '', ttl: 0, data: null, rdata: this.buf.slice(rdStart, rdEnd) };
      return Object.assign(opt, { rawClass, rawTtl });
    }
    const rdata = this.expandRdata(type, rdStart, rdEnd);
    // RDATA without names is read where it lies: the message already frames it with its RDLENGTH
    const framed = NAME_LAYOUTS[type] ? undefined : { buf: this.buf, offset: rdStart - 2 };
    const record: DnsRecord = {
      name,
      type,
      class: className(rawClass),
      // RFC 2181 §8: a TTL with the top bit set is treated as zero.
      ttl: rawTtl > 0x7fffffff ? 0 : rawTtl,
      data: undefined,
      rdata,
    };
    record.data = decodeData(type, rdata, framed);
    return record;
  }

  expandRdata(type: string, start: number, end: number): Uint8Array {
    const fixed = FIXED_LENGTHS[type];
    if (fixed !== undefined && end - start !== fixed) {
      throw new MessageError(`${type} RDATA of ${end - start} bytes instead of ${fixed}`);
    }
    const layout = NAME_LAYOUTS[type];
    if (!layout) return this.buf.slice(start, end);
    const parts: Uint8Array[] = [];
    let offset = start;
    for (const field of layout) {
      if (field === 'rest') {
        parts.push(this.buf.slice(offset, end));
        offset = end;
      } else if (field === 'name') {
        const decoded = readName(this.buf, offset);
        if (decoded.end > end) throw new MessageError(`name in ${type} RDATA runs past RDLENGTH`);
        parts.push(labelsToWire(decoded.labels));
        offset = decoded.end;
      } else {
        const length = field === 'charstring' ? 1 + (this.buf[offset] ?? 0) : field;
        if (offset + length > end) throw new MessageError(`${type} RDATA shorter than its fields`);
        parts.push(this.buf.slice(offset, offset + length));
        offset += length;
      }
    }
    if (offset !== end) throw new MessageError(`${type} RDATA longer than its fields`);
    return Buffer.concat(parts);
  }
}

/**
 * Decodes expanded RDATA with dns-packet. A type whose RDATA dns-packet cannot read (a DNSKEY with protocol 2, an
 * SSHFP with a new hash type) keeps its raw bytes as data: the answer stays usable and the wire form is intact.
 */
function decodeData(type: string, rdata: Uint8Array, inMessage?: { buf: Buffer; offset: number }): unknown {
  let framed = inMessage?.buf;
  let offset = inMessage?.offset ?? 0;
  if (!framed) {
    // from Buffer's pool: every byte is written here
    framed = Buffer.allocUnsafe(rdata.length + 2);
    framed.writeUInt16BE(rdata.length, 0);
    framed.set(rdata, 2);
    offset = 0;
  }
  const codec = packet.record(type);
  try {
    const data = codec.decode(framed, offset);
    if (codec.decode.bytes === rdata.length + 2) return data;
  } catch {
    // fall through to the raw bytes
  }
  if (NAME_LAYOUTS[type] || FIXED_LENGTHS[type]) throw new MessageError(`undecodable ${type} RDATA`);
  return Buffer.from(rdata);
}
