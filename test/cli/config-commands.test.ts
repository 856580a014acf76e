import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { configCheckCommand } from '../../src/commands/config-check.ts';
import { historyCommand } from '../../src/commands/history.ts';
import { testAlertCommand } from '../../src/commands/test-alert.ts';

const dir = mkdtempSync(join(tmpdir(), 'mailwarden-config-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const valid = () =>
  configFile(
    'valid.yaml',
    [
      'domains: [a.example, b.example]',
      'channels:',
      '  ops: { type: log }',
      'routes:',
      '  - { name: all, channels: [ops] }',
      'state: { url: "sqlite:./state-valid/mailwarden.db" }',
    ].join('\n'),
  );
const invalid = () => configFile('invalid.yaml', 'domains: [a.example]\nshedule: { interval: 1h }\n');

/** Runs a command with stdout and stderr captured. */
async function run(command: (argv: string[]) => Promise<number>, argv: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await command(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('commands that read the configuration', () => {
  it('config check summarises a valid file and exits 0', async () => {
    const file = valid();
    const result = await run(configCheckCommand, ['--config', file]);
    expect(result).toEqual({
      code: 0,
      stdout: `${file}: valid — 2 domains, 1 channels: ops (log), 1 routes; state in sqlite:${join(dir, 'state-valid', 'mailwarden.db')}\n`,
      stderr: '',
    });
  });

  it('config check names the problem of an invalid or missing file and exits 1', async () => {
    const result = await run(configCheckCommand, [invalid()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/invalid\.yaml:2.*unknown key "shedule"/);
    const missing = await run(configCheckCommand, ['--config', join(dir, 'absent.yaml')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/absent\.yaml.*cannot read the configuration file \(ENOENT\)/);
  });

  it('test-alert and history exit 3 with the problem on an invalid file, before doing anything else', async () => {
    for (const command of [testAlertCommand, historyCommand]) {
      const result = await run(command, ['ops', '--config', invalid()]);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/invalid\.yaml:2.*unknown key "shedule"/);
    }
  });

  it('test-alert names the defined channels when the asked one does not exist', async () => {
    const result = await run(testAlertCommand, ['pager', '--config', valid()]);
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'no channel named "pager" (defined: ops)\n' });
  });

  it('history reads the database of a valid file', async () => {
    const result = await run(historyCommand, ['A.Example.', '--config', valid()]);
    expect(result).toEqual({ code: 0, stdout: 'a.example: no recorded changes\n', stderr: '' });
  });

  it('history refuses an empty database beside an old state directory and names the import command', async () => {
    mkdirSync(join(dir, 'state-old'), { recursive: true });
    writeFileSync(
      join(dir, 'state-old', 'state.json'),
      '{"version":2,"domains":{},"global":{},"outbox":{},"delivered":{}}',
    );
    const file = join(dir, 'old.yaml');
    writeFileSync(file, `state: { url: "sqlite:./state-old/mailwarden.db" }\ndomains: [a.example]\n`);
    const result = await run(historyCommand, ['a.example', '--config', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`mailwarden state import ${join(dir, 'state-old')}`);
  });
});
