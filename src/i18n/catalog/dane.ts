/** dane.tlsa, dane.match, dane.rollover: whether DANE senders can authenticate each MX, now and after a renewal. */
import { finding } from '../types.ts';

type AddressFamily = 'ipv4' | 'ipv6';
const families = (list: readonly AddressFamily[]) => list.map((f) => (f === 'ipv4' ? 'IPv4' : 'IPv6')).join('/');
const recordTypes = (list: readonly AddressFamily[]) => list.map((f) => (f === 'ipv4' ? 'A' : 'AAAA')).join('/');

const records = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const WHOLE_CERT_EN = '; "3 0 x" records pin the whole certificate and break on every renewal, even with the same key';
const WHOLE_CERT_NL =
  '; "3 0 x"-records leggen het hele certificaat vast en breken bij elke vernieuwing, ook als de sleutel gelijk blijft';
const ROLLOVER_FIX_EN =
  'Publish a second TLSA record for the next key ("3 1 1 <sha256 of the next key>") at least two TTLs before the switch, or a DANE-TA record for your issuing CA; Let\'s Encrypt users: reuse the key (certbot --reuse-key) or pre-generate the next one.';
const ROLLOVER_FIX_NL =
  'Publiceer minstens twee TTL’s vóór de wissel een tweede TLSA-record voor de volgende sleutel ("3 1 1 <sha256 van de volgende sleutel>"), of een DANE-TA-record voor uw uitgevende CA; met Let\'s Encrypt: hergebruik de sleutel (certbot --reuse-key) of maak de volgende sleutel alvast aan.';
const WHOLE_FIX_EN = 'Prefer "3 1 1" (the public key): it survives renewals that keep the key.';
const WHOLE_FIX_NL =
  'Gebruik liever "3 1 1" (de publieke sleutel): dat overleeft vernieuwingen waarbij de sleutel gelijk blijft.';

