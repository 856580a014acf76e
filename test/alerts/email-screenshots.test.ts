import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { renderHtml } from '../../src/alerts/email.ts';
import { largeBatch } from './large-batch.ts';

/**
 * The alert e-mail of a large batch, as a reader sees it: rendered by Debian's Chromium (never a downloaded browser)
 * at desktop and phone width. The screenshots are kept in test/artifacts/ after every run;
 * MAILWARDEN_UPDATE_DOCS=1 also copies them to docs/images/ for docs/alerts.md.
 */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const DOCS_IMAGES = join(import.meta.dirname, '..', '..', 'docs', 'images');

describe('the alert e-mail', () => {
  const html = renderHtml(buildDigest(largeBatch()));

  it('starts with a summary table, lists records as records (not JSON), and has a mobile viewport', () => {
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    const table = html.indexOf('<table class="summary">');
    expect(table).toBeGreaterThan(-1);
    expect(table).toBeLessThan(html.indexOf('<h2'));
    expect(html).toMatch(/<td>MX address 192\.0\.2\.25 \(mx0\.hoster\.example\)<\/td><td class="n">45<\/td>/);
    expect(html).toContain(
      'tlsa: 3 1 1 8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d\ntlsa: 2 0 1 aa1b',
    );
    expect(html).toContain('presented.spki: f0e1d2c3b4a5968778695a4b3c2d1e0f');
    expect(html).not.toMatch(/\[&quot;|\{&quot;/);
    expect(html).not.toContain('<!channel>');
    const text = renderText(buildDigest(largeBatch()));
    expect(text).toContain('domains: customer00.example.nl, customer01.example.nl');
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'reads on a phone without sideways scrolling; screenshots at desktop and phone width',
    async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, 'alert-email.html');
      await writeFile(file, html);
      const profile = await mkdtemp(join(tmpdir(), 'mw-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`file://${file}`);
        await page.screenshot({ path: join(ARTIFACTS, 'alert-email-desktop.png'), fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        // Evaluated in the page (a string: this project's TypeScript has no DOM types).
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(ARTIFACTS, 'alert-email-phone.png'), fullPage: true });
        const firstBox = await page.locator('table.summary').boundingBox();
        expect(firstBox!.y).toBeLessThan(200);
      } finally {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
      if (process.env.MAILWARDEN_UPDATE_DOCS === '1') {
        await mkdir(DOCS_IMAGES, { recursive: true });
        for (const name of ['alert-email-desktop.png', 'alert-email-phone.png'])
          await copyFile(join(ARTIFACTS, name), join(DOCS_IMAGES, name));
      }
    },
    60_000,
  );
});
