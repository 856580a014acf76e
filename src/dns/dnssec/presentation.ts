import { isIP } from 'node:net';
import type { DnsRecord } from '../types.ts';
import { base32HexDecode } from './nsec3-hash.ts';
import { encodeTypeBitmap } from './rdata/type-bitmap.ts';
import { typeNumber } from './rr-types.ts';
import { concatBytes, encodeName, u16Bytes, u32Bytes } from './wire.ts';

/**
 * RDATA from presentation form for the types trust-anchor files and test zones use. Names in RDATA must already be
 * absolute (the zone-file reader resolves relative names).
 */
export function rdataFromText(type: string, fields: readonly string[]): Uint8Array {
  const upper = type.toUpperCase();
  const field = (index: number): string => {
    const value = fields[index];
    if (value === undefined) throw new Error(`${upper}: missing field ${index + 1}`);
    return value;
  };
  const rest = (from: number): string => fields.slice(from).join('');
  switch (upper) {
    case 'A':
      if (isIP(field(0)) !== 4) throw new Error(`bad IPv4 address ${field(0)}`);
      return Uint8Array.from(field(0).split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(field(0));
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return encodeName(field(0), false);
    case 'MX':
      return concatBytes([u16Bytes(Number(field(0))), encodeName(field(1), false)]);
    case 'SOA':
      return concatBytes([
        encodeName(field(0), false),
        encodeName(field(1), false),
        ...[2, 3, 4, 5, 6].map((index) => u32Bytes(Number(field(index)))),
      ]);
    case 'TXT':
      return concatBytes(
        fields.map((text) => {
          const bytes = Buffer.from(text.replace(/^"|"$/g, ''), 'latin1');
          return concatBytes([Uint8Array.of(bytes.length), bytes]);
        }),
      );
    case 'DS':
    case 'CDS':
      return concatBytes([
        u16Bytes(Number(field(0))),
        Uint8Array.of(algorithmNumber(field(1)), Number(field(2))),
        Buffer.from(rest(3), 'hex'),
      ]);
    case 'DNSKEY':
    case 'CDNSKEY':
      return concatBytes([
        u16Bytes(Number(field(0))),
        Uint8Array.of(Number(field(1)), algorithmNumber(field(2))),
        Buffer.from(rest(3), 'base64'),
      ]);
    case 'RRSIG':
      return concatBytes([
        u16Bytes(typeNumber(field(0))),
        Uint8Array.of(algorithmNumber(field(1)), Number(field(2))),
        u32Bytes(Number(field(3))),
        u32Bytes(rrsigTime(field(4))),
        u32Bytes(rrsigTime(field(5))),
        u16Bytes(Number(field(6))),
        encodeName(field(7), false),
        Buffer.from(rest(8), 'base64'),
      ]);
    case 'NSEC':
      return concatBytes([encodeName(field(0), false), encodeTypeBitmap(fields.slice(1).map(typeNumber))]);
    case 'NSEC3': {
      const salt = field(3) === '-' ? new Uint8Array() : Buffer.from(field(3), 'hex');
      const next = base32HexDecode(field(4));
      if (!next) throw new Error(`bad next hashed owner ${field(4)}`);
      return concatBytes([
        Uint8Array.of(Number(field(0)), Number(field(1))),
        u16Bytes(Number(field(2))),
        Uint8Array.of(salt.length),
        salt,
        Uint8Array.of(next.length),
        next,
        encodeTypeBitmap(fields.slice(5).map(typeNumber)),
      ]);
    }
    case 'NSEC3PARAM': {
      const salt = field(3) === '-' ? new Uint8Array() : Buffer.from(field(3), 'hex');
      return concatBytes([
        Uint8Array.of(Number(field(0)), Number(field(1))),
        u16Bytes(Number(field(2))),
        Uint8Array.of(salt.length),
        salt,
      ]);
    }
    case 'TLSA':
      return concatBytes([
        Uint8Array.of(Number(field(0)), Number(field(1)), Number(field(2))),
        Buffer.from(rest(3), 'hex'),
      ]);
    default:
      throw new Error(`no presentation parser for ${upper}`);
  }
}

const ALGORITHM_MNEMONICS: Record<string, number> = {
  RSAMD5: 1,
  DSA: 3,
  RSASHA1: 5,
  'DSA-NSEC3-SHA1': 6,
  'RSASHA1-NSEC3-SHA1': 7,
  RSASHA256: 8,
  RSASHA512: 10,
  'ECC-GOST': 12,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
};

function algorithmNumber(text: string): number {
  return ALGORITHM_MNEMONICS[text.toUpperCase()] ?? Number(text);
}

/** RRSIG times: YYYYMMDDHHmmSS (UTC) or a plain number of seconds (RFC 4034 §3.2). */
function rrsigTime(text: string): number {
  if (/^\d{14}$/.test(text)) {
    const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(text)!;
    return (Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000) % 2 ** 32;
  }
  return Number(text);
}

function ipv6Bytes(text: string): Uint8Array {
  if (isIP(text) !== 6) throw new Error(`bad IPv6 address ${text}`);
  const [head = '', tail = ''] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = text.includes('::') ? parse(tail) : [];
  const groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return concatBytes(groups.map((group) => u16Bytes(group)));
}

/** A DnsRecord (as the DNS layer hands them upwards) from presentation fields. */
export function recordFromText(name: string, type: string, ttl: number, fields: readonly string[]): DnsRecord {
  const upper = type.toUpperCase();
  return { name, type: upper, class: 'IN', ttl, data: fields.join(' '), rdata: rdataFromText(upper, fields) };
}
