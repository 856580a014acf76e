import { describe, expect, it } from 'vitest';
import type { DnsClient } from '../../src/dns/types.ts';
import type { Finding } from '../../src/model.ts';
import { checkHost } from '../../src/monitors/spf/check-host.ts';
import { spfMonitor } from '../../src/monitors/spf/index.ts';
import { fetchSpf, walkSpfTree } from '../../src/monitors/spf/lookup-tree.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';

const LEVELS = 13;
const WIDTH = 10;
const diamondName = (level: number, index: number) => `l${level}-${index}.diamond.example`;

/** 130 records: 10 per level, each including all 10 of the next level. Expanded naively: 10^13 includes. */
function diamond(): FakeDns {
  const dns = new FakeDns().add('example.nl', 'TXT', `v=spf1 include:${diamondName(0, 0)} -all`);
  for (let level = 0; level < LEVELS; level++) {
    for (let index = 0; index < WIDTH; index++) {
      const next =
        level + 1 < LEVELS
          ? Array.from({ length: WIDTH }, (_, i) => `include:${diamondName(level + 1, i)}`).join(' ')
          : 'ip4:192.0.2.1';
      dns.add(diamondName(level, index), 'TXT', [Buffer.from(`v=spf1 ${next} -all`)]);
    }
  }
  return dns;
}

/** Every name below tree.example includes 10 new names below itself: 10^10 names ten levels down. */
function includeTree(): { dns: DnsClient; fake: FakeDns } {
  const fake = new FakeDns().add('example.nl', 'TXT', 'v=spf1 include:tree.example -all');
  const record = `v=spf1 ${Array.from({ length: WIDTH }, (_, i) => `include:${i}.%{d}`).join(' ')} -all`;
  const dns: DnsClient = {
    query(name, type, options) {
      if (type === 'TXT' && /(^|\.)tree\.example$/.test(name)) fake.add(name, 'TXT', record);
      return fake.query(name, type, options);
    },
    queryServer: (server, name, type, options) => fake.queryServer(server, name, type, options),
    stats: () => fake.stats(),
  };
  return { dns, fake };
}

async function rootRecord(dns: DnsClient) {
  const fetched = await fetchSpf(dns, 'example.nl');
  if (fetched.status !== 'ok') throw new Error('fixture has no SPF record');
  return fetched.record;
}

const byCheck = (findings: Finding[]) => new Map(findings.map((f) => [f.check, f]));

describe('SPF include bombs', () => {
  it('walks a diamond of 130 records once per record, with receivers counts that saturate', async () => {
    const dns = diamond();
    const tree = await walkSpfTree(dns, 'example.nl', await rootRecord(dns), { maxQueries: 1_000 });
    const txt = dns.queries.filter((q) => q.endsWith('/TXT'));
    expect(new Set(txt).size).toBe(txt.length);
    // levels past the nesting limit (12) are not followed; every other record is asked for exactly once
    expect(txt.length).toBeGreaterThan(100);
    expect(txt.length).toBeLessThanOrEqual(1 + LEVELS * WIDTH);
    expect(tree.budgetExhausted).toBeUndefined();
    expect(tree.totalLookups).toBe(1_000_000_000);
  });

  it('stops the diamond at the walk budget with a permerror finding that names the limit', async () => {
    const dns = diamond();
    const f = byCheck(await spfMonitor.run(monitorContext(dns), 'example.nl'));
    expect(dns.queries.length).toBeLessThanOrEqual(100);
    const lookups = f.get('spf.lookups')!;
    expect(lookups.status).toBe('fail');
    expect(lookups.summary).toMatch(/more than 100 DNS queries .*limit per SPF walk/);
    expect(lookups.evidence).toMatchObject({ budget: { limit: 'dns-queries', max: 100 } });
    expect(f.get('spf.policy')?.status).toBe('ok');
  });

  it('stops a 10^10-name include tree (%{d} macros) at the walk budget', async () => {
    const { dns, fake } = includeTree();
    const f = byCheck(await spfMonitor.run(monitorContext(dns), 'example.nl'));
    expect(fake.queries.length).toBeLessThanOrEqual(100);
    expect(new Set(fake.queries).size).toBe(fake.queries.length);
    expect(f.get('spf.lookups')).toMatchObject({ status: 'fail', evidence: { budget: { max: 100 } } });
  });

  it('check_host gives permerror at the 11th lookup, RFC 7208 4.6.4, for both bombs', async () => {
    for (const dns of [diamond(), includeTree().dns]) {
      const outcome = await checkHost(dns, { ip: '192.0.2.99', domain: 'example.nl' });
      expect(outcome.result).toBe('permerror');
      expect(outcome.reason).toMatch(/more than 10 DNS-querying terms/);
      expect(outcome.lookups).toBe(11);
    }
  });

  it('check_host on the generated tree asks at most 11 TXT questions', async () => {
    const { dns, fake } = includeTree();
    const outcome = await checkHost(dns, { ip: '192.0.2.99', domain: 'example.nl' });
    expect(outcome.result).toBe('permerror');
    expect(fake.queries.filter((q) => q.endsWith('/TXT')).length).toBeLessThanOrEqual(11);
  });

  it('a record of the diamond included twice is reported once, and a loop still is one', async () => {
    const dns = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 include:a.example include:b.example -all')
      .add('a.example', 'TXT', 'v=spf1 include:c.example -all')
      .add('b.example', 'TXT', 'v=spf1 include:c.example -all')
      .add('c.example', 'TXT', 'v=spf1 include:gone.example include:example.nl -all');
    const tree = await walkSpfTree(dns, 'example.nl', await rootRecord(dns));
    expect(tree.problems.map((p) => p.kind).sort()).toEqual(['include-broken', 'loop']);
    // receivers meet c twice: 2 includes + 2 × (c's include of 'gone' and of example.nl)
    expect(tree.totalLookups).toBe(2 + 2 * 3);
    expect(tree.voidLookups).toBe(2);
    expect(dns.queries.filter((q) => q === 'c.example/TXT')).toHaveLength(1);
  });
});
