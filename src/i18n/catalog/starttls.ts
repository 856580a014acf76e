/** starttls.*: whether mail to each MX address travels encrypted, and how well. */
import { finding, type Part, part } from '../types.ts';

/** The NCSC (Dutch National Cyber Security Centre) TLS guideline tiers, as Internet.nl names them. */
const TIER_NL: Record<string, string> = {
  good: 'goed',
  sufficient: 'voldoende',
  'phase-out': 'uit te faseren',
  insufficient: 'onvoldoende',
};
export const tierNl = (tier: string): string => TIER_NL[tier] ?? tier;

const pluralDays = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const pluralDagen = (n: number) => `${n} ${n === 1 ? 'dag' : 'dagen'}`;

export const starttlsTexts = {
  starttls: {
    'host-lookup-failed': finding<{ host: string; error: string }>({
      en: { summary: (p) => `Could not look up ${p.host}: ${p.error}` },
      nl: { summary: (p) => `${p.host} kon niet worden opgevraagd: ${p.error}` },
    }),
    'mx-lookup-failed': finding<{ detail: string }>({
      en: { summary: (p) => `Could not find the MX hosts: ${p.detail}` },
      nl: { summary: (p) => `De MX-hosts konden niet worden gevonden: ${p.detail}` },
    }),
    'not-probed': finding<{ detail: string }>({
      en: {
        summary: (p) => `Not probed: ${p.detail}`,
        fix: () =>
          'An MX address on the public Internet must be publicly routable; pass --allow-private-targets to probe internal hosts on purpose.',
      },
      nl: {
        summary: (p) => `Niet getest: ${p.detail}`,
        fix: () =>
          'Een MX-adres op internet moet publiek routeerbaar zijn; geef --allow-private-targets mee om interne servers bewust te testen.',
      },
    }),
    'probe-failed': finding<{ outcome: string; attempts: number; detail: string }>({
      en: {
        summary: (p) =>
          `Could not probe (${p.outcome}, ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}): ${p.detail}`,
      },
      nl: {
        summary: (p) =>
          `Testen lukte niet (${p.outcome}, ${p.attempts} ${p.attempts === 1 ? 'poging' : 'pogingen'}): ${p.detail}`,
      },
    }),
    'probe-deadline': finding<{ stage: string; deadlineMs: number; attempts: number }>({
      en: {
        summary: (p) =>
          `Could not probe: the server answered too slowly and the probe was stopped at its total deadline of ${p.deadlineMs / 1000} s (checks.transport.probeDeadline; at ${p.stage}, ${p.attempts} attempt${p.attempts === 1 ? '' : 's'})`,
        fix: () =>
          'Check that the mail server answers promptly: a greeting or reply delay (tarpitting, an overloaded server) makes senders give up on it too.',
      },
      nl: {
        summary: (p) =>
          `Testen lukte niet: de server antwoordde te traag en de test is gestopt bij de maximale duur van ${p.deadlineMs / 1000} s (checks.transport.probeDeadline; bij ${p.stage}, ${p.attempts} ${p.attempts === 1 ? 'poging' : 'pogingen'})`,
        fix: () =>
          'Controleer of de mailserver vlot antwoordt: een vertraagde begroeting of reactie (tarpitting, een overbelaste server) laat ook verzenders afhaken.',
      },
    }),
  },
  'starttls.offered': {
    ok: finding<{ version: string }>({
      en: { summary: (p) => `STARTTLS offered and working (${p.version})` },
      nl: { summary: (p) => `STARTTLS aangeboden en werkend (${p.version})` },
    }),
    'not-offered': finding({
      en: {
        summary: () => 'STARTTLS is not offered: mail to this server travels unencrypted',
        fix: () =>
          'Enable STARTTLS with a certificate (Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files = …).',
      },
      nl: {
        summary: () => 'STARTTLS wordt niet aangeboden: mail naar deze server gaat onversleuteld over het netwerk',
        fix: () =>
          'Zet STARTTLS aan met een certificaat (Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files = …).',
      },
    }),
    refused: finding<{ detail: string }>({
      en: {
        summary: (p) => `STARTTLS is offered but refused: ${p.detail}`,
        fix: () =>
          'The server advertises STARTTLS but cannot start it: check its certificate and key configuration and its TLS log.',
      },
      nl: {
        summary: (p) => `STARTTLS wordt aangeboden maar geweigerd: ${p.detail}`,
        fix: () =>
          'De server biedt STARTTLS aan maar kan het niet starten: controleer de instellingen van certificaat en sleutel en het TLS-log.',
      },
    }),
    'handshake-failed': finding<{ detail: string }>({
      en: {
        summary: (p) => `STARTTLS is offered but the TLS handshake fails: ${p.detail}`,
        fix: () =>
          'Senders fall back to plain text or defer mail: check the server certificate, key and protocol/cipher settings.',
      },
      nl: {
        summary: (p) => `STARTTLS wordt aangeboden maar de TLS-handshake mislukt: ${p.detail}`,
        fix: () =>
          'Verzenders vallen terug op onversleuteld verzenden of stellen de mail uit: controleer certificaat, sleutel en de instellingen voor protocollen en ciphers.',
      },
    }),
  },
  'starttls.protocol': {
    protocol: finding<{ parts: Part[]; fix: 'legacy-only' | 'legacy-accepted' | null }>({
      en: {
        summary: (p, t) => p.parts.map(t).join('; '),
        fix: (p) =>
          p.fix === 'legacy-only'
            ? 'Enable TLS 1.2 and 1.3 (a current OpenSSL and MTA support both), then disable TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2).'
            : p.fix === 'legacy-accepted'
              ? 'Disable TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2, smtpd_tls_mandatory_protocols = >=TLSv1.2); prefer TLS 1.3.'
              : undefined,
      },
      nl: {
        summary: (p, t) => p.parts.map(t).join('; '),
        fix: (p) =>
          p.fix === 'legacy-only'
            ? 'Zet TLS 1.2 en 1.3 aan (een actuele OpenSSL en mailserver kunnen beide), en zet daarna TLS 1.0 en 1.1 uit (Postfix: smtpd_tls_protocols = >=TLSv1.2).'
            : p.fix === 'legacy-accepted'
              ? 'Zet TLS 1.0 en 1.1 uit (Postfix: smtpd_tls_protocols = >=TLSv1.2, smtpd_tls_mandatory_protocols = >=TLSv1.2); geef de voorkeur aan TLS 1.3.'
              : undefined,
      },
    }),
    'only-legacy': part<{ version: string; tier: string }>({
      en: { text: (p) => `offers at most ${p.version} (NCSC: ${p.tier}): no TLS 1.2 or 1.3` },
      nl: { text: (p) => `biedt hoogstens ${p.version} (NCSC: ${tierNl(p.tier)}): geen TLS 1.2 of 1.3` },
    }),
    negotiated: part<{ version: string; tier: string }>({
      en: { text: (p) => `negotiated ${p.version} (NCSC: ${p.tier})` },
      nl: { text: (p) => `verbinding met ${p.version} (NCSC: ${tierNl(p.tier)})` },
    }),
    'legacy-accepted': part<{ version: string }>({
      en: { text: (p) => `still accepts ${p.version} (NCSC: phase-out)` },
      nl: { text: (p) => `accepteert nog ${p.version} (NCSC: uit te faseren)` },
    }),
    'legacy-refused': part({
      en: { text: () => 'refuses TLS 1.0/1.1' },
      nl: { text: () => 'weigert TLS 1.0/1.1' },
    }),
    'legacy-untested': part<{ result: string }>({
      en: { text: (p) => `TLS 1.0/1.1 could not be tested (${p.result})` },
      nl: { text: (p) => `TLS 1.0/1.1 kon niet worden getest (${p.result})` },
    }),
  },
  'starttls.cipher': {
    cipher: finding<{ cipher: string; group: string | null; dhBits: number | null; tier: string; weak: boolean }>({
      en: {
        summary: (p) =>
          `${p.cipher} with ${p.group ?? (p.dhBits ? `DH ${p.dhBits} bits` : 'unknown group')} (NCSC: ${p.tier})`,
        fix: (p) =>
          p.weak
            ? 'Offer only ECDHE with AES-GCM or ChaCha20-Poly1305 (NCSC "good"), and let TLS 1.3 do the rest.'
            : undefined,
      },
      nl: {
        summary: (p) =>
          `${p.cipher} met ${p.group ?? (p.dhBits ? `DH ${p.dhBits} bits` : 'onbekende groep')} (NCSC: ${tierNl(p.tier)})`,
        fix: (p) =>
          p.weak
            ? 'Bied alleen ECDHE met AES-GCM of ChaCha20-Poly1305 aan (NCSC "goed"), en laat TLS 1.3 de rest doen.'
            : undefined,
      },
    }),
  },
  'starttls.certificate': {
    'no-certificate': finding({
      en: { summary: () => 'The server presented no certificate we can read' },
      nl: { summary: () => 'De server toonde geen leesbaar certificaat' },
    }),
    certificate: finding<{
      keyType: string;
      keyBits: number | null;
      names: string[];
      otherNames: number;
      validUntil: string | null;
      problems: Part[];
      advice: 'renew' | 'trusted-ca' | null;
      host: string;
    }>({
      en: {
        summary: (p, t) => {
          const names = `${p.names.join(', ')}${p.otherNames > 0 ? ` (+${p.otherNames} other name${p.otherNames === 1 ? '' : 's'})` : ''}`;
          const head = `${p.keyType}${p.keyBits ? ` ${p.keyBits}` : ''} certificate for ${names}${p.validUntil ? `, valid until ${p.validUntil}` : ''}`;
          return p.problems.length === 0
            ? `${head}; valid name, trusted chain`
            : `${head}: ${p.problems.map(t).join('; ')}`;
        },
        fix: (p) =>
          p.advice === 'renew'
            ? "Renew the certificate in time (automate it), with an RSA ≥ 2048 or ECDSA P-256/P-384 key and a SHA-2 signature; publish the next key's TLSA record before the switch when you use DANE."
            : p.advice === 'trusted-ca'
              ? `Opportunistic senders accept this certificate, but MTA-STS senders and DANE-TA records need one from a trusted CA that names ${p.host} (e.g. from Let's Encrypt).`
              : undefined,
      },
      nl: {
        summary: (p, t) => {
          const names = `${p.names.join(', ')}${p.otherNames > 0 ? ` (+${p.otherNames} ${p.otherNames === 1 ? 'andere naam' : 'andere namen'})` : ''}`;
          const head = `${p.keyType}${p.keyBits ? ` ${p.keyBits}` : ''}-certificaat voor ${names}${p.validUntil ? `, geldig tot ${p.validUntil}` : ''}`;
          return p.problems.length === 0
            ? `${head}; naam klopt, vertrouwde keten`
            : `${head}: ${p.problems.map(t).join('; ')}`;
        },
        fix: (p) =>
          p.advice === 'renew'
            ? 'Vernieuw het certificaat op tijd (automatiseer dat), met een RSA-sleutel ≥ 2048 bits of ECDSA P-256/P-384 en een SHA-2-handtekening; publiceer bij DANE het TLSA-record van de volgende sleutel vóór de wissel.'
            : p.advice === 'trusted-ca'
              ? `Verzenders die opportunistisch versleutelen accepteren dit certificaat, maar MTA-STS-verzenders en DANE-TA-records hebben er een nodig van een vertrouwde CA met ${p.host} erin (bijvoorbeeld van Let's Encrypt).`
              : undefined,
      },
    }),
    expired: part<{ date: string; daysAgo: number }>({
      en: { text: (p) => `expired on ${p.date} (${p.daysAgo < 1 ? 'today' : `${pluralDays(p.daysAgo)} ago`})` },
      nl: { text: (p) => `verlopen op ${p.date} (${p.daysAgo < 1 ? 'vandaag' : `${pluralDagen(p.daysAgo)} geleden`})` },
    }),
    'expires-very-soon': part<{ days: string }>({
      en: { text: (p) => `expires in ${p.days} days` },
      nl: { text: (p) => `verloopt over ${p.days} dagen` },
    }),
    'expires-soon': part<{ days: number }>({
      en: { text: (p) => `expires in ${p.days} days` },
      nl: { text: (p) => `verloopt over ${p.days} dagen` },
    }),
    'not-yet-valid': part<{ notBefore: string }>({
      en: { text: (p) => `not valid before ${p.notBefore}` },
      nl: { text: (p) => `pas geldig vanaf ${p.notBefore}` },
    }),
    'weak-key': part<{ keyType: string; bits: number | null }>({
      en: { text: (p) => `${p.keyType} key of ${p.bits} bits is too weak` },
      nl: { text: (p) => `${p.keyType}-sleutel van ${p.bits} bits is te zwak` },
    }),
    'phase-out-key': part<{ keyType: string }>({
      en: { text: (p) => `${p.keyType} key should be phased out` },
      nl: { text: (p) => `${p.keyType}-sleutel moet worden uitgefaseerd` },
    }),
    'weak-signature': part<{ algorithm: string }>({
      en: { text: (p) => `signed with ${p.algorithm}` },
      nl: { text: (p) => `ondertekend met ${p.algorithm}` },
    }),
    'name-mismatch': part<{ host: string }>({
      en: { text: (p) => `not valid for ${p.host}` },
      nl: { text: (p) => `niet geldig voor ${p.host}` },
    }),
    untrusted: part<{ detail: string }>({
      en: { text: (p) => `not trusted (${p.detail})` },
      nl: { text: (p) => `niet vertrouwd (${p.detail})` },
    }),
  },
};
