/** `mailwarden check --lang nl|en` against the lab: every finding a user sees is in the language asked for. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/render.ts';
import type { Language } from '../../src/i18n/types.ts';
import type { Finding } from '../../src/model.ts';
import { labCheckFlags, reportsOf, runCli } from '../support/cli.ts';

/** Domains whose findings between them cover most reasons of every monitor (no silent SMTP host: keeps it quick). */
const DOMAINS = [
  'qa-perfect.test',
  'mx-noaddr.test',
  'mx-null.test',
  'mx-cname.test',
  'spf-lookups.test',
  'spf-ptr.test',
  'spf-softfail.test',
  'dmarc-broken.test',
  'dmarc-none.test',
  'dkim-keys.test',
  'dnssec-expiring.test',
  'dnssec-nsec3iter.test',
  'dnssec-unsigned.test',
  'tls-legacy.test',
  'tls-selfsigned.test',
  'tlsa-single.test',
  'tlsa-mismatch.test',
  'sts-uncovered.test',
  'rpt-broken.test',
  'rpt-good.test',
  'mx-ipliteral.test',
  'mx-localhost.test',
  'mx-nxtarget.test',
  'mx-none.test',
  'mx-nullmixed.test',
  'spf-plusall.test',
  'spf-syntax.test',
  'spf-two.test',
  'spf-void.test',
  'dmarc-extrua.test',
  'dmarc-reports.test',
  'dmarc-good.test',
  'dkim-parked.test',
  'dkim-provider.test',
  'dnssec-alg8.test',
  'dnssec-wrongds.test',
  'dnssec-stale.test',
  'dnssec-expired.test',
  'tls-notls.test',
  'tls-refused.test',
  'tls-expired.test',
  'tls-wrongname.test',
  'tlsa-good.test',
  'tlsa-pkix.test',
  'tlsa-ta.test',
  'tlsa-unsigned.test',
  'tlsa-wholecert.test',
  'tlsa-insecureaddr.test',
  'tlsa-expiring.test',
  'tlsa-expiredee.test',
  'sts-good.test',
  'sts-missing.test',
  'sts-redirect.test',
  'sts-badmx.test',
  // IPv6, RPKI (valid, invalid, not-found) and DANE over one address family only
  'ipv6-good.test',
  'ipv6-partial.test',
  'ipv6-refused.test',
  'rpki-valid.test',
  'rpki-invalid.test',
  'rpki-notfound.test',
  'dane-v4secure.test',
];

/** The lab's RPKI data, so that rpki.ns and rpki.mx speak (without it only rpki.config does). */
const RPKI_FLAGS = [
  '--rpki-vrps',
  fileURLToPath(new URL('../lab/rpki/vrps.json', import.meta.url)),
  '--rpki-origins',
  fileURLToPath(new URL('../lab/rpki/origins.txt', import.meta.url)),
];

/** Wrapping and indentation aside, the characters as printed (long summaries are cut at 300 characters). */
const squeeze = (text: string) => text.slice(0, 250).replace(/\s+/g, '');

describe('mailwarden check --lang against the lab', () => {
  let findings: Finding[] = [];

  it('gives every finding a reason and parameters (the JSON keeps its English texts)', async () => {
    const run = await runCli(['check', ...DOMAINS, ...labCheckFlags(), ...RPKI_FLAGS, '--json']);
    findings = reportsOf(run).flatMap((report) => report.findings);
    expect(findings.length).toBeGreaterThan(200);
    expect(findings.filter((f) => f.reason === undefined || f.params === undefined)).toEqual([]);
    for (const f of findings) expect(render(f, 'en').summary).toBe(f.summary);
    const reasons = new Set(findings.map((f) => `${f.check} ${f.reason}`));
    expect(reasons.size).toBeGreaterThanOrEqual(80);
    const expected = [
      'ipv6.ns-address ok',
      'ipv6.ns-address none',
      'ipv6.ns-address only-one',
      'ipv6.ns-reachable ok',
      'ipv6.ns-reachable unreachable',
      'ipv6.mx-address ok',
      'ipv6.mx-address missing',
      'ipv6.mx-reachable ok',
      'ipv6.mx-reachable unreachable',
      'rpki.ns valid',
      'rpki.mx valid',
      'rpki.mx not-found',
      'rpki.mx invalid',
    ];
    expect(expected.filter((reason) => !reasons.has(reason))).toEqual([]);
  }, 240_000);

  it.each(['nl', 'en'] as Language[])(
    'shows every finding in %s',
    async (language) => {
      expect(findings.length).toBeGreaterThan(0);
      const run = await runCli(['check', ...DOMAINS, ...labCheckFlags(), ...RPKI_FLAGS, '--lang', language]);
      const table = run.stdout.replace(/\s+/g, '');
      const other: Language = language === 'nl' ? 'en' : 'nl';
      const missing: string[] = [];
      const foreign: string[] = [];
      for (const f of findings) {
        // summaries with values that change between runs (remaining time, serial) are compared by their start
        const texts = render(f, language);
        const start = texts.summary.split(/\d/)[0]!;
        if (!table.includes(squeeze(start))) missing.push(`${f.check} ${f.reason}: ${texts.summary}`);
        if (texts.fix && f.status !== 'ok' && !table.includes(squeeze(texts.fix.split(/\d/)[0]!)))
          missing.push(`${f.check} ${f.reason} fix: ${texts.fix}`);
        const elsewhere = render(f, other).summary.split(/\d/)[0]!;
        if (squeeze(elsewhere).length > 20 && elsewhere !== start && table.includes(squeeze(elsewhere)))
          foreign.push(`${f.check} ${f.reason}: ${elsewhere}`);
      }
      expect(missing).toEqual([]);
      expect(foreign).toEqual([]);
      expect(run.stdout).toMatch(
        language === 'nl' ? /\n\d+ domeinen: .*; bevindingen: / : /\n\d+ domains: .*; findings: /,
      );
      expect(run.stdout).toMatch(
        language === 'nl'
          ? /\n {2}mailscore \d+\/100 \(regels van Internet\.nl; IPv6 \d+, DNSSEC \d+, echtheidswaarmerken/
          : /\n {2}mail score \d+\/100 \(Internet\.nl rules; IPv6 \d+, DNSSEC \d+, authentication/,
      );
    },
    240_000,
  );
});
