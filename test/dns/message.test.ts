import { randomBytes } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { EDNS_UDP_PAYLOAD_SIZE, encodeQuery, MessageError, parseMessage } from '../../src/dns/message.ts';
import { labelsToPresentation, nameToWire, parseNameLabels } from '../../src/dns/names.ts';

function response(extra: Partial<dnsPacket.Packet>): Buffer {
  return dnsPacket.encode({
    id: 4242,
    type: 'response',
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ name: 'example.nl', type: 'A', class: 'IN' }],
    ...extra,
  });
}

/** RDATA as dns-packet encodes it, without the 2-byte length: uncompressed wire form. */
function wireRdata(type: string, data: unknown): Buffer {
  const codecs = dnsPacket as unknown as { record(type: string): { encode(data: unknown): Buffer } };
  const encoded = codecs.record(type).encode(data);
  return encoded.subarray(2);
}

describe('encodeQuery', () => {
  it('puts the question, RD/CD/AD flags and an EDNS0 OPT with 1232 bytes and DO on the wire', () => {
    const wire = encodeQuery({
      id: 0xbeef,
      question: { name: 'Mail.Example.NL', type: 'TLSA', class: 'IN' },
      recursionDesired: true,
      checkingDisabled: true,
      dnssecOk: true,
    });
    const decoded = dnsPacket.decode(Buffer.from(wire));
    expect(decoded.id).toBe(0xbeef);
    expect(decoded.flag_rd).toBe(true);
    expect(decoded.flag_cd).toBe(true);
    expect(decoded.flag_ad).toBe(true);
    expect(decoded.questions).toEqual([{ name: 'Mail.Example.NL', type: 'TLSA', class: 'IN' }]);
    const opt = decoded.additionals![0] as dnsPacket.OptAnswer & { flag_do: boolean };
    expect(opt.type).toBe('OPT');
    expect(opt.udpPayloadSize).toBe(EDNS_UDP_PAYLOAD_SIZE);
    expect(opt.flag_do).toBe(true);
  });

  it('leaves RD, CD and DO clear when not asked, and encodes the root and RFC 3597 types', () => {
    const wire = encodeQuery({
      id: 1,
      question: { name: '', type: 'TYPE65534', class: 'IN' },
      recursionDesired: false,
      checkingDisabled: false,
      dnssecOk: false,
    });
    const decoded = dnsPacket.decode(Buffer.from(wire));
    expect(decoded.flag_rd).toBe(false);
    expect(decoded.flag_cd).toBe(false);
    expect((decoded.additionals![0] as unknown as { flag_do: boolean }).flag_do).toBe(false);
    expect(decoded.questions?.[0]).toMatchObject({ name: '.', type: 'UNKNOWN_65534' });
  });

  it('refuses names that cannot exist on the wire', () => {
    const spec = { id: 1, recursionDesired: true, checkingDisabled: false, dnssecOk: false };
    expect(() => encodeQuery({ ...spec, question: { name: `${'a'.repeat(64)}.nl`, type: 'A', class: 'IN' } })).toThrow(
      /63 octets/,
    );
    expect(() => encodeQuery({ ...spec, question: { name: 'a..nl', type: 'A', class: 'IN' } })).toThrow(/empty label/);
    expect(() =>
      encodeQuery({ ...spec, question: { name: `${'abcdefgh.'.repeat(29)}nl`, type: 'A', class: 'IN' } }),
    ).toThrow(/255/);
    expect(() => encodeQuery({ ...spec, question: { name: 'example.nl', type: 'BOGUS', class: 'IN' } })).toThrow(
      MessageError,
    );
  });
});

describe('names', () => {
  it('escapes dots, backslashes and non-printable bytes and parses them back to the same labels', () => {
    const labels = [Uint8Array.from([0x61, 0x2e, 0x62]), Uint8Array.from([0x5c, 0x00, 0xff, 0x20]), Buffer.from('nl')];
    const text = labelsToPresentation(labels);
    expect(text).toBe('a\\.b.\\\\\\000\\255\\032.nl');
    expect(parseNameLabels(text)).toEqual(labels.map((label) => Uint8Array.from(label)));
    expect(Buffer.from(nameToWire('example.nl.'))).toEqual(Buffer.from('\x07example\x02nl\x00', 'latin1'));
    expect(Buffer.from(nameToWire(''))).toEqual(Buffer.from([0]));
  });
});

