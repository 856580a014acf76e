import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/i18n/catalog/index.ts';
import { chooseLanguage } from '../../src/i18n/language.ts';
import { render } from '../../src/i18n/render.ts';
import { say } from '../../src/i18n/say.ts';
import { LANGUAGES } from '../../src/i18n/types.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** Every `say('<key>', '<reason>'` and `sayPart(…)` in src/, and every call that does not name both literally. */
async function usedReasons(): Promise<{ used: Set<string>; unreadable: string[] }> {
  const used = new Set<string>();
  const unreadable: string[] = [];
  for (const file of await sourceFiles(SRC)) {
    if (file.includes('/src/i18n/')) continue;
    const text = await readFile(file, 'utf8');
    for (const call of text.matchAll(/\bsay(?:Part)?\(([^)]{0,120})/g)) {
      const literal = /^\s*'([^']+)',\s*'([^']+)'/.exec(call[1]!);
      if (literal) used.add(`${literal[1]} ${literal[2]}`);
      else unreadable.push(`${file.slice(SRC.length)}: say(${call[1]!.slice(0, 40)}`);
    }
  }
  return { used, unreadable };
}

const catalogued = Object.entries(CATALOG).flatMap(([key, reasons]) =>
  Object.entries(reasons as unknown as Record<string, Record<string, object>>).map(([reason, entry]) => ({
    id: `${key} ${reason}`,
    entry,
  })),
);

describe('message catalogs', () => {
  it('name every reason literally where it is used, so that this test can see them', async () => {
    const { used, unreadable } = await usedReasons();
    expect(unreadable).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it('have an English and a Dutch text for every reason the code uses', async () => {
    const { used } = await usedReasons();
    const ids = new Set(catalogued.map((c) => c.id));
    expect([...used].filter((id) => !ids.has(id))).toEqual([]);
    for (const { id, entry } of catalogued) {
      for (const language of LANGUAGES)
        expect(entry[language as keyof typeof entry], `${id} ${language}`).toBeDefined();
      const shape = (language: string) => Object.keys(entry[language as keyof typeof entry] as object).sort();
      expect(shape('nl'), `${id}: the same kinds of text in each language`).toEqual(shape('en'));
    }
  });

  it('hold no text that no code uses', async () => {
    const { used } = await usedReasons();
    expect(catalogued.map((c) => c.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('rendering', () => {
  const finding = {
    check: 'dmarc.policy',
    subject: 'example.nl',
    status: 'fail' as const,
    ...say('dmarc.policy', 'policy-none', { domain: 'example.nl', tag: 'p' }),
    evidence: {},
  };

  it('gives the English texts when the finding is made and re-renders them in Dutch from reason and params', () => {
    expect(finding.reason).toBe('policy-none');
    expect(finding.summary).toBe('DMARC policy for example.nl is none (p=none): spoofed mail is delivered as usual');
    const nl = render(finding, 'nl');
    expect(nl.summary).toBe('Het DMARC-beleid van example.nl is none (p=none): vervalste mail wordt gewoon afgeleverd');
    expect(nl.fix).toMatch(/^Controleer in de aggregate-rapporten/);
    expect(render(finding, 'en')).toEqual({ summary: finding.summary, fix: finding.fix });
  });

  it('renders parts in the language of the text around them', () => {
    const weakened = say('dmarc.policy', 'weakened', {
      domain: 'example.nl',
      policy: 'reject',
      weakenings: [{ reason: 'weakened-sp-none', params: {} }],
    });
    const nl = render(
      { check: 'dmarc.policy', subject: 'example.nl', status: 'warn', evidence: {}, ...weakened },
      'nl',
    );
    expect(nl.summary).toBe(
      'Het DMARC-beleid van example.nl is reject, maar verzwakt: sp=none laat subdomeinen onbeschermd',
    );
  });

  it('keeps the texts of a finding without a known reason (stored by an older version)', () => {
    const old = { check: 'spf.policy', subject: 'a.nl', status: 'ok' as const, summary: 'old text', evidence: {} };
    expect(render(old, 'nl')).toEqual({ summary: 'old text' });
    expect(render({ ...old, reason: 'no-such-reason', params: {} }, 'nl')).toEqual({ summary: 'old text' });
  });

  it('words a crash of any monitor, including ones the catalogs do not know yet', () => {
    const crash = { check: 'ipv6.monitor', subject: 'a.nl', status: 'error' as const, evidence: {} };
    const texts = say('*', 'monitor-crashed', { monitor: 'ipv6', error: 'boom' });
    expect(render({ ...crash, ...texts }, 'nl').summary).toBe('De ipv6-controle kon niet worden uitgevoerd: boom');
  });
});

describe('choosing the language', () => {
  it('takes --lang first, then LC_ALL, LC_MESSAGES, LANG, then English', () => {
    expect(chooseLanguage('nl', { LANG: 'en_US.UTF-8' })).toBe('nl');
    expect(chooseLanguage(undefined, { LC_ALL: 'nl_NL.UTF-8', LANG: 'en_US' })).toBe('nl');
    expect(chooseLanguage(undefined, { LC_MESSAGES: 'nl_BE', LANG: 'en_US' })).toBe('nl');
    expect(chooseLanguage(undefined, { LC_ALL: 'C', LANG: 'nl_NL' })).toBe('en');
    expect(chooseLanguage(undefined, { LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(chooseLanguage(undefined, {})).toBe('en');
  });

  it('refuses a language it does not speak', () => {
    expect(() => chooseLanguage('fr', {})).toThrow(/unknown language "fr"; known: en, nl/);
  });
});
