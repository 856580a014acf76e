import { describe, expect, it } from 'vitest';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { renderHtml } from '../../src/alerts/email.ts';
import { escapeHeader, escapeSlack } from '../../src/alerts/escape.ts';
import { renderSlack } from '../../src/alerts/slack.ts';
import { signature } from '../../src/alerts/webhook.ts';
import { regressionNotice } from './helpers.ts';

describe('rendering and escaping', () => {
  it('groups 5,000 domains broken by one shared MX host into one group', () => {
    const notices = Array.from({ length: 5000 }, (_, i) =>
      regressionNotice(`d${i}.example`, {
        check: 'starttls.offered',
        subject: 'mx.shared.example',
        after: {
          check: 'starttls.offered',
          subject: 'mx.shared.example',
          status: 'fail',
          summary: 'STARTTLS not offered',
          evidence: {},
        },
      }),
    );
    const digest = buildDigest(notices);
    expect(digest.groups).toHaveLength(1);
    expect(digest.groups[0]!.heading).toBe(
      'Regression · starttls.offered · ok → fail · mx.shared.example (5000 domains)',
    );
    expect(digest.groups[0]!.more).toBe(4990);
    expect(digest.title).toBe('Regression — 5000 domains');
    const slack = renderSlack(digest);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
  });

  it('neutralises Slack mentions, links and entities from DNS text', () => {
    const slack = JSON.stringify(renderSlack(buildDigest([regressionNotice('x.example')])));
    expect(slack).not.toContain('<!channel>');
    expect(slack).not.toContain('<@U123>');
    expect(slack).not.toContain('<https://evil.example|click>');
    expect(slack).not.toContain('<script>');
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).toContain('&amp; &lt;script&gt;');
    expect(escapeSlack('hi @channel')).not.toMatch(/@channel/);
  });

  it('escapes the HTML part and keeps the same content as the text part', () => {
    const digest = buildDigest([regressionNotice('x.example')]);
    const html = renderHtml(digest);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const text = renderText(digest);
    expect(text).toContain('<script>alert(1)</script>');
    for (const phrase of ['x.example', 'ok → fail', 'no DMARC record', 'Publish a DMARC record']) {
      expect(text).toContain(phrase);
      expect(html).toContain(phrase.replace('→', '→'));
    }
  });

  it('removes CR/LF from e-mail header values', () => {
    expect(escapeHeader('Regression\r\nBcc: victim@example.com')).toBe('Regression Bcc: victim@example.com');
  });

  it('signs webhook bodies with HMAC-SHA256 over timestamp and body', () => {
    // Reference value computed with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
    expect(signature('key', '1700000000', '{"a":1}')).toBe(
      'sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03',
    );
    expect(signature('key', '1700000000', '{"a":1}')).not.toBe(signature('key', '1700000001', '{"a":1}'));
    expect(signature('key', '1', 'b')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