describe('parseMessage: RDATA in wire form', () => {
  const samples: [string, unknown][] = [
    ['A', '192.0.2.1'],
    ['AAAA', '2001:db8::1'],
    ['NS', 'ns1.example.nl'],
    ['CNAME', 'target.example.org'],
    [
      'SOA',
      {
        mname: 'ns1.example.nl',
        rname: 'hostmaster.example.nl',
        serial: 2024010101,
        refresh: 3600,
        retry: 600,
        expire: 604800,
        minimum: 300,
      },
    ],
    ['MX', { preference: 10, exchange: 'mx1.example.nl' }],
    ['TXT', [Buffer.from('v=spf1 '), Buffer.from('-all')]],
    ['DNSKEY', { flags: 257, algorithm: 13, key: randomBytes(64) }],
    ['DS', { keyTag: 12345, algorithm: 13, digestType: 2, digest: randomBytes(32) }],
    [
      'RRSIG',
      {
        typeCovered: 'MX',
        algorithm: 13,
        labels: 2,
        originalTTL: 3600,
        expiration: 1_900_000_000,
        inception: 1_700_000_000,
        keyTag: 12345,
        signersName: 'example.nl',
        signature: randomBytes(64),
      },
    ],
    ['NSEC', { nextDomain: 'b.example.nl', rrtypes: ['A', 'MX', 'RRSIG', 'NSEC', 'TYPE1234'] }],
    [
      'NSEC3',
      {
        algorithm: 1,
        flags: 0,
        iterations: 0,
        salt: Buffer.alloc(0),
        nextDomain: randomBytes(20),
        rrtypes: ['A', 'RRSIG'],
      },
    ],
    ['NSEC3PARAM', Buffer.from('01000000', 'hex')],
    ['TLSA', { usage: 3, selector: 1, matchingType: 1, certificate: randomBytes(32) }],
    ['UNKNOWN_65534', Buffer.from('0b2a00', 'hex')],
  ];

  for (const [type, data] of samples) {
    it(`keeps ${type} RDATA byte for byte and decodes it`, () => {
      const wire = response({ answers: [{ name: 'example.nl', type: type as 'A', ttl: 300, data: data as string }] });
      const parsed = parseMessage(wire);
      const record = parsed.answers[0]!;
      const expectedType = type === 'UNKNOWN_65534' ? 'TYPE65534' : type;
      expect(record).toMatchObject({ name: 'example.nl', type: expectedType, class: 'IN', ttl: 300 });
      const expected = wireRdata(type, data);
      expect(Buffer.from(record.rdata)).toEqual(expected);
      // The decoded data encodes back to the very same RDATA.
      expect(wireRdata(type, record.data)).toEqual(expected);
    });
  }

  it('expands compressed names inside NS, CNAME, SOA, MX and PTR RDATA', () => {
    // Hand-built: every name after the question is a pointer to (part of) the question name at offset 12.
    const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0]);
    const question = Buffer.concat([nameToWire('example.nl'), Buffer.from([0, 2, 0, 1])]);
    const ptrToQname = Buffer.from([0xc0, 12]);
    const ptrToNl = Buffer.from([0xc0, 12 + 8]);
    const rr = (type: number, rdata: Buffer) => {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt16BE(type, 0);
      fixed.writeUInt16BE(1, 2);
      fixed.writeUInt32BE(60, 4);
      fixed.writeUInt16BE(rdata.length, 8);
      return Buffer.concat([ptrToQname, fixed, rdata]);
    };
    const ns = rr(2, Buffer.concat([Buffer.from('\x03ns1', 'latin1'), ptrToQname]));
    const cname = rr(5, Buffer.concat([Buffer.from('\x03www', 'latin1'), ptrToNl]));
    const soa = rr(
      6,
      Buffer.concat([ptrToQname, Buffer.from('\x0ahostmaster', 'latin1'), ptrToQname, Buffer.alloc(20, 1)]),
    );
    const mx = rr(15, Buffer.concat([Buffer.from([0, 5]), Buffer.from('\x02mx', 'latin1'), ptrToQname]));
    const ptr = rr(12, ptrToNl);
    const parsed = parseMessage(Buffer.concat([header, question, ns, cname, soa, mx, ptr]));
    const [nsRec, cnameRec, soaRec, mxRec, ptrRec] = parsed.answers;
    expect(Buffer.from(nsRec!.rdata)).toEqual(Buffer.from(nameToWire('ns1.example.nl')));
    expect(nsRec!.data).toBe('ns1.example.nl');
    expect(Buffer.from(cnameRec!.rdata)).toEqual(Buffer.from(nameToWire('www.nl')));
    expect(Buffer.from(soaRec!.rdata)).toEqual(
      Buffer.concat([nameToWire('example.nl'), nameToWire('hostmaster.example.nl'), Buffer.alloc(20, 1)]),
    );
    expect(Buffer.from(mxRec!.rdata)).toEqual(Buffer.concat([Buffer.from([0, 5]), nameToWire('mx.example.nl')]));
    expect(mxRec!.data).toEqual({ preference: 5, exchange: 'mx.example.nl' });
    expect(Buffer.from(ptrRec!.rdata)).toEqual(Buffer.from(nameToWire('nl')));
  });

  it('keeps every section, flags, the full RCODE and the OPT DO bit', () => {
    const wire = response({
      flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHENTIC_DATA | dnsPacket.AUTHORITATIVE_ANSWER | 3,
      answers: [],
      authorities: [{ name: 'example.nl', type: 'NS', ttl: 10, data: 'ns.example.nl' }],
      additionals: [
        { name: 'ns.example.nl', type: 'A', ttl: 10, data: '192.0.2.53' },
        { name: '.', type: 'OPT', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] } as never,
      ],
    });
    const parsed = parseMessage(wire);
    expect(parsed.rcodeName).toBe('NXDOMAIN');
    expect(parsed.flags).toMatchObject({ ad: true, aa: true, ra: true, tc: false, cd: false });
    expect(parsed.authorities).toHaveLength(1);
    expect(parsed.additionals.map((record) => record.type)).toEqual(['A']);
    expect(parsed.edns?.dnssecOk).toBe(true);
  });

  it('extracts Extended DNS Errors (RFC 8914) and the extended RCODE from the OPT record', () => {
    const ede = (code: number, text: string) =>
      ({ code: 15, data: Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(text)]) }) as never;
    const wire = response({
      flags: 2,
      additionals: [
        { name: '.', type: 'OPT', udpPayloadSize: 1232, options: [ede(6, 'DNSSEC Bogus'), ede(22, '')] } as never,
      ],
    });
    const parsed = parseMessage(wire);
    expect(parsed.rcodeName).toBe('SERVFAIL');
    expect(parsed.ede).toEqual([
      { code: 6, text: 'DNSSEC Bogus' },
      { code: 22, text: '' },
    ]);
    const badvers = Buffer.from(response({ additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232 } as never] }));
    badvers.writeUInt8(1, badvers.length - 6); // extended RCODE 1 → 16 BADVERS
    expect(parseMessage(badvers).rcodeName).toBe('BADVERS');
  });
});

