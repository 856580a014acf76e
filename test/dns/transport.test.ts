import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DnsError } from '../../src/dns/errors.ts';
import { nameToWire } from '../../src/dns/names.ts';
import type { createResolver, Resolver } from '../../src/dns/resolver.ts';
import { closedAfterEach } from './closed-after-each.ts';
import { type FakeServer, type Handler, type ReceivedQuery, responseTo } from './fake-server.ts';

const open = closedAfterEach();

const server = open.fakeServer;

function resolver(servers: FakeServer[], options: Parameters<typeof createResolver>[0] = {}): Resolver {
  return open.resolver({ servers: servers.map((s) => s.server), timeoutMs: 150, retries: 1, cache: false, ...options });
}

const answerA = (query: ReceivedQuery, address = '192.0.2.1') => ({
  packet: responseTo(query, {
    answers: [{ name: query.packet.questions![0]!.name, type: 'A', ttl: 300, data: address }],
  }),
});

function optOf(query: ReceivedQuery) {
  return query.packet.additionals?.find((record) => record.type === 'OPT') as
    | (dnsPacket.OptAnswer & { flag_do: boolean })
    | undefined;
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DnsError);
    return error as DnsError;
  }
  throw new Error('expected the query to fail');
}

describe('UDP transport', () => {
  it('answers a query with every section, the server and the transport', async () => {
    const fake = await server((query) => answerA(query));
    const dns = resolver([fake]);
    const answer = await dns.query('example.nl', 'A');
    expect(answer.rcode).toBe('NOERROR');
    expect(answer.answers.map((record) => record.data)).toEqual(['192.0.2.1']);
    expect(answer.server).toBe(`127.0.0.1:${fake.port}`);
    expect(answer.transport).toBe('udp');
    expect(answer.fromCache).toBe(false);
    expect(answer.question).toEqual({ name: 'example.nl', type: 'A', class: 'IN' });
  });

  it('sends DO, CD and RD as asked, always with a 1232-byte EDNS0 buffer', async () => {
    const fake = await server((query) => answerA(query));
    const dns = resolver([fake]);
    await dns.query('a.example.nl', 'A', { dnssec: true, checkingDisabled: true });
    await dns.query('b.example.nl', 'A');
    await dns.queryServer(fake.server, 'c.example.nl', 'A', { dnssec: true });
    const [withBoth, plain, direct] = fake.received;
    expect([withBoth!.packet.flag_rd, withBoth!.packet.flag_cd, optOf(withBoth!)?.flag_do]).toEqual([true, true, true]);
    expect([plain!.packet.flag_rd, plain!.packet.flag_cd, optOf(plain!)?.flag_do]).toEqual([true, false, false]);
    expect([direct!.packet.flag_rd, direct!.packet.flag_cd, optOf(direct!)?.flag_do]).toEqual([false, false, true]);
    for (const query of fake.received) expect(optOf(query)?.udpPayloadSize).toBe(1232);
  });

  it('exposes AD, the answer DO bit and Extended DNS Errors', async () => {
    const fake = await server((query) => ({
      packet: responseTo(query, {
        flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHENTIC_DATA,
        answers: [{ name: 'example.nl', type: 'A', ttl: 60, data: '192.0.2.7' }],
        additionals: [
          {
            name: '.',
            type: 'OPT',
            udpPayloadSize: 1232,
            flags: dnsPacket.DNSSEC_OK,
            options: [{ code: 15, data: Buffer.from('\x00\x03stale', 'latin1') }],
          } as never,
        ],
      }),
    }));
    const answer = await resolver([fake]).query('example.nl', 'A', { dnssec: true });
    expect(answer.flags.ad).toBe(true);
    expect(answer.dnssecOk).toBe(true);
    expect(answer.ede).toEqual([{ code: 3, text: 'stale' }]);
  });

  it('returns NXDOMAIN and NODATA as answers, not errors', async () => {
    const fake = await server((query) =>
      query.packet.questions![0]!.name === 'gone.example.nl'
        ? { packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | 3 }) }
        : { packet: responseTo(query) },
    );
    const dns = resolver([fake]);
    expect((await dns.query('gone.example.nl', 'A')).rcode).toBe('NXDOMAIN');
    const nodata = await dns.query('example.nl', 'AAAA');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
  });

  it('retries the same server after a timeout', async () => {
    let calls = 0;
    const fake = await server((query) => (++calls === 1 ? { drop: true } : answerA(query)));
    const dns = resolver([fake]);
    const answer = await dns.query('example.nl', 'A');
    expect(answer.answers).toHaveLength(1);
    expect(fake.received).toHaveLength(2);
    // Each attempt carries its own random ID.
    expect(fake.received[0]!.packet.id).not.toBe(fake.received[1]!.packet.id);
    expect(dns.stats()).toMatchObject({ requested: 1, sent: 2, timeouts: 1, errors: 0 });
  });

  it('fails over to the second server when the first never answers', async () => {
    const silent = await server(() => ({ drop: true }));
    const working = await server((query) => answerA(query, '192.0.2.99'));
    const dns = resolver([silent, working], { retries: 0 });
    const answer = await dns.query('example.nl', 'A');
    expect(answer.server).toBe(`127.0.0.1:${working.port}`);
    expect(silent.received).toHaveLength(1);
  });

  it('reports a timeout after every server and every retry stayed silent', async () => {
    const a = await server(() => ({ drop: true }));
    const b = await server(() => ({ drop: true }));
    const dns = resolver([a, b], { timeoutMs: 60, retries: 1 });
    const started = Date.now();
    const error = await rejection(dns.query('example.nl', 'A'));
    expect(error.kind).toBe('timeout');
    expect(a.received).toHaveLength(2);
    expect(b.received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 60 - 10);
    expect(dns.stats()).toMatchObject({ timeouts: 4, errors: 1, sent: 4 });
  });

  it('still accepts a late answer to an earlier attempt', async () => {
    const slow = await server((query) => ({ ...answerA(query, '192.0.2.50'), delayMs: 200 }));
    const silent = await server(() => ({ drop: true }));
    const dns = resolver([slow, silent], { timeoutMs: 120, retries: 1 });
    const answer = await dns.query('example.nl', 'A');
    expect(answer.server).toBe(`127.0.0.1:${slow.port}`);
  });

  it('falls back to TCP when the UDP answer is truncated, and reads a large framed answer', async () => {
    const strings = Array.from({ length: 200 }, () => Buffer.alloc(250, 0x61));
    const fake = await server((query) =>
      query.transport === 'udp'
        ? { packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.TRUNCATED_RESPONSE }) }
        : { packet: responseTo(query, { answers: [{ name: 'example.nl', type: 'TXT', ttl: 60, data: strings }] }) },
    );
    const dns = resolver([fake]);
    const answer = await dns.query('example.nl', 'TXT');
    expect(answer.transport).toBe('tcp');
    expect((answer.answers[0]!.data as Buffer[]).length).toBe(200);
    expect(fake.received.map((query) => query.transport)).toEqual(['udp', 'tcp']);
    expect(dns.stats()).toMatchObject({ tcpFallbacks: 1, sent: 2 });
  });

  for (const [rcode, kind] of [
    [2, 'servfail'],
    [5, 'refused'],
    [1, 'formerr'],
    [4, 'notimp'],
    [6, 'rcode'],
  ] as const) {
    it(`turns RCODE ${rcode} into DnsError '${kind}'`, async () => {
      const fake = await server((query) => ({
        packet: responseTo(query, { flags: dnsPacket.RECURSION_AVAILABLE | rcode }),
      }));
      const error = await rejection(resolver([fake]).query('example.nl', 'A'));
      expect(error.kind).toBe(kind);
      expect(error.server).toBe(`127.0.0.1:${fake.port}`);
      // A definitive failure is not retried at the same server.
      expect(fake.received).toHaveLength(1);
    });
  }

  it('carries the Extended DNS Error of a SERVFAIL, and fails over to a server that answers', async () => {
    const bogus = await server((query) => ({
      packet: responseTo(query, {
        flags: dnsPacket.RECURSION_AVAILABLE | 2,
        additionals: [
          { name: '.', type: 'OPT', udpPayloadSize: 1232, options: [{ code: 15, data: Buffer.from('\x00\x06') }] },
        ] as never,
      }),
    }));
    const error = await rejection(resolver([bogus]).query('example.nl', 'A'));
    expect(error.ede).toEqual([{ code: 6, text: '' }]);
    expect(error.message).toMatch(/SERVFAIL; EDE 6/);
    const working = await server((query) => answerA(query));
    expect((await resolver([bogus, working]).query('example.nl', 'A')).server).toBe(`127.0.0.1:${working.port}`);
  });
});

