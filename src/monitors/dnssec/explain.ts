import type { FailureReason } from '../../dns/dnssec/result.ts';

/** Why a bogus verdict matters and how to fix it, per reason. */
export const BOGUS_FIXES: Record<FailureReason, string> = {
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
