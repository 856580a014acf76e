/** spf.record, spf.policy, spf.lookups, spf.authorized: who may send mail as the domain. */
import { finding, type Part, part } from '../types.ts';

const EXAMPLE = 'v=spf1 include:<your mail provider> -all';
const EXAMPLE_NL = 'v=spf1 include:<uw mailprovider> -all';

type Unusable = 'none' | 'multiple' | 'syntax';
const UNUSABLE_EN: Record<Unusable, string> = {
  none: 'no SPF record',
  multiple: 'several SPF records',
  syntax: 'a syntax error',
};
const UNUSABLE_NL: Record<Unusable, string> = {
  none: 'geen SPF-record',
  multiple: 'meerdere SPF-records',
  syntax: 'een syntaxfout in het SPF-record',
};

/** A count that stops growing at `max` in a diamond-shaped include tree (the walk saturates it). */
const countEn = (n: number, max: number): string => (n >= max ? `more than ${max.toLocaleString('en')}` : String(n));
const countNl = (n: number, max: number): string => (n >= max ? `meer dan ${max.toLocaleString('nl')}` : String(n));

export const spfTexts = {
  spf: {
    'dns-error': finding<{ error: string }>({
      en: { summary: (p) => `Could not check SPF: ${p.error}` },
      nl: { summary: (p) => `SPF kon niet worden gecontroleerd: ${p.error}` },
    }),
  },
  'spf.record': {
    missing: finding<{ domain: string; nxdomain: boolean }>({
      en: {
        summary: (p) => `${p.domain} publishes no SPF record${p.nxdomain ? ' (the name does not exist)' : ''}`,
        fix: (p) =>
          `Publish one TXT record at ${p.domain} such as "${EXAMPLE}" listing every server that sends for it; a domain that sends no mail publishes "v=spf1 -all". Without SPF, anyone can use ${p.domain} as envelope sender.`,
      },
      nl: {
        summary: (p) => `${p.domain} publiceert geen SPF-record${p.nxdomain ? ' (de naam bestaat niet)' : ''}`,
        fix: (p) =>
          `Publiceer één TXT-record op ${p.domain}, zoals "${EXAMPLE_NL}", met daarin elke server die namens het domein mailt; een domein dat geen mail verstuurt publiceert "v=spf1 -all". Zonder SPF kan iedereen ${p.domain} als afzender (envelope sender) gebruiken.`,
      },
    }),
    multiple: finding<{ domain: string; records: number }>({
      en: {
        summary: (p) =>
          `${p.domain} has ${p.records} SPF records; receivers treat that as a permanent error (RFC 7208 4.5)`,
        fix: () =>
          'Merge them into one v=spf1 TXT record (combine the mechanisms, keep one all at the end) and delete the others.',
      },
      nl: {
        summary: (p) =>
          `${p.domain} heeft ${p.records} SPF-records; ontvangende mailservers zien dat als een permanente fout (RFC 7208 4.5)`,
        fix: () =>
          'Voeg ze samen tot één v=spf1-TXT-record (neem alle mechanismen over, met één all aan het eind) en verwijder de andere.',
      },
    }),
    syntax: finding<{ domain: string; position: number; message: string; term: string }>({
      en: {
        summary: (p) => `SPF record of ${p.domain} has a syntax error at character ${p.position}: ${p.message}`,
        fix: (p) =>
          `Correct the term near "${p.term}"; receivers return permerror for the whole record, so SPF does not protect ${p.domain} until it parses (RFC 7208 section 12 has the grammar).`,
      },
      nl: {
        summary: (p) => `Het SPF-record van ${p.domain} bevat een syntaxfout bij teken ${p.position}: ${p.message}`,
        fix: (p) =>
          `Verbeter het deel bij "${p.term}"; ontvangers geven permerror voor het hele record, dus SPF beschermt ${p.domain} pas als het record klopt (de grammatica staat in RFC 7208 sectie 12).`,
      },
    }),
    ok: finding<{ domain: string }>({
      en: { summary: (p) => `${p.domain} publishes one valid SPF record` },
      nl: { summary: (p) => `${p.domain} publiceert één geldig SPF-record` },
    }),
  },
  'spf.policy': {
    unusable: finding<{ domain: string; why: Unusable }>({
      en: {
        summary: (p) => `${p.domain} has no effective SPF policy (${UNUSABLE_EN[p.why]}): receivers get none/permerror`,
        fix: () => 'Fix spf.record first; then end the record with -all.',
      },
      nl: {
        summary: (p) =>
          `${p.domain} heeft geen werkend SPF-beleid (${UNUSABLE_NL[p.why]}): ontvangers krijgen none/permerror`,
        fix: () => 'Herstel eerst spf.record; sluit het record daarna af met -all.',
      },
    }),
    'broken-redirect': finding<{ domain: string }>({
      en: {
        summary: (p) => `SPF of ${p.domain} redirects to a record that cannot be used: receivers get permerror`,
        fix: () =>
          'Point redirect= at a domain with exactly one valid SPF record, or replace it with include:... -all.',
      },
      nl: {
        summary: (p) =>
          `Het SPF-record van ${p.domain} verwijst (redirect) naar een onbruikbaar record: ontvangers krijgen permerror`,
        fix: () =>
          'Laat redirect= verwijzen naar een domein met precies één geldig SPF-record, of vervang het door include:... -all.',
      },
    }),
    'weak-all': finding<{ domain: string; qualifier: '+' | '?' | null }>({
      en: {
        summary: (p) => {
          const what =
            p.qualifier === null ? 'ends without an all mechanism (default neutral)' : `ends in ${p.qualifier}all`;
          const effect =
            p.qualifier === '+'
              ? 'every host on the Internet passes SPF'
              : 'unlisted hosts get neutral, which protects nothing';
          return `SPF of ${p.domain} ${what}: ${effect}`;
        },
        fix: () => `End the record with -all (or ~all while you are still finding your senders), e.g. "${EXAMPLE}".`,
      },
      nl: {
        summary: (p) => {
          const what =
            p.qualifier === null ? 'eindigt zonder all-mechanisme (standaard neutral)' : `eindigt op ${p.qualifier}all`;
          const effect =
            p.qualifier === '+'
              ? 'elke server op internet slaagt voor SPF'
              : 'niet-genoemde servers krijgen neutral, en dat beschermt niets';
          return `Het SPF-record van ${p.domain} ${what}: ${effect}`;
        },
        fix: () =>
          `Sluit het record af met -all (of ~all zolang u nog niet alle verzenders kent), bijvoorbeeld "${EXAMPLE_NL}".`,
      },
    }),
    'pass-all-include': finding<{ domain: string; target: string; term: string; includer: string }>({
      en: {
        summary: (p) =>
          `SPF of ${p.domain} includes ${p.target}, whose record ends in +all: every host on the Internet passes`,
        fix: (p) => `Remove "${p.term}" (in the record of ${p.includer}) or get its owner to end it with -all.`,
      },
      nl: {
        summary: (p) =>
          `Het SPF-record van ${p.domain} neemt ${p.target} op, dat eindigt op +all: elke server op internet slaagt voor SPF`,
        fix: (p) =>
          `Verwijder "${p.term}" (in het record van ${p.includer}) of laat de eigenaar dat record afsluiten met -all.`,
      },
    }),
    ptr: finding<{ domain: string; terms: string[] }>({
      en: {
        summary: (p) => `SPF of ${p.domain} uses the deprecated ptr mechanism (${p.terms.join(', ')})`,
        fix: () =>
          'Replace ptr with ip4:/ip6: or a: terms for the sending hosts: ptr is slow, unreliable and RFC 7208 says it should not be published; many receivers ignore it.',
      },
      nl: {
        summary: (p) => `Het SPF-record van ${p.domain} gebruikt het verouderde ptr-mechanisme (${p.terms.join(', ')})`,
        fix: () =>
          'Vervang ptr door ip4:/ip6:- of a:-termen voor de verzendende servers: ptr is traag en onbetrouwbaar, RFC 7208 zegt dat het niet gepubliceerd hoort te worden, en veel ontvangers negeren het.',
      },
    }),
    softfail: finding<{ domain: string }>({
      en: {
        summary: (p) => `SPF of ${p.domain} ends in ~all (softfail): acceptable, -all is stronger`,
        fix: () =>
          'When every sender is listed, change ~all to -all: with ~all receivers only mark unlisted senders as suspicious, with -all they may reject them outright (DMARC relies on either).',
      },
      nl: {
        summary: (p) => `Het SPF-record van ${p.domain} eindigt op ~all (softfail): acceptabel, -all is sterker`,
        fix: () =>
          'Staan alle verzenders erin, verander ~all dan in -all: bij ~all markeren ontvangers onbekende verzenders alleen als verdacht, bij -all mogen ze de mail direct weigeren (DMARC werkt met beide).',
      },
    }),
    ok: finding<{ domain: string }>({
      en: { summary: (p) => `SPF of ${p.domain} ends in -all: unlisted hosts fail` },
      nl: { summary: (p) => `Het SPF-record van ${p.domain} eindigt op -all: niet-genoemde servers falen` },
    }),
  },
  'spf.lookups': {
    'not-counted': finding<{ domain: string; why: Unusable }>({
      en: { summary: (p) => `DNS lookups not counted: ${p.domain} has ${UNUSABLE_EN[p.why]}` },
      nl: { summary: (p) => `DNS-lookups niet geteld: ${p.domain} heeft ${UNUSABLE_NL[p.why]}` },
    }),
    permerror: finding<{ domain: string; failures: Part[]; fixes: Part[] }>({
      en: {
        summary: (p, t) => `SPF of ${p.domain} gives permerror at receivers: ${p.failures.map(t).join('; ')}`,
        fix: (p, t) => p.fixes.map(t).join(' '),
      },
      nl: {
        summary: (p, t) =>
          `Het SPF-record van ${p.domain} geeft permerror bij ontvangers, dus SPF werkt niet: ${p.failures.map(t).join('; ')}`,
        fix: (p, t) => p.fixes.map(t).join(' '),
      },
    }),
    'too-many-lookups': part<{ lookups: number; costliest: string[]; saturatedAt: number }>({
      en: {
        text: (p) =>
          `${countEn(p.lookups, p.saturatedAt)} DNS-querying terms (limit 10; costliest: ${p.costliest.join(', ')})`,
      },
      nl: {
        text: (p) =>
          `${countNl(p.lookups, p.saturatedAt)} termen die DNS opvragen (maximaal 10; duurste: ${p.costliest.join(', ')})`,
      },
    }),
    'too-many-voids': part<{ voids: number; terms: string[]; saturatedAt: number }>({
      en: {
        text: (p) =>
          `${countEn(p.voids, p.saturatedAt)} void lookups (limit 2)${p.terms.length > 0 ? `: ${p.terms.join(', ')}` : ''}`,
      },
      nl: {
        text: (p) =>
          `${countNl(p.voids, p.saturatedAt)} lookups zonder antwoord (maximaal 2)${p.terms.length > 0 ? `: ${p.terms.join(', ')}` : ''}`,
      },
    }),
    'walk-budget': part<{ budget: number; lookups: number; saturatedAt: number }>({
      en: {
        text: (p) =>
          `the include tree fans out so far that walking it needs more than ${p.budget} DNS queries (mailwarden's limit per SPF walk; walking stopped there), so receivers would meet ${p.lookups >= p.saturatedAt ? countEn(p.lookups, p.saturatedAt) : `at least ${p.lookups}`} lookups where they allow 10`,
      },
      nl: {
        text: (p) =>
          `de include-boom vertakt zo ver dat hem doorlopen meer dan ${p.budget} DNS-query's kost (de limiet van mailwarden per SPF-controle; daar is het doorlopen gestopt), dus ontvangers zouden ${p.lookups >= p.saturatedAt ? countNl(p.lookups, p.saturatedAt) : `minstens ${p.lookups}`} lookups tegenkomen waar ze er 10 toestaan`,
      },
    }),
    'fix-flatten': part({
      en: {
        text: () =>
          'Flatten the SPF record: a few includes of your real senders, ip4:/ip6: for your own servers, and no include trees that fan out.',
      },
      nl: {
        text: () =>
          'Maak het SPF-record plat: een paar includes van uw echte verzenders, ip4:/ip6: voor uw eigen servers, en geen include-bomen die steeds verder vertakken.',
      },
    }),
    'broken-term': part<{ term: string; domain: string; detail: string }>({
      en: { text: (p) => `${p.term} in ${p.domain}: ${p.detail}` },
      nl: { text: (p) => `${p.term} in ${p.domain}: ${p.detail}` },
    }),
    'fix-too-many-lookups': part({
      en: {
        text: () =>
          'Cut DNS lookups below 11: drop includes of services you no longer use, replace a/mx with ip4:/ip6:, or move a service to a subdomain with its own SPF.',
      },
      nl: {
        text: () =>
          'Breng het aantal DNS-lookups onder de 11: schrap includes van diensten die u niet meer gebruikt, vervang a/mx door ip4:/ip6:, of verplaats een dienst naar een subdomein met een eigen SPF-record.',
      },
    }),
    'fix-broken-terms': part({
      en: {
        text: () =>
          'Remove terms that point at names without records, include loops and includes of domains without exactly one valid SPF record; receivers return permerror for them.',
      },
      nl: {
        text: () =>
          'Verwijder termen die verwijzen naar namen zonder records, include-lussen en includes van domeinen zonder precies één geldig SPF-record; ontvangers geven daarvoor permerror.',
      },
    }),
    ok: finding<{ domain: string; lookups: number; voids: number; notes: string[] }>({
      en: {
        summary: (p) =>
          `SPF of ${p.domain} needs ${p.lookups} of 10 DNS lookups, ${p.voids} void${p.notes.length ? ` (${p.notes.join('; ')})` : ''}`,
      },
      nl: {
        summary: (p) =>
          `Het SPF-record van ${p.domain} gebruikt ${p.lookups} van de 10 DNS-lookups, ${p.voids} zonder antwoord${p.notes.length ? ` (${p.notes.join('; ')})` : ''}`,
      },
    }),
  },
  'spf.authorized': {
    pass: finding<{ domain: string; ip: string }>({
      en: { summary: (p) => `SPF of ${p.domain} authorizes ${p.ip}` },
      nl: { summary: (p) => `Het SPF-record van ${p.domain} staat ${p.ip} toe als verzender` },
    }),
    temperror: finding<{ domain: string; ip: string }>({
      en: { summary: (p) => `SPF check of ${p.ip} for ${p.domain} hit a DNS error` },
      nl: { summary: (p) => `De SPF-controle van ${p.ip} voor ${p.domain} liep op een DNS-fout` },
    }),
    'not-authorized': finding<{ domain: string; ip: string; result: string }>({
      en: {
        summary: (p) =>
          `SPF of ${p.domain} gives ${p.result} for sender ${p.ip}: mail it relays may be rejected or junked`,
        fix: (p) =>
          p.result === 'permerror' || p.result === 'none'
            ? `The SPF of ${p.domain} cannot authorize anyone until it is fixed (see spf.record and spf.lookups); then make sure it covers ${p.ip}.`
            : `Add ${p.ip} to the SPF record of ${p.domain} (ip4:/ip6: or the include: of the service that owns it), or stop relaying ${p.domain}'s mail through it.`,
      },
      nl: {
        summary: (p) =>
          `SPF van ${p.domain} geeft ${p.result} voor verzender ${p.ip}: mail die via dit adres gaat kan worden geweigerd of als spam gemarkeerd`,
        fix: (p) =>
          p.result === 'permerror' || p.result === 'none'
            ? `Het SPF-record van ${p.domain} staat niemand toe tot het is hersteld (zie spf.record en spf.lookups); zorg daarna dat ${p.ip} erin staat.`
            : `Voeg ${p.ip} toe aan het SPF-record van ${p.domain} (ip4:/ip6: of de include: van de dienst waar het adres bij hoort), of verstuur de mail van ${p.domain} niet meer via dit adres.`,
      },
    }),
  },
};
