/**
 * The Internet.nl-comparable score of lab domains equals the one computed by hand from Internet.nl's rules: the
 * table "Lab domains scored by hand" in docs/parity.md is read here and every number of it asserted against
 * `mailwarden check --json` (all monitors, RPKI configured with the lab's data).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/model.ts';
import type { MailScore } from '../../src/score/index.ts';
import { labCheckFlags, runCli } from '../support/cli.ts';

const doc = readFileSync(fileURLToPath(new URL('../../docs/parity.md', import.meta.url)), 'utf8');
const rpki = (file: string) => fileURLToPath(new URL(`../lab/rpki/${file}`, import.meta.url));

interface Row {
  domain: string;
  categories: Record<'ipv6' | 'dnssec' | 'auth' | 'tls' | 'rpki', number | null>;
  score: number;
}

function handTable(): Row[] {
  const section = doc.slice(doc.indexOf('## Lab domains scored by hand'));
  const rows = section.split('\n').filter((line) => /^\| [a-z0-9.-]+\.test \|/.test(line));
  return rows.map((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    const num = (text: string | undefined) => (text === '—' ? null : Number(text));
    return {
      domain: cells[1] ?? '',
      categories: {
        ipv6: num(cells[2]),
        dnssec: num(cells[3]),
        auth: num(cells[4]),
        tls: num(cells[5]),
        rpki: num(cells[6]),
      },
      score: Number(cells[7]),
    };
  });
}

const table = handTable();
let reports: (DomainReport & { score: MailScore })[];
let tableOutput: string;

beforeAll(async () => {
  const flags = [
    ...labCheckFlags(),
    '--timeout',
    '5000',
    '--rpki-vrps',
    rpki('vrps.json'),
    '--rpki-origins',
    rpki('origins.txt'),
  ];
  const domains = table.map((row) => row.domain);
  const [json, text] = await Promise.all([
    runCli(['check', ...domains, ...flags, '--json']),
    runCli(['check', domains[0]!, ...flags]),
  ]);
  reports = (JSON.parse(json.stdout) as { reports: (DomainReport & { score: MailScore })[] }).reports;
  tableOutput = text.stdout;
}, 170_000);

describe('docs/parity.md: lab domains scored by hand', () => {
  it('the table is there and names several domains', () => {
    expect(table.length).toBeGreaterThanOrEqual(6);
  });

  for (const row of table) {
    it(`${row.domain}: score ${row.score}`, () => {
      const report = reports.find((r) => r.domain === row.domain);
      if (!report) throw new Error(`no report for ${row.domain}`);
      const percents = Object.fromEntries(report.score.categories.map((c) => [c.name, c.percent]));
      expect({ categories: percents, score: report.score.score, complete: report.score.complete }).toEqual({
        categories: row.categories,
        score: row.score,
        complete: true,
      });
    });
  }

  it('the table output carries the score line', () => {
    const first = table[0]!;
    expect(tableOutput).toContain(`mail score ${first.score}/100 (Internet.nl rules; IPv6 ${first.categories.ipv6}`);
  });
});
