/** dkim.key and dkim.selectors: the public keys receivers verify signatures with. */
import { finding, type Part, part } from '../types.ts';

const ROTATE_EN =
  'Generate a new 2048-bit RSA key (or ed25519 beside RSA), publish it under a new selector, switch signing to it, then remove the old record.';
const ROTATE_NL =
  'Maak een nieuwe RSA-sleutel van 2048 bits (of ed25519 naast RSA), publiceer die onder een nieuwe selector, onderteken daarmee, en verwijder daarna het oude record.';

const size = (p: { algorithm: string; bits: number }) => (p.algorithm === 'rsa' ? `RSA ${p.bits}-bit` : 'ed25519');
const sizeNl = (p: { algorithm: string; bits: number }) => (p.algorithm === 'rsa' ? `RSA ${p.bits} bits` : 'ed25519');

const domainkeyEn = (p: { domain: string; domainkeyExists: boolean }) =>
  `_domainkey.${p.domain} ${p.domainkeyExists ? 'exists' : 'does not exist (NXDOMAIN)'}`;
const domainkeyNl = (p: { domain: string; domainkeyExists: boolean }) =>
  `_domainkey.${p.domain} ${p.domainkeyExists ? 'bestaat' : 'bestaat niet (NXDOMAIN)'}`;

