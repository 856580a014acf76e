import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/alerts/digest.ts';
import { renderSlackMessages, SLACK_LIMITS } from '../../src/alerts/slack.ts';
import type { Change } from '../../src/model.ts';
import type { Notice } from '../../src/state/types.ts';
import { regressionNotice } from './helpers.ts';
import { largeBatch } from './large-batch.ts';

type Section = { type: string; text?: { text: string } };
const sectionTexts = (blocks: Section[]) => blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);

/** 49 distinct regressions, each with a long record: the batch that held 31,943 characters of block text. */
function manyLongChanges(count: number): Notice[] {
  return Array.from({ length: count }, (_, i) => {
    const domain = `d${i}.example`;
    const overrides: Partial<Change> = {
      check: `spf.check${i}`,
      after: {
        check: `spf.check${i}`,
        subject: domain,
        status: 'fail',
        summary: `problem ${i} `.repeat(40),
        evidence: { record: 'v=spf1 '.padEnd(600, 'x'), other: 'y'.repeat(400) },
        fix: 'fix it '.repeat(30),
      },
    };
    return regressionNotice(domain, overrides);
  });
}

describe('Slack messages stay within Slack’s limits and drop nothing silently', () => {
  it('splits a 49-change digest into several messages, each within block, section and message limits', () => {
    const messages = renderSlackMessages(buildDigest(manyLongChanges(49)));
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const texts = sectionTexts(message.blocks as Section[]);
      for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
      expect(texts.reduce((sum, text) => sum + text.length, 0)).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    }
    expect(messages[0]!.blocks[0]).toMatchObject({ text: { text: expect.stringMatching(/\(1\/\d+\)$/) } });
    const all = messages.flatMap((m) => sectionTexts(m.blocks as Section[])).join('\n');
    for (let i = 0; i < 49; i++) expect(all).toContain(`*d${i}.example*`);
  });

  it('a group too long for one section continues in the next: all 4 domains are listed', () => {
    const notices = ['a', 'b', 'c', 'd'].map((name) =>
      regressionNotice(`${name}.example`, {
        after: {
          check: 'dmarc.policy',
          subject: `${name}.example`,
          status: 'fail',
          summary: 'long summary '.repeat(60),
          evidence: { record: 'z'.repeat(300) },
          fix: 'fix '.repeat(100),
        },
      }),
    );
    const messages = renderSlackMessages(buildDigest(notices));
    const texts = messages.flatMap((m) => sectionTexts(m.blocks as Section[]));
    expect(texts.length).toBeGreaterThan(1);
    for (const name of ['a', 'b', 'c', 'd']) expect(texts.join('\n')).toContain(`*${name}.example*`);
  });

  it('"… and N more" survives any cut', () => {
    const notices = Array.from({ length: 60 }, (_, i) =>
      regressionNotice(`n${i}.example`, {
        after: {
          check: 'dmarc.policy',
          subject: `n${i}.example`,
          status: 'fail',
          summary: 'x'.repeat(700),
          evidence: {},
        },
      }),
    );
    const digest = buildDigest(notices, { maxItemsPerGroup: 20 });
    const texts = renderSlackMessages(digest).flatMap((m) => sectionTexts(m.blocks as Section[]));
    expect(texts.join('\n')).toContain('_… and 40 more_');
  });

  it('the hoster batch: the shared MX is one section naming the address and all 45 domains', () => {
    const messages = renderSlackMessages(buildDigest(largeBatch()));
    expect(messages).toHaveLength(1);
    const texts = sectionTexts(messages[0]!.blocks as Section[]);
    const shared = texts.find((t) => t.includes('MX address 192.0.2.25'))!;
    expect(shared).toContain('*Domains (45):*');
    for (let i = 0; i < 45; i++) expect(shared).toContain(`customer${String(i).padStart(2, '0')}.example.nl`);
    expect(texts.join('\n')).not.toContain('<!channel>');
    expect(texts.join('\n')).toContain(':pencil2: *Record changed');
  });

  it('5,000 domains on one broken MX address stay one message: 100 listed, "… and 4900 more domains"', () => {
    const [first] = largeBatch();
    const notices = Array.from({ length: 5000 }, (_, i) => {
      const domain = `c${i}.example.nl`;
      return { ...first!, key: `k${i}`, change: { ...first!.change!, domain } };
    });
    const messages = renderSlackMessages(buildDigest(notices));
    expect(messages).toHaveLength(1);
    const text = sectionTexts(messages[0]!.blocks as Section[]).join('\n');
    expect(text).toContain('*Domains (5000):*');
    expect(text).toContain('_… and 4900 more domains_');
  });
});
