/** tlsrpt.record: where senders report TLS failures. */
import { finding, list, part } from '../types.ts';

export const tlsRptTexts = {
  'tlsrpt.record': {
    'lookup-failed': finding<{ owner: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.owner}: ${p.error}` },
      nl: { summary: (p) => `${p.owner} kon niet worden opgevraagd: ${p.error}` },
    }),
    'not-needed': finding<{ domain: string }>({
      en: { summary: (p) => `No TLS-RPT record, and none needed: ${p.domain} accepts no mail (null MX)` },
      nl: { summary: (p) => `Geen TLS-RPT-record, en dat is ook niet nodig: ${p.domain} ontvangt geen mail (null MX)` },
    }),
    missing: finding<{ owner: string; domain: string }>({
      en: {
        summary: (p) => `No TLS-RPT record at ${p.owner}: you will not hear about TLS failures senders meet`,
        fix: (p) => `Publish "${p.owner}. TXT \\"v=TLSRPTv1; rua=mailto:tls-reports@${p.domain}\\"".`,
      },
      nl: {
        summary: (p) =>
          `Geen TLS-RPT-record op ${p.owner}: u hoort niet van TLS-fouten die verzenders tegenkomen bij het afleveren`,
        fix: (p) => `Publiceer "${p.owner}. TXT \\"v=TLSRPTv1; rua=mailto:tls-reports@${p.domain}\\"".`,
      },
    }),
    multiple: finding<{ owner: string; records: number }>({
      en: {
        summary: (p) => `${p.records} TLS-RPT records at ${p.owner}: senders ignore them all (RFC 8460 §3)`,
        fix: () => 'Keep exactly one "v=TLSRPTv1; rua=…" record.',
      },
      nl: {
        summary: (p) => `${p.records} TLS-RPT-records op ${p.owner}: verzenders negeren ze allemaal (RFC 8460 §3)`,
        fix: () => 'Houd precies één "v=TLSRPTv1; rua=…"-record over.',
      },
    }),
    'no-rua': finding<{ record: string }>({
      en: {
        summary: (p) => `TLS-RPT record without rua=: ${p.record}`,
        fix: () => 'Add "rua=mailto:…" or "rua=https://…".',
      },
      nl: {
        summary: (p) => `TLS-RPT-record zonder rua= (er staat niet in waar de rapporten heen moeten): ${p.record}`,
        fix: () => 'Voeg "rua=mailto:…" of "rua=https://…" toe.',
      },
    }),
    'bad-rua': finding<{ problems: { reason: string; params: Record<string, unknown> }[] }>({
      en: {
        summary: (p, t) => `TLS-RPT rua has invalid destinations: ${p.problems.map(t).join('; ') || 'none given'}`,
        fix: () => 'Each rua destination must be mailto:address or https://host/path, separated by commas.',
      },
      nl: {
        summary: (p, t) =>
          `TLS-RPT-rapporten kunnen niet worden afgeleverd, ongeldige bestemmingen in rua: ${p.problems.map(t).join('; ') || 'geen opgegeven'}`,
        fix: () => 'Elke bestemming in rua moet mailto:adres of https://host/pad zijn, gescheiden door komma’s.',
      },
    }),
    'bad-mailto': part<{ uri: string }>({
      en: { text: (p) => `"${p.uri}" is not a valid mailto: address` },
      nl: { text: (p) => `"${p.uri}" is geen geldig mailto:-adres` },
    }),
    'bad-escape': part<{ uri: string }>({
      en: { text: (p) => `"${p.uri}" is not a valid mailto: address (bad %-escape)` },
      nl: { text: (p) => `"${p.uri}" is geen geldig mailto:-adres (ongeldige %-codering)` },
    }),
    'https-without-host': part<{ uri: string }>({
      en: { text: (p) => `"${p.uri}" has no host` },
      nl: { text: (p) => `"${p.uri}" noemt geen host` },
    }),
    'bad-https': part<{ uri: string }>({
      en: { text: (p) => `"${p.uri}" is not a valid https: URL` },
      nl: { text: (p) => `"${p.uri}" is geen geldige https:-URL` },
    }),
    'bad-scheme': part<{ uri: string }>({
      en: { text: (p) => `"${p.uri}" is neither mailto: nor https:` },
      nl: { text: (p) => `"${p.uri}" is geen mailto: en geen https:` },
    }),
    ok: finding<{ destinations: string[] }>({
      en: { summary: (p) => `TLS-RPT reports go to ${list(p.destinations)}` },
      nl: { summary: (p) => `TLS-RPT-rapporten gaan naar ${list(p.destinations)}` },
    }),
  },
};
