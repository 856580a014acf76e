import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Silence } from '../../src/alerts/silences.ts';
import { parseSilenceArgs, runSilence, type SilenceStore, SilenceUsageError } from '../../src/commands/silence.ts';
import { runCli } from '../support/cli.ts';

const now = new Date('2026-06-01T12:00:00Z');

/** The store's silence methods over an array (the SQLite/PostgreSQL stores are tested by the store contract suite). */
function memoryStore(initial: Silence[] = []): SilenceStore & { silences: Silence[] } {
  const silences = [...initial];
  return {
    silences,
    async listSilences(at) {
      return silences.filter((s) => at === undefined || (s.startsAt <= at && at < s.endsAt));
    },
    async putSilence(silence) {
      silences.push(silence);
    },
    async removeSilence(id) {
      const index = silences.findIndex((s) => s.id === id);
      if (index === -1) return false;
      silences.splice(index, 1);
      return true;
    },
  };
}

async function run(argv: string[], store: SilenceStore) {
  let out = '';
  const code = await runSilence(parseSilenceArgs(argv, now, 'alice'), store, (t) => (out += t), now);
  return { code, out };
}

describe('mailwarden silence', () => {
  it('adds a silence for domains, tags and checks with a duration, and lists it', async () => {
    const store = memoryStore();
    const added = await run(
      [
        'add',
        '--domain',
        'Shop.Example',
        '--tag',
        'customer-x',
        '--check',
        'dane',
        '--for',
        '2h',
        '--comment',
        'MX move',
      ],
      store,
    );
    expect(added.code).toBe(0);
    expect(store.silences[0]).toMatchObject({
      domains: ['shop.example'],
      tags: ['customer-x'],
      checks: ['dane'],
      startsAt: '2026-06-01T12:00:00.000Z',
      endsAt: '2026-06-01T14:00:00.000Z',
      comment: 'MX move',
      createdBy: 'alice',
      source: 'cli',
    });
    expect(store.silences[0]!.id).toMatch(/^s-[0-9a-f]{8}$/);
    const listed = await run(['list'], store);
    expect(listed.out).toContain('domain=shop.example tag=customer-x check=dane');
    expect(listed.out).toContain('(2h left)');
    expect(listed.out).toContain('MX move');
    expect(JSON.parse((await run(['list', '--json'], store)).out).silences).toHaveLength(1);
  });

  it('a maintenance window: starts later, ends at a time; list shows only those in force unless --all', async () => {
    const store = memoryStore();
    await run(
      [
        'add',
        '--tag',
        'hoster-a',
        '--starts',
        '2026-06-02T22:00:00Z',
        '--until',
        '2026-06-03T02:00:00Z',
        '--comment',
        'upgrade',
      ],
      store,
    );
    expect(store.silences[0]).toMatchObject({
      startsAt: '2026-06-02T22:00:00.000Z',
      endsAt: '2026-06-03T02:00:00.000Z',
    });
    expect((await run(['list'], store)).out).toBe('no silences in force\n');
    expect((await run(['list', '--all'], store)).out).toContain('starts in');
  });

  it('refuses what cannot be meant', () => {
    const bad = (argv: string[]) => () => parseSilenceArgs(argv, now, 'alice');
    expect(bad(['add', '--for', '1h', '--comment', 'x'])).toThrow(/at least one --domain/);
    expect(bad(['add', '--domain', 'a.example', '--for', '1h'])).toThrow(/--comment/);
    expect(bad(['add', '--domain', 'a.example', '--comment', 'x'])).toThrow(/--for DURATION or --until/);
    expect(bad(['add', '--domain', 'a.example', '--comment', 'x', '--for', 'soon'])).toThrow(/duration/);
    expect(bad(['add', '--domain', 'a.example', '--comment', 'x', '--until', 'tomorrow'])).toThrow(/ISO 8601/);
    expect(bad(['add', '--domain', 'a.example', '--comment', 'x', '--until', '2026-05-01T00:00:00Z'])).toThrow(
      /already passed/,
    );
    expect(bad(['snooze'])).toThrow(SilenceUsageError);
    expect(bad(['remove'])).toThrow(/one silence id/);
  });

  it('removes by id; an unknown id and a configuration silence are refused with exit 3', async () => {
    const config: Silence = {
      id: 'config-abc',
      tags: ['t'],
      startsAt: '2026-06-01T00:00:00Z',
      endsAt: '2026-06-09T00:00:00Z',
      comment: 'from the file',
      createdBy: 'config',
      source: 'config',
    };
    const store = memoryStore([config]);
    await run(['add', '--domain', 'a.example', '--for', '1h', '--comment', 'x'], store);
    const id = store.silences[1]!.id;
    expect(await run(['remove', id], store)).toEqual({ code: 0, out: `removed ${id}\n` });
    expect((await run(['remove', id], store)).code).toBe(3);
    const refused = await run(['remove', 'config-abc'], store);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('configuration file');
    expect(store.silences).toHaveLength(1);
  });
});

describe('mailwarden silence, as a user runs it, on a SQLite database', () => {
  it('adds, lists (with the configuration’s silences), refuses to remove a configured one, removes its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-silence-'));
    try {
      const file = join(dir, 'config.yaml');
      await writeFile(
        file,
        [
          `state: { url: "sqlite:${join(dir, 'mailwarden.db')}" }`,
          'silences:',
          '  - id: rollover',
          '    checks: [dane]',
          '    endsAt: 2099-01-01T00:00:00Z',
          '    comment: certificate rollover',
          '',
        ].join('\n'),
      );
      const added = await runCli([
        'silence',
        'add',
        '--config',
        file,
        '--domain',
        'shop.example',
        '--for',
        '2h',
        '--comment',
        'MX move',
        '--by',
        'alice',
      ]);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const id = /^(s-[0-9a-f]{8}) /.exec(added.stdout)![1]!;
      const listed = await runCli(['silence', 'list', '--json', '--config', file]);
      const silences = JSON.parse(listed.stdout).silences as { id: string; source: string; createdBy: string }[];
      expect(silences.map((s) => [s.id, s.source])).toEqual([
        ['rollover', 'config'],
        [id, 'cli'],
      ]);
      expect(silences[1]!.createdBy).toBe('alice');
      const refused = await runCli(['silence', 'remove', 'rollover', '--config', file]);
      expect(refused.code).toBe(3);
      expect(refused.stdout).toContain('configuration file');
      expect(await runCli(['silence', 'remove', id, '--config', file])).toMatchObject({ code: 0 });
      const after = await runCli(['silence', 'list', '--config', file]);
      expect(after.stdout).toContain('rollover');
      expect(after.stdout).not.toContain(id);
      const usage = await runCli(['silence', 'add', '--config', file, '--for', '1h', '--comment', 'x']);
      expect(usage.code).toBe(3);
      expect(usage.stderr).toContain('at least one --domain');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
