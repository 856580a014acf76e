/** rpki.config, rpki.ns, rpki.mx: route origin validation (RFC 6811) of the name server and mail server addresses. */
import { finding, list } from '../types.ts';

const NOT_FOUND_FIX_EN =
  'Ask the holder of the address block (your hoster or ISP) to publish a ROA for the announced prefix and origin AS.';
const NOT_FOUND_FIX_NL =
  'Vraag de houder van het adresblok (uw hostingprovider of internetprovider) een ROA te publiceren voor het aangekondigde prefix en de origin-AS.';

export const rpkiTexts = {
  rpki: {
    'route-lookup-failed': finding<{ address: string; error: string }>({
      en: { summary: (p) => `Could not find the route of ${p.address}: ${p.error}` },
      nl: { summary: (p) => `De route van ${p.address} kon niet worden gevonden: ${p.error}` },
    }),
    'no-route': finding<{ address: string; source: string }>({
      en: {
        summary: (p) => `${p.address}: no announced route found (${p.source}), so no ROA can cover it`,
        fix: () => 'Check the address; a routed address needs a route origin authorisation (ROA) from its holder.',
      },
      nl: {
        summary: (p) =>
          `${p.address}: geen aangekondigde route gevonden (${p.source}), dus geen ROA kan het adres dekken`,
        fix: () =>
          'Controleer het adres; een gerouteerd adres heeft een Route Origin Authorisation (ROA) van de houder nodig.',
      },
    }),
    valid: finding<{ address: string; routes: string[] }>({
      en: { summary: (p) => `${p.address}: route ${list(p.routes)} is RPKI-valid` },
      nl: { summary: (p) => `${p.address}: de route-aankondiging ${list(p.routes)} is geldig volgens RPKI` },
    }),
    'not-found': finding<{ address: string; routes: string[] }>({
      en: {
        summary: (p) =>
          `${p.address}: no ROA covers route ${list(p.routes)} (RPKI not-found): its announcement can be hijacked unnoticed`,
        fix: () => NOT_FOUND_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `${p.address}: geen ROA dekt de route ${list(p.routes)} (RPKI not-found): de aankondiging kan ongemerkt worden gekaapt`,
        fix: () => NOT_FOUND_FIX_NL,
      },
    }),
    invalid: finding<{ address: string; routes: string[]; vrps: string[] }>({
      en: {
        summary: (p) =>
          `${p.address}: route ${list(p.routes)} is RPKI-invalid (origin AS or prefix length not authorised by ${list(p.vrps)}): networks that validate drop it`,
        fix: () =>
          'Have the address holder correct the ROA (origin AS, maxLength) or the BGP announcement: RPKI-validating networks cannot reach this address.',
      },
      nl: {
        summary: (p) =>
          `${p.address}: de route-aankondiging ${list(p.routes)} is ongeldig volgens RPKI (origin-AS of prefixlengte niet toegestaan door ${list(p.vrps)}): netwerken die RPKI controleren, gooien haar weg`,
        fix: () =>
          'Laat de houder van het adres de ROA (origin-AS, maxLength) of de BGP-aankondiging corrigeren: netwerken die RPKI controleren, kunnen dit adres niet bereiken.',
      },
    }),
  },
  'rpki.config': {
    'not-configured': finding<{ vrps: boolean; origins: boolean }>({
      en: {
        summary: (p) =>
          `RPKI origin validation is not configured: set ${[p.vrps ? undefined : 'a VRP export (checks.rpki.vrps)', p.origins ? undefined : 'an IP-to-origin-AS source (checks.rpki.origins)'].filter(Boolean).join(' and ')}`,
      },
      nl: {
        summary: (p) =>
          `RPKI-routecontrole is niet ingesteld: stel ${[p.vrps ? undefined : 'een VRP-export (checks.rpki.vrps)', p.origins ? undefined : 'een bron voor de origin-AS van IP-adressen (checks.rpki.origins)'].filter(Boolean).join(' en ')} in`,
      },
    }),
    'load-failed': finding<{ error: string }>({
      en: { summary: (p) => `Could not load the RPKI data: ${p.error}` },
      nl: { summary: (p) => `De RPKI-gegevens konden niet worden geladen: ${p.error}` },
    }),
  },
  'rpki.ns': {
    'ns-lookup-failed': finding<{ error: string }>({
      en: { summary: (p) => `Could not find the name servers: ${p.error}` },
      nl: { summary: (p) => `De nameservers konden niet worden gevonden: ${p.error}` },
    }),
  },
  'rpki.mx': {
    'mx-lookup-failed': finding<{ detail: string }>({
      en: { summary: (p) => `Could not find the MX hosts: ${p.detail}` },
      nl: { summary: (p) => `De MX-hosts konden niet worden gevonden: ${p.detail}` },
    }),
    'host-lookup-failed': finding<{ host: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.host}: ${p.error}` },
      nl: { summary: (p) => `${p.host} kon niet worden opgevraagd: ${p.error}` },
    }),
  },
};