describe('answers that are not for us are ignored', () => {
  const wrongThenRight =
    (wrong: (query: ReceivedQuery) => { raw: Uint8Array; fromOtherPort?: boolean }): Handler =>
    (query) => ({
      sequence: [wrong(query), { raw: dnsPacket.encode(answerA(query, '192.0.2.2').packet), delayMs: 20 }],
    });

  it('ignores an answer with the wrong ID', async () => {
    const fake = await server(
      wrongThenRight((query) => ({
        raw: dnsPacket.encode({ ...answerA(query, '6.6.6.6').packet, id: (query.packet.id! + 1) & 0xffff }),
      })),
    );
    const answer = await resolver([fake]).query('example.nl', 'A');
    expect(answer.answers[0]!.data).toBe('192.0.2.2');
  });

  it('ignores an answer to another question (name, type or class)', async () => {
    for (const question of [
      { name: 'evil.example.nl', type: 'A', class: 'IN' },
      { name: 'example.nl', type: 'AAAA', class: 'IN' },
      { name: 'example.nl', type: 'A', class: 'CH' },
    ] as const) {
      const fake = await server(
        wrongThenRight((query) => ({
          raw: dnsPacket.encode({ ...answerA(query, '6.6.6.6').packet, questions: [question as dnsPacket.Question] }),
        })),
      );
      const answer = await resolver([fake]).query('example.nl', 'A');
      expect(answer.answers[0]!.data).toBe('192.0.2.2');
    }
  });

  it('accepts the question name in another letter case', async () => {
    const fake = await server((query) => ({
      packet: { ...answerA(query).packet, questions: [{ name: 'EXAMPLE.nl', type: 'A', class: 'IN' }] },
    }));
    expect((await resolver([fake]).query('example.NL', 'A')).answers).toHaveLength(1);
  });

  it('ignores an answer from another source port', async () => {
    const fake = await server(
      wrongThenRight((query) => ({ raw: dnsPacket.encode(answerA(query, '6.6.6.6').packet), fromOtherPort: true })),
    );
    const answer = await resolver([fake]).query('example.nl', 'A');
    expect(answer.answers[0]!.data).toBe('192.0.2.2');
  });

  it('times out when the only answers come from another port', async () => {
    const fake = await server((query) => ({
      sequence: [{ raw: dnsPacket.encode(answerA(query).packet), fromOtherPort: true }],
    }));
    const error = await rejection(resolver([fake], { retries: 0, timeoutMs: 80 }).query('example.nl', 'A'));
    expect(error.kind).toBe('timeout');
  });

  it('ignores a query (QR=0) echoed back', async () => {
    const fake = await server((query) => ({ sequence: [{ raw: query.raw }, { packet: answerA(query).packet }] }));
    expect((await resolver([fake]).query('example.nl', 'A')).answers).toHaveLength(1);
  });
});

