import { describe, expect, it } from 'vitest';
import { parseSpfRecord } from '../../src/monitors/spf/record-parser.ts';

function errorOf(text: string) {
  const result = parseSpfRecord(text);
  if (result.ok) throw new Error(`expected a syntax error in ${text}`);
  return result.error;
}

describe('SPF record parser', () => {
  it('parses every mechanism and modifier with qualifiers and CIDRs', () => {
    const result = parseSpfRecord(
      'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a a:mail.example.com/28//64 mx/24 ~ptr ?exists:%{i}.bl.example.com include:_spf.example.net redirect=_spf.example.org exp=exp.example.com foo=bar -all',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const names = result.record.mechanisms.map((m) => `${m.qualifier}${m.name}`);
    expect(names).toEqual(['+ip4', '+ip6', '+a', '+a', '+mx', '~ptr', '?exists', '+include', '-all']);
    const a = result.record.mechanisms[3]!;
    expect([a.domainSpecText, a.cidr4, a.cidr6]).toEqual(['mail.example.com', 28, 64]);
    expect(result.record.redirect?.valueText).toBe('_spf.example.org');
    expect(result.record.exp?.valueText).toBe('exp.example.com');
  });

  it('reports the position of the first error', () => {
    const text = 'v=spf1 ip4:192.0.2.1 ip4:192.0.2.300 -all';
    const error = errorOf(text);
    expect(error.position).toBe(text.indexOf('192.0.2.300'));
    expect(error.message).toMatch(/not a valid IPv4/);
  });

  it.each([
    ['v=spf1 include:example -all', /does not end in a valid domain/],
    ['v=spf1 a:%{x}.example.com', /unknown macro letter/],
    ['v=spf1 exists:%{c}.example.com', /only allowed in an explanation/],
    ['v=spf1 ip4:192.0.2.0/33', /invalid CIDR/],
    ['v=spf1 ip4:192.0.2.0/024', /invalid CIDR/],
    ['v=spf1 foo:bar.example.com', /unknown mechanism 'foo'/],
    ['v=spf1 -all/8', /takes no argument/],
    ['v=spf1 ptr/24', /unexpected/],
    ['v=spf1 redirect=a.example.com redirect=b.example.com', /only once/],
    ['v=spf1 a:ex\u00e4mple.com', /not allowed/],
    ['v=spf1 include:%{d', /never closed/],
    ['v=spf1  -all\tmx', /takes no argument/],
  ])('rejects %s', (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  it('accepts mechanism names case-insensitively and trailing spaces', () => {
    expect(parseSpfRecord('v=spf1 MX -ALL ').ok).toBe(true);
    expect(parseSpfRecord('V=SPF1 include:_spf.google.com ~all').ok).toBe(true);
  });
});