export const daneTexts = {
  dane: {
    'host-lookup-failed': finding<{ host: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.host}: ${p.error}` },
      nl: { summary: (p) => `${p.host} kon niet worden opgevraagd: ${p.error}` },
    }),
    'mx-lookup-failed': finding<{ detail: string }>({
      en: { summary: (p) => `Could not find the MX hosts: ${p.detail}` },
      nl: { summary: (p) => `De MX-hosts konden niet worden gevonden: ${p.detail}` },
    }),
  },
  'dane.tlsa': {
    'lookup-failed': finding<{ owner: string; reason: string; host: string }>({
      en: {
        summary: (p) => `TLSA lookup for ${p.owner} fails (${p.reason}): DANE senders defer all mail to ${p.host}`,
        fix: () =>
          'A bogus or unanswerable TLSA RRset blocks DANE senders: fix the zone signatures (or the server that does not answer), or remove the TLSA records cleanly.',
      },
      nl: {
        summary: (p) =>
          `Het opvragen van TLSA op ${p.owner} mislukt (${p.reason}): DANE-verzenders stellen alle mail aan ${p.host} uit`,
        fix: () =>
          'Een ongeldige of onbeantwoorde TLSA-RRset blokkeert DANE-verzenders: herstel de DNSSEC-handtekeningen van de zone (of de server die niet antwoordt), of verwijder de TLSA-records netjes.',
      },
    }),
    undetermined: finding<{ owner: string; detail: string }>({
      en: { summary: (p) => `Could not judge the TLSA records at ${p.owner}: ${p.detail}` },
      nl: { summary: (p) => `De TLSA-records op ${p.owner} konden niet worden beoordeeld: ${p.detail}` },
    }),
    absent: finding<{ tried: string[]; host: string }>({
      en: {
        summary: (p) => `No TLSA record at ${p.tried.join(' or ')}: DANE is not used for ${p.host}`,
        fix: (p) =>
          `Sign the zone with DNSSEC and publish "_25._tcp.${p.host}. IN TLSA 3 1 1 <sha256 of the server key>" (and one for the next key).`,
      },
      nl: {
        summary: (p) => `Geen TLSA-record op ${p.tried.join(' of ')}: ${p.host} gebruikt geen DANE`,
        fix: (p) =>
          `Onderteken de zone met DNSSEC en publiceer "_25._tcp.${p.host}. IN TLSA 3 1 1 <sha256 van de serversleutel>" (en een voor de volgende sleutel).`,
      },
    }),
    'unsigned-zone': finding<{ records: number; owner: string }>({
      en: {
        summary: (p) =>
          `${records(p.records, 'TLSA record')} at ${p.owner}, but the zone is not DNSSEC-signed: senders ignore them`,
        fix: () => 'Sign the zone (and publish its DS at the parent), or the TLSA records protect nothing.',
      },
      nl: {
        summary: (p) =>
          `${p.records} TLSA-record${p.records === 1 ? '' : 's'} op ${p.owner}, maar de zone is niet met DNSSEC ondertekend: verzenders negeren ze`,
        fix: () =>
          'Onderteken de zone (en publiceer de DS bij de bovenliggende zone), anders beschermen de TLSA-records niets.',
      },
    }),
    'unsigned-family': finding<{ owner: string; host: string; dane: AddressFamily[]; insecure: AddressFamily[] }>({
      en: {
        summary: (p) =>
          `TLSA at ${p.owner} is signed, but the ${families(p.insecure)} address records of ${p.host} are not: senders use DANE over ${families(p.dane)} only and fall back to unauthenticated TLS over ${families(p.insecure)} (RFC 7672 §2.2.2)`,
        fix: (p) =>
          `Sign the ${recordTypes(p.insecure)} records of ${p.host} (they are in an unsigned zone, or their zone's proofs are not accepted by validators).`,
      },
      nl: {
        summary: (p) =>
          `TLSA op ${p.owner} is ondertekend, maar de ${families(p.insecure)}-adresrecords van ${p.host} niet: verzenders gebruiken DANE alleen via ${families(p.dane)} en vallen via ${families(p.insecure)} terug op TLS zonder authenticatie (RFC 7672 §2.2.2)`,
        fix: (p) =>
          `Onderteken de ${recordTypes(p.insecure)}-records van ${p.host} (ze staan in een niet-ondertekende zone, of validators accepteren de DNSSEC-bewijzen van hun zone niet).`,
      },
    }),
    'unsigned-addresses': finding<{ owner: string; host: string; alias: boolean }>({
      en: {
        summary: (p) =>
          `TLSA at ${p.owner} is signed, but the address records of ${p.host} are not: senders skip DANE (RFC 7672 §2.2.2)${p.alias ? ' (Postfix still uses the TLSA records at the alias name when the CNAME itself is signed; senders that require secure address records do not)' : ''}`,
        fix: (p) => `Sign the zone that holds the A/AAAA records of ${p.host}.`,
      },
      nl: {
        summary: (p) =>
          `TLSA op ${p.owner} is ondertekend, maar de adresrecords van ${p.host} niet: verzenders slaan DANE over (RFC 7672 §2.2.2)${p.alias ? ' (Postfix gebruikt de TLSA-records bij de aliasnaam nog wel als de CNAME zelf ondertekend is; verzenders die ondertekende adresrecords eisen niet)' : ''}`,
        fix: (p) => `Onderteken de zone met de A/AAAA-records van ${p.host}.`,
      },
    }),
    'none-usable': finding<{ owner: string }>({
      en: {
        summary: (p) =>
          `TLSA at ${p.owner} is signed but has no record SMTP senders can use (only PKIX usages 0/1 or unknown parameters)`,
        fix: () =>
          'SMTP uses only DANE-EE(3) and DANE-TA(2) (RFC 7672 §3.1.3): publish e.g. "3 1 1 <sha256 of the server key>".',
      },
      nl: {
        summary: (p) =>
          `TLSA op ${p.owner} is ondertekend, maar bevat geen record dat mailservers kunnen gebruiken (alleen PKIX-usages 0/1 of onbekende parameters)`,
        fix: () =>
          'SMTP gebruikt alleen DANE-EE(3) en DANE-TA(2) (RFC 7672 §3.1.3): publiceer bijvoorbeeld "3 1 1 <sha256 van de serversleutel>".',
      },
    }),
    'false-nxdomain': finding<{ owner: string; host: string }>({
      en: {
        summary: (p) =>
          `TLSA at ${p.owner} is signed and usable, but _tcp.${p.host} answers NXDOMAIN: resolvers that trust NXDOMAIN (RFC 8020) never see the TLSA records`,
        fix: () =>
          'The authoritative server mishandles empty non-terminals: upgrade or fix it so that _tcp.<mx> answers NOERROR without data.',
      },
      nl: {
        summary: (p) =>
          `TLSA op ${p.owner} is ondertekend en bruikbaar, maar _tcp.${p.host} antwoordt NXDOMAIN: resolvers die NXDOMAIN vertrouwen (RFC 8020) zien de TLSA-records nooit`,
        fix: () =>
          'De autoritatieve server behandelt lege tussenliggende namen (empty non-terminals) verkeerd: werk hem bij of herstel hem, zodat _tcp.<mx> NOERROR zonder data antwoordt.',
      },
    }),
    ok: finding<{ usable: number; owner: string }>({
      en: { summary: (p) => `${records(p.usable, 'usable TLSA record')} at ${p.owner}, DNSSEC-signed` },
      nl: {
        summary: (p) =>
          `${p.usable} bruikbare TLSA-record${p.usable === 1 ? '' : 's'} op ${p.owner}, ondertekend met DNSSEC`,
      },
    }),
  },
  'dane.match': {
    'not-probed': finding<{ detail: string }>({
      en: { summary: (p) => `Not probed: ${p.detail}` },
      nl: { summary: (p) => `Niet getest: ${p.detail}` },
    }),
    'no-tls': finding<{ outcome: string }>({
      en: {
        summary: (p) => `TLSA published but no TLS session (${p.outcome}): DANE senders defer mail to this address`,
        fix: () =>
          'With usable TLSA records STARTTLS is mandatory for DANE senders: make STARTTLS work on every address.',
      },
      nl: {
        summary: (p) =>
          `TLSA gepubliceerd maar geen TLS-verbinding (${p.outcome}): DANE-verzenders stellen mail aan dit adres uit`,
        fix: () =>
          'Met bruikbare TLSA-records is STARTTLS verplicht voor DANE-verzenders: zorg dat STARTTLS op elk adres werkt.',
      },
    }),
    'probe-failed': finding<{ outcome: string; detail: string }>({
      en: { summary: (p) => `Could not probe (${p.outcome}): ${p.detail}` },
      nl: { summary: (p) => `Testen lukte niet (${p.outcome}): ${p.detail}` },
    }),
    match: finding<{ records: string[] }>({
      en: { summary: (p) => `Certificate matches TLSA ${p.records.join(', ')}` },
      nl: { summary: (p) => `Certificaat klopt met TLSA ${p.records.join(', ')}` },
    }),
    'no-match': finding<{ reasons: string[] }>({
      en: {
        summary: (p) =>
          `No usable TLSA record matches the presented certificate: DANE senders defer mail to this address (${p.reasons.join('; ')})`,
        fix: () =>
          'Publish a TLSA record for the key the server presents now (e.g. "3 1 1 <sha256 of its SubjectPublicKeyInfo>") or put the matching certificate back; keep the old record until the new one has been in DNS for at least two TTLs.',
      },
      nl: {
        summary: (p) =>
          `Geen bruikbaar TLSA-record klopt met het getoonde certificaat: DANE-verzenders stellen mail aan dit adres uit (${p.reasons.join('; ')})`,
        fix: () =>
          'Publiceer een TLSA-record voor de sleutel die de server nu toont (bijvoorbeeld "3 1 1 <sha256 van de SubjectPublicKeyInfo>") of zet het passende certificaat terug; laat het oude record staan tot het nieuwe minstens twee TTL’s in DNS staat.',
      },
    }),
  },
  'dane.rollover': {
    'ta-survives': finding<{ wholeCert: boolean }>({
      en: {
        summary: (p) => `A DANE-TA record survives leaf renewals${p.wholeCert ? WHOLE_CERT_EN : ''}`,
        fix: (p) => (p.wholeCert ? WHOLE_FIX_EN : undefined),
      },
      nl: {
        summary: (p) =>
          `Een DANE-TA-record blijft geldig als het servercertificaat wordt vernieuwd${p.wholeCert ? WHOLE_CERT_NL : ''}`,
        fix: (p) => (p.wholeCert ? WHOLE_FIX_NL : undefined),
      },
    }),
    'spares-ready': finding<{ spares: number; wholeCert: boolean }>({
      en: {
        summary: (p) =>
          `${records(p.spares, 'spare record')} ready for the next key${p.wholeCert ? WHOLE_CERT_EN : ''}`,
        fix: (p) => (p.wholeCert ? WHOLE_FIX_EN : undefined),
      },
      nl: {
        summary: (p) =>
          `${p.spares} reserverecord${p.spares === 1 ? '' : 's'} klaar voor de volgende sleutel${p.wholeCert ? WHOLE_CERT_NL : ''}`,
        fix: (p) => (p.wholeCert ? WHOLE_FIX_NL : undefined),
      },
    }),
    'renewal-overdue': finding<{ date: string }>({
      en: {
        summary: (p) =>
          `The certificate expired on ${p.date} (DANE-EE ignores that) and only one DANE-EE record matches the current key: its overdue renewal will break DANE unless a record for the next key is published first`,
        fix: () => ROLLOVER_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `Het certificaat is verlopen op ${p.date} (DANE-EE negeert dat) en maar één DANE-EE-record past bij de huidige sleutel: de achterstallige vernieuwing breekt DANE, tenzij eerst een record voor de volgende sleutel wordt gepubliceerd`,
        fix: () => ROLLOVER_FIX_NL,
      },
    }),
    'renewal-soon': finding<{ days: number }>({
      en: {
        summary: (p) =>
          `The certificate expires in ${p.days} day${p.days === 1 ? '' : 's'} and only one DANE-EE record matches the current key: the renewal will break DANE unless a record for the next key is published first`,
        fix: () => ROLLOVER_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `Het certificaat verloopt over ${p.days} ${p.days === 1 ? 'dag' : 'dagen'} en maar één DANE-EE-record past bij de huidige sleutel: de vernieuwing breekt DANE, tenzij eerst een record voor de volgende sleutel wordt gepubliceerd`,
        fix: () => ROLLOVER_FIX_NL,
      },
    }),
    'single-key': finding({
      en: {
        summary: () =>
          'Only one DANE-EE record, for the current key, and nothing to take over: a key change breaks DANE',
        fix: () => ROLLOVER_FIX_EN,
      },
      nl: {
        summary: () =>
          'Maar één DANE-EE-record, voor de huidige sleutel, en niets om het over te nemen: een sleutelwissel breekt DANE',
        fix: () => ROLLOVER_FIX_NL,
      },
    }),
  },
};
