/**
 * Security levels of the NCSC "ICT-beveiligingsrichtlijnen voor Transport Layer Security (TLS)" v2.1 (2021): good
 * (goed), sufficient (voldoende), phase-out (uit te faseren), insufficient (onvoldoende). A cipher suite is judged by
 * its parts, the worst part wins. Where the guideline is silent (Camellia, ARIA, CCM_8) we err on the lenient side
 * to avoid false alarms; see docs/transport.md.
 */
export const TIERS = ['good', 'sufficient', 'phase-out', 'insufficient'] as const;
export type Tier = (typeof TIERS)[number];

export function worstTier(...tiers: Tier[]): Tier {
  let worst: Tier = 'good';
  for (const tier of tiers) if (TIERS.indexOf(tier) > TIERS.indexOf(worst)) worst = tier;
  return worst;
}

/** `TLSv1.3` → good, `TLSv1.2` → sufficient, `TLSv1`/`TLSv1.1` → phase-out, SSL → insufficient. */
export function protocolTier(version: string): Tier {
  switch (version) {
    case 'TLSv1.3':
      return 'good';
    case 'TLSv1.2':
      return 'sufficient';
    case 'TLSv1.1':
    case 'TLSv1':
      return 'phase-out';
    default:
      return 'insufficient';
  }
}

const TLS13_SUITES: Record<string, Tier> = {
  TLS_AES_256_GCM_SHA384: 'good',
  TLS_CHACHA20_POLY1305_SHA256: 'good',
  TLS_AES_128_GCM_SHA256: 'good',
  TLS_AES_128_CCM_SHA256: 'sufficient',
  TLS_AES_128_CCM_8_SHA256: 'phase-out',
};

function keyExchangeTier(kx: string): Tier {
  if (kx === 'ECDHE_ECDSA' || kx === 'ECDHE_RSA') return 'good';
  if (kx === 'DHE_RSA' || kx === 'DHE_DSS') return 'sufficient';
  if (kx === 'RSA') return 'phase-out';
  // anonymous, static (EC)DH, PSK, SRP, KRB5, export variants
  return 'insufficient';
}

function bulkTier(bulk: string): Tier {
  if (/^(AES_(128|256)_GCM|CHACHA20_POLY1305)$/.test(bulk)) return 'good';
  if (/^AES_(128|256)_(CBC|CCM)$/.test(bulk)) return 'sufficient';
  if (/^(3DES_EDE_CBC|AES_(128|256)_CCM_8|CAMELLIA_(128|256)_(CBC|GCM)|ARIA_(128|256)_(CBC|GCM))$/.test(bulk)) {
    return 'phase-out';
  }
  return 'insufficient';
}

function macTier(mac: string): Tier {
  if (mac === 'SHA384' || mac === 'SHA256' || mac === 'SHA' || mac === '') return 'sufficient';
  return 'insufficient';
}

/**
 * Tier of a cipher suite by its IANA name (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`, `TLS_AES_128_GCM_SHA256`), as
 * Node reports it in `getCipher().standardName`.
 */
export function cipherTier(standardName: string): Tier {
  const tls13 = TLS13_SUITES[standardName];
  if (tls13) return tls13;
  const match = /^TLS_(.+)_WITH_(.+?)(?:_(SHA384|SHA256|SHA|MD5))?$/.exec(standardName);
  if (!match) return 'insufficient';
  const [, kx = '', bulk = '', mac = ''] = match;
  const bulkLevel = bulkTier(bulk);
  // AEAD suites carry a PRF hash, not a MAC; only CBC suites are judged on their HMAC
  const macLevel = /GCM|POLY1305|CCM/.test(bulk) ? 'good' : macTier(mac);
  return worstTier(keyExchangeTier(kx), bulkLevel, macLevel);
}

/** Tier of the ephemeral key exchange group from `getEphemeralKeyInfo()`: ECDHE curve name or DH size in bits. */
export function keyExchangeGroupTier(info: { type?: string; name?: string; size?: number }): Tier {
  const name = (info.name ?? '').toLowerCase();
  if (info.type === 'DH') {
    const size = info.size ?? 0;
    if (size >= 3072) return 'sufficient';
    if (size >= 2048) return 'phase-out';
    return 'insufficient';
  }
  if (/mlkem/.test(name)) return 'good';
  if (['x25519', 'x448', 'prime256v1', 'secp256r1', 'secp384r1', 'secp521r1'].includes(name)) return 'good';
  if (name === 'secp224r1') return 'phase-out';
  return name === '' ? 'sufficient' : 'insufficient';
}

/** Certificate key: RSA ≥ 3072 good, ≥ 2048 sufficient; EC P-256/P-384/P-521 and EdDSA good; anything smaller insufficient. */
export function certificateKeyTier(keyType: string, keyBits: number | undefined): Tier {
  if (keyType === 'rsa' || keyType === 'rsa-pss' || keyType === 'dsa') {
    const bits = keyBits ?? 0;
    if (keyType === 'dsa') return bits >= 2048 ? 'phase-out' : 'insufficient';
    if (bits >= 3072) return 'good';
    if (bits >= 2048) return 'sufficient';
    return 'insufficient';
  }
  if (keyType === 'ec') return (keyBits ?? 0) >= 256 ? 'good' : 'insufficient';
  if (keyType === 'ed25519' || keyType === 'ed448') return 'good';
  return 'sufficient';
}

/** Certificate signature hash: SHA-2 family good, SHA-1 and MD5 insufficient. */
export function signatureTier(signatureAlgorithm: string): Tier {
  const name = signatureAlgorithm.toLowerCase();
  if (/md[245]|sha-?1(?!\d)/.test(name)) return 'insufficient';
  if (/sha-?(224|256|384|512)|sha3|ed25519|ed448|pss/.test(name)) return 'good';
  return 'sufficient';
}
