import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/state/sqlite/sqlite-store.ts';
import { DAY, fillScenario } from '../http/scenario.ts';
import { runCli } from '../support/cli.ts';

/** `mailwarden report` as a user runs it, on a SQLite database filled with the five-domain scenario. */
let dir: string;
let config: string;
const NOW = new Date(Date.now() - DAY);
const from = new Date(NOW.getTime() - 30 * DAY).toISOString();
const to = NOW.toISOString();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-report-'));
  const store = new SqliteStateStore(join(dir, 'mailwarden.db'));
  await store.open();
  await fillScenario(store, NOW);
  await store.close();
  config = join(dir, 'config.yaml');
  await writeFile(
    config,
    `state: { url: "sqlite:./mailwarden.db" }
domains: [good.example, { name: spf-broke.example, tags: [customer-a] }, { name: nodnssec.example, tags: [customer-a, gold] }, flaky.example, new.example]
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mailwarden report', () => {
  it('writes the CSV of a tag to standard output', async () => {
    const run = await runCli([
      'report',
      '--config',
      config,
      '--from',
      from,
      '--to',
      to,
      '--tag',
      'customer-a',
      '--format',
      'csv',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 2 * 8);
    expect(lines).toContain('"spf-broke.example","customer-a","spf",66.67,480,720,1,1,"fail",1');
    expect(lines).toContain('"nodnssec.example","customer-a gold","dnssec",0,0,720,1,0,"fail",0');
  });

  it('writes a PDF to a file, and an HTML report with the summary first', async () => {
    const pdf = join(dir, 'report.pdf');
    const run = await runCli(['report', '--config', config, '--from', from, '--to', to, '--format', 'pdf', '-o', pdf]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`mailwarden report: wrote ${pdf}\n`);
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    const html = await runCli(['report', '--config', config, '--from', from, '--to', to]);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(
      /<h2>Summary<\/h2>[\s\S]*<p>5 domains; 1 recorded change in the period; 1 open issue on 1 domain now\.<\/p>/,
    );
  }, 120_000);

  it('says what is wrong with the arguments, exit 3', async () => {
    let run = await runCli(['report', '--config', config, '--from', from]);
    expect(run).toMatchObject({ code: 3, stdout: '' });
    expect(run.stderr).toContain('both --from and --to are needed');
    run = await runCli(['report', '--config', config, '--from', from, '--to', to, '--format', 'xlsx']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--format must be one of csv, json, html, pdf');
    run = await runCli(['report', '--config', config, '--from', from, '--to', to, '--format', 'pdf']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('a PDF goes to a file: add --output report.pdf');
    run = await runCli(['report', '--bogus']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Unknown option '--bogus'");
  });
});
