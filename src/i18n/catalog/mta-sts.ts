/** mtasts.record and mtasts.policy: whether senders without DANE can insist on TLS. */
import { finding, list, type Part, part } from '../types.ts';

export const mtaStsTexts = {
  'mtasts.record': {
    'lookup-failed': finding<{ owner: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.owner}: ${p.error}` },
      nl: { summary: (p) => `${p.owner} kon niet worden opgevraagd: ${p.error}` },
    }),
    'not-needed': finding<{ domain: string }>({
      en: { summary: (p) => `No MTA-STS record, and none needed: ${p.domain} accepts no mail (null MX)` },
      nl: { summary: (p) => `Geen MTA-STS-record, en dat is ook niet nodig: ${p.domain} ontvangt geen mail (null MX)` },
    }),
    missing: finding<{ owner: string; domain: string }>({
      en: {
        summary: (p) => `No MTA-STS record at ${p.owner}: senders without DANE cannot insist on TLS to ${p.domain}`,
        fix: (p) =>
          `Publish a policy at https://mta-sts.${p.domain}/.well-known/mta-sts.txt and "${p.owner}. TXT \\"v=STSv1; id=<yyyymmddnn>\\""; start in mode testing.`,
      },
      nl: {
        summary: (p) =>
          `Geen MTA-STS-record op ${p.owner}: verzenders zonder DANE kunnen geen versleutelde verbinding met ${p.domain} afdwingen`,
        fix: (p) =>
          `Publiceer een policy op https://mta-sts.${p.domain}/.well-known/mta-sts.txt en "${p.owner}. TXT \\"v=STSv1; id=<jjjjmmddnn>\\""; begin met mode testing.`,
      },
    }),
    multiple: finding<{ owner: string; records: number }>({
      en: {
        summary: (p) => `${p.records} MTA-STS records at ${p.owner}: senders treat that as no policy (RFC 8461 §3.1)`,
        fix: () => 'Keep exactly one "v=STSv1; id=…" record.',
      },
      nl: {
        summary: (p) =>
          `${p.records} MTA-STS-records op ${p.owner}: verzenders doen dan alsof er geen policy is (RFC 8461 §3.1)`,
        fix: () => 'Houd precies één "v=STSv1; id=…"-record over.',
      },
    }),
    'bad-id': finding<{ record: string }>({
      en: {
        summary: (p) => `MTA-STS record without a valid id (1–32 letters and digits): ${p.record}`,
        fix: () =>
          'Use "v=STSv1; id=20250101T00"-style ids of letters and digits only, and change the id whenever the policy changes.',
      },
      nl: {
        summary: (p) => `MTA-STS-record zonder geldige id (1–32 letters en cijfers): ${p.record}`,
        fix: () =>
          'Gebruik een id van alleen letters en cijfers, zoals "v=STSv1; id=20250101T00", en wijzig de id bij elke wijziging van de policy.',
      },
    }),
    ok: finding<{ id: string }>({
      en: { summary: (p) => `MTA-STS record present (id ${p.id})` },
      nl: { summary: (p) => `MTA-STS-record aanwezig (id ${p.id})` },
    }),
  },
  'mtasts.policy': {
    'mode-none': finding({
      en: { summary: () => 'MTA-STS policy in mode none: senders drop the policy' },
      nl: { summary: () => 'MTA-STS-policy in mode none: verzenders laten de policy vallen' },
    }),
    unreachable: finding<{ url: string; error: string }>({
      en: { summary: (p) => `Could not fetch ${p.url}: ${p.error}` },
      nl: { summary: (p) => `${p.url} kon niet worden opgehaald: ${p.error}` },
    }),
    unusable: finding<{ url: string; domain: string; detail: string }>({
      en: {
        summary: (p) => `MTA-STS policy not usable: ${p.detail}`,
        fix: (p) =>
          `Serve the policy with HTTP 200 at ${p.url}, directly (no redirect), with a certificate valid for mta-sts.${p.domain} from a public CA.`,
      },
      nl: {
        summary: (p) => `De MTA-STS-policy is niet bruikbaar: ${p.detail}`,
        fix: (p) =>
          `Lever de policy met HTTP 200 op ${p.url}, rechtstreeks (zonder doorverwijzing), met een certificaat voor mta-sts.${p.domain} van een publieke CA.`,
      },
    }),
    unparsable: finding<{ detail: string }>({
      en: {
        summary: (p) => `MTA-STS policy does not parse: ${p.detail}`,
        fix: () => 'Write "version: STSv1", "mode: …", one "mx: …" line per MX pattern and "max_age: …", one per line.',
      },
      nl: {
        summary: (p) => `De MTA-STS-policy is onleesbaar: ${p.detail}`,
        fix: () =>
          'Schrijf "version: STSv1", "mode: …", een regel "mx: …" per MX-patroon en "max_age: …", elk op een eigen regel.',
      },
    }),
    judged: finding<{ mode: string; maxAge: number; mx: string[]; problem: boolean; notes: Part[]; fixes: Part[] }>({
      en: {
        summary: (p, t) => {
          const notes = p.notes.map(t).join('; ');
          if (p.problem) return `MTA-STS policy (mode ${p.mode}): ${notes}`;
          const head = `MTA-STS policy mode ${p.mode}, max_age ${p.maxAge}, mx ${list(p.mx)}`;
          return notes ? `${head}: ${notes}` : head;
        },
        fix: (p, t) => (p.fixes.length > 0 ? p.fixes.map(t).join(' ') : undefined),
      },
      nl: {
        summary: (p, t) => {
          const notes = p.notes.map(t).join('; ');
          if (p.problem) return `MTA-STS-policy (mode ${p.mode}): ${notes}`;
          const head = `MTA-STS-policy mode ${p.mode}, max_age ${p.maxAge}, mx ${list(p.mx)}`;
          return notes ? `${head}: ${notes}` : head;
        },
        fix: (p, t) => (p.fixes.length > 0 ? p.fixes.map(t).join(' ') : undefined),
      },
    }),
    'uncovered-mx': part<{ uncovered: string[]; enforce: boolean }>({
      en: {
        text: (p) =>
          `MX not covered by the policy: ${list(p.uncovered)}${p.enforce ? ' (senders refuse to deliver there)' : ''}`,
      },
      nl: {
        text: (p) =>
          `MX niet gedekt door de policy: ${list(p.uncovered)}${p.enforce ? ' (verzenders weigeren daar af te leveren)' : ''}`,
      },
    }),
    'short-max-age': part<{ maxAge: number }>({
      en: { text: (p) => `max_age ${p.maxAge} s is shorter than a day: the policy hardly protects between fetches` },
      nl: {
        text: (p) =>
          `max_age ${p.maxAge} s is korter dan een dag: de policy beschermt nauwelijks tussen het ophalen door`,
      },
    }),
    'mx-tls-problems': part<{ problems: string[] }>({
      en: {
        text: (p) =>
          `senders will not deliver to MX addresses that fail STARTTLS or certificate checks: ${p.problems.join('; ')}`,
      },
      nl: {
        text: (p) =>
          `verzenders leveren niet af op MX-adressen waar STARTTLS of de certificaatcontrole faalt: ${p.problems.join('; ')}`,
      },
    }),
    'testing-mode': part({
      en: { text: () => 'mode testing: failures are only reported (TLS-RPT), not enforced' },
      nl: { text: () => 'mode testing: fouten worden alleen gerapporteerd (TLS-RPT), niet afgedwongen' },
    }),
    'fix-uncovered-mx': part<{ uncovered: string[] }>({
      en: {
        text: (p) =>
          `Add ${p.uncovered.map((mx) => `"mx: ${mx}"`).join(', ')} to the policy ("*.example.com" covers one label) and change the TXT id.`,
      },
      nl: {
        text: (p) =>
          `Voeg ${p.uncovered.map((mx) => `"mx: ${mx}"`).join(', ')} toe aan de policy ("*.example.com" dekt één label) en wijzig de id in het TXT-record.`,
      },
    }),
    'fix-short-max-age': part({
      en: { text: () => 'Use max_age ≥ 604800 (a week; RFC 8461 suggests weeks) once the policy works.' },
      nl: { text: () => 'Gebruik max_age ≥ 604800 (een week; RFC 8461 raadt weken aan) zodra de policy werkt.' },
    }),
    'fix-mx-tls': part({
      en: {
        text: () =>
          'Give every MX working STARTTLS and a certificate from a public CA valid for its own MX name, or set the policy to mode testing (and change the TXT id) until they have.',
      },
      nl: {
        text: () =>
          'Zorg dat elke MX werkende STARTTLS heeft met een certificaat van een publieke CA voor de eigen MX-naam, of zet de policy op mode testing (en wijzig de id in het TXT-record) tot dat zo is.',
      },
    }),
  },
};