describe('hostile answers', () => {
  /** The real answer with its first answer RR's owner replaced by `owner` bytes. */
  function withOwner(query: ReceivedQuery, owner: Buffer): Buffer {
    const good = dnsPacket.encode(answerA(query).packet);
    const questionEnd = 12 + nameToWire(query.packet.questions![0]!.name).length + 4;
    const ownerLength = nameToWire(query.packet.questions![0]!.name).length;
    return Buffer.concat([good.subarray(0, questionEnd), owner, good.subarray(questionEnd + ownerLength)]);
  }

  it('reports a compression loop as malformed, without hanging', async () => {
    const fake = await server((query) => {
      const questionEnd = 12 + nameToWire(query.packet.questions![0]!.name).length + 4;
      return { raw: withOwner(query, Buffer.from([0xc0 | (questionEnd >> 8), questionEnd & 0xff])) };
    });
    const dns = resolver([fake]);
    const error = await rejection(dns.query('example.nl', 'A'));
    expect(error.kind).toBe('malformed');
    expect(error.message).toMatch(/compression pointer loop/);
    expect(fake.received).toHaveLength(1);
  });

  it('reports truncated RDATA as malformed', async () => {
    const fake = await server((query) => {
      const good = dnsPacket.encode(answerA(query).packet);
      return { raw: good.subarray(0, good.length - 2) };
    });
    expect((await rejection(resolver([fake]).query('example.nl', 'A'))).kind).toBe('malformed');
  });

  it('ignores garbage that does not even carry our question, then times out', async () => {
    const fake = await server((query) => {
      const garbage = Buffer.alloc(40, 0xff);
      garbage.writeUInt16BE(query.packet.id!, 0);
      return { raw: garbage };
    });
    expect((await rejection(resolver([fake], { retries: 0, timeoutMs: 80 }).query('example.nl', 'A'))).kind).toBe(
      'timeout',
    );
  });

  it('refuses to send a name that cannot be encoded', async () => {
    const fake = await server((query) => answerA(query));
    const error = await rejection(resolver([fake]).query(`${'x'.repeat(64)}.example.nl`, 'A'));
    expect(error.kind).toBe('malformed');
    expect(fake.received).toHaveLength(0);
  });
});

describe('socket reuse', () => {
  it('carries 300 queries over at most two sockets with random IDs', async () => {
    const fake = await server((query) => answerA(query));
    const dns = resolver([fake], { socketsPerFamily: 2 });
    await Promise.all(Array.from({ length: 300 }, (_, i) => dns.query(`host${i}.example.nl`, 'A')));
    expect(dns.socketsCreated).toBeLessThanOrEqual(2);
    const ports = new Set(fake.received.map((query) => query.from.port));
    expect(ports.size).toBeLessThanOrEqual(2);
    const ids = fake.received.map((query) => query.packet.id);
    expect(new Set(ids).size).toBeGreaterThan(280);
    const ascending = ids.filter((id, i) => i > 0 && id === ids[i - 1]! + 1).length;
    expect(ascending).toBeLessThan(5);
  });
});
