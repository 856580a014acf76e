import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatServer, parseResolvConf, parseServerAddress, systemServers } from '../../src/dns/servers.ts';

describe('parseServerAddress', () => {
  it('accepts IPv4, IPv4:PORT, IPv6 and [IPv6]:PORT', () => {
    expect(parseServerAddress('192.0.2.53')).toEqual({ address: '192.0.2.53', port: 53 });
    expect(parseServerAddress('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseServerAddress('2001:DB8:0::53')).toEqual({ address: '2001:db8::53', port: 53 });
    expect(parseServerAddress('[::1]:5300')).toEqual({ address: '::1', port: 5300 });
    expect(parseServerAddress('[fd00::1]')).toEqual({ address: 'fd00::1', port: 53 });
  });

  it('rejects host names, bad ports and unbracketed IPv6 with a port', () => {
    for (const bad of ['resolver.example', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:x', '[1.2.3.4]:53', '', '1.2.3']) {
      expect(() => parseServerAddress(bad), bad).toThrow();
    }
    // '::1:53' is a valid IPv6 address, not ::1 port 53: the brackets are required for a port.
    expect(parseServerAddress('::1:53')).toMatchObject({ port: 53 });
    expect(parseServerAddress('::1:53').address).not.toBe('::1');
  });

  it('formats servers as DnsAnswer.server reports them', () => {
    expect(formatServer({ address: '::1', port: 53 })).toBe('[::1]:53');
    expect(formatServer({ address: '127.0.0.1', port: 5353 })).toBe('127.0.0.1:5353');
  });
});

describe('system resolvers', () => {
  it('reads nameserver lines in order, skipping comments, options and scoped addresses', () => {
    const text = [
      '# generated',
      'search example.nl',
      'nameserver 10.0.0.53',
      '  nameserver   2001:db8::53  ',
      'nameserver fe80::1%eth0',
      ';nameserver 192.0.2.1',
      'options edns0 trust-ad',
    ].join('\n');
    expect(parseResolvConf(text)).toEqual([
      { address: '10.0.0.53', port: 53 },
      { address: '2001:db8::53', port: 53 },
    ]);
  });

  it('falls back to 127.0.0.1 without a usable resolv.conf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-resolv-'));
    const empty = join(dir, 'resolv.conf');
    writeFileSync(empty, '# nothing\n');
    expect(systemServers(empty)).toEqual([{ address: '127.0.0.1', port: 53 }]);
    expect(systemServers(join(dir, 'missing'))).toEqual([{ address: '127.0.0.1', port: 53 }]);
  });
});