describe('parseMessage: hostile input', () => {
  const header = (answers: number) => Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, answers, 0, 0, 0, 0]);
  const question = Buffer.concat([nameToWire('example.nl'), Buffer.from([0, 1, 0, 1])]);

  function expectMalformed(wire: Uint8Array, reason?: RegExp) {
    let caught: unknown;
    try {
      parseMessage(wire);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MessageError);
    if (reason) expect((caught as Error).message).toMatch(reason);
  }

  it('rejects a compression pointer to itself and a pair of pointers pointing at each other', () => {
    const selfLoop = Buffer.concat([header(1), question, Buffer.from([0xc0, 12 + question.length])]);
    expectMalformed(selfLoop, /loop|past the end/);
    const start = 12 + question.length;
    const pair = Buffer.concat([header(1), question, Buffer.from([0xc0, start + 2, 0xc0, start]), Buffer.alloc(10)]);
    expectMalformed(pair, /loop/);
  });

  it('rejects pointers into the header or past the end, and reserved label types', () => {
    expectMalformed(Buffer.concat([header(1), question, Buffer.from([0xc0, 2]), Buffer.alloc(10)]), /out of range/);
    expectMalformed(Buffer.concat([header(1), question, Buffer.from([0xc3, 0xff]), Buffer.alloc(10)]), /out of range/);
    expectMalformed(Buffer.concat([header(1), question, Buffer.from([0x40, 1]), Buffer.alloc(10)]), /reserved/);
  });

  it('rejects truncated RDATA, bad A lengths, and more records than the message holds', () => {
    const a = Buffer.from(response({ answers: [{ name: 'example.nl', type: 'A', ttl: 1, data: '192.0.2.1' }] }));
    expectMalformed(a.subarray(0, a.length - 1), /RDATA/);
    const longA = Buffer.concat([a, Buffer.from([9])]);
    longA.writeUInt16BE(5, a.length - 6);
    expectMalformed(longA, /A RDATA of 5 bytes/);
    const extra = Buffer.from(a);
    extra.writeUInt16BE(2, 6);
    expectMalformed(extra);
    expectMalformed(Buffer.alloc(5), /header/);
  });

  it('rejects a name inside MX RDATA that runs past its RDLENGTH', () => {
    const mx = Buffer.from(
      response({ answers: [{ name: 'example.nl', type: 'MX', ttl: 1, data: { preference: 1, exchange: 'mx.nl' } }] }),
    );
    mx.writeUInt16BE(4, mx.length - 9 - 2);
    expectMalformed(mx, /runs past RDLENGTH/);
  });

  it('parses a TXT record of 60,000 bytes in 240 strings', () => {
    const strings = Array.from({ length: 240 }, (_, i) => Buffer.alloc(250, 0x41 + (i % 26)));
    const wire = response({ answers: [{ name: 'example.nl', type: 'TXT', ttl: 1, data: strings }] });
    const parsed = parseMessage(wire);
    expect(parsed.answers[0]!.rdata.length).toBe(240 * 251);
    expect((parsed.answers[0]!.data as Buffer[]).length).toBe(240);
  });

  it('turns random garbage into MessageError or a parse, never another exception', () => {
    const valid = response({
      answers: [{ name: 'example.nl', type: 'MX', ttl: 1, data: { preference: 1, exchange: 'mx.nl' } }],
    });
    for (let i = 0; i < 3000; i++) {
      const wire = i % 2 === 0 ? randomBytes(12 + (i % 200)) : Buffer.from(valid);
      if (i % 2 === 1)
        for (let j = 0; j < 1 + (i % 5); j++) wire[12 + ((i * 7 + j * 13) % (wire.length - 12))] = i & 0xff;
      try {
        parseMessage(wire);
      } catch (error) {
        expect(error).toBeInstanceOf(MessageError);
      }
    }
  });
});
