/** dnssec.*: whether the domain's DNS answers are signed, validate, and keep validating. */
import { finding, type Part, part } from '../types.ts';

const nlNumber = (n: number, digits: number) => n.toFixed(digits).replace('.', ',');
/** `3.5 days` / `3,5 dagen`: a remaining time as the summaries give it. */
const durationEn = (seconds: number) =>
  seconds >= 2 * 86400 ? `${(seconds / 86400).toFixed(1)} days` : `${(seconds / 3600).toFixed(1)} hours`;
const durationNl = (seconds: number) =>
  seconds >= 2 * 86400 ? `${nlNumber(seconds / 86400, 1)} dagen` : `${nlNumber(seconds / 3600, 1)} uur`;
const spanEn = (seconds: number) =>
  seconds < 48 * 3600 ? `${(seconds / 3600).toFixed(0)} h` : `${(seconds / 86400).toFixed(0)} days`;
const spanNl = (seconds: number) =>
  seconds < 48 * 3600 ? `${(seconds / 3600).toFixed(0)} uur` : `${(seconds / 86400).toFixed(0)} dagen`;
/** `2026-11-23 07:43 UTC`: an expiry time as a reader scans it. */
const shortTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** Why a bogus verdict matters and how to fix it, per validation failure. */
const BOGUS_EN: Record<string, string> = {
  'signature-expired':
    'The zone is no longer being re-signed: restart or repair the signer (or the zone transfer to the server that signs), then check that fresh RRSIGs are served by every name server.',
  'signature-not-yet-valid':
    'Signatures start in the future: fix the clock of the signing host (NTP) and re-sign, or wait until the inception time passes.',
  'bad-signature':
    'A signature does not match its data: the zone was edited after signing or a server serves a corrupted copy. Re-sign the zone and reload every name server.',
  'no-matching-key':
    'The RRSIGs name a key that is not in the DNSKEY set: publish the key again or re-sign with a key that is published (check key rollover timing).',
  'no-dnskey-matches-ds':
    'The DS record at the parent (registrar) points to a key that the zone no longer publishes: replace the DS at the registrar with one for the current KSK, or publish the old KSK again until the DS is updated.',
  'missing-dnskey':
    'The parent has a DS but the zone serves no DNSKEY: re-enable signing at the DNS provider, or remove the DS at the registrar if the zone is meant to be unsigned.',
  'missing-rrsig':
    'The zone is signed but this RRset carries no signature: re-sign the zone and make sure every name server serves the signed version.',
  'broken-denial':
    'The proof that a name or type does not exist (NSEC/NSEC3) is missing or wrong: re-sign the zone (the NSEC/NSEC3 chain is incomplete) and reload every name server.',
  'unsupported-algorithm':
    'Sign the zone with a current algorithm (ECDSAP256SHA256 = 13 or ED25519 = 15) and update the DS at the registrar.',
  'cname-chain': 'Shorten the CNAME chain (more than 8 steps) or fix the loop.',
  'no-trust-anchor': 'Configure a trust anchor (--trust-anchor) that covers this name.',
  'query-failed': 'Check the resolver and the name servers of the zone; this is re-checked before anything is alerted.',
};
const BOGUS_NL: Record<string, string> = {
  'signature-expired':
    'De zone wordt niet meer opnieuw ondertekend: herstart of repareer de ondertekenaar (of de zoneoverdracht naar de server die ondertekent), en controleer daarna dat elke nameserver verse RRSIG’s uitlevert.',
  'signature-not-yet-valid':
    'De handtekeningen beginnen in de toekomst: zet de klok van de ondertekenende server goed (NTP) en onderteken opnieuw, of wacht tot de begintijd voorbij is.',
  'bad-signature':
    'Een handtekening klopt niet met de gegevens: de zone is na het ondertekenen gewijzigd, of een server levert een beschadigde kopie. Onderteken de zone opnieuw en laad elke nameserver opnieuw.',
  'no-matching-key':
    'De RRSIG’s noemen een sleutel die niet in de DNSKEY-set staat: publiceer de sleutel opnieuw of onderteken met een gepubliceerde sleutel (controleer de timing van de sleutelwissel).',
  'no-dnskey-matches-ds':
    'Het DS-record bij de bovenliggende zone (registrar) verwijst naar een sleutel die de zone niet meer publiceert: vervang de DS bij de registrar door een voor de huidige KSK, of publiceer de oude KSK weer tot de DS is bijgewerkt.',
  'missing-dnskey':
    'De bovenliggende zone heeft een DS, maar de zone levert geen DNSKEY: zet ondertekenen weer aan bij de DNS-provider, of verwijder de DS bij de registrar als de zone onondertekend hoort te zijn.',
  'missing-rrsig':
    'De zone is ondertekend, maar deze RRset heeft geen handtekening: onderteken de zone opnieuw en zorg dat elke nameserver de ondertekende versie uitlevert.',
  'broken-denial':
    'Het bewijs dat een naam of type niet bestaat (NSEC/NSEC3) ontbreekt of klopt niet: onderteken de zone opnieuw (de NSEC/NSEC3-keten is onvolledig) en laad elke nameserver opnieuw.',
  'unsupported-algorithm':
    'Onderteken de zone met een actueel algoritme (ECDSAP256SHA256 = 13 of ED25519 = 15) en werk de DS bij de registrar bij.',
  'cname-chain': 'Maak de CNAME-keten korter (meer dan 8 stappen) of herstel de lus.',
  'no-trust-anchor': 'Stel een trust anchor in (--trust-anchor) die deze naam dekt.',
  'query-failed':
    'Controleer de resolver en de nameservers van de zone; dit wordt opnieuw gecontroleerd voordat er iets wordt gemeld.',
};

