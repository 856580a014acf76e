import { describe, expect, it } from 'vitest';
import { fileOrigins, originQueryName, parseOriginsSetting } from '../../src/monitors/rpki/origins.ts';
import { validateRoute } from '../../src/monitors/rpki/validate.ts';
import { parseVrpJson } from '../../src/monitors/rpki/vrps.ts';

const { table, skipped } = parseVrpJson(
  JSON.stringify({
    roas: [
      { asn: 'AS64500', prefix: '192.0.2.0/24', maxLength: 24 },
      { asn: 64501, prefix: '198.51.100.0/22', maxLength: 24 },
      { asn: 0, prefix: '203.0.113.0/24', maxLength: 24 },
      { asn: 64502, prefix: '2001:db8::/32', maxLength: 48 },
      { asn: 64500, prefix: 'not a prefix', maxLength: 24 },
    ],
  }),
);

describe('RFC 6811 origin validation', () => {
  it('skips entries that do not parse', () => expect({ size: table.size, skipped }).toEqual({ size: 4, skipped: 1 }));
  it('valid: covered, right AS, within maxLength', () => {
    expect(validateRoute(table, { prefix: '192.0.2.0/24', asn: 64500 }).state).toBe('valid');
    expect(validateRoute(table, { prefix: '198.51.101.0/24', asn: 64501 }).state).toBe('valid');
    expect(validateRoute(table, { prefix: '2001:db8:1::/48', asn: 64502 }).state).toBe('valid');
  });
  it('invalid: wrong AS, longer than maxLength, or an AS 0 ROA', () => {
    expect(validateRoute(table, { prefix: '192.0.2.0/24', asn: 64666 }).state).toBe('invalid');
    expect(validateRoute(table, { prefix: '198.51.100.0/25', asn: 64501 }).state).toBe('invalid');
    expect(validateRoute(table, { prefix: '203.0.113.0/24', asn: 0 }).state).toBe('invalid');
    expect(validateRoute(table, { prefix: '2001:db8::/56', asn: 64502 }).state).toBe('invalid');
  });
  it('not-found: no covering VRP (a shorter route is not covered by a longer VRP)', () => {
    expect(validateRoute(table, { prefix: '192.0.0.0/16', asn: 64500 }).state).toBe('not-found');
    expect(validateRoute(table, { prefix: '2001:db9::/32', asn: 64502 }).state).toBe('not-found');
  });
});

describe('origin sources', () => {
  it('Cymru query names: reversed octets, reversed nibbles', () => {
    const zones = { ipv4: 'origin.asn.cymru.com', ipv6: 'origin6.asn.cymru.com' };
    expect(originQueryName('192.0.2.1', zones)).toBe('1.2.0.192.origin.asn.cymru.com');
    expect(originQueryName('2001:db8::1', zones)).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com',
    );
    expect(originQueryName('2001:db8::1', { ipv4: 'o.test' })).toBeUndefined();
  });
  it('settings: dns:<zone4>,<zone6> or a file path', () => {
    expect(parseOriginsSetting('dns:origin.asn.cymru.com,origin6.asn.cymru.com')).toEqual({
      kind: 'dns',
      ipv4: 'origin.asn.cymru.com',
      ipv6: 'origin6.asn.cymru.com',
    });
    expect(parseOriginsSetting('/var/lib/ris/origins.txt')).toEqual({ kind: 'file', path: '/var/lib/ris/origins.txt' });
  });
  it('a file: the most specific route wins; a bad line names file and line', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/mw-origins-');
    writeFileSync(`${dir}/ok.txt`, '# routes\n192.0.2.0/23 64500\n192.0.2.0/24 AS64501\n');
    const source = await fileOrigins(`${dir}/ok.txt`);
    expect(await source.routesFor('192.0.2.9')).toEqual([{ prefix: '192.0.2.0/24', asn: 64501 }]);
    expect(await source.routesFor('192.0.3.9')).toEqual([{ prefix: '192.0.2.0/23', asn: 64500 }]);
    expect(await source.routesFor('10.0.0.1')).toEqual([]);
    writeFileSync(`${dir}/bad.txt`, '192.0.2.0/24 64500\nnonsense\n');
    await expect(fileOrigins(`${dir}/bad.txt`)).rejects.toThrow(/bad\.txt:2: expected/);
  });
});

describe('loading a VRP export', () => {
  it('keeps the parsed export between runs until the file changes', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { loadVrps } = await import('../../src/monitors/rpki/vrps.ts');
    const file = `${mkdtempSync('/tmp/mw-vrps-')}/vrps.json`;
    const roa = (prefix: string) => ({ asn: 64500, prefix, maxLength: 24 });
    writeFileSync(file, JSON.stringify({ roas: [roa('192.0.2.0/24')] }));
    const first = await loadVrps(file, 1000);
    expect((await loadVrps(file, 1000)).table).toBe(first.table);
    writeFileSync(file, JSON.stringify({ roas: [roa('192.0.2.0/24'), roa('198.51.100.0/24')] }));
    expect((await loadVrps(file, 1000)).table.size).toBe(2);
    await expect(loadVrps(`${file}.missing`, 1000)).rejects.toThrow(/ENOENT/);
  });
});