export const dkimTexts = {
  dkim: {
    'dns-error': finding<{ error: string }>({
      en: { summary: (p) => `Could not check DKIM: ${p.error}` },
      nl: { summary: (p) => `DKIM kon niet worden gecontroleerd: ${p.error}` },
    }),
  },
  'dkim.key': {
    missing: finding<{ name: string; selector: string }>({
      en: {
        summary: (p) => `No DKIM key at ${p.name}: mail signed with selector ${p.selector} fails DKIM`,
        fix: (p) =>
          `Publish the public key of selector ${p.selector} (ask your mail provider for the record or CNAME), or remove the selector from the configuration if it is no longer used.`,
      },
      nl: {
        summary: (p) => `Geen DKIM-sleutel op ${p.name}: mail ondertekend met selector ${p.selector} faalt voor DKIM`,
        fix: (p) =>
          `Publiceer de publieke sleutel van selector ${p.selector} (vraag uw mailprovider om het record of de CNAME), of haal de selector uit de configuratie als die niet meer wordt gebruikt.`,
      },
    }),
    unparsable: finding<{ name: string; errors: string[] }>({
      en: {
        summary: (p) => `DKIM key record at ${p.name} does not parse: ${p.errors.join('; ')}`,
        fix: () => 'Publish the record exactly as your signer generated it: "v=DKIM1; k=rsa; p=<base64 public key>".',
      },
      nl: {
        summary: (p) => `Het DKIM-record op ${p.name} is onleesbaar: ${p.errors.join('; ')}`,
        fix: () =>
          'Publiceer het record precies zoals uw ondertekenaar het maakte: "v=DKIM1; k=rsa; p=<publieke sleutel in base64>".',
      },
    }),
    revoked: finding<{ selector: string }>({
      en: {
        summary: (p) => `DKIM key ${p.selector} is revoked (empty p=): signatures with it fail`,
        fix: () => 'Sign with a selector whose key is published, and remove a retired selector from the configuration.',
      },
      nl: {
        summary: (p) => `DKIM-sleutel ${p.selector} is ingetrokken (lege p=): handtekeningen ermee falen`,
        fix: () =>
          'Onderteken met een selector waarvan de sleutel gepubliceerd is, en haal een afgedankte selector uit de configuratie.',
      },
    }),
    unusable: finding<{ selector: string; detail: string }>({
      en: {
        summary: (p) => `DKIM key ${p.selector} is unusable: ${p.detail}`,
        fix: () => ROTATE_EN,
      },
      nl: {
        summary: (p) => `DKIM-sleutel ${p.selector} is onbruikbaar: ${p.detail}`,
        fix: () => ROTATE_NL,
      },
    }),
    problems: finding<{ selector: string; algorithm: string; bits: number; problems: Part[]; fixes: Part[] }>({
      en: {
        summary: (p, t) => `DKIM key ${p.selector} (${size(p)}): ${p.problems.map(t).join('; ')}`,
        fix: (p, t) => p.fixes.map(t).join(' '),
      },
      nl: {
        summary: (p, t) => `DKIM-sleutel ${p.selector} (${sizeNl(p)}): ${p.problems.map(t).join('; ')}`,
        fix: (p, t) => p.fixes.map(t).join(' '),
      },
    }),
    'rsa-breakable': part<{ bits: number }>({
      en: { text: (p) => `RSA key of ${p.bits} bits: breakable, and receivers ignore keys under 1024 bits (RFC 8301)` },
      nl: {
        text: (p) =>
          `RSA-sleutel van ${p.bits} bits: te kraken, en ontvangers negeren sleutels onder 1024 bits (RFC 8301)`,
      },
    }),
    'rsa-short': part<{ bits: number }>({
      en: { text: (p) => `RSA key of ${p.bits} bits: below the 2048 bits recommended today` },
      nl: { text: (p) => `RSA-sleutel van ${p.bits} bits: korter dan de 2048 bits die nu worden aangeraden` },
    }),
    'no-email-service': part<{ services: string[] }>({
      en: { text: (p) => `s=${p.services.join(':')} excludes email` },
      nl: { text: (p) => `s=${p.services.join(':')} sluit e-mail uit` },
    }),
    'testing-flag': part({
      en: { text: () => 't=y: testing mode, receivers may treat signatures as unsigned' },
      nl: { text: () => 't=y: testmodus, ontvangers mogen ondertekende mail als niet-ondertekend behandelen' },
    }),
    'sha1-only': part({
      en: { text: () => 'h=sha1 only: SHA-1 signatures are no longer accepted (RFC 8301)' },
      nl: { text: () => 'alleen h=sha1: handtekeningen met SHA-1 worden niet meer geaccepteerd (RFC 8301)' },
    }),
    'fix-rotate': part({
      en: { text: () => ROTATE_EN },
      nl: { text: () => ROTATE_NL },
    }),
    'fix-services': part({
      en: { text: () => 'Remove s= or set s=email.' },
      nl: { text: () => 'Verwijder s= of zet s=email.' },
    }),
    'fix-testing-flag': part({
      en: { text: () => 'Remove t=y once signing works.' },
      nl: { text: () => 'Verwijder t=y zodra het ondertekenen werkt.' },
    }),
    'fix-sha1': part({
      en: { text: () => 'Sign with rsa-sha256 and remove h= (or set h=sha256).' },
      nl: { text: () => 'Onderteken met rsa-sha256 en verwijder h= (of zet h=sha256).' },
    }),
    ok: finding<{ selector: string; algorithm: string; bits: number }>({
      en: { summary: (p) => `DKIM key ${p.selector}: ${size(p)}, valid` },
      nl: { summary: (p) => `DKIM-sleutel ${p.selector}: ${sizeNl(p)}, geldig` },
    }),
  },
  'dkim.selectors': {
    'sends-no-mail': finding<{ domain: string; nonSending: string[] }>({
      en: { summary: (p) => `${p.domain} sends no mail (${p.nonSending.join(', ')}): DKIM is not required` },
      nl: { summary: (p) => `${p.domain} verstuurt geen mail (${p.nonSending.join(', ')}): DKIM is niet nodig` },
    }),
    found: finding<{ domain: string; found: string[]; domainkeyExists: boolean }>({
      en: { summary: (p) => `DKIM selectors found for ${p.domain}: ${p.found.join(', ')}; ${domainkeyEn(p)}` },
      nl: { summary: (p) => `DKIM-selectors gevonden voor ${p.domain}: ${p.found.join(', ')}; ${domainkeyNl(p)}` },
    }),
    'configured-none': finding<{ domain: string; domainkeyExists: boolean }>({
      en: {
        summary: (p) => `None of the configured DKIM selectors of ${p.domain} has a key; ${domainkeyEn(p)}`,
      },
      nl: {
        summary: (p) =>
          `Geen van de geconfigureerde DKIM-selectors van ${p.domain} heeft een sleutel; ${domainkeyNl(p)}`,
      },
    }),
    'common-none': finding<{ domain: string; tried: string[]; domainkeyExists: boolean }>({
      en: {
        summary: (p) => `No DKIM key under the common selectors (${p.tried.join(', ')}); ${domainkeyEn(p)}`,
        fix: (p) =>
          p.domainkeyExists
            ? 'Configure the selectors your signers use (dkimSelectors / --dkim-selectors) so mailwarden can check the keys.'
            : `Nothing exists under _domainkey.${p.domain}, so no DKIM key is published: set up DKIM signing with your mail provider and publish its key, or, if ${p.domain} sends no mail, publish "v=spf1 -all" and a null MX.`,
      },
      nl: {
        summary: (p) => `Geen DKIM-sleutel onder de gangbare selectors (${p.tried.join(', ')}); ${domainkeyNl(p)}`,
        fix: (p) =>
          p.domainkeyExists
            ? 'Stel de selectors in die uw ondertekenaars gebruiken (dkimSelectors / --dkim-selectors), zodat mailwarden de sleutels kan controleren.'
            : `Onder _domainkey.${p.domain} bestaat niets, dus er is geen DKIM-sleutel gepubliceerd: zet DKIM-ondertekening aan bij uw mailprovider en publiceer de sleutel, of publiceer "v=spf1 -all" en een null MX als ${p.domain} geen mail verstuurt.`,
      },
    }),
  },
};
