/** ipv6.ns-address, ipv6.ns-reachable, ipv6.mx-address, ipv6.mx-reachable: IPv6 for mail as Internet.nl tests it. */
import { finding, list } from '../types.ts';

export const ipv6Texts = {
  ipv6: {
    'not-probed': finding<{ detail: string }>({
      en: { summary: (p) => `Not probed: ${p.detail}` },
      nl: { summary: (p) => `Niet getest: ${p.detail}` },
    }),
  },
  'ipv6.ns-address': {
    'ns-lookup-failed': finding<{ error: string }>({
      en: { summary: (p) => `Could not find the name servers: ${p.error}` },
      nl: { summary: (p) => `De nameservers konden niet worden gevonden: ${p.error}` },
    }),
    ok: finding<{ count: number; total: number; zone: string }>({
      en: { summary: (p) => `${p.count} of ${p.total} name servers of ${p.zone} have an IPv6 address` },
      nl: {
        summary: (p) =>
          `${p.count} van de ${p.total} nameservers van ${p.zone} ${p.count === 1 ? 'heeft' : 'hebben'} een IPv6-adres`,
      },
    }),
    'only-one': finding<{ zone: string; name: string }>({
      en: {
        summary: (p) =>
          `Only one name server of ${p.zone} (${p.name}) has an IPv6 address: resolvers on IPv6-only networks depend on it alone`,
        fix: () =>
          'Give at least two name servers of the zone an IPv6 address (AAAA record) on which they answer; most DNS providers offer it.',
      },
      nl: {
        summary: (p) =>
          `Maar één nameserver van ${p.zone} (${p.name}) heeft een IPv6-adres: resolvers in netwerken met alleen IPv6 zijn helemaal van die ene afhankelijk`,
        fix: () =>
          'Geef minstens twee nameservers van de zone een IPv6-adres (AAAA-record) waarop ze antwoorden; de meeste DNS-aanbieders bieden dat aan.',
      },
    }),
    none: finding<{ zone: string }>({
      en: {
        summary: (p) =>
          `No name server of ${p.zone} has an IPv6 address (AAAA): IPv6-only resolvers cannot reach the zone`,
        fix: () =>
          'Give at least two name servers of the zone an IPv6 address (AAAA record) on which they answer; most DNS providers offer it.',
      },
      nl: {
        summary: (p) =>
          `Geen enkele nameserver van ${p.zone} heeft een IPv6-adres (AAAA): resolvers met alleen IPv6 kunnen de zone niet bereiken`,
        fix: () =>
          'Geef minstens twee nameservers van de zone een IPv6-adres (AAAA-record) waarop ze antwoorden; de meeste DNS-aanbieders bieden dat aan.',
      },
    }),
  },
  'ipv6.ns-reachable': {
    ok: finding<{ name: string; zone: string; addresses: string[] }>({
      en: { summary: (p) => `${p.name} answers for ${p.zone} over IPv6 (${list(p.addresses)})` },
      nl: { summary: (p) => `${p.name} is via IPv6 bereikbaar en antwoordt voor ${p.zone} (${list(p.addresses)})` },
    }),
    'no-local-route': finding<{ name: string; detail: string }>({
      en: { summary: (p) => `Could not test ${p.name} over IPv6: this machine has no IPv6 route (${p.detail})` },
      nl: {
        summary: (p) => `${p.name} kon niet via IPv6 worden getest: deze machine heeft geen IPv6-route (${p.detail})`,
      },
    }),
    unreachable: finding<{ name: string; zone: string; failures: string[] }>({
      en: {
        summary: (p) => `${p.name} does not answer for ${p.zone} over IPv6 at ${list(p.failures)}`,
        fix: (p) =>
          `Make ${p.name} answer DNS queries on its IPv6 address (port 53, UDP and TCP), or remove the AAAA record that advertises it.`,
      },
      nl: {
        summary: (p) => `${p.name} is via IPv6 niet bereikbaar voor ${p.zone}: geen antwoord op ${list(p.failures)}`,
        fix: (p) =>
          `Zorg dat ${p.name} op zijn IPv6-adres DNS-vragen beantwoordt (poort 53, UDP en TCP), of verwijder het AAAA-record dat dat adres noemt.`,
      },
    }),
  },
  'ipv6.mx-address': {
    'mx-lookup-failed': finding<{ detail: string }>({
      en: { summary: (p) => `Could not find the MX hosts: ${p.detail}` },
      nl: { summary: (p) => `De MX-hosts konden niet worden gevonden: ${p.detail}` },
    }),
    'host-lookup-failed': finding<{ host: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.host}: ${p.error}` },
      nl: { summary: (p) => `${p.host} kon niet worden opgevraagd: ${p.error}` },
    }),
    ok: finding<{ host: string; addresses: string[] }>({
      en: { summary: (p) => `${p.host} has an IPv6 address (${list(p.addresses)})` },
      nl: { summary: (p) => `${p.host} heeft een IPv6-adres (${list(p.addresses)})` },
    }),
    missing: finding<{ host: string }>({
      en: {
        summary: (p) => `${p.host} has no IPv6 address (AAAA): mail from IPv6-only senders cannot reach it`,
        fix: (p) => `Give ${p.host} an IPv6 address (AAAA record) on which it accepts SMTP on port 25.`,
      },
      nl: {
        summary: (p) =>
          `${p.host} heeft geen IPv6-adres (AAAA): mail van verzenders met alleen IPv6 kan deze mailserver niet bereiken`,
        fix: (p) => `Geef ${p.host} een IPv6-adres (AAAA-record) waarop hij SMTP op poort 25 accepteert.`,
      },
    }),
  },
  'ipv6.mx-reachable': {
    ok: finding<{ address: string }>({
      en: { summary: (p) => `SMTP on [${p.address}]:25 accepts connections over IPv6` },
      nl: { summary: (p) => `De mailserver is via IPv6 bereikbaar: SMTP op [${p.address}]:25 accepteert verbindingen` },
    }),
    'no-local-route': finding<{ detail: string }>({
      en: { summary: (p) => `Could not test over IPv6: this machine has no IPv6 route (${p.detail})` },
      nl: { summary: (p) => `Niet via IPv6 te testen: deze machine heeft geen IPv6-route (${p.detail})` },
    }),
    unreachable: finding<{ host: string; address: string; outcome: string; detail: string }>({
      en: {
        summary: (p) => `SMTP on [${p.address}]:25 is not reachable over IPv6 (${p.outcome}: ${p.detail})`,
        fix: (p) =>
          `Make ${p.host} accept SMTP on port 25 at ${p.address} (firewall, listener address), or remove that AAAA record.`,
      },
      nl: {
        summary: (p) =>
          `De mailserver is via IPv6 niet bereikbaar: SMTP op [${p.address}]:25 antwoordt niet (${p.outcome}: ${p.detail})`,
        fix: (p) =>
          `Zorg dat ${p.host} op ${p.address} SMTP op poort 25 accepteert (firewall, adres waarop de server luistert), of verwijder dat AAAA-record.`,
      },
    }),
  },
};