const ROLL_ALGORITHM_EN =
  'Roll the zone to ECDSAP256SHA256 (13) or ED25519 (15) with your DNS provider (an algorithm rollover), and publish a SHA-256 (digest type 2) DS at the registrar. Weak or SHA-1 based keys are already refused by some validators, which then treat the zone as unsigned.';
const ROLL_ALGORITHM_NL =
  'Laat de zone bij uw DNS-provider overgaan op ECDSAP256SHA256 (13) of ED25519 (15) (een algoritmewissel), en publiceer een SHA-256-DS (digest type 2) bij de registrar. Zwakke of op SHA-1 gebaseerde sleutels worden door sommige validerende resolvers al geweigerd; die behandelen de zone dan als onondertekend.';
const TRANSFERS_EN =
  'Check the zone transfers (NOTIFY/IXFR/AXFR, TSIG keys, ACLs) from the primary to every secondary and that each listed name server answers for the zone; a secondary that stops transferring serves old signatures until they expire, and then the domain fails for every resolver that asks it.';
const TRANSFERS_NL =
  'Controleer de zoneoverdrachten (NOTIFY/IXFR/AXFR, TSIG-sleutels, ACL’s) van de primaire naar elke secundaire nameserver, en dat elke genoemde nameserver antwoordt voor de zone; een secundaire die niet meer overdraagt levert oude handtekeningen tot ze verlopen, en dan faalt het domein voor elke resolver die het daar vraagt.';
const NSEC3_FIX_EN =
  'Set NSEC3 iterations to 0 and the salt to empty (RFC 9276), e.g. `nsec3param 1 0 0 -` with your signer; extra iterations only cost validators CPU and add no protection.';
const NSEC3_FIX_NL =
  'Zet het aantal NSEC3-iteraties op 0 en de salt op leeg (RFC 9276), bijvoorbeeld `nsec3param 1 0 0 -` in uw ondertekenaar; extra iteraties kosten validerende resolvers alleen rekentijd en beschermen niet beter.';
const EXPIRY_FIX_EN =
  'Check that the signer is running and re-signing on schedule (most sign days before expiry), and that every name server has transferred the fresh signatures. If nothing changes, validating resolvers will answer SERVFAIL for the domain once the signature expires.';
const EXPIRY_FIX_NL =
  'Controleer dat de ondertekenaar draait en volgens schema opnieuw ondertekent (meestal dagen voor het verlopen), en dat elke nameserver de verse handtekeningen heeft overgenomen. Verandert er niets, dan antwoorden validerende resolvers SERVFAIL voor het domein zodra de handtekening verloopt.';

type Expiring = { seconds: number; owner: string; type: string; keyTag: number; expiration: string };

