import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createChannel } from '../../src/alerts/create-channels.ts';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { say } from '../../src/i18n/say.ts';
import type { Finding } from '../../src/model.ts';
import { regressionNotice } from './helpers.ts';

const finding = (status: Finding['status'], texts: ReturnType<typeof say>): Finding => ({
  check: 'dmarc.policy',
  subject: 'example.nl',
  status,
  ...texts,
  evidence: {},
});

const notice = regressionNotice('example.nl', {
  before: finding('ok', say('dmarc.policy', 'ok', { domain: 'example.nl', policy: 'reject' })),
  after: finding('fail', say('dmarc.policy', 'policy-none', { domain: 'example.nl', tag: 'p' })),
});

describe('alerts in the language of the channel or route', () => {
  it('word the findings in Dutch when asked, from their reason and parameters', () => {
    const [item] = buildDigest([notice], { language: 'nl' }).groups[0]!.items;
    expect(item).toMatchObject({
      before: 'Het DMARC-beleid van example.nl is reject',
      after: 'Het DMARC-beleid van example.nl is none (p=none): vervalste mail wordt gewoon afgeleverd',
      fix: expect.stringMatching(/^Controleer in de aggregate-rapporten/),
    });
    expect(renderText(buildDigest([notice], { language: 'nl' }))).toContain('vervalste mail wordt gewoon afgeleverd');
  });

  it('stay in English by default, and keep the stored texts of findings without a reason', () => {
    const [item] = buildDigest([notice]).groups[0]!.items;
    expect(item!.after).toBe('DMARC policy for example.nl is none (p=none): spoofed mail is delivered as usual');
    const [old] = buildDigest([regressionNotice('example.nl')], { language: 'nl' }).groups[0]!.items;
    expect(old).toMatchObject({ after: 'no DMARC record', fix: 'Publish a DMARC record' });
  });

  it("carry the channel's language on the channel", () => {
    const logger = pino({ enabled: false });
    expect(createChannel('ops', { type: 'log', language: 'nl' }, logger).language).toBe('nl');
    expect(createChannel('ops', { type: 'log' }, logger).language).toBeUndefined();
  });
});
