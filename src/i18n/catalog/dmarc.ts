/** dmarc.record, dmarc.policy, dmarc.reporting: what receivers do with mail that fails SPF and DKIM. */
import { finding, type Part, part } from '../types.ts';

type Missing = 'multiple' | 'none';
const MISSING_EN: Record<Missing, string> = { multiple: 'several DMARC records', none: 'no DMARC record' };
const MISSING_NL: Record<Missing, string> = { multiple: 'meerdere DMARC-records', none: 'geen DMARC-record' };

export const dmarcTexts = {
  dmarc: {
    'dns-error': finding<{ error: string }>({
      en: { summary: (p) => `Could not check DMARC: ${p.error}` },
      nl: { summary: (p) => `DMARC kon niet worden gecontroleerd: ${p.error}` },
    }),
  },
  'dmarc.record': {
    multiple: finding<{ owner: string; records: number }>({
      en: {
        summary: (p) => `${p.owner} has ${p.records} DMARC records: receivers ignore them all`,
        fix: (p) => `Keep exactly one "v=DMARC1; ..." TXT record at ${p.owner}.`,
      },
      nl: {
        summary: (p) => `${p.owner} heeft ${p.records} DMARC-records: ontvangende mailservers negeren ze allemaal`,
        fix: (p) => `Houd precies één "v=DMARC1; ..."-TXT-record over op ${p.owner}.`,
      },
    }),
    missing: finding<{ domain: string; queried: string[] }>({
      en: {
        summary: (p) => `No DMARC record for ${p.domain} (tree walk queried ${p.queried.join(', ')})`,
        fix: (p) =>
          `Publish a TXT record at _dmarc.${p.domain} such as "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${p.domain}".`,
      },
      nl: {
        summary: (p) => `Geen DMARC-record voor ${p.domain} (opgevraagd: ${p.queried.join(', ')})`,
        fix: (p) =>
          `Publiceer een TXT-record op _dmarc.${p.domain}, bijvoorbeeld "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${p.domain}".`,
      },
    }),
    valid: finding<{ domain: string; inheritedFrom: string | null }>({
      en: {
        summary: (p) =>
          `${p.domain} has one valid DMARC record${p.inheritedFrom ? ` (inherited from _dmarc.${p.inheritedFrom})` : ''}`,
      },
      nl: {
        summary: (p) =>
          `${p.domain} heeft één geldig DMARC-record${p.inheritedFrom ? ` (overgenomen van _dmarc.${p.inheritedFrom})` : ''}`,
      },
    }),
    issues: finding<{ domain: string; inheritedFrom: string | null; issues: string[]; invalid: boolean }>({
      en: {
        summary: (p) =>
          `DMARC record of ${p.domain}${p.inheritedFrom ? ` (inherited from _dmarc.${p.inheritedFrom})` : ''}: ${p.issues.join('; ')}`,
        fix: (p) =>
          p.invalid
            ? 'Correct the invalid tags: receivers may ignore the whole record or the broken tag, leaving the domain unprotected.'
            : 'Remove duplicate, unknown and obsolete tags (pct, rf, ri were dropped by RFC 9989; use t=y for testing instead of pct).',
      },
      nl: {
        summary: (p) =>
          `${p.invalid ? 'Het DMARC-record' : 'Opmerkingen bij het DMARC-record'} van ${p.domain}${p.inheritedFrom ? ` (overgenomen van _dmarc.${p.inheritedFrom})` : ''}${p.invalid ? ' bevat fouten' : ''}: ${p.issues.join('; ')}`,
        fix: (p) =>
          p.invalid
            ? 'Verbeter de ongeldige tags: ontvangers kunnen het hele record of de foute tag negeren, en dan is het domein onbeschermd.'
            : 'Verwijder dubbele, onbekende en verouderde tags (pct, rf en ri zijn vervallen in RFC 9989; gebruik t=y om te testen in plaats van pct).',
      },
    }),
  },
  'dmarc.policy': {
    missing: finding<{ domain: string; why: Missing }>({
      en: {
        summary: (p) => `${p.domain} has no DMARC policy (${MISSING_EN[p.why]}): receivers cannot act on spoofed mail`,
        fix: (p) =>
          `Publish one TXT record at _dmarc.${p.domain}: "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${p.domain}" (start with p=quarantine if unsure).`,
      },
      nl: {
        summary: (p) =>
          `${p.domain} heeft geen DMARC-beleid (${MISSING_NL[p.why]}): ontvangers kunnen niets doen tegen vervalste mail`,
        fix: (p) =>
          `Publiceer één TXT-record op _dmarc.${p.domain}: "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${p.domain}" (begin met p=quarantine als u twijfelt).`,
      },
    }),
    'invalid-policy': finding<{ domain: string; tag: string; written: string }>({
      en: {
        summary: (p) =>
          `DMARC policy for ${p.domain} is effectively none: ${p.tag}=${p.written} is not a policy, so receivers apply none or ignore the record`,
        fix: (p) => `Write ${p.tag}=quarantine or ${p.tag}=reject (the only values besides none).`,
      },
      nl: {
        summary: (p) =>
          `Het DMARC-beleid van ${p.domain} is in feite none: ${p.tag}=${p.written} is geen geldig beleid, dus ontvangers passen none toe of negeren het record`,
        fix: (p) => `Schrijf ${p.tag}=quarantine of ${p.tag}=reject (de enige waarden naast none).`,
      },
    }),
    'policy-none': finding<{ domain: string; tag: string }>({
      en: {
        summary: (p) => `DMARC policy for ${p.domain} is none (${p.tag}=none): spoofed mail is delivered as usual`,
        fix: () =>
          'After checking the aggregate reports that all legitimate mail passes SPF or DKIM aligned, move to p=quarantine and then p=reject.',
      },
      nl: {
        summary: (p) =>
          `Het DMARC-beleid van ${p.domain} is none (${p.tag}=none): vervalste mail wordt gewoon afgeleverd`,
        fix: () =>
          'Controleer in de aggregate-rapporten dat alle echte mail slaagt voor SPF of DKIM (aligned), en ga dan naar p=quarantine en daarna naar p=reject.',
      },
    }),
    weakened: finding<{ domain: string; policy: string; weakenings: Part[] }>({
      en: {
        summary: (p, t) => `DMARC policy for ${p.domain} is ${p.policy}, weakened: ${p.weakenings.map(t).join('; ')}`,
        fix: () => 'Remove t=y and pct, and set sp/np to quarantine or reject (or drop them to inherit p).',
      },
      nl: {
        summary: (p, t) =>
          `Het DMARC-beleid van ${p.domain} is ${p.policy}, maar verzwakt: ${p.weakenings.map(t).join('; ')}`,
        fix: () => 'Verwijder t=y en pct, en zet sp/np op quarantine of reject (of laat ze weg, dan geldt p).',
      },
    }),
    'weakened-testing': part({
      en: { text: () => 't=y (testing mode: receivers apply one step weaker)' },
      nl: { text: () => 't=y (testmodus: ontvangers passen een stap zwakker beleid toe)' },
    }),
    'weakened-pct': part<{ pct: number }>({
      en: { text: (p) => `pct=${p.pct} (applied to only part of the mail by older receivers)` },
      nl: { text: (p) => `pct=${p.pct} (oudere ontvangers passen het beleid maar op een deel van de mail toe)` },
    }),
    'weakened-sp-none': part({
      en: { text: () => 'sp=none leaves subdomains unprotected' },
      nl: { text: () => 'sp=none laat subdomeinen onbeschermd' },
    }),
    'weakened-np-none': part({
      en: { text: () => 'np=none leaves non-existent subdomains open to spoofing' },
      nl: { text: () => 'np=none laat niet-bestaande subdomeinen open voor vervalsing' },
    }),
    ok: finding<{ domain: string; policy: string }>({
      en: { summary: (p) => `DMARC policy for ${p.domain} is ${p.policy}` },
      nl: { summary: (p) => `Het DMARC-beleid van ${p.domain} is ${p.policy}` },
    }),
  },
  'dmarc.reporting': {
    'not-checked': finding<{ domain: string; why: Missing }>({
      en: { summary: (p) => `DMARC reporting not checked: ${p.domain} has ${MISSING_EN[p.why]}` },
      nl: { summary: (p) => `DMARC-rapportage niet gecontroleerd: ${p.domain} heeft ${MISSING_NL[p.why]}` },
    }),
    undeliverable: finding<{ domain: string; problems: string[] }>({
      en: {
        summary: (p) => `DMARC reports for ${p.domain} will not arrive: ${p.problems.join('; ')}`,
        fix: () =>
          'Use a mailto: address at a domain that receives mail; for a report address at another organization, that domain must publish "v=DMARC1" at <your domain>._report._dmarc.<their domain> (a *._report._dmarc wildcard also works).',
      },
      nl: {
        summary: (p) => `DMARC-rapporten voor ${p.domain} komen niet aan: ${p.problems.join('; ')}`,
        fix: () =>
          'Gebruik een mailto:-adres bij een domein dat mail ontvangt; ligt het rapportadres bij een andere organisatie, dan moet dat domein "v=DMARC1" publiceren op <uw domein>._report._dmarc.<hun domein> (een *._report._dmarc-wildcard werkt ook).',
      },
    }),
    'no-rua': finding<{ domain: string; policyDomain: string }>({
      en: {
        summary: (p) => `DMARC record for ${p.domain} asks for no aggregate reports (no rua=)`,
        fix: (p) =>
          `Add rua=mailto:dmarc-reports@${p.policyDomain}: the reports show who sends as you and whether SPF/DKIM pass, which you need before p=reject and to notice breakage.`,
      },
      nl: {
        summary: (p) => `Het DMARC-record van ${p.domain} vraagt geen aggregate-rapporten aan (geen rua=)`,
        fix: (p) =>
          `Voeg rua=mailto:dmarc-reports@${p.policyDomain} toe: de rapporten laten zien wie namens u mailt en of SPF/DKIM slagen; dat moet u weten voordat u naar p=reject gaat, en om problemen op te merken.`,
      },
    }),
    ok: finding<{ domain: string; addresses: string[] }>({
      en: { summary: (p) => `DMARC reports for ${p.domain} go to ${p.addresses.join(', ')}` },
      nl: { summary: (p) => `DMARC-rapporten voor ${p.domain} gaan naar ${p.addresses.join(', ')}` },
    }),
  },
};
