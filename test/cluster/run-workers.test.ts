import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workersRefusal } from '../../src/cluster/supervisor.ts';
import { runCli } from '../support/cli.ts';

describe('mailwarden run --workers N', () => {
  it('refuses more than one worker on SQLite, saying why and what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-workers-'));
    try {
      const file = join(dir, 'config.yaml');
      await writeFile(file, 'domains: [example.nl]\n');
      const run = await runCli(['run', '--config', file, '--workers', '2']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('--workers 2 needs state.url on PostgreSQL');
      expect(run.stderr).toContain('sqlite:');
      const bad = await runCli(['run', '--config', file, '--workers', 'two']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--workers must be a whole number');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('allows one worker anywhere and any number on PostgreSQL', () => {
    expect(workersRefusal(1, 'sqlite:/var/lib/mailwarden/mailwarden.db')).toBeUndefined();
    expect(workersRefusal(4, 'postgres://mailwarden@db:5432/mailwarden')).toBeUndefined();
    expect(workersRefusal(4, 'postgresql://mailwarden@db/mailwarden')).toBeUndefined();
  });
});
