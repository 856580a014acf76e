import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { BoundedMemo } from './bounded-memo.ts';

/**
 * DNSSEC signing algorithms (RFC 8624 / RFC 9905 guidance):
 * - `ok`: validated;
 * - `deprecated`: validated but flagged (RSASHA1, RSASHA1-NSEC3-SHA1);
 * - `untrusted`: never trusted (RSAMD5, DSA, DSA-NSEC3-SHA1, ECC-GOST): a zone signed only with these is
 *   treated as unsigned, as RFC 4035 §5.2 prescribes for unsupported algorithms.
 */
export type AlgorithmStatus = 'ok' | 'deprecated' | 'untrusted';

export interface AlgorithmInfo {
  name: string;
  status: AlgorithmStatus;
}

export const ALGORITHMS: Record<number, AlgorithmInfo> = {
  1: { name: 'RSAMD5', status: 'untrusted' },
  3: { name: 'DSA', status: 'untrusted' },
  5: { name: 'RSASHA1', status: 'deprecated' },
  6: { name: 'DSA-NSEC3-SHA1', status: 'untrusted' },
  7: { name: 'RSASHA1-NSEC3-SHA1', status: 'deprecated' },
  8: { name: 'RSASHA256', status: 'ok' },
  10: { name: 'RSASHA512', status: 'ok' },
  12: { name: 'ECC-GOST', status: 'untrusted' },
  13: { name: 'ECDSAP256SHA256', status: 'ok' },
  14: { name: 'ECDSAP384SHA384', status: 'ok' },
  15: { name: 'ED25519', status: 'ok' },
  16: { name: 'ED448', status: 'ok' },
};

export function algorithmName(algorithm: number): string {
  return ALGORITHMS[algorithm]?.name ?? `algorithm ${algorithm}`;
}

/** True when signatures of this algorithm can make data secure (ok or deprecated). */
export function isValidatingAlgorithm(algorithm: number): boolean {
  const status = ALGORITHMS[algorithm]?.status;
  return status === 'ok' || status === 'deprecated';
}

const HASHES: Record<number, string> = { 5: 'sha1', 7: 'sha1', 8: 'sha256', 10: 'sha512', 13: 'sha256', 14: 'sha384' };
const EC_CURVES: Record<number, { crv: string; size: number }> = {
  13: { crv: 'P-256', size: 32 },
  14: { crv: 'P-384', size: 48 },
};
const EDDSA_CURVES: Record<number, { crv: string; size: number }> = {
  15: { crv: 'Ed25519', size: 32 },
  16: { crv: 'Ed448', size: 57 },
};

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** RSA public key in DNSKEY form (RFC 3110 §2): exponent length (1 or 3 octets), exponent, modulus. */
export function splitRsaKey(key: Uint8Array): { exponent: Uint8Array; modulus: Uint8Array } | undefined {
  if (key.length < 3) return undefined;
  let offset = 1;
  let exponentLength = key[0]!;
  if (exponentLength === 0) {
    exponentLength = (key[1]! << 8) | key[2]!;
    offset = 3;
  }
  const exponent = key.subarray(offset, offset + exponentLength);
  const modulus = key.subarray(offset + exponentLength);
  if (exponent.length !== exponentLength || modulus.length === 0) return undefined;
  return { exponent, modulus };
}

/** Key size in bits (RSA modulus length; curve size for EC/EdDSA); undefined if the key is malformed. */
export function publicKeyBits(algorithm: number, key: Uint8Array): number | undefined {
  const hash = HASHES[algorithm];
  if (hash && !EC_CURVES[algorithm]) {
    const rsa = splitRsaKey(key);
    if (!rsa) return undefined;
    let modulus = rsa.modulus;
    while (modulus.length > 0 && modulus[0] === 0) modulus = modulus.subarray(1);
    return modulus.length === 0 ? 0 : (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]!));
  }
  const ec = EC_CURVES[algorithm];
  if (ec) return ec.size * 8;
  const ed = EDDSA_CURVES[algorithm];
  if (ed) return algorithm === 15 ? 256 : 456;
  return undefined;
}

/**
 * Imported keys and signature checks are pure functions of their bytes, so they are remembered: thousands of zones
 * signed with one key, or one MX host's RRsets seen by every domain, cost one createPublicKey and one verify each.
 * Bounded, so a long-running daemon's memory does not grow with the number of zones it has seen.
 */
const importedKeys = new BoundedMemo<string, KeyObject | null>(20_000);
const signatureChecks = new BoundedMemo<string, boolean>(100_000);

function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function importKey(algorithm: number, key: Uint8Array): KeyObject | undefined {
  const id = `${algorithm}/${bytesKey(key)}`;
  const known = importedKeys.get(id);
  if (known !== undefined) return known ?? undefined;
  const imported = importKeyNow(algorithm, key);
  importedKeys.set(id, imported ?? null);
  return imported;
}

function importKeyNow(algorithm: number, key: Uint8Array): KeyObject | undefined {
  try {
    const ec = EC_CURVES[algorithm];
    if (ec) {
      if (key.length !== ec.size * 2) return undefined;
      const jwk = { kty: 'EC', crv: ec.crv, x: b64url(key.subarray(0, ec.size)), y: b64url(key.subarray(ec.size)) };
      return createPublicKey({ key: jwk, format: 'jwk' });
    }
    const ed = EDDSA_CURVES[algorithm];
    if (ed) {
      if (key.length !== ed.size) return undefined;
      return createPublicKey({ key: { kty: 'OKP', crv: ed.crv, x: b64url(key) }, format: 'jwk' });
    }
    if (HASHES[algorithm]) {
      const rsa = splitRsaKey(key);
      if (!rsa) return undefined;
      return createPublicKey({ key: { kty: 'RSA', n: b64url(rsa.modulus), e: b64url(rsa.exponent) }, format: 'jwk' });
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported-algorithm' | 'malformed-key';

/** Verifies one DNSSEC signature over `data` with a DNSKEY public key. Never throws. */
export function verifySignature(
  algorithm: number,
  publicKey: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  if (!isValidatingAlgorithm(algorithm)) return 'unsupported-algorithm';
  const key = importKey(algorithm, publicKey);
  if (!key) return 'malformed-key';
  // The digest of the signed data stands for it in the key: the data itself may be kilobytes.
  const id = `${algorithm}/${bytesKey(publicKey)}/${bytesKey(signature)}/${createHash('sha256').update(data).digest('base64')}`;
  const known = signatureChecks.get(id);
  if (known !== undefined) return known ? 'valid' : 'invalid';
  const check = verifyNow(algorithm, key, data, signature);
  signatureChecks.set(id, check === 'valid');
  return check;
}

function verifyNow(algorithm: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): SignatureCheck {
  try {
    if (EDDSA_CURVES[algorithm]) return verify(null, data, key, signature) ? 'valid' : 'invalid';
    const hash = HASHES[algorithm]!;
    if (EC_CURVES[algorithm]) {
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature) ? 'valid' : 'invalid';
    }
    return verify(hash, data, key, signature) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