export const dnssecTexts = {
  dnssec: {
    'check-failed': finding<{ check: string; subject: string; error: string }>({
      en: { summary: (p) => `Could not check ${p.check} for ${p.subject}: ${p.error}` },
      nl: { summary: (p) => `${p.check} kon niet worden gecontroleerd voor ${p.subject}: ${p.error}` },
    }),
  },
  'dnssec.chain': {
    'no-data': finding<{ subject: string }>({
      en: { summary: (p) => `No DNS data to validate for ${p.subject}` },
      nl: { summary: (p) => `Geen DNS-gegevens om te valideren voor ${p.subject}` },
    }),
    secure: finding<{ subject: string; path: string }>({
      en: { summary: (p) => `${p.subject} is DNSSEC-signed and validates (${p.path})` },
      nl: { summary: (p) => `${p.subject} is ondertekend met DNSSEC en valideert (${p.path})` },
    }),
    insecure: finding<{ subject: string; why: Part }>({
      en: {
        summary: (p, t) => `${p.subject} is not protected by DNSSEC: ${t(p.why)}`,
        fix: () =>
          'Enable DNSSEC signing for the zone at its DNS provider and publish the DS record at the registrar. Validating senders cannot trust unsigned MX, address or TLSA records (no DANE without DNSSEC).',
      },
      nl: {
        summary: (p, t) => `${p.subject} is niet beveiligd met DNSSEC: ${t(p.why)}`,
        fix: () =>
          'Zet DNSSEC-ondertekening aan voor de zone bij de DNS-provider en publiceer het DS-record bij de registrar. Validerende verzenders kunnen onondertekende MX-, adres- en TLSA-records niet vertrouwen (geen DANE zonder DNSSEC).',
      },
    }),
    'no-ds': part<{ zone: string; proof: string; alias: string | null }>({
      en: {
        text: (p) =>
          `${p.zone} has no DS record at its parent (proven by ${p.proof}), so validators treat it as unsigned${p.alias ? ` (${p.alias} is an alias into that zone)` : ''}`,
      },
      nl: {
        text: (p) =>
          `${p.zone} heeft geen DS-record bij de bovenliggende zone (bewezen met ${p.proof}), dus validerende resolvers behandelen de zone als onondertekend${p.alias ? ` (${p.alias} is een alias naar die zone)` : ''}`,
      },
    }),
    'insecure-detail': part<{ detail: string }>({
      en: { text: (p) => p.detail },
      nl: { text: (p) => p.detail },
    }),
    bogus: finding<{ name: string; type: string; failure: string; detail: string }>({
      en: {
        summary: (p) => `DNSSEC validation fails for ${p.name} ${p.type} (${p.failure}): ${p.detail}`,
        fix: (p) =>
          `${BOGUS_EN[p.failure] ?? BOGUS_EN['bad-signature']} Until then validating resolvers answer SERVFAIL: mail to this domain is delayed or bounced by every validating sender.`,
      },
      nl: {
        summary: (p) => `DNSSEC-validatie faalt voor ${p.name} ${p.type} (${p.failure}): ${p.detail}`,
        fix: (p) =>
          `${BOGUS_NL[p.failure] ?? BOGUS_NL['bad-signature']} Tot die tijd antwoorden validerende resolvers SERVFAIL: mail aan dit domein wordt door elke validerende verzender uitgesteld of teruggestuurd.`,
      },
    }),
    undetermined: finding<{ name: string; type: string; detail: string }>({
      en: { summary: (p) => `Could not validate ${p.name} ${p.type}: ${p.detail}` },
      nl: { summary: (p) => `${p.name} ${p.type} kon niet worden gevalideerd: ${p.detail}` },
    }),
  },
  'dnssec.expiry': {
    expired: finding<{ detail: string }>({
      en: {
        summary: (p) => `DNSSEC signatures have already expired: ${p.detail}`,
        fix: () =>
          'Re-sign the zone now and find out why the signer stopped (signer process, key access, zone transfer).',
      },
      nl: {
        summary: (p) => `DNSSEC-handtekeningen zijn al verlopen: ${p.detail}`,
        fix: () =>
          'Onderteken de zone nu opnieuw en zoek uit waarom de ondertekenaar stopte (proces, toegang tot de sleutels, zoneoverdracht).',
      },
    }),
    'expires-soon': finding<Expiring>({
      en: {
        summary: (p) =>
          `DNSSEC signatures expire in ${durationEn(p.seconds)}: the RRSIG over ${p.owner || '.'} ${p.type} (key ${p.keyTag}) expires ${p.expiration}`,
        fix: () => EXPIRY_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `DNSSEC-handtekeningen verlopen over ${durationNl(p.seconds)}: de RRSIG over ${p.owner || '.'} ${p.type} (sleutel ${p.keyTag}) verloopt ${p.expiration}`,
        fix: () => EXPIRY_FIX_NL,
      },
    }),
    ok: finding<{ seconds: number; owner: string; type: string }>({
      en: {
        summary: (p) => `Earliest DNSSEC signature expiry in ${durationEn(p.seconds)} (${p.owner || '.'} ${p.type})`,
      },
      nl: {
        summary: (p) =>
          `De eerste DNSSEC-handtekening verloopt over ${durationNl(p.seconds)} (${p.owner || '.'} ${p.type})`,
      },
    }),
  },
  'dnssec.nsec3': {
    nsec: finding<{ zone: string }>({
      en: { summary: (p) => `${p.zone} uses NSEC (no NSEC3 parameters)` },
      nl: { summary: (p) => `${p.zone} gebruikt NSEC (geen NSEC3-parameters)` },
    }),
    'too-many-iterations': finding<{ zone: string; iterations: number; max: number }>({
      en: {
        summary: (p) =>
          `${p.zone} uses ${p.iterations} NSEC3 iterations: validators such as Unbound treat its denials as insecure (above ${p.max})`,
        fix: () => NSEC3_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `${p.zone} gebruikt ${p.iterations} NSEC3-iteraties: validerende resolvers zoals Unbound behandelen de ontkenningen als onveilig (boven ${p.max})`,
        fix: () => NSEC3_FIX_NL,
      },
    }),
    'extra-iterations': finding<{ zone: string; iterations: number; salt: string }>({
      en: {
        summary: (p) =>
          `${p.zone} uses NSEC3 with ${p.iterations} extra iterations${p.salt ? ` and salt ${p.salt}` : ''} (RFC 9276 asks for 0 and no salt)`,
        fix: () => NSEC3_FIX_EN,
      },
      nl: {
        summary: (p) =>
          `${p.zone} gebruikt NSEC3 met ${p.iterations} extra iteraties${p.salt ? ` en salt ${p.salt}` : ''} (RFC 9276 vraagt 0 en geen salt)`,
        fix: () => NSEC3_FIX_NL,
      },
    }),
    ok: finding<{ zone: string }>({
      en: { summary: (p) => `${p.zone} uses NSEC3 with 0 iterations and no salt` },
      nl: { summary: (p) => `${p.zone} gebruikt NSEC3 met 0 iteraties en zonder salt` },
    }),
  },
  'dnssec.algorithm': {
    ok: finding<{ zone: string; algorithms: string[] }>({
      en: { summary: (p) => `${p.zone} uses ${p.algorithms.join(', ')}` },
      nl: { summary: (p) => `${p.zone} gebruikt ${p.algorithms.join(', ')}` },
    }),
    problems: finding<{ zone: string; problems: Part[] }>({
      en: { summary: (p, t) => `${p.zone}: ${p.problems.map(t).join('; ')}`, fix: () => ROLL_ALGORITHM_EN },
      nl: { summary: (p, t) => `${p.zone}: ${p.problems.map(t).join('; ')}`, fix: () => ROLL_ALGORITHM_NL },
    }),
    'untrusted-algorithm': part<{ keyTag: number; algorithm: string }>({
      en: { text: (p) => `key ${p.keyTag} uses ${p.algorithm}, which validators never trust` },
      nl: { text: (p) => `sleutel ${p.keyTag} gebruikt ${p.algorithm}, dat validerende resolvers nooit vertrouwen` },
    }),
    'deprecated-algorithm': part<{ keyTag: number; algorithm: string }>({
      en: { text: (p) => `key ${p.keyTag} uses ${p.algorithm}, deprecated (SHA-1 signatures; RFC 9905)` },
      nl: { text: (p) => `sleutel ${p.keyTag} gebruikt ${p.algorithm}, verouderd (SHA-1-handtekeningen; RFC 9905)` },
    }),
    'short-rsa-key': part<{ keyTag: number; bits: number }>({
      en: { text: (p) => `RSA key ${p.keyTag} has ${p.bits} bits (under 2048)` },
      nl: { text: (p) => `RSA-sleutel ${p.keyTag} heeft ${p.bits} bits (minder dan 2048)` },
    }),
    'sha1-ds-only': part({
      en: { text: () => 'the only DS digest at the parent is SHA-1' },
      nl: { text: () => 'de enige DS-digest bij de bovenliggende zone is SHA-1' },
    }),
  },
  'dnssec.consistency': {
    skipped: finding<{ detail: string }>({
      en: { summary: (p) => `Not checked: ${p.detail}` },
      nl: { summary: (p) => `Niet gecontroleerd: ${p.detail}` },
    }),
    'no-server': finding<{ zone: string }>({
      en: { summary: (p) => `No authoritative server of ${p.zone} could be asked` },
      nl: { summary: (p) => `Geen enkele autoritatieve nameserver van ${p.zone} kon worden gevraagd` },
    }),
    ok: finding<{ zone: string; servers: number; signed: boolean; serial: number | null }>({
      en: {
        summary: (p) =>
          p.servers === 1
            ? `The one authoritative server address of ${p.zone} answers for the ${p.signed ? 'signed ' : ''}zone (serial ${p.serial})`
            : `All ${p.servers} authoritative server addresses of ${p.zone} serve the same ${p.signed ? 'signed ' : ''}zone (serial ${p.serial})`,
      },
      nl: {
        summary: (p) =>
          p.servers === 1
            ? `Het enige adres van een autoritatieve nameserver van ${p.zone} antwoordt voor de ${p.signed ? 'ondertekende ' : ''}zone (serienummer ${p.serial})`
            : `Alle ${p.servers} adressen van autoritatieve nameservers van ${p.zone} leveren dezelfde ${p.signed ? 'ondertekende ' : ''}zone (serienummer ${p.serial})`,
      },
    }),
    problems: finding<{ zone: string; problems: Part[] }>({
      en: { summary: (p, t) => `${p.zone}: ${p.problems.map(t).join('; ')}`, fix: () => TRANSFERS_EN },
      nl: { summary: (p, t) => `${p.zone}: ${p.problems.map(t).join('; ')}`, fix: () => TRANSFERS_NL },
    }),
    'not-answering': part<{ nameserver: string; address: string; why: string }>({
      en: { text: (p) => `${p.nameserver} (${p.address}) does not answer (${p.why})` },
      nl: { text: (p) => `${p.nameserver} (${p.address}) antwoordt niet (${p.why})` },
    }),
    'serials-differ': part<{
      behind: { nameserver: string; address: string; serial: number | null }[];
      highest: number;
    }>({
      en: {
        text: (p) =>
          `SOA serials differ: ${p.behind.map((b) => `${b.nameserver} (${b.address}) serves ${b.serial}`).join(', ')}, the others ${p.highest}`,
      },
      nl: {
        text: (p) =>
          `SOA-serienummers verschillen: ${p.behind.map((b) => `${b.nameserver} (${b.address}) levert ${b.serial}`).join(', ')}, de andere ${p.highest}`,
      },
    }),
    'no-dnskey': part<{ nameserver: string; address: string }>({
      en: { text: (p) => `${p.nameserver} (${p.address}) serves no DNSKEY set` },
      nl: { text: (p) => `${p.nameserver} (${p.address}) levert geen DNSKEY-set` },
    }),
    'stale-copy': part<{ nameserver: string; address: string; expires: string; aheadSeconds: number }>({
      en: {
        text: (p) =>
          `${p.nameserver} (${p.address}) serves signatures expiring ${shortTime(p.expires)}, ${spanEn(p.aheadSeconds)} before the others: a stale copy`,
      },
      nl: {
        text: (p) =>
          `${p.nameserver} (${p.address}) levert handtekeningen die verlopen op ${shortTime(p.expires)}, ${spanNl(p.aheadSeconds)} eerder dan de andere: een verouderde kopie`,
      },
    }),
  },
};
