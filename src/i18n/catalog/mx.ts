/** mx.records: where mail for the domain goes. */
import { count, finding, list } from '../types.ts';

export const mxTexts = {
  'mx.records': {
    'mx-lookup-failed': finding<{ domain: string; error: string }>({
      en: { summary: (p) => `Could not look up the MX records of ${p.domain}: ${p.error}` },
      nl: { summary: (p) => `De MX-records van ${p.domain} konden niet worden opgevraagd: ${p.error}` },
    }),
    'address-lookup-failed': finding<{ domain: string; error: string }>({
      en: { summary: (p) => `Could not look up the addresses of ${p.domain}: ${p.error}` },
      nl: { summary: (p) => `De IP-adressen van ${p.domain} konden niet worden opgevraagd: ${p.error}` },
    }),
    'target-lookup-failed': finding<{ host: string; error: string }>({
      en: { summary: (p) => `Could not look up the address of ${p.host}: ${p.error}` },
      nl: { summary: (p) => `Het IP-adres van ${p.host} kon niet worden opgevraagd: ${p.error}` },
    }),
    'target-ip-literal': finding<{ host: string; domain: string }>({
      en: {
        summary: (p) => `MX target ${p.host} is an IP address literal, not a host name`,
        fix: (p) =>
          `Point the MX record at a host name (e.g. mail.${p.domain}) that has A/AAAA records; RFC 5321 §5.1 does not allow an address as MX target.`,
      },
      nl: {
        summary: (p) => `De MX verwijst naar ${p.host}: dat is een IP-adres, geen hostnaam`,
        fix: (p) =>
          `Laat het MX-record verwijzen naar een hostnaam (bijvoorbeeld mail.${p.domain}) met A/AAAA-records; RFC 5321 §5.1 staat geen IP-adres als MX toe.`,
      },
    }),
    'target-localhost': finding<{ host: string }>({
      en: {
        summary: (p) => `MX target ${p.host} is localhost: senders would deliver to themselves`,
        fix: () =>
          'Replace the MX record by the name of the real mail server, or publish a null MX (MX 0 .) if the domain receives no mail.',
      },
      nl: {
        summary: (p) => `De MX verwijst naar ${p.host} (localhost): verzenders zouden de mail bij zichzelf afleveren`,
        fix: () =>
          'Vervang het MX-record door de naam van de echte mailserver, of publiceer een null MX (MX 0 .) als het domein geen mail ontvangt.',
      },
    }),
    'target-cname': finding<{ host: string; cname: string }>({
      en: {
        summary: (p) =>
          `MX target ${p.host} is a CNAME (to ${p.cname}); MX must name a host with its own A/AAAA records`,
        fix: (p) =>
          `Change the MX record to point at ${p.cname} directly (RFC 2181 §10.3, RFC 5321 §5.1); some senders refuse CNAME targets.`,
      },
      nl: {
        summary: (p) =>
          `De MX verwijst naar ${p.host}, een CNAME (naar ${p.cname}); een MX moet een host met eigen A/AAAA-records noemen`,
        fix: (p) =>
          `Laat het MX-record rechtstreeks naar ${p.cname} verwijzen (RFC 2181 §10.3, RFC 5321 §5.1); sommige verzenders weigeren een CNAME als MX.`,
      },
    }),
    'target-nxdomain': finding<{ host: string; domain: string }>({
      en: {
        summary: (p) => `MX target ${p.host} does not exist (NXDOMAIN): mail to ${p.domain} cannot be delivered there`,
        fix: (p) => `Publish A/AAAA records for ${p.host}, or remove it from the MX set of ${p.domain}.`,
      },
      nl: {
        summary: (p) =>
          `MX-host ${p.host} bestaat niet (NXDOMAIN): mail aan ${p.domain} kan daar niet worden afgeleverd`,
        fix: (p) => `Publiceer A/AAAA-records voor ${p.host}, of haal de host uit de MX-records van ${p.domain}.`,
      },
    }),
    'target-no-address': finding<{ host: string; domain: string }>({
      en: {
        summary: (p) => `MX target ${p.host} has no A or AAAA record: mail to ${p.domain} cannot be delivered there`,
        fix: (p) => `Publish A/AAAA records for ${p.host}, or remove it from the MX set of ${p.domain}.`,
      },
      nl: {
        summary: (p) =>
          `MX-host ${p.host} heeft geen A- of AAAA-record: mail aan ${p.domain} kan daar niet worden afgeleverd`,
        fix: (p) => `Publiceer A/AAAA-records voor ${p.host}, of haal de host uit de MX-records van ${p.domain}.`,
      },
    }),
    'target-ok': finding<{ host: string; addresses: string[] }>({
      en: { summary: (p) => `MX target ${p.host} resolves to ${list(p.addresses)}` },
      nl: { summary: (p) => `MX-host ${p.host} heeft de adressen ${list(p.addresses)}` },
    }),
    'target-ok-capped': finding<{ host: string; addresses: string[]; probed: number }>({
      en: {
        summary: (p) =>
          `MX target ${p.host} resolves to ${list(p.addresses)} (only the first ${p.probed} are probed: checks.limits.addressesPerHost)`,
      },
      nl: {
        summary: (p) =>
          `MX-host ${p.host} heeft de adressen ${list(p.addresses)} (alleen de eerste ${p.probed} worden getest: checks.limits.addressesPerHost)`,
      },
    }),
    'target-special-purpose': finding<{ host: string; categories: string[] }>({
      en: {
        summary: (p) =>
          `MX target ${p.host} has only addresses that cannot be reached from the Internet, so mail from other networks cannot be delivered there and mailwarden does not probe it (special-purpose addresses: ${p.categories.join('; ')})`,
        fix: (p) =>
          `Publish the public address(es) of ${p.host}; loopback, private (RFC 1918), link-local and documentation addresses are not reachable from other networks.`,
      },
      nl: {
        summary: (p) =>
          `MX-host ${p.host} heeft alleen adressen die vanaf internet niet bereikbaar zijn: mail van andere netwerken kan daar niet worden afgeleverd, en mailwarden test de host niet (adressen voor speciaal gebruik: ${p.categories.join('; ')})`,
        fix: (p) =>
          `Publiceer de publieke IP-adres(sen) van ${p.host}; loopback-, privé- (RFC 1918), link-local- en documentatieadressen zijn vanaf andere netwerken niet bereikbaar.`,
      },
    }),
    'implicit-mx': finding<{ domain: string; addresses: string[] }>({
      en: {
        summary: (p) => `No MX record: senders fall back to the domain's own address (${list(p.addresses)})`,
        fix: (p) =>
          `Publish an explicit MX record (or a null MX "MX 0 ." if ${p.domain} receives no mail); the A/AAAA fallback is legacy behaviour.`,
      },
      nl: {
        summary: (p) =>
          `Geen MX-record: verzenders leveren af op het eigen adres van het domein (${list(p.addresses)})`,
        fix: (p) =>
          `Publiceer een MX-record (of een null MX "MX 0 ." als ${p.domain} geen mail ontvangt); terugvallen op A/AAAA is verouderd gedrag.`,
      },
    }),
    'no-mx-no-address': finding<{ domain: string }>({
      en: {
        summary: (p) =>
          `No MX record and no address: ${p.domain} cannot receive mail, and senders only find out after retrying`,
        fix: (p) =>
          `If ${p.domain} receives no mail, publish a null MX ("${p.domain}. IN MX 0 .", RFC 7505) so senders fail fast; otherwise publish MX records.`,
      },
      nl: {
        summary: (p) =>
          `Geen MX-record en geen IP-adres: ${p.domain} kan geen mail ontvangen, en verzenders merken dat pas na herhaalde pogingen`,
        fix: (p) =>
          `Ontvangt ${p.domain} geen mail, publiceer dan een null MX ("${p.domain}. IN MX 0 .", RFC 7505) zodat verzenders het meteen weten; publiceer anders MX-records.`,
      },
    }),
    'domain-nxdomain': finding<{ domain: string }>({
      en: {
        summary: (p) => `${p.domain} does not exist (NXDOMAIN)`,
        fix: (p) =>
          `Check the spelling, or register/restore the domain's delegation; mail addressed to ${p.domain} bounces.`,
      },
      nl: {
        summary: (p) => `${p.domain} bestaat niet (NXDOMAIN)`,
        fix: (p) =>
          `Controleer de spelling, of registreer het domein (opnieuw) of herstel de delegatie; mail aan ${p.domain} komt terug als onbestelbaar.`,
      },
    }),
    'null-mx': finding<{ domain: string }>({
      en: { summary: (p) => `Null MX (RFC 7505): ${p.domain} declares that it accepts no mail` },
      nl: { summary: (p) => `Null MX (RFC 7505): ${p.domain} geeft aan geen mail te ontvangen` },
    }),
    'null-mx-mixed': finding<{ mx: string[]; alone: boolean }>({
      en: {
        summary: (p) =>
          `Null MX mixed with other MX records (${list(p.mx)}): the null MX is invalid and senders may bounce or deliver unpredictably`,
        fix: (p) =>
          p.alone
            ? 'A null MX must have preference 0: publish exactly "MX 0 .".'
            : 'Either remove "MX 0 ." (the domain receives mail) or remove every other MX record (it does not), RFC 7505 §3.',
      },
      nl: {
        summary: (p) =>
          `Null MX samen met andere MX-records (${list(p.mx)}): de null MX is ongeldig en verzenders kunnen de mail weigeren of onvoorspelbaar afleveren`,
        fix: (p) =>
          p.alone
            ? 'Een null MX moet prioriteit 0 hebben: publiceer precies "MX 0 .".'
            : 'Verwijder "MX 0 ." (het domein ontvangt mail) of verwijder alle andere MX-records (het ontvangt geen mail), RFC 7505 §3.',
      },
    }),
    'all-resolvable': finding<{ mx: string[] }>({
      en: { summary: (p) => `${count(p.mx.length, 'MX record', 'MX records')}, all resolvable: ${list(p.mx)}` },
      nl: { summary: (p) => `${count(p.mx.length, 'MX-record', 'MX-records')}, alle met een IP-adres: ${list(p.mx)}` },
    }),
    'first-resolvable': finding<{ mx: string[]; total: number }>({
      en: {
        summary: (p) =>
          `${p.total} MX records; the first ${p.mx.length} (all that are checked) are resolvable: ${list(p.mx)}`,
      },
      nl: {
        summary: (p) =>
          `${p.total} MX-records; de eerste ${p.mx.length} (alleen die worden gecontroleerd) hebben een IP-adres: ${list(p.mx)}`,
      },
    }),
    'too-many-mx': finding<{ domain: string; count: number; cap: number }>({
      en: {
        summary: (p) =>
          `${p.domain} has too many MX records to check them all: only the first ${p.cap} of ${p.count} by preference are checked and probed (checks.limits.mxHostsPerDomain)`,
        fix: () =>
          'Publish a few MX records (two to four hosts are plenty); senders try them in preference order, and hundreds only slow delivery down.',
      },
      nl: {
        summary: (p) =>
          `${p.domain} heeft te veel MX-records om ze allemaal te controleren: alleen de eerste ${p.cap} van de ${p.count} (op prioriteit) worden gecontroleerd en getest (checks.limits.mxHostsPerDomain)`,
        fix: () =>
          'Publiceer een paar MX-records (twee tot vier hosts is ruim voldoende); verzenders proberen ze op volgorde van prioriteit, en honderden vertragen de aflevering alleen maar.',
      },
    }),
    'targets-broken': finding<{ bad: string[]; total: number }>({
      en: { summary: (p) => `${p.bad.length} of ${p.total} MX targets have a problem: ${list(p.bad)}` },
      nl: {
        summary: (p) =>
          `${p.bad.length} van de ${p.total} MX-hosts ${p.bad.length === 1 ? 'heeft' : 'hebben'} een probleem: ${list(p.bad)}`,
      },
    }),
  },
};
